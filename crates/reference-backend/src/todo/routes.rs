//! `/api/{user_id}/chat`, `/conversations`, `/tasks` (docs/contracts/api.md, Todo chat).

use super::agent::{self, AgentReply, TaskChange};
use super::limits::{self, QuotaExceeded};
use super::tasks::{self, Changes, Filter, Task};
use crate::auth::AuthUser;
use crate::error::{ApiResult, AppError, FieldError};
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::time::now_iso;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Value};

pub const MAX_MESSAGE_CHARS: usize = 4096;
const MAX_CLIENT_ID: usize = 128;
const TITLE_CHARS: usize = 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/{user_id}/chat", post(chat))
        .route("/api/{user_id}/conversations", get(list_conversations))
        .route(
            "/api/{user_id}/conversations/{conversation_id}",
            axum::routing::delete(delete_conversation),
        )
        .route(
            "/api/{user_id}/conversations/{conversation_id}/messages",
            get(conversation_messages),
        )
        .route("/api/{user_id}/tasks", get(list_tasks).post(create_task))
        .route(
            "/api/{user_id}/tasks/{task_id}",
            patch(update_task).delete(delete_task),
        )
}

/// The path's user id must be the caller's own.
fn own_id(user: &AuthUser, path_user: &str) -> ApiResult<i64> {
    match path_user.trim().parse::<i64>() {
        Ok(id) if id == user.id => Ok(id),
        _ => Err(AppError::Forbidden(
            "User ID in path does not match the signed-in user".into(),
        )),
    }
}

/// Control characters out (line breaks and tabs kept), `\r\n` → `\n`, trimmed.
pub fn sanitize_message(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_string()
}

fn title_from(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    if line.chars().count() <= TITLE_CHARS {
        return line.to_string();
    }
    let mut title: String = line.chars().take(TITLE_CHARS - 1).collect();
    title.push('…');
    title
}

fn publish(state: &AppState, user_id: i64, changes: &[TaskChange]) {
    let Some(publisher) = &state.publisher else {
        return;
    };
    let channel = vec![crate::realtime::user_channel(user_id)];
    for change in changes {
        let (event, data) = match change {
            TaskChange::Created(task) => ("task.created", json!({ "task": task })),
            TaskChange::Updated(task) => ("task.updated", json!({ "task": task })),
            TaskChange::Deleted(id) => ("task.deleted", json!({ "task_id": id })),
        };
        publisher.spawn_trigger(channel.clone(), event, data);
    }
}

// ------------------------------------------------------------------ chat

#[derive(Debug, Deserialize)]
struct ChatBody {
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    conversation_id: Option<Value>,
    /// An idempotency key: resending it returns the stored answer.
    #[serde(default)]
    client_message_id: Option<String>,
}

fn message_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let tool_calls: Option<String> = r.get(3)?;
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "role": r.get::<_, String>(1)?,
        "content": r.get::<_, String>(2)?,
        "tool_calls": tool_calls.and_then(|t| serde_json::from_str::<Value>(&t).ok()),
        "created_at": r.get::<_, String>(4)?,
    }))
}

/// The newest `limit` messages before message `before` (all when `None`),
/// oldest first, and whether older ones remain.
fn history_page(
    conn: &Connection,
    conversation_id: &str,
    limit: i64,
    before: Option<i64>,
) -> rusqlite::Result<(Vec<Value>, bool)> {
    let mut stmt = conn.prepare(
        "SELECT id, role, content, tool_calls, created_at FROM messages
         WHERE conversation_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(
        params![conversation_id, before.unwrap_or(i64::MAX), limit + 1],
        message_json,
    )?;
    let mut page = rows.collect::<rusqlite::Result<Vec<Value>>>()?;
    let has_more = page.len() as i64 > limit;
    page.truncate(limit as usize);
    page.reverse();
    Ok((page, has_more))
}

/// The messages of one exchange: from `first_id` on, at most the message and its reply.
fn exchange(
    conn: &Connection,
    conversation_id: &str,
    first_id: i64,
) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = conn.prepare(
        "SELECT id, role, content, tool_calls, created_at FROM messages
         WHERE conversation_id = ?1 AND id >= ?2 ORDER BY id LIMIT 2",
    )?;
    let rows = stmt.query_map(params![conversation_id, first_id], message_json)?;
    rows.collect()
}

