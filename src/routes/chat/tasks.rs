//! The task panel beside the thread: the user's tasks, a pending/completed
//! filter, a checkbox to complete one. It stays current from `task.*` events
//! on `private-user-{id}`; without a live connection it polls (the shared
//! polling primitive), and after every reply that touched tasks it reloads.

use super::api::ChatApi;
use super::use_chat;
use crate::hooks::use_channel_event;
use crate::hooks::use_poller;
use crate::services::realtime::{use_realtime, user_channel};
use dashboard_core::chat::{apply_task_event, parse_task_event, Task, TaskEvent};
use leptos::prelude::*;
use pusher_core::Message;
use std::future::Future;

/// Polling while realtime is off or down.
const POLL_MS: f64 = 10_000.0;
/// A slow safety net while realtime is connected (a missed event heals itself).
const SAFETY_POLL_MS: f64 = 60_000.0;

#[derive(Debug, Clone, PartialEq)]
enum LoadState {
    Loading,
    Ready,
    /// No list yet, and the last attempt failed.
    Failed(String),
}

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

/// The list and how it is kept up to date.
#[derive(Clone, Copy)]
struct TaskFeed {
    tasks: RwSignal<Vec<Task>>,
    state: RwSignal<LoadState>,
    /// The last refresh failed while a list is shown (the list may be stale).
    refresh_error: RwSignal<Option<String>>,
    api: StoredValue<ChatApi, LocalStorage>,
    /// Number of the latest fetch started; older answers are dropped.
    latest: StoredValue<u64>,
    in_flight: StoredValue<u32>,
    /// Events that arrived while a fetch was out: replayed over its answer,
    /// which may predate them.
    replay: StoredValue<Vec<TaskEvent>>,
    /// Pages of tasks shown (the server pages long lists); "Show more" adds one.
    pages: RwSignal<usize>,
    /// How many tasks the server holds in all, when it says.
    total: RwSignal<Option<u64>>,
}

impl TaskFeed {
    fn load(self) -> impl Future<Output = bool> {
        let api = self.api.get_value();
        let ticket = self.latest.get_value() + 1;
        self.latest.set_value(ticket);
        self.in_flight.update_value(|n| *n += 1);
        let pages = self.pages.get_untracked();
        async move {
            let result = api.tasks(pages).await;
            // The panel may be gone by now.
            if self
                .in_flight
                .try_update_value(|n| *n = n.saturating_sub(1))
                .is_none()
            {
                return false;
            }
            let ok = result.is_ok();
            if self.latest.get_value() != ticket {
                return ok; // a newer fetch is on its way
            }
            let replay = self
                .replay
                .try_update_value(std::mem::take)
                .unwrap_or_default();
            match result {
                Ok((mut list, total)) => {
                    for event in replay {
                        apply_task_event(&mut list, event);
                    }
                    self.tasks.set(list);
                    self.total.set(total);
                    self.state.set(LoadState::Ready);
                    self.refresh_error.set(None);
                }
                Err(e) if self.state.get_untracked() == LoadState::Ready => {
                    self.refresh_error.set(Some(e.user_message()));
                }
                Err(e) => self.state.set(LoadState::Failed(e.user_message())),
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
        let Some(event) = parse_task_event(&message.event, &message.data) else {
            return;
        };
        if self.in_flight.get_value() > 0 {
            self.replay.update_value(|r| r.push(event.clone()));
        }
        self.tasks.update(|tasks| apply_task_event(tasks, event));
    }

    /// Ticks the box at once; the server's answer (or its event) confirms it.
    fn set_completed(self, id: String, completed: bool) {
        let before = self.tasks.get_untracked();
        self.tasks.update(|tasks| {
            if let Some(t) = tasks.iter_mut().find(|t| t.id == id) {
                t.completed = completed;
            }
        });
        let api = self.api.get_value();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = api.set_completed(&id, completed).await {
                let title = before
                    .iter()
                    .find(|t| t.id == id)
                    .map(|t| t.title.clone())
                    .unwrap_or_default();
                let _ = self.tasks.try_update(|tasks| {
                    if let (Some(t), Some(old)) = (
                        tasks.iter_mut().find(|t| t.id == id),
                        before.iter().find(|t| t.id == id),
                    ) {
                        t.completed = old.completed;
                    }
                });
                let _ = self.refresh_error.try_set(Some(format!(
                    "“{title}” could not be updated: {}",
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
        tasks: RwSignal::new(Vec::new()),
        state: RwSignal::new(LoadState::Loading),
        refresh_error: RwSignal::new(None),
        api: StoredValue::new_local(chat.api()),
        latest: StoredValue::new(0),
        in_flight: StoredValue::new(0),
        replay: StoredValue::new(Vec::new()),
        pages: RwSignal::new(1),
        total: RwSignal::new(None),
    };
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
        feed.tasks.with(|tasks| {
            tasks
                .iter()
                .filter(|t| f.keeps(t))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let counts = move || {
        feed.tasks.with(|tasks| {
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
            {move || match feed.state.get() {
                LoadState::Loading => view! { <p class="muted" role="status">"Loading tasks…"</p> }.into_any(),
                LoadState::Failed(message) => view! {
                    <div class="alert alert-error" role="alert">
                        <p>{format!("Tasks could not be loaded: {message}")}</p>
                        <button type="button" class="button-small" on:click=move |_| poll.refresh_now()>"Try again"</button>
                    </div>
                }
                .into_any(),
                LoadState::Ready => view! {
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
                let shown = feed.tasks.with(Vec::len) as u64;
                feed.total.get().filter(|total| *total > shown).map(|total| view! {
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
    let every = format!("Checked every {} s", POLL_MS / 1000.0);
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
