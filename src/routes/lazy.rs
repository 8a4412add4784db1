//! The pages the `dashboard` binary hands over as split points (src/pages.rs):
//! the route shows a status line while a page's wasm chunk downloads, then the
//! page; a chunk that cannot be fetched is a message with a retry.

use crate::browser::perf::{self, mark_once};
use crate::layout::PagePending;
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use std::cell::RefCell;
use std::collections::HashSet;
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
    pub home: SplitPage,
    pub observability: SplitPage,
    pub chat: SplitPage,
}

impl Pages {
    /// The split page a path opens (the routes of `app.rs`).
    fn for_path(&self, path: &str) -> Option<SplitPage> {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        if path == "/" || under("/dashboard") {
            Some(self.home)
        } else if under("/observability") {
            Some(self.observability)
        } else if under("/chat") {
            Some(self.chat)
        } else {
            None
        }
    }

    /// Loads the chunk of the page being opened (nothing for other paths).
    /// The app waits for it, beside the runtime config, before it builds the
    /// shell: the page is then built in the same render as the shell, not a
    /// task later behind everything the shell starts. A failure is shown, with
    /// a retry, by the route itself.
    pub(crate) async fn load_opened(self) {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok());
        if let Some(page) = path.and_then(|p| self.for_path(&p)) {
            if page.load_once().await.is_ok() {
                mark_once(perf::PAGE_CODE_LOADED);
            }
        }
    }
}

impl SplitPage {
    /// Loads the chunk and remembers that it is in, so that the page is built
    /// in the same render the next time its route opens.
    async fn load_once(self) -> Result<(), PageUnavailable> {
        (self.load)().await?;
        LOADED.with_borrow_mut(|loaded| loaded.insert(self.load as usize));
        Ok(())
    }

    fn is_loaded(self) -> bool {
        LOADED.with_borrow(|loaded| loaded.contains(&(self.load as usize)))
    }
}

thread_local! {
    /// The pages whose chunk is in (by their load function).
    static LOADED: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
}

/// Loads a page's chunk; while it downloads, a status line; if it fails, why
/// and a way to try again. Not a `Suspense`: the page's own resources must not
/// suspend (and rebuild) the whole page.
#[allow(unreachable_pub)]
#[component]
pub(crate) fn LazyPage(page: SplitPage) -> impl IntoView {
    if page.is_loaded() {
        if let Some(view) = untrack(page.render) {
            return view;
        }
    }
    let attempt = RwSignal::new(0u32);
    let chunk = LocalResource::new(move || {
        attempt.track();
        page.load_once()
    });
    let on_the_way = move || match chunk.get() {
        None => view! { <PagePending what="Loading the page…" /> }.into_any(),
        Some(Ok(())) => {
            untrack(page.render).unwrap_or_else(|| view! { <Unavailable attempt /> }.into_any())
        }
        Some(Err(PageUnavailable)) => view! { <Unavailable attempt /> }.into_any(),
    };
    on_the_way.into_any()
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
