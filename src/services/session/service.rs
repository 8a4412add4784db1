//! The browser side of the session: runs [`SessionCore`]'s effects (storage,
//! profile and refresh requests, the refresh timer, logout) and follows other
//! tabs. The decisions are all in `dashboard_core::session`.

use super::grant::fetch_user;
use super::provider::{self, TokenAnswer};
use crate::browser::locks as lock;
use crate::browser::storage;
use crate::services::api::{ApiClient, ApiError, Authenticator};
use dashboard_core::auth::{Grant, User};
use dashboard_core::session::{
    Effect, EndReason, LockDecision, Phase, ProfileOutcome, ProviderSession, Recovery,
    RefreshOutcome, RefreshTicket, SessionCore, STORAGE_KEY, USER_DATA_PREFIX,
};
use futures::future::{self, FutureExt, LocalBoxFuture, Shared};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

pub(crate) const REFRESH_PATH: &str = "/api/v1/auth/refresh";
pub(crate) const LOGOUT_PATH: &str = "/api/v1/auth/logout";

/// What the UI needs to know about the session.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AuthView {
    /// A stored session is being checked. `provisional`: its user, while the
    /// token being checked has not expired; pages they may open render at once
    /// (the server still checks every request), everything else waits.
    Restoring {
        provisional: Option<User>,
    },
    SignedIn(User),
    SignedOut {
        expired: bool,
    },
}

impl AuthView {
    /// The user a protected page acts for: the signed-in one, or the stored
    /// one a page renders for while their session is checked.
    pub(crate) fn page_user(&self) -> Option<&User> {
        match self {
            AuthView::SignedIn(user) => Some(user),
            AuthView::Restoring { provisional } => provisional.as_ref(),
            AuthView::SignedOut { .. } => None,
        }
    }
}

type SharedRefresh = Shared<LocalBoxFuture<'static, bool>>;

struct Inner {
    core: RefCell<SessionCore>,
    view: RwSignal<AuthView>,
    api: ApiClient,
    timer: RefCell<Option<Timeout>>,
    /// The refresh underway (with a number, so a finished one clears only itself).
    refresh: RefCell<Option<(u64, SharedRefresh)>>,
    refresh_count: std::cell::Cell<u64>,
    /// Aborts the wait for a refresh token's lock.
    lock_wait: RefCell<Option<web_sys::AbortController>>,
    /// The lock of the refresh token this tab spent last, held so that no tab
    /// that still has that token spends it again (see `dashboard_core::session`).
    spent_token_lock: RefCell<Option<lock::HeldLock>>,
    listeners: RefCell<Vec<EventListener>>,
    /// The best-effort logout call of the last sign-out, while it runs.
    logout: RefCell<Option<Shared<LocalBoxFuture<'static, ()>>>>,
    /// After signing out of a hosted sign-in: the provider's end-session URL,
    /// where the sign-in page hands over to instead of itself.
    end_session: RefCell<Option<String>>,
}

/// The app's one session. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Session {
    inner: Rc<Inner>,
}

use crate::browser::time::now_ms as now;
use crate::browser::visibility::on_visibility_change;

impl Session {
    /// Restores whatever storage holds and plugs the session into `api`.
    pub(crate) fn start(api: ApiClient) -> Session {
        let stored = storage::read(STORAGE_KEY);
        let (core, effects) = SessionCore::start(stored.as_deref(), now());
        let view = RwSignal::new(view_of(&core));
        let session = Session {
            inner: Rc::new(Inner {
                core: RefCell::new(core),
                view,
                api: api.clone(),
                timer: RefCell::new(None),
                refresh: RefCell::new(None),
                refresh_count: std::cell::Cell::new(0),
                lock_wait: RefCell::new(None),
                spent_token_lock: RefCell::new(None),
                listeners: RefCell::new(Vec::new()),
                logout: RefCell::new(None),
                end_session: RefCell::new(None),
            }),
        };
        api.set_authenticator(Some(Rc::new(SessionAuth(Rc::downgrade(&session.inner)))));
        session.listen();
        session.apply(effects);
        session
    }

