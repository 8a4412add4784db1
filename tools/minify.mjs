// wasm-bindgen writes its JS glue readable; a release build sends it minified
// (≈ 2 KB less brotli per page: docs/performance.md). Exports and the string
// keys of the wasm's import object are kept, so the split loader and the wasm
// still find what they link against.
import { transformSync } from "esbuild";

export function minifyModule(code) {
  return transformSync(code, { format: "esm", minify: true, legalComments: "none" }).code;
}
