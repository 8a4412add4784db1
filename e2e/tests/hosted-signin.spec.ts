// Hosted sign-in (OpenID Connect, code flow with PKCE) against a real
// provider: panva's certified oidc-provider from npm (tools/oidc), with its
// own sign-in page, JWT access tokens for the API, rotating refresh tokens
// and RP-initiated logout. No part of the provider is mocked.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, isLocal } from "../support/fixtures";
import { credentials, type Account } from "../support/credentials";
import { storedSession } from "../support/auth";
import { LocalStack, OIDC_PROVIDER_NAME } from "../support/stack";

test.skip(!isLocal, "drives the local stack");

let stack: LocalStack;
test.beforeAll(async () => {
  stack = await LocalStack.start({ name: "oidc", oidc: {} });
});
test.afterAll(async () => {
  await stack?.stop();
});

const signInButton = (page: Page) => page.getByRole("button", { name: `Sign in with ${OIDC_PROVIDER_NAME}` });

/** At the provider's own page (of `at`, this file's stack by default): its form, its password check. */
async function signInAtProvider(page: Page, account: Account, at: LocalStack = stack) {
  await expect(page).toHaveURL(new RegExp(`^${at.issuer}/interaction/`));
  await expect(page.getByRole("heading", { name: "Sign in to ToolBoxAI Identity" })).toBeVisible();
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a deep link: the provider's sign-in, then back on the exact page, signed in as the provider's admin", async ({ page, consoleErrors }) => {
  await page.goto(`${stack.url}/observability?interval=10s#cpu`);
  await expect(page).toHaveURL(/\/login\?redirect=/);
  await expect(page.getByLabel("Password", { exact: true })).toBeHidden();
  await signInButton(page).click();
  await signInAtProvider(page, credentials.admin);

  await expect(page).toHaveURL(`${stack.url}/observability?interval=10s#cpu`);
  await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
  await expect(page.locator("article#cpu .metric-value")).toHaveText(/^\d+(\.\d)? %/);
  // The admins' private channel, authorized for the provider's token.
  await expect(page.getByRole("article").filter({ hasText: "Recent alerts" }).getByRole("status")).toHaveText("Listening for alerts.");
  // The callback (code, state) left no history entry behind.
  await page.goBack();
  await expect(page).not.toHaveURL(/\/auth\/callback/);

  // The backend's user is the provider's subject, and the token the provider's JWT.
  await page.goto(`${stack.url}/observability`);
  const session = (await storedSession(page))!;
  const claims = JSON.parse(Buffer.from(session.access_token.split(".")[1], "base64url").toString());
  expect(claims.iss).toBe(stack.issuer);
  const profile = await page.request.get(`${stack.url}/api/v1/users/me/profile`, {
    headers: { authorization: `Bearer ${session.access_token}` },
  });
  expect(profile.status()).toBe(200);
  const body = await profile.json();
  expect(body.providerSubject).toBe(claims.sub);
  expect(body.role).toBe("admin");
  // Its own record: the password admin's name is not taken over.
  expect(body.username).toBe(`${credentials.admin.username}-2`);
  expect(body.displayName).toBe("Administrator");
  await expect(page.getByRole("banner")).toContainText("Administrator");
  // (The provider's own pages may log their 4xx, e.g. the expired sign-in page Back led to.)
  expect(consoleErrors.filter((e) => e.startsWith("pageerror") || e.includes("panicked"))).toEqual([]);
});

test("the teacher signs in at the provider and gets the 403 page on /observability", async ({ page }) => {
  await page.goto(`${stack.url}/observability`);
  await signInButton(page).click();
  await signInAtProvider(page, credentials.teacher);
  await expect(page).toHaveURL(`${stack.url}/observability`);
  await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this page" })).toBeVisible();
});

test("chat, tasks and the user's private channel work for a provider user", async ({ page }) => {
  await page.goto(`${stack.url}/chat`);
  await signInButton(page).click();
  await signInAtProvider(page, credentials.teacher);
  await expect(page).toHaveURL(`${stack.url}/chat`);
  const tasks = page.getByRole("complementary", { name: "Your tasks" });
  await expect(page.getByTestId("realtime-indicator")).toContainText("Live");
  // Subscribed to the user's private channel: the server authorized the provider's token.
  await expect(tasks).toContainText("Updating live.");
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill("add a task to water the plants");
  await composer.press("Enter");
  await expect(page.getByRole("log", { name: "Messages" }).getByRole("region", { name: "Task added" })).toContainText("Water the plants");
  await expect(tasks.getByRole("checkbox", { name: "Water the plants" })).toBeVisible();
});

test("/sign-up (a React dashboard link) says the provider offers no sign-up here, and offers sign-in", async ({ page }) => {
  await page.goto(`${stack.url}/sign-up`);
  await expect(page.getByRole("status").filter({ hasText: `Accounts come from ${OIDC_PROVIDER_NAME}, which does not offer sign-up here` })).toBeVisible();
  await expect(signInButton(page)).toBeEnabled();
});

