//! `/chat` and `/chat/:id`: talk to the task assistant. Messages show at once,
//! a "Thinking…" bubble follows, the reply brings task cards; a failed message
//! stays with Retry (same idempotency key, so it is stored once); drafts and
//! unacknowledged messages survive navigation and reloads.

mod api;
mod composer;
mod load_more;
mod sidebar;
mod store;
mod tasks;
mod thread;

use crate::hooks::use_safe_navigate;
use crate::services::api::use_api;
use crate::services::api::ApiError;
use crate::services::session::use_auth;
use api::ChatApi;
use dashboard_core::auth::User;
use dashboard_core::chat::{send_failure, ConversationSummary, Thread};
use dashboard_core::config::AppConfig;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::NavigateOptions;
use store::{new_client_id, ChatStore};

/// Loading the conversation's stored messages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HistoryState {
    Loading,
    Ready,
    /// The conversation does not exist (deleted, or someone else's).
    Gone,
    Failed(String),
}

/// The first page of the sidebar's list and whether older ones remain;
/// `None` when the backend keeps no list (404/405: the sidebar is hidden).
pub(crate) type FirstPage = Option<(Vec<ConversationSummary>, bool)>;

/// Whether a read of the list said the backend keeps none (404/405).
pub(crate) fn keeps_no_list(read: &Option<Result<FirstPage, ApiError>>) -> bool {
    matches!(read, Some(Ok(None)))
}

/// Older conversations loaded with "Show older conversations", and whether
/// still older ones remain; emptied when the first page is read again.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OlderPages {
    pub list: Vec<ConversationSummary>,
    pub more: Option<bool>,
}

/// Replaces the current URL (the conversation id lives there).
type Navigate = std::rc::Rc<dyn Fn(&str)>;

/// The page's state and actions, shared by its parts.
#[derive(Clone, Copy)]
pub(crate) struct Chat {
    pub thread: RwSignal<Thread>,
    pub history: RwSignal<HistoryState>,
    /// The conversation list's first page, read again after every change.
    pub conversations: LocalResource<Result<FirstPage, ApiError>>,
    pub older_conversations: RwSignal<OlderPages>,
    /// Deletes a conversation (its id); the answer names it and says if it failed.
    pub delete: Action<String, (String, Result<(), ApiError>)>,
    /// A problem with a sidebar action (the list itself stays).
    pub list_notice: RwSignal<Option<String>>,
    pub draft: RwSignal<String>,
    /// Bumped whenever tasks may have changed (replies with tool calls).
    pub tasks_changed: RwSignal<u64>,
    /// Bumped when the user sends: the thread scrolls to the bottom.
    pub sent: RwSignal<u64>,
    pub user_id: StoredValue<String>,
    api: StoredValue<ChatApi, LocalStorage>,
    store: StoredValue<ChatStore, LocalStorage>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

use crate::browser::online::is_online as online;

impl Chat {
    pub(super) fn api(&self) -> ChatApi {
        self.api.get_value()
    }

    fn go(&self, path: &str) {
        self.navigate.with_value(|n| n(path));
    }

    fn persist_outbox(&self) {
        self.thread
            .with_untracked(|t| self.store.with_value(|s| s.save_outbox(t)));
    }

    pub(crate) fn conversation_id(&self) -> Option<String> {
        self.thread.with_untracked(|t| t.conversation_id.clone())
    }

    /// Sends the composer's text.
    pub(crate) fn send_draft(&self) {
        let text = self.draft.get_untracked().trim().to_string();
        if text.is_empty() || self.thread.with_untracked(Thread::is_sending) {
            return;
        }
        let client_id = new_client_id();
        let key = self
            .thread
            .try_update(|t| t.begin_send(&text, &client_id, crate::browser::time::now_ms()))
            .unwrap_or_default();
        self.draft.set(String::new());
        let conversation = self.conversation_id();
        self.store
            .with_value(|s| s.save_draft(conversation.as_deref(), ""));
        self.sent.update(|n| *n += 1);
        self.deliver(key, text, client_id);
    }

    pub(crate) fn retry(&self, key: &str) {
        if self.thread.with_untracked(Thread::is_sending) {
            return;
        }
        if let Some(Some((text, client_id))) = self.thread.try_update(|t| t.retry(key)) {
            self.sent.update(|n| *n += 1);
            self.deliver(key.to_string(), text, client_id);
        }
    }

    /// The conversation is gone: move the message into a new one and send it there.
    pub(crate) fn resend_in_new_conversation(&self, key: &str) {
        let Some(Some(entry)) = self.thread.try_update(|t| t.discard(key)) else {
            return;
        };
        self.persist_outbox();
        self.store.with_value(|s| s.set_last_conversation(None));
        self.thread.set(Thread::new(None));
        self.history.set(HistoryState::Ready);
        self.go("/chat");
        self.draft.set(entry.content);
        self.send_draft();
    }

