//! The authorization code round trip, from the button to the tokens.

use super::pkce;
use super::{OidcError, OidcSettings, ProviderEndpoints};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A sign-in older than this is refused when its answer arrives.
pub const MAX_AGE_MS: f64 = 10.0 * 60.0 * 1000.0;

/// Query or form parameters, in order (the glue encodes them).
pub type Params = Vec<(&'static str, String)>;

/// A sign-in under way: what the callback is checked against. Kept in this
/// tab's sessionStorage for the round trip only, taken out when the answer
/// arrives (so a replayed callback finds nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingSignIn {
    /// Binds the answer to this request (CSRF).
    pub state: String,
    /// Binds the ID token to this request (replay).
    pub nonce: String,
    /// The PKCE code verifier; only its S256 challenge leaves the browser before the exchange.
    pub verifier: String,
    /// Where the user wanted to go (a validated same-origin path).
    pub return_to: String,
    /// This origin's callback URL, as registered at the provider.
    pub redirect_uri: String,
    /// When the sign-in started (ms since the epoch).
    pub started_at_ms: f64,
    /// The provider's endpoints, as discovered when it started.
    pub endpoints: ProviderEndpoints,
}

/// Three values from the browser's CSPRNG: state, nonce, verifier.
pub struct Randomness(pub [u8; 32], pub [u8; 32], pub [u8; 32]);

/// Starts a sign-in: the pending record and the authorization request's parameters.
pub fn begin(
    settings: &OidcSettings,
    endpoints: ProviderEndpoints,
    redirect_uri: &str,
    return_to: &str,
    random: &Randomness,
    now_ms: f64,
) -> (PendingSignIn, Params) {
    let pending = PendingSignIn {
        state: pkce::random_value(&random.0),
        nonce: pkce::random_value(&random.1),
        verifier: pkce::random_value(&random.2),
        return_to: return_to.to_string(),
        redirect_uri: redirect_uri.to_string(),
        started_at_ms: now_ms,
        endpoints,
    };
    let mut params: Params = vec![
        ("response_type", "code".into()),
        ("client_id", settings.client_id.clone()),
        ("redirect_uri", pending.redirect_uri.clone()),
        ("scope", settings.scopes.clone()),
        ("state", pending.state.clone()),
        ("nonce", pending.nonce.clone()),
        ("code_challenge", pkce::challenge(&pending.verifier)),
        ("code_challenge_method", "S256".into()),
    ];
    if let Some(audience) = &settings.audience {
        params.push(("audience", audience.clone()));
    }
    if let Some(resource) = &settings.resource {
        params.push(("resource", resource.clone()));
    }
    (pending, params)
}

/// Checks the provider's answer on the callback URL (its query parameters)
/// against the pending sign-in; the authorization code when all is well.
pub fn read_callback(
    query: &[(String, String)],
    pending: Option<&PendingSignIn>,
    now_ms: f64,
) -> Result<String, OidcError> {
    let get = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let pending = pending.ok_or(OidcError::NoPendingSignIn)?;
    if get("state") != Some(pending.state.as_str()) {
        return Err(OidcError::StateMismatch);
    }
    if let Some(iss) = get("iss") {
        if iss.trim_end_matches('/') != pending.endpoints.issuer {
            return Err(OidcError::IssuerMismatch);
        }
    }
    if !(0.0..=MAX_AGE_MS).contains(&(now_ms - pending.started_at_ms)) {
        return Err(OidcError::Expired);
    }
    if let Some(error) = get("error") {
        return Err(OidcError::Denied {
            error: error.to_string(),
            description: get("error_description").map(String::from),
        });
    }
    get("code")
        .filter(|c| !c.is_empty())
        .map(String::from)
        .ok_or(OidcError::MissingCode)
}

/// The code exchange's form body (a public client: the verifier, no secret).
pub fn token_request(client_id: &str, pending: &PendingSignIn, code: &str) -> Params {
    vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.to_string()),
        ("redirect_uri", pending.redirect_uri.clone()),
        ("client_id", client_id.to_string()),
        ("code_verifier", pending.verifier.clone()),
    ]
}

/// The refresh-token grant's form body.
pub fn refresh_request(client_id: &str, refresh_token: &str) -> Params {
    vec![
        ("grant_type", "refresh_token".into()),
        ("refresh_token", refresh_token.to_string()),
        ("client_id", client_id.to_string()),
    ]
}

/// The revocation request's form body (RFC 7009).
pub fn revocation_request(client_id: &str, refresh_token: &str) -> Params {
    vec![
        ("token", refresh_token.to_string()),
        ("token_type_hint", "refresh_token".into()),
        ("client_id", client_id.to_string()),
    ]
}

