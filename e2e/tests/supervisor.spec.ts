// The local stack of scripts/run.sh survives a dying part: its supervisor
// restarts the Pusher server after `kill -9` while the API keeps answering, and
// the open dashboard re-subscribes on its own. Runs only against a stack that
// run.sh started (scripts/smoke-local.sh sets RUN_SH_DATA_DIR and BASE_URL).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test, expect } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { signIn, storedSession } from "../support/auth";

const runDir = process.env.RUN_SH_DATA_DIR ? join(process.env.RUN_SH_DATA_DIR, "run") : undefined;

test("kill -9 of the Pusher server: restarted, the API never stops, alerts arrive again without a reload", async ({
  page,
  request,
  baseURL,
}) => {
  test.skip(!runDir, "needs a stack started by scripts/run.sh (RUN_SH_DATA_DIR)");
  test.setTimeout(60_000);
  const indicator = page.getByTestId("realtime-indicator");
  const alertsStatus = page.getByRole("article").filter({ hasText: "Recent alerts" }).getByRole("status");
  await signIn(page, credentials.admin);
  await page.goto("/observability");
  await expect(alertsStatus).toHaveText("Listening for alerts.");
  const pageLoads: string[] = [];
  page.on("load", () => pageLoads.push(page.url()));

  // Ask the API every 100 ms for the whole outage.
  let probing = true;
  const failures: string[] = [];
  let probes = 0;
  const probe = (async () => {
    while (probing) {
      const started = Date.now();
      try {
        const r = await request.get(`${baseURL}/api/v1/health/live`, { timeout: 2_000 });
        if (!r.ok()) failures.push(`HTTP ${r.status()}`);
      } catch (e) {
        failures.push(String(e));
      }
      probes++;
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - started))));
    }
  })();

  const before = Number(readFileSync(join(runDir!, "sockudo.pid"), "utf8"));
  process.kill(before, "SIGKILL");
  await expect(indicator).not.toContainText("Live");
  // Back within seconds, under a new process id, and the page resubscribed by itself.
  await expect.poll(() => Number(readFileSync(join(runDir!, "sockudo.pid"), "utf8")), { timeout: 10_000 }).not.toBe(before);
  await expect(indicator).toContainText("Live", { timeout: 15_000 });
  await expect(alertsStatus).toHaveText("Listening for alerts.");

  const token = (await storedSession(page))!.access_token;
  const message = `Disk usage critical after restart ${Date.now()}`;
  const sent = await request.post(`${baseURL}/api/v1/pusher/trigger`, {
    headers: { authorization: `Bearer ${token}` },
    data: { channel: "private-admin", event: "alert-new", data: { level: "critical", metric: "disk", value: 96, threshold: 95, message } },
  });
  expect(sent.status()).toBe(200);
  await expect(page.getByRole("region", { name: "Notifications" }).getByRole("group").filter({ hasText: message })).toBeVisible();

  probing = false;
  await probe;
  expect(probes).toBeGreaterThan(10);
  expect(failures).toEqual([]);
  expect(pageLoads).toEqual([]);
});