for (const scheme of ["light", "dark"] as const) {
  test(`the hosted sign-in page has no axe violations (${scheme}), with and without an error`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const check = async (state: string) => {
      const { violations } = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"])
        .analyze();
      expect(violations.map((v) => `${v.id}: ${v.help}`), state).toEqual([]);
    };
    await page.goto(`${stack.url}/login`);
    await expect(signInButton(page)).toBeEnabled();
    await check("hosted sign-in");
    await signInButton(page).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await check("hosted sign-in with an error");
  });
}

test.describe("a provider set up wrong is said at once, on the sign-in page", () => {
  async function withIssuer(page: Page, issuer: string) {
    await page.route("**/app-config.json", async (route) => {
      const config = await (await route.fetch()).json();
      await route.fulfill({ json: { ...config, auth: { ...config.auth, issuer } } });
    });
    await page.goto(`${stack.url}/login`);
  }

  test("an unreachable issuer", async ({ page }) => {
    await withIssuer(page, "http://127.0.0.1:9");
    await expect(page.getByRole("alert")).toHaveText(/The sign-in provider cannot be reached/);
    await expect(signInButton(page)).toBeEnabled();
  });

  test("a wrong issuer: the provider has no discovery document there", async ({ page }) => {
    await withIssuer(page, `${stack.issuer}/tenant-that-does-not-exist`);
    // The provider's 404 carries no CORS headers, so the browser reports no answer: the message says where it looked.
    await expect(page.getByRole("alert")).toHaveText(/cannot be reached \(no answer from .*\/tenant-that-does-not-exist\/\.well-known\/openid-configuration; is auth\.issuer in app-config\.json right\?\)/);
  });
});

test("signing in at the provider in one tab signs in the tab waiting on the sign-in page", async ({ page }) => {
  const waiting = await page.context().newPage();
  await waiting.goto(`${stack.url}/login?redirect=%2Fchat`);
  await expect(signInButton(waiting)).toBeEnabled();
  await page.goto(`${stack.url}/chat`);
  await signInButton(page).click();
  await signInAtProvider(page, credentials.teacher);
  await expect(page).toHaveURL(`${stack.url}/chat`);
  await expect(waiting).toHaveURL(`${stack.url}/chat`);
  await expect(waiting.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test.describe("answers that must not sign anyone in", () => {
  test("a tampered state is refused with a message, and trying again works", async ({ page, context, consoleErrors }) => {
    // The answer's state no longer matches the sign-in this tab started (what a
    // forged or swapped callback looks like to the checker).
    await context.addInitScript(() => {
      const key = "toolboxai.oidc.pending";
      const pending = location.pathname === "/auth/callback" && sessionStorage.getItem(key);
      if (pending && !sessionStorage.getItem("tampered")) {
        sessionStorage.setItem("tampered", "1");
        sessionStorage.setItem(key, JSON.stringify({ ...JSON.parse(pending), state: "another-sign-in" }));
      }
    });
    await page.goto(`${stack.url}/chat`);
    await signInButton(page).click();
    await signInAtProvider(page, credentials.teacher);
    await expect(page.getByRole("alert")).toHaveText(/does not belong to the sign-in started here/);
    await expect(page).toHaveURL(`${stack.url}/login?redirect=%2Fchat`);
    expect(await storedSession(page)).toBeNull();

    await signInButton(page).click();
    // The provider remembers the sign-in: straight back, signed in.
    await expect(page).toHaveURL(`${stack.url}/chat`);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(consoleErrors.filter((e) => e.startsWith("pageerror") || e.includes("panicked"))).toEqual([]);
  });

  test("a callback URL opened again (a replay) signs nobody in", async ({ page, browser }) => {
    let callback = "";
    page.on("request", (r) => {
      if (r.url().includes("/auth/callback?")) callback = r.url();
    });
    await page.goto(`${stack.url}/login`);
    await signInButton(page).click();
    await signInAtProvider(page, credentials.teacher);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(callback).toContain("code=");

    const elsewhere = await browser.newContext();
    const replay = await elsewhere.newPage();
    await replay.goto(callback);
    await expect(replay.getByRole("alert")).toHaveText(/already used or was not started in this tab/);
    await expect(replay).toHaveURL(`${stack.url}/login`);
    expect(await storedSession(replay)).toBeNull();
    await elsewhere.close();
  });

  test("cancelling at the provider (error=access_denied) comes back with a message", async ({ page }) => {
    await page.goto(`${stack.url}/observability`);
    await signInButton(page).click();
    await expect(page.getByRole("heading", { name: "Sign in to ToolBoxAI Identity" })).toBeVisible();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("alert")).toHaveText("Sign-in was cancelled or refused at the provider.");
    await expect(page).toHaveURL(`${stack.url}/login?redirect=%2Fobservability`);
    await expect(signInButton(page)).toBeFocused();
  });
});

test("an access token that expires is refreshed at the provider in two tabs at once, never spending a refresh token twice", async ({ browser }) => {
  // Its own stack, a sign-in at the provider and three 6-s token lifetimes: about
  // 29 s when all goes well, which the default 30-s limit cut short.
  test.setTimeout(60_000);
  const shortLived = await LocalStack.start({ name: "oidc-refresh", oidc: { accessTokenTtlSecs: 6 } });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${shortLived.url}/observability`);
    await signInButton(page).click();
    await signInAtProvider(page, credentials.admin, shortLived);
    await expect(page.locator("article#cpu .metric-value")).toHaveText(/^\d+(\.\d)? %/);
    const other = await context.newPage();
    await other.goto(`${shortLived.url}/observability`);
    await expect(other.locator("article#cpu .metric-value")).toHaveText(/^\d+(\.\d)? %/);

    // Three rotations (one every ~5 s): each refresh token is spent once, by one tab;
    // a second spend would make the provider revoke the grant and end both sessions.
    const seen = new Set<string>();
    const first = (await storedSession(page))!.refresh_token!;
    seen.add(first);
    await expect
      .poll(async () => {
        const token = (await storedSession(page))?.refresh_token;
        if (token) seen.add(token);
        return seen.size;
      }, { timeout: 30_000, intervals: [500] })
      .toBeGreaterThanOrEqual(4);
    for (const p of [page, other]) {
      await expect(p.getByRole("button", { name: "Sign out" })).toBeVisible();
      await expect(p.getByText("Your session expired")).toHaveCount(0);
    }
    const [a, b] = await Promise.all([storedSession(page), storedSession(other)]);
    expect(a!.refresh_token).toBe(b!.refresh_token);
    // The latest token is good at the backend (the provider did not revoke the grant).
    const profile = await page.request.get(`${shortLived.url}/api/v1/users/me/profile`, {
      headers: { authorization: `Bearer ${a!.access_token}` },
    });
    expect(profile.status()).toBe(200);
    await context.close();
  } finally {
    await shortLived.stop();
  }
});

test("a provider that gives no refresh token: at expiry the session ends with a word, and signing in again returns to the page", async ({ browser }) => {
  const noRefresh = await LocalStack.start({ name: "oidc-no-refresh", oidc: { accessTokenTtlSecs: 5, refreshTokens: false } });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${noRefresh.url}/chat`);
    await signInButton(page).click();
    await signInAtProvider(page, credentials.teacher, noRefresh);
    await expect(page).toHaveURL(`${noRefresh.url}/chat`);
    expect((await storedSession(page))!.refresh_token).toBeFalsy();

    await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("reason") === "expired", { timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get("redirect")).toBe("/chat");
    await expect(page.getByRole("status").filter({ hasText: "Your session expired" })).toBeVisible();
    // The provider still knows the user: straight back to the page.
    await signInButton(page).click();
    await expect(page).toHaveURL(`${noRefresh.url}/chat`);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await context.close();
  } finally {
    await noRefresh.stop();
  }
});

