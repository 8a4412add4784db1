//! The GET requests the loader started before the app ran
//! (`tools/boot/early-data.js`: the runtime config, and the first report on
//! `/observability`), their bodies already read; each is taken once, by
//! `boot::load_config` and by the API client, instead of sending the same
//! request again.

use std::cell::Cell;
use wasm_bindgen::JsCast;

/// `window.__earlyGets`: path → `{ token, answer: Promise<answer> }`, the
/// answer being `{ url, status, retryAfter, body }` (the body already read).
const EARLY_GETS: &str = "__earlyGets";

/// What the loader's request was answered, as the loader read it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EarlyAnswer {
    /// The URL that answered (after redirects).
    pub url: String,
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

impl EarlyAnswer {
    /// Read from the loader's object; anything missing or of another type
    /// means no answer (the app then sends its own request).
    pub(crate) fn from_js(value: &wasm_bindgen::JsValue) -> Option<Self> {
        let field = |name: &str| js_sys::Reflect::get(value, &name.into()).ok();
        let status = field("status")?.as_f64()?;
        if !(100.0..=599.0).contains(&status) || status.fract() != 0.0 {
            return None;
        }
        Some(Self {
            url: field("url")?.as_string()?,
            status: status as u16,
            retry_after: field("retryAfter").and_then(|v| v.as_string()),
            body: field("body")?.as_string()?,
        })
    }
}

thread_local! {
    /// Set once nothing is left to take: every later request (each poll) skips
    /// the lookup on `window`.
    static DRAINED: Cell<bool> = const { Cell::new(false) };
}

/// The loader's answer for `path`, if it sent that request with this bearer
/// token (none: an anonymous one) and the answer is in within `limit_ms`. A
/// failed, late or malformed one is not waited for again: the caller sends its own.
pub(crate) async fn answer(path: &str, token: Option<&str>, limit_ms: u32) -> Option<EarlyAnswer> {
    let promise = take(path, token)?;
    let answer = wasm_bindgen_futures::JsFuture::from(promise);
    let limit = gloo_timers::future::TimeoutFuture::new(limit_ms);
    match futures::future::select(answer, limit).await {
        futures::future::Either::Left((Ok(raw), _)) => EarlyAnswer::from_js(&raw),
        _ => None,
    }
}

