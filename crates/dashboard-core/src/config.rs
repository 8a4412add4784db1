//! Runtime configuration (`/app-config.json`), read once at start so one `dist/`
//! serves any environment. Parsing is strict about values that would break the
//! app later (bad URLs, zero intervals) and lenient about unknown keys.

use serde::Deserialize;
use std::fmt;

/// Default live-refresh interval of the observability page.
pub(crate) const DEFAULT_REFRESH_SECS: f64 = 5.0;

/// The runtime configuration the app starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// Origin (`scheme://host[:port]`) of the ToolBoxAI API, or "" for same origin
    /// (the Vercel rewrite of `/api/*`). Never ends with `/` or `/api/v1`.
    pub api_base_url: String,
    /// Origin of the Todo chat API (`/api/{user_id}/…`); defaults to `api_base_url`.
    pub chat_api_base_url: String,
    /// Realtime settings; `None` turns realtime off and the app still works.
    pub pusher: Option<PusherConfig>,
    /// Default refresh interval of live views, in seconds (fractions allowed for tests).
    pub refresh_interval_secs: f64,
    /// Free-form label shown in the footer ("local", "production", …).
    pub environment: Option<String>,
    /// Whether a page opened with `?crash-drill` stops the app on purpose,
    /// to check the crash screen (and any error reporting) in a deployment.
    /// Off unless the configuration turns it on.
    pub crash_drill: bool,
    /// How users sign in: the password form, or hosted sign-in at an OpenID provider.
    pub auth: crate::oidc::AuthMode,
}

impl AppConfig {
    /// Whether the page with this query string (`?a=1&crash-drill`) asks for
    /// a crash drill that this configuration allows.
    pub fn crash_drill_requested(&self, query: &str) -> bool {
        self.crash_drill
            && query
                .trim_start_matches('?')
                .split('&')
                .any(|pair| pair.split('=').next() == Some("crash-drill"))
    }
}

/// Where and how to reach the Pusher-compatible server.
#[derive(Debug, Clone, PartialEq)]
pub struct PusherConfig {
    /// The application key (public).
    pub key: String,
    /// The Pusher cluster (`mt1`, `eu`, …); unused when `ws_host` is set.
    pub cluster: String,
    /// A self-hosted server's host (sockudo, soketi); `None`: Pusher's own.
    pub ws_host: Option<String>,
    /// Port for plain `ws://`.
    pub ws_port: Option<u16>,
    /// Port for `wss://`.
    pub wss_port: Option<u16>,
    /// Path prefix of the WebSocket endpoint (usually empty).
    pub ws_path: String,
    /// `Some(true)`: TLS only; `None`: follow the page's scheme.
    pub force_tls: Option<bool>,
    /// Channel authorization endpoint, relative to the API base URL.
    pub auth_endpoint: String,
}

/// Why the configuration cannot be used, as a sentence for the configuration-error screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    api_base_url: Option<String>,
    #[serde(default)]
    chat_api_base_url: Option<String>,
    #[serde(default)]
    pusher: Option<RawPusher>,
    #[serde(default)]
    refresh_interval_secs: Option<f64>,
    #[serde(default)]
    environment: Option<String>,
    #[serde(default)]
    crash_drill: Option<bool>,
    #[serde(default)]
    auth: Option<crate::oidc::settings::RawAuth>,
}

#[derive(Deserialize)]
struct RawPusher {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    cluster: Option<String>,
    #[serde(default)]
    ws_host: Option<String>,
    #[serde(default)]
    ws_port: Option<u16>,
    #[serde(default)]
    wss_port: Option<u16>,
    #[serde(default)]
    ws_path: Option<String>,
    #[serde(default)]
    force_tls: Option<bool>,
    #[serde(default)]
    auth_endpoint: Option<String>,
}

