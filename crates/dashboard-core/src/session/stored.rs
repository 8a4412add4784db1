//! The session as localStorage holds it.

use super::REFRESH_AT_FRACTION;
use crate::auth::{Grant, User};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    pub issued_at_ms: f64,
    pub expires_at_ms: f64,
    pub user: User,
}

impl StoredSession {
    /// Parses stored text; anything malformed is `None` (and will be cleared).
    pub fn parse(text: &str) -> Option<StoredSession> {
        let s: StoredSession = serde_json::from_str(text).ok()?;
        let sane = !s.access_token.trim().is_empty()
            && s.issued_at_ms.is_finite()
            && s.expires_at_ms.is_finite()
            && s.expires_at_ms > s.issued_at_ms;
        sane.then_some(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub(super) fn from_grant(grant: Grant, user: User) -> StoredSession {
        StoredSession {
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
            issued_at_ms: grant.issued_at_ms,
            expires_at_ms: grant.expires_at_ms,
            user,
        }
    }

    /// When the proactive refresh is due.
    pub fn refresh_at_ms(&self) -> f64 {
        self.issued_at_ms + REFRESH_AT_FRACTION * (self.expires_at_ms - self.issued_at_ms)
    }
}
