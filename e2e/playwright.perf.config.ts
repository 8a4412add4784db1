import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// Long-running measurements (soak, performance report): not part of the default suite.
export default defineConfig({
  ...base,
  testDir: "./perf",
  timeout: 60 * 60 * 1000,
  workers: 1,
  reporter: [["list"]],
});
