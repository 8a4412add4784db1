// The app's wasm split by page (issue 12): trunk builds the `dashboard` binary
// and binds it whole; this step cuts the pages marked with `wasm_split`
// (src/pages.rs) into their own chunks and binds the rest again:
//
//   wasm-split-cli   the linked wasm (kept relocations: .cargo/config.toml)
//                    → main wasm + one chunk per page + shared chunks + a loader
//   wasm-bindgen     the main wasm, keeping the exports the chunks link against
//   wasm-opt         every piece (release: -Oz and more, tools/wasm-opt.mjs)
//   esbuild          the glue, minified (release)
//   short-imports    the main wasm's imports renamed a, b, … (release)
//
// Every piece is named after its final content, so that a name always means one
// content under vercel.json's immutable-cache rule: the chunks by their bytes;
// the main wasm and its glue (which import the loader, which imports the glue)
// together, by the main wasm, the glue and the loader as written before their
// names are filled in; the loader then by its own text. (trunk's names hash the
// linked wasm only: a change to this pipeline alone, an optimiser flag or the
// import renaming, would have kept them and let a browser pair a cached glue
// with a new wasm.) Returns, per page path, the chunks that page needs (the
// loader fetches them beside the main wasm), and trunk's names of the main wasm
// and glue with their new ones, for the documents that name them.
// (Split points are named after their page: `observability_page` → observabilitypage-<hash>.wasm.)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { glueFor } from "./minify.mjs";
import { shortenImports } from "./short-imports.mjs";
import { WASM_OPT_FLAGS } from "./wasm-opt.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

// The page paths each split point serves (the first argument of `wasm_split`).
const PAGES = { home_page: ["/", "/dashboard"], observability_page: ["/observability"], chat_page: ["/chat"] };

