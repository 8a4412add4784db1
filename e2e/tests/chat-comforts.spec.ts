// The chat's small comforts: example prompts that fill the composer, a time on
// every message, a copy button on replies, a composer that grows with its text.
import type { APIRequestContext, Page } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { signIn } from "../support/auth";

test.skip(!isLocal, "drives the local stack");

async function openAsNewUser(page: Page, request: APIRequestContext, baseURL: string) {
  const username = `comfy${Date.now().toString(36)}`;
  const password = "comfort-pass-123";
  const response = await request.post(`${baseURL}/api/v1/auth/register`, {
    data: { username, email: `${username}@example.com`, password },
  });
  expect(response.status()).toBe(201);
  await signIn(page, { username, password });
  await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
}

test("an example prompt fills the composer; messages carry their time, the full date on hover or focus; a reply copies", async ({ page, context, request, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openAsNewUser(page, request, baseURL!);
  const composer = page.getByRole("textbox", { name: "Message" });
  await page.getByRole("button", { name: "add a task to buy milk" }).click();
  await expect(composer).toHaveValue("add a task to buy milk");
  await expect(composer).toBeFocused();
  await composer.press("Enter");

  const messages = page.getByRole("log", { name: "Messages" });
  const reply = messages.locator(".msg-assistant").last();
  await expect(reply.getByRole("region", { name: "Task added" })).toBeVisible();
  for (const message of [messages.locator(".msg-user").last(), reply]) {
    const time = message.locator("time");
    await expect(time).toHaveText(/\d{1,2}:\d\d:\d\d/);
    await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
    // The full date: a tooltip while hovered, which is its description.
    await time.hover();
    const tooltip = message.getByRole("tooltip");
    await expect(tooltip).toHaveText(/\d{4}/);
    await expect(time).toHaveAccessibleDescription(/\d{4}/);
  }
  await page.mouse.move(0, 0);
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  // …and on keyboard focus, until Escape (focus stays on the time).
  const replyTime = reply.locator("time");
  await composer.focus();
  for (let i = 0; i < 6 && !(await replyTime.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Shift+Tab");
  }
  await expect(replyTime).toBeFocused();
  await expect(reply.getByRole("tooltip")).toHaveText(/\d{4}/);
  await page.keyboard.press("Escape");
  await expect(reply.getByRole("tooltip")).toHaveCount(0);
  await expect(replyTime).toBeFocused();
  // After a reload the times come from the server's history.
  await page.reload();
  await expect(messages.locator(".msg-user").last().locator("time")).toHaveAttribute("datetime", /^\d{4}-/);

  const text = (await messages.locator(".msg-assistant").last().locator(".msg-text").textContent())!;
  await messages.locator(".msg-assistant").last().getByRole("button", { name: "Copy reply" }).click();
  await expect(messages.locator(".msg-assistant").last().getByRole("button", { name: "Copy reply" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
  await expect(page.getByTestId("announcer")).toHaveText("Reply copied to the clipboard.");
});

test("the composer grows with its text up to a limit, then scrolls", async ({ page, request, baseURL }) => {
  await openAsNewUser(page, request, baseURL!);
  const composer = page.getByRole("textbox", { name: "Message" });
  const height = async () => (await composer.boundingBox())!.height;
  const start = await height();
  await composer.fill("one\ntwo\nthree\nfour\nfive\nsix");
  await expect.poll(height).toBeGreaterThan(start + 40);
  await composer.fill(Array.from({ length: 60 }, (_, i) => `line ${i}`).join("\n"));
  await expect.poll(height).toBeLessThanOrEqual(241);
  await expect.poll(height).toBeGreaterThan(200);
  await composer.fill("");
  await expect.poll(height).toBeLessThanOrEqual(start + 1);
});
