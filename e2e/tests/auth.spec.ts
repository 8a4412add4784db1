// Auth redirect handling: sign-in, return-to, session lifecycle, roles.
import { test, expect, isLocal, localOnly } from "../support/fixtures";
import { credentials, haveDeployedCredentials } from "../support/credentials";
import { fillSignIn, signIn, storedSession } from "../support/auth";
import { LocalStack } from "../support/stack";

const signInHeading = (page: import("@playwright/test").Page) =>
  page.getByRole("heading", { level: 1, name: "Sign in" });

function needsAccounts() {
  test.skip(!isLocal && !haveDeployedCredentials, "needs E2E_ADMIN_USER/E2E_ADMIN_PASSWORD against a deployment");
}

test("@smoke a signed-out visitor of a protected page is sent to sign-in", async ({ page }) => {
  await page.goto("/chat");
  await expect(page).toHaveURL((url) => url.pathname === "/login" && url.searchParams.get("redirect") === "/chat");
  await expect(signInHeading(page)).toBeVisible();
  await expect(page.getByLabel("Email or username")).toHaveAttribute("autocomplete", "username");
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("autocomplete", "current-password");
});

test.describe("signing in", () => {
  needsAccounts();

  test("the redirect round trip keeps the query and the hash", async ({ page }) => {
    await page.goto("/observability?interval=10s#cpu");
    await expect(page).toHaveURL(
      (url) => url.pathname === "/login" && url.searchParams.get("redirect") === "/observability?interval=10s#cpu",
    );
    await fillSignIn(page, credentials.admin);
    await expect(page).toHaveURL((url) => url.pathname + url.search + url.hash === "/observability?interval=10s#cpu");
    await expect(page.getByRole("heading", { level: 1, name: "Observability" })).toBeVisible();
  });

  test("without a redirect, admins land on observability and others on chat", async ({ page, browser }) => {
    await signIn(page, credentials.admin);
    await expect(page).toHaveURL(/\/observability$/);
    const teacher = await (await browser.newContext()).newPage();
    await signIn(teacher, credentials.teacher, new URL(page.url()).origin);
    await expect(teacher).toHaveURL(/\/chat$/);
    await teacher.context().close();
  });

  test("a wrong password is reported plainly", async ({ page }) => {
    await page.goto("/login");
    await fillSignIn(page, { username: credentials.teacher.username, password: "definitely-wrong" });
    await expect(page.getByRole("alert")).toHaveText("Incorrect username or password");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
  });

  test("empty fields are flagged and focused", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("Enter your email or username.")).toBeVisible();
    await expect(page.getByLabel("Email or username")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Email or username")).toBeFocused();
    await page.getByLabel("Email or username").fill("someone");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
  });

  test("Enter submits, and the button is disabled while signing in", async ({ page }) => {
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    await page.route("**/api/v1/auth/login", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/login");
    await page.getByLabel("Email or username").fill(credentials.admin.username);
    await page.getByLabel("Password", { exact: true }).fill(credentials.admin.password);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    const busy = page.getByRole("button", { name: "Signing in…" });
    await expect(busy).toBeDisabled();
    release();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  });

  test("the email form of the login is sent as email", async ({ page }) => {
    const bodies: unknown[] = [];
    page.on("request", (r) => r.url().endsWith("/api/v1/auth/login") && bodies.push(r.postDataJSON()));
    await page.goto("/login");
    await fillSignIn(page, { username: "nobody@example.com", password: "whatever-1" });
    await expect(page.getByRole("alert")).toBeVisible();
    expect(bodies).toEqual([{ email: "nobody@example.com", password: "whatever-1" }]);
  });

  test("network failures and server errors are explained", async ({ page }) => {
    await page.goto("/login");
    await page.route("**/api/v1/auth/login", (route) => route.abort("connectionrefused"));
    await fillSignIn(page, credentials.admin);
    await expect(page.getByRole("alert")).toContainText("Cannot reach the server");
    await page.unroute("**/api/v1/auth/login");
    await page.route("**/api/v1/auth/login", (route) => route.fulfill({ status: 503, body: "" }));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert")).toContainText("temporarily unavailable");
  });
});

