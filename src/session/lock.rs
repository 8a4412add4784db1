//! A lock shared by every tab of this origin (the Web Locks API), so only one
//! tab at a time refreshes the session's rotating refresh token.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen]
extern "C" {
    // web-sys has LockManager only behind `web_sys_unstable_apis`.
    #[wasm_bindgen(js_namespace = ["navigator", "locks"], js_name = request, catch)]
    fn locks_request(name: &str, callback: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

/// Runs `f` while holding the lock `name`; where the API is missing, runs it
/// unlocked. `None` only if the task never completed (it cannot, short of a
/// panic, which stops the app anyway).
pub async fn with_lock<F, Fut, T>(name: &str, f: F) -> Option<T>
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = T> + 'static,
    T: 'static,
{
    let slot: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let f = Rc::new(RefCell::new(Some(f)));
    let callback = {
        let slot = slot.clone();
        let f = f.clone();
        Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
            let task = f.borrow_mut().take();
            future_to_promise(async move {
                if let Some(task) = task {
                    let value = task().await;
                    *slot.borrow_mut() = Some(value);
                }
                Ok(JsValue::UNDEFINED)
            })
        })
    };
    if let Ok(promise) = locks_request(name, &callback) {
        let _ = JsFuture::from(promise).await;
    }
    if let Some(value) = slot.borrow_mut().take() {
        return Some(value);
    }
    // No lock manager (or the request failed before running the task): run unlocked.
    let task = f.borrow_mut().take();
    match task {
        Some(task) => Some(task().await),
        None => None,
    }
}
