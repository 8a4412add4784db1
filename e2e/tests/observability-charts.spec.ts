// Linked, inspectable charts: a zoom (the wheel, a drag) applies to every chart
// and is reset with one button or a double click; each chart's visible data downloads as CSV and PNG.
import { readFileSync } from "node:fs";
import type { Download, Page, Request } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { fillSignIn } from "../support/auth";
import { withoutPushedReports } from "../support/pushes";

test.skip(!isLocal, "drives the local stack");

async function openAsAdmin(page: Page, path: string) {
  await page.goto(`/login?redirect=${encodeURIComponent(path)}`);
  await fillSignIn(page, credentials.admin);
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
}

/**
 * Opens /observability, waits for `n` readings, then pauses: nothing changes
 * after. A report already on its way when the user pauses still lands: wait
 * for it, or it adds a reading after the test has read the charts.
 */
async function openStill(page: Page, n: number) {
  await withoutPushedReports(page);
  const reportsOnTheirWay = new Set<Request>();
  const isReport = (request: Request) => request.url().includes("/infrastructure/report");
  page.on("request", (request) => isReport(request) && reportsOnTheirWay.add(request));
  page.on("requestfinished", (request) => reportsOnTheirWay.delete(request));
  page.on("requestfailed", (request) => reportsOnTheirWay.delete(request));
  await openAsAdmin(page, "/observability?interval=1s");
  await expect.poll(() => readings(page, "cpu-chart"), { timeout: 30_000 }).toBeGreaterThanOrEqual(n);
  await page.getByLabel("Refresh").selectOption({ label: "Paused" });
  await expect(page).toHaveURL(/[?&]interval=paused/);
  await expect.poll(() => reportsOnTheirWay.size).toBe(0);
  await expect(page.locator("#cpu-chart canvas")).toBeVisible();
  await expect(page.locator("#memory-chart canvas")).toBeVisible();
}

/** "… over N readings." of a chart's caption. */
async function readings(page: Page, chart: string): Promise<number> {
  const text = (await page.locator(`#${chart} figcaption`).textContent()) ?? "";
  return Number(text.match(/over (\d+) readings/)?.[1] ?? 0);
}

/** The readings a drawn chart's time axis shows, as ISO times (as the CSV writes them). */
async function shownTimes(page: Page, chart: string): Promise<string[]> {
  return page.locator(`#${chart} .chart`).evaluate((el) => {
    const u = (globalThis as any).dashboardCharts.instance(el);
    const { min, max } = u.scales.x;
    return (u.data[0] as number[]).filter((t) => t >= min && t <= max).map((t) => new Date(t).toISOString());
  });
}

/**
 * Which reading a chart's legend shows while the pointer is away: one the time
 * axis shows, the newest of those, the newest of all. (The legend is for the
 * eyes only; the drawn chart says which reading it holds.)
 */
async function restingLegend(page: Page, chart: string) {
  return page.locator(`#${chart} .chart`).evaluate((el) => {
    const u = (globalThis as any).dashboardCharts.instance(el);
    const times: number[] = u.data[0];
    const { min, max } = u.scales.x;
    const shownIdx = times.flatMap((t, i) => (t >= min && t <= max ? [i] : []));
    const idx = u.legend.idx;
    const text = el.querySelector(".u-legend .u-value")?.textContent ?? "";
    return {
      shown: idx != null && shownIdx.includes(idx) && text !== "" && text !== "--",
      newestShown: idx === shownIdx[shownIdx.length - 1],
      newestOfAll: idx === times.length - 1,
    };
  });
}

async function download(page: Page, name: string): Promise<{ file: Download; body: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
  return { file, body: readFileSync((await file.path())!) };
}

/** The CSV's data rows, as [ISO time, value…]. */
function rows(csv: string): string[][] {
  const lines = csv.split("\r\n").filter(Boolean);
  return lines.slice(1).map((l) => l.split(","));
}