/// RP-initiated logout's query: back to `post_logout_redirect_uri` afterwards.
pub fn end_session_request(
    client_id: &str,
    id_token_hint: Option<&str>,
    post_logout_redirect_uri: &str,
) -> Params {
    let mut params: Params = vec![
        ("client_id", client_id.to_string()),
        (
            "post_logout_redirect_uri",
            post_logout_redirect_uri.to_string(),
        ),
    ];
    if let Some(hint) = id_token_hint {
        params.push(("id_token_hint", hint.to_string()));
    }
    params
}

/// A token endpoint's refusal, in words (`invalid_grant: grant request is invalid`).
pub fn token_error(body: &Value) -> String {
    let error = body.get("error").and_then(Value::as_str).unwrap_or("error");
    match body.get("error_description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{error}: {d}"),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OidcSettings {
        OidcSettings {
            issuer: "https://idp.example.com".into(),
            client_id: "dash".into(),
            scopes: "openid profile".into(),
            audience: Some("https://api.example.com".into()),
            resource: None,
            provider_name: "Example".into(),
            sign_up_url: None,
        }
    }

    fn endpoints() -> ProviderEndpoints {
        ProviderEndpoints {
            issuer: "https://idp.example.com".into(),
            authorization_endpoint: "https://idp.example.com/auth".into(),
            token_endpoint: "https://idp.example.com/token".into(),
            end_session_endpoint: None,
            revocation_endpoint: None,
        }
    }

    fn started() -> (PendingSignIn, Params) {
        begin(
            &settings(),
            endpoints(),
            "https://dash.example.com/auth/callback",
            "/observability?interval=10s#cpu",
            &Randomness([1; 32], [2; 32], [3; 32]),
            1_000.0,
        )
    }

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_request_carries_state_nonce_and_an_s256_challenge_never_the_verifier() {
        let (pending, params) = started();
        let get = |k: &str| {
            params
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("state"), Some(pending.state.clone()));
        assert_eq!(get("nonce"), Some(pending.nonce.clone()));
        assert_eq!(
            get("code_challenge"),
            Some(pkce::challenge(&pending.verifier))
        );
        assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
        assert_eq!(get("audience").as_deref(), Some("https://api.example.com"));
        assert!(params.iter().all(|(_, v)| *v != pending.verifier));
        assert_ne!(pending.state, pending.nonce);
        assert_eq!(pending.return_to, "/observability?interval=10s#cpu");
    }

    #[test]
    fn a_matching_answer_gives_the_code() {
        let (pending, _) = started();
        let answer = query(&[
            ("code", "c1"),
            ("state", &pending.state),
            ("iss", "https://idp.example.com"),
        ]);
        assert_eq!(
            read_callback(&answer, Some(&pending), 2_000.0),
            Ok("c1".into())
        );
    }

    #[test]
    fn every_wrong_answer_is_its_own_error() {
        let (pending, _) = started();
        let state = pending.state.clone();
        let check =
            |pairs: &[(&str, &str)], now: f64| read_callback(&query(pairs), Some(&pending), now);
        assert_eq!(
            read_callback(&query(&[("code", "c"), ("state", &state)]), None, 2_000.0),
            Err(OidcError::NoPendingSignIn)
        );
        assert_eq!(
            check(&[("code", "c"), ("state", "forged")], 2_000.0),
            Err(OidcError::StateMismatch)
        );
        assert_eq!(
            check(&[("code", "c")], 2_000.0),
            Err(OidcError::StateMismatch)
        );
        assert_eq!(
            check(
                &[
                    ("code", "c"),
                    ("state", &state),
                    ("iss", "https://evil.example.com")
                ],
                2_000.0
            ),
            Err(OidcError::IssuerMismatch)
        );
        assert_eq!(
            check(
                &[("code", "c"), ("state", &state)],
                1_000.0 + MAX_AGE_MS + 1.0
            ),
            Err(OidcError::Expired)
        );
        assert_eq!(
            check(&[("error", "access_denied"), ("state", &state)], 2_000.0),
            Err(OidcError::Denied {
                error: "access_denied".into(),
                description: None
            })
        );
        assert_eq!(
            check(&[("state", &state)], 2_000.0),
            Err(OidcError::MissingCode)
        );
    }

    #[test]
    fn the_exchange_sends_the_verifier_and_the_same_redirect_uri() {
        let (pending, _) = started();
        let body = token_request("dash", &pending, "c1");
        assert!(body.contains(&("code_verifier", pending.verifier.clone())));
        assert!(body.contains(&(
            "redirect_uri",
            "https://dash.example.com/auth/callback".into()
        )));
        assert!(body.contains(&("client_id", "dash".into())));
    }

    #[test]
    fn refusals_read_as_words() {
        assert_eq!(
            token_error(
                &serde_json::json!({ "error": "invalid_grant", "error_description": "grant request is invalid" })
            ),
            "invalid_grant: grant request is invalid"
        );
        assert_eq!(token_error(&serde_json::json!("html")), "error");
    }
}
