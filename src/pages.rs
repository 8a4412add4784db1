//! The split points: the home page, the chat and the observability page are
//! cut into their own wasm chunks (`wasm-split-cli`, tools/split-app.mjs), so the main wasm
//! carries the shell, the session and the realtime client, and each page
//! arrives when its route first opens (the loader fetches the current route's
//! chunk beside the main wasm). They live in the binary, not the library: a
//! split point is an exported symbol, which the sign-in page's wasm (linked
//! with the library too) would otherwise carry. Names are `<page>_page`:
//! tools/split-app.mjs maps them to paths (the home page has two: `/` and
//! `/dashboard`).
// A split point links its chunk's loader through an extern block.
#![allow(unsafe_code)]

use dashboard::routes::{ChatPage, HomePage, ObservabilityPage, PageUnavailable, Pages, SplitPage};
use futures::FutureExt;
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

#[wasm_split(home_page, wasm_split_path = ::leptos::wasm_split, fallible, preload(load_home))]
fn home() -> Result<AnyView, PageUnavailable> {
    Ok(view! { <HomePage /> }.into_any())
}

#[wasm_split(observability_page, wasm_split_path = ::leptos::wasm_split, fallible, preload(load_observability))]
fn observability() -> Result<AnyView, PageUnavailable> {
    Ok(view! { <ObservabilityPage /> }.into_any())
}

#[wasm_split(chat_page, wasm_split_path = ::leptos::wasm_split, fallible, preload(load_chat))]
fn chat() -> Result<AnyView, PageUnavailable> {
    Ok(view! { <ChatPage /> }.into_any())
}

// Once `load_*` has finished, the split function's own wait for its chunk is
// ready at once: `now_or_never` builds the page in the same render.
pub(crate) fn split() -> Pages {
    Pages {
        home: SplitPage {
            load: || Box::pin(async { Ok(load_home().await?) }),
            render: || home().now_or_never().and_then(Result::ok),
        },
        observability: SplitPage {
            load: || Box::pin(async { Ok(load_observability().await?) }),
            render: || observability().now_or_never().and_then(Result::ok),
        },
        chat: SplitPage {
            load: || Box::pin(async { Ok(load_chat().await?) }),
            render: || chat().now_or_never().and_then(Result::ok),
        },
    }
}
