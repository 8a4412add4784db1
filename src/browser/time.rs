//! The browser's wall clock.

/// Milliseconds since the Unix epoch (`Date.now()`).
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Whole seconds since the Unix epoch.
pub(crate) fn now_unix_secs() -> u64 {
    (now_ms() / 1000.0) as u64
}
