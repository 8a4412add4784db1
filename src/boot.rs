//! Start-up: load `/app-config.json` before anything talks to a backend.

use crate::services::api::ApiError;
use dashboard_core::config::AppConfig;
use gloo_net::http::Request;
use web_sys::RequestCache;

pub const CONFIG_PATH: &str = "/app-config.json";

/// Why the app cannot start; shown on the configuration error screen.
#[derive(Debug, Clone, PartialEq)]
pub struct BootError {
    pub title: String,
    pub detail: String,
}

pub async fn load_config() -> Result<AppConfig, BootError> {
    let response = Request::get(CONFIG_PATH)
        .cache(RequestCache::NoStore)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|_| BootError {
            title: "The dashboard could not load its configuration".into(),
            detail: format!("{} {CONFIG_PATH}", ApiError::Network.user_message()),
        })?;
    if response.status() != 200 {
        return Err(BootError {
            title: "The dashboard configuration is missing".into(),
            detail: format!(
                "{CONFIG_PATH} answered HTTP {}. The deployment must provide this file.",
                response.status()
            ),
        });
    }
    let text = response.text().await.map_err(|_| BootError {
        title: "The dashboard could not load its configuration".into(),
        detail: format!("Reading {CONFIG_PATH} failed."),
    })?;
    AppConfig::from_json(&text).map_err(|e| BootError {
        title: "The dashboard configuration is invalid".into(),
        detail: e.to_string(),
    })
}
