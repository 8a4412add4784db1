//! What the client tells its transport: the connection [`State`], the [`Timer`]s to
//! arm, the [`Action`]s to carry out and the [`Event`]s to emit, and the errors of
//! its calls.

use serde_json::Value;

/// The connection's state, as pusher-js names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Created, never connected.
    Initialized,
    /// Opening a socket or waiting for the handshake.
    Connecting,
    /// Handshake done: a socket id is known and channels can subscribe.
    Connected,
    /// Connecting for too long (or offline): retries go on.
    Unavailable,
    /// Disconnected on purpose.
    Disconnected,
    /// Refused for good (for example a 4001–4099 close code: wrong app key).
    Failed,
}

impl State {
    /// The pusher-js name (`"connected"`, …).
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

/// The timers the transport arms and cancels for the client.
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

/// Something for the transport to carry out.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Open a WebSocket to `url`; tag its events with `generation`.
    Open {
        /// Tags this socket's events: answers from an older socket are ignored.
        generation: u64,
        /// `ws(s)://host:port/app/{key}?protocol=7&…`.
        url: String,
    },
    /// Send a text frame on the current socket.
    Send(String),
    /// Close the current socket (no code: browsers only allow a few).
    Close,
    /// Arm `timer` (replacing one already armed); answer with `Client::timer_fired`.
    SetTimer {
        /// Which timer.
        timer: Timer,
        /// When, from now.
        after_ms: f64,
    },
    /// Disarm a timer.
    CancelTimer(Timer),
    /// Ask the channel authorizer; answer with [`Client::auth_result`](super::Client::auth_result).
    Authorize {
        /// Names this request in the answer.
        request: u64,
        /// The channel to authorize.
        channel: String,
        /// The socket the signature is for.
        socket_id: String,
    },
    /// Ask the user authenticator; answer with [`Client::user_auth_result`](super::Client::user_auth_result).
    AuthenticateUser {
        /// Names this request in the answer.
        request: u64,
        /// The socket the signature is for.
        socket_id: String,
    },
    /// Tell the application.
    Emit(Event),
}

/// What the application hears from the client.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The connection's state changed.
    StateChange {
        /// Before.
        previous: State,
        /// Now.
        current: State,
    },
    /// A reconnection is scheduled in this many seconds.
    ConnectingIn {
        /// Whole seconds until the next attempt.
        seconds: u64,
    },
    /// Something went wrong (the connection goes on unless the state says otherwise).
    Error(PusherError),
    /// A channel or connection event (everything apps bind to).
    Message(Message),
    /// An event sent to the signed-in user (`#server-to-user-{id}`).
    User(Message),
}

/// An event as applications bind to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The channel it came on (`None` for connection events).
    pub channel: Option<String>,
    /// Its name.
    pub event: String,
    /// Its data: parsed JSON when the wire carried JSON, else the string.
    pub data: Value,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
}

/// Where an error came from (pusher-js's error types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `pusher:error` from the server.
    PusherError,
    /// The socket failed or closed with an error code.
    WebSocketError,
    /// A frame that is not a Pusher message.
    MessageParseError,
    /// The handshake did not complete.
    HandshakeError,
    /// Channel or user authorization failed.
    AuthError,
    /// An encrypted event could not be decrypted.
    DecryptError,
}

/// An error, with the server's code when it gave one.
#[derive(Debug, Clone, PartialEq)]
pub struct PusherError {
    /// Where it came from.
    pub kind: ErrorKind,
    /// The server's or the close code.
    pub code: Option<i64>,
    /// In words.
    pub message: String,
}

/// A successful channel authorization.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthResponse {
    /// `key:signature`.
    pub auth: String,
    /// Presence: the member data the signature covers.
    pub channel_data: Option<String>,
    /// Encrypted channels: the channel key, base64.
    pub shared_secret: Option<String>,
}

/// A failed channel or user authorization (`status`: the HTTP status, if any).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthFailure {
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// In words.
    pub message: String,
}

/// A successful user authentication (`pusher:signin`).
#[derive(Debug, Clone, PartialEq)]
pub struct UserAuthResponse {
    /// `key:signature`.
    pub auth: String,
    /// The JSON user data the signature covers (it must hold a string `id`).
    pub user_data: String,
}

/// Why a subscription was refused at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscribeError {
    /// Not a valid channel name (1–164 of `[A-Za-z0-9_-=@,.;]`).
    InvalidName,
}

/// Why a client event was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerError {
    /// Client event names must start with `client-`.
    BadEventName,
    /// Only private and presence channels carry client events.
    NotAllowedOnChannel,
    /// The channel is not subscribed.
    NotSubscribed,
    /// No connection.
    NotConnected,
    /// More than 10 per second.
    RateLimited,
}
