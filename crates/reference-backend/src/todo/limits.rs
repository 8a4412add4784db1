//! What one account may keep, and how much one answer may carry. Every list is
//! paged and every store has a quota, so a single (self-registered) user cannot
//! make a request, or the database, unboundedly large for everyone else.

use rusqlite::{params, Connection};

/// Tasks one account may keep.
pub const MAX_TASKS_PER_USER: i64 = 10_000;
/// Conversations one account may keep.
pub const MAX_CONVERSATIONS_PER_USER: i64 = 1_000;
/// Messages (yours and the assistant's) one conversation may hold.
pub const MAX_MESSAGES_PER_CONVERSATION: i64 = 5_000;

/// Page sizes: the default when a request names none, and the most it may ask.
pub const TASK_PAGE: (i64, i64) = (500, 500);
pub const CONVERSATION_PAGE: (i64, i64) = (20, 100);
pub const MESSAGE_PAGE: (i64, i64) = (100, 500);
/// Tasks a "show my tasks" reply lists; the rest are counted.
pub const TASKS_IN_A_REPLY: usize = 50;

/// A quota that an operation would exceed: the 409's sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaExceeded(pub String);

/// Room for `adding` more rows when `count_sql` (one parameter) counts `max` at most;
/// otherwise the sentence `full` writes from the grouped maximum.
fn room_for(
    conn: &Connection,
    count_sql: &str,
    param: impl rusqlite::ToSql,
    adding: i64,
    max: i64,
    full: impl Fn(String) -> String,
) -> rusqlite::Result<Result<(), QuotaExceeded>> {
    let n: i64 = conn.query_row(count_sql, params![param], |r| r.get(0))?;
    Ok(if n + adding > max {
        Err(QuotaExceeded(full(group(max))))
    } else {
        Ok(())
    })
}

pub fn check_task_quota(
    conn: &Connection,
    user_id: i64,
) -> rusqlite::Result<Result<(), QuotaExceeded>> {
    room_for(
        conn,
        "SELECT COUNT(*) FROM tasks WHERE user_id = ?1",
        user_id,
        1,
        MAX_TASKS_PER_USER,
        |max| {
            format!("You have {max} tasks, the most this server keeps for one account. Delete some to add more.")
        },
    )
}

pub fn check_conversation_quota(
    conn: &Connection,
    user_id: i64,
) -> rusqlite::Result<Result<(), QuotaExceeded>> {
    room_for(
        conn,
        "SELECT COUNT(*) FROM conversations WHERE user_id = ?1",
        user_id,
        1,
        MAX_CONVERSATIONS_PER_USER,
        |max| {
            format!("You have {max} conversations, the most this server keeps. Delete an old one to start a new one.")
        },
    )
}

pub fn check_message_quota(
    conn: &Connection,
    conversation_id: &str,
) -> rusqlite::Result<Result<(), QuotaExceeded>> {
    // A message and its reply: two rows.
    room_for(
        conn,
        "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1",
        conversation_id,
        2,
        MAX_MESSAGES_PER_CONVERSATION,
        |max| {
            format!(
                "This conversation has reached {max} messages. Start a new conversation to go on."
            )
        },
    )
}

/// `10000` → `10,000`.
fn group(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group(10_000), "10,000");
        assert_eq!(group(500), "500");
        assert_eq!(group(1_000_000), "1,000,000");
    }
}
