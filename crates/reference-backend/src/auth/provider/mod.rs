//! Access tokens from an OpenID provider (Clerk, Auth0, Keycloak, Entra ID, or
//! the local stack's oidc-provider), accepted as bearer tokens beside the
//! backend's own: a JWT signed with one of the provider's keys, its algorithm
//! one of the pinned ones, its `iss`, `aud`, `exp` and `nbf` checked. The
//! user is the provider's subject; the first token seen creates their record.

pub mod accounts;
pub mod keys;
pub mod roles;

use crate::auth::Role;
use crate::settings::Settings;
use jsonwebtoken::{decode, decode_header, Algorithm, Validation};
use keys::{KeyError, ProviderKeys};
use roles::RoleMapping;
use serde_json::Value;
use std::str::FromStr;

/// Clock difference tolerated between the provider and this server.
const LEEWAY_SECS: u64 = 30;

/// Who a valid provider token speaks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderIdentity {
    pub issuer: String,
    pub subject: String,
    /// A name to show and to find the user by: `preferred_username`, else the
    /// email's local part, else the subject.
    pub username: String,
    pub email: Option<String>,
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderTokenError {
    Expired,
    Invalid,
    /// The provider's keys could not be fetched.
    Unavailable(String),
}

pub struct ProviderAuth {
    issuer: String,
    /// `None`: the provider's tokens carry no `aud`; `clients` binds them instead.
    audience: Option<String>,
    /// Accepted `client_id`/`azp` values; empty: any.
    clients: Vec<String>,
    algorithms: Vec<Algorithm>,
    roles: RoleMapping,
    keys: ProviderKeys,
}

impl ProviderAuth {
    /// `None` when no provider is configured.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<ProviderAuth>> {
        let Some(issuer) = settings
            .oidc_issuer
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
        else {
            return Ok(None);
        };
        let issuer = issuer.trim_end_matches('/').to_string();
        let algorithms = settings
            .oidc_algorithms
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                let alg = Algorithm::from_str(a)
                    .map_err(|_| anyhow::anyhow!("OIDC_ALGORITHMS: {a:?} is not a JWS algorithm"))?;
                anyhow::ensure!(
                    !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512),
                    "OIDC_ALGORITHMS: {a} is symmetric; a provider's tokens are verified with its public keys"
                );
                Ok(alg)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        anyhow::ensure!(!algorithms.is_empty(), "OIDC_ALGORITHMS names no algorithm");
        let audience = Some(settings.oidc_audience.trim().to_string()).filter(|a| !a.is_empty());
        let clients: Vec<String> = settings
            .oidc_client_ids
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect();
        anyhow::ensure!(
            audience.is_some() || !clients.is_empty(),
            "OIDC_AUDIENCE is empty: set OIDC_CLIENT_IDS, so that only tokens issued to the dashboard are accepted"
        );
        Ok(Some(ProviderAuth {
            keys: ProviderKeys::new(&issuer)?,
            issuer,
            audience,
            clients,
            algorithms,
            roles: RoleMapping::new(
                &settings.oidc_role_claim,
                &settings.oidc_role_map,
                &settings.oidc_default_role,
            )?,
        }))
    }

    /// Whether `token` is meant for this verifier rather than the backend's own
    /// (which are always HS256): its header names an asymmetric algorithm.
    pub fn claims_token(token: &str) -> bool {
        decode_header(token).is_ok_and(|h| {
            !matches!(
                h.alg,
                Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
            )
        })
    }

    pub async fn verify(&self, token: &str) -> Result<ProviderIdentity, ProviderTokenError> {
        let header = decode_header(token).map_err(|_| ProviderTokenError::Invalid)?;
        if !self.algorithms.contains(&header.alg) {
            return Err(ProviderTokenError::Invalid);
        }
        let key = self
            .keys
            .key_for(header.kid.as_deref(), unverified_issued_at(token))
            .await
            .map_err(|e| match e {
                KeyError::Unknown => ProviderTokenError::Invalid,
                KeyError::Unreachable(why) => ProviderTokenError::Unavailable(why),
            })?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = self.algorithms.clone();
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        // Some issuers end in "/" (Auth0), some do not: the configured one is kept without.
        validation.set_issuer(&[self.issuer.clone(), format!("{}/", self.issuer)]);
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            }
            None => {
                validation.validate_aud = false;
                validation.set_required_spec_claims(&["exp", "iss", "sub"]);
            }
        }
        let claims = decode::<Value>(token, &key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => ProviderTokenError::Expired,
                _ => ProviderTokenError::Invalid,
            })?
            .claims;
        if !issued_to(&claims, &self.clients) {
            return Err(ProviderTokenError::Invalid);
        }
        self.identity(&claims).ok_or(ProviderTokenError::Invalid)
    }

    fn identity(&self, claims: &Value) -> Option<ProviderIdentity> {
        let text = |key: &str| {
            claims
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let subject = text("sub")?;
        let email = text("email");
        let username = text("preferred_username")
            .or_else(|| text("username"))
            .or_else(|| {
                email
                    .as_deref()
                    .and_then(|e| e.split('@').next())
                    .map(String::from)
            })
            .unwrap_or_else(|| subject.clone());
        Some(ProviderIdentity {
            issuer: self.issuer.clone(),
            display_name: text("name").unwrap_or_else(|| username.clone()),
            subject,
            username,
            email,
            role: self.roles.role(claims),
        })
    }
}

