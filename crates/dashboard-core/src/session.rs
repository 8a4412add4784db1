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
//! cross-tab lock named after it ([`refresh_lock_name`]) and, after a
//! successful rotation, keeps holding that lock: the token is spent for good,
//! and a tab still waiting for it follows the new tokens through storage
//! ([`SessionCore::storage_changed`] → [`Effect::StopWaitingForLock`]) instead.
//! Storage alone cannot hand over: in Chromium another tab may still read the
//! old value for a few milliseconds after the lock is released.

use crate::auth::{Grant, User};
use serde::{Deserialize, Serialize};

/// localStorage key of the session.
pub const STORAGE_KEY: &str = "toolboxai.session";
/// Prefix of every key holding data of the signed-in user (cleared on sign-out).
pub const USER_DATA_PREFIX: &str = "toolboxai.";
/// Refresh when this fraction of the token's lifetime has passed.
pub const REFRESH_AT_FRACTION: f64 = 0.8;
/// Wait before retrying a refresh that could not reach the server.
pub const REFRESH_RETRY_MS: f64 = 10_000.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    pub issued_at_ms: f64,
    pub expires_at_ms: f64,
    pub user: User,
}

impl StoredSession {
    /// Parses stored text; anything malformed is `None` (and will be cleared).
    pub fn parse(text: &str) -> Option<StoredSession> {
        let s: StoredSession = serde_json::from_str(text).ok()?;
        let sane = !s.access_token.trim().is_empty()
            && s.issued_at_ms.is_finite()
            && s.expires_at_ms.is_finite()
            && s.expires_at_ms > s.issued_at_ms;
        sane.then_some(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn from_grant(grant: Grant, user: User) -> StoredSession {
        StoredSession {
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
            issued_at_ms: grant.issued_at_ms,
            expires_at_ms: grant.expires_at_ms,
            user,
        }
    }

    /// When the proactive refresh is due.
    pub fn refresh_at_ms(&self) -> f64 {
        self.issued_at_ms + REFRESH_AT_FRACTION * (self.expires_at_ms - self.issued_at_ms)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The server no longer accepts the session (expired, revoked, refresh refused).
    Expired,
    /// The user signed out here.
    SignedOut,
    /// The user signed out in another tab.
    OtherTab,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// A stored session is being checked with the server.
    Restoring,
    SignedIn,
    SignedOut(Option<EndReason>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Write this JSON under [`STORAGE_KEY`].
    Persist(String),
    /// Remove [`STORAGE_KEY`].
    ClearSession,
    /// Remove every key of the user's data (explicit sign-out).
    ClearUserData,
    /// `GET /api/v1/users/me/profile` with this token, then [`SessionCore::profile_loaded`].
    FetchProfile {
        access_token: String,
    },
    /// Run the (single-flight, cross-tab locked) refresh.
    StartRefresh,
    /// The refresh waiting for the cross-tab lock is no longer needed (another
    /// tab's tokens were adopted, or the session ended): stop waiting.
    StopWaitingForLock,
    /// Call [`SessionCore::timer_fired`] at this time; replaces any earlier timer.
    ScheduleTimer {
        at_ms: f64,
    },
    CancelTimer,
    /// Tell the server (best effort).
    CallLogout {
        access_token: String,
        refresh_token: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProfileOutcome {
    Loaded(User),
    /// 401 or 403: the token is not accepted.
    Rejected,
    /// Network error, timeout, 5xx, unreadable body.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RefreshOutcome {
    Granted(Grant),
    Rejected,
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
    /// Take the cross-tab lock of this name, then call [`SessionCore::lock_acquired`].
    Start {
        lock_name: String,
    },
    Join,
    Impossible,
}

/// The cross-tab lock guarding one refresh token: every tab holding the same
/// token asks for the same lock. A hash, not the token, goes into the name.
pub fn refresh_lock_name(refresh_token: &str) -> String {
    // FNV-1a, 64 bits: stable across tabs and builds, no dependency.
    let hash = refresh_token
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("toolboxai.session.refresh.{hash:016x}")
}

/// Where the refresh underway is.
#[derive(Debug, Clone, PartialEq)]
enum Refreshing {
    Idle,
    /// Waiting for the lock of this refresh token.
    WaitingForLock {
        refresh_token: String,
    },
    /// Holding the lock; the refresh endpoint was called with this token.
    InFlight {
        refresh_token: String,
    },
}

/// Decision taken once the cross-tab refresh lock is held.
#[derive(Debug, Clone, PartialEq)]
pub enum LockDecision {
    /// Another tab refreshed meanwhile; its tokens were adopted.
    Adopted,
    /// Call the refresh endpoint with this token.
    Refresh { refresh_token: String },
    /// Nothing to refresh any more.
    Abandon,
}

#[derive(Debug, Clone)]
pub struct SessionCore {
    phase: Phase,
    session: Option<StoredSession>,
    refreshing: Refreshing,
    /// A restore tries the refresh token at most once.
    restore_refreshed: bool,
}

impl SessionCore {
    /// Starts from what storage holds.
    pub fn start(stored: Option<&str>, now_ms: f64) -> (SessionCore, Vec<Effect>) {
        let mut core = SessionCore {
            phase: Phase::SignedOut(None),
            session: None,
            refreshing: Refreshing::Idle,
            restore_refreshed: false,
        };
        let Some(text) = stored else {
            return (core, Vec::new());
        };
        let Some(session) = StoredSession::parse(text) else {
            return (core, vec![Effect::ClearSession]);
        };
        if now_ms < session.expires_at_ms {
            let effects = vec![Effect::FetchProfile {
                access_token: session.access_token.clone(),
            }];
            core.phase = Phase::Restoring;
            core.session = Some(session);
            return (core, effects);
        }
        if session.refresh_token.is_some() {
            core.phase = Phase::Restoring;
            core.session = Some(session);
            core.restore_refreshed = true;
            return (core, vec![Effect::StartRefresh]);
        }
        core.phase = Phase::SignedOut(Some(EndReason::Expired));
        (core, vec![Effect::ClearSession])
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    pub fn session(&self) -> Option<&StoredSession> {
        self.session.as_ref()
    }

    /// The token to send, while signed in or restoring.
    pub fn access_token(&self) -> Option<&str> {
        match self.phase {
            Phase::SignedOut(_) => None,
            _ => self.session.as_ref().map(|s| s.access_token.as_str()),
        }
    }

    pub fn is_refreshing(&self) -> bool {
        self.refreshing != Refreshing::Idle
    }

    /// A successful sign-in (login or registration answer plus the user).
    pub fn signed_in(&mut self, grant: Grant, user: User, _now_ms: f64) -> Vec<Effect> {
        let session = StoredSession::from_grant(grant, user);
        self.phase = Phase::SignedIn;
        let mut effects = self.stop_waiting_for_lock();
        self.restore_refreshed = false;
        effects.extend([Effect::Persist(session.to_json()), self.timer_for(&session)]);
        self.session = Some(session);
        effects
    }

    pub fn profile_loaded(&mut self, outcome: ProfileOutcome, now_ms: f64) -> Vec<Effect> {
        if self.phase != Phase::Restoring {
            return Vec::new();
        }
        let Some(session) = self.session.as_mut() else {
            return Vec::new();
        };
        match outcome {
            ProfileOutcome::Loaded(user) => {
                session.user = user;
                let session = session.clone();
                self.phase = Phase::SignedIn;
                vec![Effect::Persist(session.to_json()), self.timer_for(&session)]
            }
            ProfileOutcome::Rejected
                if session.refresh_token.is_some() && !self.restore_refreshed =>
            {
                self.restore_refreshed = true;
                vec![Effect::StartRefresh]
            }
            ProfileOutcome::Rejected => self.end(EndReason::Expired),
            // The server cannot be asked now: trust the stored session (the
            // token has not expired) rather than throw the user out.
            ProfileOutcome::Unavailable => {
                let session = session.clone();
                self.phase = Phase::SignedIn;
                let at = session.refresh_at_ms().min(now_ms + REFRESH_RETRY_MS);
                vec![Effect::ScheduleTimer {
                    at_ms: at.max(now_ms),
                }]
            }
        }
    }

    /// The scheduled timer went off (or the tab became visible again).
    pub fn timer_fired(&mut self, now_ms: f64) -> Vec<Effect> {
        if self.phase != Phase::SignedIn || self.is_refreshing() {
            return Vec::new();
        }
        let Some(session) = &self.session else {
            return Vec::new();
        };
        if session.refresh_token.is_some() {
            if now_ms >= session.refresh_at_ms() {
                return vec![Effect::StartRefresh];
            }
            return vec![Effect::ScheduleTimer {
                at_ms: session.refresh_at_ms(),
            }];
        }
        // No refresh token (the real ToolBoxAI backend): the session ends at expiry.
        if now_ms >= session.expires_at_ms {
            return self.end(EndReason::Expired);
        }
        vec![Effect::ScheduleTimer {
            at_ms: session.expires_at_ms,
        }]
    }

    /// Single-flight: the first caller starts the refresh, later ones join it.
    pub fn request_refresh(&mut self) -> RefreshTicket {
        let refresh_token = self.session.as_ref().and_then(|s| s.refresh_token.clone());
        let Some(refresh_token) =
            refresh_token.filter(|_| !matches!(self.phase, Phase::SignedOut(_)))
        else {
            return RefreshTicket::Impossible;
        };
        if self.is_refreshing() {
            return RefreshTicket::Join;
        }
        let lock_name = refresh_lock_name(&refresh_token);
        self.refreshing = Refreshing::WaitingForLock { refresh_token };
        RefreshTicket::Start { lock_name }
    }

    /// The cross-tab lock is held; `stored` is what storage holds now.
    pub fn lock_acquired(
        &mut self,
        stored: Option<&str>,
        _now_ms: f64,
    ) -> (LockDecision, Vec<Effect>) {
        let waiting_for = match std::mem::replace(&mut self.refreshing, Refreshing::Idle) {
            Refreshing::WaitingForLock { refresh_token } => refresh_token,
            // Not waiting any more (adopted or ended meanwhile): nothing to do.
            _ if self.access_token().is_some() => return (LockDecision::Adopted, Vec::new()),
            _ => return (LockDecision::Abandon, Vec::new()),
        };
        let Some(ours) = self
            .session
            .clone()
            .filter(|_| !matches!(self.phase, Phase::SignedOut(_)))
        else {
            return (LockDecision::Abandon, Vec::new());
        };
        if ours.refresh_token.as_deref() != Some(waiting_for.as_str()) {
            // Our tokens changed while we waited: whoever changed them refreshed.
            return (LockDecision::Adopted, Vec::new());
        }
        match stored.map(StoredSession::parse) {
            // Signed out elsewhere meanwhile.
            None => {
                let effects = self.end_without_clearing(EndReason::OtherTab);
                (LockDecision::Abandon, effects)
            }
            Some(Some(theirs))
                if theirs.access_token != ours.access_token && theirs.user.id == ours.user.id =>
            {
                self.phase = Phase::SignedIn;
                let effects = vec![self.timer_for(&theirs)];
                self.session = Some(theirs);
                (LockDecision::Adopted, effects)
            }
            _ => {
                self.refreshing = Refreshing::InFlight {
                    refresh_token: waiting_for.clone(),
                };
                (
                    LockDecision::Refresh {
                        refresh_token: waiting_for,
                    },
                    Vec::new(),
                )
            }
        }
    }

    pub fn refresh_finished(&mut self, outcome: RefreshOutcome, now_ms: f64) -> Vec<Effect> {
        let spent = match std::mem::replace(&mut self.refreshing, Refreshing::Idle) {
            Refreshing::InFlight { refresh_token } => Some(refresh_token),
            _ => None,
        };
        if matches!(self.phase, Phase::SignedOut(_)) {
            return Vec::new();
        }
        let Some(session) = self.session.as_mut() else {
            return Vec::new();
        };
        if spent.is_some() && session.refresh_token != spent {
            // Another tab signed in meanwhile and we follow it: its session wins.
            let session = session.clone();
            return vec![self.timer_for(&session)];
        }
        match outcome {
            RefreshOutcome::Granted(grant) => {
                session.access_token = grant.access_token;
                session.refresh_token = grant.refresh_token;
                session.issued_at_ms = grant.issued_at_ms;
                session.expires_at_ms = grant.expires_at_ms;
                if let Some(user) = grant.user {
                    session.user = user;
                }
                let session = session.clone();
                let mut effects = vec![Effect::Persist(session.to_json())];
                if self.phase == Phase::Restoring {
                    // Finish the restore by confirming who we are with the new token.
                    effects.push(Effect::FetchProfile {
                        access_token: session.access_token.clone(),
                    });
                } else {
                    effects.push(self.timer_for(&session));
                }
                effects
            }
            RefreshOutcome::Rejected => self.end(EndReason::Expired),
            RefreshOutcome::Unavailable => {
                self.phase = Phase::SignedIn;
                vec![Effect::ScheduleTimer {
                    at_ms: now_ms + REFRESH_RETRY_MS,
                }]
            }
        }
    }

    /// A request with `rejected_token` got 401.
    pub fn on_unauthorized(
        &mut self,
        rejected_token: &str,
        _now_ms: f64,
    ) -> (Recovery, Vec<Effect>) {
        let Some(session) = &self.session else {
            return (Recovery::GiveUp, Vec::new());
        };
        if matches!(self.phase, Phase::SignedOut(_)) {
            return (Recovery::GiveUp, Vec::new());
        }
        if session.access_token != rejected_token {
            return (Recovery::RetryNow, Vec::new());
        }
        if self.is_refreshing() || session.refresh_token.is_some() {
            return (Recovery::Refresh, Vec::new());
        }
        (Recovery::GiveUp, self.end(EndReason::Expired))
    }

    /// Another tab changed the stored session (`None`: removed).
    pub fn storage_changed(&mut self, stored: Option<&str>, _now_ms: f64) -> Vec<Effect> {
        match stored {
            None => {
                if matches!(self.phase, Phase::SignedOut(_)) {
                    return Vec::new();
                }
                self.end_without_clearing(EndReason::OtherTab)
            }
            Some(text) => {
                let Some(theirs) = StoredSession::parse(text) else {
                    return Vec::new();
                };
                if self
                    .session
                    .as_ref()
                    .is_some_and(|s| s.access_token == theirs.access_token)
                {
                    return Vec::new();
                }
                self.phase = Phase::SignedIn;
                let mut effects = self.stop_waiting_for_lock();
                effects.push(self.timer_for(&theirs));
                self.session = Some(theirs);
                effects
            }
        }
    }

    /// The user signs out here.
    pub fn sign_out(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(s) = &self.session {
            effects.push(Effect::CallLogout {
                access_token: s.access_token.clone(),
                refresh_token: s.refresh_token.clone(),
            });
        }
        self.phase = Phase::SignedOut(Some(EndReason::SignedOut));
        self.session = None;
        effects.extend(self.stop_waiting_for_lock());
        effects.extend([
            Effect::ClearSession,
            Effect::ClearUserData,
            Effect::CancelTimer,
        ]);
        effects
    }

    fn end(&mut self, reason: EndReason) -> Vec<Effect> {
        let mut effects = self.end_without_clearing(reason);
        effects.insert(0, Effect::ClearSession);
        effects
    }

    fn end_without_clearing(&mut self, reason: EndReason) -> Vec<Effect> {
        self.phase = Phase::SignedOut(Some(reason));
        self.session = None;
        let mut effects = self.stop_waiting_for_lock();
        effects.push(Effect::CancelTimer);
        effects
    }

    /// A refresh still waiting for its lock is dropped; one in flight finishes
    /// (its token is spent) and [`SessionCore::refresh_finished`] sorts it out.
    fn stop_waiting_for_lock(&mut self) -> Vec<Effect> {
        if matches!(self.refreshing, Refreshing::WaitingForLock { .. }) {
            self.refreshing = Refreshing::Idle;
            vec![Effect::StopWaitingForLock]
        } else {
            Vec::new()
        }
    }

    fn timer_for(&self, session: &StoredSession) -> Effect {
        let at_ms = if session.refresh_token.is_some() {
            session.refresh_at_ms()
        } else {
            session.expires_at_ms
        };
        Effect::ScheduleTimer { at_ms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    const MIN: f64 = 60_000.0;

    fn user(id: &str) -> User {
        User {
            id: id.into(),
            username: format!("user{id}"),
            email: format!("u{id}@x.io"),
            display_name: format!("User {id}"),
            role: Role::Admin,
        }
    }

    fn grant(token: &str, refresh: Option<&str>, now: f64, lifetime: f64) -> Grant {
        Grant {
            access_token: token.into(),
            refresh_token: refresh.map(str::to_string),
            issued_at_ms: now,
            expires_at_ms: now + lifetime,
            user: None,
        }
    }

    fn stored(token: &str, refresh: Option<&str>, issued: f64, lifetime: f64) -> String {
        StoredSession::from_grant(grant(token, refresh, issued, lifetime), user("1")).to_json()
    }

    fn signed_in(now: f64, refresh: Option<&str>) -> SessionCore {
        let (mut core, _) = SessionCore::start(None, now);
        core.signed_in(grant("a1", refresh, now, 30.0 * MIN), user("1"), now);
        core
    }

    /// Signed in at 0, lock held, refresh endpoint called.
    fn in_flight(refresh: Option<&str>) -> SessionCore {
        let mut core = signed_in(0.0, refresh);
        core.request_refresh();
        let ours = core.session().unwrap().to_json();
        core.lock_acquired(Some(&ours), MIN);
        core
    }

    fn start(refresh_token: &str) -> RefreshTicket {
        RefreshTicket::Start {
            lock_name: refresh_lock_name(refresh_token),
        }
    }

    #[test]
    fn nothing_stored_means_signed_out() {
        let (core, effects) = SessionCore::start(None, 0.0);
        assert_eq!(core.phase(), &Phase::SignedOut(None));
        assert!(effects.is_empty());
    }

    #[test]
    fn garbage_in_storage_is_cleared() {
        for text in [
            "",
            "{",
            "null",
            "{\"access_token\":\"\"}",
            r#"{"access_token":"x","issued_at_ms":5,"expires_at_ms":1,"user":{"id":"1","username":"u","email":"","display_name":"","role":"admin"}}"#,
        ] {
            let (core, effects) = SessionCore::start(Some(text), 0.0);
            assert_eq!(core.phase(), &Phase::SignedOut(None), "{text}");
            assert_eq!(effects, vec![Effect::ClearSession]);
        }
    }

    #[test]
    fn a_valid_stored_session_is_restored_through_the_profile() {
        let text = stored("a1", Some("r1"), 0.0, 30.0 * MIN);
        let (mut core, effects) = SessionCore::start(Some(&text), MIN);
        assert_eq!(core.phase(), &Phase::Restoring);
        assert_eq!(
            effects,
            vec![Effect::FetchProfile {
                access_token: "a1".into()
            }]
        );
        assert_eq!(core.access_token(), Some("a1"));

        let mut fresh = user("1");
        fresh.display_name = "Renamed".into();
        let effects = core.profile_loaded(ProfileOutcome::Loaded(fresh), MIN);
        assert_eq!(core.phase(), &Phase::SignedIn);
        assert_eq!(core.user().unwrap().display_name, "Renamed");
        assert!(matches!(effects[0], Effect::Persist(_)));
        // 80 % of 30 minutes after issue.
        assert_eq!(effects[1], Effect::ScheduleTimer { at_ms: 24.0 * MIN });
    }

    #[test]
    fn a_rejected_profile_tries_the_refresh_token_once() {
        let text = stored("a1", Some("r1"), 0.0, 30.0 * MIN);
        let (mut core, _) = SessionCore::start(Some(&text), MIN);
        assert_eq!(
            core.profile_loaded(ProfileOutcome::Rejected, MIN),
            vec![Effect::StartRefresh]
        );
        assert_eq!(core.request_refresh(), start("r1"));
        let effects = core.refresh_finished(
            RefreshOutcome::Granted(grant("a2", Some("r2"), MIN, 30.0 * MIN)),
            MIN,
        );
        assert!(matches!(effects[0], Effect::Persist(_)));
        assert_eq!(
            effects[1],
            Effect::FetchProfile {
                access_token: "a2".into()
            }
        );
        assert_eq!(core.phase(), &Phase::Restoring);
        // Still rejected with the new token: over.
        let effects = core.profile_loaded(ProfileOutcome::Rejected, MIN);
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::Expired)));
        assert_eq!(effects, vec![Effect::ClearSession, Effect::CancelTimer]);
    }

    #[test]
    fn a_rejected_profile_without_refresh_token_ends_as_expired() {
        let text = stored("a1", None, 0.0, 30.0 * MIN);
        let (mut core, _) = SessionCore::start(Some(&text), MIN);
        core.profile_loaded(ProfileOutcome::Rejected, MIN);
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::Expired)));
        assert_eq!(core.access_token(), None);
    }

    #[test]
    fn an_unreachable_server_during_restore_keeps_the_user_signed_in() {
        let text = stored("a1", Some("r1"), 0.0, 30.0 * MIN);
        let (mut core, _) = SessionCore::start(Some(&text), MIN);
        let effects = core.profile_loaded(ProfileOutcome::Unavailable, MIN);
        assert_eq!(core.phase(), &Phase::SignedIn);
        assert_eq!(
            effects,
            vec![Effect::ScheduleTimer {
                at_ms: MIN + REFRESH_RETRY_MS
            }]
        );
    }

    #[test]
    fn an_expired_stored_session_refreshes_before_restoring() {
        let text = stored("a1", Some("r1"), 0.0, 30.0 * MIN);
        let (core, effects) = SessionCore::start(Some(&text), 31.0 * MIN);
        assert_eq!(core.phase(), &Phase::Restoring);
        assert_eq!(effects, vec![Effect::StartRefresh]);

        let text = stored("a1", None, 0.0, 30.0 * MIN);
        let (core, effects) = SessionCore::start(Some(&text), 31.0 * MIN);
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::Expired)));
        assert_eq!(effects, vec![Effect::ClearSession]);
    }

