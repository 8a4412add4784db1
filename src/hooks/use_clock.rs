//! `use_clock`: the browser's time, ticking once a second for as long as the
//! calling component is mounted. One per view, shared by its "… ago" texts and
//! countdowns.

use leptos::prelude::*;
use std::time::Duration;

pub(crate) fn use_clock() -> ReadSignal<f64> {
    let (now, set_now) = signal(crate::browser::time::now_ms());
    let ticker = set_interval_with_handle(
        move || set_now.set(crate::browser::time::now_ms()),
        Duration::from_secs(1),
    );
    on_cleanup(move || {
        if let Ok(handle) = ticker {
            handle.clear();
        }
    });
    now
}
