//! The deterministic task agent behind `/chat`: it understands the commands of
//! the Todo chat (docs/contracts/api.md, Todo chat), calls the same task functions as the REST
//! routes, and reports each call as a `tool_call`.

pub mod parse;
mod run;

pub use parse::{parse, Intent, Target};
pub use run::{run, AgentReply, TaskChange};
