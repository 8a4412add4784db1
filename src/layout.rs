//! The page frame: header (product, navigation, realtime status, user menu),
//! the routed content and a footer.

use crate::app::PRODUCT_NAME;
use crate::services::alerts::AlertBadge;
use crate::services::realtime::RealtimeIndicator;
use crate::services::session::{use_auth, AuthView, UserMenu};
use dashboard_core::auth::Area;
use dashboard_core::config::AppConfig;
use leptos::prelude::*;
use leptos_router::components::A;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn Layout(children: Children) -> impl IntoView {
    let config = expect_context::<AppConfig>();
    let auth = use_auth();
    let environment = config.environment.clone();
    view! {
        <a class="skip-link" href="#main-content">"Skip to main content"</a>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                <span>{PRODUCT_NAME}</span>
            </A>
            <MainNav />
            <div class="header-slots">
                <div class="slot-alerts" data-slot="alerts">
                    <AlertBadge />
                </div>
                <div class="slot-realtime" data-slot="realtime">
                    <Show when=move || matches!(auth.get(), AuthView::SignedIn(_))>
                        <RealtimeIndicator />
                    </Show>
                </div>
                <div class="slot-user" data-slot="user-menu">
                    <UserMenu />
                </div>
            </div>
        </header>
        <main id="main-content" class="app-main" tabindex="-1">
            {children()}
        </main>
        <RouteAnnouncer />
        <footer class="app-footer">
            <span>{format!("{PRODUCT_NAME} Dashboard")}</span>
            {environment.map(|env| view! { <span class="badge">{env}</span> })}
        </footer>
    }
}

/// Says something politely through the page's one status region (e.g.
/// "Reply copied to the clipboard."). Provided by the layout.
#[derive(Clone, Copy)]
pub(crate) struct Announcer(WriteSignal<String>);

impl Announcer {
    pub(crate) fn say(&self, text: impl Into<String>) {
        let _ = self.0.try_set(text.into());
    }
}

/// After a client-side navigation: focus moves to the new page's heading
/// (unless the page has put it somewhere in its content already) and the new
/// title is announced, as a full page load would do for a screen reader.
#[component]
fn RouteAnnouncer() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let (message, set_message) = signal(String::new());
    provide_context(Announcer(set_message));
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            crate::browser::focus::when_page_heading_shown(move |heading, title| {
                crate::browser::focus::focus_heading_unless_placed(&heading);
                let _ = set_message.try_set(title);
            });
        }
        path
    });
    view! {
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
            {message}
        </div>
    }
}

/// Home, then only what the signed-in user's role may open.
#[component]
fn MainNav() -> impl IntoView {
    let auth = use_auth();
    let areas = move || match auth.get() {
        AuthView::SignedIn(user) => [Area::Observability, Area::Chat]
            .into_iter()
            .filter(|area| area.allows(&user.role))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    view! {
        <nav class="main-nav" aria-label="Main">
            <A href="/" exact=true>"Home"</A>
            <For each=areas key=|area| area.path() let:area>
                <A href=area.path()>{area.title()}</A>
            </For>
        </nav>
    }
}

/// A page's place while something it needs is on its way: a spinner and what
/// is awaited, announced politely.
#[allow(unreachable_pub)]
#[component]
pub(crate) fn PagePending(what: &'static str) -> impl IntoView {
    view! {
        <div class="page-state" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{what}</span>
        </div>
    }
}
