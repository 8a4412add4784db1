// The Todo chat: the journeys of the issue, against the reference backend's
// deterministic agent and sockudo. Each test registers its own user, so the
// tasks and conversations it sees are its own.
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { test, expect, localOnly } from "../support/fixtures";
import type { Account } from "../support/credentials";
import { fillSignIn, signIn, storedSession } from "../support/auth";
import { LocalStack } from "../support/stack";

// Registering users needs the local reference backend.
test.beforeEach(() => localOnly());

let counter = 0;

/** A fresh account, registered through the API. */
async function newUser(request: APIRequestContext, baseURL: string): Promise<Account> {
  const username = `chat${Date.now().toString(36)}${process.pid}${counter++}`;
  const password = "chat-pass-123";
  const response = await request.post(`${baseURL}/api/v1/auth/register`, {
    data: { username, email: `${username}@example.com`, password },
  });
  expect(response.status()).toBe(201);
  return { username, password };
}

const composer = (page: Page) => page.getByRole("textbox", { name: "Message" });
const messages = (page: Page) => page.getByRole("log", { name: "Messages" });
const taskPanel = (page: Page) => page.getByRole("complementary", { name: "Your tasks" });
const card = (page: Page, name: string | RegExp) => messages(page).getByRole("region", { name });

async function openChat(page: Page, request: APIRequestContext, baseURL: string): Promise<Account> {
  const user = await newUser(request, baseURL);
  await signIn(page, user, baseURL);
  // A student's landing page is the chat.
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  await expect(taskPanel(page).getByText("No tasks yet")).toBeVisible();
  return user;
}

/** Sends `text` with Enter and waits for the assistant's answer to it. */
async function say(page: Page, text: string): Promise<void> {
  const before = await messages(page).locator(".msg-assistant:not(.msg-thinking)").count();
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await expect(messages(page).locator(".msg-assistant:not(.msg-thinking)")).toHaveCount(before + 1);
}

/** The session's bearer header and user id, for checking what the server stored. */
async function identity(page: Page): Promise<{ headers: Record<string, string>; userId: string }> {
  const session = await storedSession(page);
  const token = session!.access_token;
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  return { headers: { authorization: `Bearer ${token}` }, userId: String(claims.user_id) };
}

function conversationIdOf(page: Page): string {
  const match = new URL(page.url()).pathname.match(/^\/chat\/(.+)$/);
  expect(match, `a conversation in the URL: ${page.url()}`).not.toBeNull();
  return decodeURIComponent(match![1]);
}

async function storedMessages(page: Page, request: APIRequestContext, baseURL: string) {
  const { headers, userId } = await identity(page);
  const id = conversationIdOf(page);
  const response = await request.get(`${baseURL}/api/${userId}/conversations/${id}/messages`, { headers });
  expect(response.status()).toBe(200);
  const body = await response.json();
  return body.messages as { role: string; content: string }[];
}