test("signing out in one tab signs out every tab and the provider: the next sign-in asks for the password", async ({ page }) => {
  await page.goto(`${stack.url}/chat`);
  await signInButton(page).click();
  await signInAtProvider(page, credentials.teacher);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  const other = await page.context().newPage();
  await other.goto(`${stack.url}/chat`);
  await expect(other.getByRole("button", { name: "Sign out" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign out of ToolBoxAI Identity?" })).toBeVisible();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${stack.url}/login`);
  await expect(signInButton(page)).toBeVisible();
  await expect(other).toHaveURL(/\/login/);
  expect(await storedSession(other)).toBeNull();

  await signInButton(page).click();
  await expect(page.getByRole("heading", { name: "Sign in to ToolBoxAI Identity" })).toBeVisible();
});

// Last two: they stop the provider.
test("the provider going down during the code exchange ends on the sign-in page with a message", async ({ page }) => {
  // The provider stops the moment the dashboard asks it for the tokens.
  await page.route(`${stack.issuer}/token`, async (route) => {
    await stack.stopProvider();
    await route.continue();
  });
  await page.goto(`${stack.url}/chat`);
  await signInButton(page).click();
  await signInAtProvider(page, credentials.teacher);
  await expect(page.getByRole("alert")).toHaveText(/The sign-in could not be completed: the sign-in provider did not answer/);
  await expect(page).toHaveURL(`${stack.url}/login?redirect=%2Fchat`);
  expect(await storedSession(page)).toBeNull();
  // Trying again says the provider cannot be reached.
  await signInButton(page).click();
  await expect(page.getByRole("alert")).toHaveText(/cannot be reached/);
});

test("the provider restarts with a new signing key: the backend fetches its keys again", async ({ page }) => {
  // A new process, a new key (tools/oidc makes one per start); the backend holds the old set.
  await stack.startProvider();
  await page.goto(`${stack.url}/chat`);
  await signInButton(page).click();
  await signInAtProvider(page, credentials.teacher);
  await expect(page).toHaveURL(`${stack.url}/chat`);
  await expect(page.getByRole("complementary", { name: "Your tasks" })).toContainText("Updating live.");
  const session = (await storedSession(page))!;
  const profile = await page.request.get(`${stack.url}/api/v1/users/me/profile`, {
    headers: { authorization: `Bearer ${session.access_token}` },
  });
  expect(profile.status()).toBe(200);
});
