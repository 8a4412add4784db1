//! Threshold alerts for administrators, on every page: the backend's alert
//! log (loaded on sign-in and again whenever the admin channel is confirmed,
//! so nothing pushed during an outage is missed), alerts pushed since
//! (`alert-new`, shown as a toast too), and acknowledgements from any tab
//! (`alert.acknowledged`). One [`Alerts`] context holds them all.

use crate::hooks::use_channel_event;
use crate::services::api::{use_api, ApiClient, ApiError};
use crate::services::realtime::{use_realtime, ADMIN_CHANNEL};
use crate::services::session::{use_auth, AuthView};
use crate::services::toasts::{use_toasts, Tone};
use dashboard_core::alerts::{
    parse_acknowledged, parse_alert, parse_alert_list, AlertBook, AlertLevel,
};
use dashboard_core::auth::Role;
use leptos::prelude::*;
use serde_json::Value;

pub(crate) const ALERTS_PATH: &str = "/api/v1/observability/alerts";

/// Whether this backend keeps an alert log.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LogState {
    /// Not asked yet, or on its way.
    Loading,
    /// Loaded: acknowledgements are possible.
    Kept,
    /// The backend has none (404): only alerts pushed since the page opened.
    NotKept,
    /// The last load failed; what was known is still shown.
    Failed(String),
}

/// The alerts the dashboard knows, shared by the header, the alert card and
/// the charts.
#[derive(Clone, Copy)]
pub(crate) struct Alerts {
    pub book: RwSignal<AlertBook>,
    pub log: RwSignal<LogState>,
}

impl Alerts {
    pub(crate) fn new() -> Alerts {
        Alerts {
            book: RwSignal::new(AlertBook::default()),
            log: RwSignal::new(LogState::Loading),
        }
    }
}

pub(crate) fn use_alerts() -> Alerts {
    expect_context::<Alerts>()
}

/// The admin's user id while an administrator is signed in.
fn admin_id() -> Signal<Option<String>> {
    let auth = use_auth();
    Signal::derive(move || match auth.get() {
        AuthView::SignedIn(user) if user.role == Role::Admin => Some(user.id),
        _ => None,
    })
}

/// Keeps [`Alerts`] current for a signed-in administrator (mounted once by the shell).
#[allow(unreachable_pub)]
#[component]
pub(crate) fn AlertFeed() -> impl IntoView {
    let alerts = use_alerts();
    let toasts = use_toasts();
    let api = use_api();
    let admin = admin_id();
    let status = use_realtime().map(|rt| rt.status());
    // Confirmed subscriptions to the admin channel, counted: each one may
    // follow an outage in which pushed alerts were missed.
    let confirmed =
        Memo::new(move |_| status.is_some_and(|s| s.with(|s| s.is_subscribed(ADMIN_CHANNEL))));
    let log = LocalResource::new(move || {
        let who = admin.get();
        confirmed.track();
        let api = api.clone();
        async move {
            who?;
            let body = api
                .get(&format!("{ALERTS_PATH}?limit=100"))
                .send::<Value>()
                .await;
            Some(body.and_then(|b| parse_alert_list(&b, crate::browser::time::now_ms())))
        }
    });
    Effect::new(move |_| {
        let state = match log.get().flatten() {
            None => return,
            Some(Ok(list)) => {
                alerts.book.update(|book| book.merge(list));
                LogState::Kept
            }
            Some(Err(err)) if err.status() == Some(404) => LogState::NotKept,
            Some(Err(err)) => LogState::Failed(err.user_message()),
        };
        alerts.log.set(state);
    });
    // Signing out forgets them.
    Effect::new(move |_| {
        if admin.get().is_none() {
            alerts.book.set(AlertBook::default());
            alerts.log.set(LogState::Loading);
        }
    });

    let channel = Signal::derive(move || admin.get().map(|_| ADMIN_CHANNEL.to_string()));
    use_channel_event(channel, "alert-new", move |message| {
        let alert = parse_alert(&message.data, crate::browser::time::now_ms());
        let (tone, title) = match alert.level {
            AlertLevel::Critical => (Tone::Critical, "Critical alert"),
            AlertLevel::Warning => (Tone::Warning, "Warning"),
        };
        toasts.show(tone, title, alert.message.clone());
        alerts.book.update(|book| book.add(alert));
    });
    use_channel_event(channel, "alert.acknowledged", move |message| {
        if let Some((id, ack)) = parse_acknowledged(&message.data) {
            alerts.book.update(|book| {
                book.acknowledge(&id, ack);
            });
        }
    });
}

/// Acknowledges alert `id` at the backend; the answer updates the book (the
/// pushed `alert.acknowledged` does the same in every other tab).
pub(crate) async fn acknowledge(
    api: ApiClient,
    alerts: Alerts,
    id: String,
) -> Result<(), ApiError> {
    let body = api
        .post(&format!("{ALERTS_PATH}/{id}/acknowledge"))
        .send::<Value>()
        .await?;
    let data = body.get("data").unwrap_or(&body);
    let updated = parse_alert(data, crate::browser::time::now_ms());
    let _ = alerts.book.try_update(|book| book.add(updated));
    Ok(())
}

/// The header's count of unacknowledged critical alerts (administrators, every page).
#[allow(unreachable_pub)]
#[component]
pub(crate) fn AlertBadge() -> impl IntoView {
    let alerts = use_alerts();
    let count = Memo::new(move |_| alerts.book.with(AlertBook::unacknowledged_critical));
    view! {
        <Show when=move || { count.get() > 0 }>
            <a class="alert-badge" href="/observability#alerts-heading">
                {move || match count.get() {
                    1 => "1 unacknowledged critical alert".to_string(),
                    n => format!("{n} unacknowledged critical alerts"),
                }}
            </a>
        </Show>
    }
}
