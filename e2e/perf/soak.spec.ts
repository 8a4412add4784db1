// Soak: /observability polling every 100 ms (a test-only setting) for
// SOAK_MINUTES (default 10). After a one-minute warm-up, DOM nodes must not grow
// and the JS heap (after forced GC) must grow by less than 5 MB. Numbers go to
// reports/soak.md and the console.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, expect } from "@playwright/test";
import { LocalStack, REPO_ROOT } from "../support/stack";
import { credentials } from "../support/credentials";
import { fillSignIn } from "../support/auth";

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const sampleEvery = Math.min(30_000, (minutes * 60_000) / 10);

test(`soak: ${minutes} min at a 100 ms interval`, async ({ page }) => {
  const stack = await LocalStack.start({ name: "soak", refreshIntervalSecs: 0.1, withoutPusher: true });
  try {
    await page.addInitScript(() => {
      addEventListener("TrunkApplicationStarted", (e) => {
        (window as unknown as { __wasm: unknown }).__wasm = (e as CustomEvent).detail.wasm;
      });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.goto(`${stack.url}/login?redirect=%2Fobservability`);
    await fillSignIn(page, credentials.admin);
    await expect(page.locator("#cpu-chart canvas").first()).toBeVisible();

    let reports = 0;
    page.on("response", (r) => r.url().includes("/infrastructure/report") && r.ok() && reports++);

    const sample = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      const { metrics } = await cdp.send("Performance.getMetrics");
      const m = Object.fromEntries(metrics.map((x: { name: string; value: number }) => [x.name, x.value]));
      const wasm = await page.evaluate(
        () => (window as unknown as { __wasm?: { memory: WebAssembly.Memory } }).__wasm?.memory.buffer.byteLength ?? 0,
      );
      return { t: Date.now(), heap: m.JSHeapUsedSize, nodes: m.Nodes, listeners: m.JSEventListeners, wasm, reports };
    };

    const started = Date.now();
    await page.waitForTimeout(60_000); // warm-up: history fills, charts settle
    const rows = [await sample()];
    while (Date.now() - started < minutes * 60_000) {
      await page.waitForTimeout(sampleEvery); // measuring over time is the point here
      rows.push(await sample());
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    const mb = (b: number) => (b / 1024 / 1024).toFixed(2);
    const table = rows
      .map((r) => `| ${((r.t - started) / 1000).toFixed(0)} | ${mb(r.heap)} | ${r.nodes} | ${r.listeners} | ${mb(r.wasm)} | ${r.reports} |`)
      .join("\n");
    const heapGrowth = last.heap - first.heap;
    // DOM node counts jitter by a few nodes with what is on screen at the sampling
    // instant; growth means the floor rises.
    const floor = (xs: typeof rows) => Math.min(...xs.map((r) => r.nodes));
    const floorBefore = floor(rows.slice(0, 5));
    const floorAfter = floor(rows.slice(-5));
    const report = `# Soak: /observability at a 100 ms interval for ${minutes} min

Headless Chromium, local stack, measured through the DevTools protocol after a
forced garbage collection at each sample. The first row is after a 1-minute warm-up.

| seconds | JS heap (MB) | DOM nodes | listeners | wasm memory (MB) | reports received |
|---|---|---|---|---|---|
${table}

* DOM nodes: ${first.nodes} → ${last.nodes}; lowest of the first five samples ${floorBefore}, of the last five ${floorAfter}
* JS heap: ${mb(first.heap)} MB → ${mb(last.heap)} MB (change ${mb(heapGrowth)} MB; budget < 5 MB)
* wasm memory: ${mb(first.wasm)} MB → ${mb(last.wasm)} MB
* reports received in total: ${last.reports}

The history keeps 15 minutes of readings, so during a 10-minute soak it is
still filling: the wasm memory and the charts' data grow with it, bounded by
that window (and by a 1,000-point cap).
`;
    mkdirSync(join(REPO_ROOT, "reports"), { recursive: true });
    writeFileSync(join(REPO_ROOT, "reports", "soak.md"), report);
    console.log(report);
    expect(floorAfter).toBeLessThanOrEqual(floorBefore);
    expect(heapGrowth).toBeLessThan(5 * 1024 * 1024);
    expect(last.reports).toBeGreaterThan(minutes * 60 * 5); // far more than one per second was polled
  } finally {
    await stack.stop();
  }
});
