//! Tests of the session machine, on a fake clock.

use super::*;
use crate::auth::Role;
use crate::auth::{Grant, User};

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
        id_token: None,
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
fn a_restore_that_confirms_the_stored_profile_writes_nothing_back() {
    // Another tab may have rotated the tokens since this one read them: a
    // write of what this tab holds would put the spent ones back.
    let text = stored("a1", Some("r1"), 0.0, 30.0 * MIN);
    let (mut core, _) = SessionCore::start(Some(&text), MIN);
    let effects = core.profile_loaded(ProfileOutcome::Loaded(user("1")), MIN);
    assert_eq!(core.phase(), &Phase::SignedIn);
    assert_eq!(effects, vec![Effect::ScheduleTimer { at_ms: 24.0 * MIN }]);
}

#[test]
fn a_late_write_of_older_tokens_is_not_adopted_and_the_newest_is_written_back() {
    // This tab refreshed r1 into r2; a tab that read r1 before writes it back late.
    let mut core = in_flight(Some("r1"));
    core.refresh_finished(
        RefreshOutcome::Granted(grant("a2", Some("r2"), 24.0 * MIN, 30.0 * MIN)),
        24.0 * MIN,
    );
    let stale = stored("a1", Some("r1"), 0.0, 30.0 * MIN);
    let effects = core.storage_changed(Some(&stale), 24.0 * MIN);
    assert_eq!(core.access_token(), Some("a2"));
    assert!(
        matches!(&effects[..], [Effect::Persist(json)] if json.contains("\"r2\"")),
        "{effects:?}"
    );
    // The other tab then follows the newest tokens it is given back.
    let (mut other, _) = SessionCore::start(Some(&stale), MIN);
    let newest = core.session().unwrap().to_json();
    other.storage_changed(Some(&newest), 24.0 * MIN);
    assert_eq!(other.access_token(), Some("a2"));
    assert_eq!(other.request_refresh(), start("r2"));
}

#[test]
fn under_the_lock_older_tokens_in_storage_are_not_adopted() {
    let mut core = signed_in(MIN, Some("r2"));
    assert_eq!(core.request_refresh(), start("r2"));
    let stale = stored("a0", Some("r1"), 0.0, 30.0 * MIN);
    let (decision, _) = core.lock_acquired(Some(&stale), 25.0 * MIN);
    assert_eq!(
        decision,
        LockDecision::Refresh {
            refresh_token: "r2".into()
        }
    );
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
                refresh_token: Some("r1".into()),
                provider: None,
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

#[test]
fn pages_may_render_for_the_stored_user_only_while_an_unexpired_token_is_checked() {
    let text = stored("a1", Some("r1"), 0.0, 30.0 * MIN);
    // Unexpired token: the profile is being checked, the stored user is provisional.
    let (mut core, _) = SessionCore::start(Some(&text), MIN);
    assert_eq!(core.provisional_user().map(|u| u.id.as_str()), Some("1"));
    // Rejected: the restore falls back to the refresh token, no longer provisional.
    core.profile_loaded(ProfileOutcome::Rejected, MIN);
    assert_eq!(core.phase(), &Phase::Restoring);
    assert_eq!(core.provisional_user(), None);

    // Expired token: the restore starts with a refresh, nothing is provisional.
    let (core, _) = SessionCore::start(Some(&text), 31.0 * MIN);
    assert_eq!(core.provisional_user(), None);

    // Confirmed: signed in, and provisional no more.
    let (mut core, _) = SessionCore::start(Some(&text), MIN);
    core.profile_loaded(ProfileOutcome::Loaded(user("1")), MIN);
    assert_eq!(core.phase(), &Phase::SignedIn);
    assert_eq!(core.provisional_user(), None);

    // Nothing stored: nobody.
    let (core, _) = SessionCore::start(None, 0.0);
    assert_eq!(core.provisional_user(), None);
}

fn provider() -> ProviderSession {
    ProviderSession {
        client_id: "dash".into(),
        endpoints: crate::oidc::ProviderEndpoints {
            issuer: "https://idp.example.com".into(),
            authorization_endpoint: "https://idp.example.com/auth".into(),
            token_endpoint: "https://idp.example.com/token".into(),
            end_session_endpoint: Some("https://idp.example.com/session/end".into()),
            revocation_endpoint: None,
        },
        id_token: None,
    }
}

#[test]
fn a_hosted_sign_in_keeps_its_provider_and_latest_id_token_through_refreshes() {
    let (mut core, _) = SessionCore::start(None, 0.0);
    let mut first = grant("a1", Some("r1"), 0.0, 60_000.0);
    first.id_token = Some("id1".into());
    let effects = core.signed_in_at_provider(first, user("u1"), Some(provider()), 0.0);
    let stored = StoredSession::parse(match &effects[0] {
        Effect::Persist(json) => json,
        other => panic!("{other:?}"),
    })
    .unwrap();
    assert_eq!(
        stored.provider.as_ref().unwrap().id_token.as_deref(),
        Some("id1")
    );

    assert!(matches!(
        core.request_refresh(),
        RefreshTicket::Start { .. }
    ));
    let stored_now = core.session().unwrap().to_json();
    core.lock_acquired(Some(&stored_now), 1_000.0);
    let mut next = grant("a2", Some("r2"), 48_000.0, 60_000.0);
    next.id_token = Some("id2".into());
    core.refresh_finished(RefreshOutcome::Granted(next), 48_000.0);
    let session = core.session().unwrap();
    assert_eq!(session.access_token, "a2");
    assert_eq!(
        session.provider.as_ref().unwrap().endpoints.token_endpoint,
        "https://idp.example.com/token"
    );
    assert_eq!(
        session.provider.as_ref().unwrap().id_token.as_deref(),
        Some("id2")
    );

    let effects = core.sign_out();
    assert!(matches!(
        &effects[0],
        Effect::CallLogout { provider: Some(p), refresh_token: Some(r), .. } if p.id_token.as_deref() == Some("id2") && r == "r2"
    ));
}