    fn deliver(&self, key: String, text: String, client_id: String) {
        self.persist_outbox();
        let chat = *self;
        let conversation = self.conversation_id();
        let api = self.api();
        wasm_bindgen_futures::spawn_local(async move {
            let result = api.send(&text, conversation.as_deref(), &client_id).await;
            // The page may be gone, or show another conversation: then only storage changes.
            let applied = chat.thread.try_update(|t| {
                if !t.entries.iter().any(|e| e.key == key) {
                    return false;
                }
                match &result {
                    Ok(reply) => t.succeeded(&key, reply.clone(), crate::browser::time::now_ms()),
                    Err(err) => {
                        let (message, offer_new) = send_failure(err, online());
                        t.failed(&key, message, offer_new);
                    }
                }
                true
            });
            if applied != Some(true) {
                if result.is_ok() {
                    chat.store.try_with_value(|s| s.acknowledge(&client_id));
                }
                return;
            }
            if result.is_ok_and(|reply| !reply.tool_calls.is_empty()) {
                chat.tasks_changed.update(|n| *n += 1);
            }
            chat.persist_outbox();
            let now = chat.conversation_id();
            if now != conversation {
                if let Some(id) = &now {
                    chat.store.with_value(|s| s.set_last_conversation(Some(id)));
                    chat.go(&format!("/chat/{}", js_sys::encode_uri_component(id)));
                }
            }
            chat.refresh_conversations();
        });
    }

    pub(crate) fn refresh_conversations(&self) {
        self.conversations.refetch();
    }

    /// The backend keeps no conversation list (known once its answer came).
    fn list_unsupported(&self) -> bool {
        self.conversations
            .try_read_untracked()
            .is_some_and(|read| keeps_no_list(&read))
    }

    /// Appends the next page of older conversations to the list.
    pub(crate) async fn load_older_conversations(self) -> Result<(), ApiError> {
        let Some(first) = self
            .conversations
            .try_read_untracked()
            .and_then(|read| match &*read {
                Some(Ok(Some((list, _)))) => Some(list.len()),
                _ => None,
            })
        else {
            return Ok(());
        };
        let offset = first + self.older_conversations.with_untracked(|o| o.list.len());
        let (page, more) = self.api().conversations(offset).await?;
        let _ = self.older_conversations.try_update(|older| {
            for c in page {
                if !older.list.iter().any(|known| known.id == c.id) {
                    older.list.push(c);
                }
            }
            older.more = Some(more);
        });
        Ok(())
    }

    /// Puts the page of messages before the oldest shown in front of the thread.
    pub(crate) async fn load_earlier_messages(self) -> Result<(), crate::services::api::ApiError> {
        let Some((Some(id), Some(before))) = self
            .thread
            .try_with_untracked(|t| (t.conversation_id.clone(), t.earlier.clone()))
        else {
            return Ok(());
        };
        let page = self.api().history(&id, Some(&before)).await?;
        let _ = self.thread.try_update(|t| {
            if t.conversation_id.as_deref() == Some(id.as_str()) {
                t.prepend(page);
            }
        });
        Ok(())
    }

    /// After a delete: forget it locally, leave it if it was open, read the list again.
    fn deleted(&self, id: &str) {
        self.store.with_value(|s| s.forget_conversation(id));
        if self.conversation_id().as_deref() == Some(id) {
            self.start_new();
        }
        self.refresh_conversations();
    }

    /// "New chat": an empty thread, and `/chat` no longer reopens the last one.
    pub(crate) fn start_new(&self) {
        self.store.with_value(|s| s.set_last_conversation(None));
        self.thread.set(Thread::new(None));
        self.history.set(HistoryState::Ready);
        self.draft.set(self.store.with_value(|s| s.draft(None)));
        self.go("/chat");
    }

    pub(crate) fn save_draft(&self, text: String) {
        let conversation = self.conversation_id();
        self.store
            .with_value(|s| s.save_draft(conversation.as_deref(), &text));
        self.draft.set(text);
    }

    /// Loads the current conversation's history again (after a failure).
    pub(crate) fn reload_history(&self) {
        let current = self.conversation_id();
        self.history.set(HistoryState::Loading);
        self.open(current);
    }

