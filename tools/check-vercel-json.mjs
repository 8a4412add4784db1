// Validates vercel.json with Vercel's own @vercel/routing-utils (schemas and
// the route conversion the platform performs), then checks that the reference
// server's reading of the file (`reference-backend --print-routes`) produces
// exactly the same low-level routes, so local tests exercise what Vercel runs.
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { deepStrictEqual } from "node:assert";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { getTransformedRoutes } = require("@vercel/routing-utils");
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const config = JSON.parse(readFileSync(join(root, "vercel.json"), "utf8"));

const { routes, error } = getTransformedRoutes(config);
if (error) {
  console.error(`vercel.json is rejected by @vercel/routing-utils: ${error.message ?? JSON.stringify(error)}`);
  process.exit(1);
}
const ours = JSON.parse(
  execFileSync(join(root, "target", "debug", "reference-backend"), ["--print-routes", "--vercel-json", join(root, "vercel.json")], {
    encoding: "utf8",
  }),
);
try {
  deepStrictEqual(ours, routes);
} catch (e) {
  console.error("The reference server reads vercel.json differently from Vercel:\n" + e.message);
  process.exit(1);
}
console.log(`vercel.json OK: ${routes.length} routes, identical in the reference server`);
