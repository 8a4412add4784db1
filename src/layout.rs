//! The page frame: header (product, navigation, realtime status, user menu),
//! the routed content and a footer.

use dashboard_core::config::AppConfig;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::PRODUCT_NAME;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let config = expect_context::<AppConfig>();
    let environment = config.environment.clone();
    view! {
        <a class="skip-link" href="#main-content">"Skip to main content"</a>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                <span>{PRODUCT_NAME}</span>
            </A>
            <nav class="main-nav" aria-label="Main">
                <A href="/observability">"Observability"</A>
                <A href="/chat">"Chat"</A>
            </nav>
            <div class="header-slots">
                <div class="slot-realtime" data-slot="realtime"></div>
                <div class="slot-user" data-slot="user-menu">
                    <A href="/login" attr:class="button button-small">"Sign in"</A>
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
