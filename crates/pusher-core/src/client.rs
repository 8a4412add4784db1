//! The client state machine (pusher-js `core/connection` + `core/channels` +
//! `core/user`), without I/O. Every input is a method taking the current time;
//! every output is an [`Action`] for the transport to carry out.
//!
//! Where pusher-js users suffer, this client differs on purpose (see the
//! crate README): failed connection attempts are retried with a short
//! exponential backoff instead of waiting out a 15–60 s attempt timeout; a
//! handshake error is retried instead of leaving the connection stuck; a tab
//! becoming visible triggers an immediate liveness check; per-channel pending
//! state is reset on every disconnect and unsubscribed channels leave the table.

use crate::channels::{
    is_valid_name, normalize_id, Channel, ChannelKind, Channels, Members, SubscriptionState,
};
use crate::crypto;
use crate::options::Options;
use crate::protocol::{decode, encode, encode_raw, object, Frame};
use serde_json::{json, Value};
use std::collections::VecDeque;

/// First connection-attempt timeout; doubles per timeout up to [`MAX_ATTEMPT_TIMEOUT_MS`].
pub const ATTEMPT_TIMEOUT_MS: f64 = 15_000.0;
pub const MAX_ATTEMPT_TIMEOUT_MS: f64 = 60_000.0;
/// Retry delay after a failed attempt: 1, 1, 2, 2, 4, 4, 8, 8, 15… s (±20 % jitter).
pub const RETRY_BASE_MS: f64 = 1_000.0;
pub const RETRY_CAP_MS: f64 = 15_000.0;
/// Client events allowed per second (a server closes with 4301 above it).
pub const CLIENT_EVENTS_PER_SECOND: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Initialized,
    Connecting,
    Connected,
    Unavailable,
    Disconnected,
    Failed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Initialized => "initialized",
            State::Connecting => "connecting",
            State::Connected => "connected",
            State::Unavailable => "unavailable",
            State::Disconnected => "disconnected",
            State::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// No inbound traffic for the activity timeout: send a ping.
    Activity,
    /// No answer to our ping.
    Pong,
    /// Connecting for too long: state becomes `unavailable`.
    Unavailable,
    /// One connection attempt takes too long.
    Attempt,
    /// Time for the next connection attempt.
    Retry,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Open a WebSocket to `url`; tag its events with `generation`.
    Open {
        generation: u64,
        url: String,
    },
    /// Send a text frame on the current socket.
    Send(String),
    /// Close the current socket (no code: browsers only allow a few).
    Close,
    SetTimer {
        timer: Timer,
        after_ms: f64,
    },
    CancelTimer(Timer),
    /// Ask the channel authorizer; answer with [`Client::auth_result`].
    Authorize {
        request: u64,
        channel: String,
        socket_id: String,
    },
    /// Ask the user authenticator; answer with [`Client::user_auth_result`].
    AuthenticateUser {
        request: u64,
        socket_id: String,
    },
    Emit(Event),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    StateChange {
        previous: State,
        current: State,
    },
    /// A reconnection is scheduled in this many seconds.
    ConnectingIn {
        seconds: u64,
    },
    Error(PusherError),
    /// A channel or connection event (everything apps bind to).
    Message(Message),
    /// An event sent to the signed-in user (`#server-to-user-{id}`).
    User(Message),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub channel: Option<String>,
    pub event: String,
    pub data: Value,
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    PusherError,
    WebSocketError,
    MessageParseError,
    HandshakeError,
    AuthError,
    DecryptError,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PusherError {
    pub kind: ErrorKind,
    pub code: Option<i64>,
    pub message: String,
}

/// A successful channel authorization.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthResponse {
    pub auth: String,
    pub channel_data: Option<String>,
    pub shared_secret: Option<String>,
}

