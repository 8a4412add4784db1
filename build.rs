//! The app's wasm keeps its relocations (`--emit-relocs`), which
//! `wasm-split-cli` needs to cut the lazy pages into their own chunks
//! (tools/split-app.mjs). Only the `dashboard` binary: the sign-in page's wasm
//! is not split, and wasm-opt cannot optimise a wasm that still has them.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=dashboard=--emit-relocs");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
