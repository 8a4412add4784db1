// The route list Vercel derives from vercel.json, written for the reference
// server to execute: `getTransformedRoutes` of @vercel/routing-utils (the same
// call the Build Output uses), after Vercel's schema check, as
// {"cleanUrls": bool, "routes": [...]}. The server has no routing logic of its
// own to drift from Vercel's.
//
//   node tools/vercel-routes.mjs [vercel.json] [--out FILE]
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadVercelJson, schemaErrors, transformedRoutes } from "./vercel-rules.mjs";

const { values, positionals } = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true });
const file = resolve(positionals[0] ?? "vercel.json");
try {
  const config = loadVercelJson(file);
  const problems = schemaErrors(config);
  if (problems.length) throw new Error(problems.join("; "));
  const text = JSON.stringify({ cleanUrls: config.cleanUrls === true, routes: transformedRoutes(config) }, null, 2) + "\n";
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
} catch (e) {
  console.error(`vercel-routes: ${file}: ${e.message}`);
  process.exit(1);
}
