//! The session state machine.

use super::*;
use crate::auth::{Grant, User};

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

/// The session state machine: sign-in, restore, refresh, sign-out, other tabs.
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

    /// Where the session stands.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The signed-in (or restoring) user.
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The session as stored.
    pub fn session(&self) -> Option<&StoredSession> {
        self.session.as_ref()
    }

    /// The stored user while their session is checked with a token that has
    /// not expired: protected pages may render for them at once, since every
    /// request still carries the token the server checks (and an answer of
    /// "not accepted" ends the session as usual). `None` in every other phase,
    /// and once the restore had to fall back to the refresh token.
    pub fn provisional_user(&self) -> Option<&User> {
        match self.phase {
            Phase::Restoring if !self.restore_refreshed => self.user(),
            _ => None,
        }
    }

    /// The token to send, while signed in or restoring.
    pub fn access_token(&self) -> Option<&str> {
        match self.phase {
            Phase::SignedOut(_) => None,
            _ => self.session.as_ref().map(|s| s.access_token.as_str()),
        }
    }

    /// A refresh is waiting for its lock or out.
    pub(crate) fn is_refreshing(&self) -> bool {
        self.refreshing != Refreshing::Idle
    }

    /// A successful sign-in (login or registration answer plus the user).
    pub fn signed_in(&mut self, grant: Grant, user: User, now_ms: f64) -> Vec<Effect> {
        self.signed_in_at_provider(grant, user, None, now_ms)
    }

    /// A successful sign-in; `provider` is set for hosted sign-in, whose
    /// refreshes and sign-out then go to the provider.
    pub fn signed_in_at_provider(
        &mut self,
        grant: Grant,
        user: User,
        provider: Option<ProviderSession>,
        _now_ms: f64,
    ) -> Vec<Effect> {
        let mut provider = provider;
        if let (Some(p), Some(id_token)) = (provider.as_mut(), grant.id_token.clone()) {
            p.id_token = Some(id_token);
        }
        let mut session = StoredSession::from_grant(grant, user);
        session.provider = provider;
        self.phase = Phase::SignedIn;
        let mut effects = self.stop_waiting_for_lock();
        self.restore_refreshed = false;
        effects.extend([Effect::Persist(session.to_json()), self.timer_for(&session)]);
        self.session = Some(session);
        effects
    }

    /// The restore's profile request ended.
    pub fn profile_loaded(&mut self, outcome: ProfileOutcome, now_ms: f64) -> Vec<Effect> {
        if self.phase != Phase::Restoring {
            return Vec::new();
        }
        let Some(session) = self.session.as_mut() else {
            return Vec::new();
        };
        match outcome {
            ProfileOutcome::Loaded(user) => {
                // Written back only when the profile changed: another tab may
                // have rotated the tokens since this one read them, and a blind
                // write would put the spent ones back.
                let profile_changed = session.user != user;
                session.user = user;
                let session = session.clone();
                self.phase = Phase::SignedIn;
                let mut effects = Vec::new();
                if profile_changed {
                    effects.push(Effect::Persist(session.to_json()));
                }
                effects.push(self.timer_for(&session));
                effects
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
                if theirs.access_token != ours.access_token
                    && theirs.user.id == ours.user.id
                    && theirs.is_newer_than(&ours) =>
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

    /// The refresh request ended.
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
                if let (Some(p), Some(id_token)) = (session.provider.as_mut(), grant.id_token) {
                    p.id_token = Some(id_token);
                }
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
                let ours = self
                    .session
                    .as_ref()
                    .filter(|_| !matches!(self.phase, Phase::SignedOut(_)));
                if let Some(ours) = ours {
                    if ours.access_token == theirs.access_token {
                        return Vec::new();
                    }
                    if ours.is_newer_than(&theirs) {
                        // A late write of tokens older than ours (a tab that read
                        // them before our refresh): never adopt spent tokens, and
                        // put ours back so that every tab sees the newest.
                        return vec![Effect::Persist(ours.to_json())];
                    }
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
                provider: s.provider.clone(),
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
