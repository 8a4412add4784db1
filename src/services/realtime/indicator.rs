//! The header's connection indicator: connected / reconnecting in N s /
//! unavailable / offline; its tooltip carries the socket id and how many
//! channels the server confirmed.

use super::{use_realtime, RealtimeStatus};
use dashboard_core::format;
use leptos::prelude::*;
use pusher_core::State;

/// (css state, label, countdown, tooltip).
fn describe(s: &RealtimeStatus, now: f64) -> (&'static str, String, String, String) {
    if !s.online {
        return (
            "offline",
            "Offline".into(),
            String::new(),
            "The browser is offline; live updates resume when it is back.".into(),
        );
    }
    let retry = s
        .retry_at_ms
        .filter(|at| *at > now)
        .map(|at| format::wait(at - now));
    match (s.state, retry) {
        (State::Connected, _) => (
            "connected",
            "Live".into(),
            String::new(),
            format!(
                "Live updates connected (socket {}; {})",
                s.socket_id.as_deref().unwrap_or("?"),
                match s.subscribed.len() {
                    1 => "1 channel".to_string(),
                    n => format!("{n} channels"),
                }
            ),
        ),
        (State::Connecting, Some(wait)) | (State::Unavailable, Some(wait)) => (
            "reconnecting",
            "Reconnecting".into(),
            format!(" in {wait}"),
            format!(
                "Live updates interrupted{}",
                s.last_error
                    .as_ref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ),
        ),
        (State::Unavailable, None) => (
            "unavailable",
            "Live updates unavailable".into(),
            String::new(),
            "Still trying to connect".into(),
        ),
        (State::Connecting | State::Initialized, None) | (State::Initialized, Some(_)) => (
            "connecting",
            "Connecting…".into(),
            String::new(),
            "Connecting to live updates".into(),
        ),
        (State::Disconnected | State::Failed, _) => (
            "disconnected",
            "Live updates off".into(),
            String::new(),
            s.last_error
                .clone()
                .unwrap_or_else(|| "Disconnected".into()),
        ),
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn RealtimeIndicator() -> impl IntoView {
    let Some(rt) = use_realtime() else {
        return ().into_any();
    };
    let status = rt.status();
    let now = crate::hooks::use_clock();
    let view_state = Memo::new(move |_| describe(&status.get(), now.get()));
    // Only the state is announced; the countdown changes every second and is not.
    view! {
        <span
            class=move || format!("realtime-indicator realtime-{}", view_state.get().0)
            title=move || view_state.get().3
            data-testid="realtime-indicator"
        >
            <span class="realtime-dot" aria-hidden="true"></span>
            <span class="realtime-label" role="status" aria-live="polite">{move || view_state.get().1}</span>
            <span class="realtime-countdown">{move || view_state.get().2}</span>
        </span>
    }
    .into_any()
}
