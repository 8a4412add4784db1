//! Start-up: load `/app-config.json` before anything talks to a backend.

use crate::browser::early_fetch;
use crate::services::api::{ApiError, DEFAULT_TIMEOUT_MS};
use dashboard_core::config::AppConfig;
use gloo_net::http::Request;
use web_sys::RequestCache;

pub(crate) const CONFIG_PATH: &str = "/app-config.json";

/// Where the API base of the last config is kept: the loader's early request
/// for the next visit goes there (`tools/boot/early-data.js`, read at build time).
/// A deployment's fact, not the user's: outside the `toolboxai.` prefix that
/// signing out clears.
pub(crate) const API_BASE_KEY: &str = "toolboxai-api-base";

/// Why the app cannot start; shown on the configuration error screen.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BootError {
    pub title: String,
    pub detail: String,
}

/// What `/app-config.json` answered: its status, and its body unless reading it failed.
struct ConfigAnswer {
    status: u16,
    body: Option<String>,
}

/// The loader's answer (`early-*.js` asks for the config while the wasm still
/// downloads), or our own request when it sent none or it failed (a request
/// of our own then says why).
async fn fetch_config() -> Result<ConfigAnswer, gloo_net::Error> {
    if let Some(answer) = early_fetch::answer(CONFIG_PATH, None, DEFAULT_TIMEOUT_MS).await {
        return Ok(ConfigAnswer {
            status: answer.status,
            body: Some(answer.body),
        });
    }
    let response = Request::get(CONFIG_PATH)
        .cache(RequestCache::NoStore)
        .header("Accept", "application/json")
        .send()
        .await?;
    Ok(ConfigAnswer {
        status: response.status(),
        body: response.text().await.ok(),
    })
}

pub(crate) async fn load_config() -> Result<AppConfig, BootError> {
    let ConfigAnswer { status, body } = fetch_config().await.map_err(|_| BootError {
        title: "The dashboard could not load its configuration".into(),
        detail: format!("{} {CONFIG_PATH}", ApiError::Network.user_message()),
    })?;
    if status != 200 {
        return Err(BootError {
            title: "The dashboard configuration is missing".into(),
            detail: format!(
                "{CONFIG_PATH} answered HTTP {status}. The deployment must provide this file."
            ),
        });
    }
    let text = body.ok_or_else(|| BootError {
        title: "The dashboard could not load its configuration".into(),
        detail: format!("Reading {CONFIG_PATH} failed."),
    })?;
    let config = AppConfig::from_json(&text).map_err(|e| BootError {
        title: "The dashboard configuration is invalid".into(),
        detail: e.to_string(),
    })?;
    crate::browser::storage::write(API_BASE_KEY, &config.api_base_url);
    Ok(config)
}
