//! What a tool call did, as the card shown under the assistant's message.

use super::{Task, ToolCall};
use crate::json::{exact_string, scalar_text};
use serde_json::Value;

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
