//! Start-up: load `/app-config.json` before anything talks to a backend.

use crate::services::api::ApiError;
use dashboard_core::config::AppConfig;
use gloo_net::http::{Request, Response};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
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

/// Where the loader (`early-*.js`) leaves the config request it started while
/// the wasm was still downloading.
const EARLY_REQUEST: &str = "__appConfigRequest";

/// The request the loader started, taken once (a retry fetches anew).
fn early_request() -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    let value = js_sys::Reflect::get(&window, &EARLY_REQUEST.into()).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &EARLY_REQUEST.into());
    value.dyn_into::<js_sys::Promise>().ok()
}

async fn fetch_config() -> Result<Response, gloo_net::Error> {
    if let Some(request) = early_request() {
        if let Ok(raw) = JsFuture::from(request).await {
            if let Ok(raw) = raw.dyn_into::<web_sys::Response>() {
                return Ok(Response::from(raw));
            }
        }
        // The early request failed: one more try of our own says why.
    }
    Request::get(CONFIG_PATH)
        .cache(RequestCache::NoStore)
        .header("Accept", "application/json")
        .send()
        .await
}

pub(crate) async fn load_config() -> Result<AppConfig, BootError> {
    let response = fetch_config().await.map_err(|_| BootError {
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
    let config = AppConfig::from_json(&text).map_err(|e| BootError {
        title: "The dashboard configuration is invalid".into(),
        detail: e.to_string(),
    })?;
    crate::browser::storage::write(API_BASE_KEY, &config.api_base_url);
    Ok(config)
}
