// wasm-bindgen writes its JS glue readable and the loaders' early scripts are
// commented; a release build sends them minified (the glue ≈ 2 KB less brotli
// per page, the app's early script 0.7 KB: docs/performance.md). Exports and the
// string keys of the wasm's import object are kept, so the split loader and the
// wasm still find what they link against.
import { transformSync } from "esbuild";

/** The glue as a build sends it: minified in release, as written in debug. */
export function glueFor(code, release) {
  return release ? transformSync(code, { format: "esm", minify: true, legalComments: "none" }).code : code;
}

/** A classic (non-module) script of the loader as a build sends it: minified in release, as written in debug. */
export function classicScriptFor(code, release) {
  return release ? transformSync(code, { minify: true, legalComments: "none" }).code : code;
}
