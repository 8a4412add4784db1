//! What a tool call did, as the card shown under the assistant's message.

use super::{Task, ToolCall};
use crate::json::{exact_string, scalar_text};
use serde_json::Value;

/// The task a card is about, as far as the tool call says.
#[derive(Debug, Clone, PartialEq)]
pub struct CardTask {
    /// The task's id, when the call names it.
    pub id: Option<String>,
    /// The task's title ("Untitled task" when the call gives none).
    pub title: String,
    /// Whether the task is done after the call.
    pub completed: bool,
}

/// What a tool call did, as shown under the assistant's message.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskCard {
    /// `add_task`: a task was created.
    Created(CardTask),
    /// `complete_task`: a task was marked done.
    Completed(CardTask),
    /// `update_task`: a task was changed.
    Updated(CardTask),
    /// `delete_task`: a task was deleted.
    Deleted(CardTask),
    /// `list_tasks`: the tasks the agent looked at.
    List {
        /// Which tasks were asked for (`all`, `pending`, `completed`).
        filter: String,
        /// The tasks listed.
        tasks: Vec<CardTask>,
    },
    /// A tool call that failed.
    Failed {
        /// The tool's name.
        tool: String,
        /// The tool's error message.
        message: String,
    },
}

fn card_task(call: &ToolCall, completed: bool) -> CardTask {
    let pick_id = |v: &Value| scalar_text(v.get("task_id")).or_else(|| scalar_text(v.get("id")));
    let pick_title =
        |v: &Value| exact_string(v.get("title")).or_else(|| exact_string(v.get("name")));
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

/// The card for a tool call; `None` for tools that are not about tasks.
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
                filter: exact_string(call.parameters.get("status")).unwrap_or_else(|| "all".into()),
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
