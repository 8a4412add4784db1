//! `OwnUser`: the signed-in caller, when the `{user_id}` of the path is theirs.
//! Every Todo route takes it instead of checking the path in each handler.

use crate::auth::AuthUser;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

/// The caller's user id, which the path names too.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnUser {
    pub(crate) id: i64,
}

impl FromRequestParts<AppState> for OwnUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound("Not Found".into()))?;
        let named = params
            .iter()
            .find(|(name, _)| *name == "user_id")
            .map(|(_, value)| value.trim().parse::<i64>());
        match named {
            Some(Ok(id)) if id == user.id => Ok(OwnUser { id }),
            _ => Err(AppError::Forbidden(
                "User ID in path does not match the signed-in user".into(),
            )),
        }
    }
}
