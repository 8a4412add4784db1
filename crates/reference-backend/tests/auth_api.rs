//! The auth endpoints of the canonical API, end to end through the router.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

mod support;

use axum::http::{Method, StatusCode};
use reference_backend::auth::tokens::Claims;
use serde_json::json;
use support::{Backend, ADMIN, TEACHER};

#[tokio::test]
async fn login_by_username_returns_the_canonical_shape() {
    let b = Backend::start().await;
    let body = b.login(ADMIN.0, ADMIN.1).await;
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["role"], "admin");
    assert_eq!(body["expires_in"], 600);
    assert!(body["access_token"].as_str().unwrap().split('.').count() == 3);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 32);
    assert_eq!(body["user"]["username"], "admin");
    assert_eq!(body["user"]["email"], "admin@toolboxai.local");
    assert_eq!(body["user"]["displayName"], "Administrator");
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"]["id"].is_number());
}

#[tokio::test]
async fn login_by_email_works_case_insensitively() {
    let b = Backend::start().await;
    let reply = b
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "Teacher@ToolBoxAI.local", "password": TEACHER.1}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["role"], "teacher");
}

#[tokio::test]
async fn the_access_token_carries_the_toolboxai_claims() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let claims: Claims = b.state.jwt.verify(&token).unwrap();
    assert_eq!(claims.sub, "admin");
    assert_eq!(claims.role, "admin");
    assert_eq!(claims.exp - claims.iat, 600);
    assert!(!claims.jti.is_empty());
}

#[tokio::test]
async fn wrong_credentials_are_401_with_the_documented_detail() {
    let b = Backend::start().await;
    for body in [
        json!({"username": "admin", "password": "nope-nope"}),
        json!({"username": "ghost", "password": "whatever1"}),
        json!({"email": "ghost@x.io", "password": "whatever1"}),
    ] {
        let reply = b.post("/api/v1/auth/login", None, body).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            reply.body,
            json!({"detail": "Incorrect username or password"})
        );
        assert_eq!(reply.headers["www-authenticate"], "Bearer");
    }
}

#[tokio::test]
async fn missing_fields_are_a_422_list() {
    let b = Backend::start().await;
    let reply = b.post("/api/v1/auth/login", None, json!({})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = reply.body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["loc"][1].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["username", "password"]);

    let reply = b
        .request(Method::POST, "/api/v1/auth/login", None, None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body["detail"][0]["msg"]
        .as_str()
        .unwrap()
        .contains("JSON"));
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let b = Backend::start().await;
    let wrong = json!({"username": "teacher", "password": "wrong-password"});
    for _ in 0..2 {
        assert_eq!(
            b.post("/api/v1/auth/login", None, wrong.clone())
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    let third = b.post("/api/v1/auth/login", None, wrong.clone()).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(third.headers["retry-after"], "60");
    // Locked even with the right password now…
    let right = b
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "TEACHER", "password": TEACHER.1}),
        )
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.body["detail"]
        .as_str()
        .unwrap()
        .contains("Try again in"));
    // …but only that account.
    b.login(ADMIN.0, ADMIN.1).await;
}

