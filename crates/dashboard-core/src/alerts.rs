//! Threshold alerts: read from the backend's alert log and from pushed
//! `alert-new` / `alert.acknowledged` events (docs/contracts/api.md), kept in
//! one [`AlertBook`], newest first, one entry per alert id.

use crate::api::ApiError;
use crate::json::{number, scalar_text};
use crate::time::parse_iso8601_ms;
use serde_json::Value;

/// The most alerts a book keeps.
pub const MAX_ALERTS: usize = 200;

/// How serious an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertLevel {
    /// Above the warning threshold.
    Warning,
    /// Above the critical threshold.
    Critical,
}

impl AlertLevel {
    /// "warning" or "critical".
    pub fn as_str(self) -> &'static str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Critical => "critical",
        }
    }
}

/// Who acknowledged an alert, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Acknowledgement {
    /// The administrator's user name.
    pub by: String,
    /// When (ms since the epoch), if the backend said.
    pub at_ms: Option<f64>,
}

/// One alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// The backend's id; `None` for a pushed alert from a backend without a log.
    pub id: Option<String>,
    /// How serious it is.
    pub level: AlertLevel,
    /// "cpu", "memory", "disk"…
    pub metric: Option<String>,
    /// The reading that crossed the threshold.
    pub value: Option<f64>,
    /// The threshold it crossed.
    pub threshold: Option<f64>,
    /// The sentence to show.
    pub message: String,
    /// When it was raised (the backend's timestamp, else when it arrived).
    pub at_ms: f64,
    /// Set once an administrator acknowledged it.
    pub acknowledged: Option<Acknowledgement>,
}

fn text(data: &Value, key: &str) -> Option<String> {
    scalar_text(data.get(key))
}

fn acknowledgement(data: &Value) -> Option<Acknowledgement> {
    Some(Acknowledgement {
        by: text(data, "acknowledged_by")?,
        at_ms: text(data, "acknowledged_at").and_then(|t| parse_iso8601_ms(&t)),
    })
}

/// An alert as pushed or listed. Unreadable parts become a generic alert
/// rather than vanish: an alert must never be lost to a format quirk.
pub fn parse_alert(data: &Value, now_ms: f64) -> Alert {
    let level = match text(data, "level")
        .map(|l| l.to_ascii_lowercase())
        .as_deref()
    {
        Some("critical") => AlertLevel::Critical,
        _ => AlertLevel::Warning,
    };
    let metric = text(data, "metric");
    let value = number(data.get("value"));
    let message = text(data, "message").unwrap_or_else(|| match (&metric, value) {
        (Some(metric), Some(value)) => {
            format!("{metric} at {}%", crate::format::fixed(value, 1))
        }
        _ => "A threshold was crossed".to_string(),
    });
    Alert {
        id: text(data, "id"),
        level,
        metric,
        value,
        threshold: number(data.get("threshold")),
        message,
        at_ms: text(data, "timestamp")
            .and_then(|t| parse_iso8601_ms(&t))
            .unwrap_or(now_ms),
        acknowledged: acknowledgement(data),
    }
}

/// The alert log's answer (`{"data": {"alerts": [...]}}`, or a bare list).
pub fn parse_alert_list(body: &Value, now_ms: f64) -> Result<Vec<Alert>, ApiError> {
    let data = body.get("data").unwrap_or(body);
    let list = data
        .get("alerts")
        .unwrap_or(data)
        .as_array()
        .ok_or_else(|| ApiError::Decode {
            detail: "the alert log answer has no list".into(),
        })?;
    Ok(list.iter().map(|a| parse_alert(a, now_ms)).collect())
}

/// An `alert.acknowledged` event: the alert's id and the acknowledgement.
pub fn parse_acknowledged(data: &Value) -> Option<(String, Acknowledgement)> {
    Some((text(data, "id")?, acknowledgement(data)?))
}

/// The alerts the dashboard knows, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertBook {
    alerts: Vec<Alert>,
}

impl AlertBook {
    /// The alerts, newest first.
    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// A new or updated alert: one with a known id replaces it (keeping a
    /// known acknowledgement), others are added in time order.
    pub fn add(&mut self, alert: Alert) {
        if let Some(id) = &alert.id {
            if let Some(held) = self.alerts.iter_mut().find(|a| a.id.as_ref() == Some(id)) {
                let acknowledged = alert.acknowledged.clone().or(held.acknowledged.take());
                *held = Alert {
                    acknowledged,
                    ..alert
                };
                return;
            }
        }
        let at = self.alerts.partition_point(|a| a.at_ms > alert.at_ms);
        self.alerts.insert(at, alert);
        self.alerts.truncate(MAX_ALERTS);
    }

