//! The one session store, as a state machine without I/O. The browser glue
//! feeds it what happened (storage contents, server answers, timer ticks,
//! changes made by other tabs) with the current time, and carries out the
//! [`Effect`]s it returns. Tested natively with a fake clock.
//!
//! Life of a session:
//! * start: a stored session with an unexpired token is *restored* (profile
//!   fetched; the UI shows a neutral "checking" state, never the sign-in page);
//!   an expired one is refreshed first when a refresh token exists.
//! * signed in: a refresh is scheduled at 80 % of the token's lifetime; any 401
//!   triggers one refresh (shared by every caller) and a retry.
//! * the end: a rejected refresh, or expiry without a refresh token, ends the
//!   session as `Expired`; signing out ends it as `SignedOut`; a sign-out in
//!   another tab as `OtherTab`.
//!
//! Refresh tokens rotate and reuse revokes the session, so no two tabs may
//! spend the same refresh token. The glue spends one only while holding the
//! cross-tab lock named after it (`refresh_lock_name`) and, after a
//! successful rotation, keeps holding that lock: the token is spent for good,
//! and a tab still waiting for it follows the new tokens through storage
//! ([`SessionCore::storage_changed`] → [`Effect::StopWaitingForLock`]) instead.
//! Storage alone cannot hand over: in Chromium another tab may still read the
//! old value for a few milliseconds after the lock is released.
//!
//! For the same reason a tab may write tokens it read before another tab
//! rotated them. No tab adopts a session issued before its own (from storage
//! or under the lock): it would wait for the lock of a token spent for good,
//! possibly its own. It writes its newer session back instead, and a restore
//! writes back only a changed profile, never the tokens it read.
//!
//! `stored` is what storage holds, `effects` what the machine asks for and is
//! told, `machine` the state machine itself.

mod effects;
mod machine;
mod stored;

pub use effects::*;
pub use machine::SessionCore;
pub use stored::{ProviderSession, StoredSession};

/// localStorage key of the session.
pub const STORAGE_KEY: &str = "toolboxai.session";
/// Prefix of every key holding data of the signed-in user (cleared on sign-out).
pub const USER_DATA_PREFIX: &str = "toolboxai.";
/// Refresh when this fraction of the token's lifetime has passed.
pub(crate) const REFRESH_AT_FRACTION: f64 = 0.8;
/// Wait before retrying a refresh that could not reach the server.
pub(crate) const REFRESH_RETRY_MS: f64 = 10_000.0;

#[cfg(test)]
mod tests;