export function splitApp({ dir, hash, release }) {
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const files = readdirSync(dir);
  const glueName = files.find((f) => /^dashboard-[0-9a-f]+\.js$/.test(f));
  const wasmName = files.find((f) => /^dashboard-[0-9a-f]+_bg\.wasm$/.test(f));
  if (!glueName || !wasmName) throw new Error("split-app: trunk's dashboard-<hash>.js and _bg.wasm are missing");
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
  const linked = join(targetDir, "wasm32-unknown-unknown", release ? "release" : "debug", "dashboard.wasm");

  const work = mkdtempSync(join(tmpdir(), "split-app-"));
  try {
    run("wasm-split-cli", [linked, work, "--out-name", "dashboard", "--target", "web"]);
    const bound = join(work, "bound");
    run("wasm-bindgen", ["--target", "web", "--no-typescript", "--keep-lld-exports", "--no-demangle", "--out-dir", bound, "--out-name", "dashboard", join(work, "dashboard.wasm")]);
    const optimised = (path) => {
      if (!release) return readFileSync(path);
      const out = `${path}.opt`;
      run("wasm-opt", [...WASM_OPT_FLAGS, `--output=${out}`, path]);
      return readFileSync(out);
    };

    // The chunks, renamed by content: split_<point>.wasm → <point without _>-<hash>.wasm,
    // chunk_<n>.wasm (code two pages share) → shared<n>-<hash>.wasm.
    let loader = readFileSync(join(work, "__wasm_split.js"), "utf8");
    const renamed = {};
    for (const file of readdirSync(work).filter((f) => f.endsWith(".wasm") && f !== "dashboard.wasm")) {
      const body = optimised(join(work, file));
      const stem = file.match(/^split_(\w+)\.wasm$/)?.[1]?.replaceAll("_", "") ?? file.replace(/^chunk_(\d+)\.wasm$/, "shared$1");
      const name = `${stem}-${hash(body)}.wasm`;
      writeFileSync(join(dir, name), body);
      renamed[file] = name;
      loader = loader.replaceAll(`"./${file}"`, `"./${name}"`);
    }
    loader = loader.replaceAll(`from "./dashboard.js"`, `from "./${GLUE_TO_NAME}"`);
    // Read before the rewrite: pageChunks reads wasm-split-cli's own fetches.
    const chunksByPage = pageChunks(loader, renamed);
    loader = compiledEarly(loader);

    // Only the import specifiers: the import object keeps the wasm's own module name.
    const bindings = readFileSync(join(bound, "dashboard.js"), "utf8").replaceAll(`from "./__wasm_split.js"`, `from "./${LOADER_TO_NAME}"`);
    let main = { wasm: optimised(join(bound, "dashboard_bg.wasm")), glue: glueFor(bindings, release) };
    if (release) main = shortenImports(main.wasm, main.glue, "./dashboard_bg.js");

    const names = contentNames(main, loader, hash);
    loader = fillIn(loader, GLUE_TO_NAME, names.glue);
    const loaderName = `wasmsplit-${hash(loader)}.js`;
    writeFileSync(join(dir, loaderName), loader);
    writeFileSync(join(dir, names.glue), fillIn(main.glue, LOADER_TO_NAME, loaderName));
    writeFileSync(join(dir, names.wasm), main.wasm);
    rmSync(join(dir, glueName));
    rmSync(join(dir, wasmName));

    return { loaderName, pageChunks: chunksByPage, mainNames: { [glueName]: names.glue, [wasmName]: names.wasm } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// What the glue and the loader name each other by until their names are known.
const GLUE_TO_NAME = "dashboard-0000000000000000.js";
const LOADER_TO_NAME = "wasmsplit-0000000000000000.js";

/**
 * The main wasm's and glue's names: one hash of the wasm, the glue and the
 * loader as they are before the names are filled in (placeholders), so that
 * any change to any of the three, or to the chunks the loader names, renames
 * them, and the loader's name (a hash of its text with the glue's name in it)
 * follows.
 */
export function contentNames(main, loader, hash) {
  const stem = hash(Buffer.concat([Buffer.from(main.wasm), Buffer.from(main.glue), Buffer.from(loader)]));
  return { glue: `dashboard-${stem}.js`, wasm: `dashboard-${stem}_bg.wasm` };
}

/** `text` with the placeholder `name` replaced by `value`; throws when it is not there. */
export function fillIn(text, name, value) {
  if (!text.includes(name)) throw new Error(`split-app: ${name} is not in the text it should name`);
  return text.replaceAll(name, value);
}

/**
 * The loader as wasm-split-cli writes it fetches and compiles a chunk only once
 * the shared chunks it needs are instantiated, and only once the app runs. This
 * one takes the module the early script compiled while the main wasm downloaded
 * (tools/boot/page-chunks.js: `window.__earlyChunks`, by path, each taken once),
 * or else starts fetching and compiling at once, beside the shared chunks, and
 * instantiates it when they are in.
 */
function compiledEarly(loader) {
  const fetched = /const src = fetch\(new URL\("(\.\/[^"]+)", import\.meta\.url\)\);\s*src\.catch\(\(\) => \{\}\);\s*return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);/g;
  let count = 0;
  const rewritten = loader.replace(fetched, (_, file) => {
    count++;
    return `const module = compiledChunk(new URL("${file}", import.meta.url));
    return async (imports) => ({ instance: await WebAssembly.instantiate(await module, imports) });`;
  });
  if (count === 0 || rewritten.includes("instantiateStreaming")) {
    throw new Error("split-app: not every chunk fetch of the loader was recognised (wasm-split-cli changed its output?)");
  }
  return (
    rewritten +
    `
/** The chunk's module: the one the early script compiled (taken once: a retry fetches anew), or compiled now. */
function compiledChunk(url) {
    const early = window.__earlyChunks?.[url.pathname];
    if (early) {
        delete window.__earlyChunks[url.pathname];
        return early;
    }
    const module = WebAssembly.compileStreaming(fetch(url));
    module.catch(() => {});
    return module;
}
`
  );
}

/** For each page path, its chunk and the shared chunks it waits for, read from the loader. */
function pageChunks(loader, renamed) {
  const chunkVars = {};
  for (const m of loader.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) chunkVars[m[1]] = m[2];
  const pages = {};
  const splitPoint = /export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?, \[([^\]]*)\]\)\);/g;
  for (const m of loader.matchAll(splitPoint)) {
    const paths = PAGES[m[1]];
    if (!paths) throw new Error(`split-app: split point ${m[1]} is not a page this script knows (PAGES)`);
    const deps = m[3].split(",").map((v) => v.trim()).filter(Boolean).map((v) => chunkVars[v]);
    if (deps.some((d) => !d)) throw new Error(`split-app: a shared chunk of ${m[1]} was not found in the loader`);
    for (const path of paths) pages[path] = [m[2], ...deps].map((f) => `/${f}`);
  }
  const missing = Object.entries(PAGES).filter(([, paths]) => paths.some((path) => !pages[path]));
  if (missing.length) throw new Error(`split-app: no chunk for ${missing.map(([p]) => p).join(", ")}`);
  if (Object.keys(renamed).length === 0) throw new Error("split-app: wasm-split-cli wrote no chunks");
  return pages;
}
