// The deployment policy must reject what would break or weaken production.
// Run: node --test tools/
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { configOrigins, loadVercelJson, policyErrors, schemaErrors, transformedRoutes } from "./vercel-rules.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const base = () => structuredClone(loadVercelJson(join(root, "vercel.json")));
const errorsOf = (config, options) => [...schemaErrors(config), ...policyErrors(config, transformedRoutes(config), options)];
const cspOf = (config) => config.headers[0].headers.find((h) => h.key === "Content-Security-Policy");

test("the committed vercel.json passes", () => {
  assert.deepEqual(errorsOf(base()), []);
});

test("a local host in connect-src is refused", () => {
  const c = base();
  cspOf(c).value = cspOf(c).value.replace("connect-src 'self'", "connect-src 'self' ws://127.0.0.1:*");
  assert.match(errorsOf(c).join("\n"), /connect-src may list only/);
});

test("inline scripts and eval are refused", () => {
  for (const risky of ["'unsafe-inline'", "'unsafe-eval'", "*", "https:"]) {
    const c = base();
    cspOf(c).value = cspOf(c).value.replace("script-src 'self' 'wasm-unsafe-eval'", `script-src 'self' 'wasm-unsafe-eval' ${risky}`);
    assert.ok(errorsOf(c).some((e) => e.includes("script-src")), risky);
  }
});

test("frame-ancestors must be 'none'", () => {
  const c = base();
  cspOf(c).value = cspOf(c).value.replace("frame-ancestors 'none'", "frame-ancestors *");
  assert.match(errorsOf(c).join("\n"), /frame-ancestors/);
});

test("an environment variable in the API rewrite is refused (Vercel does not expand it)", () => {
  const c = base();
  c.rewrites.find((r) => r.source === "/api/:path*").destination = "$VITE_API_BASE_URL/api/:path*";
  assert.match(errorsOf(c).join("\n"), /literally/);
});

test("the SPA fallback must come last", () => {
  const c = base();
  c.rewrites.reverse();
  assert.match(errorsOf(c).join("\n"), /SPA fallback/);
});

test("missing security headers are reported", () => {
  for (const name of ["Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "X-Frame-Options"]) {
    const c = base();
    c.headers[0].headers = c.headers[0].headers.filter((h) => h.key !== name);
    assert.ok(errorsOf(c).length > 0, name);
  }
});

test("caching: hashed assets immutable, the runtime config never", () => {
  const c = base();
  c.headers.push({ source: "/app-config.json", headers: [{ key: "Cache-Control", value: "public, max-age=31536000, immutable" }] });
  assert.match(errorsOf(c).join("\n"), /app-config\.json/);
  const d = base();
  d.headers.pop();
  assert.match(errorsOf(d).join("\n"), /hashed asset/);
});

test("Vercel's schemas reject malformed rules and unknown properties", () => {
  const c = base();
  c.rewrites.push({ source: "/x" });
  c.buildCommand2 = "x";
  const errors = schemaErrors(c).join("\n");
  assert.match(errors, /rewrites/);
  assert.match(errors, /buildCommand2/);
});

test("the CSP must allow what app-config.json connects to", () => {
  const appConfig = { api_base_url: "https://api.example.com", pusher: { key: "k", cluster: "eu" } };
  assert.deepEqual(configOrigins(appConfig), ["https://api.example.com", "wss://ws-eu.pusher.com"]);
  const errors = errorsOf(base(), { appConfig }).join("\n");
  assert.match(errors, /api\.example\.com/);
  assert.match(errors, /ws-eu\.pusher\.com/);
  assert.deepEqual(errorsOf(base(), { appConfig: { api_base_url: "", pusher: { key: "k", cluster: "us2" } } }), []);
});

test("API answers must never be stored", () => {
  const c = base();
  c.headers = c.headers.filter((rule) => rule.source !== "/api/:path*");
  assert.match(errorsOf(c).join("\n"), /no-store/);
});