    pub(crate) fn view(&self) -> ReadSignal<AuthView> {
        self.inner.view.read_only()
    }

    async fn fetch_user(&self, token: &str) -> Result<User, ApiError> {
        fetch_user(&self.inner.api, token).await
    }

    pub(crate) fn sign_out(&self) {
        let effects = self.inner.core.borrow_mut().sign_out();
        self.apply(effects);
    }

    fn listen(&self) {
        let mut listeners = self.inner.listeners.borrow_mut();
        let weak = Rc::downgrade(&self.inner);
        if let Some(l) = storage::on_change(STORAGE_KEY, move |value| {
            if let Some(inner) = weak.upgrade() {
                let effects = inner
                    .core
                    .borrow_mut()
                    .storage_changed(value.as_deref(), now());
                Session { inner }.apply(effects);
            }
        }) {
            listeners.push(l);
        }
        // Timers are throttled in hidden tabs: check at once when the tab is back.
        let weak = Rc::downgrade(&self.inner);
        listeners.extend(on_visibility_change(move |visible| {
            if let Some(inner) = weak.upgrade().filter(|_| visible) {
                let effects = inner.core.borrow_mut().timer_fired(now());
                Session { inner }.apply(effects);
            }
        }));
    }

    /// Carries out the core's decisions, then publishes the new state.
    fn apply(&self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Persist(json) => storage::write(STORAGE_KEY, &json),
                Effect::ClearSession => storage::remove(STORAGE_KEY),
                Effect::ClearUserData => storage::remove_with_prefix(USER_DATA_PREFIX),
                Effect::FetchProfile { access_token } => self.spawn_profile_check(access_token),
                Effect::StartRefresh => {
                    let refresh = self.refresh_once();
                    wasm_bindgen_futures::spawn_local(async move {
                        refresh.await;
                    });
                }
                Effect::StopWaitingForLock => {
                    if let Some(wait) = self.inner.lock_wait.borrow_mut().take() {
                        wait.abort();
                    }
                }
                Effect::ScheduleTimer { at_ms } => self.schedule(at_ms),
                Effect::CancelTimer => {
                    self.inner.timer.borrow_mut().take();
                }
                Effect::CallLogout {
                    provider: Some(provider),
                    refresh_token,
                    ..
                } => {
                    *self.inner.end_session.borrow_mut() = provider::end_session_url(&provider);
                    let call = async move {
                        if let Some(token) = refresh_token {
                            provider::revoke(&provider, &token).await;
                        }
                    }
                    .boxed_local()
                    .shared();
                    *self.inner.logout.borrow_mut() = Some(call.clone());
                    wasm_bindgen_futures::spawn_local(call);
                }
                Effect::CallLogout {
                    access_token,
                    refresh_token,
                    provider: None,
                } => {
                    let request = self
                        .inner
                        .api
                        .post(LOGOUT_PATH)
                        .with_token(&access_token)
                        .json(&json!({ "refresh_token": refresh_token }));
                    // Best effort: the local sign-out has happened either way.
                    // Kept, so that a page load after sign-out can wait for it.
                    let call = async move {
                        let _ = request.send_text().await;
                    }
                    .boxed_local()
                    .shared();
                    *self.inner.logout.borrow_mut() = Some(call.clone());
                    wasm_bindgen_futures::spawn_local(call);
                }
            }
        }
        if matches!(self.inner.core.borrow().phase(), Phase::SignedOut(_)) {
            // The chain is over: nobody can spend its tokens any more.
            self.inner.spent_token_lock.borrow_mut().take();
        }
        let view = view_of(&self.inner.core.borrow());
        if !matches!(view, AuthView::Restoring { .. }) {
            crate::browser::perf::mark_once(crate::browser::perf::SESSION_KNOWN);
        }
        if self.inner.view.get_untracked() != view {
            self.inner.view.set(view);
        }
    }

    /// The provider's end-session URL after signing out of a hosted sign-in (once).
    pub(crate) fn take_end_session_url(&self) -> Option<String> {
        self.inner.end_session.borrow_mut().take()
    }

    /// Resolves once the last sign-out's logout call has been answered (at once
    /// when there is none): leaving the page earlier would cancel it.
    pub(crate) fn logout_settled(&self) -> LocalBoxFuture<'static, ()> {
        match self.inner.logout.borrow().clone() {
            Some(call) => call.boxed_local(),
            None => future::ready(()).boxed_local(),
        }
    }

    fn spawn_profile_check(&self, token: String) {
        let session = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match session.fetch_user(&token).await {
                Ok(user) => ProfileOutcome::Loaded(user),
                Err(e) if matches!(e.status(), Some(401 | 403)) => ProfileOutcome::Rejected,
                Err(_) => ProfileOutcome::Unavailable,
            };
            let effects = session
                .inner
                .core
                .borrow_mut()
                .profile_loaded(outcome, now());
            session.apply(effects);
        });
    }

    fn schedule(&self, at_ms: f64) {
        // setTimeout takes at most 2^31-1 ms.
        let delay = (at_ms - now()).clamp(0.0, 2_147_483_647.0) as u32;
        let weak = Rc::downgrade(&self.inner);
        let timeout = Timeout::new(delay, move || {
            if let Some(inner) = weak.upgrade() {
                let effects = inner.core.borrow_mut().timer_fired(now());
                Session { inner }.apply(effects);
            }
        });
        *self.inner.timer.borrow_mut() = Some(timeout);
    }

    /// The one refresh in flight, started if needed. Resolves to whether a
    /// fresh token is now available.
    fn refresh_once(&self) -> SharedRefresh {
        let ticket = self.inner.core.borrow_mut().request_refresh();
        match ticket {
            RefreshTicket::Impossible => future::ready(false).boxed_local().shared(),
            RefreshTicket::Join => self
                .inner
                .refresh
                .borrow()
                .as_ref()
                .map(|(_, task)| task.clone())
                .unwrap_or_else(|| future::ready(false).boxed_local().shared()),
            RefreshTicket::Start { lock_name } => {
                let number = self.inner.refresh_count.get() + 1;
                self.inner.refresh_count.set(number);
                let weak = Rc::downgrade(&self.inner);
                let task = async move {
                    let result = refresh_with_lock(weak.clone(), lock_name).await;
                    if let Some(inner) = weak.upgrade() {
                        let mut refresh = inner.refresh.borrow_mut();
                        if refresh.as_ref().is_some_and(|(n, _)| *n == number) {
                            refresh.take();
                        }
                    }
                    result
                }
                .boxed_local()
                .shared();
                *self.inner.refresh.borrow_mut() = Some((number, task.clone()));
                task
            }
        }
    }
}