    #[test]
    fn the_refresh_timer_fires_at_80_percent_of_the_lifetime() {
        let mut core = signed_in(0.0, Some("r1"));
        // Early tick (e.g. the tab became visible): just reschedule.
        assert_eq!(
            core.timer_fired(10.0 * MIN),
            vec![Effect::ScheduleTimer { at_ms: 24.0 * MIN }]
        );
        assert_eq!(core.timer_fired(24.0 * MIN), vec![Effect::StartRefresh]);
        assert_eq!(core.request_refresh(), start("r1"));
        // While in flight the timer does nothing.
        assert!(core.timer_fired(25.0 * MIN).is_empty());
        let effects = core.refresh_finished(
            RefreshOutcome::Granted(grant("a2", Some("r2"), 24.0 * MIN, 30.0 * MIN)),
            24.0 * MIN,
        );
        assert!(
            matches!(&effects[0], Effect::Persist(json) if json.contains("\"a2\"") && json.contains("\"r2\""))
        );
        assert_eq!(effects[1], Effect::ScheduleTimer { at_ms: 48.0 * MIN });
        assert_eq!(core.access_token(), Some("a2"));
    }

    #[test]
    fn short_lifetimes_refresh_early_too() {
        let (mut core, _) = SessionCore::start(None, 0.0);
        let effects = core.signed_in(grant("a", Some("r"), 1000.0, 5000.0), user("1"), 1000.0);
        assert_eq!(effects[1], Effect::ScheduleTimer { at_ms: 5000.0 });
    }