test.describe("the sign-in page at HTML speed", () => {
  needsAccounts();

  test("it needs none of the app's files until the user types, then fetches them ahead", async ({ page }) => {
    const requested: string[] = [];
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    await page.goto("/login?redirect=%2Fchat");
    await expect(page.getByLabel("Email or username")).toBeEditable();
    await page.waitForLoadState("networkidle");
    expect(requested.filter((p) => /^\/dashboard-[0-9a-f]+(_bg\.wasm|\.js)$/.test(p))).toEqual([]);
    await page.getByLabel("Email or username").pressSequentially("t");
    // Prefetched while the password is typed: the app is in the cache by the time it is needed.
    await expect.poll(() => requested.filter((p) => /^\/dashboard-[0-9a-f]+_bg\.wasm$/.test(p)).length).toBe(1);
  });

  test("typing and a submit made before its wasm is ready are kept: one sign-in, no password in any URL", async ({ page }) => {
    // Hold the sign-in page's wasm back until the form has been filled and submitted.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/signin-[0-9a-f]+_bg\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    const logins: string[] = [];
    const urls: string[] = [];
    page.on("request", (r) => {
      urls.push(r.url());
      if (r.url().endsWith("/api/v1/auth/login")) logins.push(r.method());
    });
    page.on("framenavigated", (f) => f === page.mainFrame() && urls.push(f.url()));
    await page.goto("/login?redirect=%2Fchat%3Fx%3D1%23top", { waitUntil: "domcontentloaded" });
    await page.getByLabel("Email or username").fill(credentials.teacher.username);
    await page.getByLabel("Password", { exact: true }).fill(credentials.teacher.password);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue(credentials.teacher.password);
    expect(logins).toEqual([]);
    release();
    await expect(page).toHaveURL(/\/chat\?x=1#top$/);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(logins).toEqual(["POST"]);
    expect(urls.filter((u) => u.includes(encodeURIComponent(credentials.teacher.password)) || u.includes(credentials.teacher.password))).toEqual([]);
  });
});

test("repeated failures lock the form with a countdown", async ({ page }) => {
  localOnly();
  const victim = { username: `nobody-${Date.now()}`, password: "wrong-password" };
  await page.goto("/login");
  for (let i = 0; i < 5; i++) {
    await fillSignIn(page, victim);
    await expect(page.getByRole("alert")).toBeVisible();
  }
  const alert = page.getByRole("alert");
  await expect(alert).toContainText(/Too many sign-in attempts\. Try again in \d+ s\./);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeDisabled();
  const first = Number((await alert.textContent())!.match(/in (\d+) s/)![1]);
  await expect
    .poll(async () => Number((await alert.textContent())!.match(/in (\d+) s/)?.[1] ?? first), { timeout: 5_000 })
    .toBeLessThan(first);
});

test.describe("open redirects", () => {
  needsAccounts();
  for (const hostile of [
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
    "/login",
    // Paths as written that the browser resolves to another host's path (`//evil.example`):
    // these used to pass the check and crash the router in history.replaceState.
    "/.//evil.example",
    "/%2e//evil.example/x?y=1#z",
    "/a/..//evil.example",
    "/./login",
    "/\t/evil.example",
  ]) {
    test(`a redirect to ${JSON.stringify(hostile)} ends on /`, async ({ page, baseURL, consoleErrors }) => {
      await page.goto(`/login?redirect=${encodeURIComponent(hostile)}`);
      await fillSignIn(page, credentials.teacher);
      await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
      await expect(page).toHaveURL(`${baseURL}/`);
      await expect(page.getByRole("heading", { name: "Something went wrong — reload" })).toHaveCount(0);
      expect(consoleErrors.filter((e) => e.startsWith("pageerror") || /panicked/.test(e))).toEqual([]);
    });
  }
});

test.describe("the session", () => {
  needsAccounts();

  test("a reload keeps the user signed in without flashing the sign-in page", async ({ page }) => {
    await signIn(page, credentials.teacher);
    await expect(page).toHaveURL(/\/chat$/);
    // Record every level-1 heading that ever appears during the reload.
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { __headings: string[] }).__headings = []);
      new MutationObserver(() => {
        for (const h of document.querySelectorAll("h1")) {
          const text = h.textContent ?? "";
          if (seen[seen.length - 1] !== text) seen.push(text);
        }
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    const headings = await page.evaluate(() => (window as unknown as { __headings: string[] }).__headings);
    expect(headings).not.toContain("Sign in");
    expect(page.url()).toMatch(/\/chat$/);
  });

  test("signing out clears the session and returns to sign-in", async ({ page, request }) => {
    await signIn(page, credentials.teacher);
    const session = await storedSession(page);
    await page.evaluate(() => localStorage.setItem("toolboxai.chat.draft", "half a thought"));
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(signInHeading(page)).toBeVisible();
    // The server heard the logout before the page went: the refresh token is revoked.
    const refresh = await request.post("/api/v1/auth/refresh", { data: { refresh_token: session?.refresh_token } });
    expect(refresh.status()).toBe(401);
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("toolboxai.")));
    expect(keys).toEqual([]);
    await page.goto("/chat");
    await expect(page).toHaveURL(/\/login\?redirect=%2Fchat$/);
  });

  test("signing out in one tab signs out the others", async ({ context, page, baseURL }) => {
    await signIn(page, credentials.teacher);
    const other = await context.newPage();
    await other.goto(`${baseURL}/chat`);
    await expect(other.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(other).toHaveURL((url) => url.pathname === "/login" && url.searchParams.get("redirect") === "/chat");
    await expect(signInHeading(other)).toBeVisible();
  });

  test("signing in in one tab is picked up by the others", async ({ context, page, baseURL }) => {
    const other = await context.newPage();
    await other.goto(`${baseURL}/chat`);
    await expect(signInHeading(other)).toBeVisible();
    await signIn(page, credentials.teacher);
    await expect(other).toHaveURL(/\/chat$/);
    await expect(other.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  });
});

test.describe("roles", () => {
  needsAccounts();

  test("a teacher gets a 403 page for observability, and the nav never offers it", async ({ page }) => {
    await signIn(page, credentials.teacher);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Chat" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Observability" })).toHaveCount(0);
    await page.goto("/observability");
    await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByText("Observability is available to administrators.")).toBeVisible();
    await expect(page).toHaveTitle(/Access denied/);
    await page.getByRole("link", { name: "Go to your start page" }).click();
    await expect(page).toHaveURL(/\/chat$/);
  });

  test("a role forged in storage opens nothing: the server's answer decides", async ({ page }) => {
    await signIn(page, credentials.teacher);
    await expect(page).toHaveURL(/\/chat$/);
    // The page renders at once for the stored user while the token is checked;
    // promote that stored user to admin by hand.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem("toolboxai.session") ?? "{}");
      session.user.role = "admin";
      localStorage.setItem("toolboxai.session", JSON.stringify(session));
    });
    const reports: number[] = [];
    page.on("response", (r) => r.url().includes("/infrastructure/report") && reports.push(r.status()));
    await page.goto("/observability");
    await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByText(/signed in as .* \(Teacher\)/)).toBeVisible();
    // Whatever was asked for on the forged role's behalf was refused, and no figure was shown.
    expect(reports.every((status) => status === 403)).toBe(true);
    await expect(page.locator("article#cpu")).toHaveCount(0);
  });

  test("an admin's nav offers observability and chat", async ({ page }) => {
    await signIn(page, credentials.admin);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Observability" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Chat" })).toBeVisible();
  });
});

