//! ToolBoxAI dashboard: a Leptos client-side app compiled to WebAssembly.
//!
//! Where things live (docs/architecture.md has the whole map):
//! `routes/` one module per screen; `services/` app-wide state and effects
//! provided as context (API client, session, realtime, toasts, charts);
//! `hooks/` one `use_*` per file; `browser/` thin wrappers over web APIs. What
//! decides lives in the `dashboard-core` and `pusher-core` crates.

mod app;
mod boot;
mod browser;
mod context;
mod hooks;
mod layout;
pub mod panic;
pub mod routes;
pub mod services;
pub mod signin;

/// Entry point called by `main` in the browser, with the pages it split off.
pub fn start(pages: routes::Pages) {
    browser::perf::mark_once(browser::perf::WASM_STARTED);
    panic::install_panic_hook();
    leptos::mount::mount_to_body(move || leptos::view! { <app::App pages /> });
}

// The crate's own unit tests run in headless Chromium, like tests/browser.rs.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