/// The answer stored for an earlier request with the same `client_message_id`.
fn earlier_answer(
    conn: &Connection,
    user_id: i64,
    client_id: &str,
) -> rusqlite::Result<Option<Value>> {
    let Some((message_id, conversation_id)) = conn
        .query_row(
            "SELECT id, conversation_id FROM messages WHERE user_id = ?1 AND client_message_id = ?2",
            params![user_id, client_id],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let reply: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT content, tool_calls FROM messages WHERE conversation_id = ?1 AND id > ?2 AND role = 'assistant' ORDER BY id LIMIT 1",
            params![conversation_id, message_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (response, tool_calls) = reply.unwrap_or_default();
    let tool_calls = tool_calls
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .unwrap_or(json!([]));
    Ok(Some(json!({
        "conversation_id": conversation_id,
        "response": response,
        "tool_calls": tool_calls,
        "messages": exchange(conn, &conversation_id, message_id)?,
    })))
}

async fn chat(
    State(state): State<AppState>,
    user: AuthUser,
    Path(path_user): Path<String>,
    JsonBody(body): JsonBody<ChatBody>,
) -> ApiResult<Json<Value>> {
    let uid = own_id(&user, &path_user)?;
    let message = match body.message {
        Some(Value::String(s)) => sanitize_message(&s),
        _ => return Err(AppError::validation("message", "field required")),
    };
    let length = message.chars().count();
    if length == 0 || length > MAX_MESSAGE_CHARS {
        return Err(AppError::validation(
            "message",
            format!("must be 1 to {MAX_MESSAGE_CHARS} characters"),
        ));
    }
    let conversation_id = match body.conversation_id {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(AppError::validation("conversation_id", "must be a string")),
    };
    let client_id = body
        .client_message_id
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if let Some(c) = &client_id {
        if c.len() > MAX_CLIENT_ID
            || !c
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            return Err(AppError::validation(
                "client_message_id",
                "letters, digits, '-' and '_', at most 128",
            ));
        }
    }

    let outcome = state
        .db
        .call(move |conn| {
            if let Some(c) = &client_id {
                if let Some(answer) = earlier_answer(conn, uid, c)? {
                    return Ok(ChatOutcome::Answered(answer, Vec::new()));
                }
            }
            let tx = conn.transaction()?;
            let now = now_iso();
            let (conversation_id, last_task) = match conversation_id {
                Some(id) => {
                    let found: Option<Option<i64>> = tx
                        .query_row(
                            "SELECT last_task_id FROM conversations WHERE id = ?1 AND user_id = ?2",
                            params![id, uid],
                            |r| r.get(0),
                        )
                        .optional()?;
                    match found {
                        Some(last) => {
                            if let Err(full) = limits::check_message_quota(&tx, &id)? {
                                return Ok(ChatOutcome::Full(full));
                            }
                            (id, last)
                        }
                        None => return Ok(ChatOutcome::NoConversation(id)),
                    }
                }
                None => {
                    if let Err(full) = limits::check_conversation_quota(&tx, uid)? {
                        return Ok(ChatOutcome::Full(full));
                    }
                    let id = uuid::Uuid::new_v4().to_string();
                    tx.execute(
                        "INSERT INTO conversations (id, user_id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                        params![id, uid, title_from(&message), now],
                    )?;
                    (id, None)
                }
            };
            tx.execute(
                "INSERT INTO messages (conversation_id, user_id, role, content, client_message_id, created_at) VALUES (?1, ?2, 'user', ?3, ?4, ?5)",
                params![conversation_id, uid, message, client_id, now],
            )?;
            let first_id = tx.last_insert_rowid();
            let AgentReply { response, tool_calls, changes, last_task: next_last } =
                agent::run(&tx, uid, last_task, agent::parse(&message), &now)?;
            let tool_calls = Value::Array(tool_calls);
            tx.execute(
                "INSERT INTO messages (conversation_id, user_id, role, content, tool_calls, created_at) VALUES (?1, ?2, 'assistant', ?3, ?4, ?5)",
                params![conversation_id, uid, response, tool_calls.to_string(), now],
            )?;
            let last = next_last.unwrap_or(last_task);
            tx.execute(
                "UPDATE conversations SET updated_at = ?2, last_task_id = ?3 WHERE id = ?1",
                params![conversation_id, now, last],
            )?;
            // Only what is new: the client already has the rest.
            let messages = exchange(&tx, &conversation_id, first_id)?;
            tx.commit()?;
            Ok(ChatOutcome::Answered(
                json!({
                    "conversation_id": conversation_id,
                    "response": response,
                    "tool_calls": tool_calls,
                    "messages": messages,
                }),
                changes,
            ))
        })
        .await?;
    match outcome {
        ChatOutcome::Answered(answer, changes) => {
            publish(&state, uid, &changes);
            Ok(Json(answer))
        }
        ChatOutcome::NoConversation(id) => {
            Err(AppError::NotFound(format!("Conversation {id} not found")))
        }
        ChatOutcome::Full(full) => Err(AppError::Conflict(full.0)),
    }
}

enum ChatOutcome {
    Answered(Value, Vec<TaskChange>),
    NoConversation(String),
    Full(QuotaExceeded),
}

// ------------------------------------------------------------------ conversations

#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    offset: Option<String>,
    /// Messages: only those older than this message id.
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// A query number in `range`, or its default; a 422 naming the parameter otherwise.
fn query_number(
    raw: Option<&str>,
    name: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> ApiResult<i64> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(default);
    };
    raw.parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            AppError::Validation(vec![FieldError {
                loc: vec!["query".into(), name.into()],
                msg: format!(
                    "ensure this value is between {} and {}",
                    range.start(),
                    range.end()
                ),
                kind: "value_error.number".into(),
            }])
        })
}

