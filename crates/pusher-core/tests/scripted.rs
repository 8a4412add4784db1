//! The client driven by scripted frames on a fake clock.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

use pusher_core::crypto;
use pusher_core::*;
use serde_json::{json, Value};
use std::collections::HashMap;

struct Harness {
    client: Client,
    now: f64,
    generation: u64,
    url: Option<String>,
    opens: usize,
    closes: usize,
    sent: Vec<String>,
    timers: HashMap<Timer, f64>,
    events: Vec<Event>,
    authorize: Vec<(u64, String, String)>,
    user_auth: Vec<(u64, String)>,
}

fn options() -> Options {
    let mut o = Options::new("app-key", "mt1");
    o.ws_host = Some("127.0.0.1".into());
    o.ws_port = 6001;
    o.force_tls = Some(false);
    o
}

impl Harness {
    fn new() -> Harness {
        Harness::with(options())
    }

    fn with(options: Options) -> Harness {
        Harness {
            client: Client::new(options, 7),
            now: 0.0,
            generation: 0,
            url: None,
            opens: 0,
            closes: 0,
            sent: Vec::new(),
            timers: HashMap::new(),
            events: Vec::new(),
            authorize: Vec::new(),
            user_auth: Vec::new(),
        }
    }

    fn apply(&mut self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Open { generation, url } => {
                    self.generation = generation;
                    self.url = Some(url);
                    self.opens += 1;
                }
                Action::Send(text) => self.sent.push(text),
                Action::Close => self.closes += 1,
                Action::SetTimer { timer, after_ms } => {
                    self.timers.insert(timer, self.now + after_ms);
                }
                Action::CancelTimer(timer) => {
                    self.timers.remove(&timer);
                }
                Action::Authorize {
                    request,
                    channel,
                    socket_id,
                } => self.authorize.push((request, channel, socket_id)),
                Action::AuthenticateUser { request, socket_id } => {
                    self.user_auth.push((request, socket_id))
                }
                Action::Emit(event) => self.events.push(event),
            }
        }
    }

    fn connect(&mut self) {
        let a = self.client.connect(self.now);
        self.apply(a);
    }

    fn open(&mut self) {
        let a = self.client.socket_opened(self.generation, self.now);
        self.apply(a);
    }

    fn recv(&mut self, frame: &str) {
        let a = self.client.socket_message(self.generation, frame, self.now);
        self.apply(a);
    }

    fn handshake(&mut self, socket_id: &str, activity_timeout: u64) {
        self.open();
        self.recv(&format!(
            r#"{{"event":"pusher:connection_established","data":"{{\"socket_id\":\"{socket_id}\",\"activity_timeout\":{activity_timeout}}}"}}"#
        ));
    }

    fn connected(&mut self) {
        self.connect();
        self.handshake("1.1", 120);
        assert_eq!(self.client.state(), State::Connected);
    }

    fn close(&mut self, code: u16) {
        let a = self
            .client
            .socket_closed(self.generation, code, "", self.now);
        self.apply(a);
    }

    /// Moves the clock, firing due timers in order.
    fn advance(&mut self, ms: f64) {
        let target = self.now + ms;
        loop {
            let due = self
                .timers
                .iter()
                .filter(|(_, at)| **at <= target)
                .min_by(|a, b| a.1.total_cmp(b.1))
                .map(|(t, at)| (*t, *at));
            let Some((timer, at)) = due else { break };
            self.timers.remove(&timer);
            self.now = at;
            let a = self.client.timer_fired(timer, self.now);
            self.apply(a);
        }
        self.now = target;
    }

    fn take_sent(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.sent)
            .iter()
            .map(|s| serde_json::from_str(s).unwrap())
            .collect()
    }

    fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    fn messages(&mut self) -> Vec<Message> {
        self.take_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Message(m) => Some(m),
                _ => None,
            })
            .collect()
    }

    fn errors(&self) -> Vec<&PusherError> {
        self.events
            .iter()
            .filter_map(|e| {
                if let Event::Error(e) = e {
                    Some(e)
                } else {
                    None
                }
            })
            .collect()
    }

    fn timer_in(&self, timer: Timer) -> Option<f64> {
        self.timers.get(&timer).map(|at| at - self.now)
    }
}