test("add, list, complete and delete tasks through the chat, with cards", async ({ page, request, baseURL, consoleErrors }) => {
  await openChat(page, request, baseURL!);
  await expect(composer(page)).toBeFocused();

  await say(page, "add a task to buy milk");
  await expect(messages(page).locator(".msg-user").last()).toHaveText(/add a task to buy milk/);
  await expect(card(page, "Task added")).toContainText("Buy milk");
  await expect(taskPanel(page).getByRole("checkbox", { name: "Buy milk" })).not.toBeChecked();
  expect(conversationIdOf(page)).toBeTruthy();

  await say(page, "add a task to call mom");
  await say(page, "show pending tasks");
  const pending = card(page, "Pending tasks (2)");
  await expect(pending.getByRole("listitem")).toHaveText([/Buy milk/, /Call mom/]);

  await say(page, "rename call mom to call mom tonight");
  await expect(card(page, "Task updated")).toContainText("Call mom tonight");
  await expect(taskPanel(page).getByRole("checkbox", { name: "Call mom tonight" })).toBeVisible();

  await say(page, "mark buy milk as done");
  await expect(card(page, "Task completed")).toContainText("Buy milk");
  await expect(taskPanel(page).getByRole("checkbox", { name: "Buy milk" })).toBeChecked();

  await say(page, "delete the call mom tonight task");
  await expect(card(page, "Task deleted")).toContainText("Call mom tonight");
  await expect(taskPanel(page).getByRole("checkbox", { name: "Call mom tonight" })).toHaveCount(0);
  await expect(taskPanel(page)).toContainText("0 pending · 1 completed");

  // The panel's own filter and checkbox.
  await say(page, "add a task to water the plants");
  await taskPanel(page).getByLabel("Show").selectOption("pending");
  await expect(taskPanel(page).getByRole("checkbox")).toHaveCount(1);
  // Ticked, it leaves the pending view.
  await taskPanel(page).getByRole("checkbox", { name: "Water the plants" }).click();
  await expect(taskPanel(page).getByText("Nothing pending.")).toBeVisible();
  await taskPanel(page).getByLabel("Show").selectOption("completed");
  await expect(taskPanel(page).getByRole("checkbox", { name: "Water the plants" })).toBeChecked();

  // Anything else gets a short help.
  await say(page, "what's the weather?");
  await expect(messages(page).locator(".msg-assistant").last()).toContainText(/add|list|complete|delete/i);
  expect(consoleErrors).toEqual([]);
});

test("a reload brings the conversation and its history back", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await say(page, "add a task to pay rent");
  await say(page, "list my tasks");
  const url = page.url();
  await page.reload();
  expect(page.url()).toBe(url);
  await expect(messages(page).locator(".msg-user")).toHaveText([/add a task to pay rent/, /list my tasks/]);
  await expect(card(page, "Task added")).toContainText("Pay rent");
  await expect(card(page, "All tasks (1)")).toContainText("Pay rent");

  // /chat reopens the last conversation; the sidebar lists it, titled by its first message.
  await page.goto("/chat");
  await expect(page).toHaveURL(url);
  const sidebar = page.getByRole("navigation", { name: "Conversations" });
  await expect(sidebar.getByRole("link", { name: /add a task to pay rent/i })).toHaveAttribute("aria-current", "page");
  await expect(messages(page).locator(".msg-user")).toHaveCount(2);
});

test("a failed send keeps the message; Retry sends it once", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await say(page, "add a task to book flights");
  // The server stores the next message, but its answer is lost: the browser sees a 500.
  let failed = 0;
  await page.route("**/api/*/chat", async (route) => {
    if (failed++ === 0) {
      await route.fetch();
      await route.fulfill({ status: 500, json: { detail: "Internal Server Error" } });
    } else {
      await route.continue();
    }
  });
  await composer(page).fill("add a task to pack bags");
  await composer(page).press("Enter");
  const failure = messages(page).getByRole("alert");
  await expect(failure).toContainText("Not sent. The assistant hit an error (HTTP 500)");
  await expect(messages(page).locator(".msg-user").last()).toContainText("add a task to pack bags");
  await expect(composer(page)).toHaveValue("");

  await failure.getByRole("button", { name: "Retry" }).click();
  await expect(failure).toHaveCount(0);
  await expect(card(page, "Task added").last()).toContainText("Pack bags");
  expect(failed).toBe(2);

  const stored = await storedMessages(page, request, baseURL!);
  expect(stored.filter((m) => m.role === "user" && m.content === "add a task to pack bags")).toHaveLength(1);
  await expect(taskPanel(page).getByRole("checkbox", { name: "Pack bags" })).toHaveCount(1);
});