async fn list_conversations(
    State(state): State<AppState>,
    user: AuthUser,
    Path(path_user): Path<String>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let uid = own_id(&user, &path_user)?;
    let (default, max) = limits::CONVERSATION_PAGE;
    let limit = query_number(query.limit.as_deref(), "limit", default, 1..=max)?;
    let offset = query_number(query.offset.as_deref(), "offset", 0, 0..=i64::MAX)?;
    let (conversations, total) = state
        .db
        .call(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, title, created_at, updated_at FROM conversations WHERE user_id = ?1
                 ORDER BY updated_at DESC, rowid DESC LIMIT ?2 OFFSET ?3",
            )?;
            let rows = stmt.query_map(params![uid, limit, offset], |r| {
                Ok(json!({
                    "id": r.get::<_, String>(0)?,
                    "title": r.get::<_, String>(1)?,
                    "created_at": r.get::<_, String>(2)?,
                    "updated_at": r.get::<_, String>(3)?,
                }))
            })?;
            let list = rows.collect::<rusqlite::Result<Vec<Value>>>()?;
            let total: i64 = conn.query_row(
                "SELECT COUNT(*) FROM conversations WHERE user_id = ?1",
                [uid],
                |r| r.get(0),
            )?;
            Ok((list, total))
        })
        .await?;
    let count = conversations.len();
    Ok(Json(json!({
        "conversations": conversations,
        "count": count,
        "total": total,
        "has_more": offset + (count as i64) < total,
    })))
}

fn owns_conversation(conn: &Connection, uid: i64, id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM conversations WHERE id = ?1 AND user_id = ?2)",
        params![id, uid],
        |r| r.get(0),
    )
}

async fn conversation_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Path((path_user, conversation_id)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let uid = own_id(&user, &path_user)?;
    let (default, max) = limits::MESSAGE_PAGE;
    let limit = query_number(query.limit.as_deref(), "limit", default, 1..=max)?;
    let before = match query.before.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(query_number(Some(raw), "before", 0, 1..=i64::MAX)?),
    };
    let id = conversation_id.clone();
    let (messages, has_more) = state
        .db
        .call(move |conn| {
            if !owns_conversation(conn, uid, &id)? {
                return Ok(None);
            }
            Ok(Some(history_page(conn, &id, limit, before)?))
        })
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Conversation {conversation_id} not found")))?;
    Ok(Json(json!({ "messages": messages, "has_more": has_more })))
}

