//! `use_after_paint`: follows `when`, but turns true only in a task of its own
//! after the browser has painted the frame in which `when` did. What a page
//! builds behind it therefore never delays the paint of what it shows first
//! (the figures before the charts and panels below them). A hidden tab draws no
//! frames: there it turns true once the tab is shown.

use leptos::prelude::*;
use std::time::Duration;

pub(crate) fn use_after_paint(when: Signal<bool>) -> Signal<bool> {
    let after = RwSignal::new(false);
    Effect::new(move |_| {
        if when.get() && !after.get_untracked() {
            // The animation frame runs just before the paint; a task queued
            // from it runs after that paint.
            request_animation_frame(move || {
                set_timeout(
                    move || {
                        let _ = after.try_set(true);
                    },
                    Duration::ZERO,
                );
            });
        }
    });
    after.into()
}
