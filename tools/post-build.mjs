// trunk post_build hook (one script: hooks of one stage may run concurrently,
// and both steps edit index.html).
//
// 0. The app's wasm is split by page (tools/split-app.mjs): the chat and the
//    observability page are chunks fetched when their route opens.
// 1. trunk inlines its wasm loader as <script type="module">; our CSP forbids
//    inline scripts, so it moves to a hashed boot-<hash>.js with SRI. A tiny
//    deferred early-<hash>.js before it asks for what the app needs first while
//    the glue and the wasm download: the runtime config, the current page's
//    wasm chunks and, on /observability, the first report
//    (tools/boot/early-data.js).
// 2. The charts (tools/charts: a small adapter on uPlot, bundled from the npm
//    package, never a CDN) become a hashed charts-<hash>.js and charts-<hash>.css,
//    loaded on demand by the observability page, which finds their URLs in
//    <meta name="charts-bundle"> and <meta name="charts-style">.
// 3. The standalone sign-in page, /login: tools/build-signin.mjs.
// 4. Every asset is compressed once, here: <file>.br (brotli quality 11) and
//    <file>.gz (gzip level 9) beside it, which the local server sends as they
//    are, the way Vercel serves compressed static files from its cache. The
//    Build Output leaves them out (Vercel compresses by itself).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildSignin } from "./build-signin.mjs";
import { classicScriptFor } from "./minify.mjs";
import { splitApp } from "./split-app.mjs";

const toolsDir = dirname(fileURLToPath(import.meta.url));
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("post-build: TRUNK_STAGING_DIR is not set (run me as a trunk hook)");
  process.exit(1);
}
const hash = (text, n = 16) => createHash("sha256").update(text).digest("hex").slice(0, n);
const sri = (text) => "sha384-" + createHash("sha384").update(text).digest("base64");

const indexPath = join(dir, "index.html");
let html = readFileSync(indexPath, "utf8");

const release = process.env.TRUNK_PROFILE === "release";

// 0. The split.
const split = splitApp({ dir, hash, release });
// trunk's preload links and loader name the main wasm and glue by trunk's names.
for (const [trunkName, name] of Object.entries(split.mainNames)) {
  if (!html.includes(`/${trunkName}`)) {
    console.error(`post-build: index.html does not name ${trunkName}`);
    process.exit(1);
  }
  html = html.replaceAll(`/${trunkName}`, `/${name}`);
}

// 1. The loader.
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const match = html.match(inline);
if (!match) {
  console.error("post-build: no inline module script found in index.html");
  process.exit(1);
}
const boot = match[1].trim() + "\n";
const bootName = `boot-${hash(boot)}.js`;
writeFileSync(join(dir, bootName), boot);
// What the app needs first is asked for by a tiny deferred script of its own:
// the boot module's body runs only once its imports (the glue) are in, this one
// as soon as the document is parsed, so the answers (the report's body
// included) are read while the main thread is still free. Deferred, not async:
// deferred scripts and module scripts run in document order, so it always runs
// before the app (an async one may run after it, when the app has asked for
// everything itself).
const earlyScript = classicScriptFor(earlyData() + pageChunks(split.pageChunks), release);
const earlyName = `early-${hash(earlyScript)}.js`;
writeFileSync(join(dir, earlyName), earlyScript);
html = html.replace(
  inline,
  `<script defer src="/${earlyName}" integrity="${sri(earlyScript)}" crossorigin="anonymous"></script>\n` +
    `<script type="module" src="/${bootName}" integrity="${sri(boot)}" crossorigin="anonymous"></script>`,
);
html = html.replace("</head>", `  <link rel="modulepreload" href="/${split.loaderName}" crossorigin="anonymous">\n  </head>`);

/** tools/boot/page-chunks.js: fetches the current page's wasm chunks beside the main wasm (the split loader's own fetch is then answered by that preload). */
function pageChunks(chunks) {
  return readFileSync(join(toolsDir, "boot/page-chunks.js"), "utf8").replace("__PAGE_CHUNKS__", JSON.stringify(chunks));
}

/** tools/boot/early-data.js with the names it shares with the app, read from the Rust sources. */
function earlyData() {
  const read = (file, pattern, what) => {
    const found = readFileSync(join(toolsDir, "..", file), "utf8").match(pattern)?.[1];
    if (!found) {
      console.error(`post-build: ${what} not found in ${file}`);
      process.exit(1);
    }
    return found;
  };
  const sessionKey = read("crates/dashboard-core/src/session/mod.rs", /pub const STORAGE_KEY: &str = "([^"]+)";/, "STORAGE_KEY");
  const reportPath = read("src/routes/observability/mod.rs", /pub\(crate\) const REPORT_PATH: &str = "([^"]+)";/, "REPORT_PATH");
  const apiBaseKey = read("src/boot.rs", /pub\(crate\) const API_BASE_KEY: &str = "([^"]+)";/, "API_BASE_KEY");
  const configPath = read("src/boot.rs", /pub\(crate\) const CONFIG_PATH: &str = "([^"]+)";/, "CONFIG_PATH");
  return readFileSync(join(toolsDir, "boot/early-data.js"), "utf8")
    .replaceAll("__SESSION_KEY__", sessionKey)
    .replaceAll("__API_BASE_KEY__", apiBaseKey)
    .replaceAll("__REPORT_PATH__", reportPath)
    .replaceAll("__CONFIG_PATH__", configPath);
}

// 2. The charts.
const charts = await chartsBundle();
html = html.replace(
  "</head>",
  `  <meta name="charts-bundle" content="/${charts.script}" />\n  <meta name="charts-style" content="/${charts.style}" />\n  </head>`,
);

/** tools/charts: the adapter with uPlot (hashed JS) and uPlot's stylesheet with ours after it (hashed CSS). */
async function chartsBundle() {
  const version = JSON.parse(readFileSync(join(toolsDir, "node_modules/uplot/package.json"), "utf8")).version;
  const result = await build({
    entryPoints: [join(toolsDir, "charts/entry.js")],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    write: false,
    legalComments: "none",
    banner: { js: `/*! uPlot ${version} | MIT | https://github.com/leeoniya/uPlot */` },
  });
  const script = result.outputFiles[0].text;
  const style = [
    `/*! uPlot ${version} | MIT */`,
    readFileSync(join(toolsDir, "node_modules/uplot/dist/uPlot.min.css"), "utf8").trim(),
    readFileSync(join(toolsDir, "charts/charts.css"), "utf8"),
  ].join("\n");
  const names = { script: `charts-${hash(script)}.js`, style: `charts-${hash(style)}.css`, bytes: script.length };
  writeFileSync(join(dir, names.script), script);
  writeFileSync(join(dir, names.style), style);
  return names;
}

writeFileSync(indexPath, html);

// 3. The standalone sign-in page and its small wasm (tools/build-signin.mjs).
const allChunks = [...new Set(Object.values(split.pageChunks).flat())];
const signin = buildSignin({ dir, indexHtml: html, hash, sri, release, appAssets: [`/${split.loaderName}`, ...allChunks] });

// 4. Compressed once. app-config.json is per environment (the server may serve another).
const COMPRESSIBLE = /\.(wasm|js|css|html|svg|json|txt|ico)$/;
let compressed = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!COMPRESSIBLE.test(name) || name === "app-config.json" || !statSync(path).isFile()) continue;
  const body = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
  compressed++;
}
console.log(`post-build: ${bootName}, ${charts.script} (${charts.bytes} bytes), login.html with ${signin.wasmName} (${signin.wasmBytes} bytes); ${compressed} files precompressed (.br, .gz)`);