async fn delete_conversation(
    State(state): State<AppState>,
    user: AuthUser,
    Path((path_user, conversation_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let uid = own_id(&user, &path_user)?;
    let id = conversation_id.clone();
    let deleted = state
        .db
        .call(move |conn| {
            Ok(conn.execute(
                "DELETE FROM conversations WHERE id = ?1 AND user_id = ?2",
                params![id, uid],
            )?)
        })
        .await?;
    if deleted == 0 {
        return Err(AppError::NotFound(format!(
            "Conversation {conversation_id} not found"
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ tasks

async fn list_tasks(
    State(state): State<AppState>,
    user: AuthUser,
    Path(path_user): Path<String>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let uid = own_id(&user, &path_user)?;
    let filter = match query.status.as_deref() {
        None | Some("") => Filter::All,
        Some(s) => Filter::parse(s).ok_or_else(|| {
            AppError::Validation(vec![FieldError {
                loc: vec!["query".into(), "status".into()],
                msg: "one of all, pending, completed".into(),
                kind: "value_error".into(),
            }])
        })?,
    };
    let (default, max) = limits::TASK_PAGE;
    let limit = query_number(query.limit.as_deref(), "limit", default, 1..=max)?;
    let offset = query_number(query.offset.as_deref(), "offset", 0, 0..=i64::MAX)?;
    let (list, total) = state
        .db
        .call(move |conn| Ok(tasks::page(conn, uid, filter, limit, offset)?))
        .await?;
    let has_more = offset + (list.len() as i64) < total;
    Ok(Json(json!({
        "tasks": list,
        "total": total,
        "limit": limit,
        "offset": offset,
        "has_more": has_more,
    })))
}

fn check_title(title: &str) -> ApiResult<()> {
    let n = title.chars().count();
    if n == 0 || n > tasks::MAX_TITLE {
        return Err(AppError::validation(
            "title",
            format!("must be 1 to {} characters", tasks::MAX_TITLE),
        ));
    }
    Ok(())
}

fn check_description(description: &Option<String>) -> ApiResult<()> {
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > tasks::MAX_DESCRIPTION)
    {
        return Err(AppError::validation(
            "description",
            format!("at most {} characters", tasks::MAX_DESCRIPTION),
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
struct NewTask {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

async fn create_task(
    State(state): State<AppState>,
    user: AuthUser,
    Path(path_user): Path<String>,
    JsonBody(body): JsonBody<NewTask>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    let uid = own_id(&user, &path_user)?;
    let title = sanitize_message(&body.title.unwrap_or_default());
    check_title(&title)?;
    let description = body
        .description
        .map(|d| sanitize_message(&d))
        .filter(|d| !d.is_empty());
    check_description(&description)?;
    let task = state
        .db
        .call(move |conn| {
            Ok(tasks::create(
                conn,
                uid,
                &title,
                description.as_deref(),
                &now_iso(),
            )?)
        })
        .await?
        .map_err(|full| AppError::Conflict(full.0))?;
    publish(&state, uid, &[TaskChange::Created(task.clone())]);
    Ok((StatusCode::CREATED, Json(task)))
}

#[derive(Debug, Deserialize)]
struct TaskPatch {
    #[serde(default)]
    title: Option<String>,
    #[serde(default, with = "double_option")]
    description: Option<Option<String>>,
    #[serde(default)]
    completed: Option<bool>,
}

/// Tells `"description": null` (clear it) from an absent field (keep it).
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

fn task_id(raw: &str) -> ApiResult<i64> {
    raw.parse()
        .map_err(|_| AppError::NotFound("Task not found".into()))
}

async fn update_task(
    State(state): State<AppState>,
    user: AuthUser,
    Path((path_user, raw_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<TaskPatch>,
) -> ApiResult<Json<Task>> {
    let uid = own_id(&user, &path_user)?;
    let id = task_id(&raw_id)?;
    let title = body.title.map(|t| sanitize_message(&t));
    if let Some(t) = &title {
        check_title(t)?;
    }
    let description = body
        .description
        .map(|d| d.map(|d| sanitize_message(&d)).filter(|d| !d.is_empty()));
    if let Some(d) = &description {
        check_description(d)?;
    }
    let changes = Changes {
        title,
        description,
        completed: body.completed,
    };
    let task = state
        .db
        .call(move |conn| Ok(tasks::update(conn, uid, id, &changes, &now_iso())?))
        .await?
        .ok_or_else(|| AppError::NotFound("Task not found".into()))?;
    publish(&state, uid, &[TaskChange::Updated(task.clone())]);
    Ok(Json(task))
}

async fn delete_task(
    State(state): State<AppState>,
    user: AuthUser,
    Path((path_user, raw_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let uid = own_id(&user, &path_user)?;
    let id = task_id(&raw_id)?;
    state
        .db
        .call(move |conn| Ok(tasks::delete(conn, uid, id)?))
        .await?
        .ok_or_else(|| AppError::NotFound("Task not found".into()))?;
    publish(&state, uid, &[TaskChange::Deleted(id)]);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_sanitized() {
        assert_eq!(
            sanitize_message("  hi\u{0}\u{7}there\r\nline two\t!  "),
            "hithere\nline two\t!"
        );
        assert_eq!(sanitize_message("\u{1b}[31m"), "[31m");
    }

    #[test]
    fn titles_are_one_short_line() {
        assert_eq!(title_from("add milk\nand eggs"), "add milk");
        let long = "a".repeat(100);
        assert_eq!(title_from(&long).chars().count(), TITLE_CHARS);
        assert!(title_from(&long).ends_with('…'));
    }
}
