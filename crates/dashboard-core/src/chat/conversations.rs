//! The conversation list.

use crate::api::{list_items, ApiError};
use crate::json::{exact_string, scalar_text};
use serde_json::Value;

/// One entry of the conversation list.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    /// The conversation's id (string or number on the wire).
    pub id: String,
    /// Its title, or a stand-in when the server gives none.
    pub title: String,
    /// When it last changed, as the server wrote it.
    pub updated_at: Option<String>,
}

/// The conversations of a list answer (any variant); unreadable entries are skipped.
pub fn parse_conversations(body: &Value) -> Result<Vec<ConversationSummary>, ApiError> {
    let list = list_items(body, "conversations")?;
    Ok(list
        .iter()
        .filter_map(|c| {
            let id = scalar_text(c.get("id")).or_else(|| scalar_text(c.get("conversation_id")))?;
            let title = exact_string(c.get("title"))
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "New conversation".into());
            Some(ConversationSummary {
                id,
                title,
                updated_at: exact_string(c.get("updated_at")),
            })
        })
        .collect())
}
