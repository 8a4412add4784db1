//! The conversation list.

use super::{id_text, text};
use crate::api::unwrap_envelope;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    pub id: String,
    pub title: String,
    pub updated_at: Option<String>,
}

pub fn parse_conversations(body: &Value) -> Result<Vec<ConversationSummary>, String> {
    let data = unwrap_envelope(body.clone()).map_err(|e| e.user_message())?;
    let list = match &data {
        Value::Array(a) => a,
        Value::Object(o) => o
            .get("conversations")
            .and_then(Value::as_array)
            .ok_or("the answer has no conversations")?,
        _ => return Err("the answer is not a conversation list".into()),
    };
    Ok(list
        .iter()
        .filter_map(|c| {
            let id = id_text(c.get("id")).or_else(|| id_text(c.get("conversation_id")))?;
            let title = text(c.get("title"))
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "New conversation".into());
            Some(ConversationSummary {
                id,
                title,
                updated_at: text(c.get("updated_at")),
            })
        })
        .collect())
}