/// Waits for the refresh token's cross-tab lock (or for the wait to be
/// stopped because another tab's tokens arrived), then refreshes if still needed.
async fn refresh_with_lock(weak: Weak<Inner>, lock_name: String) -> bool {
    let Ok(controller) = web_sys::AbortController::new() else {
        return refresh_under_lock(weak, None).await;
    };
    if let Some(inner) = weak.upgrade() {
        *inner.lock_wait.borrow_mut() = Some(controller.clone());
    }
    let acquired = lock::acquire(&lock_name, &controller.signal()).await;
    if let Some(inner) = weak.upgrade() {
        inner.lock_wait.borrow_mut().take();
    }
    let held = match acquired {
        lock::Acquired::Held(held) => Some(held),
        // The core decides: stopped on purpose → nothing to do; anything else
        // (no Web Locks here) → refresh unlocked, the best this browser allows.
        lock::Acquired::Aborted | lock::Acquired::Unsupported => None,
    };
    refresh_under_lock(weak, held).await
}

/// Holding the lock of the token to spend: adopt another tab's fresh tokens,
/// or refresh. The new tokens are stored before the lock could be released,
/// and after a rotation the lock stays held (the old token is spent for good).
async fn refresh_under_lock(weak: Weak<Inner>, held: Option<lock::HeldLock>) -> bool {
    let Some(inner) = weak.upgrade() else {
        return false;
    };
    let session = Session { inner };
    let stored = storage::read(STORAGE_KEY);
    let (decision, effects) = session
        .inner
        .core
        .borrow_mut()
        .lock_acquired(stored.as_deref(), now());
    session.apply(effects);
    let refresh_token = match decision {
        LockDecision::Adopted => return true,
        LockDecision::Abandon => return false,
        LockDecision::Refresh { refresh_token } => refresh_token,
    };
    let at_provider = session
        .inner
        .core
        .borrow()
        .session()
        .and_then(|s| s.provider.clone());
    let outcome = match at_provider {
        Some(provider) => refresh_at_provider(&provider, &refresh_token).await,
        None => refresh_at_backend(&session.inner.api, &refresh_token).await,
    };
    let granted = matches!(outcome, RefreshOutcome::Granted(_));
    let effects = session
        .inner
        .core
        .borrow_mut()
        .refresh_finished(outcome, now());
    session.apply(effects);
    if granted {
        // Replacing the previous one releases it: that token's tabs have long moved on.
        *session.inner.spent_token_lock.borrow_mut() = held;
    }
    granted
}

