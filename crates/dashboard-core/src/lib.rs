//! Browser-free logic of the dashboard, tested natively with `cargo test`.
//!
//! Everything here is plain Rust: no `web-sys`, no timers, no I/O. The browser
//! glue in the `dashboard` crate feeds it inputs and carries out its decisions.

#![warn(missing_docs)]

pub mod alerts;
pub mod api;
pub mod auth;
pub mod chart;
pub mod chat;
pub mod config;
pub mod export;
pub mod format;
pub mod infra;
pub mod interval;
pub(crate) mod json;
pub mod live;
pub mod notices;
pub mod oidc;
pub mod poller;
pub mod range;
pub mod redirect;
pub mod series;
pub mod session;
pub mod signin;
pub mod time;
