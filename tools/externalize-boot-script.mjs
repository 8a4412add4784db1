// trunk post_build hook: move trunk's inline <script type="module"> loader into
// a hashed file so the deployed CSP can be `script-src 'self'` (no inline
// scripts, no hashes that change with every build).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("externalize-boot-script: TRUNK_STAGING_DIR is not set (run me as a trunk hook)");
  process.exit(1);
}
const indexPath = join(dir, "index.html");
const html = readFileSync(indexPath, "utf8");
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const match = html.match(inline);
if (!match) {
  console.error("externalize-boot-script: no inline module script found in index.html");
  process.exit(1);
}
const body = match[1].trim() + "\n";
const name = `boot-${createHash("sha256").update(body).digest("hex").slice(0, 16)}.js`;
const sri = "sha384-" + createHash("sha384").update(body).digest("base64");
writeFileSync(join(dir, name), body);
const tag = `<script type="module" src="/${name}" integrity="${sri}" crossorigin="anonymous"></script>`;
writeFileSync(indexPath, html.replace(inline, tag));
console.log(`externalize-boot-script: wrote ${name}`);
