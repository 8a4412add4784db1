//! `use_theme_colors`: the resolved values of colour tokens of the stylesheet,
//! read again whenever the colour scheme, forced colours or the contrast
//! preference change. For what CSS cannot colour itself (a chart's canvas).
//!
//! ```ignore
//! let colors = use_theme_colors(&["--chart-text", "--chart-cpu"]);
//! let text = move || colors.with(|c| c[0].clone()); // "rgb(90, 98, 118)"
//! ```

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The media features that change the tokens' values.
const QUERIES: [&str; 3] = [
    "(prefers-color-scheme: dark)",
    "(forced-colors: active)",
    "(prefers-contrast: more)",
];

/// One resolved colour per name of `tokens` (custom properties holding
/// colours), in order, as `getComputedStyle` gives them (`rgb(…)`); an empty
/// string for a token the stylesheet does not define.
pub(crate) fn use_theme_colors(tokens: &'static [&'static str]) -> ReadSignal<Vec<String>> {
    let (colors, set_colors) = signal(resolve(tokens));
    let on_change = Closure::<dyn FnMut()>::new(move || {
        let _ = set_colors.try_set(resolve(tokens));
    });
    let lists: Vec<web_sys::MediaQueryList> = QUERIES
        .iter()
        .filter_map(|q| web_sys::window()?.match_media(q).ok().flatten())
        .collect();
    for list in &lists {
        let _ = list.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    }
    let watch = StoredValue::new_local((lists, on_change));
    on_cleanup(move || {
        watch.update_value(|(lists, on_change)| {
            for list in lists.drain(..) {
                let _ = list.remove_event_listener_with_callback(
                    "change",
                    on_change.as_ref().unchecked_ref(),
                );
            }
        });
    });
    colors
}

/// Each token resolved through a probe element's `color` (a custom property's
/// own computed value is its raw text, e.g. a system colour keyword).
fn resolve(tokens: &[&str]) -> Vec<String> {
    let empty = || vec![String::new(); tokens.len()];
    let Some(window) = web_sys::window() else {
        return empty();
    };
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return empty();
    };
    let Some(probe) = window
        .document()
        .and_then(|d| d.create_element("span").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return empty();
    };
    probe.set_hidden(true);
    if body.append_child(&probe).is_err() {
        return empty();
    }
    let colors = tokens
        .iter()
        .map(|token| {
            let style = probe.style();
            let _ = style.set_property("color", "");
            let _ = style.set_property("color", &format!("var({token}, transparent)"));
            let value = window
                .get_computed_style(&probe)
                .ok()
                .flatten()
                .and_then(|c| c.get_property_value("color").ok())
                .unwrap_or_default();
            // An undefined token falls back to transparent: report it as missing.
            if value == "rgba(0, 0, 0, 0)" {
                String::new()
            } else {
                value
            }
        })
        .collect();
    probe.remove();
    colors
}
