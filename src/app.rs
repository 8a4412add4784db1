//! The root component: load the runtime config, then mount the shell.

use crate::boot::{load_config, BootError};
use crate::browser::perf::{self, mark_once};
use crate::context::provide_local;
use crate::layout::Layout;
use crate::routes::{LazyPage, LoginPage, NotFoundPage, Pages};
use crate::services::alerts::{AlertFeed, Alerts};
use crate::services::api::ApiClient;
use crate::services::realtime::{Realtime, RealtimeLifecycle, RealtimeSubscriptions};
use crate::services::session::{RequireAuth, Session};
use crate::services::toasts::{ToastHost, Toasts, Tone};
use dashboard_core::auth::Area;
use dashboard_core::config::AppConfig;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::rc::Rc;

pub(crate) const PRODUCT_NAME: &str = "ToolBoxAI";

#[allow(unreachable_pub)]
#[component]
pub(crate) fn App(pages: Pages) -> impl IntoView {
    provide_meta_context();
    let config = LocalResource::new(load_config);
    // Started with the config read: the opened page's chunk (src/routes/lazy.rs).
    let opened_page = LocalResource::new(move || pages.load_opened());
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() {
                format!("{PRODUCT_NAME} Dashboard")
            } else {
                format!("{page} · {PRODUCT_NAME} Dashboard")
            }
        } />
        {move || match config.get() {
            None => view! { <BootScreen /> }.into_any(),
            Some(Err(error)) => view! { <ConfigErrorScreen error /> }.into_any(),
            Some(Ok(config)) => {
                mark_once(perf::CONFIG_LOADED);
                match opened_page.get() {
                    None => view! { <BootScreen /> }.into_any(),
                    Some(()) => view! { <Shell config pages /> }.into_any(),
                }
            }
        }}
    }
}

#[component]
fn Shell(config: AppConfig, pages: Pages) -> impl IntoView {
    // Effects run once the view is in the document.
    Effect::new(|_| mark_once(perf::SHELL_MOUNTED));
    crate::panic::crash_drill_if_requested(&config);
    let api = ApiClient::new(&config.api_base_url);
    provide_local(Session::start(api.clone()));
    let toasts = Toasts::new();
    provide_context(toasts);
    provide_context(Alerts::new());
    let realtime = config
        .pusher
        .as_ref()
        .map(|p| Realtime::new(p, api.clone()));
    if let Some(rt) = &realtime {
        rt.on_error(Rc::new(move |sentence: &str| {
            toasts.show(Tone::Warning, "Live updates", sentence)
        }));
    }
    provide_local(realtime);
    provide_local(api);
    provide_context(config);
    view! {
        <Router>
            <RealtimeLifecycle />
            <RealtimeSubscriptions />
            <AlertFeed />
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=move || view! { <LazyPage page=pages.home /> } />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/sign-in") view=LoginPage />
                    // The React dashboard's home: its users' bookmarks land on ours.
                    <Route
                        path=path!("/dashboard")
                        view=move || view! { <RequireAuth area=Area::Dashboard><LazyPage page=pages.home /></RequireAuth> }
                    />
                    <Route
                        path=path!("/observability")
                        view=move || view! { <RequireAuth area=Area::Observability><LazyPage page=pages.observability /></RequireAuth> }
                    />
                    // One route for both, so opening a conversation does not remount the page.
                    <Route
                        path=path!("/chat/:id?")
                        view=move || view! { <RequireAuth area=Area::Chat><LazyPage page=pages.chat /></RequireAuth> }
                    />
                </Routes>
            </Layout>
            <ToastHost />
        </Router>
    }
}

#[component]
fn BootScreen() -> impl IntoView {
    view! {
        <div class="boot-screen" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>"Loading the dashboard…"</span>
        </div>
    }
}

#[component]
fn ConfigErrorScreen(error: BootError) -> impl IntoView {
    view! {
        <Title text="Configuration error" />
        <main class="fatal-screen">
            <section role="alert" class="card">
                <h1>{error.title}</h1>
                <p>{error.detail}</p>
                <p class="muted">
                    "The dashboard reads its settings from /app-config.json when it starts. "
                    "Fix that file on the server, then reload."
                </p>
                <a class="button" href="/">"Reload"</a>
            </section>
        </main>
    }
}
