//! Accounts and tokens as the dashboard sees them, parsed leniently from every
//! documented backend variant (docs/contracts/variants.md, Auth): the canonical login response, the
//! real ToolBoxAI one (no refresh token; refresh answers without `user`), ids as
//! numbers or strings, camelCase or snake_case names.

use crate::api::{undecodable, ApiError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The lifetime assumed when neither the JWT nor the response says (the backend default).
pub const DEFAULT_TOKEN_LIFETIME_MS: f64 = 30.0 * 60.0 * 1000.0;

/// A user's role, as the backends spell it (any case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Role {
    /// Sees everything, including `/observability`.
    Admin,
    /// A teacher: the chat.
    Teacher,
    /// A student: the chat.
    Student,
    /// A parent: the chat.
    Parent,
    /// A role this dashboard does not know: treated with the least privileges.
    Other(String),
}

impl From<String> for Role {
    fn from(s: String) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Role::Admin,
            "teacher" => Role::Teacher,
            "student" => Role::Student,
            "parent" => Role::Parent,
            _ => Role::Other(s),
        }
    }
}

impl From<Role> for String {
    fn from(r: Role) -> Self {
        r.as_str().to_string()
    }
}

impl Role {
    /// The role's canonical (lower-case) name.
    pub fn as_str(&self) -> &str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Student => "student",
            Role::Parent => "parent",
            Role::Other(s) => s,
        }
    }

    /// The name shown in the UI, capitalised ("Admin").
    pub fn label(&self) -> String {
        match self.as_str() {
            "" => "Unknown".into(),
            name => crate::format::capitalized(name),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The pages whose access depends on the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `/observability`: admins only.
    Observability,
    /// `/chat`: every signed-in user.
    Chat,
    /// `/dashboard` (the React dashboard's home, kept for its bookmarks): every signed-in user.
    Dashboard,
}

impl Area {
    /// Whether a user with `role` may open this area.
    pub fn allows(self, role: &Role) -> bool {
        match self {
            Area::Observability => *role == Role::Admin,
            Area::Chat | Area::Dashboard => true,
        }
    }

    /// The area's route.
    pub fn path(self) -> &'static str {
        match self {
            Area::Observability => "/observability",
            Area::Chat => "/chat",
            Area::Dashboard => "/dashboard",
        }
    }

    /// The area's name in navigation and headings.
    pub fn title(self) -> &'static str {
        match self {
            Area::Observability => "Observability",
            Area::Chat => "Chat",
            Area::Dashboard => "Dashboard",
        }
    }
}

/// Where a user lands after signing in without a return target.
pub fn landing_path(role: &Role) -> &'static str {
    match role {
        Role::Admin => Area::Observability.path(),
        _ => Area::Chat.path(),
    }
}

/// The signed-in user, as every profile and sign-in variant is read into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Opaque: numbers from ToolBoxAI, UUID-like strings elsewhere.
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// The e-mail address (may be empty when a backend does not send one).
    pub email: String,
    /// The name shown in the header; falls back to the username.
    pub display_name: String,
    /// What the user may see.
    pub role: Role,
}

impl User {
    /// Parses a user or profile object (`id` number or string; `displayName`,
    /// `display_name` or `name`; role from the object or `fallback_role`).
    pub fn from_json(value: &Value, fallback_role: Option<&str>) -> Option<User> {
        let obj = value.as_object()?;
        let id = match obj.get("id")? {
            Value::Number(n) => n.to_string(),
            Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
            _ => return None,
        };
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| obj.get(*k).and_then(Value::as_str))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let email = text(&["email"]).unwrap_or_default();
        let username = text(&["username", "sub"]).unwrap_or_else(|| email.clone());
        let display_name =
            text(&["displayName", "display_name", "name"]).unwrap_or_else(|| username.clone());
        let role = text(&["role"])
            .or_else(|| fallback_role.map(str::to_string))
            .unwrap_or_else(|| "student".into());
        Some(User {
            id,
            username,
            email,
            display_name,
            role: Role::from(role),
        })
    }
}

/// What a successful login or refresh grants.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The bearer token for API calls.
    pub access_token: String,
    /// The token that buys the next grant; `None` when the backend gives none.
    pub refresh_token: Option<String>,
    /// When the access token was issued (browser clock, ms since the epoch).
    pub issued_at_ms: f64,
    /// When the access token expires (browser clock, ms since the epoch).
    pub expires_at_ms: f64,
    /// Absent in the real backend's refresh answer: keep the known user.
    pub user: Option<User>,
    /// An OpenID provider's ID token (hosted sign-in), kept as the hint for
    /// signing out there.
    pub id_token: Option<String>,
}

/// The claims we read (unverified: the server verifies, we only schedule).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct TokenClaims {
    /// Expiry, seconds since the epoch.
    #[serde(default)]
    exp: Option<f64>,
    /// Issue time, seconds since the epoch.
    #[serde(default)]
    iat: Option<f64>,
    /// The subject (user id).
    #[serde(default)]
    sub: Option<String>,
    /// The role claim, when the token carries one.
    #[serde(default)]
    role: Option<String>,
}

/// The claims of a JWT's payload; `None` for anything that is not one.
fn decode_claims(token: &str) -> Option<TokenClaims> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

