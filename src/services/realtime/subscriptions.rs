//! The channels every signed-in user keeps while signed in: their own
//! `private-user-{id}`, and for administrators `private-admin` (alerts and
//! pushed metrics). The app subscribes to no public channel: anything on one
//! can be read by anyone holding the app key (docs/realtime-channels.md).

use crate::hooks::{use_channel_event, use_subscription};
use crate::services::session::{use_auth, AuthView};
use crate::services::toasts::{use_toasts, Tone};
use dashboard_core::auth::Role;
use leptos::prelude::*;
use serde_json::Value;

pub(crate) const ADMIN_CHANNEL: &str = "private-admin";
const MAX_ALERTS: usize = 50;

/// The channel of the user's own events (`task.*`).
pub(crate) fn user_channel(user_id: &str) -> String {
    format!("private-user-{user_id}")
}

/// A threshold alert pushed by the backend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AlertEntry {
    pub level: String,
    pub message: String,
    pub received_ms: f64,
}

/// Alerts received since the app started, newest first.
#[derive(Clone, Copy)]
pub(crate) struct AlertLog(pub RwSignal<Vec<AlertEntry>>);

impl AlertLog {
    pub(crate) fn new() -> AlertLog {
        AlertLog(RwSignal::new(Vec::new()))
    }
}

impl Default for AlertLog {
    fn default() -> Self {
        Self::new()
    }
}

/// `{"level","metric","value","threshold","message","timestamp"}`; unreadable
/// payloads still become a generic alert rather than vanish.
pub(crate) fn parse_alert(data: &Value, now_ms: f64) -> AlertEntry {
    let text = |k: &str| {
        data.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let level = text("level").unwrap_or("warning").to_ascii_lowercase();
    let message = text("message").map(str::to_string).unwrap_or_else(|| {
        match (text("metric"), data.get("value").and_then(Value::as_f64)) {
            (Some(metric), Some(value)) => format!("{metric} at {value:.1}%"),
            _ => "A threshold was crossed".to_string(),
        }
    });
    AlertEntry {
        level,
        message,
        received_ms: now_ms,
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn RealtimeSubscriptions() -> impl IntoView {
    let auth = use_auth();
    let toasts = use_toasts();
    let log = expect_context::<AlertLog>();
    let own = Signal::derive(move || match auth.get() {
        AuthView::SignedIn(user) => Some(user_channel(&user.id)),
        _ => None,
    });
    use_subscription(own);
    let admin = Signal::derive(move || match auth.get() {
        AuthView::SignedIn(user) if user.role == Role::Admin => Some(ADMIN_CHANNEL.to_string()),
        _ => None,
    });
    use_channel_event(admin, "alert-new", move |message| {
        let alert = parse_alert(&message.data, crate::browser::time::now_ms());
        let tone = if alert.level == "critical" {
            Tone::Critical
        } else {
            Tone::Warning
        };
        let title = if alert.level == "critical" {
            "Critical alert"
        } else {
            "Warning"
        };
        toasts.show(tone, title, alert.message.clone());
        log.0.update(|entries| {
            entries.insert(0, alert);
            entries.truncate(MAX_ALERTS);
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn alerts() {
        let a = parse_alert(
            &json!({"level": "critical", "metric": "cpu", "value": 97.1, "message": "CPU usage critical: 97.1%"}),
            5.0,
        );
        assert_eq!(
            (a.level.as_str(), a.message.as_str()),
            ("critical", "CPU usage critical: 97.1%")
        );
        assert_eq!(
            parse_alert(&json!({"metric": "disk", "value": 81.0}), 0.0).message,
            "disk at 81.0%"
        );
        assert_eq!(
            parse_alert(&json!("garbage"), 0.0).message,
            "A threshold was crossed"
        );
    }
}
