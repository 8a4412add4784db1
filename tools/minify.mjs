// wasm-bindgen writes its JS glue readable; a release build sends it minified
// (≈ 2 KB less brotli per page: docs/performance.md). Exports and the string
// keys of the wasm's import object are kept, so the split loader and the wasm
// still find what they link against.
import { transformSync } from "esbuild";

/** The glue as a build sends it: minified in release, as written in debug. */
export function glueFor(code, release) {
  return release ? transformSync(code, { format: "esm", minify: true, legalComments: "none" }).code : code;
}
