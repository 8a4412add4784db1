//! Saving a file the page made (a chart's CSV or PNG) through the browser's
//! own download: a temporary `<a download>` clicked once.

use wasm_bindgen::JsCast;

/// Offers `text` as a file named `name` of type `mime`.
pub(crate) fn save_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the file could not be made")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the file could not be made")?;
    let result = save_url(name, &url);
    // The browser reads the blob after the click returns: let it go a little later.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    result
}

/// Offers what `url` (a `blob:` or `data:` URL made by the page) holds as a
/// file named `name`.
pub(crate) fn save_url(name: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "the download could not be started")?
        .unchecked_into();
    link.set_href(url);
    link.set_download(name);
    link.set_hidden(true);
    let body = document.body().ok_or("no document body")?;
    body.append_child(&link)
        .map_err(|_| "the download could not be started")?;
    link.click();
    link.remove();
    Ok(())
}
