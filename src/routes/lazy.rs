//! The pages the `dashboard` binary hands over as split points (src/pages.rs):
//! the route shows a status line while a page's wasm chunk downloads, then the
//! page; a chunk that cannot be fetched is a message with a retry.

use crate::browser::perf::{self, mark_once};
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use std::future::Future;
use std::pin::Pin;

/// A page's wasm chunk could not be fetched or instantiated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUnavailable;

impl From<SplitLoaderError> for PageUnavailable {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

/// The download of a page's chunk.
pub type ChunkFuture = Pin<Box<dyn Future<Output = Result<(), PageUnavailable>>>>;

/// A page in its own chunk: `load` downloads and instantiates the chunk,
/// `render` builds the page once it is in (`None` before).
#[derive(Clone, Copy)]
pub struct SplitPage {
    pub load: fn() -> ChunkFuture,
    pub render: fn() -> Option<AnyView>,
}

/// The pages that live in their own chunks.
#[derive(Clone, Copy)]
pub struct Pages {
    pub observability: SplitPage,
    pub chat: SplitPage,
}

impl Pages {
    /// The split page a path opens (the routes of `app.rs`).
    fn for_path(&self, path: &str) -> Option<SplitPage> {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        if under("/observability") {
            Some(self.observability)
        } else if under("/chat") {
            Some(self.chat)
        } else {
            None
        }
    }

    /// Starts instantiating the chunk of the page being opened at once, while
    /// the runtime config and the session are still being read (the loader
    /// has fetched its bytes beside the main wasm). The route's own load then
    /// joins this one: a chunk is loaded once.
    pub(crate) fn preload_opened(&self) {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok());
        if let Some(page) = path.and_then(|p| self.for_path(&p)) {
            wasm_bindgen_futures::spawn_local(async move {
                // A failure is shown, with a retry, by the route itself.
                if (page.load)().await.is_ok() {
                    mark_once(perf::PAGE_CODE_LOADED);
                }
            });
        }
    }
}

/// Loads a page's chunk; while it downloads, a status line; if it fails, why
/// and a way to try again. Not a `Suspense`: the page's own resources must not
/// suspend (and rebuild) the whole page.
#[allow(unreachable_pub)]
#[component]
pub(crate) fn LazyPage(page: SplitPage) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    let chunk = LocalResource::new(move || {
        attempt.track();
        (page.load)()
    });
    move || match chunk.get() {
        None => view! { <LoadingPage /> }.into_any(),
        Some(Ok(())) => {
            untrack(page.render).unwrap_or_else(|| view! { <Unavailable attempt /> }.into_any())
        }
        Some(Err(PageUnavailable)) => view! { <Unavailable attempt /> }.into_any(),
    }
}

#[component]
fn LoadingPage() -> impl IntoView {
    view! {
        <div class="page-state" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>"Loading the page…"</span>
        </div>
    }
}

#[component]
fn Unavailable(attempt: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="page-state" role="alert">
            <p>"This page could not be downloaded. Check your connection, then try again."</p>
            <button type="button" class="button" on:click=move |_| attempt.update(|n| *n += 1)>
                "Try again"
            </button>
        </div>
    }
}