#[tokio::test]
async fn the_lockout_holds_for_every_alias_but_not_for_other_clients() {
    let b = Backend::start().await;
    let attacker = [203, 0, 113, 7];
    let owner = [198, 51, 100, 20];
    let login = "/api/v1/auth/login";
    for _ in 0..3 {
        let r = b
            .post_from(
                attacker,
                login,
                json!({"username": "teacher", "password": "guess-1234"}),
            )
            .await;
        assert_ne!(r.status, StatusCode::OK);
    }
    // The same account under its email is the same account: still locked.
    let alias = b
        .post_from(
            attacker,
            login,
            json!({"email": "teacher@toolboxai.local", "password": TEACHER.1}),
        )
        .await;
    assert_eq!(
        alias.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        alias.text
    );
    // The owner, elsewhere, is not locked out by the attacker.
    let owned = b
        .post_from(
            owner,
            login,
            json!({"username": TEACHER.0, "password": TEACHER.1}),
        )
        .await;
    assert_eq!(owned.status, StatusCode::OK, "{}", owned.text);
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_told_apart_by_the_address_it_forwards() {
    let b = Backend::start_with(|s| s.trusted_proxy_hops = 1).await;
    let proxy = [10, 0, 0, 1];
    let login = "/api/v1/auth/login";
    let guess = json!({"username": "teacher", "password": "guess-1234"});
    for _ in 0..5 {
        // The attacker forges an entry; the proxy appends the address it saw.
        b.post_via(
            proxy,
            Some("198.51.100.20, 203.0.113.7"),
            login,
            guess.clone(),
        )
        .await;
    }
    let locked = b
        .post_via(
            proxy,
            Some("203.0.113.7"),
            login,
            json!({"username": TEACHER.0, "password": TEACHER.1}),
        )
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        locked.text
    );
    // The owner, whose address the attacker wrote in the header, is another client.
    let owner = b
        .post_via(
            proxy,
            Some("198.51.100.20"),
            login,
            json!({"username": TEACHER.0, "password": TEACHER.1}),
        )
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);
}

#[tokio::test]
async fn registration_is_limited_per_client() {
    let b = Backend::start_with(|s| s.registrations_per_hour = 2).await;
    let register = |n: u32| json!({"username": format!("newuser{n}"), "email": format!("new{n}@example.com"), "password": "a-long-password"});
    let client = [192, 0, 2, 1];
    for n in 0..2 {
        let r = b
            .post_from(client, "/api/v1/auth/register", register(n))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let third = b
        .post_from(client, "/api/v1/auth/register", register(2))
        .await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers.contains_key("retry-after"));
    assert!(third.body["detail"]
        .as_str()
        .unwrap()
        .contains("Try again in"));
    let elsewhere = b
        .post_from([192, 0, 2, 2], "/api/v1/auth/register", register(3))
        .await;
    assert_eq!(elsewhere.status, StatusCode::CREATED);
}

