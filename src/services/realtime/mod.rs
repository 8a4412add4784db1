//! Realtime updates over our Pusher client: one connection per signed-in
//! session, a hook to receive channel events as they come, and the header's
//! connection indicator. With no Pusher settings, realtime is simply off.

mod indicator;
mod service;
mod subscriptions;

pub(crate) use indicator::RealtimeIndicator;
pub(crate) use service::{Realtime, RealtimeStatus};
pub(crate) use subscriptions::RealtimeSubscriptions;
pub(crate) use subscriptions::{user_channel, ADMIN_CHANNEL};

use crate::context::use_local;
use crate::services::session::{use_auth, AuthView};
use leptos::prelude::*;

/// The connection, when realtime is configured.
pub(crate) fn use_realtime() -> Option<Realtime> {
    use_local::<Option<Realtime>>().flatten()
}

/// Connects while a user is signed in; disconnects on sign-out.
#[allow(unreachable_pub)]
#[component]
pub(crate) fn RealtimeLifecycle() -> impl IntoView {
    let realtime = StoredValue::new_local(use_realtime());
    let auth = use_auth();
    Effect::new(move |previous: Option<bool>| {
        let signed_in = matches!(auth.get(), AuthView::SignedIn(_));
        if previous != Some(signed_in) {
            realtime.with_value(|rt| {
                if let Some(rt) = rt {
                    if signed_in {
                        rt.connect();
                    } else {
                        rt.disconnect();
                    }
                }
            });
        }
        signed_in
    });
}
