//! `/login` and `/sign-in` inside the app. The sign-in page itself is a static
//! page with its own small wasm (`crate::signin`), served at `/login` by the
//! deployment's clean URLs; the app only ever arrives here by a client-side
//! navigation (sign-out, a guard sending a visitor to sign in), and hands over
//! with a full page load, keeping the query (the return target). The load waits
//! for what a sign-out set going (the server's logout call, the realtime socket's
//! close), which leaving the document would otherwise cut short, at most 2 s.

use crate::services::realtime::use_realtime;
use crate::services::session::use_session;
use futures::future::{join, select, FutureExt};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The longest the hand-over waits for a sign-out's loose ends.
const SETTLE_LIMIT_MS: u32 = 2_000;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn LoginPage() -> impl IntoView {
    let session = use_session();
    let realtime = use_realtime();
    // Asked when the task first runs, after the effects the sign-out queued
    // (the realtime disconnect among them) have run.
    wasm_bindgen_futures::spawn_local(async move {
        let socket = match &realtime {
            Some(rt) => rt.closed(),
            None => futures::future::ready(()).boxed_local(),
        };
        let settled = join(session.logout_settled(), socket);
        let limit = gloo_timers::future::TimeoutFuture::new(SETTLE_LIMIT_MS);
        select(settled, limit).await;
        match session.take_end_session_url() {
            // Signed out of a hosted sign-in: end the provider's session too;
            // it sends the browser back to /login.
            Some(url) => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().replace(&url);
                }
            }
            None => hand_over(),
        }
    });
    view! {
        <p class="page-state" role="status">
            <span class="spinner" aria-hidden="true"></span>
            "Opening the sign-in page…"
        </p>
    }
}

/// Loads the sign-in page with the current query.
fn hand_over() {
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
