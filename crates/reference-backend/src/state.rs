//! Everything a request handler may need.

use crate::auth::passwords::HashGate;
use crate::auth::provider::ProviderAuth;
use crate::auth::register_limit::RegistrationLimit;
use crate::auth::throttle::{LoginThrottle, Policy};
use crate::auth::tokens::JwtKeys;
use crate::db::Db;
use crate::metrics::MetricsStore;
use crate::observability::thresholds::Thresholds;
use crate::realtime::alerts::AlertTracker;
use crate::realtime::publisher::Publisher;
use crate::settings::Settings;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub jwt: Arc<JwtKeys>,
    /// Verifies an OpenID provider's access tokens, when one is configured.
    pub provider: Option<Arc<ProviderAuth>>,
    pub throttle: Arc<LoginThrottle>,
    pub registrations: Arc<RegistrationLimit>,
    pub hash_gate: HashGate,
    pub metrics: Arc<MetricsStore>,
    pub thresholds: Thresholds,
    /// `None` when no Pusher server is configured (realtime off).
    pub publisher: Option<Publisher>,
    pub alerts: Arc<AlertTracker>,
    /// Master key for `private-encrypted-*` channels.
    pub encryption_key: Option<[u8; 32]>,
    pub started: Instant,
    /// A valid hash checked against when an account does not exist (timing).
    pub dummy_hash: Arc<String>,
}

impl AppState {
    pub fn new(settings: Settings, db: Db, jwt_secret: &[u8]) -> anyhow::Result<Self> {
        let throttle = LoginThrottle::new(Policy::new(
            settings.login_max_failures,
            Duration::from_secs(settings.login_lockout_secs),
        ));
        // By default one core stays free for everything else (requests, SQLite).
        let hashers = match settings.password_hash_concurrency {
            0 => {
                std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
            }
            n => n,
        };
        Ok(AppState {
            jwt: Arc::new(JwtKeys::new(jwt_secret)),
            provider: ProviderAuth::from_settings(&settings)?.map(Arc::new),
            throttle: Arc::new(throttle),
            registrations: Arc::new(RegistrationLimit::new(
                settings.registrations_per_hour,
                Duration::from_secs(3600),
            )),
            hash_gate: HashGate::new(
                hashers,
                Duration::from_millis(settings.password_hash_wait_ms),
            ),
            metrics: MetricsStore::new()?,
            thresholds: settings.thresholds(),
            publisher: match &settings.pusher_url {
                Some(url) => Some(Publisher::new(
                    url,
                    &settings.pusher_app_id,
                    &settings.pusher_app_key,
                    &settings.pusher_app_secret,
                )?),
                None => None,
            },
            alerts: Arc::new(AlertTracker::default()),
            encryption_key: match &settings.pusher_encryption_master_key {
                Some(b64) => Some(pusher_core::crypto::parse_key(b64).ok_or_else(|| {
                    anyhow::anyhow!("PUSHER_ENCRYPTION_MASTER_KEY must be 32 bytes in base64")
                })?),
                None => None,
            },
            started: Instant::now(),
            dummy_hash: Arc::new(crate::auth::passwords::hash("not-a-real-password")?),
            settings: Arc::new(settings),
            db,
        })
    }
}
