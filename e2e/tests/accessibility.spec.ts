// axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every screen and its
// significant states, in the light and dark colour schemes, at phone and
// desktop widths: zero violations.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { fillSignIn, signIn, storedSession } from "../support/auth";

test.skip(!isLocal, "drives the local stack");

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

async function expectNoViolations(page: Page, state: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join("; ")}`).join("\n")}`,
  );
  expect(found, `${state}: axe violations`).toEqual([]);
}

const SCHEMES = ["light", "dark"] as const;
const WIDTHS = [
  { name: "phone", width: 375, height: 740 },
  { name: "desktop", width: 1280, height: 800 },
];

for (const scheme of SCHEMES) {
  for (const size of WIDTHS) {
    test.describe(`${scheme}, ${size.name}`, () => {
      test.use({ colorScheme: scheme, viewport: { width: size.width, height: size.height } });

      test("sign-in: the form, and with an error", async ({ page }) => {
        await page.goto("/login");
        await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
        await expectNoViolations(page, "sign-in form");
        // An account that does not exist: no real account's throttle is touched.
        await fillSignIn(page, { username: `nobody-${scheme}-${size.name}`, password: "wrong-password-1" });
        await expect(page.getByRole("alert")).toBeVisible();
        await expectNoViolations(page, "sign-in with an error");
        // Locked out (the backend's 429, as it words it): the countdown.
        await page.route("**/api/v1/auth/login", (route) =>
          route.fulfill({
            status: 429,
            headers: { "Retry-After": "60" },
            json: { detail: "Too many failed sign-in attempts. Try again in 60 seconds." },
          }),
        );
        await fillSignIn(page, { username: `nobody-${scheme}-${size.name}`, password: "wrong-password-2" });
        await expect(page.getByRole("alert")).toContainText(/Try again in \d+ s/);
        await expectNoViolations(page, "sign-in locked out");
      });

      test("observability with data, and the alerts log", async ({ page }) => {
        await page.goto(`/login?redirect=${encodeURIComponent("/observability")}`);
        await fillSignIn(page, credentials.admin);
        await expect(page.locator("article#cpu .metric-value")).toHaveText(/^\d+(\.\d)? %/);
        await expect(page.locator("#cpu-chart canvas")).toBeVisible();
        await expectNoViolations(page, "/observability with data");

        // A critical alert pushed by the backend: its toast, the log entry, the header count.
        const token = (await storedSession(page))!.access_token;
        const sent = await page.request.post("/api/v1/pusher/trigger", {
          headers: { authorization: `Bearer ${token}` },
          data: { channel: "private-admin", event: "alert-new", data: { level: "critical", metric: "cpu", value: 97.5, threshold: 90, message: "CPU usage critical: 97.5%" } },
        });
        expect(sent.status()).toBe(200);
        await expect(page.getByRole("region", { name: "Notifications" }).getByRole("group").filter({ hasText: "CPU usage critical: 97.5%" })).toBeVisible();
        await expectNoViolations(page, "/observability with an alert");

        // The backend fails: first the stale banner over the data kept, then the error.
        await page.route("**/infrastructure/report", (route) =>
          route.fulfill({ status: 500, json: { detail: "Metrics store is on fire" } }),
        );
        await page.getByRole("button", { name: "Refresh now" }).click();
        await expect(page.locator(".stale-banner")).toBeVisible();
        await expectNoViolations(page, "/observability with stale data");
      });

      test("observability that cannot load", async ({ page }) => {
        await page.route("**/infrastructure/report", (route) =>
          route.fulfill({ status: 500, json: { detail: "Metrics store is on fire" } }),
        );
        await page.goto(`/login?redirect=${encodeURIComponent("/observability")}`);
        await fillSignIn(page, credentials.admin);
        await expect(page.getByRole("alert").first()).toBeVisible();
        await expectNoViolations(page, "/observability error");
      });

      test("the 403 page and the 404 page", async ({ page }) => {
        await signIn(page, credentials.teacher);
        await page.goto("/observability");
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectNoViolations(page, "403");
        await page.goto("/does-not-exist");
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectNoViolations(page, "404");
      });

      test("chat: empty, with a thread, with a failed message", async ({ page }) => {
        await signIn(page, credentials.teacher);
        await page.goto("/chat");
        await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
        await expect(page.getByRole("complementary", { name: "Your tasks" })).toContainText(/pending ·|No tasks/);
        await expectNoViolations(page, "/chat");

        // A thread: a message and the assistant's reply with its task card.
        const composer = page.getByRole("textbox", { name: "Message" });
        const messages = page.getByRole("log", { name: "Messages" });
        await composer.fill(`add a task to review contrast ${scheme} ${size.name}`);
        await composer.press("Enter");
        await expect(messages.getByRole("region", { name: "Task added" }).last()).toBeVisible();
        await expectNoViolations(page, "/chat with a thread");

        // A message that failed, with its reason and Retry.
        await page.route("**/api/*/chat", (route) => route.fulfill({ status: 500, json: { detail: "Internal Server Error" } }));
        await composer.fill("add a task to check contrast");
        await composer.press("Enter");
        await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
        await expectNoViolations(page, "/chat with a failed message");
      });

      test("the configuration error screen", async ({ page }) => {
        await page.route("**/app-config.json", (route) =>
          route.fulfill({ status: 200, contentType: "application/json", body: '{"pusher":{"cluster":"eu"}}' }),
        );
        await page.goto("/");
        await expect(page.getByRole("alert").getByRole("heading")).toBeVisible();
        await expectNoViolations(page, "configuration error");
      });

      test("the crash screen (a crash drill the configuration allows)", async ({ page, consoleErrors }) => {
        await page.route("**/app-config.json", async (route) => {
          const config = await (await route.fetch()).json();
          await route.fulfill({ json: { ...config, crash_drill: true } });
        });
        await page.goto("/?crash-drill");
        await expect(page.getByRole("alert").getByRole("heading", { name: "Something went wrong — reload" })).toBeVisible();
        await expect(page.getByRole("link", { name: "Reload the page" })).toBeVisible();
        expect(consoleErrors.join("\n")).toContain("crash drill");
        await expectNoViolations(page, "crash screen");
      });
    });
  }
}

test.describe("forced colours (Windows High Contrast)", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("the pages stay usable: no axe violations, focus still drawn, charts in system colours", async ({ page }) => {
    await page.emulateMedia({ forcedColors: "none" });
    await page.goto(`/login?redirect=${encodeURIComponent("/observability?interval=paused")}`);
    await fillSignIn(page, credentials.admin);
    const canvas = page.locator("#cpu-chart canvas");
    await expect(canvas).toBeVisible();
    await page.locator("#cpu-chart").scrollIntoViewIfNeeded();
    const pixels = () => canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    const normal = await pixels();

    await page.emulateMedia({ forcedColors: "active" });
    // The chart follows: its tokens are system colours now.
    await expect.poll(pixels, { timeout: 5_000 }).not.toBe(normal);
    await expectNoViolations(page, "/observability in forced colours");
    // A focused control still shows its outline.
    await page.getByLabel("Refresh").focus();
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(outline.style).not.toBe("none");
    expect(outline.width).toBeGreaterThanOrEqual(2);
  });
});
