// What we require of vercel.json, checked with Vercel's own @vercel/routing-utils:
// its JSON schemas, its route conversion (what the platform runs), and our
// deployment policy on the result (rewrites, CSP, security and cache headers).
// Used by check-vercel-json.mjs (the test suite) and vercel-output.mjs (deploy).
import { createRequire } from "node:module";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const routing = require("@vercel/routing-utils");
const Ajv = require("ajv");

/** Top-level vercel.json properties this project may use. */
const KNOWN_KEYS = new Set(["$schema", "outputDirectory", "git", "cleanUrls", "trailingSlash", "headers", "rewrites", "redirects"]);
const SCHEMAS = {
  cleanUrls: routing.cleanUrlsSchema,
  trailingSlash: routing.trailingSlashSchema,
  headers: routing.headersSchema,
  rewrites: routing.rewritesSchema,
  redirects: routing.redirectsSchema,
};
/** Hashed build outputs (trunk and the post-build hook): cacheable forever. */
export const HASHED_ASSET = /^[a-z0-9]+-[0-9a-f]{1,16}(?:_bg)?\.(?:js|wasm|css)$/;
const YEAR = 31536000;
const RISKY_SOURCES = ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "data:", "blob:", "http:", "https:"];

export function loadVercelJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Schema errors (Vercel's schemas), as sentences. */
export function schemaErrors(config) {
  const errors = [];
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) errors.push(`unexpected top-level property "${key}"`);
  }
  const ajv = new Ajv({ allErrors: true });
  for (const [key, schema] of Object.entries(SCHEMAS)) {
    if (config[key] === undefined) continue;
    const validate = ajv.compile(schema);
    if (!validate(config[key])) {
      for (const e of validate.errors) errors.push(`${key}${e.dataPath ?? e.instancePath ?? ""}: ${e.message}`);
    }
  }
  return errors;
}

/** The low-level routes Vercel derives from vercel.json (throws if it rejects the file). */
export function transformedRoutes(config) {
  const { routes, error } = routing.getTransformedRoutes(config);
  if (error) throw new Error(`@vercel/routing-utils rejects vercel.json: ${error.message ?? JSON.stringify(error)}`);
  return routes;
}

/** The response headers Vercel sets for `path` (header routes before the filesystem). */
export function effectiveHeaders(routes, path) {
  const headers = {};
  for (const route of routes) {
    if (route.handle) break;
    if (route.status || !route.headers || !new RegExp(route.src).test(path)) continue;
    for (const [k, v] of Object.entries(route.headers)) {
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === k.toLowerCase()) delete headers[existing];
      headers[k] = v;
    }
  }
  return headers;
}

function header(headers, name) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

