// Alerts that last: raised by a threshold on the backend, stored in its alert
// log, drawn on their chart's time axis, counted in the header on every page,
// and acknowledged once for every open tab.
import type { Page } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { fillSignIn } from "../support/auth";
import { LocalStack } from "../support/stack";

test.skip(!isLocal, "drives the local stack");

let stack: LocalStack;
test.beforeAll(async () => {
  // Memory is always above 0.2 %: the first sample raises a critical alert.
  // CPU and disk cross theirs only at 100 % (a busy CI machine runs its CPU
  // above the default 90 % and raised alerts of its own during the test).
  stack = await LocalStack.start({
    name: "alerts",
    metricsIntervalSecs: 1,
    backendEnv: {
      HEALTH_MEMORY_WARNING: "0.1",
      HEALTH_MEMORY_CRITICAL: "0.2",
      HEALTH_CPU_WARNING: "100",
      HEALTH_CPU_CRITICAL: "100",
      HEALTH_DISK_WARNING: "100",
      HEALTH_DISK_CRITICAL: "100",
    },
  });
});
test.afterAll(async () => {
  await stack?.stop();
});

const alertLog = (page: Page) => page.getByRole("article").filter({ has: page.getByRole("heading", { name: "Recent alerts" }) });
const headerCount = (page: Page) => page.getByRole("banner").getByRole("link", { name: /unacknowledged critical alerts?$/ });

async function openAsAdmin(page: Page, path: string) {
  await page.goto(`${stack.url}/login?redirect=${encodeURIComponent(path)}`);
  await fillSignIn(page, credentials.admin);
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
}

test("a threshold alert is on its chart and in the log, survives a reload, is counted in the header and acknowledged in every tab", async ({
  page,
  context,
}) => {
  await openAsAdmin(page, "/observability?interval=1s");
  const entry = alertLog(page).getByRole("listitem").filter({ hasText: "memory" }).first();
  await expect(entry).toContainText("critical");
  await expect(entry).toContainText("Memory: ");
  await expect(entry).toContainText("(threshold 0.2 %)");
  await expect(page.locator("#memory-chart figcaption")).toContainText(/Alerts marked on the time axis: critical at \d{1,2}:\d\d:\d\d/, {
    timeout: 15_000,
  });
  await expect(headerCount(page)).toBeVisible();

  // The log is the backend's: a reload shows the same alert.
  await page.reload();
  await expect(alertLog(page).getByRole("listitem").filter({ hasText: "memory" }).first()).toContainText("critical");
  await expect(page.locator("#memory-chart figcaption")).toContainText("Alerts marked on the time axis: critical at");

  // The header counts it on every page, and links back to the log.
  const other = await context.newPage();
  await other.goto(`${stack.url}/chat`);
  await expect(other.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  await expect(headerCount(other)).toBeVisible();

  // Acknowledged here, seen there at once (pushed). Both headers count what the
  // backend's log counts: another alert may be raised meanwhile (a CPU pinned at
  // 100 % on a busy machine crosses even a 100 % threshold), so the count is
  // compared with the log, not with a number taken before.
  const button = alertLog(page).getByRole("button", { name: /^Acknowledge: Memory/ }).first();
  await button.click();
  await expect(alertLog(page).getByText(/Acknowledged by admin at \d{1,2}:\d\d:\d\d/).first()).toBeVisible();
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("toolboxai.session") ?? "{}").access_token as string);
  const backendLog = async () => {
    const response = await page.request.get(`${stack.url}/api/v1/observability/alerts?limit=500`, { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()).data.alerts as { metric: string; level: string; acknowledged_by: string | null }[];
  };
  expect((await backendLog()).some((a) => /memory/i.test(a.metric) && a.acknowledged_by === "admin")).toBe(true);
  const backendCount = async () => (await backendLog()).filter((a) => a.level === "critical" && !a.acknowledged_by).length;
  const shown = async (tab: Page) => Number((((await headerCount(tab).count()) ? await headerCount(tab).textContent() : "0") ?? "").match(/^(\d+)/)?.[1] ?? 0);
  await expect.poll(async () => {
    const expected = await backendCount();
    return [await shown(page), await shown(other)].every((n) => n === expected);
  }).toBe(true);
  await other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Observability" }).click();
  await expect(alertLog(other).getByText(/Acknowledged by admin at/).first()).toBeVisible();
});
