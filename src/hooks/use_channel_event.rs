//! `use_channel_event`: receive one event of one realtime channel in a component.
//!
//! ```ignore
//! use_channel_event(Signal::derive(|| Some("private-admin".into())), "alert-new", |m| {
//!     log(&m.data);
//! });
//! ```

use crate::services::realtime::use_realtime;
use leptos::prelude::*;
use pusher_core::{BindingId, Filter, Message};
use serde_json::Value;
use std::rc::Rc;

/// Calls `handler` with each `event` on `channel` (while `channel` is `Some`),
/// whether it comes as a named event or inside the `message` envelope
/// `{type, payload}` the real backend also sends. Subscribes on mount (and
/// when `channel` changes); unbinds and unsubscribes on unmount.
pub(crate) fn use_channel_event(
    channel: Signal<Option<String>>,
    event: &'static str,
    handler: impl Fn(&Message) + 'static,
) {
    let Some(rt) = use_realtime() else { return };
    let handler: Rc<dyn Fn(&Message)> = Rc::new(handler);
    let rt = StoredValue::new_local(rt);
    let handler = StoredValue::new_local(handler);
    let current: StoredValue<Option<(String, BindingId, BindingId)>, LocalStorage> =
        StoredValue::new_local(None);
    let release = move || {
        if let Some(Some((name, named, envelope))) = current.try_update_value(Option::take) {
            rt.try_with_value(|rt| {
                rt.unbind(named);
                rt.unbind(envelope);
                rt.unsubscribe(&name);
            });
        }
    };
    Effect::new(move |_| {
        let next = channel.get();
        release();
        let Some(name) = next else { return };
        let h = handler.get_value();
        let envelope_handler = handler.get_value();
        let bound = rt.with_value(|rt| {
            rt.subscribe(&name);
            let named = rt.bind(
                Filter {
                    channel: Some(name.clone()),
                    event: Some(event.to_string()),
                },
                Rc::new(move |m: &Message| h(m)),
            );
            let envelope = rt.bind(
                Filter {
                    channel: Some(name.clone()),
                    event: Some("message".to_string()),
                },
                Rc::new(move |m: &Message| {
                    if let Some(inner) = unwrap_envelope(m, event) {
                        envelope_handler(&inner);
                    }
                }),
            );
            (named, envelope)
        });
        current.set_value(Some((name, bound.0, bound.1)));
    });
    on_cleanup(release);
}

/// `{"type": event, "payload": …}` on the `message` event, as `event` with the payload.
fn unwrap_envelope(m: &Message, event: &str) -> Option<Message> {
    let kind = m.data.get("type").and_then(Value::as_str)?;
    (kind == event).then(|| Message {
        channel: m.channel.clone(),
        event: event.to_string(),
        data: m.data.get("payload").cloned().unwrap_or(Value::Null),
        user_id: m.user_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn envelopes() {
        let m = Message {
            channel: Some("c".into()),
            event: "message".into(),
            data: json!({"type": "alert-new", "payload": {"x": 1}}),
            user_id: None,
        };
        assert_eq!(
            unwrap_envelope(&m, "alert-new").unwrap().data,
            json!({"x": 1})
        );
        assert!(unwrap_envelope(&m, "task.created").is_none());
    }
}
