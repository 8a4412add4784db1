// The app shell: it loads cleanly, every route is served as the app with the
// deployment's headers, unknown routes get a real 404 page, and a broken
// runtime configuration gets a clear error screen instead of a blank page.
import { test, expect, isLocal } from "../support/fixtures";
import { globalHeaders, withoutLocalPusher } from "../support/vercel";
import { signIn } from "../support/auth";
import { credentials, haveDeployedCredentials } from "../support/credentials";

test("@smoke the shell loads with a ToolBoxAI title and no console errors", async ({ page, consoleErrors }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/ToolBoxAI/);
  await expect(page.getByRole("heading", { level: 1, name: "ToolBoxAI Dashboard" })).toBeVisible();
  await expect(page.getByRole("banner")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByRole("contentinfo")).toBeVisible();
  // The backend status card reaches a verdict (through the /api rewrite).
  const status = page.getByRole("main").getByRole("status").filter({ hasNotText: "Checking" });
  await expect(status).toContainText(/healthy|degraded|unhealthy|unreachable/);
  expect(consoleErrors).toEqual([]);
});

for (const path of ["/", "/login", "/observability", "/chat", "/chat/some-conversation", "/does-not-exist"]) {
  test(`@smoke a deep link to ${path} is served as the app with the declared headers`, async ({ request }) => {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("text/html");
    // /login is the standalone sign-in page (a static form with its own small wasm).
    const title = path === "/login" ? "Sign in · ToolBoxAI Dashboard" : "ToolBoxAI Dashboard";
    expect(await response.text()).toContain(`<title>${title}</title>`);
    for (const { key, value } of globalHeaders) {
      const served = response.headers()[key.toLowerCase()];
      expect(key === "Content-Security-Policy" ? withoutLocalPusher(served) : served, key).toBe(value);
    }
  });
}

test("@smoke /sign-in is an alias of /login that keeps the return target", async ({ request }) => {
  const response = await request.get("/sign-in?redirect=%2Fchat", { maxRedirects: 0 });
  expect([307, 308]).toContain(response.status());
  expect(response.headers()["location"]).toBe("/login?redirect=%2Fchat");
});

test("@smoke hashed assets are cached for a year and the runtime config is not", async ({ request }) => {
  const pages = [await (await request.get("/")).text(), await (await request.get("/login")).text()];
  const assets = pages.flatMap((html) =>
    [...html.matchAll(/(?:href|src)="(\/[a-z0-9]+-[0-9a-f]{1,16}(?:_bg)?\.(?:js|wasm|css))"/g)].map((m) => m[1]),
  );
  expect(assets.length).toBeGreaterThanOrEqual(7);
  for (const asset of assets) {
    const response = await request.get(asset);
    expect(response.status(), asset).toBe(200);
    expect(response.headers()["cache-control"], asset).toBe("public, max-age=31536000, immutable");
  }
  const config = await request.get("/app-config.json");
  expect(config.status()).toBe(200);
  expect(config.headers()["cache-control"]).toBe("no-cache");
});

test("@smoke the health API is reachable through the rewrite", async ({ request }) => {
  const response = await request.get("/api/v1/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBeTruthy();
  expect(typeof body.system?.cpu_percent).toBe("number");
});

test("every route renders its page", async ({ page, consoleErrors }) => {
  for (const [path, heading] of [
    ["/", "ToolBoxAI Dashboard"],
    ["/login", "Sign in"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  }
  expect(consoleErrors).toEqual([]);
});

test("an unknown route shows the 404 page with a way home", async ({ page }) => {
  await page.goto("/no/such/page?x=1");
  await expect(page).toHaveTitle(/Page not found/);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByText("/no/such/page")).toBeVisible();
  await page.getByRole("link", { name: "Go to the dashboard home" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "ToolBoxAI Dashboard" })).toBeVisible();
});

test("navigation links route on the client", async ({ page }) => {
  test.skip(!isLocal && !haveDeployedCredentials, "needs credentials against a deployment");
  await signIn(page, credentials.admin);
  const nav = page.getByRole("navigation", { name: "Main" });
  const loads: string[] = [];
  page.on("request", (r) => r.resourceType() === "document" && loads.push(r.url()));
  await nav.getByRole("link", { name: "Chat" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Chat" })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "Observability" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
  await page.getByRole("link", { name: "ToolBoxAI" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "ToolBoxAI Dashboard" })).toBeVisible();
  expect(loads).toEqual([]);
});

test("an invalid runtime configuration shows an error screen", async ({ page }) => {
  await page.route("**/app-config.json", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: '{"pusher":{"cluster":"eu"}}' }),
  );
  await page.goto("/");
  const alert = page.getByRole("alert");
  await expect(alert.getByRole("heading", { name: "The dashboard configuration is invalid" })).toBeVisible();
  await expect(alert).toContainText("pusher.key is missing");
  await expect(alert.getByRole("link", { name: "Reload" })).toBeVisible();
  await expect(page).toHaveTitle(/Configuration error/);
});

for (const path of ["/sign-up", "/register"]) {
  test(`the React dashboard's ${path} says where accounts come from, and offers sign-in`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole("status").filter({ hasText: "does not create accounts itself" })).toBeVisible();
    await expect(page.getByLabel("Email or username")).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  });
}

test("a crafted ?crash-drill link does nothing unless the configuration allows drills", async ({ page, consoleErrors }) => {
  await page.goto("/login?crash-drill");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  await expect(page.getByRole("heading", { name: "Something went wrong — reload" })).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test("a missing or unreadable runtime configuration shows an error screen", async ({ page }) => {
  await page.route("**/app-config.json", (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.goto("/observability");
  await expect(page.getByRole("heading", { name: "The dashboard configuration is missing" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("HTTP 404");

  await page.route("**/app-config.json", (route) => route.fulfill({ status: 200, body: "<html>oops</html>" }));
  await page.reload();
  await expect(page.getByRole("heading", { name: "The dashboard configuration is invalid" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("not valid JSON");
});

test("when the loader's request for the runtime configuration fails, the app asks for it itself and starts", async ({ page, consoleErrors }) => {
  // The loader (early-*.js) asks first; only that request fails, as a dropped connection would.
  const configs: string[] = [];
  await page.route("**/app-config.json", (route) => {
    configs.push(route.request().url());
    return configs.length === 1 ? route.abort("connectionreset") : route.fallback();
  });
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "ToolBoxAI Dashboard" })).toBeVisible();
  expect(configs).toHaveLength(2);
  // The loader's failed request is the only error the browser reports.
  expect(consoleErrors.filter((e) => !e.includes("ERR_CONNECTION_RESET"))).toEqual([]);
});

test("the layout fits a phone screen", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/");
  await expect(page.getByRole("link", { name: "ToolBoxAI" })).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("the colour scheme follows the system preference", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(light).not.toBe(dark);
});

test("a keyboard user can skip to the main content", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
});
