// What vercel.json declares, for comparing with what a server sends.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./stack";

const vercel = JSON.parse(readFileSync(join(REPO_ROOT, "vercel.json"), "utf8"));

/** The headers vercel.json sets on every path. */
export const globalHeaders: { key: string; value: string }[] = vercel.headers.find(
  (rule: { source: string }) => rule.source === "/(.*)",
).headers;

export const declaredCsp = globalHeaders.find((h) => h.key === "Content-Security-Policy")!.value;

/** The local stack adds its own sockudo to connect-src (CSP_EXTRA_CONNECT_SRC); nothing else may differ. */
export const withoutLocalPusher = (csp: string) => csp.replace(/ ws:\/\/127\.0\.0\.1:\d+/g, "");
