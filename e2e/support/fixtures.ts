// The test object every spec imports: a per-worker local stack (unless
// BASE_URL points at a deployment), baseURL wired to it, and console errors
// collected from every page.
import { test as base, expect, type Page } from "@playwright/test";
import { LocalStack } from "./stack";

export const deployedUrl = process.env.BASE_URL?.replace(/\/$/, "");
export const isLocal = !deployedUrl;

type TestFixtures = {
  /** Console errors and uncaught exceptions of `page`, in order. */
  consoleErrors: string[];
};

type WorkerFixtures = {
  stack: LocalStack | null;
};

export function watchConsole(page: Page, sink: string[]): void {
  page.on("console", (msg) => {
    if (msg.type() === "error") sink.push(`console.error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => sink.push(`pageerror: ${err.message}`));
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  stack: [
    async ({}, use, workerInfo) => {
      if (!isLocal) {
        await use(null);
        return;
      }
      const stack = await LocalStack.start({ name: `worker${workerInfo.workerIndex}` });
      await use(stack);
      await stack.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ stack }, use) => {
    await use(deployedUrl ?? stack!.url);
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    watchConsole(page, errors);
    await use(errors);
  },
});

export { expect };

/** Skips a test that needs to control the stack (stop/restart) when BASE_URL is set. */
export function localOnly(): void {
  test.skip(!isLocal, "needs the local stack (BASE_URL is set)");
}
