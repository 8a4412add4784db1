//! Browser tests (wasm-bindgen-test in headless Chromium) for the glue that
//! only exists in a browser: the fetch-based API client and the panic screen.
//!
//! `window.fetch` is replaced by a scripted fake for each test, so the real
//! client code (headers, abort-based timeout, decoding, 401 retry) runs
//! against answers the test controls.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

use dashboard::services::api::{ApiClient, ApiError, Authenticator};
use futures::future::LocalBoxFuture;
use serde::Deserialize;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Installs `window.fetch = (input) => <body>`; `body` is JS that returns a Promise.
fn fake_fetch(body: &str) {
    let f = js_sys::Function::new_with_args("input", body);
    let window = web_sys::window().expect("a browser window");
    js_sys::Reflect::set(&window, &JsValue::from_str("fetch"), &f).expect("replace fetch");
}

fn respond(status: u16, body: &str, headers: &str) {
    fake_fetch(&format!(
        "return Promise.resolve(new Response({body:?}, {{status: {status}, headers: {headers}}}));"
    ));
}

#[derive(Debug, Deserialize, PartialEq)]
struct Profile {
    id: u64,
    username: String,
}

#[wasm_bindgen_test]
async fn decodes_bare_json() {
    respond(200, r#"{"id":1,"username":"admin"}"#, "{}");
    let got: Profile = ApiClient::new("")
        .get("/api/v1/users/me/profile")
        .send()
        .await
        .expect("ok");
    assert_eq!(
        got,
        Profile {
            id: 1,
            username: "admin".into()
        }
    );
}

#[wasm_bindgen_test]
async fn decodes_enveloped_json() {
    respond(
        200,
        r#"{"status":"success","data":{"id":2,"username":"t"}}"#,
        "{}",
    );
    let got: Profile = ApiClient::new("").get("/x").send().await.expect("ok");
    assert_eq!(got.id, 2);
}

#[wasm_bindgen_test]
async fn maps_validation_errors() {
    respond(
        422,
        r#"{"detail":[{"loc":["body","password"],"msg":"field required","type":"missing"}]}"#,
        "{}",
    );
    let err = ApiClient::new("")
        .post("/x")
        .json(&())
        .send::<Profile>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.user_message(), "password: field required");
}

#[wasm_bindgen_test]
async fn reads_retry_after() {
    respond(429, "", "{'Retry-After': '42'}");
    let err = ApiClient::new("")
        .get("/x")
        .send::<Profile>()
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::Http {
            status: 429,
            message: "Too many requests. Try again in 42 s.".into(),
            retry_after_secs: Some(42)
        }
    );
}

#[wasm_bindgen_test]
async fn network_failure_is_reported_as_such() {
    fake_fetch("return Promise.reject(new TypeError('Failed to fetch'));");
    let err = ApiClient::new("")
        .get("/x")
        .send::<Profile>()
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Network);
}

#[wasm_bindgen_test]
async fn a_request_that_never_answers_times_out_and_is_aborted() {
    // Never resolves; rejects only when the client aborts it.
    fake_fetch(
        "window.__aborted = false;
         return new Promise((_, reject) => input.signal.addEventListener('abort', () => {
             window.__aborted = true;
             reject(new DOMException('The operation was aborted.', 'AbortError'));
         }));",
    );
    let err = ApiClient::new("")
        .get("/x")
        .timeout_ms(50)
        .send::<Profile>()
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Timeout { after_ms: 50 });
    let aborted = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__aborted".into()).unwrap();
    assert_eq!(aborted.as_bool(), Some(true));
}

#[wasm_bindgen_test]
async fn sends_base_url_headers_and_body() {
    // Echo what the client sent.
    fake_fetch(
        "return input.text().then(body => new Response(JSON.stringify({
             url: input.url, method: input.method, body,
             auth: input.headers.get('authorization'),
             type: input.headers.get('content-type')}), {status: 200}));",
    );
    #[derive(Deserialize)]
    struct Echo {
        url: String,
        method: String,
        body: String,
        auth: Option<String>,
        #[serde(rename = "type")]
        content_type: Option<String>,
    }
    let echo: Echo = ApiClient::new("https://api.example.com")
        .post("/api/v1/pusher/auth")
        .form(&[("socket_id", "1.2"), ("channel_name", "private-user-1")])
        .send()
        .await
        .expect("ok");
    assert_eq!(echo.url, "https://api.example.com/api/v1/pusher/auth");
    assert_eq!(echo.method, "POST");
    assert_eq!(echo.body, "socket_id=1.2&channel_name=private-user-1");
    assert_eq!(
        echo.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(echo.auth, None);
}

struct FakeAuth {
    token: std::cell::RefCell<String>,
    recoveries: Cell<u32>,
    recovers: bool,
}

impl Authenticator for FakeAuth {
    fn access_token(&self) -> Option<String> {
        Some(self.token.borrow().clone())
    }
    fn recover_from_unauthorized(&self, rejected: &str) -> LocalBoxFuture<'static, bool> {
        assert_eq!(rejected, "stale");
        self.recoveries.set(self.recoveries.get() + 1);
        *self.token.borrow_mut() = "fresh".into();
        let ok = self.recovers;
        Box::pin(async move { ok })
    }
}

#[wasm_bindgen_test]
async fn a_401_is_recovered_once_and_the_request_retried_with_the_new_token() {
    // 401 unless the fresh token is presented.
    fake_fetch(
        "window.__calls = (window.__calls || 0) + 1;
         return Promise.resolve(input.headers.get('authorization') === 'Bearer fresh'
             ? new Response('{\"id\":7,\"username\":\"u\"}', {status: 200})
             : new Response('{\"detail\":\"Token has expired\"}', {status: 401}));",
    );
    let auth = Rc::new(FakeAuth {
        token: "stale".to_string().into(),
        recoveries: Cell::new(0),
        recovers: true,
    });
    let client = ApiClient::new("");
    client.set_authenticator(Some(auth.clone()));
    let got: Profile = client.get("/x").send().await.expect("retried");
    assert_eq!(got.id, 7);
    assert_eq!(auth.recoveries.get(), 1);
}

#[wasm_bindgen_test]
async fn a_401_that_cannot_be_recovered_is_returned() {
    respond(401, r#"{"detail":"Token has expired"}"#, "{}");
    let auth = Rc::new(FakeAuth {
        token: "stale".to_string().into(),
        recoveries: Cell::new(0),
        recovers: false,
    });
    let client = ApiClient::new("");
    client.set_authenticator(Some(auth.clone()));
    let err = client.get("/x").send::<Profile>().await.unwrap_err();
    assert!(err.is_unauthorized());
    assert_eq!(err.user_message(), "Token has expired");
    assert_eq!(auth.recoveries.get(), 1);
    // Anonymous requests never try to recover.
    let err = client
        .get("/x")
        .anonymous()
        .send::<Profile>()
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    assert_eq!(auth.recoveries.get(), 1);
}

#[wasm_bindgen_test]
fn the_crash_screen_replaces_the_page() {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    container.set_text_content(Some("old content"));
    dashboard::panic::render_crash_screen(&container);
    let text = container.text_content().unwrap_or_default();
    assert!(text.contains("Something went wrong — reload"), "{text}");
    assert!(!text.contains("old content"));
    let alert = container
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an alert");
    assert!(
        alert.query_selector("a[href]").unwrap().is_some(),
        "a reload link"
    );
    assert!(document.title().starts_with("Something went wrong"));
}
