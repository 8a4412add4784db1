//! The conversation list, newest first: open one, start a new one, delete one
//! (after an inline confirmation). Hidden when the backend keeps no list.

use super::load_more::LoadMore;
use super::{keeps_no_list, use_chat};
use crate::browser::focus::focus_when_attached;
use dashboard_core::chat::ConversationSummary;
use dashboard_core::format;
use dashboard_core::time::parse_iso8601_ms;
use leptos::html;
use leptos::prelude::*;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn ConversationList() -> impl IntoView {
    let chat = use_chat();
    let current = Memo::new(move |_| chat.thread.with(|t| t.conversation_id.clone()));
    // The conversation waiting for a delete confirmation.
    let confirming = RwSignal::new(None::<String>);
    // Hidden for good once the backend says it keeps no list.
    let supported = Memo::new(move |_| !chat.conversations.with(keeps_no_list));

    let list = move || {
        chat.conversations.get().map(|read| {
            read.map(|first| {
                let Some((first, first_more)) = first else {
                    return ().into_any();
                };
                let older = chat.older_conversations.get();
                let more = older.more.unwrap_or(first_more);
                if first.is_empty() {
                    return view! { <p class="muted">"No conversations yet."</p> }.into_any();
                }
                view! {
                    <ul class="conversation-list">
                        {first
                            .into_iter()
                            .chain(older.list)
                            .map(|c| view! { <ConversationItem conversation=c current confirming /> })
                            .collect_view()}
                    </ul>
                    <Show when=move || more>
                        <LoadMore
                            label="Show older conversations"
                            busy_label="Loading older conversations…"
                            what="Older conversations"
                            load=move || chat.load_older_conversations()
                        />
                    </Show>
                }
                .into_any()
            })
        })
    };
    view! {
        <Show when=move || supported.get()>
            <nav class="chat-sidebar" aria-labelledby="conversations-heading">
                <h2 id="conversations-heading">"Conversations"</h2>
                {move || chat.list_notice.get().map(|notice| view! {
                    <div class="alert alert-error" role="alert">
                        <p>{notice}</p>
                        <button type="button" class="button-small button-secondary" on:click=move |_| chat.list_notice.set(None)>
                            "Dismiss"
                        </button>
                    </div>
                })}
                // The list shown stays while it is read again (after a send or a delete).
                <Transition fallback=|| view! { <p class="muted" role="status">"Loading conversations…"</p> }>
                    <ErrorBoundary fallback=move |errors| view! {
                        <div class="alert alert-error" role="alert">
                            <p>
                                {move || errors.with(|e| e.iter().next().map(|(_, e)| format!("Conversations could not be loaded: {e}")))}
                            </p>
                            <button type="button" class="button-small" on:click=move |_| chat.refresh_conversations()>
                                "Try again"
                            </button>
                        </div>
                    }>
                        {list}
                    </ErrorBoundary>
                </Transition>
            </nav>
        </Show>
    }
}

fn updated_text(updated_at: Option<&str>) -> Option<String> {
    let at = parse_iso8601_ms(updated_at?)?;
    Some(format!(
        "updated {}",
        format::age(crate::browser::time::now_ms() - at)
    ))
}

#[component]
fn ConversationItem(
    conversation: ConversationSummary,
    current: Memo<Option<String>>,
    confirming: RwSignal<Option<String>>,
) -> impl IntoView {
    let chat = use_chat();
    let id = StoredValue::new(conversation.id.clone());
    let is_current = move || current.with(|c| c.as_deref() == Some(id.get_value().as_str()));
    let is_confirming = move || confirming.with(|c| c.as_deref() == Some(id.get_value().as_str()));
    let href = format!("/chat/{}", js_sys::encode_uri_component(&conversation.id));
    let title = conversation.title.clone();
    let delete_label = format!("Delete conversation “{title}”");
    let cancel_ref = NodeRef::<html::Button>::new();
    // The safe choice gets the focus when the confirmation opens.
    Effect::new(move |_| {
        if let Some(button) = cancel_ref.get() {
            focus_when_attached(button.into());
        }
    });
    let when = updated_text(conversation.updated_at.as_deref());

    view! {
        <li class="conversation" class:current=is_current>
            <a href=href aria-current=move || is_current().then_some("page")>
                <span class="conversation-title">{title.clone()}</span>
                {when.map(|w| view! { <span class="conversation-when muted">{w}</span> })}
            </a>
            <Show
                when=is_confirming
                fallback=move || view! {
                    <button
                        type="button"
                        class="icon-button"
                        aria-label=delete_label.clone()
                        title="Delete"
                        on:click=move |_| confirming.set(Some(id.get_value()))
                    >
                        <span aria-hidden="true">"×"</span>
                    </button>
                }
            >
                <div class="confirm" role="group" aria-label=format!("Confirm deleting “{}”", title.clone())>
                    <span>"Delete this conversation?"</span>
                    <button
                        type="button"
                        class="button-small button-danger"
                        on:click=move |_| {
                            confirming.set(None);
                            chat.delete.dispatch(id.get_value());
                        }
                    >
                        "Delete"
                    </button>
                    <button
                        type="button"
                        class="button-small button-secondary"
                        node_ref=cancel_ref
                        on:click=move |_| confirming.set(None)
                    >
                        "Cancel"
                    </button>
                </div>
            </Show>
        </li>
    }
}
