//! The task panel beside the thread: the user's tasks, a pending/completed
//! filter, a checkbox to complete one. It stays current from `task.*` events
//! on `private-user-{id}`; without a live connection it polls (the shared
//! polling primitive), and after every reply that touched tasks it reloads.

use super::api::ChatApi;
use super::use_chat;
use crate::hooks::use_channel_event;
use crate::hooks::use_poller;
use crate::services::realtime::{use_realtime, user_channel};
use dashboard_core::chat::{parse_task_event, FetchFailure, Task, TaskList};
use leptos::prelude::*;
use pusher_core::Message;
use std::future::Future;

/// Polling while realtime is off or down.
const POLL_MS: f64 = 10_000.0;
/// A slow safety net while realtime is connected (a missed event heals itself).
const SAFETY_POLL_MS: f64 = 60_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Pending,
    Completed,
}

impl Filter {
    fn parse(value: &str) -> Filter {
        match value {
            "pending" => Filter::Pending,
            "completed" => Filter::Completed,
            _ => Filter::All,
        }
    }

    fn keeps(self, task: &Task) -> bool {
        match self {
            Filter::All => true,
            Filter::Pending => !task.completed,
            Filter::Completed => task.completed,
        }
    }
}

/// The list (its decisions are `dashboard_core::chat::TaskList`'s) and the
/// effects that keep it up to date.
#[derive(Clone, Copy)]
struct TaskFeed {
    list: RwSignal<TaskList>,
    /// The first load failed and nothing is shown: why.
    failure: RwSignal<Option<String>>,
    /// The last refresh or change failed while a list is shown.
    refresh_error: RwSignal<Option<String>>,
    api: StoredValue<ChatApi, LocalStorage>,
    /// Pages of tasks shown (the server pages long lists); "Show more" adds one.
    pages: RwSignal<usize>,
}

impl TaskFeed {
    fn load(self) -> impl Future<Output = bool> {
        let api = self.api.get_value();
        // Bookkeeping only: nothing shown changes, so no subscriber is woken.
        let ticket = self.list.try_update_untracked(TaskList::begin_fetch);
        let pages = self.pages.get_untracked();
        async move {
            // The panel may be gone by the time the answer comes.
            let Some(ticket) = ticket else { return false };
            let result = api.tasks(pages).await;
            let ok = result.is_ok();
            match result {
                Ok((tasks, total)) => {
                    let applied = self
                        .list
                        .try_update(|list| list.fetch_succeeded(ticket, tasks, total));
                    if applied == Some(true) {
                        self.failure.set(None);
                        self.refresh_error.set(None);
                    }
                }
                Err(e) => match self
                    .list
                    .try_update_untracked(|list| list.fetch_failed(ticket))
                {
                    Some(FetchFailure::ListKept) => self.refresh_error.set(Some(e.user_message())),
                    Some(FetchFailure::NothingShown) => self.failure.set(Some(e.user_message())),
                    Some(FetchFailure::Superseded) | None => {}
                },
            }
            ok
        }
    }

    fn reload(self) {
        wasm_bindgen_futures::spawn_local(async move {
            self.load().await;
        });
    }

    fn on_event(self, message: &Message) {
        if let Some(event) = parse_task_event(&message.event, &message.data) {
            self.list.update(|list| list.event(event));
        }
    }

