//! `/api/v1/auth/*` and `/api/v1/users/me/profile` (docs/contracts/api.md, Auth).

use super::extract::{bearer_token, AuthUser};
use super::store::{self, NewUser, RefreshOutcome, Role, User};
use super::throttle::{AccountKey, ClientKey, Locked};
use super::{passwords, tokens};
use crate::error::{ApiResult, AppError, FieldError};
use crate::extract::{ClientIp, JsonBody};
use crate::log_text::LogText;
use crate::state::AppState;
use crate::time::{now_iso, unix_now};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::time::Instant;

const WRONG_CREDENTIALS: &str = "Incorrect username or password";

#[derive(Debug, Deserialize)]
pub struct LoginBody {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TokenResponse {
    access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    token_type: &'static str,
    expires_in: u64,
    role: Role,
    user: UserSummary,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UserSummary {
    id: i64,
    username: String,
    email: String,
    display_name: String,
    role: Role,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    id: i64,
    username: String,
    email: String,
    role: Role,
    display_name: String,
    avatar_url: Option<String>,
    created_at: String,
    last_login: Option<String>,
    is_active: bool,
    /// The OpenID provider's subject of a user who signs in there.
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_subject: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody<LoginBody>,
) -> ApiResult<Json<TokenResponse>> {
    let password = body.password.filter(|p| !p.is_empty());
    let (login, by_email) = match (
        body.email.as_deref().map(str::trim),
        body.username.as_deref().map(str::trim),
    ) {
        (Some(email), _) if !email.is_empty() => (email.to_string(), true),
        (_, Some(name)) if !name.is_empty() => (name.to_string(), false),
        _ => (String::new(), false),
    };
    let mut missing = Vec::new();
    if login.is_empty() {
        missing.push(FieldError::body("username", "Enter your email or username"));
    }
    let Some(password) = password else {
        missing.push(FieldError::body("password", "Enter your password"));
        return Err(AppError::Validation(missing));
    };
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }

    let lookup = login.clone();
    let user = state
        .db
        .call(move |conn| {
            Ok(if by_email {
                store::find_by_email(conn, &lookup)?
            } else {
                store::find_by_username(conn, &lookup)?
            })
        })
        .await?;
    // Every alias of an account (username, email) counts against the account.
    let account = match &user {
        Some(user) => AccountKey::User(user.id),
        None => state.throttle.unknown_account(&login),
    };
    let client = ClientKey::of(ip);
    let attempt = state
        .throttle
        .begin(account, client, Instant::now())
        .map_err(too_many_attempts)?;
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let dummy = state.dummy_hash.clone();
    // Verify even for unknown accounts so timing does not reveal which exist.
    let verified = state
        .hash_gate
        .run(move || {
            let hash = stored_hash.as_deref().unwrap_or(dummy.as_str());
            passwords::verify(&password, hash)
        })
        .await;
    let ok = match verified {
        Ok(ok) => ok,
        Err(busy) => {
            attempt.cancel();
            return Err(busy);
        }
    };

    let user = match user {
        Some(user) if ok && user.is_active => user,
        _ => {
            if let Some(locked) = attempt.failed(Instant::now()) {
                tracing::warn!(login = %LogText(&login), %ip, "sign-in locked after repeated failures");
                return Err(too_many_attempts(locked));
            }
            return Err(AppError::Unauthorized(WRONG_CREDENTIALS.into()));
        }
    };
    attempt.succeeded(Instant::now());

