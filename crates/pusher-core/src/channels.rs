//! The channel table (pusher-js `core/channels`): each channel's kind and
//! subscription state, presence members, and encryption key.

use serde_json::Value;
use std::collections::BTreeMap;

/// What a channel is, from its name's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// No prefix: anyone with the app key may subscribe.
    Public,
    /// `private-`: needs a signature from the auth endpoint.
    Private,
    /// `presence-`: private, with a members list.
    Presence,
    /// `private-encrypted-`: private, events end-to-end encrypted.
    Encrypted,
    /// `#server-to-user-{id}`, subscribed by the library after sign-in.
    ServerToUser,
}

impl ChannelKind {
    /// The kind of channel `name`.
    pub fn of(name: &str) -> ChannelKind {
        if name.starts_with("private-encrypted-") {
            ChannelKind::Encrypted
        } else if name.starts_with("private-") {
            ChannelKind::Private
        } else if name.starts_with("presence-") {
            ChannelKind::Presence
        } else if name.starts_with("#server-to-user-") {
            ChannelKind::ServerToUser
        } else {
            ChannelKind::Public
        }
    }

    /// Subscribing needs a signature from the auth endpoint.
    pub fn needs_auth(self) -> bool {
        matches!(
            self,
            ChannelKind::Private | ChannelKind::Presence | ChannelKind::Encrypted
        )
    }

    /// Client events are allowed on private and presence channels (not encrypted ones).
    pub fn allows_client_events(self) -> bool {
        matches!(self, ChannelKind::Private | ChannelKind::Presence)
    }
}

/// Where a channel's subscription stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionState {
    /// Known, not subscribed (not connected yet, or reset by a disconnect).
    Unsubscribed,
    /// Waiting for the authorizer (`auth_request`) or for the server's answer.
    Pending {
        /// The authorizer request being waited for, if any.
        auth_request: Option<u64>,
    },
    /// The server confirmed it.
    Subscribed,
    /// Authorization or subscription failed; retried after the next reconnect.
    Failed,
}

/// A presence channel's members: user id (always a string) → user info.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Members {
    /// User id → user info.
    pub members: BTreeMap<String, Value>,
    /// How many, as the server counts them.
    pub count: u64,
    /// This connection's own user id.
    pub my_id: Option<String>,
}

impl Members {
    /// This connection's own entry.
    pub fn me(&self) -> Option<(&String, &Value)> {
        let id = self.my_id.as_ref()?;
        self.members.get_key_value(id)
    }

    /// The info of member `id`.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.members.get(id)
    }
}

/// A user id as JSON: numbers and strings both become strings.
pub fn normalize_id(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A presence channel that is not one has no members.
static NO_MEMBERS: Members = Members {
    members: BTreeMap::new(),
    count: 0,
    my_id: None,
};

/// What only one kind of channel carries, so that a members list on a private
/// channel or a key on a presence channel cannot be built.
#[derive(Debug, Clone)]
pub(crate) enum KindState {
    /// Public, private or server-to-user: the kind is all there is.
    Plain(ChannelKind),
    /// A presence channel's members.
    Presence(Members),
    /// An encrypted channel's key and re-keying.
    Encrypted(Encryption),
}

impl KindState {
    fn fresh(kind: ChannelKind) -> KindState {
        match kind {
            ChannelKind::Presence => KindState::Presence(Members::default()),
            ChannelKind::Encrypted => KindState::Encrypted(Encryption::default()),
            plain => KindState::Plain(plain),
        }
    }
}

/// An encrypted channel's secrets: never handed out of the crate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Encryption {
    /// The shared secret from the last authorization.
    pub(crate) key: Option<[u8; 32]>,
    /// The re-authorization asked for after a decryption failure.
    pub(crate) reauth_request: Option<u64>,
    /// One re-authorization per key.
    pub(crate) reauthorized: bool,
    /// Events that could not be decrypted, retried with the fresh key.
    pub(crate) undecrypted: Vec<(String, Value)>,
}

/// One channel of the table. Its fields are the client's own: callers read
/// what they may through the accessors (an encrypted channel's key never leaves).
#[derive(Debug, Clone)]
pub struct Channel {
    pub(crate) name: String,
    pub(crate) state: SubscriptionState,
    /// Unsubscribed while pending: dropped when the server confirms.
    pub(crate) cancelled: bool,
    pub(crate) kind_state: KindState,
    pub(crate) subscription_count: Option<u64>,
}

impl Channel {
    /// The channel's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Public, private, presence, encrypted or server-to-user (from the name).
    pub fn kind(&self) -> ChannelKind {
        match self.kind_state {
            KindState::Plain(kind) => kind,
            KindState::Presence(_) => ChannelKind::Presence,
            KindState::Encrypted(_) => ChannelKind::Encrypted,
        }
    }

    /// Where its subscription stands.
    pub fn state(&self) -> &SubscriptionState {
        &self.state
    }

    /// Subscribers, when the server reports them (`pusher_internal:subscription_count`).
    pub fn subscription_count(&self) -> Option<u64> {
        self.subscription_count
    }

    /// Presence members (empty for other kinds).
    pub fn members(&self) -> &Members {
        match &self.kind_state {
            KindState::Presence(members) => members,
            _ => &NO_MEMBERS,
        }
    }

