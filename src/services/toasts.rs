//! Notifications that appear in a corner for a few seconds: realtime alerts,
//! realtime problems. Polite for information, assertive for critical ones.

use leptos::prelude::*;

const VISIBLE_FOR_MS: u32 = 8_000;
const MAX_TOASTS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Warning,
    Critical,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Toast {
    pub id: u64,
    pub tone: Tone,
    pub title: String,
    pub message: String,
}

#[derive(Clone, Copy)]
pub(crate) struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    pub(crate) fn new() -> Toasts {
        Toasts {
            items: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    pub(crate) fn show(&self, tone: Tone, title: impl Into<String>, message: impl Into<String>) {
        let id = self.next.with_value(|n| *n + 1);
        self.next.set_value(id);
        self.items.update(|items| {
            items.push(Toast {
                id,
                tone,
                title: title.into(),
                message: message.into(),
            });
            let excess = items.len().saturating_sub(MAX_TOASTS);
            items.drain(..excess);
        });
        let items = self.items;
        wasm_bindgen_futures::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(VISIBLE_FOR_MS).await;
            let _ = items.try_update(|items| items.retain(|t| t.id != id));
        });
    }

    pub(crate) fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
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

#[allow(unreachable_pub)]
#[component]
pub(crate) fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <section class="toasts" aria-label="Notifications">
            <For each=move || toasts.items.get() key=|t| t.id let:toast>
                {
                    let (class, role) = match toast.tone {
                        Tone::Warning => ("toast toast-warning", "status"),
                        Tone::Critical => ("toast toast-critical", "alert"),
                    };
                    let id = toast.id;
                    view! {
                        <div class=class role=role>
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
            </For>
        </section>
    }
}
