// The test suite's check of vercel.json: Vercel's own schemas and route
// conversion (@vercel/routing-utils) and our deployment policy on the result
// (tools/vercel-rules.mjs). The reference server executes that same route list
// (tools/vercel-routes.mjs writes it), so the local tests exercise what Vercel runs.
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

console.log(`vercel.json OK: valid for @vercel/routing-utils, meets the deployment policy, ${routes.length} routes`);
