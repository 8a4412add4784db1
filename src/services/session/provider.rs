//! Talking to an OpenID provider from the browser: discovery, the token
//! endpoint (code exchange and refresh, form-encoded, CORS), revocation, and
//! the end-session URL. What to send and how to read answers is
//! `dashboard_core::oidc`'s; this is only the I/O.

use dashboard_core::oidc::flow::{self, Params};
use dashboard_core::oidc::{OidcError, ProviderEndpoints};
use dashboard_core::session::ProviderSession;
use gloo_net::http::Request;
use serde_json::Value;
use web_sys::{RequestCredentials, UrlSearchParams};

/// How a token endpoint call ended.
pub(crate) enum TokenAnswer {
    /// 200 with a JSON body.
    Granted(Value),
    /// The provider refused (400/401): the grant or code is not accepted.
    Refused(String),
    /// No answer, or a 5xx: try again later.
    Unavailable(String),
}

/// `params` as `application/x-www-form-urlencoded` (also a URL's query).
pub(crate) fn encode(params: &Params) -> String {
    let Ok(search) = UrlSearchParams::new() else {
        return String::new();
    };
    for (key, value) in params {
        search.append(key, value);
    }
    search.to_string().into()
}

/// `base` with `params` as its query.
pub(crate) fn with_query(base: &str, params: &Params) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{}", encode(params))
}

/// The provider's endpoints, from its discovery document.
pub(crate) async fn discover(issuer: &str) -> Result<ProviderEndpoints, OidcError> {
    let url = format!("{issuer}/.well-known/openid-configuration");
    let response = Request::get(&url)
        .credentials(RequestCredentials::Omit)
        .send()
        .await
        // A wrong issuer often looks the same as a provider that is down: the
        // browser hides a CORS-less 404. Say where we looked.
        .map_err(|_| {
            OidcError::Unreachable(format!(
                "no answer from {url}; is auth.issuer in app-config.json right?"
            ))
        })?;
    if !response.ok() {
        return Err(OidcError::Discovery(format!(
            "{url} answered HTTP {}",
            response.status()
        )));
    }
    let document: Value = response
        .json()
        .await
        .map_err(|_| OidcError::Discovery(format!("{url} is not JSON")))?;
    ProviderEndpoints::from_discovery(&document, issuer)
}

/// POSTs a form to the token endpoint.
pub(crate) async fn token_call(token_endpoint: &str, params: &Params) -> TokenAnswer {
    let request = Request::post(token_endpoint)
        .credentials(RequestCredentials::Omit)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(encode(params));
    let response = match request {
        Ok(r) => r.send().await,
        Err(e) => return TokenAnswer::Unavailable(e.to_string()),
    };
    let Ok(response) = response else {
        return TokenAnswer::Unavailable("the sign-in provider did not answer".into());
    };
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    match status {
        200 => TokenAnswer::Granted(body),
        400 | 401 | 403 => TokenAnswer::Refused(flow::token_error(&body)),
        _ => TokenAnswer::Unavailable(format!("the sign-in provider answered HTTP {status}")),
    }
}

/// Revokes the refresh token at the provider, when it offers revocation (best effort).
pub(crate) async fn revoke(provider: &ProviderSession, refresh_token: &str) {
    let Some(endpoint) = &provider.endpoints.revocation_endpoint else {
        return;
    };
    let body = encode(&flow::revocation_request(
        &provider.client_id,
        refresh_token,
    ));
    if let Ok(request) = Request::post(endpoint)
        .credentials(RequestCredentials::Omit)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
    {
        let _ = request.send().await;
    }
}

/// Where to send the browser to end the provider's session, coming back to
/// this origin's sign-in page; `None` when the provider has no such endpoint.
pub(crate) fn end_session_url(provider: &ProviderSession) -> Option<String> {
    let endpoint = provider.endpoints.end_session_endpoint.as_deref()?;
    let origin = web_sys::window()?.location().origin().ok()?;
    Some(with_query(
        endpoint,
        &flow::end_session_request(
            &provider.client_id,
            provider.id_token.as_deref(),
            &format!("{origin}/login"),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// `window.fetch` answers with `status` and `body` (a JSON text).
    fn respond(status: u16, body: &str) {
        let f = js_sys::Function::new_with_args(
            "input, init",
            &format!("return Promise.resolve(new Response({body:?}, {{status: {status}, headers: {{'Content-Type': 'application/json'}}}}));"),
        );
        let window = web_sys::window().unwrap();
        js_sys::Reflect::set(&window, &JsValue::from_str("fetch"), &f).unwrap();
    }

    #[wasm_bindgen_test]
    fn forms_and_queries_are_encoded_as_browsers_do() {
        let params: Params = vec![
            (
                "redirect_uri",
                "https://dash.example.com/auth/callback".into(),
            ),
            ("scope", "openid profile".into()),
            ("state", "a+b/c=".into()),
        ];
        assert_eq!(
            encode(&params),
            "redirect_uri=https%3A%2F%2Fdash.example.com%2Fauth%2Fcallback&scope=openid+profile&state=a%2Bb%2Fc%3D"
        );
        assert!(with_query("https://idp.example.com/auth", &params)
            .starts_with("https://idp.example.com/auth?redirect_uri="));
        assert!(
            with_query("https://idp.example.com/authorize?tenant=x", &params)
                .starts_with("https://idp.example.com/authorize?tenant=x&redirect_uri=")
        );
    }

    #[wasm_bindgen_test]
    async fn token_answers_are_sorted_into_granted_refused_and_unavailable() {
        respond(200, r#"{"access_token":"a","token_type":"Bearer"}"#);
        assert!(
            matches!(token_call("https://idp.example.com/token", &vec![]).await, TokenAnswer::Granted(v) if v["access_token"] == "a")
        );
        respond(
            400,
            r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
        );
        assert!(
            matches!(token_call("https://idp.example.com/token", &vec![]).await, TokenAnswer::Refused(why) if why == "invalid_grant: grant request is invalid")
        );
        respond(503, "{}");
        assert!(matches!(
            token_call("https://idp.example.com/token", &vec![]).await,
            TokenAnswer::Unavailable(_)
        ));
        let failing = js_sys::Function::new_no_args(
            "return Promise.reject(new TypeError('Failed to fetch'));",
        );
        js_sys::Reflect::set(
            &web_sys::window().unwrap(),
            &JsValue::from_str("fetch"),
            &failing,
        )
        .unwrap();
        assert!(matches!(
            token_call("https://idp.example.com/token", &vec![]).await,
            TokenAnswer::Unavailable(_)
        ));
    }
}
