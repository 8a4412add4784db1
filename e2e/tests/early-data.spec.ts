// The first report of /observability is asked for by the loader (early-*.js,
// tools/boot/early-data.js) while the wasm downloads, and the app takes that
// answer instead of sending the same request: data before decoration.
import type { Page } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { credentials, haveDeployedCredentials } from "../support/credentials";
import { fillSignIn, signIn } from "../support/auth";

const REPORT = "/api/v1/observability/infrastructure/report";

test.skip(!isLocal && !haveDeployedCredentials, "needs credentials against a deployment");

async function openAsAdmin(page: Page) {
  await page.goto(`/login?redirect=${encodeURIComponent("/observability")}`);
  await fillSignIn(page, credentials.admin);
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
}

/** Every report request of the page from now on, with the token it carried. */
function watchReports(page: Page): string[] {
  const tokens: string[] = [];
  page.on("request", (r) => new URL(r.url()).pathname === REPORT && tokens.push(r.headers()["authorization"] ?? ""));
  return tokens;
}

/** When the first report request started, and when the wasm started running (ms since navigation). */
async function startTimes(page: Page) {
  return page.evaluate((path) => {
    const report = performance.getEntriesByType("resource").find((e) => new URL(e.name).pathname === path);
    const wasm = performance.getEntriesByName("app:wasm-started")[0];
    return { reportSent: report?.startTime ?? NaN, wasmStarted: wasm?.startTime ?? NaN };
  }, REPORT);
}

const storedToken = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem("toolboxai.session") ?? "null")?.access_token as string);

test("a signed-in admin's first report is sent while the wasm loads, once, and shown", async ({ page, consoleErrors }) => {
  await openAsAdmin(page);
  const reports = watchReports(page);
  const configs: string[] = [];
  page.on("request", (r) => new URL(r.url()).pathname === "/app-config.json" && configs.push(r.url()));
  await page.reload();
  await expect(page.locator("article#cpu .metric-value")).toHaveText(/^\d+(\.\d)? %/);
  // Taken by the app, not asked for a second time (the next refresh is 5 s away).
  expect(reports).toEqual([`Bearer ${await storedToken(page)}`]);
  // The loader's script runs before the app: the runtime config is asked for once.
  expect(configs).toHaveLength(1);
  const { reportSent, wasmStarted } = await startTimes(page);
  expect(reportSent).toBeLessThan(wasmStarted);
  expect(consoleErrors).toEqual([]);
});

test("a token about to expire is not used early: the app refreshes it and asks itself", async ({ page }) => {
  await openAsAdmin(page);
  await page.evaluate(() => {
    const session = JSON.parse(localStorage.getItem("toolboxai.session") ?? "{}");
    session.expires_at_ms = Date.now() + 20_000;
    localStorage.setItem("toolboxai.session", JSON.stringify(session));
  });
  const reports = watchReports(page);
  await page.reload();
  await expect(page.locator("article#cpu .metric-value")).toHaveText(/%/);
  expect(reports.length).toBeGreaterThanOrEqual(1);
  const { reportSent, wasmStarted } = await startTimes(page);
  expect(reportSent).toBeGreaterThan(wasmStarted);
});

test("a stored token the server no longer accepts: the early 401 is the app's, which refreshes and shows data", async ({ page }) => {
  await openAsAdmin(page);
  await page.evaluate(() => {
    const session = JSON.parse(localStorage.getItem("toolboxai.session") ?? "{}");
    session.access_token = "revoked." + session.access_token;
    localStorage.setItem("toolboxai.session", JSON.stringify(session));
  });
  const statuses: number[] = [];
  page.on("response", (r) => new URL(r.url()).pathname === REPORT && statuses.push(r.status()));
  await page.reload();
  await expect(page.locator("article#cpu .metric-value")).toHaveText(/%/);
  expect(statuses[0]).toBe(401);
  expect(statuses).toContain(200);
  expect(await storedToken(page)).not.toMatch(/^revoked\./);
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
});

/** Sets the API base the loader reads (the app writes the config's there). */
const setCachedBase = (page: Page, base: string) => page.evaluate((base) => localStorage.setItem("toolboxai-api-base", base), base);

test("an API base that changed since the last visit: the loader's answer is not taken", async ({ page }) => {
  await openAsAdmin(page);
  await setCachedBase(page, "/old-api");
  const reports: string[] = [];
  page.on("request", (r) => r.url().includes(REPORT) && reports.push(new URL(r.url()).pathname));
  await page.reload();
  await expect(page.locator("article#cpu .metric-value")).toHaveText(/^\d+(\.\d)? %/);
  // The loader asked the old place; the app asked the configured one itself.
  expect(reports.slice(0, 2).sort()).toEqual([REPORT, `/old-api${REPORT}`]);
  // The app keeps the configured base for the next visit.
  expect(await page.evaluate(() => localStorage.getItem("toolboxai-api-base"))).toBe("");
});

test("the token is never sent early to another origin", async ({ page }) => {
  await openAsAdmin(page);
  for (const base of ["//elsewhere.example", "/\\elsewhere.example", "https://elsewhere.example"]) {
    await setCachedBase(page, base);
    const foreign: string[] = [];
    page.on("request", (r) => !r.url().startsWith(new URL(page.url()).origin) && foreign.push(r.url()));
    await page.reload();
    await expect(page.locator("article#cpu .metric-value")).toHaveText(/%/);
    expect(foreign).toEqual([]);
  }
});

test("a teacher's loader asks for nothing", async ({ page }) => {
  await signIn(page, credentials.teacher);
  const reports = watchReports(page);
  await page.goto("/observability");
  await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this page" })).toBeVisible();
  expect(reports).toEqual([]);
});
