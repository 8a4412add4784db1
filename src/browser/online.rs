//! The network state the browser believes in (`navigator.onLine`).

/// True unless the browser knows it is offline (no window counts as online).
pub(crate) fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