    #[test]
    fn refresh_is_single_flight() {
        let mut core = signed_in(0.0, Some("r1"));
        assert_eq!(core.request_refresh(), start("r1"));
        assert_eq!(core.request_refresh(), RefreshTicket::Join);
        assert_eq!(core.request_refresh(), RefreshTicket::Join);
        let ours = core.session().unwrap().to_json();
        core.lock_acquired(Some(&ours), 0.0);
        assert_eq!(core.request_refresh(), RefreshTicket::Join);
        core.refresh_finished(
            RefreshOutcome::Granted(grant("a2", Some("r2"), 0.0, MIN)),
            0.0,
        );
        assert_eq!(core.request_refresh(), start("r2"));
    }

    #[test]
    fn a_401_refreshes_once_and_retries() {
        let mut core = signed_in(0.0, Some("r1"));
        assert_eq!(core.on_unauthorized("a1", MIN).0, Recovery::Refresh);
        assert_eq!(core.request_refresh(), start("r1"));
        // A second request failing meanwhile joins the same refresh.
        assert_eq!(core.on_unauthorized("a1", MIN).0, Recovery::Refresh);
        assert_eq!(core.request_refresh(), RefreshTicket::Join);
        let ours = core.session().unwrap().to_json();
        core.lock_acquired(Some(&ours), MIN);
        core.refresh_finished(
            RefreshOutcome::Granted(grant("a2", Some("r2"), MIN, 30.0 * MIN)),
            MIN,
        );
        // A late 401 for the old token: the token changed, just retry.
        assert_eq!(core.on_unauthorized("a1", MIN).0, Recovery::RetryNow);
    }

