//! The session as localStorage holds it.

use super::REFRESH_AT_FRACTION;
use crate::auth::{Grant, User};
use crate::oidc::ProviderEndpoints;
use serde::{Deserialize, Serialize};

/// The session as written to localStorage (and read by every tab).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    /// The bearer token.
    pub access_token: String,
    /// The token that buys the next grant, if the backend gave one.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// When the access token was issued (ms since the epoch).
    pub issued_at_ms: f64,
    /// When it expires (ms since the epoch).
    pub expires_at_ms: f64,
    /// Whom it belongs to.
    pub user: User,
    /// Set when the session came from hosted sign-in: where it is refreshed and ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderSession>,
}

/// A hosted sign-in's provider, as the session needs it after the round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSession {
    /// The dashboard's client id there.
    pub client_id: String,
    /// Its token, revocation and end-session endpoints.
    pub endpoints: ProviderEndpoints,
    /// The latest ID token: the hint for signing out at the provider.
    #[serde(default)]
    pub id_token: Option<String>,
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

    /// The JSON written to storage.
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub(super) fn from_grant(grant: Grant, user: User) -> StoredSession {
        StoredSession {
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
            issued_at_ms: grant.issued_at_ms,
            expires_at_ms: grant.expires_at_ms,
            user,
            provider: None,
        }
    }

    /// Issued after `other`: of two sessions, the one to keep (a tab may write
    /// back tokens it read before another tab rotated them).
    pub(crate) fn is_newer_than(&self, other: &StoredSession) -> bool {
        self.issued_at_ms > other.issued_at_ms
    }

    /// When the proactive refresh is due.
    pub(crate) fn refresh_at_ms(&self) -> f64 {
        self.issued_at_ms + REFRESH_AT_FRACTION * (self.expires_at_ms - self.issued_at_ms)
    }
}
