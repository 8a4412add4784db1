//! The two requests of a sign-in, shared by the app's session service and the
//! standalone sign-in page (`crate::signin`), which has no session service.

use crate::browser::time::now_ms;
use crate::services::api::{ApiClient, ApiError};
use dashboard_core::auth::{Grant, User};
use serde_json::Value;

pub(crate) const LOGIN_PATH: &str = "/api/v1/auth/login";
pub(crate) const PROFILE_PATH: &str = "/api/v1/users/me/profile";

/// Signs in with `body` (`dashboard_core::signin::login_body`): the grant, and
/// who it is for (from the answer, or else from the profile).
pub(crate) async fn request_grant(
    api: &ApiClient,
    body: &Value,
) -> Result<(Grant, User), ApiError> {
    let answer: Value = api.post(LOGIN_PATH).anonymous().json(body).send().await?;
    let grant = Grant::from_json(&answer, now_ms())?;
    let user = match grant.user.clone() {
        Some(user) => user,
        None => fetch_user(api, &grant.access_token).await?,
    };
    Ok((grant, user))
}

/// The profile of the user `token` belongs to.
pub(crate) async fn fetch_user(api: &ApiClient, token: &str) -> Result<User, ApiError> {
    let profile: Value = api.get(PROFILE_PATH).with_token(token).send().await?;
    User::from_json(&profile, None).ok_or_else(|| ApiError::Decode {
        detail: "the profile has no id".into(),
    })
}
