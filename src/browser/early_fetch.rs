//! The GET requests the loader started before the app ran
//! (`tools/boot/early-data.js`: the first report on `/observability`), taken
//! once by the API client instead of sending the same request again.

use std::cell::Cell;
use wasm_bindgen::JsCast;

/// `window.__earlyGets`: API path → `{ token, response: Promise<Response> }`.
const EARLY_GETS: &str = "__earlyGets";

thread_local! {
    /// Set once nothing is left to take: every later request (each poll) skips
    /// the lookup on `window`.
    static DRAINED: Cell<bool> = const { Cell::new(false) };
}

/// The loader's request for `path`, if it started one with this bearer token.
/// Taken at most once: a later request of the same path goes to the network.
pub(crate) fn take(path: &str, token: Option<&str>) -> Option<js_sys::Promise> {
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
    js_sys::Reflect::get(&entry, &"response".into())
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
        js_sys::Reflect::set(&entry, &"response".into(), &response).unwrap();
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