impl AppConfig {
    /// Parses and validates the JSON text of `/app-config.json`.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ConfigError(format!("app-config.json is not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(ConfigError(
                "app-config.json must hold a JSON object".into(),
            ));
        }
        let raw: RawConfig = serde_json::from_value(value)
            .map_err(|e| ConfigError(format!("app-config.json has a wrong value: {e}")))?;
        let api_base_url = normalize_base_url("api_base_url", raw.api_base_url.as_deref())?;
        let chat_api_base_url = match raw.chat_api_base_url.as_deref() {
            None => api_base_url.clone(),
            Some(url) => normalize_base_url("chat_api_base_url", Some(url))?,
        };
        let refresh_interval_secs = raw.refresh_interval_secs.unwrap_or(DEFAULT_REFRESH_SECS);
        if !(refresh_interval_secs.is_finite() && (0.05..=3600.0).contains(&refresh_interval_secs))
        {
            // The number as JSON writes it (serde_json's writer: the app's
            // start-up code formats no float with core's formatter).
            let got = serde_json::Number::from_f64(refresh_interval_secs)
                .map_or_else(|| "a number out of range".to_string(), |n| n.to_string());
            return Err(ConfigError(format!(
                "refresh_interval_secs must be between 0.05 and 3600, got {got}"
            )));
        }
        let pusher = match raw.pusher {
            None => None,
            Some(p) if p.enabled == Some(false) => None,
            Some(p) => Some(parse_pusher(p)?),
        };
        Ok(AppConfig {
            api_base_url,
            chat_api_base_url,
            pusher,
            refresh_interval_secs,
            environment: raw.environment.filter(|e| !e.trim().is_empty()),
            crash_drill: raw.crash_drill.unwrap_or(false),
            auth: crate::oidc::settings::parse(raw.auth)?,
        })
    }
}

fn parse_pusher(p: RawPusher) -> Result<PusherConfig, ConfigError> {
    let key = p.key.unwrap_or_default().trim().to_string();
    if key.is_empty() {
        return Err(ConfigError(
            "pusher.key is missing (set \"pusher\": null to turn realtime off)".into(),
        ));
    }
    let ws_host = p
        .ws_host
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty());
    if let Some(host) = &ws_host {
        if host.contains('/') || host.contains(':') || host.contains(char::is_whitespace) {
            return Err(ConfigError(format!(
                "pusher.ws_host must be a bare host name, got {host:?}"
            )));
        }
    }
    if p.ws_port == Some(0) || p.wss_port == Some(0) {
        return Err(ConfigError(
            "pusher ports must be between 1 and 65535".into(),
        ));
    }
    let ws_path = p.ws_path.unwrap_or_default();
    if !ws_path.is_empty() && !ws_path.starts_with('/') {
        return Err(ConfigError(format!(
            "pusher.ws_path must start with '/', got {ws_path:?}"
        )));
    }
    let auth_endpoint = p
        .auth_endpoint
        .unwrap_or_else(|| "/api/v1/pusher/auth".to_string());
    if !auth_endpoint.starts_with('/') {
        return Err(ConfigError(format!(
            "pusher.auth_endpoint must be a path starting with '/', got {auth_endpoint:?}"
        )));
    }
    Ok(PusherConfig {
        key,
        cluster: p
            .cluster
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| "mt1".to_string()),
        ws_host,
        ws_port: p.ws_port,
        wss_port: p.wss_port,
        ws_path: ws_path.trim_end_matches('/').to_string(),
        force_tls: p.force_tls,
        auth_endpoint,
    })
}

