//! Publishing events to the Pusher server through its signed HTTP API
//! (`POST /apps/{id}/events`). Failures are logged, never fatal: realtime is
//! an addition to polling, not a dependency of it.

use pusher_core::http_api::{event_body, events_request};
use serde_json::Value;
use std::time::Duration;

#[derive(Clone)]
pub struct Publisher {
    http: reqwest::Client,
    base_url: String,
    app_id: String,
    key: String,
    secret: String,
}

impl Publisher {
    pub fn new(base_url: &str, app_id: &str, key: &str, secret: &str) -> anyhow::Result<Publisher> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| anyhow::anyhow!("building the Pusher HTTP client: {e}"))?;
        Ok(Publisher {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            app_id: app_id.into(),
            key: key.into(),
            secret: secret.into(),
        })
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Publishes `event` with `data` to `channels`.
    pub async fn trigger(
        &self,
        channels: &[&str],
        event: &str,
        data: &Value,
    ) -> anyhow::Result<()> {
        let body = event_body(channels, event, data, None);
        let timestamp = chrono::Utc::now().timestamp().max(0) as u64;
        let path = events_request(&self.app_id, &self.key, &self.secret, timestamp, &body);
        let response = self
            .http
            .post(format!("{}{path}", self.base_url))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            anyhow::bail!("the Pusher server answered {status}: {text}");
        }
        Ok(())
    }

    /// Publishes without waiting; errors are logged.
    pub fn spawn_trigger(&self, channels: Vec<String>, event: &'static str, data: Value) {
        let publisher = self.clone();
        tokio::spawn(async move {
            let refs: Vec<&str> = channels.iter().map(String::as_str).collect();
            if let Err(err) = publisher.trigger(&refs, event, &data).await {
                tracing::warn!(event, channels = ?channels, error = %err, "publishing a realtime event failed");
            }
        });
    }
}
