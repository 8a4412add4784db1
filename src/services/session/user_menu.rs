//! The header's account area: who is signed in, their role, and sign-out.

use super::{use_auth, use_session, AuthView};
use crate::hooks::use_safe_navigate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use leptos_router::NavigateOptions;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn UserMenu() -> impl IntoView {
    let auth = use_auth();
    let session = StoredValue::new_local(use_session());
    let navigate = use_safe_navigate();
    let location = use_location();
    let on_login_page = move || {
        let path = location.pathname.get();
        path == "/login" || path == "/sign-in"
    };
    let sign_out = move |_| {
        session.with_value(|s| s.sign_out());
        navigate("/login", NavigateOptions::default());
    };
    move || {
        match auth.get() {
        AuthView::SignedIn(user) => view! {
            <div class="user-menu">
                <span class="user-name">{user.display_name.clone()}</span>
                <span class="badge" title="Your role">{user.role.label()}</span>
                <button type="button" class="button button-secondary button-small" on:click=sign_out.clone()>
                    "Sign out"
                </button>
            </div>
        }
        .into_any(),
        AuthView::Restoring { .. } => view! { <span class="user-menu muted">"…"</span> }.into_any(),
        AuthView::SignedOut { .. } => view! {
            <Show when=move || !on_login_page()>
                <A href="/login" attr:class="button button-small">"Sign in"</A>
            </Show>
        }
        .into_any(),
    }
    }
}