/// The token's `iat` before its signature is checked: only a hint for when its
/// key may have been published ([`keys::may_refetch`]), never trusted for more.
fn unverified_issued_at(token: &str) -> Option<i64> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iat")?.as_f64().map(|iat| iat as i64)
}

/// Whether the token was issued to one of `clients` (its `client_id`, RFC 9068,
/// or `azp`); any client when none are configured.
fn issued_to(claims: &Value, clients: &[String]) -> bool {
    clients.is_empty()
        || ["client_id", "azp"].iter().any(|key| {
            claims
                .get(*key)
                .and_then(Value::as_str)
                .is_some_and(|id| clients.iter().any(|c| c == id))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_issued_at_hint_is_read_without_trusting_the_token() {
        use base64::Engine;
        let part =
            |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let token = |payload: &str| format!("{}.{payload}.sig", part(json!({ "alg": "RS256" })));
        assert_eq!(
            unverified_issued_at(&token(&part(json!({ "iat": 1_700_000_000 })))),
            Some(1_700_000_000)
        );
        assert_eq!(
            unverified_issued_at(&token(&part(json!({ "iat": 1.5e9 })))),
            Some(1_500_000_000)
        );
        assert_eq!(
            unverified_issued_at(&token(&part(json!({ "iat": "soon" })))),
            None
        );
        assert_eq!(unverified_issued_at(&token("not base64!")), None);
        assert_eq!(unverified_issued_at("no-dots"), None);
    }

    #[test]
    fn a_token_is_bound_to_the_configured_clients() {
        let dashboard = vec!["dash".to_string()];
        assert!(issued_to(&json!({ "client_id": "dash" }), &dashboard));
        assert!(
            issued_to(&json!({ "azp": "dash" }), &dashboard),
            "Clerk's azp"
        );
        assert!(!issued_to(&json!({ "client_id": "other-app" }), &dashboard));
        assert!(!issued_to(&json!({}), &dashboard));
        assert!(issued_to(&json!({}), &[]), "no binding configured");
    }

    #[test]
    fn settings_refuse_what_would_accept_any_token() {
        let mut settings = Settings::for_tests();
        settings.oidc_issuer = Some("https://idp.example.com/".into());
        assert!(ProviderAuth::from_settings(&settings).unwrap().is_some());
        settings.oidc_audience = String::new();
        assert!(
            ProviderAuth::from_settings(&settings).is_err(),
            "no audience and no client binding"
        );
        settings.oidc_client_ids = "dash".into();
        assert!(ProviderAuth::from_settings(&settings).unwrap().is_some());
        settings.oidc_algorithms = "HS256".into();
        assert!(ProviderAuth::from_settings(&settings).is_err(), "symmetric");
        settings.oidc_algorithms = "RS256".into();
        settings.oidc_role_map = "x=root".into();
        assert!(
            ProviderAuth::from_settings(&settings).is_err(),
            "unknown role"
        );
    }

    #[test]
    fn no_issuer_no_provider() {
        assert!(ProviderAuth::from_settings(&Settings::for_tests())
            .unwrap()
            .is_none());
    }
}
