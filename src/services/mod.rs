//! App-wide state and effects, each provided once by the shell as context and
//! reached through its `use_*` accessor.

pub(crate) mod alerts;
pub mod api;
pub(crate) mod chart_locale;
pub(crate) mod charts;
pub(crate) mod realtime;
pub(crate) mod session;
pub(crate) mod toasts;
