// Measuring helpers for the performance report: bytes a page load transfers,
// in-page timestamps, CDP metrics, statistics.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Browser, BrowserContext, CDPSession, Page, Response } from "@playwright/test";
import { expect } from "@playwright/test";
import { fillSignIn } from "../support/auth";
import type { Account } from "../support/credentials";

export interface Transfer {
  path: string;
  kind: "app" | "api";
  raw: number;
  gzip: number;
  brotli: number;
}

/** Sizes of a body as served raw and as gzip (level 9) / brotli (quality 11) would send it. */
export function sizes(body: Buffer): { raw: number; gzip: number; brotli: number } {
  return {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** Records every same-origin response of `page` until the returned function is called. */
export function recordTransfers(page: Page, origin: string): () => Promise<Transfer[]> {
  const pending: Promise<Transfer | null>[] = [];
  let recording = true;
  const onResponse = (response: Response) => {
    if (!recording) return;
    const url = new URL(response.url());
    if (url.origin !== origin || response.status() >= 300) return;
    pending.push(
      response
        .body()
        .then((body) => ({ path: url.pathname, kind: url.pathname.startsWith("/api/") ? "api" : "app", ...sizes(body) }) as Transfer)
        .catch(() => null),
    );
  };
  page.on("response", onResponse);
  return async () => {
    recording = false;
    page.off("response", onResponse);
    return (await Promise.all(pending)).filter((t): t is Transfer => t !== null);
  };
}

export function total(transfers: Transfer[], kind: Transfer["kind"]) {
  const of = transfers.filter((t) => t.kind === kind);
  return {
    files: of.length,
    raw: of.reduce((s, t) => s + t.raw, 0),
    gzip: of.reduce((s, t) => s + t.gzip, 0),
    brotli: of.reduce((s, t) => s + t.brotli, 0),
  };
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A page a returning user opened before, and what it shows once it is open. */
export interface EarlierVisit {
  path: string;
  shown: (page: Page) => Promise<void>;
}

/**
 * What a sign-in leaves in localStorage (the session, the API base the app
 * keeps for its loader's early request) and, with `visit`, what an earlier
 * visit of that page kept (the browser's number style), as JSON, to start
 * later page loads as a returning signed-in user.
 */
export async function sessionFor(browser: Browser, base: string, account: Account, visit?: EarlierVisit): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await fillSignIn(page, account);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  if (visit) {
    await page.goto(`${base}${visit.path}`);
    await visit.shown(page);
  }
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  await context.close();
  if (!JSON.parse(stored)["toolboxai.session"]) throw new Error("no session was stored after signing in");
  return stored;
}

/** A fresh context (empty HTTP cache) whose pages start with `stored` (from `sessionFor`) in localStorage. */
export async function signedInContext(browser: Browser, stored: string | null): Promise<BrowserContext> {
  const context = await browser.newContext();
  if (stored) {
    await context.addInitScript((value) => {
      for (const [key, item] of Object.entries(JSON.parse(value) as Record<string, string>)) localStorage.setItem(key, item);
    }, stored);
  }
  return context;
}

/**
 * Records (in page time, ms since navigation start) the first moment `selector`
 * exists and its text matches `pattern`, checked on every DOM mutation.
 */
export async function markWhen(page: Page, name: string, selector: string, pattern: string): Promise<void> {
  await page.addInitScript(
    ([name, selector, pattern]) => {
      const marks = ((window as unknown as { __marks?: Record<string, number> }).__marks ??= {});
      const check = () => {
        if (marks[name] !== undefined) return;
        const el = document.querySelector(selector);
        if (el && new RegExp(pattern).test(el.textContent ?? "")) marks[name] = performance.now();
      };
      new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
    },
    [name, selector, pattern],
  );
}

export async function markOf(page: Page, name: string): Promise<number> {
  const handle = await page.waitForFunction(
    (name) => (window as unknown as { __marks?: Record<string, number> }).__marks?.[name],
    name,
    { timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Milliseconds since navigation until `selector`'s text matches `pattern`, for
 * a load of `url` in a fresh context (cold cache, `stored` in localStorage) at
 * `rate`× CPU throttling.
 */
export async function timeToShown(browser: Browser, url: string, stored: string | null, rate: number, selector: string, pattern: string): Promise<number> {
  const context = await signedInContext(browser, stored);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await markWhen(page, "shown", selector, pattern);
  await page.goto(url);
  const at = await markOf(page, "shown");
  await context.close();
  return at;
}

export async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m: { name: string; value: number }) => [m.name, m.value]));
}

/** JS heap after a forced GC, and the wasm linear memory. */
export async function memory(page: Page, cdp: CDPSession): Promise<{ heap: number; wasm: number }> {
  await cdp.send("HeapProfiler.collectGarbage");
  const m = await metrics(cdp);
  const wasm = await page.evaluate(
    () => (window as unknown as { __wasm?: { memory: WebAssembly.Memory } }).__wasm?.memory.buffer.byteLength ?? 0,
  );
  return { heap: m.JSHeapUsedSize, wasm };
}

/** Keeps a handle on the wasm exports trunk's loader announces, for reading its memory size. */
export async function exposeWasm(page: Page): Promise<void> {
  await page.addInitScript(() => {
    addEventListener("TrunkApplicationStarted", (e) => {
      (window as unknown as { __wasm: unknown }).__wasm = (e as CustomEvent).detail.wasm;
    });
  });
}
