//! A reference backend on a temporary data dir, driven through its router
//! (no sockets): requests in, responses out.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use reference_backend::settings::{Credentials, Settings};
use reference_backend::state::AppState;
use serde_json::Value;
use tower::ServiceExt;

pub(crate) const ADMIN: (&str, &str) = ("admin", "admin-pass-123");
pub(crate) const TEACHER: (&str, &str) = ("teacher", "teacher-pass-123");

pub(crate) struct Backend {
    pub state: AppState,
    pub router: Router,
    _dir: tempfile::TempDir,
}

pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

pub(crate) fn settings(dir: &std::path::Path) -> Settings {
    let mut settings = Settings::for_tests();
    settings.data_dir = dir.to_path_buf();
    settings.seed_admin = Credentials {
        username: ADMIN.0.into(),
        password: ADMIN.1.into(),
    };
    settings.seed_user = Credentials {
        username: TEACHER.0.into(),
        password: TEACHER.1.into(),
    };
    settings.login_max_failures = 3;
    settings.login_lockout_secs = 60;
    settings.access_token_ttl_secs = 600;
    settings.pusher_url = None;
    settings.pusher_encryption_master_key = None;
    settings.jwt_secret = None;
    settings.dist = None;
    settings.app_config = None;
    settings
}

impl Backend {
    pub(crate) async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub(crate) async fn start_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = settings(dir.path());
        adjust(&mut s);
        let state = reference_backend::prepare(s).await.expect("backend state");
        let router = reference_backend::app(state.clone(), None);
        Backend {
            state,
            router,
            _dir: dir,
        }
    }

    pub(crate) async fn request(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(json) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string())),
            None => builder.body(Body::empty()),
        }
        .expect("request");
        send(&self.router, request).await
    }

    /// A JSON POST as the TCP peer `client` would send it.
    pub(crate) async fn post_from(&self, client: [u8; 4], uri: &str, body: Value) -> Reply {
        self.post_via(client, None, uri, body).await
    }

    /// A JSON POST from the TCP peer `peer` carrying `X-Forwarded-For: forwarded_for`.
    pub(crate) async fn post_via(
        &self,
        peer: [u8; 4],
        forwarded_for: Option<&str>,
        uri: &str,
        body: Value,
    ) -> Reply {
        let client = peer;
        let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
        if let Some(chain) = forwarded_for {
            request = request.header("x-forwarded-for", chain);
        }
        let mut request = request.body(Body::from(body.to_string())).expect("request");
        let peer = std::net::SocketAddr::from((client, 40_000));
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        send(&self.router, request).await
    }

    pub(crate) async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, uri, token, None).await
    }

    pub(crate) async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::POST, uri, token, Some(body)).await
    }

    /// Signs in and returns the whole token response.
    pub(crate) async fn login(&self, username: &str, password: &str) -> Value {
        let reply = self
            .post(
                "/api/v1/auth/login",
                None,
                serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "login failed: {}", reply.text);
        reply.body
    }

    pub(crate) async fn admin_token(&self) -> String {
        self.login(ADMIN.0, ADMIN.1).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub(crate) async fn teacher_token(&self) -> String {
        self.login(TEACHER.0, TEACHER.1).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

pub(crate) async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}
