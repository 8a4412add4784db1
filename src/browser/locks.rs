//! Locks shared by every tab of this origin (the Web Locks API). A lock is
//! held as a [`HeldLock`] value, for as long as the value lives.

use futures::channel::oneshot;
use futures::future::{self, Either};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // web-sys has LockManager only behind `web_sys_unstable_apis`.
    #[wasm_bindgen(js_namespace = ["navigator", "locks"], js_name = request, catch)]
    fn locks_request(
        name: &str,
        options: &JsValue,
        callback: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// A granted lock; dropping it releases the lock.
pub(crate) struct HeldLock {
    release: Option<js_sys::Function>,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

pub(crate) enum Acquired {
    Held(HeldLock),
    /// `signal` was aborted before the lock was granted.
    Aborted,
    /// This browser has no Web Locks (or refused the request).
    Unsupported,
}

/// Waits for the lock `name` until it is granted or `signal` is aborted.
pub(crate) async fn acquire(name: &str, signal: &web_sys::AbortSignal) -> Acquired {
    let (granted, on_grant) = oneshot::channel::<js_sys::Function>();
    let granted = Rc::new(RefCell::new(Some(granted)));
    let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        // The lock is held until this promise settles, i.e. until `release` is called.
        let mut release = None;
        let hold = js_sys::Promise::new(&mut |resolve, _reject| release = Some(resolve));
        if let (Some(granted), Some(release)) = (granted.borrow_mut().take(), release) {
            if let Err(release) = granted.send(release) {
                // Nobody waits any more: release at once.
                let _ = release.call0(&JsValue::UNDEFINED);
            }
        }
        hold
    });
    let options = js_sys::Object::new();
    if js_sys::Reflect::set(&options, &"signal".into(), signal).is_err() {
        return Acquired::Unsupported;
    }
    let Ok(request) = locks_request(name, &options, &callback) else {
        return Acquired::Unsupported;
    };
    // The request's promise rejects (AbortError) if aborted before the grant;
    // once granted, it settles only when the lock is released.
    match future::select(on_grant, JsFuture::from(request)).await {
        Either::Left((Ok(release), _)) => Acquired::Held(HeldLock {
            release: Some(release),
        }),
        Either::Left((Err(_), _)) | Either::Right(_) => Acquired::Aborted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn controller() -> web_sys::AbortController {
        web_sys::AbortController::new().expect("AbortController")
    }

    async fn settle() {
        gloo_timers::future::TimeoutFuture::new(20).await;
    }

    #[wasm_bindgen_test]
    async fn a_lock_is_held_until_dropped_and_a_waiter_can_be_stopped() {
        let name = format!("test.lock.{}", js_sys::Math::random());
        let (one, two) = (controller(), controller());
        let (one, two) = (one.signal(), two.signal());
        let first = match acquire(&name, &one).await {
            Acquired::Held(held) => held,
            _ => panic!("a free lock is granted"),
        };

        // A second request waits; aborting it ends the wait without the lock.
        let stop = controller();
        let stop_signal = stop.signal();
        let waiter = acquire(&name, &stop_signal);
        let abort_later = async {
            settle().await;
            stop.abort();
        };
        let (waited, ()) = futures::join!(waiter, abort_later);
        assert!(matches!(waited, Acquired::Aborted));

        // Dropping the held lock lets the next request in.
        let next = acquire(&name, &two);
        let release_later = async {
            settle().await;
            drop(first);
        };
        let (granted, ()) = futures::join!(next, release_later);
        assert!(matches!(granted, Acquired::Held(_)));
    }
}
