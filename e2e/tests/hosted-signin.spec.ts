// Hosted sign-in (OpenID Connect, code flow with PKCE) against a real
// provider: panva's certified oidc-provider from npm (tools/oidc), with its
// own sign-in page, JWT access tokens for the API, rotating refresh tokens
// and RP-initiated logout. No part of the provider is mocked.
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

/** At the provider's own page: its form, its password check. */
async function signInAtProvider(page: Page, account: Account) {
  await expect(page).toHaveURL(new RegExp(`^${stack.issuer}/interaction/`));
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
