//! Start-up milestones as User Timing marks (`performance.mark`), so the
//! performance report can say where a page load spends its time. Each mark is
//! set once per page load: the first time a phase is reached.

use std::cell::RefCell;
use std::collections::HashSet;

/// The phases, in the order a signed-in `/observability` load reaches them.
pub(crate) const WASM_STARTED: &str = "app:wasm-started";
pub(crate) const CONFIG_LOADED: &str = "app:config-loaded";
pub(crate) const SHELL_MOUNTED: &str = "app:shell-mounted";
/// The opened page's wasm chunk is instantiated (src/routes/lazy.rs).
pub(crate) const PAGE_CODE_LOADED: &str = "app:page-code-loaded";
pub(crate) const SESSION_KNOWN: &str = "app:session-known";
pub(crate) const FIRST_DATA: &str = "app:first-data";
pub(crate) const CHARTS_DRAWN: &str = "app:charts-drawn";

thread_local! {
    static SEEN: RefCell<HashSet<&'static str>> = RefCell::new(HashSet::new());
}

/// Marks `phase` the first time it is reached; later calls do nothing.
pub(crate) fn mark_once(phase: &'static str) {
    let first = SEEN.with_borrow_mut(|seen| seen.insert(phase));
    if first {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark(phase);
        }
    }
}
