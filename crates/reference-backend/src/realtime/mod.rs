//! Realtime: channel authorization for the dashboard's Pusher client, the
//! admin trigger endpoint, and the events this backend publishes by itself.

pub mod alerts;
pub mod publisher;

use crate::auth::{AuthUser, Role};
use crate::error::{ApiResult, AppError};
use crate::extract::{JsonBody, JsonOrForm};
use crate::metrics::sampler::Sample;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use pusher_core::signature::{channel_auth, is_valid_socket_id, presence_auth};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Administrators only: `metrics.updated` (the whole infrastructure report) and
/// `alert-new`. Nothing this backend publishes goes to a public channel, since
/// anyone holding the app key (it ships in `app-config.json`) can read those.
/// The channel policy is stated in `docs/realtime-channels.md`.
pub const ADMIN_CHANNEL: &str = "private-admin";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/pusher/auth", post(authorize))
        .route("/api/v1/pusher/trigger", post(trigger))
}

#[derive(Debug, Deserialize)]
struct AuthBody {
    #[serde(default)]
    socket_id: Option<String>,
    #[serde(default)]
    channel_name: Option<String>,
}

/// The channel of a user's own events (`task.*`), the one every dashboard subscribes.
pub fn user_channel(user_id: impl std::fmt::Display) -> String {
    format!("private-user-{user_id}")
}

/// May `user` join `channel`? `Err` holds the reason for the 403.
///
/// A non-admin may join only their own user channels; presence channels are
/// for administrators (no feature of the dashboard uses one).
pub fn may_join(user: &AuthUser, channel: &str) -> Result<(), String> {
    let own_private = [
        user_channel(user.id),
        format!("private-encrypted-user-{}", user.id),
    ];
    if own_private.iter().any(|c| c == channel) {
        return Ok(());
    }
    if user.role == Role::Admin {
        return Ok(());
    }
    Err(format!("You may not join {channel}"))
}

async fn authorize(
    State(state): State<AppState>,
    user: AuthUser,
    JsonOrForm(body): JsonOrForm<AuthBody>,
) -> ApiResult<Json<Value>> {
    let socket_id = body
        .socket_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AppError::BadRequest("socket_id is required".into()))?;
    let channel = body
        .channel_name
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::BadRequest("channel_name is required".into()))?;
    if !is_valid_socket_id(&socket_id) {
        return Err(AppError::BadRequest(
            "socket_id is not a valid socket id".into(),
        ));
    }
    if !(channel.starts_with("private-") || channel.starts_with("presence-")) {
        return Err(AppError::BadRequest(
            "Only private and presence channels need authorization".into(),
        ));
    }
    let publisher = state.publisher.as_ref().ok_or_else(|| {
        AppError::Unavailable("Realtime is not configured on this backend".into())
    })?;
    if let Err(reason) = may_join(&user, &channel) {
        tracing::info!(user = %crate::log_text::LogText(&user.username), channel = %crate::log_text::LogText(&channel), "channel authorization refused");
        return Err(AppError::Forbidden(reason));
    }
    let (key, secret) = (publisher.key(), publisher.secret());
    if channel.starts_with("presence-") {
        let channel_data = json!({
            "user_id": user.id.to_string(),
            "user_info": {"name": user.display_name, "role": user.role.as_str()},
        })
        .to_string();
        let auth = presence_auth(key, secret, &socket_id, &channel, &channel_data);
        return Ok(Json(json!({ "auth": auth, "channel_data": channel_data })));
    }
    let auth = channel_auth(key, secret, &socket_id, &channel);
    if channel.starts_with("private-encrypted-") {
        let master = state.encryption_key.ok_or_else(|| {
            AppError::Unavailable(
                "Encrypted channels are not configured (PUSHER_ENCRYPTION_MASTER_KEY)".into(),
            )
        })?;
        return Ok(Json(
            json!({ "auth": auth, "shared_secret": shared_secret(&channel, &master) }),
        ));
    }
    Ok(Json(json!({ "auth": auth })))
}

/// The per-channel key the Pusher server libraries derive: SHA-256(channel ‖ master key).
pub fn shared_secret(channel: &str, master: &[u8; 32]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(channel.as_bytes());
    hasher.update(master);
    STANDARD.encode(hasher.finalize())
}

#[derive(Debug, Deserialize)]
struct TriggerBody {
    channel: String,
    event: String,
    #[serde(default)]
    data: Value,
}

async fn trigger(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody<TriggerBody>,
) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    if !pusher_core::channels::is_valid_name(&body.channel)
        || body.event.trim().is_empty()
        || body.event.len() > 200
    {
        return Err(AppError::validation(
            "channel",
            "A valid channel and event name are required",
        ));
    }
    let publisher = state.publisher.as_ref().ok_or_else(|| {
        AppError::Unavailable("Realtime is not configured on this backend".into())
    })?;
    publisher
        .trigger(&[&body.channel], &body.event, &body.data)
        .await
        .map_err(|e| {
            AppError::Unavailable(format!("The realtime server did not accept the event: {e}"))
        })?;
    Ok(Json(json!({})))
}

/// After each metrics sample: `metrics.updated` for the admins' dashboards on
/// `private-admin` (`alert-new` is published once an alert is stored:
/// observability::alert_log).
pub fn on_sample(state: &AppState, sample: &Sample) {
    let Some(publisher) = &state.publisher else {
        return;
    };
    let report = crate::observability::report_json(state, sample);
    publisher.spawn_trigger(
        vec![ADMIN_CHANNEL.into()],
        "metrics.updated",
        json!({ "timestamp": sample.timestamp, "infrastructure": report }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, role: Role) -> AuthUser {
        AuthUser {
            id,
            username: "u".into(),
            email: "u@x".into(),
            display_name: "U".into(),
            role,
            session_id: Some("s".into()),
            provider_subject: None,
        }
    }

    #[test]
    fn acl() {
        let teacher = user(2, Role::Teacher);
        assert!(may_join(&teacher, "private-user-2").is_ok());
        assert!(may_join(&teacher, "private-encrypted-user-2").is_ok());
        for refused in [
            "presence-dashboard",
            "presence-user-2",
            "private-user-1",
            "private-user-20",
            "private-admin",
            "private-user-2x",
            "presence-admins",
            "private-encrypted-user-1",
        ] {
            assert!(may_join(&teacher, refused).is_err(), "{refused}");
        }
        let admin = user(1, Role::Admin);
        for allowed in ["private-user-2", "private-admin", "presence-anything"] {
            assert!(may_join(&admin, allowed).is_ok(), "{allowed}");
        }
    }

    #[test]
    fn shared_secrets_are_32_bytes_per_channel() {
        let master = [5u8; 32];
        let a = shared_secret("private-encrypted-a", &master);
        assert_ne!(a, shared_secret("private-encrypted-b", &master));
        assert_eq!(
            pusher_core::crypto::parse_key(&a).map(|k| k.len()),
            Some(32)
        );
    }
}
