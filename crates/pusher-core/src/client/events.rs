//! What the client tells its transport: the connection [`State`], the [`Timer`]s to
//! arm, the [`Action`]s to carry out and the [`Event`]s to emit, and the errors of
//! its calls.

use serde_json::Value;

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