    /// Every alert of a list (the backend's log).
    pub fn merge(&mut self, alerts: impl IntoIterator<Item = Alert>) {
        for alert in alerts {
            self.add(alert);
        }
    }

    /// Records an acknowledgement; `false` when no alert has that id.
    pub fn acknowledge(&mut self, id: &str, ack: Acknowledgement) -> bool {
        match self.alerts.iter_mut().find(|a| a.id.as_deref() == Some(id)) {
            Some(alert) => {
                alert.acknowledged.get_or_insert(ack);
                true
            }
            None => false,
        }
    }

    /// Critical alerts no one has acknowledged yet.
    pub fn unacknowledged_critical(&self) -> usize {
        self.alerts
            .iter()
            .filter(|a| a.level == AlertLevel::Critical && a.acknowledged.is_none())
            .count()
    }

    /// The alerts about `metric`, oldest first (for markers on its chart).
    pub fn about(&self, metric: &str) -> Vec<&Alert> {
        let mut found: Vec<&Alert> = self
            .alerts
            .iter()
            .filter(|a| a.metric.as_deref() == Some(metric))
            .collect();
        found.reverse();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_logged_alert_reads_whole() {
        let a = parse_alert(
            &json!({"id": 7, "timestamp": "2025-11-30T10:00:00.000+00:00", "level": "critical",
                    "metric": "cpu", "value": 97.1, "threshold": 90, "message": "CPU usage critical: 97.1%",
                    "acknowledged_by": null, "acknowledged_at": null}),
            5.0,
        );
        assert_eq!(a.id.as_deref(), Some("7"));
        assert_eq!(a.level, AlertLevel::Critical);
        assert_eq!(a.at_ms, 1_764_496_800_000.0);
        assert_eq!((a.value, a.threshold), (Some(97.1), Some(90.0)));
        assert_eq!(a.acknowledged, None);
    }

    #[test]
    fn odd_alerts_still_read() {
        assert_eq!(
            parse_alert(&json!({"metric": "disk", "value": 81.0}), 0.0).message,
            "disk at 81.0%"
        );
        let garbage = parse_alert(&json!("garbage"), 3.0);
        assert_eq!(garbage.message, "A threshold was crossed");
        assert_eq!((garbage.level, garbage.at_ms), (AlertLevel::Warning, 3.0));
        assert!(parse_alert_list(&json!({"data": {}}), 0.0).is_err());
        assert_eq!(
            parse_alert_list(&json!([{"level": "warning"}]), 0.0)
                .unwrap()
                .len(),
            1
        );
    }

    fn alert(id: Option<&str>, at_ms: f64, level: AlertLevel) -> Alert {
        Alert {
            id: id.map(str::to_string),
            level,
            metric: Some("cpu".into()),
            value: None,
            threshold: None,
            message: "m".into(),
            at_ms,
            acknowledged: None,
        }
    }

    #[test]
    fn one_entry_per_id_newest_first_and_acknowledgements_count() {
        let mut book = AlertBook::default();
        book.add(alert(Some("1"), 100.0, AlertLevel::Critical));
        book.add(alert(None, 300.0, AlertLevel::Warning));
        book.merge([
            alert(Some("2"), 200.0, AlertLevel::Critical),
            alert(Some("1"), 100.0, AlertLevel::Critical),
        ]);
        let times: Vec<f64> = book.alerts().iter().map(|a| a.at_ms).collect();
        assert_eq!(times, [300.0, 200.0, 100.0]);
        assert_eq!(book.unacknowledged_critical(), 2);

        let ack = Acknowledgement {
            by: "ada".into(),
            at_ms: Some(400.0),
        };
        assert!(book.acknowledge("1", ack.clone()));
        assert!(!book.acknowledge("9", ack.clone()));
        assert_eq!(book.unacknowledged_critical(), 1);
        // A later copy of the log without the acknowledgement does not undo it.
        book.add(alert(Some("1"), 100.0, AlertLevel::Critical));
        assert_eq!(book.alerts()[2].acknowledged, Some(ack));
        assert_eq!(book.about("cpu").first().map(|a| a.at_ms), Some(100.0));
    }

    #[test]
    fn an_acknowledged_event_reads() {
        let (id, ack) = parse_acknowledged(
            &json!({"id": 3, "acknowledged_by": "ada", "acknowledged_at": "2025-11-30T10:00:00Z"}),
        )
        .unwrap();
        assert_eq!((id.as_str(), ack.by.as_str()), ("3", "ada"));
        assert!(parse_acknowledged(&json!({"id": 3})).is_none());
    }
}