    /// Ticks the box at once; the server's answer (or its event) confirms it.
    fn set_completed(self, id: String, completed: bool) {
        let Some(pending) = self
            .list
            .try_update(|list| list.toggle(&id, completed))
            .flatten()
        else {
            return;
        };
        let api = self.api.get_value();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = api.set_completed(&pending.id, completed).await {
                let _ = self.list.try_update(|list| list.toggle_refused(&pending));
                let _ = self.refresh_error.try_set(Some(format!(
                    "“{}” could not be updated: {}",
                    pending.title,
                    e.user_message()
                )));
            }
        });
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn TaskPanel() -> impl IntoView {
    let chat = use_chat();
    let feed = TaskFeed {
        list: RwSignal::new(TaskList::default()),
        failure: RwSignal::new(None),
        refresh_error: RwSignal::new(None),
        api: StoredValue::new_local(chat.api()),
        pages: RwSignal::new(1),
    };
    // Memos, so the panel's parts re-render only when what they show changes.
    let loaded = Memo::new(move |_| feed.list.with(TaskList::is_loaded));
    let more = Memo::new(move |_| feed.list.with(TaskList::more_on_server));
    let filter = RwSignal::new(Filter::All);

    let own_channel = user_channel(&chat.user_id.get_value());
    let realtime_status = use_realtime().map(|rt| rt.status());
    // Live only once the server confirmed our channel (a refused one means
    // polling; a dropped connection clears every confirmation).
    let live = {
        let own_channel = own_channel.clone();
        Memo::new(move |_| {
            realtime_status.is_some_and(|s| s.with(|s| s.is_subscribed(&own_channel)))
        })
    };
    let interval = Signal::derive(move || Some(if live.get() { SAFETY_POLL_MS } else { POLL_MS }));
    let poll = use_poller(interval, move || feed.load());
    // Back online after a gap: events may have been missed.
    Effect::new(move |was_live: Option<bool>| {
        let now_live = live.get();
        if was_live == Some(false) && now_live {
            poll.refresh_now();
        }
        now_live
    });
    // A reply that touched tasks: reload (events may beat or trail the reply).
    Effect::new(move |previous: Option<u64>| {
        let changed = chat.tasks_changed.get();
        if previous.is_some_and(|p| p != changed) {
            feed.reload();
        }
        changed
    });
    let channel = Signal::derive(move || Some(own_channel.clone()));
    for event in ["task.created", "task.updated", "task.deleted"] {
        use_channel_event(channel, event, move |m| feed.on_event(m));
    }

    let visible = Memo::new(move |_| {
        let f = filter.get();
        feed.list.with(|list| {
            list.tasks()
                .iter()
                .filter(|t| f.keeps(t))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let counts = move || {
        feed.list.with(|list| {
            let tasks = list.tasks();
            let done = tasks.iter().filter(|t| t.completed).count();
            format!("{} pending · {} completed", tasks.len() - done, done)
        })
    };

    view! {
        <aside class="task-panel" aria-labelledby="tasks-heading">
            <div class="task-panel-header">
                <h2 id="tasks-heading">"Your tasks"</h2>
                <label class="inline-field">
                    <span>"Show"</span>
                    <select on:change=move |ev| filter.set(Filter::parse(&event_target_value(&ev)))>
                        <option value="all" selected=move || filter.get() == Filter::All>"All"</option>
                        <option value="pending" selected=move || filter.get() == Filter::Pending>"Pending"</option>
                        <option value="completed" selected=move || filter.get() == Filter::Completed>"Completed"</option>
                    </select>
                </label>
            </div>
            {move || match (loaded.get(), feed.failure.get()) {
                (false, None) => view! { <p class="muted" role="status">"Loading tasks…"</p> }.into_any(),
                (false, Some(message)) => view! {
                    <div class="alert alert-error" role="alert">
                        <p>{format!("Tasks could not be loaded: {message}")}</p>
                        <button type="button" class="button-small" on:click=move |_| poll.refresh_now()>"Try again"</button>
                    </div>
                }
                .into_any(),
                (true, _) => view! {
                    <p class="muted task-counts">{counts}</p>
                    <p class="muted task-freshness" role="status">{move || freshness(live.get(), realtime_status.is_some())}</p>
                    <Show
                        when=move || visible.with(|v| !v.is_empty())
                        fallback=move || view! {
                            <p class="muted">{move || match filter.get() {
                                Filter::All => "No tasks yet. Ask the assistant to add one.",
                                Filter::Pending => "Nothing pending.",
                                Filter::Completed => "Nothing completed yet.",
                            }}</p>
                        }
                    >
                        <ul class="task-list">
                            <For each=move || visible.get() key=|t| (t.id.clone(), t.title.clone(), t.completed) let:task>
                                <TaskRow task feed />
                            </For>
                        </ul>
                    </Show>
                }
                .into_any(),
            }}
            {move || {
                more.get().map(|(shown, total)| view! {
                    <p class="muted task-more">
                        {format!("Showing {shown} of {total} tasks.")}
                        " "
                        <button type="button" class="button-small button-secondary" on:click=move |_| {
                            feed.pages.update(|p| *p += 1);
                            feed.reload();
                        }>
                            "Show more tasks"
                        </button>
                    </p>
                })
            }}
            {move || feed.refresh_error.get().map(|message| view! {
                <p class="task-error" role="alert">{message}</p>
            })}
        </aside>
    }
}

/// How current the list is, in words.
fn freshness(live: bool, realtime_configured: bool) -> String {
    // Whole seconds, written as an integer (no float formatter in this page's code).
    let every = format!("Checked every {} s", (POLL_MS / 1000.0).round() as u64);
    match (live, realtime_configured) {
        (true, _) => "Updating live.".into(),
        (false, true) => format!("{every} until live updates connect."),
        (false, false) => format!("{every}."),
    }
}

#[component]
fn TaskRow(task: Task, feed: TaskFeed) -> impl IntoView {
    let input_id = format!("task-{}", task.id);
    let id = task.id.clone();
    view! {
        <li class="task-row" class:done=task.completed>
            <input
                type="checkbox"
                id=input_id.clone()
                checked=task.completed
                on:change=move |ev| feed.set_completed(id.clone(), event_target_checked(&ev))
            />
            <label for=input_id>
                <span class="task-title">{task.title}</span>
                {task.description.map(|d| view! { <span class="task-description muted">{d}</span> })}
            </label>
        </li>
    }
}
