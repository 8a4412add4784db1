//! Signing in and staying signed in: the session service, the route guard,
//! and the header's user menu.

mod grant;
mod guard;
pub(crate) mod provider;
mod service;
mod user_menu;

pub(crate) use grant::{fetch_user, request_grant};
pub(crate) use guard::RequireAuth;
pub(crate) use service::{AuthView, Session};
pub(crate) use user_menu::UserMenu;

use leptos::prelude::*;

pub(crate) fn use_session() -> Session {
    crate::context::expect_local::<Session>()
}

/// The session state as a signal.
pub(crate) fn use_auth() -> ReadSignal<AuthView> {
    use_session().view()
}

/// The path, query and hash of the current location (what to return to).
pub(crate) fn current_target(location: &leptos_router::location::Location) -> String {
    let mut target = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    if !search.is_empty() {
        target.push('?');
        target.push_str(search.trim_start_matches('?'));
    }
    let hash = location.hash.get_untracked();
    if !hash.is_empty() && hash != "#" {
        if !hash.starts_with('#') {
            target.push('#');
        }
        target.push_str(&hash);
    }
    target
}