    #[test]
    fn a_rejected_refresh_ends_the_session_as_expired() {
        let mut core = in_flight(Some("r1"));
        let effects = core.refresh_finished(RefreshOutcome::Rejected, MIN);
        assert_eq!(effects, vec![Effect::ClearSession, Effect::CancelTimer]);
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::Expired)));
        assert_eq!(core.on_unauthorized("a1", MIN).0, Recovery::GiveUp);
    }

    #[test]
    fn an_unreachable_refresh_is_retried_later_without_signing_out() {
        let mut core = in_flight(Some("r1"));
        let effects = core.refresh_finished(RefreshOutcome::Unavailable, 24.0 * MIN);
        assert_eq!(
            effects,
            vec![Effect::ScheduleTimer {
                at_ms: 24.0 * MIN + REFRESH_RETRY_MS
            }]
        );
        assert_eq!(core.phase(), &Phase::SignedIn);
    }

    #[test]
    fn without_a_refresh_token_a_401_or_expiry_ends_the_session() {
        let mut core = signed_in(0.0, None);
        assert_eq!(core.request_refresh(), RefreshTicket::Impossible);
        let (recovery, effects) = core.on_unauthorized("a1", MIN);
        assert_eq!(recovery, Recovery::GiveUp);
        assert_eq!(effects, vec![Effect::ClearSession, Effect::CancelTimer]);
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::Expired)));

        let mut core = signed_in(0.0, None);
        assert_eq!(
            core.timer_fired(29.0 * MIN),
            vec![Effect::ScheduleTimer { at_ms: 30.0 * MIN }]
        );
        assert_eq!(
            core.timer_fired(30.0 * MIN),
            vec![Effect::ClearSession, Effect::CancelTimer]
        );
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::Expired)));
    }

    #[test]
    fn another_tab_that_already_refreshed_is_adopted_under_the_lock() {
        let mut core = signed_in(0.0, Some("r1"));
        assert_eq!(core.request_refresh(), start("r1"));
        let theirs = stored("a2", Some("r2"), 24.0 * MIN, 30.0 * MIN);
        let (decision, effects) = core.lock_acquired(Some(&theirs), 24.0 * MIN);
        assert_eq!(decision, LockDecision::Adopted);
        assert_eq!(effects, vec![Effect::ScheduleTimer { at_ms: 48.0 * MIN }]);
        assert_eq!(core.access_token(), Some("a2"));
        assert!(!core.is_refreshing());
    }

    #[test]
    fn under_the_lock_our_own_tokens_mean_refresh() {
        let mut core = signed_in(0.0, Some("r1"));
        core.request_refresh();
        let ours = core.session().unwrap().to_json();
        let (decision, _) = core.lock_acquired(Some(&ours), MIN);
        assert_eq!(
            decision,
            LockDecision::Refresh {
                refresh_token: "r1".into()
            }
        );
    }

    #[test]
    fn each_refresh_token_has_its_own_lock_which_does_not_reveal_it() {
        let a = refresh_lock_name("r1-secret");
        assert_eq!(
            a,
            refresh_lock_name("r1-secret"),
            "every tab computes the same name"
        );
        assert_ne!(a, refresh_lock_name("r2-secret"));
        assert!(!a.contains("secret"));
        assert!(a.starts_with("toolboxai.session.refresh."));
    }

    #[test]
    fn a_tab_waiting_for_the_lock_follows_the_tab_that_refreshed() {
        // Both tabs hold r1 and want to refresh; the other one got the lock.
        let mut core = signed_in(0.0, Some("r1"));
        assert_eq!(core.request_refresh(), start("r1"));
        // Its new tokens arrive through storage: stop waiting, do not spend r1.
        let theirs = stored("a2", Some("r2"), 24.0 * MIN, 30.0 * MIN);
        let effects = core.storage_changed(Some(&theirs), 24.0 * MIN);
        assert_eq!(
            effects,
            vec![
                Effect::StopWaitingForLock,
                Effect::ScheduleTimer { at_ms: 48.0 * MIN }
            ]
        );
        assert!(!core.is_refreshing());
        // A grant of the old lock racing the abort spends nothing.
        assert_eq!(
            core.lock_acquired(Some(&theirs), 24.0 * MIN).0,
            LockDecision::Adopted
        );
        // The next refresh is of the new token, under the new token's lock.
        assert_eq!(core.request_refresh(), start("r2"));
    }

    #[test]
    fn tokens_changed_while_waiting_are_not_refreshed_even_if_storage_looks_old() {
        // Chromium may show the old value in storage just after the lock is
        // released; what matters is that our own tokens moved on.
        let mut core = signed_in(0.0, Some("r1"));
        let old = core.session().unwrap().to_json();
        core.request_refresh();
        core.signed_in(grant("a3", Some("r3"), MIN, 30.0 * MIN), user("1"), MIN);
        assert!(!core.is_refreshing());
        let (decision, _) = core.lock_acquired(Some(&old), MIN);
        assert_eq!(decision, LockDecision::Adopted);
        assert_eq!(core.access_token(), Some("a3"));
    }

    #[test]
    fn a_refresh_in_flight_when_another_tab_signs_in_does_not_overwrite_it() {
        let mut core = in_flight(Some("r1"));
        let theirs = stored("b1", Some("rb"), MIN, 30.0 * MIN);
        // In flight: the token is being spent, there is no wait to stop.
        assert_eq!(
            core.storage_changed(Some(&theirs), MIN),
            vec![Effect::ScheduleTimer { at_ms: 25.0 * MIN }]
        );
        let effects = core.refresh_finished(
            RefreshOutcome::Granted(grant("a2", Some("r2"), MIN, 30.0 * MIN)),
            MIN,
        );
        assert_eq!(effects, vec![Effect::ScheduleTimer { at_ms: 25.0 * MIN }]);
        assert_eq!(core.access_token(), Some("b1"));
    }

    #[test]
    fn ending_the_session_while_waiting_for_the_lock_stops_the_wait() {
        let mut core = signed_in(0.0, Some("r1"));
        core.request_refresh();
        let effects = core.sign_out();
        assert!(effects.contains(&Effect::StopWaitingForLock));
        assert_eq!(core.lock_acquired(None, MIN).0, LockDecision::Abandon);

        let mut core = signed_in(0.0, Some("r1"));
        core.request_refresh();
        assert_eq!(
            core.storage_changed(None, MIN),
            vec![Effect::StopWaitingForLock, Effect::CancelTimer]
        );
    }

    #[test]
    fn under_the_lock_a_vanished_session_means_signed_out_elsewhere() {
        let mut core = signed_in(0.0, Some("r1"));
        core.request_refresh();
        let (decision, effects) = core.lock_acquired(None, MIN);
        assert_eq!(decision, LockDecision::Abandon);
        assert_eq!(effects, vec![Effect::CancelTimer]);
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::OtherTab)));
    }

    #[test]
    fn sign_out_calls_logout_and_clears_everything() {
        let mut core = signed_in(0.0, Some("r1"));
        let effects = core.sign_out();
        assert_eq!(
            effects,
            vec![
                Effect::CallLogout {
                    access_token: "a1".into(),
                    refresh_token: Some("r1".into())
                },
                Effect::ClearSession,
                Effect::ClearUserData,
                Effect::CancelTimer
            ]
        );
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::SignedOut)));
        assert_eq!(core.access_token(), None);
        // A refresh that finishes afterwards changes nothing.
        assert!(core
            .refresh_finished(RefreshOutcome::Granted(grant("a9", None, 0.0, MIN)), 0.0)
            .is_empty());
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::SignedOut)));
    }

    #[test]
    fn other_tabs_signing_out_or_in_are_followed() {
        let mut core = signed_in(0.0, Some("r1"));
        assert_eq!(core.storage_changed(None, MIN), vec![Effect::CancelTimer]);
        assert_eq!(core.phase(), &Phase::SignedOut(Some(EndReason::OtherTab)));
        assert!(core.storage_changed(None, MIN).is_empty());

        let theirs = stored("b1", Some("rb"), MIN, 30.0 * MIN);
        let effects = core.storage_changed(Some(&theirs), MIN);
        assert_eq!(core.phase(), &Phase::SignedIn);
        assert_eq!(core.access_token(), Some("b1"));
        assert_eq!(
            effects,
            vec![Effect::ScheduleTimer {
                at_ms: MIN + 24.0 * MIN
            }]
        );
        // The same tokens again (our own write echoed, or a duplicate event): nothing.
        assert!(core.storage_changed(Some(&theirs), MIN).is_empty());
        // Garbage written by someone else is ignored.
        assert!(core.storage_changed(Some("{"), MIN).is_empty());
        assert_eq!(core.access_token(), Some("b1"));
    }

    #[test]
    fn profile_answers_outside_a_restore_are_ignored() {
        let mut core = signed_in(0.0, Some("r1"));
        assert!(core
            .profile_loaded(ProfileOutcome::Rejected, 0.0)
            .is_empty());
        assert_eq!(core.phase(), &Phase::SignedIn);
    }
}