// ---------------------------------------------------------------- connection

#[test]
fn connecting_opens_the_socket_and_arms_the_timers() {
    let mut h = Harness::new();
    h.connect();
    assert_eq!(
        h.url.as_deref(),
        Some(
            "ws://127.0.0.1:6001/app/app-key?protocol=7&client=rust-wasm&version=0.1.0&flash=false"
        )
    );
    assert_eq!(h.client.state(), State::Connecting);
    assert_eq!(h.timer_in(Timer::Unavailable), Some(10_000.0));
    assert_eq!(h.timer_in(Timer::Attempt), Some(15_000.0));
    assert_eq!(
        h.take_events(),
        vec![Event::StateChange {
            previous: State::Initialized,
            current: State::Connecting
        }]
    );
    // Connecting twice does nothing.
    h.connect();
    assert_eq!(h.opens, 1);
}

#[test]
fn the_handshake_connects_and_the_activity_timeout_is_the_minimum() {
    let mut h = Harness::new();
    h.connect();
    h.handshake("123.456", 30);
    assert_eq!(h.client.state(), State::Connected);
    assert_eq!(h.client.socket_id(), Some("123.456"));
    assert_eq!(h.client.activity_timeout_ms(), 30_000.0);
    assert_eq!(h.timer_in(Timer::Activity), Some(30_000.0));
    assert_eq!(h.timer_in(Timer::Unavailable), None);
    assert_eq!(h.timer_in(Timer::Attempt), None);
    let mut h = Harness::new();
    h.connect();
    h.handshake("1.2", 600);
    assert_eq!(h.client.activity_timeout_ms(), 120_000.0);
}

#[test]
fn a_handshake_without_socket_id_or_timeout_is_retried() {
    let mut h = Harness::new();
    h.connect();
    h.open();
    h.recv(r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.1\"}"}"#);
    assert_eq!(h.client.state(), State::Connecting);
    assert_eq!(h.errors()[0].kind, ErrorKind::HandshakeError);
    assert_eq!(h.closes, 1);
    assert!(h.timer_in(Timer::Retry).is_some());
}