    /// The members, on a presence channel.
    pub(crate) fn members_mut(&mut self) -> Option<&mut Members> {
        match &mut self.kind_state {
            KindState::Presence(members) => Some(members),
            _ => None,
        }
    }

    /// The secrets, on an encrypted channel.
    pub(crate) fn encryption_mut(&mut self) -> Option<&mut Encryption> {
        match &mut self.kind_state {
            KindState::Encrypted(encryption) => Some(encryption),
            _ => None,
        }
    }

    fn reauth_request(&self) -> Option<u64> {
        match &self.kind_state {
            KindState::Encrypted(encryption) => encryption.reauth_request,
            _ => None,
        }
    }

    pub(crate) fn new(name: &str) -> Channel {
        Channel {
            name: name.to_string(),
            state: SubscriptionState::Unsubscribed,
            cancelled: false,
            kind_state: KindState::fresh(ChannelKind::of(name)),
            subscription_count: None,
        }
    }

    /// After a disconnect: not subscribed, no members, no key (fresh auth follows).
    pub(crate) fn reset(&mut self) {
        self.state = SubscriptionState::Unsubscribed;
        self.kind_state = KindState::fresh(self.kind());
    }
}

/// The channel table, by name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Channels {
    channels: BTreeMap<String, Channel>,
}

impl Channels {
    pub(crate) fn get(&self, name: &str) -> Option<&Channel> {
        self.channels.get(name)
    }

    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut Channel> {
        self.channels.get_mut(name)
    }

    pub(crate) fn insert(&mut self, channel: Channel) -> &mut Channel {
        let name = channel.name.clone();
        self.channels.entry(name).or_insert(channel)
    }

    pub(crate) fn remove(&mut self, name: &str) -> Option<Channel> {
        self.channels.remove(name)
    }

    /// Every channel, in name order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Channel> {
        self.channels.values()
    }

    pub(crate) fn names(&self) -> Vec<String> {
        self.channels.keys().cloned().collect()
    }

    pub(crate) fn reset_all(&mut self) {
        for channel in self.channels.values_mut() {
            channel.reset();
        }
        // Channels cancelled while pending need no resubscription.
        self.channels.retain(|_, c| !c.cancelled);
    }

    /// The channel waiting for the auth answer `request` (to subscribe or to re-key).
    pub(crate) fn by_auth_request(&mut self, request: u64) -> Option<&mut Channel> {
        self.channels.values_mut().find(|c| {
            c.state
                == SubscriptionState::Pending {
                    auth_request: Some(request),
                }
                || c.reauth_request() == Some(request)
        })
    }
}

/// Pusher's channel-name rules: 1–164 of `[A-Za-z0-9_\-=@,.;]`.
pub fn is_valid_name(name: &str) -> bool {
    (1..=164).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-=@,.;".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_follow_prefixes() {
        assert_eq!(ChannelKind::of("metrics"), ChannelKind::Public);
        assert_eq!(ChannelKind::of("private-user-1"), ChannelKind::Private);
        assert_eq!(
            ChannelKind::of("private-encrypted-x"),
            ChannelKind::Encrypted
        );
        assert_eq!(ChannelKind::of("presence-dashboard"), ChannelKind::Presence);
        assert_eq!(
            ChannelKind::of("#server-to-user-7"),
            ChannelKind::ServerToUser
        );
        assert!(!ChannelKind::Encrypted.allows_client_events());
        assert!(ChannelKind::Presence.needs_auth());
    }

    #[test]
    fn each_kind_carries_only_its_own_state() {
        let mut private = Channel::new("private-user-1");
        assert_eq!(private.kind(), ChannelKind::Private);
        assert!(private.members_mut().is_none());
        assert!(private.encryption_mut().is_none());
        assert_eq!(private.members().count, 0);

        let mut presence = Channel::new("presence-dashboard");
        assert!(presence.encryption_mut().is_none());
        presence
            .members_mut()
            .map(|m| m.members.insert("7".into(), json!({})));
        assert_eq!(presence.members().members.len(), 1);
        presence.reset();
        assert_eq!(presence.kind(), ChannelKind::Presence);
        assert!(presence.members().members.is_empty());

        let mut encrypted = Channel::new("private-encrypted-x");
        assert!(encrypted.members_mut().is_none());
        if let Some(e) = encrypted.encryption_mut() {
            e.key = Some([1; 32]);
            e.reauth_request = Some(3);
        }
        let mut table = Channels::default();
        table.insert(encrypted);
        assert!(table.by_auth_request(3).is_some());
        table.reset_all();
        let after = table
            .get_mut("private-encrypted-x")
            .and_then(Channel::encryption_mut);
        assert!(after.is_some_and(|e| e.key.is_none() && e.reauth_request.is_none()));
    }

    #[test]
    fn names() {
        assert!(is_valid_name("private-user-1"));
        assert!(is_valid_name("a=b@c,d.e;f_g-h"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("#server-to-user-1"));
        assert!(!is_valid_name("with space"));
        assert!(!is_valid_name(&"a".repeat(165)));
    }

    #[test]
    fn ids_are_strings() {
        assert_eq!(normalize_id(&json!(10)), Some("10".into()));
        assert_eq!(normalize_id(&json!("u1")), Some("u1".into()));
        assert_eq!(normalize_id(&json!(null)), None);
        assert_eq!(normalize_id(&json!("")), None);
    }
}
