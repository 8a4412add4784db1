//! Protected routes: signed-out users go to sign-in (and come back), users
//! whose role may not open the page get a 403 page. While a stored session is
//! checked, the page renders at once for the stored user if their role may open
//! it and their token has not expired (every request still carries that token);
//! otherwise a neutral loading state shows (no flash of either).

use super::{current_target, use_auth, AuthView};
use crate::hooks::use_safe_navigate;
use crate::layout::PagePending;
use dashboard_core::auth::{landing_path, Area, User};
use dashboard_core::redirect::login_url;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use leptos_router::NavigateOptions;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn RequireAuth(area: Area, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let navigate = use_safe_navigate();
    Effect::new(move |_| {
        if let AuthView::SignedOut { expired } = auth.get() {
            let target = current_target(&location);
            navigate(
                &login_url(&target, expired),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let children = StoredValue::new(children);
    // A memo, so that the page rendered for the stored user is not rendered
    // again when the server confirms the session.
    let access = Memo::new(move |_| match auth.get() {
        AuthView::SignedIn(user) if area.allows(&user.role) => Access::Allowed,
        AuthView::Restoring {
            provisional: Some(user),
        } if area.allows(&user.role) => Access::Allowed,
        AuthView::SignedIn(user) => Access::Forbidden(user),
        AuthView::Restoring { .. } | AuthView::SignedOut { .. } => Access::Waiting,
    });
    move || match access.get() {
        Access::Allowed => children.read_value()().into_any(),
        Access::Forbidden(user) => view! { <Forbidden area user /> }.into_any(),
        Access::Waiting => view! { <PagePending what="Checking your session…" /> }.into_any(),
    }
}

/// What a protected route shows.
#[derive(Debug, Clone, PartialEq)]
enum Access {
    Allowed,
    Forbidden(User),
    Waiting,
}

/// The 403 page: what is refused, why, and a way back.
#[allow(unreachable_pub)]
#[component]
pub(crate) fn Forbidden(area: Area, user: User) -> impl IntoView {
    let home = landing_path(&user.role);
    let home_label = if home == area.path() {
        "Go to the dashboard home"
    } else {
        "Go to your start page"
    };
    let home = if home == area.path() { "/" } else { home };
    view! {
        <Title text="Access denied" />
        <section class="page narrow" aria-labelledby="forbidden-heading">
            <p class="badge badge-critical">"403"</p>
            <h1 id="forbidden-heading">"You don't have access to this page"</h1>
            <p>
                {format!(
                    "{} is available to administrators. You are signed in as {} ({}).",
                    area.title(),
                    user.display_name,
                    user.role.label(),
                )}
            </p>
            <p>
                <A href=home attr:class="button">{home_label}</A>
            </p>
        </section>
    }
}
