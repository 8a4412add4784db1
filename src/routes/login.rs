//! `/login` and `/sign-in` inside the app. The sign-in page itself is a static
//! page with its own small wasm (`crate::signin`), served at `/login` by the
//! deployment's clean URLs; the app only ever arrives here by a client-side
//! navigation (sign-out, a guard sending a visitor to sign in), and hands over
//! with a full page load, keeping the query (the return target).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn LoginPage() -> impl IntoView {
    if let Some(window) = web_sys::window() {
        let location = window.location();
        let search = location.search().unwrap_or_default();
        // Served this document for /login itself, the server has no clean URLs
        // (e.g. `trunk serve`): ask for the file by its name instead.
        let page = if document_path(&window).is_some_and(|p| p == "/login" || p == "/sign-in") {
            "/login.html"
        } else {
            "/login"
        };
        let _ = location.replace(&format!("{page}{search}"));
    }
    view! {
        <p class="page-state" role="status">
            <span class="spinner" aria-hidden="true"></span>
            "Opening the sign-in page…"
        </p>
    }
}

/// The path this document was loaded for (its navigation entry).
fn document_path(window: &web_sys::Window) -> Option<String> {
    let entry = window
        .performance()?
        .get_entries_by_type("navigation")
        .get(0)
        .dyn_into::<web_sys::PerformanceEntry>()
        .ok()?;
    web_sys::Url::new(&entry.name())
        .ok()
        .map(|url| url.pathname())
}