#[tokio::test]
async fn api_answers_are_never_stored_and_bodies_are_bounded() {
    let b = Backend::start().await;
    let ok = b
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": ADMIN.0, "password": ADMIN.1}),
        )
        .await;
    let refused = b.get("/api/v1/users/me/profile", None).await;
    let missing = b.get("/api/v1/nothing-here", None).await;
    for reply in [&ok, &refused, &missing] {
        assert_eq!(
            reply.headers["cache-control"], "no-store",
            "{}",
            reply.status
        );
    }
    let huge = json!({"username": "x", "password": "y".repeat(100_000)});
    let reply = b.post("/api/v1/auth/login", None, huge).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn profile_needs_a_valid_token() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let reply = b.get("/api/v1/users/me/profile", Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    for key in [
        "id",
        "username",
        "email",
        "role",
        "displayName",
        "avatarUrl",
        "createdAt",
        "lastLogin",
        "isActive",
    ] {
        assert!(
            reply.body.get(key).is_some(),
            "profile lacks {key}: {}",
            reply.text
        );
    }
    assert_eq!(reply.body["isActive"], true);
    assert!(reply.body["lastLogin"].is_string());

    let none = b.get("/api/v1/users/me/profile", None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.headers["www-authenticate"], "Bearer");
    let bad = b.get("/api/v1/users/me/profile", Some("not.a.jwt")).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.body["detail"], "Invalid token");
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let mut claims = b.state.jwt.verify(&token).unwrap();
    claims.exp = claims.iat - 1;
    let expired = b.state.jwt.issue(&claims).unwrap();
    let reply = b.get("/api/v1/users/me/profile", Some(&expired)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["detail"], "Token has expired");
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_session() {
    let b = Backend::start().await;
    let first = b.login(ADMIN.0, ADMIN.1).await;
    let r1 = first["refresh_token"].as_str().unwrap();

    let second = b
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": r1}))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let r2 = second.body["refresh_token"].as_str().unwrap().to_string();
    let a2 = second.body["access_token"].as_str().unwrap().to_string();
    assert_ne!(r2, r1);
    assert_eq!(second.body["user"]["username"], "admin");
    assert_eq!(
        b.get("/api/v1/users/me/profile", Some(&a2)).await.status,
        StatusCode::OK
    );

    // The spent token again: reuse. The whole session ends, new tokens included.
    let reuse = b
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": r1}))
        .await;
    assert_eq!(reuse.status, StatusCode::UNAUTHORIZED);
    assert!(reuse.body["detail"].as_str().unwrap().contains("revoked"));
    assert_eq!(
        b.get("/api/v1/users/me/profile", Some(&a2)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let after = b
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": r2}))
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);

    // Other sessions are untouched.
    b.login(ADMIN.0, ADMIN.1).await;
}

#[tokio::test]
async fn refresh_rejects_unknown_and_missing_tokens() {
    let b = Backend::start().await;
    let unknown = b
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": "nope"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let missing = b.post("/api/v1/auth/refresh", None, json!({})).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let b = Backend::start().await;
    let login = b.login(TEACHER.0, TEACHER.1).await;
    let access = login["access_token"].as_str().unwrap();
    let refresh = login["refresh_token"].as_str().unwrap();
    let reply = b
        .post(
            "/api/v1/auth/logout",
            Some(access),
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({"message": "Successfully logged out"}));
    assert_eq!(
        b.get("/api/v1/users/me/profile", Some(access)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let refreshed = b
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);
    // Without any credential there is nothing to end.
    let anonymous = b
        .request(Method::POST, "/api/v1/auth/logout", None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_with_only_a_refresh_token_works() {
    let b = Backend::start().await;
    let login = b.login(ADMIN.0, ADMIN.1).await;
    let reply = b
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let access = login["access_token"].as_str().unwrap();
    assert_eq!(
        b.get("/api/v1/users/me/profile", Some(access)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn register_creates_non_admin_accounts_only() {
    let b = Backend::start().await;
    let body = json!({"username": "sam", "email": "sam@example.com", "password": "sam-pass-123",
                      "first_name": "Sam", "last_name": "Lee"});
    let reply = b.post("/api/v1/auth/register", None, body.clone()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["role"], "student");
    assert_eq!(reply.body["user"]["displayName"], "Sam Lee");
    b.login("sam", "sam-pass-123").await;

    assert_eq!(
        b.post("/api/v1/auth/register", None, body).await.status,
        StatusCode::CONFLICT
    );
    let admin = json!({"username": "mallory", "email": "m@example.com", "password": "mallory-123", "role": "admin"});
    assert_eq!(
        b.post("/api/v1/auth/register", None, admin).await.status,
        StatusCode::FORBIDDEN
    );
    let bad = json!({"username": "x", "email": "nope", "password": "short"});
    let reply = b.post("/api/v1/auth/register", None, bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["detail"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn sessions_survive_a_backend_restart() {
    // Same data dir and generated secret: an issued token stays valid.
    let dir = tempfile::tempdir().unwrap();
    let first = reference_backend::prepare(support::settings(dir.path()))
        .await
        .unwrap();
    let router = reference_backend::app(first.clone(), None);
    let login = support::send(
        &router,
        axum::http::Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                json!({"username": ADMIN.0, "password": ADMIN.1}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    let token = login.body["access_token"].as_str().unwrap().to_string();
    drop(router);
    drop(first);
    let second = reference_backend::prepare(support::settings(dir.path()))
        .await
        .unwrap();
    let router = reference_backend::app(second, None);
    let reply = support::send(
        &router,
        axum::http::Request::get("/api/v1/users/me/profile")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn without_refresh_tokens_the_answer_has_none() {
    let b = Backend::start_with(|s| s.issue_refresh_tokens = false).await;
    let body = b.login(ADMIN.0, ADMIN.1).await;
    assert!(body.get("refresh_token").is_none(), "{body}");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        b.get("/api/v1/users/me/profile", Some(token)).await.status,
        StatusCode::OK
    );
}
