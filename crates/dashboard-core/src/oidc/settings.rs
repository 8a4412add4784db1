//! `app-config.json`'s `auth` section: `{"mode": "password"}` (the default) or
//! hosted sign-in at an OpenID provider.
//!
//! ```json
//! "auth": {
//!   "mode": "oidc",
//!   "issuer": "https://clerk.example.com",
//!   "client_id": "toolboxai-dashboard",
//!   "scopes": "openid profile email offline_access",
//!   "audience": "https://api.toolboxai.app",
//!   "provider_name": "ToolBoxAI Identity",
//!   "sign_up_url": "https://accounts.example.com/sign-up"
//! }
//! ```

use crate::config::ConfigError;
use serde::Deserialize;
use serde_json::Value;

/// How users sign in.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum AuthMode {
    /// The dashboard's own form, against the backend's `/api/v1/auth/login`.
    #[default]
    Password,
    /// Hosted sign-in at an OpenID provider.
    Oidc(OidcSettings),
}

/// A provider, as the deployment registered the dashboard there.
#[derive(Debug, Clone, PartialEq)]
pub struct OidcSettings {
    /// The issuer URL, without a trailing `/` (discovery is `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    /// The dashboard's client id (a public client: no secret).
    pub client_id: String,
    /// Space-separated scopes; always includes `openid`.
    pub scopes: String,
    /// Sent as `audience` (Auth0's way of asking for a JWT for the API).
    pub audience: Option<String>,
    /// Sent as `resource` (RFC 8707, e.g. Entra ID v1, oidc-provider).
    pub resource: Option<String>,
    /// Shown on the button: "Sign in with {provider_name}".
    pub provider_name: String,
    /// The provider's registration page, when it offers one.
    pub sign_up_url: Option<String>,
}

impl AuthMode {
    /// The provider's settings in OIDC mode.
    pub fn oidc(&self) -> Option<&OidcSettings> {
        match self {
            AuthMode::Oidc(settings) => Some(settings),
            AuthMode::Password => None,
        }
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct RawAuth {
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    scopes: Option<Value>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    sign_up_url: Option<String>,
}

const DEFAULT_SCOPES: &str = "openid profile email offline_access";

pub(crate) fn parse(raw: Option<RawAuth>) -> Result<AuthMode, ConfigError> {
    let raw = raw.unwrap_or_default();
    match raw.mode.as_deref().map(str::trim) {
        None | Some("" | "password") => Ok(AuthMode::Password),
        Some("oidc") => parse_oidc(raw).map(AuthMode::Oidc),
        Some(other) => Err(ConfigError(format!(
            "auth.mode must be \"password\" or \"oidc\", got {other:?}"
        ))),
    }
}

fn parse_oidc(raw: RawAuth) -> Result<OidcSettings, ConfigError> {
    let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let issuer = secure_url("auth.issuer", text(raw.issuer))?
        .ok_or_else(|| ConfigError("auth.issuer is missing (the provider's issuer URL)".into()))?;
    let client_id =
        text(raw.client_id).ok_or_else(|| ConfigError("auth.client_id is missing".into()))?;
    let mut scopes: Vec<String> = match raw.scopes {
        None | Some(Value::Null) => DEFAULT_SCOPES.split(' ').map(String::from).collect(),
        Some(Value::String(s)) => s.split_whitespace().map(String::from).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ConfigError("auth.scopes must hold text only".into()))?,
        Some(_) => {
            return Err(ConfigError(
                "auth.scopes must be a space-separated text or a list".into(),
            ))
        }
    };
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    Ok(OidcSettings {
        issuer: issuer.trim_end_matches('/').to_string(),
        client_id,
        scopes: scopes.join(" "),
        audience: text(raw.audience),
        resource: text(raw.resource),
        provider_name: text(raw.provider_name).unwrap_or_else(|| "single sign-on".into()),
        sign_up_url: secure_url("auth.sign_up_url", text(raw.sign_up_url))?,
    })
}

/// An `https://` URL, or `http://` on this machine (a local provider).
pub(crate) fn secure_url(
    field: &str,
    value: Option<String>,
) -> Result<Option<String>, ConfigError> {
    let Some(value) = value else { return Ok(None) };
    let bad = || {
        ConfigError(format!(
            "{field} must be an https:// URL (http:// only on localhost), got {value:?}"
        ))
    };
    let (scheme, rest) = value.split_once("://").ok_or_else(bad)?;
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.find(']') {
        Some(end) if host_port.starts_with('[') => &host_port[..=end],
        _ => host_port.split(':').next().unwrap_or(""),
    };
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    let ok = !host.is_empty()
        && !host_port.contains('@')
        && !value.contains(char::is_whitespace)
        && (scheme == "https" || (scheme == "http" && local));
    if ok {
        Ok(Some(value))
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(v: Value) -> Option<RawAuth> {
        Some(serde_json::from_value(v).unwrap())
    }

    #[test]
    fn password_is_the_default() {
        assert_eq!(parse(None).unwrap(), AuthMode::Password);
        assert_eq!(
            parse(raw(json!({ "mode": "password" }))).unwrap(),
            AuthMode::Password
        );
        assert!(parse(raw(json!({ "mode": "saml" }))).is_err());
    }

    #[test]
    fn an_oidc_provider_with_defaults() {
        let mode = parse(raw(json!({
            "mode": "oidc", "issuer": "https://idp.example.com/", "client_id": "dash"
        })))
        .unwrap();
        let s = mode.oidc().unwrap();
        assert_eq!(s.issuer, "https://idp.example.com");
        assert_eq!(s.scopes, "openid profile email offline_access");
        assert_eq!(s.provider_name, "single sign-on");
        assert_eq!(s.audience, None);
    }

    #[test]
    fn scopes_always_include_openid() {
        let mode = parse(raw(json!({
            "mode": "oidc", "issuer": "http://127.0.0.1:9090", "client_id": "d",
            "scopes": ["email", "offline_access"], "resource": "urn:toolboxai:api"
        })))
        .unwrap();
        assert_eq!(mode.oidc().unwrap().scopes, "openid email offline_access");
        assert_eq!(
            mode.oidc().unwrap().resource.as_deref(),
            Some("urn:toolboxai:api")
        );
    }

    #[test]
    fn insecure_or_missing_values_are_configuration_errors() {
        for bad in [
            json!({ "mode": "oidc", "client_id": "d" }),
            json!({ "mode": "oidc", "issuer": "http://idp.example.com", "client_id": "d" }),
            json!({ "mode": "oidc", "issuer": "https://user@idp.example.com", "client_id": "d" }),
            json!({ "mode": "oidc", "issuer": "idp.example.com", "client_id": "d" }),
            json!({ "mode": "oidc", "issuer": "https://idp.example.com" }),
            json!({ "mode": "oidc", "issuer": "https://idp.example.com", "client_id": "d", "scopes": 3 }),
            json!({ "mode": "oidc", "issuer": "https://idp.example.com", "client_id": "d", "sign_up_url": "javascript:alert(1)" }),
        ] {
            assert!(parse(raw(bad.clone())).is_err(), "{bad}");
        }
        assert!(parse(raw(
            json!({ "mode": "oidc", "issuer": "http://localhost:9090", "client_id": "d" })
        ))
        .is_ok());
    }
}