    /// Opens `conversation` (from the URL): its history, its draft, its unsent messages.
    fn open(&self, conversation: Option<String>) {
        if self.conversation_id() == conversation
            && self.history.get_untracked() != HistoryState::Loading
        {
            return;
        }
        let outbox = self.store.with_value(|s| s.outbox());
        self.draft
            .set(self.store.with_value(|s| s.draft(conversation.as_deref())));
        let Some(id) = conversation else {
            self.thread.set(Thread::load(None, Vec::new(), &outbox));
            self.history.set(HistoryState::Ready);
            return;
        };
        self.store
            .with_value(|s| s.set_last_conversation(Some(&id)));
        self.thread.set(Thread::new(Some(id.clone())));
        self.history.set(HistoryState::Loading);
        let chat = *self;
        let api = self.api();
        wasm_bindgen_futures::spawn_local(async move {
            let result = api.history(&id, None).await;
            if chat
                .thread
                .try_with_untracked(|t| t.conversation_id.clone())
                .flatten()
                .as_deref()
                != Some(id.as_str())
            {
                return; // another conversation was opened meanwhile
            }
            let state = match result {
                Ok(page) => {
                    chat.thread
                        .set(Thread::load_page(Some(id.clone()), page, &outbox));
                    HistoryState::Ready
                }
                Err(e) if e.status() == Some(404) => {
                    chat.store.with_value(|s| s.set_last_conversation(None));
                    // Without a conversations endpoint this backend keeps no history to load.
                    if chat.list_unsupported() {
                        chat.thread
                            .set(Thread::load(Some(id.clone()), Vec::new(), &outbox));
                        HistoryState::Ready
                    } else {
                        HistoryState::Gone
                    }
                }
                Err(e) => HistoryState::Failed(e.user_message()),
            };
            let _ = chat.history.try_set(state);
        });
    }
}

pub(crate) fn use_chat() -> Chat {
    expect_context::<Chat>()
}

#[allow(unreachable_pub)]
#[component]
pub fn ChatPage() -> impl IntoView {
    let auth = use_auth();
    // The route guard renders this page only for a (signed-in or provisional) user.
    let user: Option<User> = auth.get_untracked().page_user().cloned();
    let Some(user) = user else {
        return ().into_any();
    };
    let config = expect_context::<AppConfig>();
    let api = use_api().with_base_url(&config.chat_api_base_url);
    let params = use_params_map();
    let navigate = use_safe_navigate();
    let store = ChatStore::new(&user.id);

    let route_conversation =
        Memo::new(move |_| params.with(|p| p.get("id")).filter(|id| !id.is_empty()));
    // `/chat` reopens the last conversation (the URL then names it).
    if route_conversation.get_untracked().is_none() {
        if let Some(last) = store.last_conversation() {
            navigate(
                &format!("/chat/{}", js_sys::encode_uri_component(&last)),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    }

    let nav = navigate.clone();
    let chat_api = ChatApi::new(api, &user.id);
    let older_conversations = RwSignal::new(OlderPages::default());
    let conversations = LocalResource::new({
        let api = chat_api.clone();
        move || {
            let api = api.clone();
            async move {
                let first = match api.conversations(0).await {
                    Ok(page) => Ok(Some(page)),
                    Err(e) if matches!(e.status(), Some(404 | 405)) => Ok(None),
                    Err(e) => Err(e),
                };
                // A fresh first page replaces whatever older pages were shown.
                if first.is_ok() {
                    older_conversations.try_set(OlderPages::default());
                }
                first
            }
        }
    });
    let delete = Action::new_local({
        let api = chat_api.clone();
        move |id: &String| {
            let (api, id) = (api.clone(), id.clone());
            async move {
                let result = api.delete_conversation(&id).await;
                (id, result)
            }
        }
    });
    let chat = Chat {
        thread: RwSignal::new(Thread::new(None)),
        history: RwSignal::new(HistoryState::Loading),
        conversations,
        older_conversations,
        delete,
        list_notice: RwSignal::new(None),
        draft: RwSignal::new(String::new()),
        tasks_changed: RwSignal::new(0),
        sent: RwSignal::new(0),
        user_id: StoredValue::new(user.id.clone()),
        api: StoredValue::new_local(chat_api),
        store: StoredValue::new_local(store),
        navigate: StoredValue::new_local(std::rc::Rc::new(move |path: &str| {
            nav(
                path,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            )
        })),
    };
    provide_context(chat);
    // A delete's answer: done, or said above the list (which stays).
    Effect::new(move |_| match delete.value().get() {
        Some((id, Ok(()))) => chat.deleted(&id),
        Some((_, Err(e))) => chat.list_notice.set(Some(format!(
            "Could not delete the conversation: {}",
            e.user_message()
        ))),
        None => {}
    });
    Effect::new(move |_| chat.open(route_conversation.get()));

    // The conversation's title as the sidebar knows it.
    let subtitle = move || match chat.thread.with(|t| t.conversation_id.clone()) {
        Some(id) => chat.conversations.with(|read| match read {
            Some(Ok(Some((list, _)))) => list.iter().find(|c| c.id == id).map(|c| c.title.clone()),
            _ => None,
        }),
        None => Some("New conversation".to_string()),
    };
    view! {
        <Title text="Chat" />
        <section class="chat-page">
            <sidebar::ConversationList />
            <div class="chat-main">
                <div class="chat-header">
                    <div>
                        <h1>"Chat"</h1>
                        <p class="muted chat-title">{subtitle}</p>
                    </div>
                    <button type="button" class="button button-secondary" on:click=move |_| chat.start_new()>
                        "New chat"
                    </button>
                </div>
                <thread::ThreadView />
                <composer::Composer />
            </div>
            <tasks::TaskPanel />
        </section>
    }
    .into_any()
}
