//! Tasks in SQLite, always scoped to one user. The REST routes and the chat
//! agent call these same functions.

use super::limits::{check_task_quota, QuotaExceeded};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Pending,
    Completed,
}

impl Filter {
    pub fn parse(s: &str) -> Option<Filter> {
        match s {
            "all" => Some(Filter::All),
            "pending" => Some(Filter::Pending),
            "completed" => Some(Filter::Completed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Pending => "pending",
            Filter::Completed => "completed",
        }
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 1000;

fn task_from_row(row: &Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: row.get(0)?,
        title: row.get(1)?,
        description: row.get(2)?,
        completed: row.get::<_, i64>(3)? != 0,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
    })
}

const COLUMNS: &str = "id, title, description, completed, created_at, updated_at";

pub fn list(conn: &Connection, user_id: i64, filter: Filter) -> rusqlite::Result<Vec<Task>> {
    let condition = filter_condition(filter);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM tasks WHERE user_id = ?1{condition} ORDER BY id"
    ))?;
    let rows = stmt.query_map([user_id], task_from_row)?;
    rows.collect()
}

/// One page of the user's tasks (oldest first) and how many match in all.
pub fn page(
    conn: &Connection,
    user_id: i64,
    filter: Filter,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Task>, i64)> {
    let condition = filter_condition(filter);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM tasks WHERE user_id = ?1{condition} ORDER BY id LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![user_id, limit, offset], task_from_row)?;
    let tasks = rows.collect::<rusqlite::Result<Vec<Task>>>()?;
    let total = conn.query_row(
        &format!("SELECT COUNT(*) FROM tasks WHERE user_id = ?1{condition}"),
        [user_id],
        |r| r.get(0),
    )?;
    Ok((tasks, total))
}

fn filter_condition(filter: Filter) -> &'static str {
    match filter {
        Filter::All => "",
        Filter::Pending => " AND completed = 0",
        Filter::Completed => " AND completed = 1",
    }
}

pub fn get(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<Option<Task>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM tasks WHERE user_id = ?1 AND id = ?2"),
        params![user_id, id],
        task_from_row,
    )
    .optional()
}

/// Creates a task, unless the user's quota is full.
pub fn create(
    conn: &Connection,
    user_id: i64,
    title: &str,
    description: Option<&str>,
    now: &str,
) -> rusqlite::Result<Result<Task, QuotaExceeded>> {
    if let Err(full) = check_task_quota(conn, user_id)? {
        return Ok(Err(full));
    }
    conn.execute(
        "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) VALUES (?1, ?2, ?3, 0, ?4, ?4)",
        params![user_id, title, description, now],
    )?;
    let id = conn.last_insert_rowid();
    get(conn, user_id, id)?
        .ok_or(rusqlite::Error::QueryReturnedNoRows)
        .map(Ok)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub title: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub completed: Option<bool>,
}

/// `None` when the user has no such task.
pub fn update(
    conn: &Connection,
    user_id: i64,
    id: i64,
    changes: &Changes,
    now: &str,
) -> rusqlite::Result<Option<Task>> {
    let Some(current) = get(conn, user_id, id)? else {
        return Ok(None);
    };
    let title = changes.title.clone().unwrap_or(current.title);
    let description = changes.description.clone().unwrap_or(current.description);
    let completed = changes.completed.unwrap_or(current.completed);
    conn.execute(
        "UPDATE tasks SET title = ?3, description = ?4, completed = ?5, updated_at = ?6 WHERE user_id = ?1 AND id = ?2",
        params![user_id, id, title, description, completed as i64, now],
    )?;
    get(conn, user_id, id)
}

/// The deleted task, or `None` when the user has no such task.
pub fn delete(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<Option<Task>> {
    let Some(task) = get(conn, user_id, id)? else {
        return Ok(None);
    };
    conn.execute(
        "DELETE FROM tasks WHERE user_id = ?1 AND id = ?2",
        params![user_id, id],
    )?;
    Ok(Some(task))
}
