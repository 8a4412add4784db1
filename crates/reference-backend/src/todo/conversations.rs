//! Conversations and their messages in SQLite, always scoped to one user, and
//! the chat exchange itself: idempotency, quotas, the message, the assistant's
//! answer, all in one transaction.

use super::agent::{self, AgentReply, TaskChange};
use super::answers::{ChatAnswer, ConversationSummary, StoredMessage};
use super::limits::{self, QuotaExceeded};
use crate::time::now_iso;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

/// Characters of the first line kept as a conversation's title.
const TITLE_CHARS: usize = 60;

/// What became of a chat message.
pub(crate) enum ChatOutcome {
    /// Answered now, or earlier under the same idempotency key (no changes then).
    Answered(ChatAnswer, Vec<TaskChange>),
    /// The conversation is not this user's, or does not exist.
    NoConversation(String),
    Full(QuotaExceeded),
}

/// A message to send: already validated and sanitized.
pub(crate) struct Outgoing {
    pub(crate) message: String,
    pub(crate) conversation_id: Option<String>,
    pub(crate) client_id: Option<String>,
}

/// Stores the user's message, runs the assistant, stores its answer.
pub(crate) fn converse(
    conn: &mut Connection,
    user_id: i64,
    out: Outgoing,
) -> rusqlite::Result<ChatOutcome> {
    if let Some(c) = &out.client_id {
        if let Some(answer) = earlier_answer(conn, user_id, c)? {
            return Ok(ChatOutcome::Answered(answer, Vec::new()));
        }
    }
    let tx = conn.transaction()?;
    let now = now_iso();
    let (conversation_id, last_task) = match out.conversation_id {
        Some(id) => {
            let found: Option<Option<i64>> = tx
                .query_row(
                    "SELECT last_task_id FROM conversations WHERE id = ?1 AND user_id = ?2",
                    params![id, user_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(last) = found else {
                return Ok(ChatOutcome::NoConversation(id));
            };
            if let Err(full) = limits::check_message_quota(&tx, &id)? {
                return Ok(ChatOutcome::Full(full));
            }
            (id, last)
        }
        None => {
            if let Err(full) = limits::check_conversation_quota(&tx, user_id)? {
                return Ok(ChatOutcome::Full(full));
            }
            let id = uuid::Uuid::new_v4().to_string();
            tx.execute(
                "INSERT INTO conversations (id, user_id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![id, user_id, title_from(&out.message), now],
            )?;
            (id, None)
        }
    };
    tx.execute(
        "INSERT INTO messages (conversation_id, user_id, role, content, client_message_id, created_at) VALUES (?1, ?2, 'user', ?3, ?4, ?5)",
        params![conversation_id, user_id, out.message, out.client_id, now],
    )?;
    let first_id = tx.last_insert_rowid();
    let AgentReply {
        response,
        tool_calls,
        changes,
        last_task: next_last,
    } = agent::run(&tx, user_id, last_task, agent::parse(&out.message), &now)?;
    let tool_calls = Value::Array(tool_calls);
    tx.execute(
        "INSERT INTO messages (conversation_id, user_id, role, content, tool_calls, created_at) VALUES (?1, ?2, 'assistant', ?3, ?4, ?5)",
        params![conversation_id, user_id, response, tool_calls.to_string(), now],
    )?;
    tx.execute(
        "UPDATE conversations SET updated_at = ?2, last_task_id = ?3 WHERE id = ?1",
        params![conversation_id, now, next_last.unwrap_or(last_task)],
    )?;
    // Only what is new: the client already has the rest.
    let messages = exchange(&tx, &conversation_id, first_id)?;
    tx.commit()?;
    Ok(ChatOutcome::Answered(
        ChatAnswer {
            conversation_id,
            response,
            tool_calls,
            messages,
        },
        changes,
    ))
}

pub(crate) fn title_from(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    if line.chars().count() <= TITLE_CHARS {
        return line.to_string();
    }
    let mut title: String = line.chars().take(TITLE_CHARS - 1).collect();
    title.push('…');
    title
}

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<StoredMessage> {
    let tool_calls: Option<String> = r.get(3)?;
    Ok(StoredMessage {
        id: r.get(0)?,
        role: r.get(1)?,
        content: r.get(2)?,
        tool_calls: tool_calls.and_then(|t| serde_json::from_str::<Value>(&t).ok()),
        created_at: r.get(4)?,
    })
}

/// The newest `limit` messages before message `before` (all when `None`),
/// oldest first, and whether older ones remain.
pub(crate) fn history_page(
    conn: &Connection,
    conversation_id: &str,
    limit: i64,
    before: Option<i64>,
) -> rusqlite::Result<(Vec<StoredMessage>, bool)> {
    let mut stmt = conn.prepare(
        "SELECT id, role, content, tool_calls, created_at FROM messages
         WHERE conversation_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(
        params![conversation_id, before.unwrap_or(i64::MAX), limit + 1],
        message_from_row,
    )?;
    let mut page = rows.collect::<rusqlite::Result<Vec<_>>>()?;
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
) -> rusqlite::Result<Vec<StoredMessage>> {
    let mut stmt = conn.prepare(
        "SELECT id, role, content, tool_calls, created_at FROM messages
         WHERE conversation_id = ?1 AND id >= ?2 ORDER BY id LIMIT 2",
    )?;
    let rows = stmt.query_map(params![conversation_id, first_id], message_from_row)?;
    rows.collect()
}

/// The answer stored for an earlier request with the same `client_message_id`.
fn earlier_answer(
    conn: &Connection,
    user_id: i64,
    client_id: &str,
) -> rusqlite::Result<Option<ChatAnswer>> {
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
        .unwrap_or_else(|| Value::Array(Vec::new()));
    let messages = exchange(conn, &conversation_id, message_id)?;
    Ok(Some(ChatAnswer {
        conversation_id,
        response,
        tool_calls,
        messages,
    }))
}

/// One page of the user's conversations, newest first, and how many there are.
pub(crate) fn list_page(
    conn: &Connection,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<ConversationSummary>, i64)> {
    let mut stmt = conn.prepare(
        "SELECT id, title, created_at, updated_at FROM conversations WHERE user_id = ?1
         ORDER BY updated_at DESC, rowid DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![user_id, limit, offset], |r| {
        Ok(ConversationSummary {
            id: r.get(0)?,
            title: r.get(1)?,
            created_at: r.get(2)?,
            updated_at: r.get(3)?,
        })
    })?;
    let list = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let total = conn.query_row(
        "SELECT COUNT(*) FROM conversations WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )?;
    Ok((list, total))
}

pub(crate) fn owns(conn: &Connection, user_id: i64, id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM conversations WHERE id = ?1 AND user_id = ?2)",
        params![id, user_id],
        |r| r.get(0),
    )
}

/// False when the user has no such conversation.
pub(crate) fn delete(conn: &Connection, user_id: i64, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM conversations WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_short_line() {
        assert_eq!(title_from("add milk\nand eggs"), "add milk");
        let long = "a".repeat(100);
        assert_eq!(title_from(&long).chars().count(), TITLE_CHARS);
        assert!(title_from(&long).ends_with('…'));
    }
}
