//! Thin wrappers over web APIs, each written once: storage, cross-tab locks,
//! the clock, page visibility, the network state, focus, URL resolution.

pub mod focus;
pub mod locks;
pub mod online;
pub mod perf;
pub mod storage;
pub mod time;
pub mod url;
pub mod visibility;
