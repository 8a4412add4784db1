//! Thin wrappers over web APIs, each written once: storage, cross-tab locks,
//! the clock, page visibility, the network state, focus, URL resolution, downloads.

pub(crate) mod clipboard;
pub(crate) mod download;
pub(crate) mod early_fetch;
pub(crate) mod focus;
pub(crate) mod locale;
pub(crate) mod locks;
pub(crate) mod online;
pub(crate) mod perf;
pub(crate) mod random;
pub(crate) mod storage;
pub(crate) mod time;
pub(crate) mod url;
pub(crate) mod visibility;
