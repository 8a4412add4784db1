//! The channels every signed-in user keeps while signed in: their own
//! `private-user-{id}`, and for administrators `private-admin` (alerts and
//! pushed metrics). The app subscribes to no public channel: anything on one
//! can be read by anyone holding the app key (docs/realtime-channels.md).

use crate::hooks::use_subscription;
use crate::services::session::{use_auth, AuthView};
use dashboard_core::auth::Role;
use leptos::prelude::*;

pub(crate) const ADMIN_CHANNEL: &str = "private-admin";

/// The channel of the user's own events (`task.*`).
pub(crate) fn user_channel(user_id: &str) -> String {
    format!("private-user-{user_id}")
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn RealtimeSubscriptions() -> impl IntoView {
    let auth = use_auth();
    let own = Signal::derive(move || match auth.get() {
        AuthView::SignedIn(user) => Some(user_channel(&user.id)),
        _ => None,
    });
    use_subscription(own);
    let admin = Signal::derive(move || match auth.get() {
        AuthView::SignedIn(user) if user.role == Role::Admin => Some(ADMIN_CHANNEL.to_string()),
        _ => None,
    });
    use_subscription(admin);
}
