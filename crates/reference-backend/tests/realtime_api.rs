//! `/api/v1/pusher/auth` and `/api/v1/pusher/trigger`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pusher_core::signature::{channel_auth, presence_auth};
use serde_json::{json, Value};
use support::{Backend, ADMIN};

const SOCKET: &str = "1234.5678";

async fn realtime_backend() -> Backend {
    Backend::start_with(|s| {
        // Nothing listens here: publishing fails, authorization needs no server.
        s.pusher_url = Some("http://127.0.0.1:9".into());
        s.pusher_encryption_master_key =
            Some("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=".into());
    })
    .await
}

async fn teacher_id(b: &Backend, token: &str) -> i64 {
    b.get("/api/v1/users/me/profile", Some(token)).await.body["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_user_may_join_their_own_private_channel_with_a_valid_signature() {
    let b = realtime_backend().await;
    let token = b.teacher_token().await;
    let channel = format!("private-user-{}", teacher_id(&b, &token).await);
    let reply = b
        .post(
            "/api/v1/pusher/auth",
            Some(&token),
            json!({"socket_id": SOCKET, "channel_name": channel}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.body["auth"],
        channel_auth("app-key", "app-secret", SOCKET, &channel)
    );
}

#[tokio::test]
async fn form_encoded_requests_are_accepted() {
    let b = realtime_backend().await;
    let token = b.teacher_token().await;
    let channel = format!("private-user-{}", teacher_id(&b, &token).await);
    let request = Request::post("/api/v1/pusher/auth")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "socket_id={SOCKET}&channel_name={channel}"
        )))
        .unwrap();
    let reply = support::send(&b.router, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

#[tokio::test]
async fn other_users_and_admin_channels_are_forbidden_to_non_admins() {
    let b = realtime_backend().await;
    let token = b.teacher_token().await;
    let me = teacher_id(&b, &token).await;
    for channel in [
        format!("private-user-{}", me + 100),
        "private-admin".into(),
        format!("private-user-{me}0"),
        // No feature uses presence: members lists are not for everyone.
        "presence-dashboard".into(),
        format!("presence-user-{me}"),
    ] {
        let reply = b
            .post(
                "/api/v1/pusher/auth",
                Some(&token),
                json!({"socket_id": SOCKET, "channel_name": channel}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{channel}");
        assert!(reply.body["detail"].as_str().unwrap().contains(&channel));
    }
    let admin = b.admin_token().await;
    let reply = b
        .post(
            "/api/v1/pusher/auth",
            Some(&admin),
            json!({"socket_id": SOCKET, "channel_name": format!("private-user-{me}")}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = b
        .post(
            "/api/v1/pusher/auth",
            Some(&admin),
            json!({"socket_id": SOCKET, "channel_name": "private-admin"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn presence_carries_signed_channel_data() {
    let b = realtime_backend().await;
    let token = b.admin_token().await;
    let reply = b
        .post(
            "/api/v1/pusher/auth",
            Some(&token),
            json!({"socket_id": SOCKET, "channel_name": "presence-dashboard"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let channel_data = reply.body["channel_data"].as_str().unwrap();
    let parsed: Value = serde_json::from_str(channel_data).unwrap();
    assert!(parsed["user_id"].is_string());
    assert_eq!(
        parsed["user_info"],
        json!({"name": "Administrator", "role": "admin"})
    );
    assert_eq!(
        reply.body["auth"],
        presence_auth(
            "app-key",
            "app-secret",
            SOCKET,
            "presence-dashboard",
            channel_data
        )
    );
}

#[tokio::test]
async fn encrypted_channels_get_a_shared_secret() {
    let b = realtime_backend().await;
    let token = b.teacher_token().await;
    let channel = format!("private-encrypted-user-{}", teacher_id(&b, &token).await);
    let reply = b
        .post(
            "/api/v1/pusher/auth",
            Some(&token),
            json!({"socket_id": SOCKET, "channel_name": channel}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let secret = reply.body["shared_secret"].as_str().unwrap();
    assert!(pusher_core::crypto::parse_key(secret).is_some());
}

#[tokio::test]
async fn bad_requests() {
    let b = realtime_backend().await;
    let token = b.admin_token().await;
    assert_eq!(
        b.post(
            "/api/v1/pusher/auth",
            None,
            json!({"socket_id": SOCKET, "channel_name": "private-admin"})
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    for body in [
        json!({"channel_name": "private-admin"}),
        json!({"socket_id": SOCKET}),
        json!({"socket_id": "abc", "channel_name": "private-admin"}),
        json!({"socket_id": SOCKET, "channel_name": "public-channel"}),
    ] {
        assert_eq!(
            b.post("/api/v1/pusher/auth", Some(&token), body.clone())
                .await
                .status,
            StatusCode::BAD_REQUEST,
            "{body}"
        );
    }
}

#[tokio::test]
async fn without_a_pusher_server_realtime_is_unavailable() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let reply = b
        .post(
            "/api/v1/pusher/auth",
            Some(&token),
            json!({"socket_id": SOCKET, "channel_name": "private-admin"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn trigger_is_for_administrators_and_reports_an_unreachable_server() {
    let b = realtime_backend().await;
    let teacher = b.teacher_token().await;
    let body =
        json!({"channel": "private-admin", "event": "alert-new", "data": {"level": "warning"}});
    assert_eq!(
        b.post("/api/v1/pusher/trigger", Some(&teacher), body.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let admin = b.login(ADMIN.0, ADMIN.1).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = b.post("/api/v1/pusher/trigger", Some(&admin), body).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body["detail"]
        .as_str()
        .unwrap()
        .contains("realtime server"));
    let bad = b
        .post(
            "/api/v1/pusher/trigger",
            Some(&admin),
            json!({"channel": "bad channel", "event": "x"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
