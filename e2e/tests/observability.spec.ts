// /observability: live metrics, honest stale/error states, charts, cost.
import type { Page } from "@playwright/test";
import { test, expect, isLocal, localOnly } from "../support/fixtures";
import { credentials, haveDeployedCredentials } from "../support/credentials";
import { fillSignIn } from "../support/auth";
import { withoutPushedReports } from "../support/pushes";
import { LocalStack } from "../support/stack";

const REPORT = "/api/v1/observability/infrastructure/report";

function needsAdmin() {
  test.skip(!isLocal && !haveDeployedCredentials, "needs E2E_ADMIN_USER/E2E_ADMIN_PASSWORD against a deployment");
}

async function openAsAdmin(page: Page, path = "/observability", base = "") {
  await page.goto(`${base}/login?redirect=${encodeURIComponent(path)}`);
  await fillSignIn(page, credentials.admin);
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
}

const cpuCard = (page: Page) => page.locator("article#cpu");

/** "… over N readings." of a chart's caption. */
async function readings(page: Page, chartId: string): Promise<number> {
  const text = (await page.locator(`#${chartId} figcaption`).textContent()) ?? "";
  return Number(text.match(/over (\d+) readings/)?.[1] ?? 0);
}

/** Makes the page believe the tab is hidden or visible, as the browser reports it. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test.describe("live metrics", () => {
  needsAdmin();

  test("@smoke values appear and change within one refresh", async ({ page, consoleErrors }) => {
    await openAsAdmin(page);
    await expect(cpuCard(page).locator(".metric-value")).toHaveText(/^\d+(\.\d)? %/);
    await expect(page.locator("article#memory .metric-value")).toHaveText(/^\d+(\.\d)? %/);
    await expect(page.locator("article#disk .metric-value")).toHaveText(/^\d+(\.\d)? %/);
    await expect(page.getByRole("img", { name: /Health score \d+ out of 100/ })).toBeVisible();
    await expect.poll(() => readings(page, "cpu-chart")).toBeGreaterThanOrEqual(1);
    const first = await readings(page, "cpu-chart");
    // A new reading arrives with the next 5-s refresh.
    await expect.poll(() => readings(page, "cpu-chart"), { timeout: 6_500 }).toBeGreaterThan(first);
    await expect(page.getByText(/^Updated (just now|\d+ s ago)$/)).toBeVisible();
    expect(consoleErrors).toEqual([]);
  });

  test("a refresh rewrites the figures in place: the same elements, only changed texts", async ({ page }) => {
    await openAsAdmin(page);
    await expect(cpuCard(page).locator(".metric-value")).toHaveText(/^\d+(\.\d)? %/);
    await expect(page.locator(".summary-table td").first()).toHaveText(/%/);
    await expect(page.getByRole("img", { name: /Health score \d+ out of 100/ })).toBeVisible();
    await expect.poll(() => readings(page, "cpu-chart")).toBeGreaterThanOrEqual(1);
    const figures = "article.metric-card .metric-value, .summary-table td, .score-ring svg, .score-ring circle";
    // Every element showing a figure is tagged, and every structural change below them recorded.
    const tagged = await page.evaluate((figures) => {
      const w = window as unknown as { __rebuilt: string[] };
      w.__rebuilt = [];
      const shown = document.querySelectorAll(figures);
      shown.forEach((el) => ((el as unknown as { __kept: boolean }).__kept = true));
      const observer = new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target instanceof Element ? r.target : r.target.parentElement;
          if (r.type === "childList" && [...r.addedNodes, ...r.removedNodes].some((n) => n.nodeType === Node.ELEMENT_NODE)) w.__rebuilt.push(`elements under ${el?.getAttribute("class")}`);
          if (r.type === "attributes" && r.attributeName === "class" && el?.getAttribute("class") === r.oldValue) w.__rebuilt.push(`class rewritten on ${el?.getAttribute("class")}`);
        }
      });
      for (const card of document.querySelectorAll("article.metric-card, .summary-card, .health-panel .score-ring")) {
        observer.observe(card, { subtree: true, childList: true, attributes: true, attributeOldValue: true });
      }
      return shown.length;
    }, figures);
    expect(tagged).toBeGreaterThanOrEqual(3 + 9 + 3);
    // The next refresh brings a new reading.
    const before = await readings(page, "cpu-chart");
    await expect.poll(() => readings(page, "cpu-chart"), { timeout: 6_500 }).toBeGreaterThan(before);
    const after = await page.evaluate((figures) => {
      const shown = [...document.querySelectorAll(figures)];
      return {
        count: shown.length,
        replaced: shown.filter((el) => !(el as unknown as { __kept?: boolean }).__kept).map((el) => el.outerHTML.slice(0, 80)),
        rebuilt: (window as unknown as { __rebuilt: string[] }).__rebuilt,
      };
    }, figures);
    expect(after.count).toBe(tagged);
    expect(after.replaced).toEqual([]);
    expect(after.rebuilt).toEqual([]);
  });

  test("charts are drawn, with the values readable as text", async ({ page }) => {
    await openAsAdmin(page);
    for (const id of ["cpu-chart", "memory-chart", "disk-chart", "score-chart"]) {
      await expect(page.locator(`#${id} canvas`).first()).toBeVisible();
      await expect(page.locator(`#${id} figcaption`)).toContainText("Latest");
    }
    await expect(page.getByRole("img", { name: /CPU usage over the last 15 minutes/ })).toBeVisible();
    await page.getByText("CPU usage: data table").click();
    const table = page.locator("#cpu-chart").getByRole("table");
    await expect(table.getByRole("columnheader", { name: "CPU" })).toBeVisible();
    await expect(table.locator("tbody tr").first()).toContainText("%");
    // Threshold lines come from the backend's thresholds.
    const pixels = await page.locator("#cpu-chart canvas").first().evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    });
    expect(pixels).toBeGreaterThan(1000);
  });

  test("the refresh interval is kept in the URL", async ({ page }) => {
    await openAsAdmin(page, "/observability?interval=10s#cpu");
    await expect(page.getByLabel("Refresh")).toHaveValue("10s");
    await page.getByLabel("Refresh").selectOption("30s");
    await expect(page).toHaveURL(/\/observability\?interval=30s#cpu$/);
    await page.getByLabel("Refresh").selectOption("paused");
    await expect(page).toHaveURL(/interval=paused/);
    await page.reload();
    await expect(page.getByLabel("Refresh")).toHaveValue("paused");
  });

  test("paused means no automatic requests, and Refresh now still works", async ({ page }) => {
    await openAsAdmin(page, "/observability?interval=paused");
    await expect(cpuCard(page).locator(".metric-value")).toHaveText(/%/);
    let requests = 0;
    page.on("request", (r) => r.url().includes(REPORT) && requests++);
    await page.waitForTimeout(6_000); // nothing must happen: there is no state to wait for
    expect(requests).toBe(0);
    await page.getByRole("button", { name: "Refresh now" }).click();
    await expect.poll(() => requests).toBe(1);
  });

  test("a hidden tab issues no requests and catches up at once when shown", async ({ page }) => {
    await openAsAdmin(page, "/observability?interval=1s");
    await expect(cpuCard(page).locator(".metric-value")).toHaveText(/%/);
    const times: number[] = [];
    page.on("request", (r) => r.url().includes(REPORT) && times.push(Date.now()));
    await expect.poll(() => times.length).toBeGreaterThanOrEqual(1);
    await setHidden(page, true);
    const hiddenAt = Date.now();
    const countAtHide = times.length;
    // Four intervals pass while hidden.
    await page.waitForTimeout(4_000); // nothing must happen: there is no state to wait for
    const duringHidden = times.slice(countAtHide).filter((t) => t > hiddenAt + 200);
    expect(duringHidden).toEqual([]);
    const shownAt = Date.now();
    await setHidden(page, false);
    await expect.poll(() => times.filter((t) => t >= shownAt).length, { timeout: 1_000 }).toBeGreaterThanOrEqual(1);
  });

  test("the first figures are painted before the charts and panels below them are built", async ({ page }) => {
    // What the page shows at the moment its first CPU figure appears, and how
    // many frames the browser had drawn then and when the charts arrived.
    await page.addInitScript(() => {
      const seen = ((window as unknown as { __firstPaint: Record<string, unknown> }).__firstPaint = {});
      let frames = 0;
      const tick = () => {
        frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new MutationObserver(() => {
        const figure = document.querySelector("article#cpu .metric-value")?.textContent ?? "";
        if (!("figureFrame" in seen) && /^\d+(\.\d)? %/.test(figure)) {
          Object.assign(seen, {
            figureFrame: frames,
            chartsThen: document.querySelector(".chart-grid") !== null,
            placeholderThen: document.querySelector(".obs-deferred") !== null,
          });
        }
        if (!("chartsFrame" in seen) && document.querySelector(".chart-grid")) seen.chartsFrame = frames;
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    // The stored history waits until the first report has been shown, so
    // that the figures are what the page has first.
    await page.route(/\/infrastructure\/series/, async (route) => {
      await page.waitForFunction(() => "figureFrame" in (window as unknown as { __firstPaint: object }).__firstPaint);
      await route.continue();
    });
    await openAsAdmin(page);
    await expect(page.locator("#cpu-chart canvas").first()).toBeVisible();
    const seen = await page.evaluate(() => (window as unknown as { __firstPaint: Record<string, number | boolean> }).__firstPaint);
    expect(seen.chartsThen).toBe(false);
    expect(seen.placeholderThen).toBe(true);
    // At least one frame was drawn between the figures and the charts.
    expect(seen.chartsFrame as number).toBeGreaterThan(seen.figureFrame as number);
    await expect.poll(() => readings(page, "cpu-chart")).toBeGreaterThanOrEqual(1);
  });

  test("the chart library is downloaded only for observability", async ({ page }) => {
    const library: string[] = [];
    page.on("request", (r) => /\/charts-[0-9a-f]+\.(js|css)$/.test(r.url()) && library.push(r.url()));
    // Sign-in and chat (an admin's landing page is observability, so ask for chat).
    await page.goto("/login?redirect=%2Fchat");
    await fillSignIn(page, credentials.admin);
    await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
    expect(library).toEqual([]);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Observability" }).click();
    await expect(page.locator("#cpu-chart canvas").first()).toBeVisible();
    expect(library).toHaveLength(2);
    // Its script and its stylesheet. Back and forth: loaded once, charts redrawn on their new elements.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Observability" }).click();
    await expect(page.locator("#cpu-chart canvas").first()).toBeVisible();
    expect(library).toHaveLength(2);
  });
});

test("leaving while a report is on its way is harmless: the late answer is dropped", async ({ page, consoleErrors }) => {
  localOnly();
  await openAsAdmin(page, "/observability?interval=5s");
  await expect(cpuCard(page).locator(".metric-value")).toHaveText(/%/);
  // Hold the next report until the page is gone, then let it answer.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let caught!: () => void;
  const requested = new Promise<void>((resolve) => (caught = resolve));
  await page.route(`**${REPORT}`, async (route) => {
    caught();
    await held;
    await route.continue();
  });
  await page.getByRole("button", { name: "Refresh now" }).click();
  await requested;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chat" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  const answered = page.waitForResponse((r) => r.url().endsWith(REPORT));
  release();
  await answered;
  // The app is still alive and usable after the late answer was handled.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "ToolBoxAI Dashboard" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Something went wrong — reload" })).toHaveCount(0);
  expect(consoleErrors.filter((e) => e.includes("panicked") || e.startsWith("pageerror"))).toEqual([]);
});

test.describe("what the backend sends", () => {
  needsAdmin();

  test("infrastructure endpoints missing (404): health figures are used instead", async ({ page }) => {
    await page.route(`**${REPORT}`, (r) => r.fulfill({ status: 404, contentType: "application/json", body: '{"detail":"Not Found"}' }));
    await withoutPushedReports(page);
    await openAsAdmin(page);
    await expect(page.getByRole("status").filter({ hasText: "no infrastructure endpoints" })).toBeVisible();
    await expect(cpuCard(page).locator(".metric-value")).toHaveText(/^\d+(\.\d)? %/);
    // What the health check does not have is shown as missing, not 0.
    await expect(page.getByRole("article").filter({ hasText: "Backend process" }).getByText("—").first()).toBeVisible();
  });

  test("a malformed report becomes a message, never a crash", async ({ page, consoleErrors }) => {
    await page.route(`**${REPORT}`, (r) => r.fulfill({ status: 200, contentType: "application/json", body: '{"status":"success","data":[1,2,3]}' }));
    await withoutPushedReports(page);
    await openAsAdmin(page);
    await expect(page.getByRole("alert")).toContainText("Cannot load the metrics.");
    await expect(page.getByRole("alert")).toContainText("cannot read");
    expect(consoleErrors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  test("a failed report shows the backend's error", async ({ page }) => {
    await page.route(`**${REPORT}`, (r) =>
      r.fulfill({ status: 200, contentType: "application/json", body: '{"status":"success","data":{"status":"error","error":"psutil is not installed"}}' }),
    );
    await withoutPushedReports(page);
    await openAsAdmin(page);
    await expect(page.getByRole("alert")).toContainText("psutil is not installed");
  });

  test("a chosen summary window is read on its own; its failure is said in the card and passes", async ({ page }) => {
    let failSummary = false;
    await page.route("**/api/v1/observability/infrastructure/summary?*", (r) =>
      failSummary
        ? r.fulfill({ status: 503, contentType: "application/json", body: '{"detail":"Metrics store is warming up"}' })
        : r.fallback(),
    );
    await openAsAdmin(page, "/observability?interval=1s");
    const card = page.getByRole("article").filter({ has: page.getByRole("heading", { name: "Summary" }) });
    await expect(card.locator("caption")).toContainText("over the last 5 min");
    await card.getByLabel("Summary window").selectOption("15");
    await expect(card.locator("caption")).toContainText("over the last 15 min");
    failSummary = true;
    await expect(card).toContainText("Summary unavailable: Metrics store is warming up");
    failSummary = false;
    await expect(card.locator("caption")).toContainText("over the last 15 min");
    await card.getByLabel("Summary window").selectOption("5");
    await expect(card.locator("caption")).toContainText("over the last 5 min");
  });

  test("missing parts read as —, never a fake 0", async ({ page }) => {
    await page.route(`**${REPORT}`, (r) =>
      r.fulfill({ status: 200, contentType: "application/json", body: '{"status":"success","data":{"status":"success","system":{},"process":{},"metrics_summary":{},"health_score":50}}' }),
    );
    await withoutPushedReports(page);
    await openAsAdmin(page);
    await expect(cpuCard(page).locator(".metric-value")).toHaveText("—");
    await expect(page.getByText("No samples in this window yet.")).toBeVisible();
  });
});

test.describe("when the backend goes away", () => {
  localOnly();
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({ name: "obs-outage", withoutPusher: true });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("data stays, marked stale, and fresh data returns after a restart", async ({ page }) => {
    await openAsAdmin(page, "/observability", stack.url);
    await expect(cpuCard(page).locator(".metric-value")).toHaveText(/%/);
    const value = await cpuCard(page).locator(".metric-value").textContent();
    await stack.stopBackend();
    const banner = page.locator(".stale-banner");
    // Within one 5-s interval (plus the failing request).
    await expect(banner.getByRole("alert")).toContainText(/Showing data from \d{1,2}:\d\d:\d\d/, { timeout: 7_000 });
    await expect(banner).toContainText(/Retrying (in \d+ s|now)/);
    await expect(cpuCard(page).locator(".metric-value")).toHaveText(value ?? "");
    await stack.startBackend();
    const restarted = Date.now();
    await expect(banner).toHaveCount(0, { timeout: 6_000 });
    await expect(page.getByText(/^Updated (just now|1 s ago)$/)).toBeVisible();
    expect(Date.now() - restarted).toBeLessThanOrEqual(6_000);
  });
});
