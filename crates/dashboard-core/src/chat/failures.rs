//! Why a message did not go through, in words, and what to offer.

use crate::api::ApiError;

/// The time a chat answer may take (an LLM behind it can be slow).
pub const SEND_TIMEOUT_MS: u32 = 60_000;

/// Why a message did not go through, and whether to offer a new conversation
/// (the conversation is gone). The message itself always stays, with Retry.
pub fn send_failure(err: &ApiError, online: bool) -> (String, bool) {
    match err {
        ApiError::Network if !online => (
            "You're offline. Your message is kept: retry when you're back online.".into(),
            false,
        ),
        ApiError::Network => (
            "Cannot reach the server. Your message is kept: retry in a moment.".into(),
            false,
        ),
        ApiError::Timeout { .. } => (
            "The assistant did not answer within 60 s. Your message is kept: try again.".into(),
            false,
        ),
        ApiError::Decode { .. } => (
            "The assistant's answer could not be read. Try again.".into(),
            false,
        ),
        ApiError::Http { status: 401, .. } => (
            "Your session has ended. Sign in again: this message will wait here.".into(),
            false,
        ),
        ApiError::Http { status: 403, .. } => {
            ("You can't post in this conversation.".into(), false)
        }
        ApiError::Http { status: 404, .. } => ("This conversation no longer exists.".into(), true),
        ApiError::Http { status: 429, .. } => (err.user_message(), false),
        ApiError::Http { status, .. } if *status >= 500 => (
            format!("The assistant hit an error (HTTP {status}). Your message is kept: try again."),
            false,
        ),
        other => (other.user_message(), false),
    }
}
