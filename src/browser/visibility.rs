//! Page visibility (`document.hidden`, `visibilitychange`): timers are throttled
//! in hidden tabs, so pollers pause and services check at once when the tab is back.

use gloo_events::EventListener;

/// True unless the document is hidden (no document counts as visible).
pub(crate) fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

/// Calls `on_change(visible)` on every `visibilitychange` until the returned
/// listener is dropped; `None` without a document.
pub(crate) fn on_visibility_change(
    mut on_change: impl FnMut(bool) + 'static,
) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    Some(EventListener::new(
        &document,
        "visibilitychange",
        move |_| on_change(is_visible()),
    ))
}
