// The one wasm-opt invocation of release builds (the app's pieces and the
// sign-in page's wasm): -Oz, then the functions ordered by name, so that the
// copies of one generic function made for different types sit side by side and
// compress better, and without the producers and target-features sections,
// which no browser reads. The reordering also reorders the imports: safe only
// because every wasm is named after its final content (split-app.mjs), never
// paired with a glue written for another order. Measured on the split app,
// brotli q11, against -Oz alone: /observability −2.1 KB, /chat −2.3 KB.
export const WASM_OPT_FLAGS = ["-Oz", "--reorder-functions-by-name", "--strip-producers", "--strip-target-features"];
