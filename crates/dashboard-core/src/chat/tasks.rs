//! The user's tasks and the `task.*` realtime events that change them.

use crate::api::{list_items, ApiError};
use crate::json::{exact_string, scalar_text};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One of the user's tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The task's id (string or number on the wire).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description, when it has a non-empty one.
    pub description: Option<String>,
    /// Whether it is done (`true`, `1` or `"true"` on the wire).
    pub completed: bool,
}

impl Task {
    /// A task of any variant; `None` without an id or a title.
    pub fn from_json(v: &Value) -> Option<Task> {
        let o = v.as_object()?;
        let completed = match o.get("completed") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_i64() == Some(1),
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        Some(Task {
            id: scalar_text(o.get("id")).or_else(|| scalar_text(o.get("task_id")))?,
            title: exact_string(o.get("title"))?,
            description: exact_string(o.get("description")).filter(|d| !d.is_empty()),
            completed,
        })
    }
}

/// The tasks of a list answer (any variant); unreadable entries are skipped.
pub fn parse_tasks(body: &Value) -> Result<Vec<Task>, ApiError> {
    let list = list_items(body, "tasks")?;
    Ok(list.iter().filter_map(Task::from_json).collect())
}

/// A `task.*` realtime event.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskEvent {
    /// A task was created, updated or completed: insert or replace it.
    Upsert(Task),
    /// The task with this id was deleted.
    Deleted(String),
}

/// The event named `event` with payload `data`; `None` for other events or unreadable data.
pub fn parse_task_event(event: &str, data: &Value) -> Option<TaskEvent> {
    match event {
        "task.created" | "task.updated" | "task.completed" => {
            Task::from_json(data.get("task").unwrap_or(data)).map(TaskEvent::Upsert)
        }
        "task.deleted" => scalar_text(data.get("task_id"))
            .or_else(|| data.get("task").and_then(|t| scalar_text(t.get("id"))))
            .or_else(|| scalar_text(data.get("id")))
            .map(TaskEvent::Deleted),
        _ => None,
    }
}

/// Applies an event to a task list (ordered by id as the backend lists them).
pub(crate) fn apply_task_event(tasks: &mut Vec<Task>, event: TaskEvent) {
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
