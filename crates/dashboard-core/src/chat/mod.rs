//! The Todo chat, without the browser: every documented response variant
//! (docs/contracts/variants.md, Todo chat) parsed into one shape, tool calls turned into
//! task cards, and the thread as a state machine where no message is lost.
//!
//! `answers` reads replies and histories, `cards` turns tool calls into task
//! cards, `tasks` and `conversations` read those lists (and task events),
//! `failures` says why a message did not go through, `thread` is the state
//! machine of one conversation, `task_list` the task panel's.

mod answers;
mod cards;
mod conversations;
mod failures;
mod task_list;
mod tasks;
mod thread;

pub use answers::*;
pub use cards::*;
pub use conversations::*;
pub use failures::*;
pub use task_list::*;
pub use tasks::*;
pub use thread::*;

#[cfg(test)]
mod tests;
