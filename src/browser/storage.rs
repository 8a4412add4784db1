//! localStorage and sessionStorage access that never fails loudly: storage can
//! be disabled or full, and then the data simply lives in memory.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub(crate) fn read(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

pub(crate) fn write(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        if storage.set_item(key, value).is_err() {
            web_sys::console::warn_1(&format!("could not store {key}").into());
        }
    }
}

pub(crate) fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// What this tab stored under `key` (sessionStorage: this tab, until it closes).
pub(crate) fn session_read(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok()?
}

/// Stores `value` for this tab's session.
pub(crate) fn session_write(key: &str, value: &str) {
    if let Some(storage) = session_storage() {
        if storage.set_item(key, value).is_err() {
            web_sys::console::warn_1(&format!("could not store {key} for this session").into());
        }
    }
}

/// Reads and removes what this tab stored under `key`: it can be read once.
pub(crate) fn session_take(key: &str) -> Option<String> {
    let storage = session_storage()?;
    let value = storage.get_item(key).ok()?;
    let _ = storage.remove_item(key);
    value
}

/// Removes every key starting with `prefix`, in localStorage and in this
/// tab's sessionStorage.
pub(crate) fn remove_with_prefix(prefix: &str) {
    for storage in [local_storage(), session_storage()].into_iter().flatten() {
        remove_from(&storage, prefix);
    }
}

fn remove_from(storage: &web_sys::Storage, prefix: &str) {
    let len = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}

/// Calls `on_change` with the new value whenever another tab changes `key`
/// (`None` when it was removed or storage was cleared). Dropping the listener
/// unregisters it.
pub(crate) fn on_change(
    key: &'static str,
    on_change: impl Fn(Option<String>) + 'static,
) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, "storage", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else {
            return;
        };
        match event.key() {
            Some(k) if k == key => on_change(event.new_value()),
            // `localStorage.clear()` elsewhere.
            None => on_change(None),
            Some(_) => {}
        }
    }))
}
