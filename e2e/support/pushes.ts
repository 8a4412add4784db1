// Keeping the backend's pushed reports from a page, for tests that need its
// data to hold still or to come only from what they serve themselves.
import type { Page } from "@playwright/test";

/** Drops every `metrics.updated` frame the Pusher server sends to `page`; everything else passes. */
export async function withoutPushedReports(page: Page): Promise<void> {
  await page.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((frame) => {
      if (typeof frame === "string" && frame.includes('"metrics.updated"')) return;
      ws.send(frame);
    });
  });
}
