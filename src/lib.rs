//! ToolBoxAI dashboard: a Leptos client-side app compiled to WebAssembly.

pub mod api;
pub mod app;
pub mod boot;
pub mod charts;
pub mod chat;
pub mod clock;
pub mod context;
pub mod focus;
pub mod layout;
pub mod navigation;
pub mod observability;
pub mod pages;
pub mod panic;
pub mod poll;
pub mod realtime;
pub mod session;
pub mod toast;

/// Entry point called by `main` in the browser.
pub fn start() {
    panic::install_panic_hook();
    leptos::mount::mount_to_body(app::App);
}

// The crate's own unit tests run in headless Chromium, like tests/browser.rs.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