#[test]
fn silence_triggers_a_ping_and_a_pong_keeps_the_connection() {
    let mut h = Harness::new();
    h.connected();
    h.advance(119_999.0);
    assert!(h.take_sent().is_empty());
    h.advance(1.0);
    assert_eq!(
        h.take_sent(),
        vec![json!({"event": "pusher:ping", "data": {}})]
    );
    assert_eq!(h.timer_in(Timer::Pong), Some(30_000.0));
    h.advance(1_000.0);
    h.recv(r#"{"event":"pusher:pong"}"#);
    assert_eq!(h.timer_in(Timer::Pong), None);
    assert_eq!(h.timer_in(Timer::Activity), Some(120_000.0));
    assert_eq!(h.client.state(), State::Connected);
}

#[test]
fn any_inbound_message_counts_as_activity_but_garbage_does_not() {
    let mut h = Harness::new();
    h.connected();
    h.advance(100_000.0);
    h.recv(r#"{"event":"some-event","channel":"c","data":"{}"}"#);
    h.advance(100_000.0);
    assert!(
        h.take_sent().is_empty(),
        "the message re-armed the activity timer"
    );
    h.recv("this is not json");
    assert_eq!(
        h.errors().last().unwrap().kind,
        ErrorKind::MessageParseError
    );
    h.advance(20_000.0);
    assert_eq!(
        h.take_sent(),
        vec![json!({"event": "pusher:ping", "data": {}})]
    );
}

#[test]
fn a_missing_pong_reconnects_at_once() {
    let mut h = Harness::new();
    h.connected();
    h.advance(120_000.0);
    h.take_sent();
    h.advance(30_000.0);
    assert_eq!(h.closes, 1);
    assert_eq!(h.opens, 2, "reconnects immediately");
    assert_eq!(h.client.state(), State::Connecting);
    assert_eq!(h.errors().last().unwrap().code, Some(4201));
}

#[test]
fn a_server_ping_is_answered() {
    let mut h = Harness::new();
    h.connected();
    h.recv(r#"{"event":"pusher:ping","data":{}}"#);
    assert_eq!(
        h.take_sent(),
        vec![json!({"event": "pusher:pong", "data": {}})]
    );
}

/// What happens after a connected socket closes with `code`.
#[derive(Debug, PartialEq)]
enum Outcome {
    ReconnectIn(f64),
    ReconnectNow { tls: bool },
    Refused,
}

fn after_close(code: u16) -> (Outcome, bool) {
    let mut h = Harness::new();
    h.connected();
    h.take_events();
    h.close(code);
    let reported = !h.errors().is_empty();
    let outcome = if h.client.state() == State::Disconnected {
        assert_eq!(h.timer_in(Timer::Retry), None);
        Outcome::Refused
    } else if h.opens == 2 {
        Outcome::ReconnectNow {
            tls: h.url.as_deref().unwrap().starts_with("wss://"),
        }
    } else {
        let delay = h.timer_in(Timer::Retry).expect("a retry is scheduled");
        assert!(h.events.contains(&Event::ConnectingIn {
            seconds: (delay / 1000.0).round() as u64
        }));
        Outcome::ReconnectIn(delay)
    };
    (outcome, reported)
}

#[test]
fn every_close_code_row() {
    use Outcome::*;
    let table: [(u16, Outcome, bool); 18] = [
        (1000, ReconnectIn(1000.0), false),
        (1001, ReconnectIn(1000.0), false),
        (1002, ReconnectIn(1000.0), true),
        (1003, ReconnectIn(1000.0), true),
        (1004, ReconnectIn(1000.0), true),
        (1006, ReconnectIn(1000.0), true),
        (4000, ReconnectNow { tls: true }, false),
        (4001, Refused, true),
        (4004, Refused, true),
        (4009, Refused, true),
        (4099, Refused, true),
        (4100, ReconnectIn(1000.0), true),
        (4199, ReconnectIn(1000.0), true),
        (4200, ReconnectNow { tls: false }, true),
        (4201, ReconnectNow { tls: false }, true),
        (4299, ReconnectNow { tls: false }, true),
        (4300, Refused, true),
        (4301, Refused, true),
    ];
    for (code, expected, reported) in table {
        assert_eq!(after_close(code), (expected, reported), "close code {code}");
    }
    assert_eq!(after_close(4999).0, Refused);
}

#[test]
fn a_drop_resets_channels_and_resubscribes_everything_with_fresh_auth() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("metrics", h.now).unwrap();
    h.apply(a);
    let a = h.client.subscribe("private-user-1", h.now).unwrap();
    h.apply(a);
    assert_eq!(
        h.authorize,
        vec![(1, "private-user-1".into(), "1.1".into())]
    );
    let a = h.client.auth_result(
        1,
        Ok(AuthResponse {
            auth: "app-key:sig1".into(),
            ..Default::default()
        }),
        h.now,
    );
    h.apply(a);
    assert!(
        h.client.subscribed_channels().next().is_none(),
        "asked for, not confirmed"
    );
    h.recv(r#"{"event":"pusher_internal:subscription_succeeded","channel":"metrics","data":"{}"}"#);
    assert_eq!(
        h.client.subscribed_channels().collect::<Vec<_>>(),
        ["metrics"]
    );
    h.recv(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-user-1","data":"{}"}"#);
    assert_eq!(
        h.client.channel("metrics").unwrap().state().clone(),
        SubscriptionState::Subscribed
    );
    assert_eq!(
        h.client.subscribed_channels().collect::<Vec<_>>(),
        ["metrics", "private-user-1"]
    );
    h.take_sent();
    h.close(1006);
    assert!(
        h.client.subscribed_channels().next().is_none(),
        "a dropped connection confirms nothing"
    );
    assert_eq!(
        h.client.channel("metrics").unwrap().state().clone(),
        SubscriptionState::Unsubscribed
    );
    assert_eq!(
        h.client.channel("private-user-1").unwrap().state().clone(),
        SubscriptionState::Unsubscribed
    );
    h.advance(1000.0);
    h.handshake("2.2", 120);
    assert_eq!(
        h.take_sent(),
        vec![json!({"event": "pusher:subscribe", "data": {"auth": "", "channel": "metrics"}})]
    );
    assert_eq!(
        h.authorize.last(),
        Some(&(2, "private-user-1".into(), "2.2".into()))
    );
}

#[test]
fn failed_attempts_back_off_and_the_state_becomes_unavailable() {
    let mut h = Harness::new();
    h.connect();
    let mut delays = Vec::new();
    for _ in 0..10 {
        h.close(1006); // refused before opening
        let delay = h.timer_in(Timer::Retry).expect("retry scheduled");
        delays.push(delay);
        h.advance(delay);
    }
    let expected = [1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 8.0, 8.0, 15.0, 15.0];
    for (d, e) in delays.iter().zip(expected) {
        assert!(*d >= e * 800.0 && *d <= e * 1200.0, "{d} vs {e} s");
    }
    assert_eq!(h.client.state(), State::Unavailable);
    assert_eq!(h.opens, 11);
    // Success resets the schedule.
    h.handshake("9.9", 120);
    assert_eq!(h.client.state(), State::Connected);
    h.close(1006);
    h.advance(1000.0);
    h.close(1006);
    let d = h.timer_in(Timer::Retry).unwrap();
    assert!((800.0..=1200.0).contains(&d), "{d}");
}

#[test]
fn a_hung_attempt_times_out_after_15_then_30_then_60_seconds() {
    let mut h = Harness::new();
    h.connect();
    for expected in [15_000.0, 30_000.0, 60_000.0, 60_000.0] {
        assert_eq!(h.timer_in(Timer::Attempt).map(f64::round), Some(expected));
        h.advance(expected);
        assert_eq!(h.timer_in(Timer::Attempt), None);
        let retry = h.timer_in(Timer::Retry).unwrap();
        h.advance(retry);
    }
    assert!(h.closes >= 4);
}

#[test]
fn a_refusing_handshake_error_disconnects() {
    let mut h = Harness::new();
    h.connect();
    h.open();
    h.recv(r#"{"event":"pusher:error","data":{"code":4001,"message":"App key app-key does not exist"}}"#);
    assert_eq!(h.client.state(), State::Disconnected);
    assert_eq!(h.errors()[0].code, Some(4001));
    assert_eq!(h.timer_in(Timer::Retry), None);
}

#[test]
fn online_and_visibility_retry_at_once() {
    let mut h = Harness::new();
    h.connect();
    h.close(1006);
    assert!(h.timer_in(Timer::Retry).is_some());
    let a = h.client.online(h.now);
    h.apply(a);
    assert_eq!(h.opens, 2);
    assert_eq!(h.timer_in(Timer::Retry), None);
    h.close(1006);
    let a = h.client.became_visible(h.now);
    h.apply(a);
    assert_eq!(h.opens, 3);
}

#[test]
fn visibility_and_offline_check_a_connected_socket() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.became_visible(h.now);
    h.apply(a);
    assert_eq!(
        h.take_sent(),
        vec![json!({"event": "pusher:ping", "data": {}})]
    );
    assert_eq!(h.timer_in(Timer::Pong), Some(5_000.0));
    h.advance(5_000.0);
    assert_eq!(h.client.state(), State::Connecting, "no pong: reconnect");

    let mut h = Harness::new();
    h.connected();
    let a = h.client.offline(h.now);
    h.apply(a);
    assert_eq!(h.timer_in(Timer::Pong), Some(30_000.0));
}

#[test]
fn disconnect_is_final() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.disconnect(h.now);
    h.apply(a);
    assert_eq!(h.client.state(), State::Disconnected);
    assert_eq!(h.closes, 1);
    assert!(h.timers.is_empty());
    // The close event of that socket arrives later: nothing happens.
    let a = h.client.socket_closed(h.generation, 1000, "", h.now);
    h.apply(a);
    h.advance(60_000.0);
    assert_eq!(h.opens, 1);
}

#[test]
fn events_of_an_old_socket_are_ignored() {
    let mut h = Harness::new();
    h.connected();
    let old = h.generation;
    h.close(1006);
    h.advance(1000.0);
    h.handshake("2.2", 120);
    h.take_events();
    let a = h
        .client
        .socket_message(old, r#"{"event":"x","data":"{}"}"#, h.now);
    h.apply(a);
    let a = h.client.socket_closed(old, 1006, "", h.now);
    h.apply(a);
    assert!(h.take_events().is_empty());
    assert_eq!(h.client.state(), State::Connected);
}

// ---------------------------------------------------------------- channels

#[test]
fn public_channels_subscribe_with_an_empty_auth() {
    let mut h = Harness::new();
    let a = h.client.subscribe("observability-metrics", 0.0).unwrap();
    h.apply(a);
    assert!(h.sent.is_empty(), "nothing is sent before connecting");
    h.connected();
    assert_eq!(
        h.sent,
        vec![
            r#"{"event":"pusher:subscribe","data":{"auth":"","channel":"observability-metrics"}}"#
        ]
    );
    h.sent.clear();
    h.take_events();
    h.recv(r#"{"event":"pusher_internal:subscription_succeeded","channel":"observability-metrics","data":"{}"}"#);
    h.recv(
        r#"{"event":"metrics.updated","channel":"observability-metrics","data":"{\"cpu\":12.5}"}"#,
    );
    let m = h.messages();
    assert_eq!(m[0].event, "pusher:subscription_succeeded");
    assert_eq!(
        (m[1].event.as_str(), m[1].channel.as_deref(), &m[1].data),
        (
            "metrics.updated",
            Some("observability-metrics"),
            &json!({"cpu": 12.5})
        )
    );
}

#[test]
fn invalid_channel_names_are_refused() {
    let mut h = Harness::new();
    for bad in ["", "#server-to-user-1", "with space", "é"] {
        assert_eq!(
            h.client.subscribe(bad, 0.0),
            Err(SubscribeError::InvalidName),
            "{bad}"
        );
    }
}

#[test]
fn private_channels_are_authorized_per_socket() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("private-admin", h.now).unwrap();
    h.apply(a);
    assert_eq!(h.authorize, vec![(1, "private-admin".into(), "1.1".into())]);
    let a = h.client.auth_result(
        1,
        Ok(AuthResponse {
            auth: "app-key:abc".into(),
            ..Default::default()
        }),
        h.now,
    );
    h.apply(a);
    assert_eq!(
        h.sent,
        vec![
            r#"{"event":"pusher:subscribe","data":{"auth":"app-key:abc","channel":"private-admin"}}"#
        ]
    );
    // A repeated answer for the same request is ignored.
    let a = h.client.auth_result(
        1,
        Ok(AuthResponse {
            auth: "app-key:abc".into(),
            ..Default::default()
        }),
        h.now,
    );
    h.apply(a);
    assert_eq!(h.sent.len(), 1);
}

#[test]
fn a_refused_authorization_is_a_subscription_error_with_the_status() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("private-user-2", h.now).unwrap();
    h.apply(a);
    h.take_events();
    let a = h.client.auth_result(
        1,
        Err(AuthFailure {
            status: Some(403),
            message: "Forbidden".into(),
        }),
        h.now,
    );
    h.apply(a);
    let m = h.messages();
    assert_eq!(m[0].event, "pusher:subscription_error");
    assert_eq!(m[0].channel.as_deref(), Some("private-user-2"));
    assert_eq!(
        m[0].data,
        json!({"type": "AuthError", "error": "Forbidden", "status": 403})
    );
    assert_eq!(
        h.client.channel("private-user-2").unwrap().state().clone(),
        SubscriptionState::Failed
    );
    assert!(h.sent.is_empty());
}

#[test]
fn unsubscribing_while_authorizing_drops_the_channel() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("private-x", h.now).unwrap();
    h.apply(a);
    let a = h.client.unsubscribe("private-x", h.now);
    h.apply(a);
    assert!(h.client.channel("private-x").is_none());
    let a = h.client.auth_result(
        1,
        Ok(AuthResponse {
            auth: "k:s".into(),
            ..Default::default()
        }),
        h.now,
    );
    h.apply(a);
    assert!(h.sent.is_empty(), "a late auth answer subscribes nothing");
}

#[test]
fn unsubscribing_before_the_server_confirms_unsubscribes_on_confirmation() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("metrics", h.now).unwrap();
    h.apply(a);
    h.sent.clear();
    let a = h.client.unsubscribe("metrics", h.now);
    h.apply(a);
    assert!(h.sent.is_empty());
    h.recv(r#"{"event":"pusher_internal:subscription_succeeded","channel":"metrics","data":"{}"}"#);
    assert_eq!(
        h.sent,
        vec![r#"{"event":"pusher:unsubscribe","data":{"channel":"metrics"}}"#]
    );
    assert!(h.client.channel("metrics").is_none());
}

#[test]
fn an_unsubscribed_channel_is_not_resubscribed_after_a_reconnect() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("metrics", h.now).unwrap();
    h.apply(a);
    h.recv(r#"{"event":"pusher_internal:subscription_succeeded","channel":"metrics","data":"{}"}"#);
    h.sent.clear();
    let a = h.client.unsubscribe("metrics", h.now);
    h.apply(a);
    assert_eq!(
        h.sent,
        vec![r#"{"event":"pusher:unsubscribe","data":{"channel":"metrics"}}"#]
    );
    h.sent.clear();
    h.close(1006);
    h.advance(1000.0);
    h.handshake("2.2", 120);
    assert!(h.sent.is_empty());
}

#[test]
fn presence_members_ids_as_strings() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("presence-dashboard", h.now).unwrap();
    h.apply(a);
    let channel_data = r#"{"user_id":1,"user_info":{"name":"Ada","role":"admin"}}"#;
    let a = h.client.auth_result(
        1,
        Ok(AuthResponse {
            auth: "app-key:p".into(),
            channel_data: Some(channel_data.into()),
            shared_secret: None,
        }),
        h.now,
    );
    h.apply(a);
    let sent: Value = serde_json::from_str(&h.sent[0]).unwrap();
    assert_eq!(sent["data"]["channel_data"], channel_data);
    assert!(
        h.sent[0].contains(r#""auth":"app-key:p","channel_data":"#),
        "pusher-js key order"
    );
    h.take_events();
    h.recv(r#"{"event":"pusher_internal:subscription_succeeded","channel":"presence-dashboard","data":"{\"presence\":{\"ids\":[\"1\",\"2\"],\"hash\":{\"1\":{\"name\":\"Ada\"},\"2\":null},\"count\":2}}"}"#);
    let members = h.client.members("presence-dashboard").unwrap();
    assert_eq!(members.count, 2);
    assert_eq!(members.me().map(|(id, _)| id.as_str()), Some("1"));
    let m = h.messages();
    assert_eq!(m[0].data["me"], json!({"id": "1", "info": {"name": "Ada"}}));
    assert_eq!(m[0].data["count"], 2);

    h.recv(r#"{"event":"pusher_internal:member_added","channel":"presence-dashboard","data":"{\"user_id\":11,\"user_info\":{\"name\":\"Phil\"}}"}"#);
    h.recv(r#"{"event":"pusher_internal:member_added","channel":"presence-dashboard","data":"{\"user_id\":\"11\",\"user_info\":{\"name\":\"Phil\"}}"}"#);
    assert_eq!(
        h.client.members("presence-dashboard").unwrap().count,
        3,
        "a second connection of 11 adds no one"
    );
    h.recv(r#"{"event":"pusher_internal:member_removed","channel":"presence-dashboard","data":"{\"user_id\":11}"}"#);
    h.recv(r#"{"event":"pusher_internal:member_removed","channel":"presence-dashboard","data":"{\"user_id\":\"99\"}"}"#);
    let m = h.messages();
    assert_eq!(
        m.iter().map(|m| m.event.as_str()).collect::<Vec<_>>(),
        vec![
            "pusher:member_added",
            "pusher:member_added",
            "pusher:member_removed"
        ]
    );
    assert_eq!(m[0].data, json!({"id": "11", "info": {"name": "Phil"}}));
    assert_eq!(h.client.members("presence-dashboard").unwrap().count, 2);
    // Reset on disconnect.
    h.close(1006);
    assert_eq!(h.client.members("presence-dashboard").unwrap().count, 0);
}

#[test]
fn presence_without_channel_data_is_an_error() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("presence-x", h.now).unwrap();
    h.apply(a);
    let a = h.client.auth_result(
        1,
        Ok(AuthResponse {
            auth: "k:s".into(),
            ..Default::default()
        }),
        h.now,
    );
    h.apply(a);
    assert_eq!(h.messages()[0].event, "pusher:subscription_error");
}

#[test]
fn subscription_counts_and_global_events() {
    let mut h = Harness::new();
    h.connected();
    let a = h.client.subscribe("metrics", h.now).unwrap();
    h.apply(a);
    h.take_events();
    h.recv(r#"{"event":"pusher_internal:subscription_count","channel":"metrics","data":"{\"subscription_count\":3}"}"#);
    h.recv(r#"{"event":"app-wide","data":"\"hi\""}"#);
    h.recv(r#"{"event":"pusher:error","data":{"code":4301,"message":"Client event rejected"}}"#);
    let events = h.take_events();
    assert_eq!(
        h.client.channel("metrics").unwrap().subscription_count(),
        Some(3)
    );
    assert!(
        matches!(&events[0], Event::Message(m) if m.event == "pusher:subscription_count" && m.data["subscription_count"] == 3)
    );
    assert!(
        matches!(&events[1], Event::Message(m) if m.channel.is_none() && m.data == json!("hi"))
    );
    assert!(matches!(&events[2], Event::Error(e) if e.code == Some(4301)));
}

// ---------------------------------------------------------------- client events

#[test]
fn client_event_rules() {
    let mut h = Harness::new();
    let data = json!({"typing": true});
    let a = h.client.subscribe("private-chat", 0.0).unwrap();
    h.apply(a);
    assert_eq!(
        h.client
            .trigger("private-chat", "client-typing", &data, 0.0),
        Err(TriggerError::NotConnected)
    );
    h.connected();
    assert_eq!(
        h.client.trigger("private-chat", "typing", &data, h.now),
        Err(TriggerError::BadEventName)
    );
    assert_eq!(
        h.client.trigger("public", "client-x", &data, h.now),
        Err(TriggerError::NotAllowedOnChannel)
    );
    assert_eq!(
        h.client
            .trigger("private-encrypted-x", "client-x", &data, h.now),
        Err(TriggerError::NotAllowedOnChannel)
    );
    assert_eq!(
        h.client.trigger("private-other", "client-x", &data, h.now),
        Err(TriggerError::NotSubscribed)
    );
    let sent = h
        .client
        .trigger("private-chat", "client-typing", &data, h.now)
        .unwrap();
    assert_eq!(
        sent,
        vec![Action::Send(
            r#"{"event":"client-typing","data":{"typing":true},"channel":"private-chat"}"#.into()
        )]
    );
    for i in 1..10 {
        assert!(h
            .client
            .trigger("private-chat", "client-typing", &data, h.now + i as f64)
            .is_ok());
    }
    assert_eq!(
        h.client
            .trigger("private-chat", "client-typing", &data, h.now + 500.0),
        Err(TriggerError::RateLimited)
    );
    assert!(h
        .client
        .trigger("private-chat", "client-typing", &data, h.now + 1000.0)
        .is_ok());
}

#[test]
fn presence_client_events_carry_the_sender() {
    let mut h = Harness::new();
    h.connected();
    h.recv(r#"{"event":"client-typing","channel":"presence-room","data":"{}","user_id":"42"}"#);
    assert_eq!(h.messages()[0].user_id.as_deref(), Some("42"));
}

// ---------------------------------------------------------------- user sign-in

#[test]
fn sign_in_subscribes_the_server_to_user_channel_and_survives_reconnects() {
    let mut h = Harness::new();
    let a = h.client.signin(0.0);
    h.apply(a);
    assert!(h.user_auth.is_empty(), "waits for a connection");
    h.connected();
    assert_eq!(h.user_auth, vec![(1, "1.1".into())]);
    let a = h.client.user_auth_result(
        1,
        Ok(UserAuthResponse {
            auth: "app-key:u".into(),
            user_data: r#"{"id":"12345"}"#.into(),
        }),
        h.now,
    );
    h.apply(a);
    assert_eq!(
        h.sent,
        vec![
            r#"{"event":"pusher:signin","data":{"auth":"app-key:u","user_data":"{\"id\":\"12345\"}"}}"#
        ]
    );
    h.sent.clear();
    h.recv(r#"{"event":"pusher:signin_success","data":{"user_data":"{\"id\":\"12345\"}"}}"#);
    assert_eq!(h.client.user_id(), Some("12345"));
    assert_eq!(
        h.sent,
        vec![
            r##"{"event":"pusher:subscribe","data":{"auth":"","channel":"#server-to-user-12345"}}"##
        ]
    );
    h.take_events();
    h.recv(r##"{"event":"notice","channel":"#server-to-user-12345","data":"{\"n\":1}"}"##);
    assert_eq!(
        h.take_events(),
        vec![Event::User(Message {
            channel: None,
            event: "notice".into(),
            data: json!({"n": 1}),
            user_id: None
        })]
    );
    h.close(1006);
    h.advance(1000.0);
    h.handshake("2.2", 120);
    assert_eq!(h.user_auth.last(), Some(&(2, "2.2".into())));
}

// ---------------------------------------------------------------- encrypted channels

#[test]
fn encrypted_channels_decrypt_and_reauthorize_once_on_failure() {
    use base64::Engine;
    let b64 = |k: &[u8; 32]| base64::engine::general_purpose::STANDARD.encode(k);
    let (old_key, new_key) = ([1u8; 32], [2u8; 32]);
    let mut h = Harness::new();
    h.connected();
    let a = h
        .client
        .subscribe("private-encrypted-alerts", h.now)
        .unwrap();
    h.apply(a);
    let a = h.client.auth_result(
        1,
        Ok(AuthResponse {
            auth: "k:s".into(),
            channel_data: None,
            shared_secret: Some(b64(&old_key)),
        }),
        h.now,
    );
    h.apply(a);
    assert!(
        !h.sent[0].contains("shared_secret"),
        "the key is never sent back"
    );
    h.recv(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-encrypted-alerts","data":"{}"}"#);
    h.take_events();

    let frame = |key: &[u8; 32], text: &str| {
        let sealed = crypto::encrypt(key, &[9u8; 24], text);
        json!({"event": "alert", "channel": "private-encrypted-alerts", "data": sealed.to_string()})
            .to_string()
    };
    h.recv(&frame(&old_key, r#"{"level":"warning"}"#));
    assert_eq!(h.messages()[0].data, json!({"level": "warning"}));

    // The key rotated on the server: one re-authorization, then the held event is delivered.
    h.recv(&frame(&new_key, r#"{"level":"critical"}"#));
    assert!(h.messages().is_empty());
    assert_eq!(h.authorize.last().map(|a| a.0), Some(2));
    let a = h.client.auth_result(
        2,
        Ok(AuthResponse {
            auth: "k:s2".into(),
            channel_data: None,
            shared_secret: Some(b64(&new_key)),
        }),
        h.now,
    );
    h.apply(a);
    assert_eq!(h.messages()[0].data, json!({"level": "critical"}));

    // Still undecryptable after the re-authorization: dropped, reported.
    h.recv(&frame(&[3u8; 32], "x"));
    assert_eq!(h.errors().last().unwrap().kind, ErrorKind::DecryptError);
    assert_eq!(h.authorize.len(), 2);
}

#[test]
fn tls_rules_and_the_tls_only_close() {
    let mut o = options();
    o.force_tls = None;
    let mut h = Harness::with(o);
    h.connect();
    assert!(h
        .url
        .as_deref()
        .unwrap()
        .starts_with("wss://127.0.0.1:443/"));
    let mut h = Harness::new();
    h.connected();
    h.close(4000);
    assert!(h.url.as_deref().unwrap().starts_with("wss://"));
}
