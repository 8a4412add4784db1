//! The conversation list.

use crate::api::{undecodable, unwrap_envelope, ApiError};
use crate::json::{exact_string, scalar_text};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    pub id: String,
    pub title: String,
    pub updated_at: Option<String>,
}

pub fn parse_conversations(body: &Value) -> Result<Vec<ConversationSummary>, ApiError> {
    let data = unwrap_envelope(body.clone())?;
    let list = match &data {
        Value::Array(a) => a,
        Value::Object(o) => o
            .get("conversations")
            .and_then(Value::as_array)
            .ok_or_else(|| undecodable("the answer has no conversations"))?,
        _ => return Err(undecodable("the answer is not a conversation list")),
    };
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
