// /observability opens full: the backend's stored history, this tab's earlier
// readings, and the time range kept in the URL.
import type { Page } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { fillSignIn } from "../support/auth";
import { withoutPushedReports } from "../support/pushes";
import { LocalStack } from "../support/stack";

const REPORT = "/api/v1/observability/infrastructure/report";
const SERIES = "/api/v1/observability/infrastructure/series";

test.skip(!isLocal, "drives the local stack");

async function openAsAdmin(page: Page, path: string, base = "") {
  await page.goto(`${base}/login?redirect=${encodeURIComponent(path)}`);
  await fillSignIn(page, credentials.admin);
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
}

/** "… over N readings." of the CPU chart's caption. */
async function cpuReadings(page: Page): Promise<number> {
  const text = (await page.locator("#cpu-chart figcaption").textContent()) ?? "";
  return Number(text.match(/over (\d+) readings/)?.[1] ?? 0);
}

/**
 * From now on the page gets no new reading: report requests are held unanswered
 * and pushed reports are dropped. What it then shows came from earlier.
 */
async function holdNewReadings(page: Page) {
  await page.route(`**${REPORT}`, () => {});
  await withoutPushedReports(page);
}

test("a reload shows the earlier points at once, before the next refresh", async ({ page }) => {
  await openAsAdmin(page, "/observability?interval=1s");
  await expect.poll(() => cpuReadings(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  const before = await cpuReadings(page);
  await holdNewReadings(page);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
  // No report has been answered since the reload, yet the chart is full.
  await expect.poll(() => cpuReadings(page)).toBeGreaterThanOrEqual(before);
  await expect(page.locator("#cpu-chart canvas")).toBeVisible();
});

test("without a series endpoint (404) this tab's readings survive a visit to /chat", async ({ page }) => {
  await page.route(`**${SERIES}?*`, (r) => r.fulfill({ status: 404, contentType: "application/json", body: '{"detail":"Not Found"}' }));
  await openAsAdmin(page, "/observability?interval=1s");
  await expect(page.getByRole("status").filter({ hasText: "This backend keeps no history" })).toBeVisible();
  await expect.poll(() => cpuReadings(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  const before = await cpuReadings(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Chat" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  await holdNewReadings(page);
  await nav.getByRole("link", { name: "Observability" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
  await expect.poll(() => cpuReadings(page)).toBeGreaterThanOrEqual(before);
});

test("the range lives in the URL: kept with the other parameters, on reload, and by back and forward", async ({ page }) => {
  await openAsAdmin(page, "/observability?interval=10s#charts");
  const range = page.getByLabel("Range");
  await expect(range).toHaveValue("15m");
  await expect(page.getByRole("heading", { name: "History (the last 15 minutes)" })).toBeAttached();

  await range.selectOption({ label: "Last hour" });
  await expect(page).toHaveURL(/\/observability\?interval=10s&range=1h#charts$/);
  await expect(page.getByRole("heading", { name: "History (the last hour)" })).toBeAttached();
  await range.selectOption({ label: "Last 6 hours" });
  await expect(page).toHaveURL(/range=6h/);

  await page.reload();
  await expect(page.getByLabel("Range")).toHaveValue("6h");
  await expect(page.getByLabel("Refresh")).toHaveValue("10s");

  await page.goBack();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.getByLabel("Range")).toHaveValue("1h");
  await page.goForward();
  await expect(page.getByLabel("Range")).toHaveValue("6h");

  // Changing the interval keeps the range.
  await page.getByLabel("Refresh").selectOption("30s");
  await expect(page).toHaveURL(/\?interval=30s&range=6h#charts$/);

  // So does the summary's window, which is in the URL too.
  await page.getByLabel("Summary window").selectOption({ label: "Last 30 min" });
  await expect(page).toHaveURL(/\?interval=30s&range=6h&window=30m#charts$/);
  await page.reload();
  await expect(page.getByLabel("Summary window")).toHaveValue("30");
  await expect(page.getByLabel("Range")).toHaveValue("6h");
  await expect(page.getByLabel("Refresh")).toHaveValue("30s");
});

test("a chosen window is a link: from and to in the URL", async ({ page }) => {
  await openAsAdmin(page, "/observability");
  await page.getByLabel("Range").selectOption({ label: "Chosen window…" });
  const window = page.getByRole("form", { name: "Chosen time window" });
  await window.getByLabel("From").fill("2026-01-01T10:00");
  await window.getByLabel("To").fill("2026-01-01T09:00");
  await window.getByRole("button", { name: "Show" }).click();
  await expect(window.getByRole("alert")).toHaveText("The start must be before the end.");
  await window.getByLabel("To").fill("2026-01-01T12:30");
  await window.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/from=2026-01-01T\d\d%3A00%3A00\.000Z&to=2026-01-01T\d\d%3A30%3A00\.000Z/);
  await expect(page.getByRole("heading", { name: "History (a chosen window of 150 minutes)" })).toBeAttached();
  await page.reload();
  await expect(page.getByLabel("Range")).toHaveValue("custom");
  await expect(page.getByRole("form", { name: "Chosen time window" }).getByLabel("From")).toHaveValue("2026-01-01T10:00");
});

test.describe("a backend that has run a while", () => {
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({ name: "history", metricsIntervalSecs: 1 });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("?range=1h shows what it sampled before the page opened, also after a restart", async ({ page }) => {
    // Wait, as an administrator's API client, until the backend has stored a few samples.
    const login = await page.request.post(`${stack.url}/api/v1/auth/login`, {
      data: { username: credentials.admin.username, password: credentials.admin.password },
    });
    const { access_token: token } = await login.json();
    const stored = async () => {
      const hourAgo = Math.floor(Date.now() / 1000) - 3600;
      const reply = await page.request.get(`${stack.url}${SERIES}?start=${hourAgo}`, { headers: { Authorization: `Bearer ${token}` } });
      return ((await reply.json()).data?.series?.timestamps ?? []).length;
    };
    await expect.poll(stored, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await holdNewReadings(page);
    await openAsAdmin(page, "/observability?range=1h", stack.url);
    // Nothing was read since the page opened: every point is stored history.
    await expect.poll(() => cpuReadings(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);

    await stack.stopBackend();
    await stack.startBackend();
    const before = await cpuReadings(page);
    await page.goto(`${stack.url}/observability?range=1h`);
    await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
    await expect.poll(() => cpuReadings(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(before);
  });
});

test.describe("a backend with a day of history", () => {
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({ name: "day", backendEnv: { BACKFILL_HISTORY_HOURS: "24" } });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("?range=24h opens with the whole day, each interval's peak kept beside its mean", async ({ page }) => {
    await openAsAdmin(page, "/observability?range=24h", stack.url);
    await expect.poll(() => cpuReadings(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(900);
    await expect(page.locator("#cpu-chart canvas")).toBeVisible();
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CPU usage as CSV" }).click(),
    ]);
    const { readFileSync } = await import("node:fs");
    const lines = readFileSync((await file.path())!, "utf8").split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("time,CPU (%),Highest CPU (%)");
    const rows = lines.slice(1).map((l) => l.split(",").map(Number));
    expect(rows.length).toBeGreaterThanOrEqual(900);
    // The hourly spike of the made-up history survives in the peaks, not in the means.
    // (one an hour: at least 20 intervals whose peak stands far above their mean).
    expect(rows.filter((r) => r[2] > r[1] + 10).length).toBeGreaterThanOrEqual(20);
  });
});
