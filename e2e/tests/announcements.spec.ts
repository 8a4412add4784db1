// Announcements and focus: notifications in live regions that exist from the
// start (critical ones stay until dismissed), and a route change that moves
// focus to the new page's heading and announces its title.
import { test, expect, isLocal } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { signIn, storedSession } from "../support/auth";

test.skip(!isLocal, "drives the local stack");

test("a critical alert is announced at once and stays until it is dismissed", async ({ page }) => {
  await page.clock.install();
  await signIn(page, credentials.admin);
  await page.goto("/observability");
  const notifications = page.getByRole("region", { name: "Notifications" });
  // The assertive region is there before anything is announced in it.
  const assertive = notifications.locator('[aria-live="assertive"]');
  await expect(assertive).toHaveCount(1);
  await expect(page.getByRole("article").filter({ hasText: "Recent alerts" }).getByRole("status")).toHaveText("Listening for alerts.");

  const token = (await storedSession(page))!.access_token;
  const message = `Disk usage critical: 99.0% (${Date.now()})`;
  const sent = await page.request.post("/api/v1/pusher/trigger", {
    headers: { authorization: `Bearer ${token}` },
    data: { channel: "private-admin", event: "alert-new", data: { level: "critical", metric: "disk", value: 99, threshold: 95, message } },
  });
  expect(sent.status()).toBe(200);
  const toast = assertive.getByRole("group", { name: "Critical alert" }).filter({ hasText: message });
  await expect(toast).toBeVisible();

  // A minute later it is still there: only the user takes it away.
  await page.clock.fastForward("01:00");
  await expect(toast).toBeVisible();
  await toast.getByRole("button", { name: "Dismiss" }).click();
  await expect(toast).toHaveCount(0);
});

test("a route change moves focus to the new page's heading and announces its title", async ({ page }) => {
  await signIn(page, credentials.admin);
  await page.goto("/chat");
  await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Observability" }).click();
  const heading = page.getByRole("heading", { level: 1, name: "Observability" });
  await expect(heading).toBeFocused();
  await expect(page).toHaveTitle(/Observability/);
  await expect(page.getByTestId("announcer")).toHaveText(/Observability/);
  // Keyboard navigation goes on from the heading, into the page.
  await page.keyboard.press("Tab");
  await expect(page.locator("#main-content :focus")).toHaveCount(1);
});

test("on a phone the connection state is in words, not a colour alone, and the header fits", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page, credentials.admin);
  const indicator = page.getByTestId("realtime-indicator");
  await expect(indicator).toContainText("Live");
  await expect(indicator.locator(".realtime-label")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("the number style kept from an earlier visit is used for its own locale only", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ locale: "de-DE", baseURL });
  const page = await context.newPage();
  await signIn(page, credentials.admin);
  const keep = (style: object) => page.evaluate((s) => localStorage.setItem("toolboxai.number-style", JSON.stringify(s)), style);
  const kept = () => page.evaluate(() => JSON.parse(localStorage.getItem("toolboxai.number-style") ?? "null"));
  const cpu = page.locator("article#cpu .metric-value");
  // Kept when the browser spoke English: read again for German, and kept anew.
  await keep({ locale: "en-US", decimal: ".", group: "," });
  await page.goto("/observability");
  await expect(cpu).toHaveText(/^\d+,\d %/);
  expect(await kept()).toEqual({ locale: "de-DE", decimal: ",", group: "." });
  // Kept for German: used as kept, without asking Intl (a mark no locale uses shows it).
  await keep({ locale: "de-DE", decimal: "·", group: null });
  await page.reload();
  await expect(cpu).toHaveText(/^\d+·\d %/);
  // Unreadable: read again.
  await keep({ locale: "de-DE", decimal: "12", group: "." });
  await page.reload();
  await expect(cpu).toHaveText(/^\d+,\d %/);
  await context.close();
});

for (const [locale, pattern, percent, axis] of [
  ["en-US", /\b\d{1,2}:\d\d:\d\d\s?[AP]M\b/, /^\d+\.\d %/, { tick: /^1:05\sPM$/, day: "Dec 1", value: "42.5 %" }],
  ["de-DE", /\b\d\d:\d\d:\d\d\b(?!\s?[AP]M)/, /^\d+,\d %/, { tick: /^13:05$/, day: "1. Dez.", value: "42,5 %" }],
] as const) {
  test(`times and numbers follow the browser's locale (${locale}), with the full date on hover, and in the charts`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ locale, baseURL });
    const page = await context.newPage();
    await signIn(page, credentials.admin);
    await page.goto("/observability");
    await expect(page.locator("article#cpu .metric-value")).toHaveText(percent);
    await expect(page.getByRole("article").filter({ hasText: "Recent alerts" }).getByRole("status")).toHaveText("Listening for alerts.");
    const token = (await storedSession(page))!.access_token;
    const message = `CPU usage critical: 96.0% (${locale} ${Date.now()})`;
    const sent = await page.request.post("/api/v1/pusher/trigger", {
      headers: { authorization: `Bearer ${token}` },
      data: { channel: "private-admin", event: "alert-new", data: { level: "critical", metric: "cpu", value: 96, threshold: 90, message } },
    });
    expect(sent.status()).toBe(200);
    const entry = page.getByRole("article").filter({ hasText: "Recent alerts" }).getByRole("listitem").filter({ hasText: message });
    const time = entry.locator("time");
    await expect(time).toHaveText(pattern);
    await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await expect(time).toHaveAttribute("title", /\d{4}/);

    // The charts' axes and legend (the text under the pointer): the formatters the drawn CPU chart holds.
    await expect(page.locator("#cpu-chart canvas")).toBeVisible();
    const labels = await page.evaluate(() => {
      const chart = (globalThis as any).dashboardCharts.instance(document.querySelector("#cpu-chart .chart"));
      const at = new Date(2026, 11, 1, 13, 5, 0).getTime();
      return {
        tick: chart.axes[0].values(chart, [at])[0],
        day: chart.axes[0].values(chart, [new Date(2026, 11, 1).getTime()])[0],
        pointer: chart.series[0].value(chart, at),
        value: chart.axes[1].values(chart, [42.5])[0],
        tooltip: chart.series[1].value(chart, 42.5),
      };
    });
    expect(labels.tick).toMatch(axis.tick);
    expect(labels.day).toBe(axis.day);
    expect(labels.pointer).toMatch(/2026/);
    expect(labels.pointer).toMatch(pattern);
    expect(labels.value).toBe(axis.value);
    expect(labels.tooltip).toBe(axis.value);
    await context.close();
  });
}
