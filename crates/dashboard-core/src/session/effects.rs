//! What the session machine asks the glue to do ([`Effect`]) and what it is told
//! back (outcomes of profile and refresh requests, lock decisions).

use crate::auth::{Grant, User};

/// Why a session ended, for the sign-in page's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The server no longer accepts the session (expired, revoked, refresh refused).
    Expired,
    /// The user signed out here.
    SignedOut,
    /// The user signed out in another tab.
    OtherTab,
}

/// Where the session stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// A stored session is being checked with the server.
    Restoring,
    /// The user is signed in and the profile is known.
    SignedIn,
    /// Nobody is signed in, and why the last session ended (if one did).
    SignedOut(Option<EndReason>),
}

/// What the session machine asks the glue to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Write this JSON under [`STORAGE_KEY`](super::STORAGE_KEY).
    Persist(String),
    /// Remove [`STORAGE_KEY`](super::STORAGE_KEY).
    ClearSession,
    /// Remove every key of the user's data (explicit sign-out).
    ClearUserData,
    /// `GET /api/v1/users/me/profile` with this token, then [`SessionCore::profile_loaded`](super::SessionCore::profile_loaded).
    FetchProfile {
        /// The token to send.
        access_token: String,
    },
    /// Run the (single-flight, cross-tab locked) refresh.
    StartRefresh,
    /// The refresh waiting for the cross-tab lock is no longer needed (another
    /// tab's tokens were adopted, or the session ended): stop waiting.
    StopWaitingForLock,
    /// Call [`SessionCore::timer_fired`](super::SessionCore::timer_fired) at this time; replaces any earlier timer.
    ScheduleTimer {
        /// Browser clock, ms.
        at_ms: f64,
    },
    /// Disarm the timer.
    CancelTimer,
    /// Tell the server (best effort); for hosted sign-in, revoke the refresh
    /// token at the provider and end the provider's session too.
    CallLogout {
        /// The access token to revoke.
        access_token: String,
        /// The refresh token to revoke.
        refresh_token: Option<String>,
        /// The provider of a hosted sign-in.
        provider: Option<super::ProviderSession>,
    },
}

/// How the profile request of a restore ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileOutcome {
    /// The token is good; this is the user.
    Loaded(User),
    /// 401 or 403: the token is not accepted.
    Rejected,
    /// Network error, timeout, 5xx, unreadable body.
    Unavailable,
}

/// How a refresh request ended.
#[derive(Debug, Clone, PartialEq)]
// Made once per refresh and moved straight into the machine: no boxing needed.
#[allow(clippy::large_enum_variant)]
pub enum RefreshOutcome {
    /// New tokens.
    Granted(Grant),
    /// The refresh token is not accepted (401, 403): the session is over.
    Rejected,
    /// Network error, timeout, 5xx: retry later.
    Unavailable,
}

/// What to do about a request that got 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// The token changed since the request was sent: just send it again.
    RetryNow,
    /// Await the (shared) refresh, then retry if it succeeded.
    Refresh,
    /// Nothing can be done; the session is over.
    GiveUp,
}

/// Whether the caller should start the refresh or join one in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshTicket {
    /// Take the cross-tab lock of this name, then call [`SessionCore::lock_acquired`](super::SessionCore::lock_acquired).
    Start {
        /// The lock's name (a hash of the refresh token, the same in every tab).
        lock_name: String,
    },
    /// A refresh is already running here: await it.
    Join,
    /// No refresh token, or not signed in: nothing can be refreshed.
    Impossible,
}

/// The cross-tab lock guarding one refresh token: every tab holding the same
/// token asks for the same lock. A hash, not the token, goes into the name.
pub(crate) fn refresh_lock_name(refresh_token: &str) -> String {
    // FNV-1a, 64 bits: stable across tabs and builds, no dependency.
    let hash = refresh_token
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("toolboxai.session.refresh.{hash:016x}")
}

/// Decision taken once the cross-tab refresh lock is held.
#[derive(Debug, Clone, PartialEq)]
pub enum LockDecision {
    /// Another tab refreshed meanwhile; its tokens were adopted.
    Adopted,
    /// Call the refresh endpoint with this token.
    Refresh {
        /// The refresh token to spend.
        refresh_token: String,
    },
    /// Nothing to refresh any more.
    Abandon,
}
