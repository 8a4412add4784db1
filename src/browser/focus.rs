//! Moving focus to an element a view just created, and to a newly routed
//! page's heading. A route's view can be built before it is attached to the
//! document, and focusing a detached element does nothing: wait (a few frames
//! at most) until it is attached.

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

/// Calls `then` with the main content's first heading and the document's
/// title once a newly routed page shows its heading (a few frames at most).
pub(crate) fn when_page_heading_shown(then: impl FnOnce(web_sys::HtmlElement, String) + 'static) {
    wait_for_heading(Box::new(then), MAX_FRAMES);
}

type OnHeading = Box<dyn FnOnce(web_sys::HtmlElement, String)>;

fn wait_for_heading(then: OnHeading, frames_left: u32) {
    use wasm_bindgen::JsCast;
    request_animation_frame(move || {
        let document = web_sys::window().and_then(|w| w.document());
        let heading = document
            .as_ref()
            .and_then(|d| d.query_selector("#main-content h1").ok().flatten())
            .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok());
        match (heading, document) {
            (Some(h), Some(d)) => then(h, d.title()),
            _ if frames_left > 0 => wait_for_heading(then, frames_left - 1),
            _ => {}
        }
    });
}

/// Focuses `heading` (made focusable by script only) unless focus is already
/// inside the main content, where the page put it on purpose.
pub(crate) fn focus_heading_unless_placed(heading: &web_sys::HtmlElement) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let main = document.get_element_by_id("main-content");
    let placed = document.active_element().is_some_and(|active| {
        main.as_ref()
            .is_some_and(|m| m.contains(Some(&active)) && !m.is_same_node(Some(&active)))
    });
    if !placed {
        let _ = heading.set_attribute("tabindex", "-1");
        let _ = heading.focus();
    }
}
