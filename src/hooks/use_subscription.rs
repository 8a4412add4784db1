//! `use_subscription`: keep a realtime channel subscribed while a component is
//! mounted (its events are bound elsewhere, for example by the realtime service).
//!
//! ```ignore
//! use_subscription(Signal::derive(move || Some(user_channel(&id))));
//! ```

use crate::services::realtime::use_realtime;
use leptos::prelude::*;

/// Keeps `channel` subscribed while `Some` (no handler: someone else binds its events).
pub(crate) fn use_subscription(channel: Signal<Option<String>>) {
    let Some(rt) = use_realtime() else { return };
    let rt = StoredValue::new_local(rt);
    let current: StoredValue<Option<String>, LocalStorage> = StoredValue::new_local(None);
    let release = move || {
        if let Some(Some(name)) = current.try_update_value(Option::take) {
            rt.try_with_value(|rt| rt.unsubscribe(&name));
        }
    };
    Effect::new(move |_| {
        let next = channel.get();
        release();
        if let Some(name) = next {
            rt.with_value(|rt| rt.subscribe(&name));
            current.set_value(Some(name));
        }
    });
    on_cleanup(release);
}
