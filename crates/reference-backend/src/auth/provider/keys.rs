//! The provider's signing keys: found through discovery
//! (`{issuer}/.well-known/openid-configuration` → `jwks_uri`), cached, and
//! fetched again when a token names a key the cache does not hold (the
//! provider rotated its keys). How often an unknown key may cause a fetch is
//! [`may_refetch`]'s decision: a stranger's made-up `kid`s must not turn the
//! backend into a load generator for the provider, and a real rotation must
//! not leave users signed out for long.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// An unknown `kid` fetches the key set again this long after the last fetch,
/// whatever the token says.
pub const REFETCH_AFTER: Duration = Duration::from_secs(10);
/// …and already this long after it when the token was issued after that fetch
/// (its key may have been published since: a provider that restarted with a
/// new key issues such tokens right away).
pub const REFETCH_FOR_NEWER_TOKEN_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// No key of the provider's set matches the token.
    Unknown,
    /// The provider could not be asked (why, for the log and the 503).
    Unreachable(String),
}

pub struct ProviderKeys {
    http: reqwest::Client,
    issuer: String,
    /// Held across a fetch: concurrent requests wait for one fetch.
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    /// The provider's keys by `kid`, parsed once per fetch (not per request).
    keys: Vec<(Option<String>, DecodingKey)>,
    fetched: Option<Fetched>,
}

/// When the cached key set was fetched.
#[derive(Debug, Clone, Copy)]
pub struct Fetched {
    pub at: Instant,
    /// The same moment in Unix seconds, to compare with a token's `iat`.
    pub unix_secs: i64,
}

/// Whether a token naming a key the cache does not hold may fetch the set again.
/// `issued_at` is the token's unverified `iat`: believing it costs at most one
/// fetch per [`REFETCH_FOR_NEWER_TOKEN_AFTER`].
pub fn may_refetch(fetched: Option<Fetched>, now: Instant, issued_at: Option<i64>) -> bool {
    let Some(fetched) = fetched else {
        return true;
    };
    let since = now.saturating_duration_since(fetched.at);
    // `iat` has whole seconds: a token of the fetch's own second counts as newer.
    let newer = issued_at.is_some_and(|iat| iat >= fetched.unix_secs);
    since >= REFETCH_AFTER || (newer && since >= REFETCH_FOR_NEWER_TOKEN_AFTER)
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

impl ProviderKeys {
    pub fn new(issuer: &str) -> anyhow::Result<ProviderKeys> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| anyhow::anyhow!("building the OpenID provider's HTTP client: {e}"))?;
        Ok(ProviderKeys {
            http,
            issuer: issuer.to_string(),
            cache: Mutex::new(Cache::default()),
        })
    }

    /// The key that verifies a token with this `kid` (a token without one is
    /// verified by the set's only key); `issued_at` is the token's `iat`.
    pub async fn key_for(
        &self,
        kid: Option<&str>,
        issued_at: Option<i64>,
    ) -> Result<DecodingKey, KeyError> {
        let mut cache = self.cache.lock().await;
        if let Some(key) = cache.find(kid) {
            return Ok(key);
        }
        if !may_refetch(cache.fetched, Instant::now(), issued_at) {
            return Err(KeyError::Unknown);
        }
        let set = self.fetch().await?;
        cache.keys = set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk).ok()?)))
            .collect();
        cache.fetched = Some(Fetched {
            at: Instant::now(),
            unix_secs: crate::time::unix_now(),
        });
        cache.find(kid).ok_or(KeyError::Unknown)
    }

    async fn fetch(&self) -> Result<JwkSet, KeyError> {
        let discovery: Discovery = self
            .get_json(&format!("{}/.well-known/openid-configuration", self.issuer))
            .await?;
        // OpenID Connect Discovery §4.3: the document must name the issuer asked.
        if discovery.issuer.trim_end_matches('/') != self.issuer {
            return Err(KeyError::Unreachable(format!(
                "the discovery document names issuer {:?}, not {:?}",
                discovery.issuer, self.issuer
            )));
        }
        self.get_json(&discovery.jwks_uri).await
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(&self, url: &str) -> Result<T, KeyError> {
        let unreachable = |why: String| KeyError::Unreachable(format!("{url}: {why}"));
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(unreachable(format!("HTTP {}", response.status())));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        serde_json::from_slice(&body)
            .map_err(|e| unreachable(format!("not the expected JSON: {e}")))
    }
}

impl Cache {
    fn find(&self, kid: Option<&str>) -> Option<DecodingKey> {
        let (_, key) = match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|(id, _)| id.as_deref() == Some(kid))?,
            None if self.keys.len() == 1 => self.keys.first()?,
            None => return None,
        };
        Some(key.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(at: Instant) -> Option<Fetched> {
        Some(Fetched {
            at,
            unix_secs: 1_000,
        })
    }

    #[test]
    fn the_first_unknown_key_always_fetches() {
        assert!(may_refetch(None, Instant::now(), None));
    }

    #[test]
    fn made_up_keys_fetch_at_most_once_per_interval() {
        let at = Instant::now();
        assert!(!may_refetch(fetched(at), at + Duration::from_secs(9), None));
        assert!(
            !may_refetch(fetched(at), at + Duration::from_secs(9), Some(999)),
            "an older token"
        );
        assert!(may_refetch(fetched(at), at + REFETCH_AFTER, None));
    }

    #[test]
    fn a_token_issued_after_the_fetch_fetches_again_soon() {
        let at = Instant::now();
        // A rotation right after the last fetch: the new key is looked up within a second.
        assert!(may_refetch(
            fetched(at),
            at + Duration::from_secs(1),
            Some(1_001)
        ));
        assert!(
            may_refetch(fetched(at), at + Duration::from_secs(1), Some(1_000)),
            "the same second"
        );
        // Even so, not more than once per second.
        assert!(!may_refetch(
            fetched(at),
            at + Duration::from_millis(500),
            Some(1_001)
        ));
    }
}