    let session_id = uuid::Uuid::new_v4().to_string();
    let (uid, sid) = (user.id, session_id.clone());
    state
        .db
        .call(move |conn| {
            let now = now_iso();
            store::create_session(conn, &sid, uid, &now)?;
            store::touch_last_login(conn, uid, &now)?;
            Ok(())
        })
        .await?;
    tracing::info!(user = %LogText(&user.username), "signed in");
    Ok(Json(issue_tokens(&state, &user, &session_id).await?))
}

fn too_many_attempts(locked: Locked) -> AppError {
    let wait = locked.secs();
    AppError::TooManyRequests {
        detail: format!("Too many failed sign-in attempts. Try again in {wait} seconds."),
        retry_after_secs: wait,
    }
}

async fn issue_tokens(state: &AppState, user: &User, session_id: &str) -> ApiResult<TokenResponse> {
    let now = unix_now();
    let ttl = state.settings.access_token_ttl_secs;
    let claims = tokens::Claims {
        sub: user.username.clone(),
        user_id: user.id,
        role: user.role.as_str().to_string(),
        exp: now + ttl as i64,
        iat: now,
        jti: uuid::Uuid::new_v4().to_string(),
        sid: session_id.to_string(),
    };
    let access_token = state.jwt.issue(&claims)?;
    let refresh_token = if state.settings.issue_refresh_tokens {
        let token = tokens::random_token()?;
        let hash = tokens::hash_refresh_token(&token);
        let sid = session_id.to_string();
        let expires = now + state.settings.refresh_token_ttl_secs as i64;
        state
            .db
            .call(move |conn| Ok(store::store_refresh_token(conn, &hash, &sid, now, expires)?))
            .await?;
        Some(token)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "bearer",
        expires_in: ttl,
        role: user.role,
        user: UserSummary {
            id: user.id,
            username: user.username.clone(),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
        },
    })
}

#[derive(Debug, Deserialize)]
pub struct RefreshBody {
    #[serde(default)]
    refresh_token: Option<String>,
}

pub async fn refresh(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> ApiResult<Json<TokenResponse>> {
    let token = body
        .refresh_token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| AppError::validation("refresh_token", "field required"))?;
    let hash = tokens::hash_refresh_token(token.trim());
    let outcome = state
        .db
        .call(move |conn| {
            Ok(store::spend_refresh_token(
                conn,
                &hash,
                unix_now(),
                &now_iso(),
            )?)
        })
        .await?;
    let (session_id, user_id) = match outcome {
        RefreshOutcome::Rotated {
            session_id,
            user_id,
        } => (session_id, user_id),
        RefreshOutcome::Reused { session_id } => {
            tracing::warn!(session = %session_id, "refresh token reuse: session revoked");
            return Err(AppError::Unauthorized(
                "This refresh token was already used; the session has been revoked. Please sign in again.".into(),
            ));
        }
        RefreshOutcome::Unknown | RefreshOutcome::Expired | RefreshOutcome::Revoked => {
            return Err(AppError::Unauthorized(
                "Invalid or expired refresh token".into(),
            ));
        }
    };
    let user = state
        .db
        .call(move |conn| Ok(store::find_by_id(conn, user_id)?))
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(|| AppError::Unauthorized("Invalid or expired refresh token".into()))?;
    Ok(Json(issue_tokens(&state, &user, &session_id).await?))
}

/// Ends the session named by the Bearer token and/or the refresh token in the body.
pub async fn logout(State(state): State<AppState>, request: Request) -> ApiResult<Json<Value>> {
    let (mut parts, body) = request.into_parts();
    let from_bearer = match bearer_token(&parts) {
        Some(_) => AuthUser::from_request_parts(&mut parts, &state)
            .await
            .ok()
            .and_then(|u| u.session_id),
        None => None,
    };
    let bytes: Bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| AppError::BadRequest("The request body is too large".into()))?;
    let refresh_token = serde_json::from_slice::<RefreshBody>(&bytes)
        .ok()
        .and_then(|b| b.refresh_token)
        .filter(|t| !t.trim().is_empty());
    let from_refresh = match refresh_token {
        Some(token) => {
            let hash = tokens::hash_refresh_token(token.trim());
            state
                .db
                .call(move |conn| Ok(store::refresh_token_session(conn, &hash)?))
                .await?
        }
        None => None,
    };
    let sessions: Vec<String> = from_bearer.into_iter().chain(from_refresh).collect();
    if sessions.is_empty() {
        return Err(AppError::Unauthorized("Not authenticated".into()));
    }
    state
        .db
        .call(move |conn| {
            let now = now_iso();
            for sid in sessions {
                store::revoke_session(conn, &sid, "logout", &now)?;
            }
            Ok(())
        })
        .await?;
    Ok(Json(json!({ "message": "Successfully logged out" })))
}

