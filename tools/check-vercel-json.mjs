// The test suite's check of vercel.json: Vercel's own schemas and route
// conversion (@vercel/routing-utils), our deployment policy on the result
// (tools/vercel-rules.mjs), and the reference server's reading of the file
// (`reference-backend --print-routes`), which must be identical, so the local
// tests exercise what Vercel runs.
import { execFileSync } from "node:child_process";
import { deepStrictEqual } from "node:assert";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadVercelJson, policyErrors, schemaErrors, transformedRoutes } from "./vercel-rules.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const file = join(root, "vercel.json");
const fail = (lines) => {
  console.error(`vercel.json is not ready to deploy:\n  - ${lines.join("\n  - ")}`);
  process.exit(1);
};

const config = loadVercelJson(file);
const schema = schemaErrors(config);
if (schema.length) fail(schema);
let routes;
try {
  routes = transformedRoutes(config);
} catch (e) {
  fail([e.message]);
}
const policy = policyErrors(config, routes, {
  dist: join(root, "dist"),
  appConfig: loadVercelJson(join(root, "public", "app-config.json")),
});
if (policy.length) fail(policy);

const ours = JSON.parse(
  execFileSync(join(root, "target", "debug", "reference-backend"), ["--print-routes", "--vercel-json", file], { encoding: "utf8" }),
);
try {
  deepStrictEqual(ours, routes);
} catch (e) {
  fail(["the reference server reads it differently from Vercel:\n" + e.message]);
}
console.log(`vercel.json OK: valid for @vercel/routing-utils, meets the deployment policy, ${routes.length} routes identical in the reference server`);
