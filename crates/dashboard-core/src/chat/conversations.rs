//! The conversation list.

use crate::api::{list_items, ApiError};
use crate::json::{exact_string, scalar_text};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    pub id: String,
    pub title: String,
    pub updated_at: Option<String>,
}

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
