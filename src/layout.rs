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
        <footer class="app-footer">
            <span>{format!("{PRODUCT_NAME} Dashboard")}</span>
            {environment.map(|env| view! { <span class="badge">{env}</span> })}
        </footer>
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
