// Turns the release build into a Vercel Build Output (API v3) directory that
// `vercel deploy --prebuilt` uploads as is: Vercel's build image has no Rust,
// so nothing is built there. The routes are vercel.json converted by Vercel's
// own @vercel/routing-utils (exactly what the platform would derive), after the
// deployment policy checks pass for this dist/ and this app-config.json.
//
//   node tools/vercel-output.mjs [--dist dist] [--out .vercel/output] [--app-config FILE]
//
// Without --app-config the runtime config is made from the environment:
// APP_ENVIRONMENT (production), API_BASE_URL (""), CHAT_API_BASE_URL (""),
// REFRESH_INTERVAL_SECS (5), PUSHER_KEY + PUSHER_CLUSTER (us2; no key = realtime off).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadVercelJson, policyErrors, schemaErrors, transformedRoutes } from "./vercel-rules.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    dist: { type: "string", default: join(root, "dist") },
    out: { type: "string", default: join(root, ".vercel", "output") },
    "app-config": { type: "string" },
  },
});

function fail(lines) {
  console.error(`Cannot prepare the deployment:\n  - ${[lines].flat().join("\n  - ")}`);
  process.exit(1);
}

function appConfigFromEnv(env) {
  const refresh = Number(env.REFRESH_INTERVAL_SECS ?? 5);
  return {
    environment: env.APP_ENVIRONMENT ?? "production",
    api_base_url: env.API_BASE_URL ?? "",
    chat_api_base_url: env.CHAT_API_BASE_URL ?? "",
    refresh_interval_secs: refresh,
    pusher: env.PUSHER_KEY
      ? { key: env.PUSHER_KEY, cluster: env.PUSHER_CLUSTER ?? "us2", auth_endpoint: "/api/v1/pusher/auth" }
      : null,
  };
}

function checkAppConfig(config) {
  const errors = [];
  if (typeof config !== "object" || config === null) return ["app-config.json must be a JSON object"];
  for (const key of ["api_base_url", "chat_api_base_url"]) {
    const v = config[key];
    if (v !== undefined && v !== "" && !/^https:\/\/[^/]+(\/.*)?$/.test(v)) errors.push(`${key} must be "" (same origin) or an https URL, got ${v}`);
  }
  const refresh = config.refresh_interval_secs;
  if (refresh !== undefined && !(Number.isFinite(refresh) && refresh >= 1)) errors.push("refresh_interval_secs must be a number ≥ 1");
  if (config.pusher && typeof config.pusher.key !== "string") errors.push("pusher.key must be a string");
  if (/secret/i.test(JSON.stringify(config))) errors.push("app-config.json is public: it must not carry a secret");
  return errors;
}

const dist = resolve(args.dist);
if (!existsSync(join(dist, "index.html"))) fail(`${dist}/index.html is missing: run "trunk build --release" first`);
const appConfig = args["app-config"] ? JSON.parse(readFileSync(args["app-config"], "utf8")) : appConfigFromEnv(process.env);
const configErrors = checkAppConfig(appConfig);
if (configErrors.length) fail(configErrors);

const vercel = loadVercelJson(join(root, "vercel.json"));
let routes;
try {
  routes = transformedRoutes(vercel);
} catch (e) {
  fail(e.message);
}
const problems = [...schemaErrors(vercel), ...policyErrors(vercel, routes, { dist, appConfig })];
if (problems.length) fail(problems);

const out = resolve(args.out);
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "static"), { recursive: true });
// The .br/.gz beside each asset are for the local server; Vercel compresses by itself.
cpSync(dist, join(out, "static"), { recursive: true, filter: (src) => !/\.(br|gz)$/.test(src) });
writeFileSync(join(out, "static", "app-config.json"), JSON.stringify(appConfig, null, 2) + "\n");
// Clean URLs: Vercel's own build maps each page file to its path without
// `.html` ("overrides"); a prebuilt output has to say so itself.
const overrides = {};
if (vercel.cleanUrls) {
  for (const name of readdirSync(dist)) {
    if (name.endsWith(".html") && name !== "index.html") overrides[name] = { path: name.slice(0, -".html".length) };
  }
}
writeFileSync(join(out, "config.json"), JSON.stringify({ version: 3, routes, overrides }, null, 2) + "\n");
console.log(`Build Output ready in ${out}: ${routes.length} routes, environment "${appConfig.environment}", realtime ${appConfig.pusher ? "on" : "off"}`);
