// The standalone sign-in page (/login): tools/signin/login.html filled in with
// hashed, SRI-checked assets, and its own small wasm (the `signin` binary of the
// dashboard crate: no Leptos), built the way trunk builds the app's (cargo,
// wasm-bindgen at the Cargo.lock version, wasm-opt from npm binaryen with the
// flags of wasm-opt.mjs).
// Called by tools/post-build.mjs with the staging directory and index.html.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { classicScriptFor, glueFor } from "./minify.mjs";
import { shortenImports } from "./short-imports.mjs";
import { WASM_OPT_FLAGS } from "./wasm-opt.mjs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const toolsDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(toolsDir);

export function buildSignin({ dir, indexHtml, hash, sri, release, appAssets = [] }) {
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const profile = release ? ["--release"] : [];
  // A 128 KB stack instead of Rust's default 1 MB (release; 256 KB for the larger
  // frames of a debug build): the glue's calls are shallow (small JSON documents,
  // SHA-256, base64), and the stack is most of the page's wasm memory.
  const stack = release ? 131072 : 262144;
  run("cargo", ["rustc", "--target", "wasm32-unknown-unknown", "--bin", "signin", ...profile, "--", "-C", `link-arg=-zstack-size=${stack}`]);
  const built = join(root, "target/wasm32-unknown-unknown", release ? "release" : "debug", "signin.wasm");
  const out = mkdtempSync(join(tmpdir(), "signin-"));
  try {
    run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, "--out-name", "signin", built]);
    let wasmPath = join(out, "signin_bg.wasm");
    if (release) {
      run("wasm-opt", [...WASM_OPT_FLAGS, `--output=${join(out, "signin_opt.wasm")}`, wasmPath]);
      wasmPath = join(out, "signin_opt.wasm");
    }
    let wasm = readFileSync(wasmPath);
    let glue = glueFor(readFileSync(join(out, "signin.js"), "utf8"), release);
    if (release) ({ wasm, glue } = shortenImports(wasm, glue, "./signin_bg.js"));
    const wasmName = `signin-${hash(wasm)}_bg.wasm`;
    const glueName = `signin-${hash(glue)}.js`;
    writeFileSync(join(dir, wasmName), wasm);
    writeFileSync(join(dir, glueName), glue);

    // The same start event as trunk's loader, so that tools (the performance
    // report's memory reading) find the wasm the same way on every page.
    const boot =
      `import init from "/${glueName}";\n` +
      `const wasm = await init({ module_or_path: "/${wasmName}" });\n` +
      `dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));\n`;
    const bootName = `signinboot-${hash(boot)}.js`;
    writeFileSync(join(dir, bootName), boot);
    const early = classicScriptFor(readFileSync(join(toolsDir, "signin/early.js"), "utf8"), release);
    const earlyName = `signinearly-${hash(early)}.js`;
    writeFileSync(join(dir, earlyName), early);

    // The app's stylesheet link as trunk wrote it (hashed, with SRI), and the
    // app's script and wasm for the prefetch while the user types.
    const stylesheet = indexHtml.match(/<link rel="stylesheet"[^>]*>/)?.[0];
    const appGlue = indexHtml.match(/\/dashboard-[0-9a-f]+\.js/)?.[0];
    const appWasm = indexHtml.match(/\/dashboard-[0-9a-f]+_bg\.wasm/)?.[0];
    if (!stylesheet || !appGlue || !appWasm) throw new Error("build-signin: index.html lacks the stylesheet or the app's assets");
    const html = readFileSync(join(toolsDir, "signin/login.html"), "utf8")
      .replace("<!--stylesheet-->", stylesheet)
      .replace("<!--early-->", `<script src="/${earlyName}" integrity="${sri(early)}" crossorigin="anonymous" defer></script>`)
      .replace("<!--app-assets-->", `<meta name="app-assets" content="${[appGlue, appWasm, ...appAssets].join(" ")}" />`)
      .replace(
        "<!--signin-->",
        `<link rel="modulepreload" href="/${glueName}" integrity="${sri(glue)}" crossorigin="anonymous" />\n` +
          `    <link rel="preload" href="/${wasmName}" as="fetch" type="application/wasm" crossorigin="anonymous" />\n` +
          `    <script type="module" src="/${bootName}" integrity="${sri(boot)}" crossorigin="anonymous"></script>`,
      );
    writeFileSync(join(dir, "login.html"), html);
    return { wasmName, wasmBytes: wasm.length };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
