//! The Todo API's answers as typed structs (docs/contracts/api.md, Todo chat).

use super::tasks::Task;
use serde::Serialize;
use serde_json::Value;

/// One stored message.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StoredMessage {
    pub(crate) id: i64,
    pub(crate) role: String,
    pub(crate) content: String,
    /// The assistant's tool calls (`null` for the user's messages).
    pub(crate) tool_calls: Option<Value>,
    pub(crate) created_at: String,
}

/// The answer to a chat message: only what is new.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChatAnswer {
    pub(crate) conversation_id: String,
    pub(crate) response: String,
    pub(crate) tool_calls: Value,
    /// The message and its answer.
    pub(crate) messages: Vec<StoredMessage>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConversationSummary {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConversationPage {
    pub(crate) conversations: Vec<ConversationSummary>,
    /// On this page.
    pub(crate) count: usize,
    /// In all.
    pub(crate) total: i64,
    pub(crate) has_more: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MessagePage {
    pub(crate) messages: Vec<StoredMessage>,
    pub(crate) has_more: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaskPage {
    pub(crate) tasks: Vec<Task>,
    /// Every task that matches the filter.
    pub(crate) total: i64,
    pub(crate) limit: i64,
    pub(crate) offset: i64,
    pub(crate) has_more: bool,
}