async fn refresh_at_backend(api: &ApiClient, refresh_token: &str) -> RefreshOutcome {
    let answer = api
        .post(REFRESH_PATH)
        .anonymous()
        .json(&json!({ "refresh_token": refresh_token }))
        .send::<Value>()
        .await;
    match answer {
        // A success we cannot read may have spent the refresh token: start over.
        Ok(value) => Grant::from_json(&value, now())
            .map(RefreshOutcome::Granted)
            .unwrap_or(RefreshOutcome::Rejected),
        Err(e) if matches!(e.status(), Some(400 | 401 | 403)) => RefreshOutcome::Rejected,
        Err(_) => RefreshOutcome::Unavailable,
    }
}

/// The refresh-token grant at the provider of a hosted sign-in.
async fn refresh_at_provider(provider: &ProviderSession, refresh_token: &str) -> RefreshOutcome {
    let params = dashboard_core::oidc::flow::refresh_request(&provider.client_id, refresh_token);
    match provider::token_call(&provider.endpoints.token_endpoint, &params).await {
        TokenAnswer::Granted(value) => Grant::from_json(&value, now())
            .map(RefreshOutcome::Granted)
            .unwrap_or(RefreshOutcome::Rejected),
        TokenAnswer::Refused(_) => RefreshOutcome::Rejected,
        TokenAnswer::Unavailable(_) => RefreshOutcome::Unavailable,
    }
}

fn view_of(core: &SessionCore) -> AuthView {
    match core.phase() {
        Phase::Restoring => AuthView::Restoring {
            provisional: core.provisional_user().cloned(),
        },
        Phase::SignedIn => match core.user() {
            Some(user) => AuthView::SignedIn(user.clone()),
            None => AuthView::SignedOut { expired: false },
        },
        Phase::SignedOut(reason) => AuthView::SignedOut {
            expired: *reason == Some(EndReason::Expired),
        },
    }
}

/// The API client's view of the session (weak: the client must not keep it alive).
struct SessionAuth(Weak<Inner>);

impl Authenticator for SessionAuth {
    fn access_token(&self) -> Option<String> {
        let inner = self.0.upgrade()?;
        let core = inner.core.borrow();
        core.access_token().map(str::to_string)
    }

    fn recover_from_unauthorized(&self, rejected_token: &str) -> LocalBoxFuture<'static, bool> {
        let Some(inner) = self.0.upgrade() else {
            return future::ready(false).boxed_local();
        };
        let session = Session { inner };
        let (recovery, effects) = session
            .inner
            .core
            .borrow_mut()
            .on_unauthorized(rejected_token, now());
        session.apply(effects);
        match recovery {
            Recovery::RetryNow => future::ready(true).boxed_local(),
            Recovery::Refresh => session.refresh_once().boxed_local(),
            Recovery::GiveUp => future::ready(false).boxed_local(),
        }
    }
}
