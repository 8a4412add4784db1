//! Copying text to the system clipboard (the async Clipboard API; it needs a
//! secure context, which every deployment and localhost are).

use wasm_bindgen_futures::JsFuture;

/// Puts `text` on the clipboard.
pub(crate) async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser did not allow copying".to_string())
}
