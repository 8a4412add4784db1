//! The message thread: the user's messages on the right, the assistant's on
//! the left with task cards, a "Thinking…" bubble while waiting, failed
//! messages with Retry. It follows new messages only while the reader is at
//! the bottom (or just sent one); otherwise a "New messages" button appears.

use super::load_more::LoadMore;
use super::{use_chat, HistoryState};
use dashboard_core::chat::{task_card, CardTask, Entry, Role, Status, TaskCard};
use leptos::html;
use leptos::prelude::*;

/// Within this many pixels of the end counts as "reading the latest".
const NEAR_BOTTOM_PX: i32 = 80;

fn scroll_to_bottom(log: &web_sys::HtmlDivElement) {
    log.set_scroll_top(log.scroll_height());
}

fn near_bottom(log: &web_sys::HtmlDivElement) -> bool {
    log.scroll_height() - log.scroll_top() - log.client_height() <= NEAR_BOTTOM_PX
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn ThreadView() -> impl IntoView {
    let chat = use_chat();
    let log_ref = NodeRef::<html::Div>::new();
    // Whether the reader was at the bottom before the latest change.
    let following = StoredValue::new(true);
    let (unseen, set_unseen) = signal(false);

    // After each change of the thread. Effects may run before the list's DOM
    // is updated, so the scrolling itself waits for the next frame.
    // The last entry's key: earlier messages put in front are no news.
    Effect::new(move |previous: Option<(Option<String>, bool, u64)>| {
        let shape = (
            chat.thread
                .with(|t| t.entries.last().map(|e| e.key.clone())),
            chat.thread.with(|t| t.is_sending()),
            chat.sent.get(),
        );
        let loaded = chat.history.with(|h| *h == HistoryState::Ready);
        if !loaded {
            return shape;
        }
        let sent_now = previous.as_ref().is_some_and(|p| p.2 != shape.2);
        let grew = previous.as_ref().is_some_and(|p| p.0 != shape.0);
        if previous.is_none() || sent_now {
            following.set_value(true);
            set_unseen.set(false);
        }
        // Decide in the frame: its scroll events (a reader scrolling up right
        // now) are dispatched before animation-frame callbacks run.
        request_animation_frame(move || {
            if following.try_get_value() == Some(true) {
                if let Some(log) = log_ref.try_get_untracked().flatten() {
                    scroll_to_bottom(&log);
                }
            } else if grew {
                set_unseen.try_set(true);
            }
        });
        shape
    });
    // A freshly loaded history starts at its end.
    Effect::new(move |_| {
        if chat.history.get() == HistoryState::Ready {
            following.set_value(true);
            request_animation_frame(move || {
                if let Some(log) = log_ref.try_get_untracked().flatten() {
                    scroll_to_bottom(&log);
                }
            });
        }
    });

    // Frames and scroll events can arrive after the thread unmounted (a scroll
    // queued by the last frame fires on the detached element): every access
    // below is a `try_`, never a panic.
    let on_scroll = move |_| {
        if let Some(log) = log_ref.try_get_untracked().flatten() {
            let at_end = near_bottom(&log);
            following.set_value(at_end);
            if at_end {
                set_unseen.set(false);
            }
        }
    };
    let jump_to_latest = move |_| {
        if let Some(log) = log_ref.try_get_untracked().flatten() {
            scroll_to_bottom(&log);
        }
        following.set_value(true);
        set_unseen.set(false);
    };

    // Re-render an entry when its status or replies change, not on every change of the thread.
    let entries = move || chat.thread.with(|t| t.entries.clone());
    let entry_key = |e: &Entry| format!("{}|{:?}", e.key, e.status);
    let thinking = move || chat.thread.with(|t| t.is_sending());
    let empty = move || {
        chat.thread.with(|t| t.entries.is_empty())
            && chat.history.with(|h| *h == HistoryState::Ready)
    };

    view! {
        <div class="chat-thread">
            <div
                class="chat-log"
                role="log"
                aria-label="Messages"
                aria-live="polite"
                tabindex="0"
                node_ref=log_ref
                on:scroll=on_scroll
            >
                <HistoryNotice />
                <Show when=move || chat.thread.with(|t| t.earlier.is_some())>
                    <LoadMore
                        label="Show earlier messages"
                        busy_label="Loading earlier messages…"
                        what="Earlier messages"
                        load=move || chat.load_earlier_messages()
                    />
                </Show>
                <Show when=empty>
                    <div class="chat-empty">
                        <h2>"What needs doing?"</h2>
                        <p class="muted">"Tell the assistant in your own words. For example:"</p>
                        <ul class="prompt-list">
                            {EXAMPLE_PROMPTS.into_iter().map(|prompt| view! {
                                <li>
                                    <button
                                        type="button"
                                        class="prompt-chip"
                                        on:click=move |_| {
                                            chat.save_draft(prompt.to_string());
                                            focus_composer();
                                        }
                                    >
                                        {prompt}
                                    </button>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                </Show>
                <ol class="messages">
                    <For each=entries key=entry_key let:entry>
                        <MessageItem entry />
                    </For>
                    <Show when=thinking>
                        <li class="msg msg-assistant msg-thinking" role="status">
                            <div class="bubble">
                                <span class="dots" aria-hidden="true">
                                    <span></span>
                                    <span></span>
                                    <span></span>
                                </span>
                                "Thinking…"
                            </div>
                        </li>
                    </Show>
                </ol>
            </div>
            <Show when=move || unseen.get()>
                <button type="button" class="new-messages button-small" on:click=jump_to_latest>
                    "New messages ↓"
                </button>
            </Show>
        </div>
    }
}

/// Loading, missing or unloadable history.
#[component]
fn HistoryNotice() -> impl IntoView {
    let chat = use_chat();
    move || {
        match chat.history.get() {
        HistoryState::Ready => ().into_any(),
        HistoryState::Loading => view! {
            <div class="page-state" role="status">
                <span class="spinner" aria-hidden="true"></span>
                "Loading the conversation…"
            </div>
        }
        .into_any(),
        HistoryState::Gone => view! {
            <div class="alert alert-warning" role="alert">
                <p>"This conversation doesn't exist any more (it may have been deleted)."</p>
                <button type="button" on:click=move |_| chat.start_new()>"Start a new conversation"</button>
            </div>
        }
        .into_any(),
        HistoryState::Failed(message) => view! {
            <div class="alert alert-error" role="alert">
                <p>{format!("The conversation could not be loaded: {message}")}</p>
                <button type="button" on:click=move |_| chat.reload_history()>"Try again"</button>
            </div>
        }
        .into_any(),
    }
    }
}

/// What the empty conversation offers to start with (each fills the composer).
const EXAMPLE_PROMPTS: [&str; 4] = [
    "add a task to buy milk",
    "show my pending tasks",
    "mark task 3 as done",
    "delete the task about milk",
];

fn focus_composer() {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("chat-message"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// When a message was written: the time, the full date on hover or focus.
fn written_at(at_ms: Option<f64>) -> impl IntoView {
    at_ms.map(|at| view! { <WrittenAt at /> })
}

/// The time a message was written, focusable, with a tooltip that holds the
/// full date (WCAG 1.4.13: it stays while hovered and Escape hides it). Screen
/// readers hear the full date as the time's description.
#[component]
fn WrittenAt(at: f64) -> impl IntoView {
    let id = next_tooltip_id();
    let (dismissed, set_dismissed) = signal(false);
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" && !dismissed.get_untracked() {
            // The first Escape is the tooltip's alone (not also a dialog's).
            ev.stop_propagation();
            set_dismissed.set(true);
        }
    };
    view! {
        <span
            class="msg-time-wrap"
            class:dismissed=dismissed
            on:mouseleave=move |_| set_dismissed.set(false)
        >
            <time
                class="msg-time muted"
                tabindex="0"
                datetime=dashboard_core::time::format_iso8601_ms(at).unwrap_or_default()
                aria-describedby=id.clone()
                on:keydown=on_key
                on:blur=move |_| set_dismissed.set(false)
            >
                {crate::browser::locale::time(at)}
            </time>
            <span class="msg-time-full" role="tooltip" id=id>
                {crate::browser::locale::date_time(at)}
            </span>
        </span>
    }
}

fn next_tooltip_id() -> String {
    use std::cell::Cell;
    thread_local! {
        static NEXT: Cell<u64> = const { Cell::new(0) };
    }
    let n = NEXT.with(|c| {
        let n = c.get();
        c.set(n + 1);
        n
    });
    format!("msg-time-{n}")
}

/// Copies an assistant's reply; the button and the page's status region say so.
#[component]
fn CopyButton(text: String) -> impl IntoView {
    let text = StoredValue::new(text);
    let announcer = use_context::<crate::layout::Announcer>();
    let copy = Action::new_local(move |_: &()| {
        let text = text.get_value();
        async move {
            let result = crate::browser::clipboard::copy_text(&text).await;
            if let Some(announcer) = announcer {
                announcer.say(match &result {
                    Ok(()) => "Reply copied to the clipboard.".to_string(),
                    Err(e) => format!("Could not copy: {e}."),
                });
            }
            result
        }
    });
    let label = move || match copy.value().get() {
        _ if copy.pending().get() => "Copying…",
        Some(Ok(())) => "Copied",
        Some(Err(_)) => "Copy failed",
        None => "Copy",
    };
    view! {
        <button type="button" class="button-link msg-copy" aria-label="Copy reply" on:click=move |_| { copy.dispatch(()); }>
            {label}
        </button>
    }
}

#[component]
fn MessageItem(entry: Entry) -> impl IntoView {
    let chat = use_chat();
    let (class, speaker) = match entry.role {
        Role::User => ("msg msg-user", "You"),
        Role::Assistant => ("msg msg-assistant", "Assistant"),
    };
    let cards: Vec<TaskCard> = entry.tool_calls.iter().filter_map(task_card).collect();
    let key = StoredValue::new(entry.key.clone());
    let status = match entry.status {
        Status::Sent => ().into_any(),
        Status::Sending => view! { <p class="msg-status muted">"Sending…"</p> }.into_any(),
        Status::Failed { message, offer_new_conversation } => view! {
            <div class="msg-status msg-failed" role="alert">
                <p>{format!("Not sent. {message}")}</p>
                <div class="msg-actions">
                    <button type="button" class="button-small" on:click=move |_| chat.retry(&key.get_value())>
                        "Retry"
                    </button>
                    {offer_new_conversation.then(|| view! {
                        <button
                            type="button"
                            class="button-small button-secondary"
                            on:click=move |_| chat.resend_in_new_conversation(&key.get_value())
                        >
                            "Send in a new conversation"
                        </button>
                    })}
                </div>
            </div>
        }
        .into_any(),
    };
    let copy = (entry.role == Role::Assistant)
        .then(|| view! { <CopyButton text=entry.content.clone() /> });
    view! {
        <li class=class>
            <div class="bubble">
                <span class="visually-hidden">{format!("{speaker}: ")}</span>
                <p class="msg-text">{entry.content}</p>
            </div>
            <div class="msg-meta">{written_at(entry.at_ms)} {copy}</div>
            {(!cards.is_empty()).then(|| view! {
                <div class="task-cards">
                    {cards.into_iter().map(|card| view! { <TaskCardView card /> }).collect_view()}
                </div>
            })}
            {status}
        </li>
    }
}

fn task_line(task: &CardTask) -> String {
    match &task.id {
        Some(id) => format!("#{id} {}", task.title),
        None => task.title.clone(),
    }
}

#[component]
fn TaskCardView(card: TaskCard) -> impl IntoView {
    let (kind, heading, body) = match card {
        TaskCard::Created(t) => (
            "created",
            "Task added".to_string(),
            view! { <p class="card-task">{task_line(&t)}</p> }.into_any(),
        ),
        TaskCard::Completed(t) => (
            "completed",
            "Task completed".to_string(),
            view! { <p class="card-task">{task_line(&t)}</p> }.into_any(),
        ),
        TaskCard::Updated(t) => (
            "updated",
            "Task updated".to_string(),
            view! { <p class="card-task">{task_line(&t)}</p> }.into_any(),
        ),
        TaskCard::Deleted(t) => (
            "deleted",
            "Task deleted".to_string(),
            view! { <p class="card-task"><s>{task_line(&t)}</s></p> }.into_any(),
        ),
        TaskCard::List { filter, tasks } => {
            let heading = match filter.as_str() {
                "pending" => format!("Pending tasks ({})", tasks.len()),
                "completed" => format!("Completed tasks ({})", tasks.len()),
                _ => format!("All tasks ({})", tasks.len()),
            };
            let body = if tasks.is_empty() {
                view! { <p class="muted">"No tasks."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list">
                        {tasks.into_iter().map(|t| {
                            let state = if t.completed { "done" } else { "pending" };
                            view! {
                                <li class=format!("card-item card-item-{state}")>
                                    <span>{task_line(&t)}</span>
                                    <span class="visually-hidden">{format!(" ({state})")}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            ("list", heading, body)
        }
        TaskCard::Failed { tool, message } => (
            "failed",
            format!("{} failed", tool.replace('_', " ")),
            view! { <p>{message}</p> }.into_any(),
        ),
    };
    let label = heading.clone();
    view! {
        <section class=format!("task-card task-card-{kind}") aria-label=label>
            <h3>{heading}</h3>
            {body}
        </section>
    }
}
