// Keyboard-only journeys: not one mouse event. Each step Tabs (or Shift+Tabs)
// to its control the way a keyboard user would, checking at every stop that
// focus is visible and never lost to <body>.
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { credentials, type Account } from "../support/credentials";

test.skip(!isLocal, "drives the local stack");

/**
 * Tabs until `target` has focus (at most `max` presses), checking each stop.
 * Past the end of the page focus leaves for the browser's own controls (the
 * document then reports <body>) and the next Tab comes back to the top: that
 * one stop is allowed, never two in a row.
 */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 80 } = {}) {
  let outside = false;
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { lost: true, visible: false, what: "body" };
      const style = getComputedStyle(el);
      const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
      return { lost: false, visible: ring || el.matches("h1, main"), what: el.outerHTML.slice(0, 80) };
    });
    if (stop.lost) {
      expect(outside, "focus is never lost to <body>").toBe(false);
      outside = true;
      continue;
    }
    outside = false;
    expect(stop.visible, `focus is visible on ${stop.what}`).toBe(true);
  }
  throw new Error(`could not reach ${target} with the keyboard`);
}

async function newUser(request: APIRequestContext, baseURL: string): Promise<Account> {
  const username = `kbd${Date.now().toString(36)}`;
  const password = "keyboard-pass-123";
  const response = await request.post(`${baseURL}/api/v1/auth/register`, {
    data: { username, email: `${username}@example.com`, password },
  });
  expect(response.status()).toBe(201);
  return { username, password };
}

async function signInByKeyboard(page: Page, account: Account) {
  await tabTo(page, page.getByLabel("Email or username"));
  await page.keyboard.type(account.username);
  await tabTo(page, page.getByLabel("Password", { exact: true }));
  await page.keyboard.type(account.password);
  await page.keyboard.press("Enter");
}

test("an administrator: deep link, sign in, back where they were, interval, a chart's data table, sign out", async ({ page }) => {
  await page.goto("/observability?range=1h#charts-heading");
  await expect(page).toHaveURL(/\/login\?redirect=/);
  await signInByKeyboard(page, credentials.admin);
  await expect(page).toHaveURL(/\/observability\?range=1h#charts-heading$/);
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();

  const refresh = page.getByLabel("Refresh");
  await tabTo(page, refresh);
  await page.keyboard.press("ArrowDown");
  await expect(page).toHaveURL(/interval=/);

  await tabTo(page, page.getByText("CPU usage: data table"));
  await page.keyboard.press("Enter");
  const table = page.getByRole("table", { name: "CPU usage" });
  await expect(table).toBeVisible();
  await expect(table.locator("tbody tr").first()).toBeVisible();

  const signOut = page.getByRole("button", { name: "Sign out" });
  await tabTo(page, signOut, { backwards: true });
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/login/);
});

test("a teacher: send a message, retry a failed one, complete a task, delete a conversation", async ({ page, request, baseURL }) => {
  const user = await newUser(request, baseURL!);
  await page.goto("/login");
  await signInByKeyboard(page, user);
  await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  const composer = page.getByRole("textbox", { name: "Message" });
  const messages = page.getByRole("log", { name: "Messages" });
  const tasks = page.getByRole("complementary", { name: "Your tasks" });

  await tabTo(page, composer);
  await page.keyboard.type("add a task to water the ferns");
  await page.keyboard.press("Enter");
  await expect(tasks.getByRole("checkbox", { name: "Water the ferns" })).toBeVisible();

  // The next send fails once; Retry sends it again.
  let failed = 0;
  await page.route("**/api/*/chat", async (route) => {
    if (failed++ === 0) await route.fulfill({ status: 500, json: { detail: "Internal Server Error" } });
    else await route.continue();
  });
  await tabTo(page, composer);
  await page.keyboard.type("add a task to feed the cat");
  await page.keyboard.press("Enter");
  const retry = messages.getByRole("button", { name: "Retry" });
  await expect(retry).toBeVisible();
  await tabTo(page, retry, { backwards: true });
  await page.keyboard.press("Enter");
  await expect(tasks.getByRole("checkbox", { name: "Feed the cat" })).toBeVisible();

  // Complete a task from the panel with the space bar.
  const ferns = tasks.getByRole("checkbox", { name: "Water the ferns" });
  await tabTo(page, ferns);
  await page.keyboard.press("Space");
  await expect(ferns).toBeChecked();

  // Delete the conversation, through its confirmation.
  const sidebar = page.getByRole("navigation", { name: "Conversations" });
  const remove = sidebar.getByRole("button", { name: /^Delete conversation/ }).first();
  await tabTo(page, remove);
  await page.keyboard.press("Enter");
  const confirm = sidebar.getByRole("group", { name: /Confirm deleting/ });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await tabTo(page, confirm.getByRole("button", { name: "Delete" }));
  await page.keyboard.press("Enter");
  await expect(sidebar.getByRole("link")).toHaveCount(0);
  await expect(page.locator(":focus")).toHaveCount(1);
  expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
});
