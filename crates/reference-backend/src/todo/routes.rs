//! `/api/{user_id}/chat`, `/conversations`, `/tasks` (docs/contracts/api.md, Todo chat):
//! validation and answers here; SQL in `conversations.rs` and `tasks.rs`.

use super::agent::TaskChange;
use super::answers::{ChatAnswer, ConversationPage, MessagePage, TaskPage};
use super::conversations::{self, ChatOutcome, Outgoing};
use super::limits;
use super::own_user::OwnUser;
use super::paging::PageQuery;
use super::tasks::{self, Changes, Filter, Task};
use crate::error::{ApiResult, AppError, FieldError};
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::time::now_iso;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub const MAX_MESSAGE_CHARS: usize = 4096;
const MAX_CLIENT_ID: usize = 128;

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

/// Control characters out (line breaks and tabs kept), `\r\n` → `\n`, trimmed.
pub fn sanitize_message(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_string()
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

impl ChatBody {
    /// The message to send, or a 422 naming what is wrong.
    fn validate(self) -> ApiResult<Outgoing> {
        let message = match self.message {
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
        let conversation_id = match self.conversation_id {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(AppError::validation("conversation_id", "must be a string")),
        };
        let client_id = self
            .client_message_id
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let valid_key = |c: &String| {
            c.len() <= MAX_CLIENT_ID
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        };
        if client_id.as_ref().is_some_and(|c| !valid_key(c)) {
            return Err(AppError::validation(
                "client_message_id",
                "letters, digits, '-' and '_', at most 128",
            ));
        }
        Ok(Outgoing {
            message,
            conversation_id,
            client_id,
        })
    }
}

async fn chat(
    State(state): State<AppState>,
    OwnUser { id: uid }: OwnUser,
    JsonBody(body): JsonBody<ChatBody>,
) -> ApiResult<Json<ChatAnswer>> {
    let outgoing = body.validate()?;
    let outcome = state
        .db
        .call(move |conn| Ok(conversations::converse(conn, uid, outgoing)?))
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

// ------------------------------------------------------------------ conversations

async fn list_conversations(
    State(state): State<AppState>,
    OwnUser { id: uid }: OwnUser,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<ConversationPage>> {
    let limit = query.limit(limits::CONVERSATION_PAGE)?;
    let offset = query.offset()?;
    let (conversations, total) = state
        .db
        .call(move |conn| Ok(conversations::list_page(conn, uid, limit, offset)?))
        .await?;
    let count = conversations.len();
    Ok(Json(ConversationPage {
        conversations,
        count,
        total,
        has_more: offset + (count as i64) < total,
    }))
}

async fn conversation_messages(
    State(state): State<AppState>,
    OwnUser { id: uid }: OwnUser,
    Path((_, conversation_id)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<MessagePage>> {
    let limit = query.limit(limits::MESSAGE_PAGE)?;
    let before = query.before()?;
    let id = conversation_id.clone();
    let (messages, has_more) = state
        .db
        .call(move |conn| {
            if !conversations::owns(conn, uid, &id)? {
                return Ok(None);
            }
            Ok(Some(conversations::history_page(conn, &id, limit, before)?))
        })
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Conversation {conversation_id} not found")))?;
    Ok(Json(MessagePage { messages, has_more }))
}

async fn delete_conversation(
    State(state): State<AppState>,
    OwnUser { id: uid }: OwnUser,
    Path((_, conversation_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let id = conversation_id.clone();
    let deleted = state
        .db
        .call(move |conn| Ok(conversations::delete(conn, uid, &id)?))
        .await?;
    if !deleted {
        return Err(AppError::NotFound(format!(
            "Conversation {conversation_id} not found"
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ tasks

async fn list_tasks(
    State(state): State<AppState>,
    OwnUser { id: uid }: OwnUser,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<TaskPage>> {
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
    let limit = query.limit(limits::TASK_PAGE)?;
    let offset = query.offset()?;
    let (tasks, total) = state
        .db
        .call(move |conn| Ok(tasks::page(conn, uid, filter, limit, offset)?))
        .await?;
    let has_more = offset + (tasks.len() as i64) < total;
    Ok(Json(TaskPage {
        tasks,
        total,
        limit,
        offset,
        has_more,
    }))
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
    OwnUser { id: uid }: OwnUser,
    JsonBody(body): JsonBody<NewTask>,
) -> ApiResult<(StatusCode, Json<Task>)> {
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
    OwnUser { id: uid }: OwnUser,
    Path((_, raw_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<TaskPatch>,
) -> ApiResult<Json<Task>> {
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
    OwnUser { id: uid }: OwnUser,
    Path((_, raw_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
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
}
