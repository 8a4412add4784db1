//! App-wide state and effects, each provided once by the shell as context and
//! reached through its `use_*` accessor.

pub mod api;
pub mod charts;
pub mod realtime;
pub mod session;
pub mod toasts;