// Sessions whose access token lives 4 s: refresh at 80 % (3.2 s).
test.describe("short-lived access tokens", () => {
  localOnly();
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({ name: "short-ttl", accessTokenTtlSecs: 4, withoutPusher: true });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("an expiring access token is refreshed without the user noticing", async ({ page }) => {
    await signIn(page, credentials.teacher, stack.url);
    const refreshes: number[] = [];
    page.on("response", (r) => r.url().endsWith("/api/v1/auth/refresh") && refreshes.push(r.status()));
    await expect.poll(() => refreshes.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(refreshes.every((s) => s === 200)).toBe(true);
    await expect(page).toHaveURL(/\/chat$/);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    // The rotated session still works after a reload.
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  });

  test("a session that cannot be refreshed ends with a notice and comes back after sign-in", async ({ page, request }) => {
    await signIn(page, credentials.teacher, stack.url);
    await expect(page).toHaveURL(/\/chat$/);
    // End the session on the server, as an administrator revoking it would.
    const session = await storedSession(page);
    const revoke = await request.post(`${stack.url}/api/v1/auth/logout`, {
      data: { refresh_token: session?.refresh_token },
    });
    expect(revoke.ok()).toBe(true);
    await expect(page).toHaveURL(
      (url) => url.pathname === "/login" && url.searchParams.get("redirect") === "/chat" && url.searchParams.get("reason") === "expired",
      { timeout: 10_000 },
    );
    await expect(page.getByRole("status").filter({ hasText: "Your session expired" })).toBeVisible();
    await fillSignIn(page, credentials.teacher);
    await expect(page).toHaveURL(/\/chat$/);
    await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
  });

  test("a late write of spent tokens is not adopted: the refresh chain goes on", async ({ context, page }) => {
    await signIn(page, credentials.teacher, stack.url);
    const spentText = await page.evaluate(() => localStorage.getItem("toolboxai.session"));
    const spent = JSON.parse(spentText ?? "null");
    expect(spent?.refresh_token).toBeTruthy();
    const refreshes: number[] = [];
    const presented: string[] = [];
    page.on("request", (r) => r.url().endsWith("/api/v1/auth/refresh") && presented.push(r.postDataJSON()?.refresh_token));
    page.on("response", (r) => r.url().endsWith("/api/v1/auth/refresh") && refreshes.push(r.status()));
    await expect.poll(async () => (await storedSession(page))?.refresh_token, { timeout: 10_000 }).not.toBe(spent.refresh_token);
    // Another document of the origin (not the app) writes the spent session
    // back, as a tab that read it before the refresh and saved it late would.
    const other = await context.newPage();
    await other.goto(`${stack.url}/favicon.svg`);
    await other.evaluate((text) => localStorage.setItem("toolboxai.session", text), spentText as string);
    // The app keeps its newer tokens and writes them back for every tab.
    await expect
      .poll(() => other.evaluate(() => JSON.parse(localStorage.getItem("toolboxai.session") ?? "null")?.refresh_token), {
        timeout: 5_000,
      })
      .not.toBe(spent.refresh_token);
    const before = refreshes.length;
    await expect.poll(() => refreshes.length, { timeout: 12_000 }).toBeGreaterThanOrEqual(before + 2);
    expect(refreshes.every((s) => s === 200)).toBe(true);
    // No refresh token, the spent one included, is ever presented twice.
    expect(new Set(presented).size).toBe(presented.length);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  });

  test("two tabs share one refresh chain without revoking each other", async ({ context, page }) => {
    await signIn(page, credentials.teacher, stack.url);
    const other = await context.newPage();
    await other.goto(`${stack.url}/chat`);
    await expect(other.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
    // Several refresh periods with both tabs alive: one refresh per period in
    // either tab (the other adopts it); a concurrent reuse would revoke the session.
    const refreshes: number[] = [];
    const spent: string[] = [];
    for (const p of [page, other]) {
      p.on("request", (r) => r.url().endsWith("/api/v1/auth/refresh") && spent.push(r.postDataJSON()?.refresh_token));
      p.on("response", (r) => r.url().endsWith("/api/v1/auth/refresh") && refreshes.push(r.status()));
    }
    await expect.poll(() => refreshes.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(refreshes.every((s) => s === 200)).toBe(true);
    // No refresh token is ever presented twice, by either tab.
    expect(new Set(spent).size).toBe(spent.length);
    for (const p of [page, other]) {
      await p.reload();
      await expect(p.getByRole("heading", { level: 1, name: "Chat" })).toBeVisible();
      await expect(p.getByRole("button", { name: "Sign out" })).toBeVisible();
    }
  });
});

// The real ToolBoxAI backend issues no refresh token: at expiry the user signs in again and returns.
test.describe("a backend without refresh tokens", () => {
  localOnly();
  let stack: LocalStack;
  test.beforeAll(async () => {
    stack = await LocalStack.start({
      name: "no-refresh",
      accessTokenTtlSecs: 4,
      withoutPusher: true,
      backendEnv: { ISSUE_REFRESH_TOKENS: "false" },
    });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("an expired session sends the user to sign in and back to the same page", async ({ page }) => {
    const refreshCalls: string[] = [];
    page.on("request", (r) => r.url().endsWith("/api/v1/auth/refresh") && refreshCalls.push(r.url()));
    await page.goto(`${stack.url}/chat?c=42`);
    await fillSignIn(page, credentials.teacher);
    await expect(page).toHaveURL(/\/chat\?c=42$/);
    expect((await storedSession(page))?.refresh_token ?? null).toBeNull();
    await expect(page).toHaveURL(
      (url) => url.pathname === "/login" && url.searchParams.get("redirect") === "/chat?c=42" && url.searchParams.get("reason") === "expired",
      { timeout: 10_000 },
    );
    await expect(page.getByRole("status").filter({ hasText: "Your session expired" })).toBeVisible();
    await fillSignIn(page, credentials.teacher);
    await expect(page).toHaveURL(/\/chat\?c=42$/);
    expect(refreshCalls).toEqual([]);
  });
});
