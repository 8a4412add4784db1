//! The provider's endpoints, from its discovery document
//! (`{issuer}/.well-known/openid-configuration`, OpenID Connect Discovery 1.0).

use super::settings::secure_url;
use super::OidcError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where the provider's endpoints are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderEndpoints {
    /// The issuer, exactly as configured.
    pub issuer: String,
    /// Where the browser goes to sign in.
    pub authorization_endpoint: String,
    /// Where codes and refresh tokens are exchanged.
    pub token_endpoint: String,
    /// RP-initiated logout, when the provider has it.
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    /// Token revocation (RFC 7009), when the provider has it.
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
}

impl ProviderEndpoints {
    /// Reads a discovery document for the configured `issuer`.
    pub fn from_discovery(document: &Value, issuer: &str) -> Result<ProviderEndpoints, OidcError> {
        let text = |key: &str| {
            document
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let url = |key: &str| -> Result<Option<String>, OidcError> {
            secure_url(key, text(key)).map_err(|e| OidcError::Discovery(e.0))
        };
        let named = text("issuer")
            .ok_or_else(|| OidcError::Discovery("the discovery document names no issuer".into()))?;
        // Discovery §4.3: the document must be the configured issuer's own.
        if named.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return Err(OidcError::Discovery(format!(
                "the discovery document is for {named}, not {issuer}"
            )));
        }
        let supports = |key: &str, wanted: &str| match document.get(key) {
            Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(wanted)),
            _ => true, // not advertised: assume the defaults
        };
        if !supports("response_types_supported", "code") {
            return Err(OidcError::Discovery(
                "the provider does not offer the code flow".into(),
            ));
        }
        if !supports("code_challenge_methods_supported", "S256") {
            return Err(OidcError::Discovery(
                "the provider does not offer PKCE with S256".into(),
            ));
        }
        let missing =
            |key: &str| OidcError::Discovery(format!("the discovery document has no {key}"));
        Ok(ProviderEndpoints {
            issuer: issuer.trim_end_matches('/').to_string(),
            authorization_endpoint: url("authorization_endpoint")?
                .ok_or_else(|| missing("authorization_endpoint"))?,
            token_endpoint: url("token_endpoint")?.ok_or_else(|| missing("token_endpoint"))?,
            end_session_endpoint: url("end_session_endpoint")?,
            revocation_endpoint: url("revocation_endpoint")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({
            "issuer": "https://idp.example.com",
            "authorization_endpoint": "https://idp.example.com/auth",
            "token_endpoint": "https://idp.example.com/token",
            "end_session_endpoint": "https://idp.example.com/session/end",
            "response_types_supported": ["code", "id_token"],
            "code_challenge_methods_supported": ["S256"]
        })
    }

    #[test]
    fn reads_the_endpoints() {
        let e = ProviderEndpoints::from_discovery(&document(), "https://idp.example.com").unwrap();
        assert_eq!(e.token_endpoint, "https://idp.example.com/token");
        assert_eq!(
            e.end_session_endpoint.as_deref(),
            Some("https://idp.example.com/session/end")
        );
        assert_eq!(e.revocation_endpoint, None);
    }

    #[test]
    fn refuses_another_issuers_document_or_an_unusable_one() {
        assert!(matches!(
            ProviderEndpoints::from_discovery(&document(), "https://other.example.com"),
            Err(OidcError::Discovery(_))
        ));
        let mut plain = document();
        plain["code_challenge_methods_supported"] = json!(["plain"]);
        assert!(ProviderEndpoints::from_discovery(&plain, "https://idp.example.com").is_err());
        let mut insecure = document();
        insecure["token_endpoint"] = json!("http://idp.example.com/token");
        assert!(ProviderEndpoints::from_discovery(&insecure, "https://idp.example.com").is_err());
        let mut missing = document();
        missing
            .as_object_mut()
            .unwrap()
            .remove("authorization_endpoint");
        assert!(ProviderEndpoints::from_discovery(&missing, "https://idp.example.com").is_err());
        assert!(
            ProviderEndpoints::from_discovery(&json!("html"), "https://idp.example.com").is_err()
        );
    }
}
