//! One conversation as a state machine where no message is lost: sending,
//! sent, failed with Retry, older pages put in front.

use super::{ChatReply, HistoryMessage, HistoryPage, Role, ToolCall};
use serde::{Deserialize, Serialize};

/// Where a message of the thread stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Status {
    /// Stored on the server (or the reply to a stored message).
    Sent,
    /// On its way; the answer has not come yet.
    Sending,
    /// Not acknowledged; the user can retry.
    Failed {
        /// Why, for the user.
        message: String,
        /// The conversation is gone (404): offer to start a new one.
        offer_new_conversation: bool,
    },
}

/// One message as the thread shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Stable key for rendering: the server id, or a local one.
    pub key: String,
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
    /// Tool calls, shown as cards under the message.
    pub tool_calls: Vec<ToolCall>,
    /// Sent, sending or failed.
    pub status: Status,
    /// The idempotency key a user message is sent (and resent) with.
    pub client_message_id: Option<String>,
    /// When it was written (ms since the epoch), when known.
    pub at_ms: Option<f64>,
}

/// A user message not (yet) acknowledged, kept in storage so a reload or a
/// new sign-in cannot lose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The conversation it was sent to (`None`: it would start a new one).
    pub conversation_id: Option<String>,
    /// The text as the user wrote it.
    pub content: String,
    /// The idempotency key it is sent and resent with.
    pub client_message_id: String,
    /// Why the last attempt failed, when it did.
    pub error: Option<String>,
}

/// One conversation as the chat shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    /// The server's id; `None` until the first answer creates the conversation.
    pub conversation_id: Option<String>,
    /// The messages, oldest first.
    pub entries: Vec<Entry>,
    /// The stored message to ask for older ones before (`?before=`), when the
    /// server said older ones remain.
    pub earlier: Option<String>,
}

fn stored_entry(i: usize, m: HistoryMessage) -> Entry {
    Entry {
        key: m
            .id
            .map(|id| format!("s{id}"))
            .unwrap_or_else(|| format!("h{i}")),
        role: m.role,
        content: m.content,
        tool_calls: m.tool_calls,
        status: Status::Sent,
        client_message_id: None,
        at_ms: m.at_ms,
    }
}

impl Thread {
    /// An empty thread for `conversation_id` (`None`: a new conversation).
    pub fn new(conversation_id: Option<String>) -> Thread {
        Thread {
            conversation_id,
            entries: Vec::new(),
            earlier: None,
        }
    }

    /// [`Thread::load`] from the newest page of the history.
    pub fn load_page(
        conversation_id: Option<String>,
        page: HistoryPage,
        outbox: &[Pending],
    ) -> Thread {
        let mut thread = Thread::load(conversation_id, page.messages, outbox);
        thread.earlier = thread.first_stored_id().filter(|_| page.has_more);
        thread
    }

    /// Puts an older page in front of what is shown (messages already shown are skipped).
    pub fn prepend(&mut self, page: HistoryPage) {
        let older: Vec<Entry> = page
            .messages
            .into_iter()
            .filter(|m| m.id.is_some())
            .enumerate()
            .map(|(i, m)| stored_entry(i, m))
            .filter(|e| !self.entries.iter().any(|shown| shown.key == e.key))
            .collect();
        let loaded_any = !older.is_empty();
        self.entries.splice(0..0, older);
        self.earlier = self
            .first_stored_id()
            .filter(|_| page.has_more && loaded_any);
    }

    fn first_stored_id(&self) -> Option<String> {
        self.entries
            .first()
            .and_then(|e| e.key.strip_prefix('s'))
            .map(str::to_string)
    }

    /// The stored history, plus this conversation's unacknowledged messages.
    pub fn load(
        conversation_id: Option<String>,
        history: Vec<HistoryMessage>,
        outbox: &[Pending],
    ) -> Thread {
        let mut entries: Vec<Entry> = history
            .into_iter()
            .enumerate()
            .map(|(i, m)| stored_entry(i, m))
            .collect();
        for p in outbox
            .iter()
            .filter(|p| p.conversation_id == conversation_id)
        {
            entries.push(Entry {
                key: format!("c{}", p.client_message_id),
                role: Role::User,
                content: p.content.clone(),
                tool_calls: Vec::new(),
                status: Status::Failed {
                    message: p
                        .error
                        .clone()
                        .unwrap_or_else(|| "This message was not confirmed as sent.".into()),
                    offer_new_conversation: false,
                },
                client_message_id: Some(p.client_message_id.clone()),
                at_ms: None,
            });
        }
        Thread {
            conversation_id,
            entries,
            earlier: None,
        }
    }

    /// A message is on its way.
    pub fn is_sending(&self) -> bool {
        self.entries.iter().any(|e| e.status == Status::Sending)
    }

    /// Adds the user's message, written at `now_ms`, marked as sending; returns its key.
    pub fn begin_send(&mut self, content: &str, client_message_id: &str, now_ms: f64) -> String {
        let key = format!("c{client_message_id}");
        self.entries.push(Entry {
            key: key.clone(),
            role: Role::User,
            content: content.to_string(),
            tool_calls: Vec::new(),
            status: Status::Sending,
            client_message_id: Some(client_message_id.to_string()),
            at_ms: Some(now_ms),
        });
        key
    }

    /// The message of `key` was answered at `now_ms`: mark it sent and put the reply after it.
    pub fn succeeded(&mut self, key: &str, reply: ChatReply, now_ms: f64) {
        if let Some(id) = &reply.conversation_id {
            self.conversation_id = Some(id.clone());
        }
        let Some(index) = self.entries.iter().position(|e| e.key == key) else {
            return;
        };
        self.entries[index].status = Status::Sent;
        self.entries.insert(
            index + 1,
            Entry {
                key: format!("{key}-reply"),
                role: Role::Assistant,
                content: reply.response,
                tool_calls: reply.tool_calls,
                status: Status::Sent,
                client_message_id: None,
                at_ms: Some(now_ms),
            },
        );
    }

    /// The message of `key` failed with `message`.
    pub fn failed(&mut self, key: &str, message: String, offer_new_conversation: bool) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
            e.status = Status::Failed {
                message,
                offer_new_conversation,
            };
        }
    }

    /// A failed message goes out again, with the same idempotency key.
    pub fn retry(&mut self, key: &str) -> Option<(String, String)> {
        let entry = self.entries.iter_mut().find(|e| e.key == key)?;
        if !matches!(entry.status, Status::Failed { .. }) {
            return None;
        }
        entry.status = Status::Sending;
        Some((entry.content.clone(), entry.client_message_id.clone()?))
    }

    /// Drops a failed message (its text moved elsewhere, e.g. a new conversation).
    pub fn discard(&mut self, key: &str) -> Option<Entry> {
        let index = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(index))
    }

    /// What must survive a reload: messages sent but not acknowledged.
    pub fn outbox(&self) -> Vec<Pending> {
        self.entries
            .iter()
            .filter(|e| e.role == Role::User && e.status != Status::Sent)
            .filter_map(|e| {
                Some(Pending {
                    conversation_id: self.conversation_id.clone(),
                    content: e.content.clone(),
                    client_message_id: e.client_message_id.clone()?,
                    error: match &e.status {
                        Status::Failed { message, .. } => Some(message.clone()),
                        _ => None,
                    },
                })
            })
            .collect()
    }
}
