//! The message box: Enter sends, Shift+Enter starts a new line, nothing is
//! sent while an IME composition is open. Disabled while a message is on its
//! way (focus comes back afterwards); the draft is saved as it is typed.

use super::use_chat;
use crate::browser::focus::focus_when_attached;
use leptos::html;
use leptos::prelude::*;

/// The backend's limit on a message.
const MAX_MESSAGE_CHARS: usize = 4096;
/// The box grows with its text up to this height (px), then scrolls.
const MAX_HEIGHT_PX: i32 = 240;

/// Fits the box's height to its text (between its two rows and the limit).
fn fit_to_text(el: &web_sys::HtmlTextAreaElement) {
    let style = web_sys::HtmlElement::style(el);
    let _ = style.set_property("height", "auto");
    let wanted = el.scroll_height() + (el.offset_height() - el.client_height());
    let _ = style.set_property("height", &format!("{}px", wanted.min(MAX_HEIGHT_PX)));
    let _ = style.set_property(
        "overflow-y",
        if wanted > MAX_HEIGHT_PX {
            "auto"
        } else {
            "hidden"
        },
    );
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn Composer() -> impl IntoView {
    let chat = use_chat();
    let input = NodeRef::<html::Textarea>::new();
    let sending = Memo::new(move |_| chat.thread.with(|t| t.is_sending()));
    let length = Memo::new(move |_| chat.draft.with(|d| d.trim().chars().count()));
    let too_long = move || length.get() > MAX_MESSAGE_CHARS;
    let cannot_send = move || sending.get() || length.get() == 0 || too_long();

    // Focused when the page opens and again when a send completes.
    Effect::new(move |_| {
        if !sending.get() {
            if let Some(el) = input.get() {
                focus_when_attached(el.into());
            }
        }
    });

    // Grows with the draft, whether typed, restored or filled from an example.
    Effect::new(move |_| {
        chat.draft.track();
        if let Some(el) = input.get() {
            leptos::prelude::request_animation_frame(move || fit_to_text(&el));
        }
    });

    let submit = move || {
        if !cannot_send() {
            chat.send_draft();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };
    let counter = move || {
        let n = length.get();
        (n > MAX_MESSAGE_CHARS - 200).then(|| format!("{n} / {MAX_MESSAGE_CHARS}"))
    };

    view! {
        <form
            class="composer"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <label for="chat-message" class="visually-hidden">"Message"</label>
            <textarea
                id="chat-message"
                node_ref=input
                rows="2"
                placeholder="Ask me to add, list, complete or delete tasks…"
                aria-describedby="chat-message-hint"
                aria-invalid=move || too_long().then_some("true")
                prop:value=move || chat.draft.get()
                disabled=move || sending.get()
                on:input=move |ev| chat.save_draft(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" disabled=cannot_send>"Send"</button>
            <p id="chat-message-hint" class="hint">
                {move || if too_long() {
                    format!("Messages can be at most {MAX_MESSAGE_CHARS} characters.")
                } else {
                    "Enter to send · Shift+Enter for a new line".to_string()
                }}
                <span class="counter">{counter}</span>
            </p>
        </form>
    }
}