impl Grant {
    /// Parses a login/refresh/register answer (already unwrapped from any envelope).
    pub fn from_json(body: &Value, now_ms: f64) -> Result<Grant, ApiError> {
        let obj = body
            .as_object()
            .ok_or_else(|| undecodable("the sign-in answer is not an object"))?;
        let token_field = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| obj.get(*k).and_then(Value::as_str))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let access_token = token_field(&["access_token", "accessToken", "token"])
            .ok_or_else(|| undecodable("the sign-in answer has no access token"))?;
        let refresh_token =
            token_field(&["refresh_token", "refreshToken"]).filter(|r| *r != access_token);
        let claims = decode_claims(&access_token).unwrap_or_default();
        let expires_in_ms = obj
            .get("expires_in")
            .or_else(|| obj.get("expiresIn"))
            .and_then(Value::as_f64)
            .filter(|s| *s > 0.0)
            .map(|s| s * 1000.0);
        // Lifetime from the token's own claims when it has them, so clock skew
        // between client and server does not matter.
        let lifetime_ms = match (claims.exp, claims.iat) {
            (Some(exp), Some(iat)) if exp > iat => (exp - iat) * 1000.0,
            _ => expires_in_ms.unwrap_or(DEFAULT_TOKEN_LIFETIME_MS),
        };
        let fallback_role = obj
            .get("role")
            .and_then(Value::as_str)
            .or(claims.role.as_deref());
        let user = obj
            .get("user")
            .and_then(|u| User::from_json(u, fallback_role));
        Ok(Grant {
            access_token,
            refresh_token,
            issued_at_ms: now_ms,
            expires_at_ms: now_ms + lifetime_ms,
            user,
            id_token: token_field(&["id_token"]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(payload: Value) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }

    #[test]
    fn canonical_login_answer() {
        let token = jwt(json!({"sub":"admin","role":"admin","iat":1000,"exp":1600}));
        let body = json!({"access_token": token, "refresh_token": "r1", "token_type": "bearer",
            "expires_in": 1800, "role": "admin",
            "user": {"id": 1, "username": "admin", "email": "a@x.io", "displayName": "Administrator", "role": "admin"}});
        let g = Grant::from_json(&body, 10_000.0).unwrap();
        assert_eq!(g.refresh_token.as_deref(), Some("r1"));
        // 600 s from the claims win over expires_in.
        assert_eq!(g.expires_at_ms, 10_000.0 + 600_000.0);
        let user = g.user.unwrap();
        assert_eq!(user.id, "1");
        assert_eq!(user.display_name, "Administrator");
        assert_eq!(user.role, Role::Admin);
    }

    #[test]
    fn real_toolboxai_refresh_answer_has_no_user_nor_refresh_token() {
        let body = json!({"access_token": "opaque", "token_type": "bearer", "expires_in": 60, "role": "teacher"});
        let g = Grant::from_json(&body, 0.0).unwrap();
        assert_eq!(g.refresh_token, None);
        assert_eq!(g.user, None);
        assert_eq!(g.expires_at_ms, 60_000.0);
    }

    #[test]
    fn the_access_token_stored_as_refresh_token_is_ignored() {
        // The React client stored the access token in place of a refresh token.
        let body = json!({"access_token": "same", "refresh_token": "same"});
        assert_eq!(Grant::from_json(&body, 0.0).unwrap().refresh_token, None);
    }

    #[test]
    fn missing_lifetime_falls_back_to_the_default() {
        let g = Grant::from_json(&json!({"accessToken": "x"}), 0.0).unwrap();
        assert_eq!(g.expires_at_ms, DEFAULT_TOKEN_LIFETIME_MS);
    }

    #[test]
    fn answers_without_a_token_are_errors() {
        for bad in [
            json!(null),
            json!([]),
            json!({}),
            json!({"access_token": ""}),
            json!({"access_token": 5}),
        ] {
            assert!(Grant::from_json(&bad, 0.0).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_variants() {
        let u = User::from_json(
            &json!({"id": "u-7", "name": "Sam", "email": "s@x.io"}),
            Some("parent"),
        )
        .unwrap();
        assert_eq!(
            (u.id.as_str(), u.username.as_str(), u.display_name.as_str()),
            ("u-7", "s@x.io", "Sam")
        );
        assert_eq!(u.role, Role::Parent);
        let u = User::from_json(
            &json!({"id": 3, "username": "t", "display_name": "T", "role": "Teacher"}),
            None,
        )
        .unwrap();
        assert_eq!(u.role, Role::Teacher);
        assert_eq!(User::from_json(&json!({"username": "x"}), None), None);
        assert_eq!(User::from_json(&json!({"id": null}), None), None);
        assert_eq!(User::from_json(&json!("x"), None), None);
    }

    #[test]
    fn unknown_roles_get_least_privilege() {
        let r = Role::from("superuser".to_string());
        assert!(!Area::Observability.allows(&r));
        assert!(Area::Chat.allows(&r));
        assert_eq!(landing_path(&r), "/chat");
        assert_eq!(landing_path(&Role::Admin), "/observability");
        assert!(Area::Observability.allows(&Role::Admin));
        assert!(!Area::Observability.allows(&Role::Teacher));
    }

    #[test]
    fn claims_decode_tolerates_garbage() {
        assert_eq!(decode_claims("nope"), None);
        assert_eq!(decode_claims("a.!!!.c"), None);
        assert_eq!(
            decode_claims(&jwt(json!({"exp": 5}))).unwrap().exp,
            Some(5.0)
        );
    }
}