/// A failed channel or user authorization (`status`: the HTTP status, if any).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthFailure {
    pub status: Option<u16>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserAuthResponse {
    pub auth: String,
    pub user_data: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscribeError {
    InvalidName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerError {
    /// Client event names must start with `client-`.
    BadEventName,
    /// Only private and presence channels carry client events.
    NotAllowedOnChannel,
    NotSubscribed,
    NotConnected,
    /// More than 10 per second.
    RateLimited,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Socket {
    None,
    Opening,
    AwaitingHandshake,
    Open,
}

/// What to do when the socket closes (pusher-js `getCloseAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CloseAction {
    Reconnect { delay_ms: u32, report: bool },
    TlsOnly,
    Refused,
}

fn close_action(code: u16) -> CloseAction {
    match code {
        1000 | 1001 => CloseAction::Reconnect {
            delay_ms: 1000,
            report: false,
        },
        1002..=1004 => CloseAction::Reconnect {
            delay_ms: 1000,
            report: true,
        },
        4000 => CloseAction::TlsOnly,
        4001..=4099 => CloseAction::Refused,
        4100..=4199 => CloseAction::Reconnect {
            delay_ms: 1000,
            report: true,
        },
        4200..=4299 => CloseAction::Reconnect {
            delay_ms: 0,
            report: true,
        },
        4300.. => CloseAction::Refused,
        _ => CloseAction::Reconnect {
            delay_ms: 1000,
            report: true,
        },
    }
}

#[derive(Debug, Clone, Default)]
struct UserState {
    wanted: bool,
    request: Option<u64>,
    id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Client {
    options: Options,
    state: State,
    tls: bool,
    generation: u64,
    socket: Socket,
    socket_id: Option<String>,
    activity_timeout_ms: f64,
    attempt_timeout_ms: f64,
    failed_attempts: u32,
    retry_pending: bool,
    pong_pending: bool,
    channels: Channels,
    next_request: u64,
    client_events: VecDeque<f64>,
    user: UserState,
    /// Reconnection jitter (seeded: tests are reproducible).
    rng: fastrand::Rng,
}

impl Client {
    /// `seed` drives the retry jitter.
    pub fn new(options: Options, seed: u64) -> Client {
        Client {
            tls: options.use_tls(),
            activity_timeout_ms: options.activity_timeout_ms,
            options,
            state: State::Initialized,
            generation: 0,
            socket: Socket::None,
            socket_id: None,
            attempt_timeout_ms: ATTEMPT_TIMEOUT_MS,
            failed_attempts: 0,
            retry_pending: false,
            pong_pending: false,
            channels: Channels::default(),
            next_request: 0,
            client_events: VecDeque::new(),
            user: UserState::default(),
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn socket_id(&self) -> Option<&str> {
        self.socket_id.as_deref()
    }

    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.get(name)
    }

    /// Channels the server has confirmed (and we have not left): their events
    /// arrive. An iterator, so callers can compare without allocating.
    pub fn subscribed_channels(&self) -> impl Iterator<Item = &str> {
        self.channels
            .iter()
            .filter(|c| c.state == SubscriptionState::Subscribed && !c.cancelled)
            .map(|c| c.name.as_str())
    }

    pub fn members(&self, name: &str) -> Option<&Members> {
        self.channels.get(name).map(|c| &c.members)
    }

    pub fn user_id(&self) -> Option<&str> {
        self.user.id.as_deref()
    }

    /// The effective activity timeout (min of ours and the server's).
    pub fn activity_timeout_ms(&self) -> f64 {
        self.activity_timeout_ms
    }

    // ------------------------------------------------------------------ connection

    pub fn connect(&mut self, _now: f64) -> Vec<Action> {
        if !matches!(
            self.state,
            State::Initialized | State::Disconnected | State::Failed
        ) {
            return Vec::new();
        }
        let mut out = Vec::new();
        self.set_state(State::Connecting, &mut out);
        out.push(Action::SetTimer {
            timer: Timer::Unavailable,
            after_ms: self.options.unavailable_timeout_ms,
        });
        self.start_attempt(&mut out);
        out
    }

    pub fn disconnect(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.socket != Socket::None {
            out.push(Action::Close);
        }
        self.drop_socket();
        self.retry_pending = false;
        for timer in [
            Timer::Activity,
            Timer::Pong,
            Timer::Unavailable,
            Timer::Attempt,
            Timer::Retry,
        ] {
            out.push(Action::CancelTimer(timer));
        }
        self.channels.reset_all();
        self.user.id = None;
        self.user.request = None;
        self.set_state(State::Disconnected, &mut out);
        out
    }

    pub fn socket_opened(&mut self, generation: u64, _now: f64) -> Vec<Action> {
        if generation == self.generation && self.socket == Socket::Opening {
            self.socket = Socket::AwaitingHandshake;
        }
        Vec::new()
    }

    pub fn socket_message(&mut self, generation: u64, text: &str, now: f64) -> Vec<Action> {
        if generation != self.generation || matches!(self.socket, Socket::None | Socket::Opening) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let frame = match decode(text) {
            Ok(frame) => frame,
            Err(e) => {
                // Not activity: the activity timer is not reset by garbage.
                out.push(emit_error(ErrorKind::MessageParseError, None, e.0));
                return out;
            }
        };
        if self.socket == Socket::AwaitingHandshake {
            self.handshake(frame, &mut out);
            return out;
        }
        out.push(Action::SetTimer {
            timer: Timer::Activity,
            after_ms: self.activity_timeout_ms,
        });
        if self.pong_pending {
            self.pong_pending = false;
            out.push(Action::CancelTimer(Timer::Pong));
        }
        self.route(frame, now, &mut out);
        out
    }

    /// The browser's `close` event (`code` 1006 when the connection just died).
    pub fn socket_closed(
        &mut self,
        generation: u64,
        code: u16,
        reason: &str,
        _now: f64,
    ) -> Vec<Action> {
        if generation != self.generation || self.socket == Socket::None {
            return Vec::new();
        }
        let previous = self.socket;
        self.drop_socket();
        let mut out = vec![
            Action::CancelTimer(Timer::Activity),
            Action::CancelTimer(Timer::Pong),
            Action::CancelTimer(Timer::Attempt),
        ];
        if self.state == State::Disconnected {
            return out;
        }
        let protocol_code = (4000..5000).contains(&code);
        if previous == Socket::Opening || (previous == Socket::AwaitingHandshake && !protocol_code)
        {
            self.attempt_failed(&mut out);
            return out;
        }
        self.apply_close(code, reason, &mut out);
        out
    }

    pub fn timer_fired(&mut self, timer: Timer, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        match timer {
            Timer::Retry => {
                if self.retry_pending
                    && matches!(self.state, State::Connecting | State::Unavailable)
                {
                    self.retry_pending = false;
                    self.start_attempt(&mut out);
                }
            }
            Timer::Attempt => {
                if matches!(self.socket, Socket::Opening | Socket::AwaitingHandshake) {
                    // A hung attempt: give up on it and try again, allowing longer next time.
                    out.push(Action::Close);
                    self.drop_socket();
                    self.attempt_timeout_ms =
                        (self.attempt_timeout_ms * 2.0).min(MAX_ATTEMPT_TIMEOUT_MS);
                    self.attempt_failed(&mut out);
                }
            }
            Timer::Unavailable => {
                if self.state == State::Connecting {
                    self.set_state(State::Unavailable, &mut out);
                }
            }
            Timer::Activity => {
                if self.socket == Socket::Open && !self.pong_pending {
                    self.ping(self.options.pong_timeout_ms, &mut out);
                }
            }
            Timer::Pong => {
                if self.socket == Socket::Open && self.pong_pending {
                    out.push(emit_error(
                        ErrorKind::PusherError,
                        Some(4201),
                        "Pong reply not received in time".into(),
                    ));
                    out.push(Action::Close);
                    self.drop_socket();
                    self.enter_connecting(&mut out);
                    self.start_attempt(&mut out);
                }
            }
        }
        out
    }

    /// `window.online`: retry now if waiting to reconnect.
    pub fn online(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        self.retry_now(&mut out);
        out
    }

    /// `window.offline`: if connected, check at once whether we still are.
    pub fn offline(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.socket == Socket::Open && !self.pong_pending {
            self.ping(self.options.pong_timeout_ms, &mut out);
        }
        out
    }

    /// The tab became visible: background tabs miss closes and pings, so check
    /// liveness now (or reconnect now when waiting to).
    pub fn became_visible(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.socket == Socket::Open && !self.pong_pending {
            self.ping(self.options.visibility_pong_timeout_ms, &mut out);
        } else {
            self.retry_now(&mut out);
        }
        out
    }

    fn retry_now(&mut self, out: &mut Vec<Action>) {
        if self.retry_pending && matches!(self.state, State::Connecting | State::Unavailable) {
            self.retry_pending = false;
            out.push(Action::CancelTimer(Timer::Retry));
            self.start_attempt(out);
        }
    }

    fn ping(&mut self, timeout_ms: f64, out: &mut Vec<Action>) {
        self.pong_pending = true;
        out.push(Action::Send(encode("pusher:ping", &json!({}), None)));
        out.push(Action::SetTimer {
            timer: Timer::Pong,
            after_ms: timeout_ms,
        });
    }

    fn start_attempt(&mut self, out: &mut Vec<Action>) {
        self.generation += 1;
        self.socket = Socket::Opening;
        out.push(Action::Open {
            generation: self.generation,
            url: self.options.url(self.tls),
        });
        out.push(Action::SetTimer {
            timer: Timer::Attempt,
            after_ms: self.attempt_timeout_ms,
        });
    }

    fn drop_socket(&mut self) {
        self.socket = Socket::None;
        self.socket_id = None;
        self.pong_pending = false;
        // Late events of the old socket are ignored.
        self.generation += 1;
    }

    fn attempt_failed(&mut self, out: &mut Vec<Action>) {
        self.failed_attempts += 1;
        let exponent = ((self.failed_attempts - 1) / 2).min(8);
        let base = (RETRY_BASE_MS * f64::from(1u32 << exponent)).min(RETRY_CAP_MS);
        let jitter = 0.8 + 0.4 * self.rng.f64();
        self.schedule_retry(base * jitter, out);
    }

    fn schedule_retry(&mut self, delay_ms: f64, out: &mut Vec<Action>) {
        if delay_ms <= 0.0 {
            self.start_attempt(out);
            return;
        }
        self.retry_pending = true;
        out.push(Action::SetTimer {
            timer: Timer::Retry,
            after_ms: delay_ms,
        });
        out.push(Action::Emit(Event::ConnectingIn {
            seconds: (delay_ms / 1000.0).round() as u64,
        }));
    }

    /// Leaving `connected`: every channel will be resubscribed with fresh auth.
    fn enter_connecting(&mut self, out: &mut Vec<Action>) {
        self.channels.reset_all();
        self.user.id = None;
        self.user.request = None;
        if !matches!(self.state, State::Connecting | State::Unavailable) {
            self.set_state(State::Connecting, out);
            out.push(Action::SetTimer {
                timer: Timer::Unavailable,
                after_ms: self.options.unavailable_timeout_ms,
            });
        }
    }

    fn apply_close(&mut self, code: u16, reason: &str, out: &mut Vec<Action>) {
        match close_action(code) {
            CloseAction::Reconnect { delay_ms, report } => {
                if report {
                    out.push(emit_error(
                        ErrorKind::WebSocketError,
                        Some(i64::from(code)),
                        close_message(code, reason),
                    ));
                }
                self.enter_connecting(out);
                self.schedule_retry(f64::from(delay_ms), out);
            }
            CloseAction::TlsOnly => {
                self.tls = true;
                self.enter_connecting(out);
                self.start_attempt(out);
            }
            CloseAction::Refused => {
                out.push(emit_error(
                    ErrorKind::PusherError,
                    Some(i64::from(code)),
                    close_message(code, reason),
                ));
                self.channels.reset_all();
                out.push(Action::CancelTimer(Timer::Unavailable));
                out.push(Action::CancelTimer(Timer::Retry));
                self.retry_pending = false;
                self.set_state(State::Disconnected, out);
            }
        }
    }

    fn handshake(&mut self, frame: Frame, out: &mut Vec<Action>) {
        match frame.event.as_str() {
            "pusher:connection_established" => {
                let socket_id = frame
                    .data
                    .get("socket_id")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let server_timeout = frame
                    .data
                    .get("activity_timeout")
                    .and_then(Value::as_f64)
                    .filter(|t| *t > 0.0);
                let (Some(socket_id), Some(server_timeout)) = (socket_id, server_timeout) else {
                    out.push(emit_error(
                        ErrorKind::HandshakeError,
                        None,
                        "Invalid handshake (no socket id or activity timeout)".into(),
                    ));
                    out.push(Action::Close);
                    self.drop_socket();
                    self.attempt_failed(out);
                    return;
                };
                self.socket = Socket::Open;
                self.socket_id = Some(socket_id);
                self.activity_timeout_ms = self
                    .options
                    .activity_timeout_ms
                    .min(server_timeout * 1000.0);
                self.failed_attempts = 0;
                self.attempt_timeout_ms = ATTEMPT_TIMEOUT_MS;
                self.retry_pending = false;
                out.push(Action::CancelTimer(Timer::Attempt));
                out.push(Action::CancelTimer(Timer::Unavailable));
                out.push(Action::CancelTimer(Timer::Retry));
                out.push(Action::SetTimer {
                    timer: Timer::Activity,
                    after_ms: self.activity_timeout_ms,
                });
                self.set_state(State::Connected, out);
                for name in self.channels.names() {
                    self.start_subscription(&name, out);
                }
                if self.user.wanted {
                    self.request_user_auth(out);
                }
            }
            "pusher:error" => {
                let code = frame.data.get("code").and_then(Value::as_u64).unwrap_or(0) as u16;
                let message = frame
                    .data
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                out.push(Action::Close);
                self.drop_socket();
                out.push(Action::CancelTimer(Timer::Attempt));
                if (4000..5000).contains(&code) {
                    self.apply_close(code, &message, out);
                } else {
                    out.push(emit_error(ErrorKind::PusherError, None, message));
                    self.attempt_failed(out);
                }
            }
            other => {
                // pusher-js stops here; retrying serves users better.
                out.push(emit_error(
                    ErrorKind::HandshakeError,
                    None,
                    format!("Unexpected first message {other}"),
                ));
                out.push(Action::Close);
                self.drop_socket();
                self.attempt_failed(out);
            }
        }
    }

    fn set_state(&mut self, next: State, out: &mut Vec<Action>) {
        if self.state != next {
            let previous = std::mem::replace(&mut self.state, next);
            out.push(Action::Emit(Event::StateChange {
                previous,
                current: next,
            }));
        }
    }

    // ------------------------------------------------------------------ channels

    /// Adds `name` to the table and subscribes now if connected (after a reconnect, again).
    pub fn subscribe(&mut self, name: &str, _now: f64) -> Result<Vec<Action>, SubscribeError> {
        if !is_valid_name(name) {
            return Err(SubscribeError::InvalidName);
        }
        let mut out = Vec::new();
        match self.channels.get_mut(name) {
            Some(existing) if existing.cancelled => existing.cancelled = false,
            Some(_) => return Ok(out),
            None => {
                self.channels.insert(Channel::new(name));
                if self.socket == Socket::Open {
                    self.start_subscription(name, &mut out);
                }
            }
        }
        Ok(out)
    }

    /// Leaves `name`; it is not resubscribed after a reconnect.
    pub fn unsubscribe(&mut self, name: &str, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        let Some(channel) = self.channels.get_mut(name) else {
            return out;
        };
        match channel.state {
            // The server may still confirm: unsubscribe then.
            SubscriptionState::Pending { auth_request: None } if self.socket == Socket::Open => {
                channel.cancelled = true;
            }
            SubscriptionState::Subscribed if self.socket == Socket::Open => {
                out.push(Action::Send(encode(
                    "pusher:unsubscribe",
                    &json!({ "channel": name }),
                    None,
                )));
                self.channels.remove(name);
            }
            _ => {
                self.channels.remove(name);
            }
        }
        out
    }

    fn start_subscription(&mut self, name: &str, out: &mut Vec<Action>) {
        let Some(socket_id) = self.socket_id.clone() else {
            return;
        };
        let request = self.next_request + 1;
        let Some(channel) = self.channels.get_mut(name) else {
            return;
        };
        if channel.kind.needs_auth() {
            self.next_request = request;
            channel.state = SubscriptionState::Pending {
                auth_request: Some(request),
            };
            out.push(Action::Authorize {
                request,
                channel: name.to_string(),
                socket_id,
            });
        } else {
            channel.state = SubscriptionState::Pending { auth_request: None };
            let data = object(&[("auth", json!("")), ("channel", json!(name))]);
            out.push(Action::Send(encode_raw("pusher:subscribe", &data, None)));
        }
    }

    /// The authorizer's answer to `Action::Authorize { request, .. }`.
    pub fn auth_result(
        &mut self,
        request: u64,
        result: Result<AuthResponse, AuthFailure>,
        now: f64,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        let socket_open = self.socket == Socket::Open;
        let Some(channel) = self.channels.by_auth_request(request) else {
            return out;
        };
        let name = channel.name.clone();
        if channel.reauth_request == Some(request) {
            // A fresh key for an encrypted channel after a decryption failure.
            channel.reauth_request = None;
            if let Ok(response) = &result {
                channel.key = response
                    .shared_secret
                    .as_deref()
                    .and_then(crypto::parse_key);
            }
            let pending: Vec<(String, Value)> = std::mem::take(&mut channel.undecrypted);
            for (event, data) in pending {
                self.decrypt_and_emit(&name, &event, data, None, now, &mut out);
            }
            return out;
        }
        if channel.cancelled {
            self.channels.remove(&name);
            return out;
        }
        let response = match result {
            Ok(response) => response,
            Err(failure) => {
                channel.state = SubscriptionState::Failed;
                self.subscription_error(&name, failure.status, failure.message, &mut out);
                return out;
            }
        };
        let mut fields = vec![("auth", json!(response.auth))];
        match channel.kind {
            ChannelKind::Presence => {
                let Some(channel_data) = response.channel_data.clone() else {
                    channel.state = SubscriptionState::Failed;
                    self.subscription_error(
                        &name,
                        Some(200),
                        "Invalid auth response: no channel_data".into(),
                        &mut out,
                    );
                    return out;
                };
                let my_id = serde_json::from_str::<Value>(&channel_data)
                    .ok()
                    .and_then(|d| d.get("user_id").and_then(normalize_id));
                channel.members.my_id = my_id;
                fields.push(("channel_data", json!(channel_data)));
            }
            ChannelKind::Encrypted => {
                let Some(key) = response
                    .shared_secret
                    .as_deref()
                    .and_then(crypto::parse_key)
                else {
                    channel.state = SubscriptionState::Failed;
                    self.subscription_error(
                        &name,
                        Some(200),
                        "Invalid auth response: no 32-byte shared_secret".into(),
                        &mut out,
                    );
                    return out;
                };
                channel.key = Some(key);
            }
            _ => {}
        }
        if !socket_open {
            return out;
        }
        channel.state = SubscriptionState::Pending { auth_request: None };
        fields.push(("channel", json!(name)));
        out.push(Action::Send(encode_raw(
            "pusher:subscribe",
            &object(&fields),
            None,
        )));
        out
    }

    fn subscription_error(
        &mut self,
        name: &str,
        status: Option<u16>,
        message: String,
        out: &mut Vec<Action>,
    ) {
        let mut data = json!({ "type": "AuthError", "error": message });
        if let Some(status) = status {
            data["status"] = json!(status);
        }
        out.push(emit_error(
            ErrorKind::AuthError,
            status.map(i64::from),
            format!("{name}: {message}"),
        ));
        out.push(emit_message(
            Some(name),
            "pusher:subscription_error",
            data,
            None,
        ));
    }

    fn route(&mut self, frame: Frame, now: f64, out: &mut Vec<Action>) {
        let Frame {
            event,
            channel,
            data,
            user_id,
        } = frame;
        match event.as_str() {
            "pusher:ping" => out.push(Action::Send(encode("pusher:pong", &json!({}), None))),
            "pusher:pong" | "pusher:connection_established" => {}
            "pusher:error" => {
                let code = data.get("code").and_then(Value::as_i64);
                let message = data
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                out.push(emit_error(ErrorKind::PusherError, code, message));
            }
            "pusher:signin_success" => self.signed_in(&data, out),
            "pusher_internal:subscription_succeeded" => {
                if let Some(name) = channel {
                    self.subscription_succeeded(&name, data, out);
                }
            }
            "pusher_internal:subscription_count" => {
                if let Some(name) = channel {
                    let count = data.get("subscription_count").and_then(Value::as_u64);
                    if let Some(c) = self.channels.get_mut(&name) {
                        c.subscription_count = count;
                    }
                    out.push(emit_message(
                        Some(&name),
                        "pusher:subscription_count",
                        data,
                        None,
                    ));
                }
            }
            "pusher_internal:member_added" => {
                if let Some(name) = channel {
                    self.member_added(&name, data, out);
                }
            }
            "pusher_internal:member_removed" => {
                if let Some(name) = channel {
                    self.member_removed(&name, data, out);
                }
            }
            e if e.starts_with("pusher_internal:") => {}
            _ => match channel {
                Some(name) => self.channel_event(&name, &event, data, user_id, now, out),
                None => out.push(emit_message(None, &event, data, user_id)),
            },
        }
    }

    fn channel_event(
        &mut self,
        name: &str,
        event: &str,
        data: Value,
        user_id: Option<String>,
        now: f64,
        out: &mut Vec<Action>,
    ) {
        let kind = self.channels.get(name).map(|c| c.kind);
        if event == "pusher:subscription_error" {
            if let Some(c) = self.channels.get_mut(name) {
                c.state = SubscriptionState::Failed;
            }
        }
        match kind {
            Some(ChannelKind::ServerToUser) if !event.starts_with("pusher:") => {
                out.push(Action::Emit(Event::User(Message {
                    channel: None,
                    event: event.into(),
                    data,
                    user_id,
                })));
            }
            Some(ChannelKind::Encrypted) if !event.starts_with("pusher:") => {
                self.decrypt_and_emit(name, event, data, user_id, now, out);
            }
            _ => out.push(emit_message(Some(name), event, data, user_id)),
        }
    }

    fn decrypt_and_emit(
        &mut self,
        name: &str,
        event: &str,
        data: Value,
        user_id: Option<String>,
        _now: f64,
        out: &mut Vec<Action>,
    ) {
        let Some(channel) = self.channels.get_mut(name) else {
            return;
        };
        let Some(key) = channel.key else {
            // Events before the key arrives cannot be read: dropped, as in pusher-js.
            return;
        };
        match crypto::decrypt(&key, &data) {
            Ok(plain) => out.push(emit_message(Some(name), event, plain, user_id)),
            Err(crypto::DecryptError::Failed) if !channel.reauthorized => {
                // The key may have rotated: ask for a fresh one once, then retry.
                channel.reauthorized = true;
                channel.undecrypted.push((event.to_string(), data));
                if let Some(socket_id) = self.socket_id.clone() {
                    self.next_request += 1;
                    let request = self.next_request;
                    if let Some(channel) = self.channels.get_mut(name) {
                        channel.reauth_request = Some(request);
                    }
                    out.push(Action::Authorize {
                        request,
                        channel: name.to_string(),
                        socket_id,
                    });
                }
            }
            Err(e) => out.push(emit_error(
                ErrorKind::DecryptError,
                None,
                format!("{name}: could not decrypt {event} ({e:?}); dropped"),
            )),
        }
    }

    fn subscription_succeeded(&mut self, name: &str, data: Value, out: &mut Vec<Action>) {
        let Some(channel) = self.channels.get_mut(name) else {
            return;
        };
        if channel.cancelled {
            out.push(Action::Send(encode(
                "pusher:unsubscribe",
                &json!({ "channel": name }),
                None,
            )));
            self.channels.remove(name);
            return;
        }
        channel.state = SubscriptionState::Subscribed;
        let emitted = if channel.kind == ChannelKind::Presence {
            let presence = data.get("presence").cloned().unwrap_or(Value::Null);
            let hash = presence
                .get("hash")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            channel.members.members = hash.into_iter().collect();
            channel.members.count = presence
                .get("count")
                .and_then(Value::as_u64)
                .unwrap_or(channel.members.members.len() as u64);
            members_json(&channel.members)
        } else {
            data
        };
        out.push(emit_message(
            Some(name),
            "pusher:subscription_succeeded",
            emitted,
            None,
        ));
    }

    /// The members of presence channel `name` and the id a member_added/removed
    /// frame names; `None` for other channels or frames without a usable id.
    fn presence_member(&mut self, name: &str, data: &Value) -> Option<(&mut Members, String)> {
        let channel = self
            .channels
            .get_mut(name)
            .filter(|c| c.kind == ChannelKind::Presence)?;
        let id = data.get("user_id").and_then(normalize_id)?;
        Some((&mut channel.members, id))
    }

    fn member_added(&mut self, name: &str, data: Value, out: &mut Vec<Action>) {
        let Some((members, id)) = self.presence_member(name, &data) else {
            return;
        };
        let info = data.get("user_info").cloned().unwrap_or(Value::Null);
        if !members.members.contains_key(&id) {
            members.count += 1;
        }
        members.members.insert(id.clone(), info.clone());
        out.push(emit_message(
            Some(name),
            "pusher:member_added",
            json!({ "id": id, "info": info }),
            None,
        ));
    }

    fn member_removed(&mut self, name: &str, data: Value, out: &mut Vec<Action>) {
        let Some((members, id)) = self.presence_member(name, &data) else {
            return;
        };
        if let Some(info) = members.members.remove(&id) {
            members.count = members.count.saturating_sub(1);
            out.push(emit_message(
                Some(name),
                "pusher:member_removed",
                json!({ "id": id, "info": info }),
                None,
            ));
        }
    }

    // ------------------------------------------------------------------ client events

    /// Sends a client event (`client-*`, private/presence channels, ≤ 10/s).
    pub fn trigger(
        &mut self,
        channel: &str,
        event: &str,
        data: &Value,
        now: f64,
    ) -> Result<Vec<Action>, TriggerError> {
        if !event.starts_with("client-") {
            return Err(TriggerError::BadEventName);
        }
        if !ChannelKind::of(channel).allows_client_events() {
            return Err(TriggerError::NotAllowedOnChannel);
        }
        if self.channels.get(channel).is_none() {
            return Err(TriggerError::NotSubscribed);
        }
        if self.socket != Socket::Open {
            return Err(TriggerError::NotConnected);
        }
        while self
            .client_events
            .front()
            .is_some_and(|t| now - t >= 1000.0)
        {
            self.client_events.pop_front();
        }
        if self.client_events.len() >= CLIENT_EVENTS_PER_SECOND {
            return Err(TriggerError::RateLimited);
        }
        self.client_events.push_back(now);
        Ok(vec![Action::Send(encode(event, data, Some(channel)))])
    }

    // ------------------------------------------------------------------ user sign-in

    /// Signs the user in now (if connected) and after every reconnect.
    pub fn signin(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        self.user.wanted = true;
        if self.socket == Socket::Open && self.user.request.is_none() && self.user.id.is_none() {
            self.request_user_auth(&mut out);
        }
        out
    }

    fn request_user_auth(&mut self, out: &mut Vec<Action>) {
        let Some(socket_id) = self.socket_id.clone() else {
            return;
        };
        self.next_request += 1;
        self.user.request = Some(self.next_request);
        out.push(Action::AuthenticateUser {
            request: self.next_request,
            socket_id,
        });
    }

    pub fn user_auth_result(
        &mut self,
        request: u64,
        result: Result<UserAuthResponse, AuthFailure>,
        _now: f64,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        if self.user.request != Some(request) {
            return out;
        }
        self.user.request = None;
        match result {
            Ok(response) if self.socket == Socket::Open => {
                let data = object(&[
                    ("auth", json!(response.auth)),
                    ("user_data", json!(response.user_data)),
                ]);
                out.push(Action::Send(encode_raw("pusher:signin", &data, None)));
            }
            Ok(_) => {}
            Err(failure) => {
                out.push(emit_message(
                    None,
                    "pusher:signin_error",
                    json!({ "type": "AuthError", "error": failure.message, "status": failure.status }),
                    None,
                ));
            }
        }
        out
    }

    fn signed_in(&mut self, data: &Value, out: &mut Vec<Action>) {
        let user_data = match data.get("user_data") {
            Some(Value::String(s)) => serde_json::from_str::<Value>(s).unwrap_or(Value::Null),
            Some(other) => other.clone(),
            None => Value::Null,
        };
        let Some(id) = user_data
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            out.push(emit_error(
                ErrorKind::AuthError,
                None,
                "Sign-in succeeded without a string user id".into(),
            ));
            return;
        };
        self.user.id = Some(id.to_string());
        let name = format!("#server-to-user-{id}");
        self.channels.insert(Channel::new(&name));
        self.start_subscription(&name, out);
    }
}

fn emit_error(kind: ErrorKind, code: Option<i64>, message: String) -> Action {
    Action::Emit(Event::Error(PusherError {
        kind,
        code,
        message,
    }))
}

fn emit_message(
    channel: Option<&str>,
    event: &str,
    data: Value,
    user_id: Option<String>,
) -> Action {
    Action::Emit(Event::Message(Message {
        channel: channel.map(str::to_string),
        event: event.to_string(),
        data,
        user_id,
    }))
}

fn close_message(code: u16, reason: &str) -> String {
    if reason.is_empty() {
        format!("Connection closed (code {code})")
    } else {
        format!("Connection closed (code {code}): {reason}")
    }
}

/// Presence members as emitted with `pusher:subscription_succeeded`.
fn members_json(m: &Members) -> Value {
    json!({
        "count": m.count,
        "me": m.me().map(|(id, info)| json!({ "id": id, "info": info })),
        "members": m.members,
    })
}
