//! The Todo chat, without the browser: every documented response variant
//! (docs/contracts/variants.md, Todo chat) parsed into one shape, tool calls turned into
//! task cards, and the thread as a state machine where no message is lost.

use crate::api::{unwrap_envelope, ApiError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An id that may arrive as a number or a string.
pub fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Without the `_tool` suffix some backends add (`add_task_tool` → `add_task`).
    pub tool: String,
    pub parameters: Value,
    pub result: Value,
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
        let mut error = text(o.get("error")).filter(|e| !e.trim().is_empty());
        if let Some(r) = result.as_object() {
            if r.get("status").and_then(Value::as_str) == Some("error")
                || r.get("success") == Some(&Value::Bool(false))
            {
                error = error
                    .or_else(|| text(r.get("error")).or_else(|| text(r.get("message"))))
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    User,
    Assistant,
}

/// One stored message of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryMessage {
    pub id: Option<String>,
    pub role: Role,
    pub content: String,
    pub tool_calls: Vec<ToolCall>,
}

impl HistoryMessage {
    pub fn from_json(v: &Value) -> Option<HistoryMessage> {
        let o = v.as_object()?;
        let role = match o.get("role").and_then(Value::as_str)? {
            "user" => Role::User,
            "assistant" | "agent" | "bot" => Role::Assistant,
            _ => return None,
        };
        let content = text(o.get("content")).or_else(|| text(o.get("text")))?;
        // A Python `str()` of a list (one backend stores that) is not JSON: no cards then.
        let calls = match o.get("tool_calls") {
            Some(Value::Array(a)) => a.iter().filter_map(ToolCall::from_json).collect(),
            Some(Value::String(s)) => serde_json::from_str::<Vec<Value>>(s)
                .map(|a| a.iter().filter_map(ToolCall::from_json).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Some(HistoryMessage {
            id: id_text(o.get("id")),
            role,
            content,
            tool_calls: calls,
        })
    }
}

pub fn parse_history(body: &Value) -> Result<Vec<HistoryMessage>, String> {
    let data = unwrap_envelope(body.clone()).map_err(|e| e.user_message())?;
    let list = match &data {
        Value::Array(a) => a,
        Value::Object(o) => o
            .get("messages")
            .and_then(Value::as_array)
            .ok_or("the answer has no messages")?,
        _ => return Err("the answer is not a message list".into()),
    };
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
    pub messages: Vec<HistoryMessage>,
    /// Older messages remain on the server.
    pub has_more: bool,
}

pub fn parse_history_page(body: &Value) -> Result<HistoryPage, String> {
    Ok(HistoryPage {
        messages: parse_history(body)?,
        has_more: has_more(body),
    })
}

/// The answer to a chat message.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatReply {
    pub conversation_id: Option<String>,
    pub response: String,
    pub tool_calls: Vec<ToolCall>,
}

/// `response`, or `message.content`, or a string `message`; `tool_calls`,
/// `tool_calls_executed` or `tools_used`; ids as strings or numbers.
pub fn parse_reply(body: &Value) -> Result<ChatReply, String> {
    let data = unwrap_envelope(body.clone()).map_err(|e| e.user_message())?;
    let o = data.as_object().ok_or("the answer is not an object")?;
    if o.get("success") == Some(&Value::Bool(false)) {
        return Err(
            text(o.get("error")).unwrap_or_else(|| "the assistant reported an error".into())
        );
    }
    let response = text(o.get("response"))
        .or_else(|| {
            o.get("message")
                .and_then(|m| m.get("content"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| text(o.get("message")))
        .or_else(|| text(o.get("reply")))
        .ok_or("the answer has no reply text")?;
    Ok(ChatReply {
        conversation_id: id_text(o.get("conversation_id")),
        response,
        tool_calls: tool_calls(o),
    })
}

// ------------------------------------------------------------------ task cards

#[derive(Debug, Clone, PartialEq)]
pub struct CardTask {
    pub id: Option<String>,
    pub title: String,
    pub completed: bool,
}

/// What a tool call did, as shown under the assistant's message.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskCard {
    Created(CardTask),
    Completed(CardTask),
    Updated(CardTask),
    Deleted(CardTask),
    List {
        filter: String,
        tasks: Vec<CardTask>,
    },
    Failed {
        tool: String,
        message: String,
    },
}

fn card_task(call: &ToolCall, completed: bool) -> CardTask {
    let pick_id = |v: &Value| id_text(v.get("task_id")).or_else(|| id_text(v.get("id")));
    let pick_title = |v: &Value| text(v.get("title")).or_else(|| text(v.get("name")));
    CardTask {
        id: pick_id(&call.result).or_else(|| pick_id(&call.parameters)),
        title: pick_title(&call.result)
            .or_else(|| pick_title(&call.parameters))
            .unwrap_or_else(|| "Untitled task".into()),
        completed: call
            .result
            .get("completed")
            .and_then(Value::as_bool)
            .unwrap_or(completed),
    }
}

pub fn task_card(call: &ToolCall) -> Option<TaskCard> {
    if let Some(message) = &call.error {
        return Some(TaskCard::Failed {
            tool: call.tool.clone(),
            message: message.clone(),
        });
    }
    Some(match call.tool.as_str() {
        "add_task" | "create_task" => TaskCard::Created(card_task(call, false)),
        "complete_task" => TaskCard::Completed(card_task(call, true)),
        "update_task" => TaskCard::Updated(card_task(call, false)),
        "delete_task" | "remove_task" => TaskCard::Deleted(card_task(call, false)),
        "list_tasks" => {
            let items = call
                .result
                .as_array()
                .or_else(|| call.result.get("tasks").and_then(Value::as_array))
                .cloned()
                .unwrap_or_default();
            TaskCard::List {
                filter: text(call.parameters.get("status")).unwrap_or_else(|| "all".into()),
                tasks: items
                    .iter()
                    .filter_map(Task::from_json)
                    .map(|t| CardTask {
                        id: Some(t.id),
                        title: t.title,
                        completed: t.completed,
                    })
                    .collect(),
            }
        }
        _ => return None,
    })
}

// ------------------------------------------------------------------ tasks and conversations

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
}

impl Task {
    pub fn from_json(v: &Value) -> Option<Task> {
        let o = v.as_object()?;
        let completed = match o.get("completed") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_i64() == Some(1),
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        Some(Task {
            id: id_text(o.get("id")).or_else(|| id_text(o.get("task_id")))?,
            title: text(o.get("title"))?,
            description: text(o.get("description")).filter(|d| !d.is_empty()),
            completed,
        })
    }
}

pub fn parse_tasks(body: &Value) -> Result<Vec<Task>, String> {
    let data = unwrap_envelope(body.clone()).map_err(|e| e.user_message())?;
    let list = match &data {
        Value::Array(a) => a,
        Value::Object(o) => o
            .get("tasks")
            .and_then(Value::as_array)
            .ok_or("the answer has no tasks")?,
        _ => return Err("the answer is not a task list".into()),
    };
    Ok(list.iter().filter_map(Task::from_json).collect())
}

/// A `task.*` realtime event.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskEvent {
    Upsert(Task),
    Deleted(String),
}

pub fn parse_task_event(event: &str, data: &Value) -> Option<TaskEvent> {
    match event {
        "task.created" | "task.updated" | "task.completed" => {
            Task::from_json(data.get("task").unwrap_or(data)).map(TaskEvent::Upsert)
        }
        "task.deleted" => id_text(data.get("task_id"))
            .or_else(|| data.get("task").and_then(|t| id_text(t.get("id"))))
            .or_else(|| id_text(data.get("id")))
            .map(TaskEvent::Deleted),
        _ => None,
    }
}

/// Applies an event to a task list (ordered by id as the backend lists them).
pub fn apply_task_event(tasks: &mut Vec<Task>, event: TaskEvent) {
    match event {
        TaskEvent::Upsert(task) => match tasks.iter_mut().find(|t| t.id == task.id) {
            Some(slot) => *slot = task,
            None => {
                tasks.push(task);
                tasks.sort_by_key(|t| (t.id.parse::<i64>().unwrap_or(i64::MAX), t.id.clone()));
            }
        },
        TaskEvent::Deleted(id) => tasks.retain(|t| t.id != id),
    }
}

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

/// The time a chat answer may take (an LLM behind it can be slow).
pub const SEND_TIMEOUT_MS: u32 = 60_000;

/// Why a message did not go through, and whether to offer a new conversation
/// (the conversation is gone). The message itself always stays, with Retry.
pub fn send_failure(err: &ApiError, online: bool) -> (String, bool) {
    match err {
        ApiError::Network if !online => (
            "You're offline. Your message is kept: retry when you're back online.".into(),
            false,
        ),
        ApiError::Network => (
            "Cannot reach the server. Your message is kept: retry in a moment.".into(),
            false,
        ),
        ApiError::Timeout { .. } => (
            "The assistant did not answer within 60 s. Your message is kept: try again.".into(),
            false,
        ),
        ApiError::Decode { .. } => (
            "The assistant's answer could not be read. Try again.".into(),
            false,
        ),
        ApiError::Http { status: 401, .. } => (
            "Your session has ended. Sign in again: this message will wait here.".into(),
            false,
        ),
        ApiError::Http { status: 403, .. } => {
            ("You can't post in this conversation.".into(), false)
        }
        ApiError::Http { status: 404, .. } => ("This conversation no longer exists.".into(), true),
        ApiError::Http { status: 429, .. } => (err.user_message(), false),
        ApiError::Http { status, .. } if *status >= 500 => (
            format!("The assistant hit an error (HTTP {status}). Your message is kept: try again."),
            false,
        ),
        other => (other.user_message(), false),
    }
}

// ------------------------------------------------------------------ the thread

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Status {
    Sent,
    Sending,
    Failed {
        message: String,
        offer_new_conversation: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Stable key for rendering: the server id, or a local one.
    pub key: String,
    pub role: Role,
    pub content: String,
    pub tool_calls: Vec<ToolCall>,
    pub status: Status,
    /// The idempotency key a user message is sent (and resent) with.
    pub client_message_id: Option<String>,
}

/// A user message not (yet) acknowledged, kept in storage so a reload or a
/// new sign-in cannot lose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub conversation_id: Option<String>,
    pub content: String,
    pub client_message_id: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    pub conversation_id: Option<String>,
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
    }
}

impl Thread {
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
            });
        }
        Thread {
            conversation_id,
            entries,
            earlier: None,
        }
    }

    pub fn is_sending(&self) -> bool {
        self.entries.iter().any(|e| e.status == Status::Sending)
    }

    /// Adds the user's message, marked as sending; returns its key.
    pub fn begin_send(&mut self, content: &str, client_message_id: &str) -> String {
        let key = format!("c{client_message_id}");
        self.entries.push(Entry {
            key: key.clone(),
            role: Role::User,
            content: content.to_string(),
            tool_calls: Vec::new(),
            status: Status::Sending,
            client_message_id: Some(client_message_id.to_string()),
        });
        key
    }

    pub fn succeeded(&mut self, key: &str, reply: ChatReply) {
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
            },
        );
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_reply() {
        let body = json!({"conversation_id": "3f2c", "response": "I've added \"Buy milk\".",
            "tool_calls": [{"tool": "add_task", "parameters": {"title": "Buy milk"}, "result": {"task_id": 5, "status": "created", "title": "Buy milk"}}],
            "messages": []});
        let r = parse_reply(&body).unwrap();
        assert_eq!(r.conversation_id.as_deref(), Some("3f2c"));
        assert_eq!(
            task_card(&r.tool_calls[0]),
            Some(TaskCard::Created(CardTask {
                id: Some("5".into()),
                title: "Buy milk".into(),
                completed: false
            }))
        );
    }

    #[test]
    fn reply_variants() {
        // [S]: integer conversation ids.
        let r = parse_reply(&json!({"conversation_id": 12, "response": "ok", "tool_calls": []}))
            .unwrap();
        assert_eq!(r.conversation_id.as_deref(), Some("12"));
        // [T] spec: message.content, tools in tool_calls_executed with name/arguments.
        let r = parse_reply(&json!({"conversation_id": "u", "message": {"role": "assistant", "content": "Done."},
            "tool_calls_executed": [{"id": "c1", "name": "complete_task", "arguments": "{\"task_id\": \"t-9\"}", "result": {"task_id": "t-9", "title": "Read"}}]})).unwrap();
        assert_eq!(r.response, "Done.");
        assert_eq!(
            task_card(&r.tool_calls[0]),
            Some(TaskCard::Completed(CardTask {
                id: Some("t-9".into()),
                title: "Read".into(),
                completed: true
            }))
        );
        // [B]: `_tool` names and {"status","data"} results.
        let r = parse_reply(&json!({"response": "x", "tool_calls": [{"tool": "delete_task_tool", "parameters": {"task_id": "uuid-1"},
            "result": {"status": "success", "data": {"task_id": "uuid-1", "deleted": true}}}]})).unwrap();
        assert_eq!(
            task_card(&r.tool_calls[0]),
            Some(TaskCard::Deleted(CardTask {
                id: Some("uuid-1".into()),
                title: "Untitled task".into(),
                completed: false
            }))
        );
        // [T] error results; tests use tool_name.
        let r = parse_reply(
            &json!({"response": "x", "tool_calls": [{"tool_name": "add_task", "error": "db down"},
            {"tool": "update_task", "result": {"status": "error", "error": "not found"}}]}),
        )
        .unwrap();
        assert_eq!(
            task_card(&r.tool_calls[0]),
            Some(TaskCard::Failed {
                tool: "add_task".into(),
                message: "db down".into()
            })
        );
        assert_eq!(
            task_card(&r.tool_calls[1]),
            Some(TaskCard::Failed {
                tool: "update_task".into(),
                message: "not found".into()
            })
        );
        // Enveloped.
        assert_eq!(
            parse_reply(&json!({"status": "success", "data": {"response": "hi"}}))
                .unwrap()
                .response,
            "hi"
        );
        // [B] string message.
        assert_eq!(
            parse_reply(&json!({"message": "hello there"}))
                .unwrap()
                .response,
            "hello there"
        );
    }

    #[test]
    fn unreadable_replies_are_errors() {
        for bad in [
            json!(null),
            json!([]),
            json!({}),
            json!({"tool_calls": []}),
            json!({"success": false, "error": "LLM timeout"}),
        ] {
            assert!(parse_reply(&bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_reply(&json!({"success": false, "error": "LLM timeout"})),
            Err("LLM timeout".into())
        );
    }

    #[test]
    fn list_cards() {
        let call = ToolCall::from_json(&json!({"tool": "list_tasks", "parameters": {"status": "pending"},
            "result": [{"id": 1, "title": "A", "completed": false}, {"id": "2", "title": "B", "completed": true}]})).unwrap();
        let TaskCard::List { filter, tasks } = task_card(&call).unwrap() else {
            panic!()
        };
        assert_eq!(filter, "pending");
        assert_eq!(tasks.len(), 2);
        assert!(tasks[1].completed);
        let wrapped = ToolCall::from_json(&json!({"tool": "list_tasks_tool", "result": {"status": "success", "data": {"tasks": [{"id": "x", "title": "C"}]}}})).unwrap();
        assert!(
            matches!(task_card(&wrapped), Some(TaskCard::List { tasks, .. }) if tasks.len() == 1)
        );
        assert_eq!(
            task_card(&ToolCall::from_json(&json!({"tool": "weather"})).unwrap()),
            None
        );
        assert_eq!(ToolCall::from_json(&json!({"parameters": {}})), None);
    }

    #[test]
    fn histories() {
        let body = json!({"messages": [
            {"id": 1, "role": "user", "content": "add milk", "tool_calls": null},
            {"id": 2, "role": "assistant", "content": "Added.", "tool_calls": [{"tool": "add_task", "result": {"task_id": 1, "title": "Milk"}}]},
            {"role": "assistant", "content": "x", "tool_calls": "[{'tool': 'add_task'}]"},
            {"role": "system", "content": "ignored"},
            {"role": "user"}
        ]});
        let h = parse_history(&body).unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!(h[1].tool_calls.len(), 1);
        assert!(h[2].tool_calls.is_empty(), "a Python repr is not JSON");
        assert!(parse_history(&json!("nope")).is_err());
    }

    #[test]
    fn tasks_and_events() {
        let mut tasks = parse_tasks(&json!({"tasks": [{"id": 2, "title": "B", "completed": false}, {"id": 10, "title": "J", "completed": 1}], "total": 2})).unwrap();
        assert!(tasks[1].completed);
        assert_eq!(
            parse_tasks(&json!([{"id": "t", "title": "T"}])).unwrap()[0].id,
            "t"
        );
        let created = parse_task_event(
            "task.created",
            &json!({"task": {"id": 3, "title": "C", "completed": false}}),
        )
        .unwrap();
        apply_task_event(&mut tasks, created);
        assert_eq!(
            tasks.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            vec!["2", "3", "10"]
        );
        apply_task_event(
            &mut tasks,
            parse_task_event(
                "task.updated",
                &json!({"task": {"id": "3", "title": "C2", "completed": true}}),
            )
            .unwrap(),
        );
        assert_eq!(tasks[1].title, "C2");
        apply_task_event(
            &mut tasks,
            parse_task_event("task.deleted", &json!({"task_id": 2})).unwrap(),
        );
        assert_eq!(tasks.len(), 2);
        assert_eq!(parse_task_event("task.deleted", &json!({})), None);
        assert_eq!(parse_task_event("other", &json!({})), None);
    }

    #[test]
    fn conversations() {
        let c = parse_conversations(&json!({"conversations": [{"id": "a", "title": "Shopping", "updated_at": "t"}, {"id": 7, "title": ""}], "count": 2})).unwrap();
        assert_eq!(
            (c[0].title.as_str(), c[1].id.as_str(), c[1].title.as_str()),
            ("Shopping", "7", "New conversation")
        );
        assert!(parse_conversations(&json!({"items": []})).is_err());
    }

    #[test]
    fn failures_by_status() {
        let http = |status| ApiError::Http {
            status,
            message: format!("HTTP {status} text"),
            retry_after_secs: Some(9),
        };
        assert!(send_failure(&ApiError::Network, false)
            .0
            .starts_with("You're offline"));
        assert!(send_failure(&ApiError::Network, true)
            .0
            .starts_with("Cannot reach the server"));
        assert!(send_failure(&ApiError::Timeout { after_ms: 60_000 }, true)
            .0
            .contains("60 s"));
        assert!(send_failure(&http(401), true).0.contains("Sign in again"));
        assert!(send_failure(&http(403), true).0.contains("can't post"));
        assert_eq!(
            send_failure(&http(404), true),
            ("This conversation no longer exists.".into(), true)
        );
        assert_eq!(send_failure(&http(429), true).0, "HTTP 429 text");
        assert!(send_failure(&http(503), true).0.contains("HTTP 503"));
        assert_eq!(send_failure(&http(418), true).0, "HTTP 418 text");
    }

    #[test]
    fn a_failed_message_stays_and_is_retried_with_the_same_key() {
        let mut t = Thread::new(None);
        let key = t.begin_send("add milk", "m1");
        assert!(t.is_sending());
        t.failed(&key, "The server hit an error.".into(), false);
        assert!(!t.is_sending());
        assert_eq!(
            t.outbox(),
            vec![Pending {
                conversation_id: None,
                content: "add milk".into(),
                client_message_id: "m1".into(),
                error: Some("The server hit an error.".into())
            }]
        );
        assert_eq!(t.retry(&key), Some(("add milk".into(), "m1".into())));
        assert_eq!(t.retry(&key), None, "already sending");
        t.succeeded(
            &key,
            ChatReply {
                conversation_id: Some("c9".into()),
                response: "Added.".into(),
                tool_calls: vec![],
            },
        );
        assert_eq!(t.conversation_id.as_deref(), Some("c9"));
        assert_eq!(t.entries.len(), 2);
        assert_eq!(t.entries[1].role, Role::Assistant);
        assert!(t.outbox().is_empty());
    }

    #[test]
    fn the_outbox_comes_back_after_a_reload() {
        let outbox = vec![
            Pending {
                conversation_id: Some("c1".into()),
                content: "pending one".into(),
                client_message_id: "m2".into(),
                error: None,
            },
            Pending {
                conversation_id: Some("other".into()),
                content: "elsewhere".into(),
                client_message_id: "m3".into(),
                error: None,
            },
        ];
        let history = vec![HistoryMessage {
            id: Some("1".into()),
            role: Role::User,
            content: "hi".into(),
            tool_calls: vec![],
        }];
        let t = Thread::load(Some("c1".into()), history, &outbox);
        assert_eq!(t.entries.len(), 2);
        assert!(
            matches!(&t.entries[1].status, Status::Failed { message, .. } if message.contains("not confirmed"))
        );
        assert_eq!(t.entries[1].client_message_id.as_deref(), Some("m2"));
    }

    fn page(ids: std::ops::RangeInclusive<u32>, has_more: bool) -> HistoryPage {
        HistoryPage {
            messages: ids
                .map(|id| HistoryMessage {
                    id: Some(id.to_string()),
                    role: if id % 2 == 1 {
                        Role::User
                    } else {
                        Role::Assistant
                    },
                    content: format!("m{id}"),
                    tool_calls: vec![],
                })
                .collect(),
            has_more,
        }
    }

    #[test]
    fn older_pages_go_in_front_until_none_remain() {
        let body =
            json!({"messages": [{"id": 5, "role": "user", "content": "x"}], "has_more": true});
        assert!(parse_history_page(&body).unwrap().has_more);
        assert!(!has_more(&json!({"messages": []})), "no flag: nothing more");
        assert!(has_more(
            &json!({"status": "success", "data": {"has_more": true}})
        ));

        let mut t = Thread::load_page(Some("c".into()), page(5..=8, true), &[]);
        assert_eq!(t.earlier.as_deref(), Some("5"));
        // An overlapping older page: message 5 is not shown twice.
        t.prepend(page(2..=5, true));
        let keys: Vec<&str> = t.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["s2", "s3", "s4", "s5", "s6", "s7", "s8"]);
        assert_eq!(t.earlier.as_deref(), Some("2"));
        t.prepend(page(1..=1, false));
        assert_eq!(t.entries.len(), 8);
        assert_eq!(t.earlier, None, "the first message is shown");
        let last = Thread::load_page(None, page(1..=2, false), &[]);
        assert_eq!(last.earlier, None);
    }
}