test("a chart's visible data downloads as CSV with a header and ISO times, and as a PNG", async ({ page }) => {
  await openAsAdmin(page, "/observability?interval=1s");
  await expect.poll(() => readings(page, "cpu-chart"), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  await expect(page.locator("#cpu-chart canvas")).toBeVisible();

  const { file, body } = await download(page, "Download CPU usage as CSV");
  expect(file.suggestedFilename()).toMatch(/^cpu-usage-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
  const csv = body.toString("utf8");
  expect(csv.split("\r\n")[0]).toBe("time,CPU (%)");
  const data = rows(csv);
  expect(data.length).toBeGreaterThanOrEqual(4);
  for (const [time, value] of data) {
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Number(value)).toBeGreaterThanOrEqual(0);
  }
  const times = data.map(([t]) => Date.parse(t));
  expect([...times].sort((a, b) => a - b)).toEqual(times);

  const network = (await download(page, "Download Network throughput as CSV")).body.toString("utf8");
  expect(network.split("\r\n")[0]).toBe("time,Received (bytes/s),Sent (bytes/s)");

  const png = await download(page, "Download CPU usage as a PNG image");
  expect(png.file.suggestedFilename()).toMatch(/^cpu-usage-.*\.png$/);
  expect(png.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.body.length).toBeGreaterThan(2_000);
});

test("the wheel and a drag zoom every chart; the reset and a double click bring back the whole range", async ({ page }) => {
  await openStill(page, 16);
  const whole = rows((await download(page, "Download Memory usage as CSV")).body.toString("utf8"));
  const reset = page.getByRole("button", { name: "Reset zoom" });
  const note = page.getByText(/^Zoomed in to \d{1,2}:\d\d:\d\d( [AP]M)?–\d{1,2}:\d\d:\d\d( [AP]M)?\.$/);

  // The readings fill the last few seconds of a 15-minute axis: the wheel over
  // the newest ones zooms in around them (each step a quarter closer).
  const plot = (await page.locator("#cpu-chart .u-over").boundingBox())!;
  await page.mouse.move(plot.x + plot.width - 2, plot.y + plot.height / 2);
  for (let step = 0; step < 14; step++) await page.mouse.wheel(0, -100);
  await expect(reset).toBeVisible();
  await expect(note).toBeVisible();

  // Then a drag across the middle of the CPU chart's plot area.
  const y = plot.y + plot.height / 2;
  await page.mouse.move(plot.x + plot.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.45, y, { steps: 8 });
  await page.mouse.move(plot.x + plot.width * 0.6, y, { steps: 8 });
  await page.mouse.up();

  // Another chart follows the zoom: its download holds only the zoomed readings.
  await expect
    .poll(async () => rows((await download(page, "Download Memory usage as CSV")).body.toString("utf8")).length)
    .toBeLessThan(whole.length);
  const zoomed = rows((await download(page, "Download Memory usage as CSV")).body.toString("utf8"));
  expect(zoomed.length).toBeGreaterThan(0);
  const wholeRows = whole.map((r) => r.join(","));
  for (const row of zoomed) expect(wholeRows).toContain(row.join(","));
  // The drag was narrower than the narrowest zoom: every chart shows it widened, the window
  // the page's zoom (and so the download) holds: the same readings, none other.
  const downloaded = zoomed.map(([time]) => time);
  await expect.poll(() => shownTimes(page, "memory-chart")).toEqual(downloaded);
  await expect.poll(() => shownTimes(page, "cpu-chart")).toEqual(downloaded);
  // Away from the pointer, a legend reads the newest reading the zoom shows, not the newest of all.
  await page.mouse.move(0, 0);
  await expect.poll(() => restingLegend(page, "memory-chart")).toEqual({ shown: true, newestShown: true, newestOfAll: false });

  await reset.click();
  await expect(reset).toHaveCount(0);
  await expect.poll(() => restingLegend(page, "memory-chart")).toEqual({ shown: true, newestShown: true, newestOfAll: true });
  const after = rows((await download(page, "Download Memory usage as CSV")).body.toString("utf8"));
  expect(after).toEqual(whole);

  // A double click on any chart is a reset too (the downloads may have scrolled the page).
  const again = (await page.locator("#cpu-chart .u-over").boundingBox())!;
  await page.mouse.move(again.x + again.width - 2, again.y + again.height / 2);
  await page.mouse.wheel(0, -100);
  await expect(reset).toBeVisible();
  const memory = (await page.locator("#memory-chart .u-over").boundingBox())!;
  await page.mouse.dblclick(memory.x + memory.width / 2, memory.y + memory.height / 2);
  await expect(reset).toHaveCount(0);
});

test("hovering one chart shows the crosshair on the others", async ({ page }) => {
  await openStill(page, 4);
  const memory = page.locator("#memory-chart .chart");
  await page.locator("#cpu-chart").scrollIntoViewIfNeeded();
  await expect(memory).toBeInViewport();
  await page.mouse.move(0, 0);
  const before = await memory.screenshot();
  const box = (await page.locator("#cpu-chart .chart").boundingBox())!;
  await page.mouse.move(box.x + 48 + (box.width - 64) * 0.7, box.y + box.height / 2, { steps: 4 });
  // The memory chart, untouched by the pointer, now draws the shared axis pointer and tooltip.
  await expect.poll(async () => Buffer.compare(await memory.screenshot(), before), { timeout: 5_000 }).not.toBe(0);
});

test("the charts take the colour scheme's colours, and change with it without being re-created", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await openStill(page, 3);
  const chart = page.locator("#cpu-chart .chart");
  // (A chart out of view is redrawn when it comes back into view.)
  await chart.scrollIntoViewIfNeeded();
  const canvas = (await chart.locator("canvas").first().elementHandle())!;
  await page.mouse.move(0, 0);
  // The canvas's own pixels (it is transparent: the card's background is not in them).
  const pixels = () => canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const light = await pixels();
  await page.emulateMedia({ colorScheme: "dark" });
  await expect.poll(pixels, { timeout: 5_000 }).not.toBe(light);
  // The same canvas: redrawn in place, not a new chart.
  expect(await canvas.evaluate((c) => c.isConnected)).toBe(true);
  await expect(chart.locator("canvas")).toHaveCount(1);
});
