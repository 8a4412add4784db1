//! A panic in WebAssembly stops the whole app. Instead of leaving a blank or
//! frozen page, replace it with a plain message and a way to reload.

use wasm_bindgen::JsCast;

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("dashboard panicked: {info}").into());
        show_crash_screen();
    }));
}

/// Stops the app on purpose once the shell is on screen, when the
/// configuration allows crash drills and the URL asks for one
/// (`?crash-drill`): the real panic path, to check what a user would see.
pub(crate) fn crash_drill_if_requested(config: &dashboard_core::config::AppConfig) {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if config.crash_drill_requested(&query) {
        leptos::prelude::Effect::new(|_| panic!("crash drill: requested by ?crash-drill"));
    }
}

fn show_crash_screen() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        render_crash_screen(&body);
    }
}

/// Replaces the contents of `container` with the crash message. Built with DOM
/// calls only (no HTML strings, no Leptos): the reactive system may be in any
/// state when this runs.
pub fn render_crash_screen(container: &web_sys::HtmlElement) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let make = |tag: &str, text: &str| {
        let el = document.create_element(tag).ok()?;
        el.set_text_content(Some(text));
        Some(el)
    };
    let (Some(main), Some(heading), Some(para), Some(link)) = (
        document.create_element("main").ok(),
        make("h1", "Something went wrong — reload"),
        make(
            "p",
            "The dashboard hit an unexpected error and stopped. Reloading the page usually fixes it.",
        ),
        make("a", "Reload the page"),
    ) else {
        return;
    };
    let _ = main.set_attribute("role", "alert");
    let _ = main.set_attribute("class", "crash-screen");
    let href = document
        .location()
        .and_then(|l| l.href().ok())
        .unwrap_or_else(|| "/".into());
    let _ = link.set_attribute("href", &href);
    let _ = link.set_attribute("class", "button");
    let _ = main.append_child(&heading);
    let _ = main.append_child(&para);
    let _ = main.append_child(&link);
    container.set_text_content(None);
    // The page's title may be mid-update (or empty) when the app stops.
    document.set_title(&format!(
        "Something went wrong · {} Dashboard",
        crate::app::PRODUCT_NAME
    ));
    if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
        let _ = container.append_child(&main);
    }
}
