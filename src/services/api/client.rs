//! Typed HTTP client on gloo-net. The rules (envelopes, error messages) live in
//! `dashboard_core::api`; this file only moves bytes and enforces time limits.

use crate::browser::early_fetch;
use crate::browser::time::now_unix_secs;
use crate::browser::url::absolute_url;
use dashboard_core::api::{decode_success, error_from_response, ApiError};
use futures::future::LocalBoxFuture;
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::{AbortController, RequestCredentials};

/// Default time limit of one request.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

/// The session plugs in here: it supplies the Bearer token and, when the server
/// answers 401, tries to refresh it (single-flight) so the request can be sent once more.
pub trait Authenticator {
    fn access_token(&self) -> Option<String>;
    /// A request sent with `rejected_token` got 401. Resolves to `true` when a
    /// fresh token is available and the request should be sent once more.
    fn recover_from_unauthorized(&self, rejected_token: &str) -> LocalBoxFuture<'static, bool>;
}

#[derive(Clone)]
pub struct ApiClient {
    base_url: Rc<str>,
    authenticator: Rc<RefCell<Option<Rc<dyn Authenticator>>>>,
}

impl ApiClient {
    pub fn new(base_url: &str) -> Self {
        ApiClient {
            base_url: base_url.into(),
            authenticator: Rc::new(RefCell::new(None)),
        }
    }

    /// A client for another origin that shares this one's authenticator.
    pub fn with_base_url(&self, base_url: &str) -> Self {
        ApiClient {
            base_url: base_url.into(),
            authenticator: self.authenticator.clone(),
        }
    }

    pub fn set_authenticator(&self, authenticator: Option<Rc<dyn Authenticator>>) {
        *self.authenticator.borrow_mut() = authenticator;
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `path` starts with `/`; it is appended to the base URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn get(&self, path: &str) -> ApiRequest {
        self.request(Method::Get, path)
    }
    pub fn post(&self, path: &str) -> ApiRequest {
        self.request(Method::Post, path)
    }
    pub fn patch(&self, path: &str) -> ApiRequest {
        self.request(Method::Patch, path)
    }
    pub fn delete(&self, path: &str) -> ApiRequest {
        self.request(Method::Delete, path)
    }

    fn request(&self, method: Method, path: &str) -> ApiRequest {
        ApiRequest {
            client: self.clone(),
            method,
            url: self.url(path),
            body: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            authenticated: true,
            explicit_token: None,
        }
    }

    fn authenticator(&self) -> Option<Rc<dyn Authenticator>> {
        self.authenticator.borrow().clone()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

#[derive(Clone, Debug)]
enum Body {
    Json(String),
    Form(String),
}

/// One request, built fluently and sent with [`ApiRequest::send`].
pub struct ApiRequest {
    client: ApiClient,
    method: Method,
    /// The base URL followed by the API path.
    url: String,
    body: Option<Body>,
    timeout_ms: u32,
    authenticated: bool,
    explicit_token: Option<String>,
}

impl ApiRequest {
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        // Serializing our own request types cannot fail; fall back to null if it ever does.
        let text = serde_json::to_string(body).unwrap_or_else(|_| "null".into());
        self.body = Some(Body::Json(text));
        self
    }

    /// `application/x-www-form-urlencoded` body (the Pusher auth endpoint wants this).
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        let encoded: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    js_sys::encode_uri_component(k),
                    js_sys::encode_uri_component(v)
                )
            })
            .collect();
        self.body = Some(Body::Form(encoded.join("&")));
        self
    }

    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }

    /// Sends no Bearer token and skips the 401 recovery (login, refresh, health).
    pub fn anonymous(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// Sends this exact token and skips the 401 recovery (the session's own calls).
    pub fn with_token(mut self, token: &str) -> Self {
        self.authenticated = false;
        self.explicit_token = Some(token.to_string());
        self
    }

    /// Sends the request and decodes the (enveloped or bare) JSON answer into `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let text = self.send_text().await?;
        decode_success(&text)
    }

    /// Sends the request and returns the raw success body.
    pub async fn send_text(self) -> Result<String, ApiError> {
        if let Some(token) = &self.explicit_token {
            return self.attempt(Some(token)).await;
        }
        let authenticator = self
            .authenticated
            .then(|| self.client.authenticator())
            .flatten();
        let token = authenticator.as_ref().and_then(|a| a.access_token());
        let first = self.attempt(token.as_deref()).await;
        match (first, authenticator, token) {
            (Err(err), Some(auth), Some(token)) if err.is_unauthorized() => {
                if auth.recover_from_unauthorized(&token).await {
                    let fresh = auth.access_token();
                    self.attempt(fresh.as_deref()).await
                } else {
                    Err(err)
                }
            }
            (result, _, _) => result,
        }
    }

    async fn attempt(&self, token: Option<&str>) -> Result<String, ApiError> {
        let controller = AbortController::new().map_err(|_| ApiError::Network)?;
        let timed_out = Rc::new(Cell::new(false));
        let flag = timed_out.clone();
        let abort = controller.clone();
        // Dropped (and so cancelled) when this function returns.
        let _timer = gloo_timers::callback::Timeout::new(self.timeout_ms, move || {
            flag.set(true);
            abort.abort();
        });

        let (status, retry_after, body) = match self.early_answer(token).await {
            Some(answer) => (answer.status, answer.retry_after, Ok(answer.body)),
            None => {
                let result = self.build(token, &controller)?.send().await;
                if timed_out.get() {
                    return Err(ApiError::Timeout {
                        after_ms: self.timeout_ms,
                    });
                }
                let response = result.map_err(|_| ApiError::Network)?;
                let retry_after = response.headers().get("retry-after");
                let body = response.text().await.map_err(|_| ApiError::Network);
                (response.status(), retry_after, body)
            }
        };
        if timed_out.get() {
            return Err(ApiError::Timeout {
                after_ms: self.timeout_ms,
            });
        }
        let body = body?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err(error_from_response(
                status,
                &body,
                retry_after.as_deref(),
                now_unix_secs(),
            ))
        }
    }

    /// The loader's answer to this very request (same path, token and URL),
    /// when it sent one before the app ran (`browser::early_fetch`).
    async fn early_answer(&self, token: Option<&str>) -> Option<early_fetch::EarlyAnswer> {
        if self.method != Method::Get || self.body.is_some() {
            return None;
        }
        // The API path (the key of the loader's requests) follows the base URL.
        let path = self.url.get(self.client.base_url().len()..)?;
        let answer = early_fetch::answer(path, token, self.timeout_ms).await?;
        // Another base URL in the config than the loader read: ours is sent.
        (Some(answer.url.as_str()) == absolute_url(&self.url).as_deref()).then_some(answer)
    }

    fn build(
        &self,
        token: Option<&str>,
        controller: &AbortController,
    ) -> Result<Request, ApiError> {
        let builder = match self.method {
            Method::Get => Request::get(&self.url),
            Method::Post => Request::post(&self.url),
            Method::Patch => Request::patch(&self.url),
            Method::Delete => Request::delete(&self.url),
        };
        let mut builder: RequestBuilder = builder
            .header("Accept", "application/json")
            .credentials(RequestCredentials::SameOrigin)
            .abort_signal(Some(&controller.signal()));
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let built = match &self.body {
            None => builder.build(),
            Some(Body::Json(text)) => builder
                .header("Content-Type", "application/json")
                .body(text.as_str()),
            Some(Body::Form(text)) => builder
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(text.as_str()),
        };
        built.map_err(|_| ApiError::Network)
    }
}
