// The app's wasm is split by page (tools/split-app.mjs, src/pages.rs): the
// home page, the chat and the observability page are chunks that arrive with
// their route (with the shared chunks each needs).
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { test, expect, isLocal, watchConsole } from "../support/fixtures";
import { credentials, haveDeployedCredentials } from "../support/credentials";
import { signIn } from "../support/auth";

test.skip(!isLocal && !haveDeployedCredentials, "needs credentials against a deployment");

const CHUNK = /\/(homepage|chatpage|observabilitypage|shared\d+)-[0-9a-f]+\.wasm$/;

/**
 * A returning admin's browser: the session an earlier sign-in stored, and an
 * empty cache (no chunk prefetched by the sign-in page).
 */
async function returningAdmin(browser: Browser, page: Page, baseURL: string): Promise<BrowserContext> {
  await signIn(page, credentials.admin);
  const context = await browser.newContext({ baseURL, storageState: await page.context().storageState() });
  await page.close();
  return context;
}

/**
 * The chunk files the page asks for, in order, by name without the hash and
 * without a shared chunk's number; `files` has the whole paths.
 */
function watchChunks(page: Page): { chunks: string[]; files: string[] } {
  const chunks: string[] = [];
  const files: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    const name = path.match(CHUNK)?.[1];
    if (name) {
      chunks.push(name.replace(/\d+$/, ""));
      files.push(path);
    }
  });
  return { chunks, files };
}

test("each page's code arrives with its route, fetched beside the main wasm, once", async ({ browser, page, baseURL }) => {
  const context = await returningAdmin(browser, page, baseURL!);
  const tab = await context.newPage();
  const errors: string[] = [];
  watchConsole(tab, errors);
  const { chunks, files } = watchChunks(tab);

  await tab.goto("/chat");
  await expect(tab.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  // The chat's chunk and the shared chunks it needs, each once; no other page's.
  expect(chunks.filter((c) => c === "chatpage")).toHaveLength(1);
  expect(chunks.filter((c) => c !== "chatpage" && c !== "shared")).toEqual([]);
  expect(new Set(files).size).toBe(files.length);
  // The loader asked for them while the main wasm downloaded, not after it ran.
  const { chunkSent, wasmStarted } = await tab.evaluate(() => {
    const chunk = performance.getEntriesByType("resource").find((e) => /\/chatpage-[0-9a-f]+\.wasm$/.test(e.name));
    return { chunkSent: chunk?.startTime ?? NaN, wasmStarted: performance.getEntriesByName("app:wasm-started")[0]?.startTime ?? NaN };
  });
  expect(chunkSent).toBeLessThan(wasmStarted);
  // The loader took the modules the early script compiled (tools/boot/page-chunks.js), each once.
  expect(await tab.evaluate(() => Object.keys((window as unknown as { __earlyChunks: object }).__earlyChunks))).toEqual([]);

  // On the client, the next page brings its own chunk; going back asks for nothing.
  await tab.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Observability" }).click();
  await expect(tab.locator("article#cpu .metric-value")).toHaveText(/%/);
  expect(chunks.filter((c) => c === "observabilitypage")).toHaveLength(1);
  const before = chunks.length;
  await tab.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chat" }).click();
  await expect(tab.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  await tab.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Observability" }).click();
  await expect(tab.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
  expect(chunks).toHaveLength(before);

  // The home page too (the brand link): its own chunk, once.
  await tab.getByRole("link", { name: /ToolBoxAI/ }).first().click();
  await expect(tab.getByRole("heading", { level: 1, name: "ToolBoxAI Dashboard" })).toBeVisible();
  expect(chunks.filter((c) => c === "homepage")).toHaveLength(1);
  expect(new Set(files).size).toBe(files.length);
  expect(errors).toEqual([]);
  await context.close();
});

test("a page whose code cannot be downloaded says so, and Try again brings it", async ({ browser, page, baseURL }) => {
  const context = await returningAdmin(browser, page, baseURL!);
  const tab = await context.newPage();
  const offline = /\/observabilitypage-[0-9a-f]+\.wasm$/;
  await context.route(offline, (route) => route.abort("internetdisconnected"));

  await tab.goto("/observability");
  const alert = tab.getByRole("alert").filter({ hasText: "This page could not be downloaded" });
  await expect(alert).toBeVisible();
  // The app is still alive: the shell works, and nothing crashed.
  await expect(tab.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(tab.getByRole("heading", { name: /Something went wrong/ })).toHaveCount(0);

  await context.unroute(offline);
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(tab.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
  await expect(tab.locator("article#cpu .metric-value")).toHaveText(/%/);
  await expect(alert).toHaveCount(0);
  await context.close();
});