/// The loader's request for `path`, if it started one with this bearer token.
/// Taken at most once: a later request of the same path goes to the network.
fn take(path: &str, token: Option<&str>) -> Option<js_sys::Promise> {
    if DRAINED.with(Cell::get) {
        return None;
    }
    let window = web_sys::window()?;
    let gets = js_sys::Reflect::get(&window, &EARLY_GETS.into())
        .ok()
        .and_then(|gets| gets.dyn_into::<js_sys::Object>().ok());
    let Some(gets) = gets else {
        DRAINED.with(|d| d.set(true));
        return None;
    };
    let key = wasm_bindgen::JsValue::from_str(path);
    let entry = js_sys::Reflect::get(&gets, &key).ok()?;
    if !entry.is_object() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&gets, &key);
    if js_sys::Object::keys(&gets).length() == 0 {
        DRAINED.with(|d| d.set(true));
    }
    let early_token = js_sys::Reflect::get(&entry, &"token".into())
        .ok()?
        .as_string();
    if early_token.as_deref() != token {
        return None;
    }
    js_sys::Reflect::get(&entry, &"answer".into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn leave(path: &str, token: &str) -> js_sys::Promise {
        DRAINED.with(|d| d.set(false));
        let window = web_sys::window().unwrap();
        let gets = js_sys::Object::new();
        let entry = js_sys::Object::new();
        let response = js_sys::Promise::resolve(&wasm_bindgen::JsValue::from_str("answer"));
        js_sys::Reflect::set(&entry, &"token".into(), &token.into()).unwrap();
        js_sys::Reflect::set(&entry, &"answer".into(), &response).unwrap();
        js_sys::Reflect::set(&gets, &path.into(), &entry).unwrap();
        js_sys::Reflect::set(&window, &EARLY_GETS.into(), &gets).unwrap();
        response
    }

    #[wasm_bindgen_test]
    fn taken_once_with_the_same_token() {
        let response = leave("/api/report", "t1");
        assert!(take("/api/other", Some("t1")).is_none());
        let taken = take("/api/report", Some("t1")).expect("the loader's request");
        assert!(js_sys::Object::is(&taken, &response));
        assert!(take("/api/report", Some("t1")).is_none(), "only once");
        assert!(
            DRAINED.with(Cell::get),
            "nothing left: later requests skip the lookup"
        );
    }

    #[wasm_bindgen_test]
    fn another_token_sends_its_own_request() {
        let _ = leave("/api/report", "old");
        assert!(take("/api/report", Some("refreshed")).is_none());
        assert!(
            take("/api/report", Some("old")).is_none(),
            "dropped, not kept for later"
        );
        let _ = leave("/api/report", "t");
        assert!(take("/api/report", None).is_none(), "an anonymous request");
    }

    fn answer_object(pairs: &[(&str, wasm_bindgen::JsValue)]) -> wasm_bindgen::JsValue {
        let object = js_sys::Object::new();
        for (key, value) in pairs {
            js_sys::Reflect::set(&object, &(*key).into(), value).unwrap();
        }
        object.into()
    }

    #[wasm_bindgen_test]
    fn an_answer_is_read_whole_or_not_at_all() {
        let url = ("url", "https://app.example/api/report".into());
        let body = ("body", "{\"ok\":true}".into());
        let read = EarlyAnswer::from_js(&answer_object(&[
            url.clone(),
            ("status", 429.into()),
            ("retryAfter", "30".into()),
            body.clone(),
        ]))
        .expect("a whole answer");
        assert_eq!(read.status, 429);
        assert_eq!(read.retry_after.as_deref(), Some("30"));
        assert_eq!(read.body, "{\"ok\":true}");
        let without_retry = EarlyAnswer::from_js(&answer_object(&[
            url.clone(),
            ("status", 200.into()),
            ("retryAfter", wasm_bindgen::JsValue::NULL),
            body.clone(),
        ]))
        .expect("no Retry-After is fine");
        assert_eq!(without_retry.retry_after, None);
        for broken in [
            answer_object(&[url.clone(), ("status", "200".into()), body.clone()]),
            answer_object(&[url.clone(), ("status", 200.5.into()), body.clone()]),
            answer_object(&[url.clone(), ("status", 0.into()), body.clone()]),
            answer_object(&[url.clone(), ("status", 200.into())]),
            answer_object(&[("status", 200.into()), body.clone()]),
            wasm_bindgen::JsValue::from_str("not an object"),
            wasm_bindgen::JsValue::UNDEFINED,
        ] {
            assert_eq!(EarlyAnswer::from_js(&broken), None, "{broken:?}");
        }
    }

    /// Leaves an anonymous request (as the loader's config request) whose answer is `answer`.
    fn leave_anonymous(path: &str, answer: &wasm_bindgen::JsValue) {
        DRAINED.with(|d| d.set(false));
        let gets = js_sys::Object::new();
        let entry = answer_object(&[
            ("token", wasm_bindgen::JsValue::NULL),
            ("answer", js_sys::Promise::resolve(answer).into()),
        ]);
        js_sys::Reflect::set(&gets, &path.into(), &entry).unwrap();
        js_sys::Reflect::set(&web_sys::window().unwrap(), &EARLY_GETS.into(), &gets).unwrap();
    }

    #[wasm_bindgen_test]
    async fn an_anonymous_answer_goes_to_an_anonymous_request_once() {
        let whole = answer_object(&[
            ("url", "https://app.example/app-config.json".into()),
            ("status", 404.into()),
            ("retryAfter", wasm_bindgen::JsValue::NULL),
            ("body", "".into()),
        ]);
        leave_anonymous("/app-config.json", &whole);
        assert_eq!(
            answer("/app-config.json", Some("t"), 1_000).await,
            None,
            "not with a token"
        );
        leave_anonymous("/app-config.json", &whole);
        let read = answer("/app-config.json", None, 1_000)
            .await
            .expect("the loader's answer");
        assert_eq!(read.status, 404);
        assert_eq!(
            answer("/app-config.json", None, 1_000).await,
            None,
            "only once"
        );
        leave_anonymous("/app-config.json", &"a broken answer".into());
        assert_eq!(
            answer("/app-config.json", None, 1_000).await,
            None,
            "malformed: none"
        );
    }

    #[wasm_bindgen_test]
    async fn an_answer_not_in_within_the_limit_is_not_waited_for() {
        DRAINED.with(|d| d.set(false));
        let never = js_sys::Promise::new(&mut |_, _| {});
        let gets = js_sys::Object::new();
        let entry = answer_object(&[
            ("token", wasm_bindgen::JsValue::NULL),
            ("answer", never.into()),
        ]);
        js_sys::Reflect::set(&gets, &"/app-config.json".into(), &entry).unwrap();
        js_sys::Reflect::set(&web_sys::window().unwrap(), &EARLY_GETS.into(), &gets).unwrap();
        assert_eq!(answer("/app-config.json", None, 10).await, None);
    }

    #[wasm_bindgen_test]
    fn nothing_left_by_the_loader() {
        DRAINED.with(|d| d.set(false));
        let window = web_sys::window().unwrap();
        js_sys::Reflect::delete_property(
            window.unchecked_ref::<js_sys::Object>(),
            &EARLY_GETS.into(),
        )
        .unwrap();
        assert!(take("/api/report", Some("t")).is_none());
        DRAINED.with(|d| d.set(false));
        js_sys::Reflect::set(&window, &EARLY_GETS.into(), &"not an object".into()).unwrap();
        assert!(take("/api/report", Some("t")).is_none());
        assert!(DRAINED.with(Cell::get), "later requests skip the lookup");
    }
}
