//! Talking to the backends: the HTTP client and the shared context accessor.

mod client;

pub use client::{ApiClient, ApiRequest, Authenticator, Method, DEFAULT_TIMEOUT_MS};
pub use dashboard_core::api::ApiError;

/// The ToolBoxAI API client provided by the app shell.
pub fn use_api() -> ApiClient {
    crate::context::expect_local::<ApiClient>()
}