export function parseCsp(value) {
  const directives = new Map();
  for (const part of value.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function origin(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The origins an app-config.json makes the browser connect to. */
export function configOrigins(appConfig) {
  const origins = [];
  for (const key of ["api_base_url", "chat_api_base_url"]) {
    const url = appConfig[key];
    if (typeof url === "string" && url !== "") origins.push(origin(url) ?? url);
  }
  const p = appConfig.pusher;
  if (p && typeof p === "object") {
    const tls = p.force_tls !== false;
    const host = p.ws_host ?? `ws-${p.cluster ?? "mt1"}.pusher.com`;
    const port = tls ? p.wss_port : p.ws_port;
    origins.push(`${tls ? "wss" : "ws"}://${host}${port && port !== (tls ? 443 : 80) ? `:${port}` : ""}`);
  }
  return origins;
}

/**
 * Our deployment policy. `dist` (optional) adds checks on the real file names;
 * `appConfig` (optional) checks that the CSP lets the app reach what it is configured for.
 */
export function policyErrors(config, routes, { dist, appConfig } = {}) {
  const errors = [];
  const expect = (ok, message) => ok || errors.push(message);

  expect(config.cleanUrls === true, "cleanUrls must be true");
  // Deployments are prebuilt uploads (scripts/deploy.sh); a Git-triggered build would fail (no Rust).
  expect(config.git?.deploymentEnabled === false, "git.deploymentEnabled must be false (deploys are prebuilt)");
  const rewrites = config.rewrites ?? [];
  const api = rewrites.find((r) => r.source === "/api/:path*");
  expect(api, 'no rewrite for "/api/:path*"');
  if (api) {
    expect(/^https:\/\/[a-z0-9.-]+(:\d+)?\/api\/:path\*$/.test(api.destination),
      `the /api rewrite must name the backend origin literally (https://host/api/:path*), got ${api.destination}`);
    expect(!api.destination.includes("$"), "Vercel does not expand environment variables in rewrites");
  }
  const last = rewrites[rewrites.length - 1];
  expect(last && last.source === "/(.*)" && last.destination === "/index.html", "the SPA fallback /(.*) → /index.html must be the last rewrite");

  const pages = ["/", "/login", "/observability", "/chat/42", "/app-config.json", "/index.html"];
  for (const path of pages) {
    const h = effectiveHeaders(routes, path);
    const csp = header(h, "Content-Security-Policy");
    expect(csp, `${path}: no Content-Security-Policy`);
    if (csp) {
      const d = parseCsp(csp);
      const sources = (name) => d.get(name) ?? [];
      expect(sources("default-src").join(" ") === "'self'", `${path}: CSP default-src must be 'self'`);
      expect(sources("script-src").join(" ") === "'self' 'wasm-unsafe-eval'", `${path}: CSP script-src must be exactly 'self' 'wasm-unsafe-eval'`);
      const risky = (s) => RISKY_SOURCES.includes(s) || s.includes("*");
      for (const name of ["script-src", "style-src", "default-src"]) {
        expect(!sources(name).some(risky), `${path}: CSP ${name} must not allow inline code, eval, schemes or wildcards`);
      }
      expect(sources("frame-ancestors").join(" ") === "'none'", `${path}: CSP frame-ancestors must be 'none'`);
      expect(sources("object-src").join(" ") === "'none'", `${path}: CSP object-src must be 'none'`);
      expect(d.has("base-uri"), `${path}: CSP must set base-uri`);
      for (const s of sources("connect-src")) {
        expect(s === "'self'" || /^(https|wss):\/\/[a-z0-9.-]+(:\d+)?$/.test(s),
          `${path}: CSP connect-src may list only 'self' and https/wss hosts, not ${s}`);
        expect(!/localhost|127\.0\.0\.1/.test(s), `${path}: CSP connect-src must not list local hosts (${s})`);
      }
      for (const o of configOrigins(appConfig ?? {})) {
        expect(sources("connect-src").includes(o), `${path}: CSP connect-src does not allow ${o}, which app-config.json uses`);
      }
    }
    const hsts = header(h, "Strict-Transport-Security") ?? "";
    expect(Number(hsts.match(/max-age=(\d+)/)?.[1] ?? 0) >= YEAR, `${path}: HSTS max-age must be at least a year`);
    expect(header(h, "X-Content-Type-Options") === "nosniff", `${path}: X-Content-Type-Options must be nosniff`);
    expect(header(h, "X-Frame-Options") === "DENY", `${path}: X-Frame-Options must be DENY`);
    expect(header(h, "Referrer-Policy"), `${path}: no Referrer-Policy`);
    expect(header(h, "Permissions-Policy"), `${path}: no Permissions-Policy`);
    expect(/no-cache|no-store|max-age=0/.test(header(h, "Cache-Control") ?? ""), `${path}: must not be cached without revalidation`);
  }

  // API answers carry tokens and chat history: never stored by any cache.
  for (const path of ["/api/v1/auth/login", "/api/v1/users/me/profile", "/api/42/conversations"]) {
    const cache = header(effectiveHeaders(routes, path), "Cache-Control") ?? "";
    expect(/\bno-store\b/.test(cache), `${path}: API answers must be Cache-Control: no-store, got "${cache}"`);
  }

  // Precompressed copies (.br/.gz) serve the local server only; they are not deployed.
  const assets = dist && existsSync(dist)
    ? readdirSync(dist).filter((f) => !/\.(br|gz)$/.test(f))
    : ["dashboard-0123456789abcdef_bg.wasm", "main-0123456789abcdef.css"];
  for (const file of assets) {
    const cache = header(effectiveHeaders(routes, `/${file}`), "Cache-Control") ?? "";
    if (HASHED_ASSET.test(file)) {
      expect(cache.includes("immutable") && cache.includes(`max-age=${YEAR}`), `/${file}: a hashed asset must be cached immutable for a year`);
    } else {
      expect(!cache.includes("immutable"), `/${file}: not hashed, so it must not be cached immutable`);
    }
  }
  // Every page: the app's index.html and the standalone sign-in page.
  for (const page of ["index.html", "login.html"]) {
    if (!dist || !existsSync(join(dist, page))) continue;
    const html = readFileSync(join(dist, page), "utf8");
    expect(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), `dist/${page} has an inline script, which the CSP blocks`);
    expect(!/<style[\s>]|\sstyle="/i.test(html), `dist/${page} has inline styles, which the CSP blocks`);
    expect(!/https?:\/\/(?!www\.w3\.org)/i.test(html.replace(/<!--[\s\S]*?-->/g, "")), `dist/${page} loads something from another origin`);
    for (const tag of html.match(/<script[^>]*>/gi) ?? []) {
      expect(/\bintegrity="sha384-/.test(tag), `dist/${page}: every script carries SRI (${tag})`);
    }
  }
  return errors;
}