test("offline: the message waits with Retry, and survives a reload", async ({ page, context, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await say(page, "add a task to fix the bike");
  await context.setOffline(true);
  await composer(page).fill("add a task to oil the chain");
  await composer(page).press("Enter");
  const failure = messages(page).getByRole("alert");
  await expect(failure).toContainText("You're offline");
  await context.setOffline(false);

  // Not acknowledged: it comes back after a reload, still with Retry.
  await page.reload();
  await expect(messages(page).locator(".msg-user").last()).toContainText("add a task to oil the chain");
  await messages(page).getByRole("button", { name: "Retry" }).click();
  await expect(card(page, "Task added").last()).toContainText("Oil the chain");
  await expect(messages(page).getByRole("alert")).toHaveCount(0);
  const stored = await storedMessages(page, request, baseURL!);
  expect(stored.filter((m) => m.content === "add a task to oil the chain")).toHaveLength(1);
});

test("markup typed or returned is shown literally, never run", async ({ page, request, baseURL, consoleErrors }) => {
  await openChat(page, request, baseURL!);
  const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>`;
  await say(page, `add a task to ${payload}`);
  await expect(messages(page).locator(".msg-user .msg-text").last()).toHaveText(`add a task to ${payload}`);
  await expect(card(page, "Task added")).toContainText("<script>window.__pwned=2</script>");
  await expect(taskPanel(page)).toContainText("<b>bold</b>");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator("main img, main b, main script")).toHaveCount(0);
  expect(consoleErrors.filter((e) => e.includes("pageerror"))).toEqual([]);
});

test("Enter sends, Shift+Enter adds a line; the composer waits while the assistant thinks", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/*/chat", async (route) => {
    await held;
    await route.continue();
  });
  await composer(page).pressSequentially("first line");
  await composer(page).press("Shift+Enter");
  await composer(page).pressSequentially("second line");
  await expect(composer(page)).toHaveValue("first line\nsecond line");
  await composer(page).press("Enter");

  await expect(messages(page).getByRole("status")).toHaveText(/Thinking…/);
  await expect(composer(page)).toBeDisabled();
  await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
  const bubble = messages(page).locator(".msg-user .msg-text").last();
  expect(await bubble.evaluate((el) => (el as HTMLElement).innerText)).toBe("first line\nsecond line");

  release();
  await expect(messages(page).getByRole("status")).toHaveCount(0);
  await expect(messages(page).locator(".msg-assistant")).toHaveCount(1);
  await expect(composer(page)).toBeEnabled();
  await expect(composer(page)).toBeFocused();
});

test("a reader who scrolled up is not pulled down by the reply", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  for (let i = 1; i <= 8; i++) await say(page, `add a task to read chapter ${i}`);
  const log = messages(page);
  const atBottom = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2);
  await expect.poll(atBottom).toBe(true);

  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/*/chat", async (route) => {
    await held;
    await route.continue();
  });
  await composer(page).fill("show pending tasks");
  await composer(page).press("Enter");
  await expect(log.getByRole("status")).toBeVisible();
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  release();
  await expect(card(page, "Pending tasks (8)")).toBeAttached();
  expect(await log.evaluate((el) => el.scrollTop)).toBe(0);

  await page.getByRole("button", { name: "New messages" }).click();
  await expect.poll(atBottom).toBe(true);
  await expect(page.getByRole("button", { name: "New messages" })).toHaveCount(0);
});

test("the draft survives navigation and a reload", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await composer(page).fill("add a task to remember\nthis draft");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chat" }).click();
  await expect(composer(page)).toHaveValue("add a task to remember\nthis draft");
  await page.reload();
  await expect(composer(page)).toHaveValue("add a task to remember\nthis draft");
});

async function secondTab(browserPage: Page, url: string): Promise<Page> {
  const other = await browserPage.context().newPage();
  await other.goto(url);
  return other;
}

test("two tabs see the same task change within a second", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await expect(page.getByTestId("realtime-indicator")).toContainText("Live");
  const other = await secondTab(page, "/chat");
  await expect(other.getByTestId("realtime-indicator")).toContainText("Live");
  await expect(taskPanel(other).getByText("No tasks yet")).toBeVisible();
  // Both panels are subscribed (the server confirmed the channel), not just connected.
  for (const p of [page, other]) await expect(taskPanel(p)).toContainText("Updating live.");

  // No polling can explain it: the panel polls every 10 s at best.
  await say(page, "add a task to buy bread");
  const shown = Date.now();
  await expect(taskPanel(other).getByRole("checkbox", { name: "Buy bread" })).toBeVisible({ timeout: 1_000 });
  expect(Date.now() - shown).toBeLessThan(1_000);

  // And back: ticked in the second tab, seen in the first.
  await taskPanel(other).getByRole("checkbox", { name: "Buy bread" }).check();
  await expect(taskPanel(page).getByRole("checkbox", { name: "Buy bread" })).toBeChecked({ timeout: 1_000 });
  await other.close();
});

test("one user cannot read another's conversation by its URL", async ({ browser, page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await say(page, "add a task to hide the secret plans");
  const conversation = conversationIdOf(page);
  const owner = await identity(page);

  const intruderContext = await (browser as Browser).newContext();
  const intruder = await intruderContext.newPage();
  const otherUser = await newUser(request, baseURL!);
  await signIn(intruder, otherUser, baseURL!);
  await intruder.goto(`${baseURL}/chat/${conversation}`);
  await expect(messages(intruder).getByRole("alert")).toContainText("This conversation doesn't exist any more");
  await expect(intruder.getByText("secret plans")).toHaveCount(0);

  // The API agrees: someone else's path is forbidden, someone else's conversation is not found.
  const them = await identity(intruder);
  const direct = await request.get(`${baseURL}/api/${owner.userId}/conversations/${conversation}/messages`, { headers: them.headers });
  expect(direct.status()).toBe(403);
  const own = await request.get(`${baseURL}/api/${them.userId}/conversations/${conversation}/messages`, { headers: them.headers });
  expect(own.status()).toBe(404);
  await intruderContext.close();
});

test("conversations: newest first, new chat, delete after confirmation", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await say(page, "add a task to plan the trip");
  const first = page.url();
  await page.getByRole("button", { name: "New chat" }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(messages(page).locator(".msg")).toHaveCount(0);
  await say(page, "list my tasks");
  await expect(page).not.toHaveURL(first);

  const sidebar = page.getByRole("navigation", { name: "Conversations" });
  await expect(sidebar.getByRole("link")).toHaveText([/list my tasks/i, /add a task to plan the trip/i]);

  await sidebar.getByRole("link", { name: /plan the trip/i }).click();
  await expect(page).toHaveURL(first);
  await expect(messages(page).locator(".msg-user")).toHaveText([/plan the trip/]);

  await sidebar.getByRole("button", { name: /Delete conversation “add a task to plan the trip/ }).click();
  const confirm = sidebar.getByRole("group", { name: /Confirm deleting/ });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(sidebar.getByRole("link")).toHaveCount(2);

  await sidebar.getByRole("button", { name: /Delete conversation “add a task to plan the trip/ }).click();
  await sidebar.getByRole("group", { name: /Confirm deleting/ }).getByRole("button", { name: "Delete" }).click();
  await expect(sidebar.getByRole("link")).toHaveText([/list my tasks/i]);
  // It was open: the page moves to a new conversation.
  await expect(page).toHaveURL(/\/chat$/);
  await page.goto(first);
  await expect(messages(page).getByRole("alert")).toContainText("This conversation doesn't exist any more");
});

test("a list that cannot be read, and a delete the server refuses, are said in words and recover", async ({ page, request, baseURL }) => {
  let failList = true;
  await page.route("**/api/*/conversations?*", (route) =>
    failList ? route.fulfill({ status: 503, json: { detail: "Conversations are resting" } }) : route.fallback(),
  );
  await openChat(page, request, baseURL!);
  const sidebar = page.getByRole("navigation", { name: "Conversations" });
  await expect(sidebar.getByRole("alert")).toContainText("Conversations could not be loaded: Conversations are resting");
  await say(page, "add a task to water the plants");
  failList = false;
  await sidebar.getByRole("button", { name: "Try again" }).click();
  await expect(sidebar.getByRole("link")).toHaveText([/water the plants/i]);

  await page.route("**/api/*/conversations/*", (route) =>
    route.request().method() === "DELETE" ? route.fulfill({ status: 500, json: { detail: "Disk on fire" } }) : route.fallback(),
  );
  await sidebar.getByRole("button", { name: /Delete conversation “add a task to water the plants/ }).click();
  await sidebar.getByRole("group", { name: /Confirm deleting/ }).getByRole("button", { name: "Delete" }).click();
  await expect(sidebar.getByRole("alert")).toContainText("Could not delete the conversation: Disk on fire");
  // The list stays as it was, and so does the open conversation.
  await expect(sidebar.getByRole("link")).toHaveText([/water the plants/i]);
  await expect(messages(page).locator(".msg-user")).toHaveText([/water the plants/]);
});

test("a conversation deleted elsewhere: the message moves to a new one", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  await say(page, "add a task to clean the garage");
  const gone = conversationIdOf(page);
  const { headers, userId } = await identity(page);
  expect((await request.delete(`${baseURL}/api/${userId}/conversations/${gone}`, { headers })).status()).toBe(204);

  await composer(page).fill("add a task to sell the old bike");
  await composer(page).press("Enter");
  const failure = messages(page).getByRole("alert");
  await expect(failure).toContainText("This conversation no longer exists");
  await failure.getByRole("button", { name: "Send in a new conversation" }).click();
  await expect(card(page, "Task added")).toContainText("Sell the old bike");
  expect(conversationIdOf(page)).not.toBe(gone);
  await expect(messages(page).locator(".msg-user")).toHaveText([/sell the old bike/]);
});

test("other backends' answer shapes still make cards", async ({ page, request, baseURL }) => {
  await openChat(page, request, baseURL!);
  // The Next.js backend's shape: message.content, tool_calls_executed, JSON-text arguments, integer ids.
  await page.route("**/api/*/chat", (route) =>
    route.fulfill({
      json: {
        conversation_id: 4242,
        message: { role: "assistant", content: "Added it.\nAnything else?" },
        tool_calls_executed: [
          { name: "add_task_tool", arguments: '{"title":"Try variants"}', result: { status: "success", data: { task_id: 77, title: "Try variants" } } },
        ],
      },
    }),
  );
  await page.route("**/api/*/conversations/4242/messages", (route) => route.fulfill({ json: [] }));
  await composer(page).fill("add a task to try variants");
  await composer(page).press("Enter");
  await expect(card(page, "Task added")).toHaveText(/#77 Try variants/);
  const reply = messages(page).locator(".msg-assistant .msg-text");
  expect(await reply.evaluate((el) => (el as HTMLElement).innerText)).toBe("Added it.\nAnything else?");
  await expect(page).toHaveURL(/\/chat\/4242$/);
});

test("without conversation endpoints the sidebar is hidden and chat still works", async ({ page, request, baseURL }) => {
  await page.route("**/api/*/conversations?*", (route) => route.fulfill({ status: 404, json: { detail: "Not Found" } }));
  await openChat(page, request, baseURL!);
  await say(page, "add a task to keep it simple");
  await expect(card(page, "Task added")).toContainText("Keep it simple");
  await expect(page.getByRole("navigation", { name: "Conversations" })).toHaveCount(0);
});

test("a session that ends mid-send: sign in again and the message is still there", async ({ page, request, baseURL }) => {
  const account = await openChat(page, request, baseURL!);
  await say(page, "add a task to renew the passport");
  const conversation = conversationIdOf(page);
  // The session is revoked on the server (an administrator, another device signing out).
  const session = await storedSession(page);
  expect((await request.post(`${baseURL}/api/v1/auth/logout`, { data: { refresh_token: session?.refresh_token } })).ok()).toBe(true);

  await composer(page).fill("add a task to book the photo booth");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(
    (url) => url.pathname === "/login" && url.searchParams.get("redirect") === `/chat/${conversation}` && url.searchParams.get("reason") === "expired",
  );
  await fillSignIn(page, account);
  await expect(page).toHaveURL(new RegExp(`/chat/${conversation}$`));
  await expect(messages(page).locator(".msg-user").last()).toContainText("add a task to book the photo booth");
  await messages(page).getByRole("button", { name: "Retry" }).click();
  await expect(card(page, "Task added").last()).toContainText("Book the photo booth");
  const stored = await storedMessages(page, request, baseURL!);
  expect(stored.filter((m) => m.content === "add a task to book the photo booth")).toHaveLength(1);
});

// Without a Pusher server the panel falls back to polling.
test.describe("without realtime", () => {
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({ name: "chat-no-pusher", withoutPusher: true });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("the task panel polls and shows changes made elsewhere", async ({ page, request }) => {
    await openChat(page, request, stack.url);
    await expect(page.getByTestId("realtime-indicator")).toHaveCount(0);
    const { headers, userId } = await identity(page);
    // Another device adds a task through the API.
    const created = await request.post(`${stack.url}/api/${userId}/tasks`, { headers, data: { title: "Added elsewhere" } });
    expect(created.status()).toBe(201);
    await expect(taskPanel(page).getByRole("checkbox", { name: "Added elsewhere" })).toBeVisible({ timeout: 12_000 });
  });
});

test("long lists load on demand: earlier messages, older conversations, more tasks", async ({ page, request, baseURL }) => {
  test.setTimeout(90_000);
  await openChat(page, request, baseURL!);
  const { headers, userId } = await identity(page);
  const api = `${baseURL}/api/${userId}`;
  // 51 exchanges in one conversation (102 messages: the newest 100 load first),
  // 50 more conversations (51: the list shows 50 at first), 501 tasks (500 at first).
  let conversation = "";
  for (let i = 0; i < 51; i++) {
    const r = await request.post(`${api}/chat`, {
      headers,
      data: { message: `show my pending tasks (${i === 0 ? "the very first message" : i})`, ...(conversation ? { conversation_id: conversation } : {}) },
    });
    expect(r.status()).toBe(200);
    conversation ||= (await r.json()).conversation_id;
  }
  for (let i = 0; i < 50; i++) {
    expect((await request.post(`${api}/chat`, { headers, data: { message: `show my tasks, conversation ${i}` } })).status()).toBe(200);
  }
  await Promise.all(
    Array.from({ length: 501 }, (_, i) => request.post(`${api}/tasks`, { headers, data: { title: `bulk task ${i}` } })),
  );

  await page.goto(`/chat/${encodeURIComponent(conversation)}`);
  await expect(messages(page)).toContainText("show my pending tasks (50)");
  await expect(messages(page)).not.toContainText("the very first message");
  await page.getByRole("button", { name: "Show earlier messages" }).click();
  await expect(messages(page)).toContainText("the very first message");
  await expect(page.getByRole("button", { name: "Show earlier messages" })).toHaveCount(0);

  const list = page.getByRole("navigation", { name: "Conversations" });
  await expect(list.getByRole("listitem")).toHaveCount(50);
  await list.getByRole("button", { name: "Show older conversations" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(51);
  await expect(list.getByRole("button", { name: "Show older conversations" })).toHaveCount(0);

  await expect(taskPanel(page)).toContainText("Showing 500 of 501 tasks.");
  await expect(taskPanel(page).getByRole("listitem")).toHaveCount(500);
  await taskPanel(page).getByRole("button", { name: "Show more tasks" }).click();
  await expect(taskPanel(page).getByRole("listitem")).toHaveCount(501);
  await expect(taskPanel(page).getByRole("button", { name: "Show more tasks" })).toHaveCount(0);
});
