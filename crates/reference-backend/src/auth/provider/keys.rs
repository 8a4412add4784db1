//! The provider's signing keys: found through discovery
//! (`{issuer}/.well-known/openid-configuration` → `jwks_uri`), cached, and
//! fetched again when a token names a key the cache does not hold (the
//! provider rotated its keys), at most once per [`REFETCH_AFTER`].

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// An unknown `kid` fetches the key set again only this long after the last fetch.
pub const REFETCH_AFTER: Duration = Duration::from_secs(10);

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
    fetched: Option<Instant>,
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
    /// verified by the set's only key).
    pub async fn key_for(&self, kid: Option<&str>) -> Result<DecodingKey, KeyError> {
        let mut cache = self.cache.lock().await;
        if let Some(key) = cache.find(kid) {
            return Ok(key);
        }
        if cache.fetched.is_some_and(|at| at.elapsed() < REFETCH_AFTER) {
            return Err(KeyError::Unknown);
        }
        let set = self.fetch().await?;
        cache.keys = set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk).ok()?)))
            .collect();
        cache.fetched = Some(Instant::now());
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
