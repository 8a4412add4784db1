//! Chat answers and stored histories, from every backend variant.

use crate::api::{envelope_data, list_items, undecodable, ApiError};
use crate::json::{exact_string, scalar_text};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One tool the agent called while answering, with what it was given and what it gave back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Without the `_tool` suffix some backends add (`add_task_tool` → `add_task`).
    pub tool: String,
    /// The arguments, as an object (decoded when a backend sends them as JSON text).
    pub parameters: Value,
    /// What the tool returned (`Null` when nothing).
    pub result: Value,
    /// The tool's error message, when it failed.
    pub error: Option<String>,
}

impl ToolCall {
    /// `{tool|name|tool_name, parameters|arguments (object or JSON text), result, error}`.
    pub fn from_json(v: &Value) -> Option<ToolCall> {
        let o = v.as_object()?;
        let tool = ["tool", "name", "tool_name", "function"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))?
            .trim()
            .trim_end_matches("_tool")
            .to_string();
        let as_json = |v: Option<&Value>| match v {
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
            Some(other) => other.clone(),
            None => Value::Null,
        };
        let parameters = as_json(
            o.get("parameters")
                .or_else(|| o.get("arguments"))
                .or_else(|| o.get("args")),
        );
        let mut result = as_json(o.get("result").or_else(|| o.get("output")));
        // `{"status":"success","data":{…}}` / `{"success":…,"result":…}` wrappers.
        let mut error = exact_string(o.get("error")).filter(|e| !e.trim().is_empty());
        if let Some(r) = result.as_object() {
            if r.get("status").and_then(Value::as_str) == Some("error")
                || r.get("success") == Some(&Value::Bool(false))
            {
                error = error
                    .or_else(|| {
                        exact_string(r.get("error")).or_else(|| exact_string(r.get("message")))
                    })
                    .or(Some("the tool failed".into()));
            }
            if let Some(data) = r.get("data").filter(|_| r.contains_key("status")) {
                result = data.clone();
            } else if let Some(inner) = r.get("result").filter(|_| r.contains_key("success")) {
                result = inner.clone();
            }
        }
        Some(ToolCall {
            tool,
            parameters,
            result,
            error,
        })
    }
}

fn tool_calls(o: &serde_json::Map<String, Value>) -> Vec<ToolCall> {
    ["tool_calls", "tool_calls_executed", "tools_used"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_array))
        .map(|calls| calls.iter().filter_map(ToolCall::from_json).collect())
        .unwrap_or_default()
}

/// Who wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// The signed-in user.
    User,
    /// The agent (`assistant`, `agent` or `bot` on the wire).
    Assistant,
}

/// One stored message of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryMessage {
    /// The server's id, when it sends one (string or number).
    pub id: Option<String>,
    /// Who wrote it.
    pub role: Role,
    /// The message text (`content` or `text`).
    pub content: String,
    /// Tool calls made for this message (assistant messages only).
    pub tool_calls: Vec<ToolCall>,
    /// When it was written (`created_at`: ISO 8601, or seconds or ms since the epoch).
    pub at_ms: Option<f64>,
}

impl HistoryMessage {
    /// One message of any history variant; `None` for anything unreadable (it is skipped).
    pub fn from_json(v: &Value) -> Option<HistoryMessage> {
        let o = v.as_object()?;
        let role = match o.get("role").and_then(Value::as_str)? {
            "user" => Role::User,
            "assistant" | "agent" | "bot" => Role::Assistant,
            _ => return None,
        };
        let content = exact_string(o.get("content")).or_else(|| exact_string(o.get("text")))?;
        // A Python `str()` of a list (one backend stores that) is not JSON: no cards then.
        let calls = match o.get("tool_calls") {
            Some(Value::Array(a)) => a.iter().filter_map(ToolCall::from_json).collect(),
            Some(Value::String(s)) => serde_json::from_str::<Vec<Value>>(s)
                .map(|a| a.iter().filter_map(ToolCall::from_json).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let at_ms =
            match o.get("created_at").or_else(|| o.get("timestamp")) {
                Some(Value::String(t)) => crate::time::parse_iso8601_ms(t),
                Some(Value::Number(n)) => n
                    .as_f64()
                    .filter(|t| t.is_finite() && *t > 0.0)
                    .map(|t| if t >= 1e11 { t } else { t * 1000.0 }),
                _ => None,
            };
        Some(HistoryMessage {
            id: scalar_text(o.get("id")),
            role,
            content,
            tool_calls: calls,
            at_ms,
        })
    }
}

/// The messages of a history answer (bare list, `{messages}` or an envelope).
pub(crate) fn parse_history(body: &Value) -> Result<Vec<HistoryMessage>, ApiError> {
    let list = list_items(body, "messages")?;
    Ok(list.iter().filter_map(HistoryMessage::from_json).collect())
}

/// Whether a paged list says more remain (`has_more: true`); backends that do
/// not page send everything, so no flag means nothing more.
pub fn has_more(body: &Value) -> bool {
    let data = match body.get("data").filter(|_| body.get("status").is_some()) {
        Some(data) => data,
        None => body,
    };
    data.get("has_more")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// One page of a conversation's history, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryPage {
    /// The messages on this page, oldest first.
    pub messages: Vec<HistoryMessage>,
    /// Older messages remain on the server.
    pub has_more: bool,
}

/// One page of history with its `has_more` flag.
pub fn parse_history_page(body: &Value) -> Result<HistoryPage, ApiError> {
    Ok(HistoryPage {
        messages: parse_history(body)?,
        has_more: has_more(body),
    })
}

/// The answer to a chat message.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatReply {
    /// The conversation the reply belongs to (a new one when the message started it).
    pub conversation_id: Option<String>,
    /// The agent's reply text.
    pub response: String,
    /// The tools the agent called for this reply.
    pub tool_calls: Vec<ToolCall>,
}

/// `response`, or `message.content`, or a string `message`; `tool_calls`,
/// `tool_calls_executed` or `tools_used`; ids as strings or numbers.
pub fn parse_reply(body: &Value) -> Result<ChatReply, ApiError> {
    let o = envelope_data(body)?
        .as_object()
        .ok_or_else(|| undecodable("the answer is not an object"))?;
    if o.get("success") == Some(&Value::Bool(false)) {
        return Err(ApiError::Reported {
            message: exact_string(o.get("error"))
                .unwrap_or_else(|| "The assistant reported an error.".into()),
        });
    }
    let response = exact_string(o.get("response"))
        .or_else(|| {
            o.get("message")
                .and_then(|m| m.get("content"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| exact_string(o.get("message")))
        .or_else(|| exact_string(o.get("reply")))
        .ok_or_else(|| undecodable("the answer has no reply text"))?;
    Ok(ChatReply {
        conversation_id: scalar_text(o.get("conversation_id")),
        response,
        tool_calls: tool_calls(o),
    })
}
