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
//!
//! The state machine is split along pusher-js's seams: `connection` (lifecycle,
//! handshake, close codes, retries), `subscriptions` (channels, authorization,
//! routing, encrypted channels), `presence` (members), `client_events` (sending
//! `client-*` events and their rate limit) and `user` (user sign-in). Their
//! timers and internals stay inside this module; callers see [`Client`]'s methods.

mod client_events;
mod connection;
mod events;
mod presence;
mod subscriptions;
mod user;

pub use events::{
    Action, AuthFailure, AuthResponse, ErrorKind, Event, Message, PusherError, State,
    SubscribeError, Timer, TriggerError, UserAuthResponse,
};

use crate::channels::{
    is_valid_name, normalize_id, Channel, ChannelKind, Channels, KindState, Members,
    SubscriptionState,
};
use crate::crypto;
use crate::options::Options;
use crate::protocol::{decode, encode, encode_raw, object, Frame};
use serde_json::{json, Value};
use std::collections::VecDeque;

/// First connection-attempt timeout; doubles per timeout up to [`MAX_ATTEMPT_TIMEOUT_MS`].
pub const ATTEMPT_TIMEOUT_MS: f64 = 15_000.0;
/// The longest a connection attempt may take.
pub const MAX_ATTEMPT_TIMEOUT_MS: f64 = 60_000.0;
/// Retry delay after a failed attempt: 1, 1, 2, 2, 4, 4, 8, 8, 15… s (±20 % jitter).
pub const RETRY_BASE_MS: f64 = 1_000.0;
/// The longest delay between two attempts.
pub const RETRY_CAP_MS: f64 = 15_000.0;
/// Client events allowed per second (a server closes with 4301 above it).
pub const CLIENT_EVENTS_PER_SECOND: usize = 10;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Socket {
    None,
    Opening,
    AwaitingHandshake,
    Open,
}

#[derive(Debug, Clone, Default)]
struct UserState {
    wanted: bool,
    request: Option<u64>,
    id: Option<String>,
}

/// The Pusher client: a state machine driven by the transport (see the crate docs).
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

    /// The connection state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The socket id the server gave, while connected.
    pub fn socket_id(&self) -> Option<&str> {
        self.socket_id.as_deref()
    }

    /// A channel of the table, read-only.
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

    /// The members of presence channel `name`.
    pub fn members(&self, name: &str) -> Option<&Members> {
        self.channels.get(name).map(Channel::members)
    }

    /// The signed-in user's id, after `pusher:signin` succeeded.
    pub fn user_id(&self) -> Option<&str> {
        self.user.id.as_deref()
    }

    /// The effective activity timeout (min of ours and the server's).
    pub fn activity_timeout_ms(&self) -> f64 {
        self.activity_timeout_ms
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
