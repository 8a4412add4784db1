//! Event bindings (pusher-js `bind`, `unbind`, `bind_global`, `channel.bind`).
//! Kept apart from [`crate::Client`] so callbacks can call back into the
//! client without re-entering it.

use crate::client::Message;

/// Names a binding, to unbind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingId(u64);

/// Which messages a binding receives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// `None`: any channel, and connection-level events too (the global emitter).
    pub channel: Option<String>,
    /// `None`: every event (`bind_global`).
    pub event: Option<String>,
}

impl Filter {
    /// Whether `message` is for this filter (a `None` part matches anything).
    pub fn matches(&self, message: &Message) -> bool {
        let channel_ok = match &self.channel {
            None => true,
            Some(c) => message.channel.as_deref() == Some(c.as_str()),
        };
        let event_ok = match &self.event {
            None => true,
            Some(e) => *e == message.event,
        };
        // Internal events are never delivered to global (channel-less) bindings,
        // except the ones an app binds to by name.
        let internal_ok = self.channel.is_some()
            || self.event.is_some()
            || !message.event.starts_with("pusher_internal:");
        channel_ok && event_ok && internal_ok
    }
}

/// Callbacks bound to filters, called in the order they were bound.
pub struct Bindings<C> {
    next: u64,
    entries: Vec<(BindingId, Filter, C)>,
}

impl<C> Default for Bindings<C> {
    fn default() -> Self {
        Bindings {
            next: 0,
            entries: Vec::new(),
        }
    }
}

impl<C> Bindings<C> {
    /// Adds `callback` for messages that `filter` matches.
    pub fn bind(&mut self, filter: Filter, callback: C) -> BindingId {
        self.next += 1;
        let id = BindingId(self.next);
        self.entries.push((id, filter, callback));
        id
    }

    /// Removes a binding; false when it was already gone.
    pub fn unbind(&mut self, id: BindingId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(i, _, _)| *i != id);
        self.entries.len() != before
    }

    /// Removes every binding of `channel` (e.g. when leaving it).
    pub fn unbind_channel(&mut self, channel: &str) {
        self.entries
            .retain(|(_, f, _)| f.channel.as_deref() != Some(channel));
    }

    /// How many bindings there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No bindings at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The callbacks that should receive `message`, in binding order.
    pub fn matching<'a>(
        &'a mut self,
        message: &'a Message,
    ) -> impl Iterator<Item = &'a mut C> + 'a {
        self.entries
            .iter_mut()
            .filter(move |(_, f, _)| f.matches(message))
            .map(|(_, _, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(channel: Option<&str>, event: &str) -> Message {
        Message {
            channel: channel.map(str::to_string),
            event: event.into(),
            data: json!(null),
            user_id: None,
        }
    }

    #[test]
    fn channel_event_and_global_bindings() {
        let mut b: Bindings<&'static str> = Bindings::default();
        let on_channel = b.bind(
            Filter {
                channel: Some("c".into()),
                event: Some("e".into()),
            },
            "channel e",
        );
        b.bind(
            Filter {
                channel: Some("c".into()),
                event: None,
            },
            "channel any",
        );
        b.bind(
            Filter {
                channel: None,
                event: Some("e".into()),
            },
            "global e",
        );
        b.bind(Filter::default(), "global any");
        let hit: Vec<_> = b.matching(&msg(Some("c"), "e")).map(|c| *c).collect();
        assert_eq!(
            hit,
            vec!["channel e", "channel any", "global e", "global any"]
        );
        let hit: Vec<_> = b.matching(&msg(Some("other"), "e")).map(|c| *c).collect();
        assert_eq!(hit, vec!["global e", "global any"]);
        let hit: Vec<_> = b.matching(&msg(None, "x")).map(|c| *c).collect();
        assert_eq!(hit, vec!["global any"]);
        assert!(b.unbind(on_channel));
        assert!(!b.unbind(on_channel));
        b.unbind_channel("c");
        assert_eq!(b.len(), 2);
    }
}
