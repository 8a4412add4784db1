//! The Todo chat, without the browser: every documented response variant
//! (docs/contracts/variants.md, Todo chat) parsed into one shape, tool calls turned into
//! task cards, and the thread as a state machine where no message is lost.
//!
//! `answers` reads replies and histories, `cards` turns tool calls into task
//! cards, `tasks` and `conversations` read those lists (and task events),
//! `failures` says why a message did not go through, `thread` is the state
//! machine of one conversation.

mod answers;
mod cards;
mod conversations;
mod failures;
mod tasks;
mod thread;

pub use answers::*;
pub use cards::*;
pub use conversations::*;
pub use failures::*;
pub use tasks::*;
pub use thread::*;

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

#[cfg(test)]
mod tests;
