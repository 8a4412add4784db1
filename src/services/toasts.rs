//! Notifications in a corner (realtime alerts, realtime problems), in two live
//! regions that exist from the start, so screen readers hear what is added:
//! assertive for critical ones (they stay until dismissed), polite for the
//! others (they go after 8 s, paused while the pointer or focus is on them).
//! What stays and for how long is decided by `dashboard_core::notices`.

pub(crate) use dashboard_core::notices::Tone;
use dashboard_core::notices::{Notice, Notices};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy)]
pub(crate) struct Toasts {
    board: RwSignal<Notices>,
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
}

fn now() -> f64 {
    crate::browser::time::now_ms()
}

impl Toasts {
    pub(crate) fn new() -> Toasts {
        Toasts {
            board: RwSignal::new(Notices::default()),
            timer: StoredValue::new_local(None),
        }
    }

    pub(crate) fn show(&self, tone: Tone, title: impl Into<String>, message: impl Into<String>) {
        self.board.update(|b| {
            b.add(tone, title.into(), message.into(), now());
        });
        self.schedule();
    }

    pub(crate) fn dismiss(&self, id: u64) {
        self.board.update(|b| b.dismiss(id));
    }

    fn pause(&self) {
        self.board.update(|b| b.pause(now()));
        self.schedule();
    }

    fn resume(&self) {
        self.board.update(|b| b.resume(now()));
        self.schedule();
    }

    /// One timer, for the next notice whose time will be up.
    fn schedule(&self) {
        if let Some(Some(handle)) = self.timer.try_update_value(Option::take) {
            handle.clear();
        }
        let Some(deadline) = self
            .board
            .try_with_untracked(|b| b.next_deadline(now()))
            .flatten()
        else {
            return;
        };
        let this = *self;
        let handle = set_timeout_with_handle(
            move || {
                if this.board.try_update(|b| b.expire(now())).is_some() {
                    this.schedule();
                }
            },
            Duration::from_millis((deadline - now()).max(0.0) as u64 + 1),
        );
        self.timer.try_set_value(handle.ok());
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
fn ToastCard(toast: Notice) -> impl IntoView {
    let toasts = use_toasts();
    let class = match toast.tone {
        Tone::Warning => "toast toast-warning",
        Tone::Critical => "toast toast-critical",
    };
    let id = toast.id;
    let label = toast.title.clone();
    view! {
        <div class=class role="group" aria-label=label>
            <div class="toast-body">
                <strong>{toast.title}</strong>
                <p>{toast.message}</p>
            </div>
            <button type="button" class="button-link toast-close" on:click=move |_| toasts.dismiss(id)>
                "Dismiss"
            </button>
        </div>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    let of_tone = move |tone: Tone| {
        move || {
            toasts.board.with(|b| {
                b.items()
                    .iter()
                    .filter(|n| n.tone == tone)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        }
    };
    // Paused while the pointer is over the notifications or focus is in them.
    let (hovered, focused) = (RwSignal::new(false), RwSignal::new(false));
    Effect::new(move |was: Option<bool>| {
        let paused = hovered.get() || focused.get();
        match (was, paused) {
            (Some(false) | None, true) => toasts.pause(),
            (Some(true), false) => toasts.resume(),
            _ => {}
        }
        paused
    });
    let leaves_host = |ev: &leptos::ev::FocusEvent| {
        use wasm_bindgen::JsCast;
        let host = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let next = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        !matches!((host, next), (Some(h), Some(n)) if h.contains(Some(&n)))
    };
    view! {
        <section
            class="toasts"
            aria-label="Notifications"
            on:mouseenter=move |_| hovered.set(true)
            on:mouseleave=move |_| hovered.set(false)
            on:focusin=move |_| focused.set(true)
            on:focusout=move |ev| if leaves_host(&ev) { focused.set(false) }
        >
            <div class="toast-stack" aria-live="assertive" aria-relevant="additions">
                <For each=of_tone(Tone::Critical) key=|t| t.id let:toast>
                    <ToastCard toast />
                </For>
            </div>
            <div class="toast-stack" aria-live="polite" aria-relevant="additions">
                <For each=of_tone(Tone::Warning) key=|t| t.id let:toast>
                    <ToastCard toast />
                </For>
            </div>
        </section>
    }
}
