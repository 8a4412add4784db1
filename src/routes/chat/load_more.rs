//! "Show more" for a paged list: one request at a time (the button is disabled
//! while it runs), and a failure said in words beside it.

use crate::services::api::ApiError;
use leptos::prelude::*;
use std::future::Future;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn LoadMore<F, Fut>(
    /// The button's text.
    label: &'static str,
    /// Its text while loading.
    busy_label: &'static str,
    /// What is loaded, for the failure sentence ("Older conversations").
    what: &'static str,
    /// Loads the next page and puts it in place.
    load: F,
) -> impl IntoView
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let action = Action::new_local(move |_: &()| load());
    let pending = action.pending();
    let failure = move || {
        action.value().with(|v| match v {
            Some(Err(e)) => Some(format!("{what} could not be loaded: {}", e.user_message())),
            _ => None,
        })
    };
    view! {
        <div class="load-more">
            <button
                type="button"
                class="button-small button-secondary"
                disabled=move || pending.get()
                on:click=move |_| {
                    action.dispatch(());
                }
            >
                {move || if pending.get() { busy_label } else { label }}
            </button>
            {move || failure().map(|message| view! { <p class="task-error" role="alert">{message}</p> })}
        </div>
    }
}