pub async fn profile(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Profile>> {
    let id = user.id;
    let provider_subject = user.provider_subject;
    let user = state
        .db
        .call(move |conn| Ok(store::find_by_id(conn, id)?))
        .await?
        .ok_or_else(|| AppError::NotFound("User not found".into()))?;
    Ok(Json(Profile {
        id: user.id,
        username: user.username,
        email: user.email,
        role: user.role,
        display_name: user.display_name,
        avatar_url: None,
        created_at: user.created_at,
        last_login: user.last_login,
        is_active: user.is_active,
        provider_subject,
    }))
}

#[derive(Debug, Deserialize)]
pub struct RegisterBody {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

/// Self-service accounts (docs/contracts/api.md, Auth); administrators cannot be created here.
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody<RegisterBody>,
) -> ApiResult<(StatusCode, Json<TokenResponse>)> {
    let username = body.username.unwrap_or_default().trim().to_string();
    let email = body.email.unwrap_or_default().trim().to_string();
    let password = body.password.unwrap_or_default();
    let mut errors = Vec::new();
    let valid_name = (3..=32).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !valid_name {
        errors.push(FieldError::body(
            "username",
            "3 to 32 letters, digits, '.', '_' or '-'",
        ));
    }
    let valid_email = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !email.contains(char::is_whitespace);
    if !valid_email {
        errors.push(FieldError::body("email", "Enter a valid email address"));
    }
    if password.chars().count() < 8 {
        errors.push(FieldError::body("password", "At least 8 characters"));
    }
    let role = match body.role.as_deref().map(str::trim) {
        None | Some("") => Role::Student,
        Some(r) => match Role::parse(r) {
            Some(Role::Admin) => {
                return Err(AppError::Forbidden(
                    "Administrator accounts cannot be self-registered".into(),
                ))
            }
            Some(role) => role,
            None => {
                errors.push(FieldError::body("role", "One of teacher, student, parent"));
                Role::Student
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let display_name = [body.first_name, body.last_name]
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = if display_name.is_empty() {
        username.clone()
    } else {
        display_name
    };
    if let Err(wait) = state.registrations.admit(ClientKey::of(ip), Instant::now()) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return Err(AppError::TooManyRequests {
            detail: format!(
                "Too many accounts were registered from your network. Try again in {minutes} minutes."
            ),
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let hash = state
        .hash_gate
        .run(move || passwords::hash(&password))
        .await??;
    let (u, e, d) = (username.clone(), email.clone(), display_name.clone());
    let session_id = uuid::Uuid::new_v4().to_string();
    let sid = session_id.clone();
    let user = state
        .db
        .call(move |conn| {
            let now = now_iso();
            let new = NewUser {
                username: &u,
                email: &e,
                display_name: &d,
                role,
                password_hash: &hash,
            };
            let Some(id) = store::insert_user(conn, &new, &now)? else {
                return Ok(None);
            };
            store::create_session(conn, &sid, id, &now)?;
            store::touch_last_login(conn, id, &now)?;
            Ok(store::find_by_id(conn, id)?)
        })
        .await?
        .ok_or_else(|| AppError::Conflict("That username or email is already registered".into()))?;
    tracing::info!(user = %LogText(&user.username), role = user.role.as_str(), "registered");
    Ok((
        StatusCode::CREATED,
        Json(issue_tokens(&state, &user, &session_id).await?),
    ))
}
