//! Moving focus to an element a view just created. A route's view can be
//! built before it is attached to the document, and focusing a detached
//! element does nothing: wait (a few frames at most) until it is attached.

use leptos::prelude::request_animation_frame;

/// Frames to wait for the element to be attached before giving up.
const MAX_FRAMES: u32 = 30;

pub(crate) fn focus_when_attached(element: web_sys::HtmlElement) {
    focus_within(element, MAX_FRAMES);
}

fn focus_within(element: web_sys::HtmlElement, frames_left: u32) {
    request_animation_frame(move || {
        if element.is_connected() {
            let _ = element.focus();
        } else if frames_left > 0 {
            focus_within(element, frames_left - 1);
        }
    });
}
