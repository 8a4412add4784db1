//! `AuthUser`: the signed-in caller, from `Authorization: Bearer <jwt>`.
//! The backend's own token must verify, be unexpired, and its session must
//! still be open; an OpenID provider's token must pass `provider::verify`.

use super::provider::{accounts, ProviderAuth, ProviderTokenError};
use super::store::{self, Role};
use super::tokens::TokenError;
use crate::error::AppError;
use crate::state::AppState;
use crate::time::now_iso;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The backend's own session; `None` for a provider's token.
    pub session_id: Option<String>,
    /// The OpenID provider's subject, for a provider's token.
    pub provider_subject: Option<String>,
}

impl AuthUser {
    fn of(
        user: store::User,
        session_id: Option<String>,
        provider_subject: Option<String>,
    ) -> AuthUser {
        AuthUser {
            id: user.id,
            username: user.username,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            session_id,
            provider_subject,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden("Administrator role required".into()))
        }
    }
}

/// The raw Bearer token of a request, if it has one.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts)
            .ok_or_else(|| AppError::Unauthorized("Not authenticated".into()))?;
        if ProviderAuth::claims_token(token) {
            return provider_user(state, token).await;
        }
        let claims = state.jwt.verify(token).map_err(|e| match e {
            TokenError::Expired => AppError::Unauthorized("Token has expired".into()),
            TokenError::Invalid => AppError::Unauthorized("Invalid token".into()),
        })?;
        let sid = claims.sid.clone();
        let user = state
            .db
            .call(move |conn| Ok(store::session_user(conn, &sid)?))
            .await?
            .filter(|u| u.id == claims.user_id)
            .ok_or_else(|| {
                AppError::Unauthorized("Your session has ended. Please sign in again.".into())
            })?;
        Ok(AuthUser::of(user, Some(claims.sid), None))
    }
}

/// The caller of an OpenID provider's access token, their record created on first sight.
async fn provider_user(state: &AppState, token: &str) -> Result<AuthUser, AppError> {
    let provider = state
        .provider
        .as_ref()
        .ok_or_else(|| AppError::Unauthorized("Invalid token".into()))?;
    let identity = provider.verify(token).await.map_err(|e| match e {
        ProviderTokenError::Expired => AppError::Unauthorized("Token has expired".into()),
        ProviderTokenError::Invalid => AppError::Unauthorized("Invalid token".into()),
        ProviderTokenError::Unavailable(why) => {
            tracing::warn!(%why, "cannot fetch the OpenID provider's keys");
            AppError::Unavailable(
                "The sign-in provider cannot be reached to check your token. Try again shortly."
                    .into(),
            )
        }
    })?;
    let subject = identity.subject.clone();
    let user = state
        .db
        .call(move |conn| Ok(accounts::user_for(conn, &identity, &now_iso())?))
        .await?;
    if !user.is_active {
        return Err(AppError::Unauthorized("This account is disabled.".into()));
    }
    Ok(AuthUser::of(user, None, Some(subject)))
}
