//! A Pusher Channels protocol-7 client without I/O, with pusher-js parity.
//!
//! [`Client`] is a state machine: feed it socket events, timer expiries,
//! network/visibility signals and authorization results (each with the
//! current time); carry out the [`Action`]s it returns (open/send/close a
//! WebSocket, arm/cancel timers, call the authorizer, emit events). The
//! browser transport in the dashboard is a thin layer over this; the tests
//! drive it with scripted frames on a fake clock, and over a real socket
//! against sockudo.
//!
//! Also here: auth signatures ([`signature`]) and, with the `server` feature,
//! signing of the HTTP API (`http_api`) for publishing servers.
#![warn(missing_docs)]

pub mod bindings;
pub mod channels;
pub mod client;
pub mod crypto;
#[cfg(feature = "server")]
pub mod http_api;
pub mod options;
pub mod protocol;
pub mod signature;

pub use bindings::{BindingId, Bindings, Filter};
pub use channels::{ChannelKind, Members, SubscriptionState};
pub use client::{
    Action, AuthFailure, AuthResponse, Client, ErrorKind, Event, Message, PusherError, State,
    SubscribeError, Timer, TriggerError, UserAuthResponse,
};
pub use options::Options;