/// "" stays "" (same origin). Otherwise an absolute http(s) URL; a trailing `/`
/// and a trailing `/api/v1` are removed because every path we call carries its
/// own prefix (the React app's `VITE_API_URL` rule).
fn normalize_base_url(field: &str, value: Option<&str>) -> Result<String, ConfigError> {
    let value = value.unwrap_or("").trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| {
            ConfigError(format!(
                "{field} must be empty (same origin) or start with http:// or https://, got {value:?}"
            ))
        })?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || rest.contains(['?', '#']) || value.contains(char::is_whitespace) {
        return Err(ConfigError(format!(
            "{field} is not a valid URL: {value:?}"
        )));
    }
    let mut url = value.trim_end_matches('/').to_string();
    if let Some(stripped) = url.strip_suffix("/api/v1") {
        url = stripped.to_string();
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_uses_same_origin_and_defaults() {
        let c = AppConfig::from_json("{}").unwrap();
        assert_eq!(c.api_base_url, "");
        assert_eq!(c.chat_api_base_url, "");
        assert_eq!(c.pusher, None);
        assert_eq!(c.refresh_interval_secs, 5.0);
    }

    #[test]
    fn a_crash_drill_needs_the_configuration_and_the_query() {
        let off = AppConfig::from_json("{}").unwrap();
        assert!(!off.crash_drill_requested("?crash-drill"), "off by default");
        let on = AppConfig::from_json(r#"{"crash_drill":true}"#).unwrap();
        assert!(on.crash_drill_requested("?crash-drill"));
        assert!(on.crash_drill_requested("?range=1h&crash-drill=1"));
        assert!(!on.crash_drill_requested("?range=1h"));
        assert!(!on.crash_drill_requested("?no-crash-drill"));
        assert!(!on.crash_drill_requested(""));
    }

    #[test]
    fn base_url_is_normalized() {
        let c =
            AppConfig::from_json(r#"{"api_base_url":"https://api.example.com/api/v1/"}"#).unwrap();
        assert_eq!(c.api_base_url, "https://api.example.com");
        assert_eq!(c.chat_api_base_url, "https://api.example.com");
    }

    #[test]
    fn chat_base_url_can_differ() {
        let c = AppConfig::from_json(
            r#"{"api_base_url":"","chat_api_base_url":"http://127.0.0.1:8000"}"#,
        )
        .unwrap();
        assert_eq!(c.chat_api_base_url, "http://127.0.0.1:8000");
    }

    #[test]
    fn pusher_settings_are_read_with_defaults() {
        let c = AppConfig::from_json(
            r#"{"pusher":{"key":"app-key","ws_host":"127.0.0.1","ws_port":6001,"force_tls":false}}"#,
        )
        .unwrap();
        let p = c.pusher.unwrap();
        assert_eq!(p.key, "app-key");
        assert_eq!(p.cluster, "mt1");
        assert_eq!(p.ws_host.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.ws_port, Some(6001));
        assert_eq!(p.auth_endpoint, "/api/v1/pusher/auth");
    }

    #[test]
    fn pusher_can_be_disabled() {
        let c = AppConfig::from_json(r#"{"pusher":{"enabled":false}}"#).unwrap();
        assert_eq!(c.pusher, None);
        let c = AppConfig::from_json(r#"{"pusher":null}"#).unwrap();
        assert_eq!(c.pusher, None);
    }

    #[test]
    fn invalid_configs_are_rejected_with_a_reason() {
        let cases = [
            ("", "not valid JSON"),
            ("<html>", "not valid JSON"),
            ("[]", "JSON object"),
            (r#"{"api_base_url":"ftp://x"}"#, "http://"),
            (r#"{"api_base_url":"https://"}"#, "not a valid URL"),
            (r#"{"api_base_url":"https://a b"}"#, "not a valid URL"),
            (r#"{"api_base_url":42}"#, "wrong value"),
            (r#"{"refresh_interval_secs":0}"#, "refresh_interval_secs"),
            (r#"{"refresh_interval_secs":-5}"#, "refresh_interval_secs"),
            (r#"{"pusher":{"cluster":"eu"}}"#, "pusher.key"),
            (
                r#"{"pusher":{"key":"k","ws_host":"http://x"}}"#,
                "bare host",
            ),
            (r#"{"pusher":{"key":"k","ws_port":0}}"#, "ports"),
            (r#"{"pusher":{"key":"k","ws_path":"x"}}"#, "ws_path"),
            (
                r#"{"pusher":{"key":"k","auth_endpoint":"https://evil"}}"#,
                "auth_endpoint",
            ),
        ];
        for (json, needle) in cases {
            let err = AppConfig::from_json(json).expect_err(json);
            assert!(err.0.contains(needle), "{json}: {err} lacks {needle}");
        }
    }
}
