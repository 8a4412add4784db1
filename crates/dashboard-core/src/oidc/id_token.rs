//! The ID token's claims (OpenID Connect Core §3.1.3.7). It comes straight
//! from the token endpoint over TLS to this client, which Core §3.1.3.7 (6)
//! lets stand in for checking its signature; the claims are checked here.

use super::OidcError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// Clock difference tolerated between the provider and this browser.
pub const LEEWAY_MS: f64 = 60_000.0;

/// Checks `id_token` was issued by `issuer`, for `client_id`, in answer to
/// the request that carried `nonce`, and has not expired.
pub fn check(
    id_token: &str,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now_ms: f64,
) -> Result<(), OidcError> {
    let bad = |why: &str| Err(OidcError::IdToken(why.into()));
    let Some(claims) = payload(id_token) else {
        return bad("it is not a readable JWT");
    };
    let text = |key: &str| claims.get(key).and_then(Value::as_str);
    if text("iss").map(|i| i.trim_end_matches('/')) != Some(issuer.trim_end_matches('/')) {
        return bad("it was issued by another provider");
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !audiences.contains(&client_id) {
        return bad("it was issued for another application");
    }
    if audiences.len() > 1 && text("azp").is_some_and(|azp| azp != client_id) {
        return bad("it was issued for another application");
    }
    if text("nonce") != Some(nonce) {
        return bad("it does not answer this sign-in");
    }
    match claims.get("exp").and_then(Value::as_f64) {
        Some(exp) if exp * 1000.0 + LEEWAY_MS > now_ms => {}
        Some(_) => return bad("it has expired (is this device's clock right?)"),
        None => return bad("it has no expiry"),
    }
    if claims
        .get("sub")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return bad("it names no user");
    }
    Ok(())
}

fn payload(jwt: &str) -> Option<Value> {
    let mut parts = jwt.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok().filter(Value::is_object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(claims: Value) -> String {
        let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.sig", part(&json!({ "alg": "RS256" })), part(&claims))
    }

    fn good() -> Value {
        json!({ "iss": "https://idp.example.com", "aud": "dash", "nonce": "n1", "exp": 2_000, "sub": "u1" })
    }

    const NOW: f64 = 1_000_000.0; // 1,000 s

    #[test]
    fn a_good_token_passes() {
        assert_eq!(
            check(&jwt(good()), "https://idp.example.com/", "dash", "n1", NOW),
            Ok(())
        );
        let mut listed = good();
        listed["aud"] = json!(["dash", "api"]);
        listed["azp"] = json!("dash");
        assert_eq!(
            check(&jwt(listed), "https://idp.example.com", "dash", "n1", NOW),
            Ok(())
        );
    }

    #[test]
    fn each_wrong_claim_is_refused() {
        for (key, value) in [
            ("iss", json!("https://evil.example.com")),
            ("aud", json!("other-app")),
            ("nonce", json!("replayed")),
            ("exp", json!(900)),
            ("sub", json!("")),
        ] {
            let mut claims = good();
            claims[key] = value;
            assert!(
                matches!(
                    check(&jwt(claims), "https://idp.example.com", "dash", "n1", NOW),
                    Err(OidcError::IdToken(_))
                ),
                "{key}"
            );
        }
        let mut missing_exp = good();
        missing_exp.as_object_mut().unwrap().remove("exp");
        assert!(check(
            &jwt(missing_exp),
            "https://idp.example.com",
            "dash",
            "n1",
            NOW
        )
        .is_err());
        let mut other_azp = good();
        other_azp["aud"] = json!(["dash", "api"]);
        other_azp["azp"] = json!("api");
        assert!(check(
            &jwt(other_azp),
            "https://idp.example.com",
            "dash",
            "n1",
            NOW
        )
        .is_err());
        assert!(check("not.a-jwt", "https://idp.example.com", "dash", "n1", NOW).is_err());
        assert!(check("", "https://idp.example.com", "dash", "n1", NOW).is_err());
    }
}
