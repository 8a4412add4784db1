// Realtime: our Pusher client against sockudo, wired into the UI.
import type { APIRequestContext, Page } from "@playwright/test";
import { test, expect, localOnly } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { fillSignIn, signIn, storedSession } from "../support/auth";
import { LocalStack } from "../support/stack";

// Everything here needs a Pusher server the test controls.
test.beforeEach(() => localOnly());

const indicator = (page: Page) => page.getByTestId("realtime-indicator");
/** The alerts card says when the admin channel is confirmed: from then on, alerts arrive. */
const alertsStatus = (page: Page) => page.getByRole("article").filter({ hasText: "Recent alerts" }).getByRole("status");

async function triggerAlert(page: Page, request: APIRequestContext, base: string, message: string) {
  const token = (await storedSession(page))!.access_token;
  const response = await request.post(`${base}/api/v1/pusher/trigger`, {
    headers: { authorization: `Bearer ${token}` },
    data: { channel: "private-admin", event: "alert-new", data: { level: "critical", metric: "cpu", value: 97.5, threshold: 90, message } },
  });
  expect(response.status()).toBe(200);
}

test("a server-triggered alert shows within a second, as a toast and in the alert list", async ({ page, request, baseURL }) => {
  await signIn(page, credentials.admin);
  await expect(indicator(page)).toContainText("Live");
  await expect(indicator(page)).toHaveAttribute("title", /socket \d+\.\d+; \d+ channels/);
  await expect(alertsStatus(page)).toHaveText("Listening for alerts.");
  const sent = Date.now();
  await triggerAlert(page, request, baseURL!, "CPU usage critical: 97.5%");
  const toast = page.getByRole("region", { name: "Notifications" }).getByRole("group").filter({ hasText: "CPU usage critical: 97.5%" });
  await expect(toast).toBeVisible({ timeout: 1_000 });
  expect(Date.now() - sent).toBeLessThan(1_500);
  await expect(page.getByRole("article").filter({ hasText: "Recent alerts" })).toContainText("CPU usage critical: 97.5%");
  // …and as a marker on the CPU chart's time axis.
  await expect(page.locator("#cpu-chart figcaption")).toContainText(/Alerts marked on the time axis: .*critical at \d{1,2}:\d\d:\d\d/);
  await toast.getByRole("button", { name: "Dismiss" }).click();
  await expect(toast).toHaveCount(0);
});

test("pushed reports feed the page between polls", async ({ page }) => {
  await page.goto("/login?redirect=%2Fobservability%3Finterval%3Dpaused");
  await fillSignIn(page, credentials.admin);
  await expect(page.locator("#cpu-chart figcaption")).toContainText("Latest");
  const readings = async () => Number((await page.locator("#cpu-chart figcaption").textContent())?.match(/over (\d+) readings/)?.[1] ?? 0);
  const before = await readings();
  let polls = 0;
  page.on("request", (r) => r.url().includes("/infrastructure/report") && polls++);
  // Polling is paused; the backend publishes metrics.updated every 5 s.
  await expect.poll(readings, { timeout: 7_000 }).toBeGreaterThan(before);
  expect(polls).toBe(0);
});

test("another user's private channel is refused and reported, never a crash", async ({ page, consoleErrors }) => {
  await signIn(page, credentials.teacher);
  await expect(indicator(page)).toContainText("Live");
  // The profile claims another id: the app asks for that user's channel.
  await page.route("**/api/v1/users/me/profile", async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    await route.fulfill({ response, json: { ...body, id: 999_999 } });
  });
  await page.reload();
  const notice = page.getByRole("region", { name: "Notifications" }).locator('[aria-live="polite"]').getByRole("group", { name: "Live updates" });
  await expect(notice.filter({ hasText: "Live updates were refused" })).toBeVisible();
  await expect(notice.filter({ hasText: "private-user-999999" })).toBeVisible();
  await expect(indicator(page)).toContainText("Live");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "ToolBoxAI Dashboard" })).toBeVisible();
  expect(consoleErrors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
});

test("signing out closes the realtime connection", async ({ page }) => {
  const sockets: { closed: boolean }[] = [];
  page.on("websocket", (ws) => {
    const entry = { closed: false };
    sockets.push(entry);
    ws.on("close", () => (entry.closed = true));
  });
  await signIn(page, credentials.teacher);
  await expect(indicator(page)).toContainText("Live");
  expect(sockets.length).toBe(1);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => sockets.every((s) => s.closed)).toBe(true);
  await expect(indicator(page)).toHaveCount(0);
});

test.describe("when the Pusher server dies", () => {
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({ name: "pusher-outage" });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("the indicator leaves Live, then reconnects and resubscribes within 2 s of the restart", async ({ page, request }) => {
    await signIn(page, credentials.admin, stack.url);
    await expect(indicator(page)).toContainText("Live");
    const firstSocket = await indicator(page).getAttribute("title");
    await stack.killPusher();
    await expect(indicator(page)).not.toContainText("Live");
    await expect(indicator(page)).toContainText(/Reconnecting|Connecting|unavailable/);
    await stack.startPusher();
    const restarted = Date.now();
    await expect(indicator(page)).toContainText("Live", { timeout: 2_000 });
    expect(await indicator(page).getAttribute("title")).not.toBe(firstSocket);
    // Resubscribed: the channel is confirmed again, and a new event arrives.
    await expect(alertsStatus(page)).toHaveText("Listening for alerts.");
    await triggerAlert(page, request, stack.url, "Memory usage critical: 93.0%");
    await expect(page.getByRole("region", { name: "Notifications" }).getByRole("group").filter({ hasText: "Memory usage critical: 93.0%" })).toBeVisible({ timeout: 1_000 });
    expect(Date.now() - restarted).toBeLessThan(3_500);
  });
});

test.describe("without Pusher settings", () => {
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({ name: "no-realtime", withoutPusher: true });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("realtime is off and everything else works", async ({ page, consoleErrors }) => {
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    await signIn(page, credentials.admin, stack.url);
    await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
    await expect(page.locator("article#cpu .metric-value")).toHaveText(/%/);
    await expect(indicator(page)).toHaveCount(0);
    await expect(alertsStatus(page)).toHaveText("Live alerts are off in this environment.");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chat" }).click();
    await expect(page.getByRole("complementary", { name: "Your tasks" })).toContainText("Checked every 10 s.");
    expect(sockets).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
