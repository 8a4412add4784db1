// Signing in the way a user does: by label, then the button.
import { expect, type Page } from "@playwright/test";
import type { Account } from "./credentials";

export async function fillSignIn(page: Page, account: Account): Promise<void> {
  await page.getByLabel("Email or username").fill(account.username);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Signs in from `/login` and waits until the header shows the account. */
export async function signIn(page: Page, account: Account, base = ""): Promise<void> {
  await page.goto(`${base}/login`);
  await fillSignIn(page, account);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** The session as the app stored it. */
export async function storedSession(page: Page): Promise<{ access_token: string; refresh_token?: string } | null> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("toolboxai.session") ?? "null"));
}
