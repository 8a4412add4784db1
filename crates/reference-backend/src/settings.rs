//! Command line and environment. Every setting has a flag and an env var; the
//! env names are the ones the run script and the E2E harness document.

use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "reference-backend",
    about = "ToolBoxAI reference backend: the canonical API, and dist/ served by applying vercel.json"
)]
pub struct Settings {
    /// Address to bind.
    #[arg(long, env = "BIND_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to serve the site and the API on.
    #[arg(long, env = "DASHBOARD_PORT", default_value_t = 8080)]
    pub port: u16,

    /// The built dashboard (trunk's dist/). Without it only the API is served.
    #[arg(long, env = "DIST_DIR")]
    pub dist: Option<PathBuf>,

    /// The deployment rules applied to dist/: the route list Vercel derives from
    /// vercel.json, as `node tools/vercel-routes.mjs vercel.json --out FILE` writes it.
    #[arg(long, env = "VERCEL_ROUTES", default_value = "vercel-routes.json")]
    pub vercel_routes: PathBuf,

    /// Served as /app-config.json instead of the file in dist/ (per-environment settings).
    #[arg(long, env = "APP_CONFIG")]
    pub app_config: Option<PathBuf>,

    /// Sources added to vercel.json's CSP `connect-src` when serving locally
    /// (the local Pusher server, e.g. `ws://127.0.0.1:6001`, is no production host).
    #[arg(long, env = "CSP_EXTRA_CONNECT_SRC")]
    pub csp_extra_connect_src: Option<String>,

    /// SQLite database and other state.
    #[arg(long, env = "DATA_DIR", default_value = ".data")]
    pub data_dir: PathBuf,

    /// Seeded administrator, as user:password.
    #[arg(long, env = "SEED_ADMIN", default_value = "admin:admin-pass-123")]
    pub seed_admin: Credentials,

    /// Seeded non-admin (role teacher), as user:password.
    #[arg(long, env = "SEED_USER", default_value = "teacher:teacher-pass-123")]
    pub seed_user: Credentials,

    /// Lifetime of access tokens.
    #[arg(long, env = "ACCESS_TOKEN_TTL_SECS", default_value_t = 1800)]
    pub access_token_ttl_secs: u64,

    /// Lifetime of refresh tokens.
    #[arg(long, env = "REFRESH_TOKEN_TTL_SECS", default_value_t = 7 * 24 * 3600)]
    pub refresh_token_ttl_secs: u64,

    /// Issue refresh tokens at sign-in (false emulates the real ToolBoxAI
    /// backend, which issues none: clients must sign in again on expiry).
    #[arg(long, env = "ISSUE_REFRESH_TOKENS", default_value_t = true, action = clap::ArgAction::Set)]
    pub issue_refresh_tokens: bool,

    /// HS256 secret; generated once and kept in DATA_DIR when not given.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Failed sign-ins for one account from one client before that pair is
    /// locked (the client's limit over all accounts is 6×, the account's over
    /// all clients it never signed in from is 20×; see auth/throttle.rs).
    #[arg(long, env = "LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,

    /// Proxies in front of this server that each append the address they saw to
    /// `X-Forwarded-For` (a load balancer, Vercel's rewrite of `/api`). 0: the TCP
    /// peer is the client. N: the client is the address N places left of the peer
    /// in that chain. Set it only when the server cannot be reached around them:
    /// a client that reaches it directly can write the header itself.
    #[arg(long, env = "TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: u8,

    /// How long the first lock lasts; each further one doubles, up to an hour.
    #[arg(long, env = "LOGIN_LOCKOUT_SECS", default_value_t = 60)]
    pub login_lockout_secs: u64,

    /// Password hashes computed at once (0: one per CPU core but one); beyond them a
    /// sign-in waits up to PASSWORD_HASH_WAIT_MS, then gets 503 + Retry-After.
    #[arg(long, env = "PASSWORD_HASH_CONCURRENCY", default_value_t = 0)]
    pub password_hash_concurrency: usize,

    #[arg(long, env = "PASSWORD_HASH_WAIT_MS", default_value_t = 2000)]
    pub password_hash_wait_ms: u64,

    /// New accounts one client may register per hour.
    #[arg(long, env = "REGISTRATIONS_PER_HOUR", default_value_t = 20)]
    pub registrations_per_hour: u32,

    /// CPU % above which the health check warns.
    #[arg(long, env = "HEALTH_CPU_WARNING", default_value_t = 70.0)]
    pub health_cpu_warning: f64,
    #[arg(long, env = "HEALTH_CPU_CRITICAL", default_value_t = 90.0)]
    pub health_cpu_critical: f64,
    #[arg(long, env = "HEALTH_MEMORY_WARNING", default_value_t = 75.0)]
    pub health_memory_warning: f64,
    #[arg(long, env = "HEALTH_MEMORY_CRITICAL", default_value_t = 90.0)]
    pub health_memory_critical: f64,
    #[arg(long, env = "HEALTH_DISK_WARNING", default_value_t = 80.0)]
    pub health_disk_warning: f64,
    #[arg(long, env = "HEALTH_DISK_CRITICAL", default_value_t = 95.0)]
    pub health_disk_critical: f64,

    /// Seconds between metric samples.
    #[arg(long, env = "METRICS_INTERVAL_SECS", default_value_t = 5.0)]
    pub metrics_interval_secs: f64,

    /// For demonstrations and performance runs: at start-up, fill this many
    /// hours (at most 25) of the stored metric history with made-up samples at
    /// the sampler interval, where no sample is stored yet. 0 (the default)
    /// stores only what the sampler really measured.
    #[arg(long, env = "BACKFILL_HISTORY_HOURS", default_value_t = 0.0)]
    pub backfill_history_hours: f64,

    /// Pusher HTTP API base of the realtime server (e.g. http://127.0.0.1:6001).
    #[arg(long, env = "PUSHER_URL")]
    pub pusher_url: Option<String>,

    #[arg(long, env = "PUSHER_APP_ID", default_value = "app-id")]
    pub pusher_app_id: String,

    #[arg(long, env = "PUSHER_APP_KEY", default_value = "app-key")]
    pub pusher_app_key: String,

    #[arg(
        long,
        env = "PUSHER_APP_SECRET",
        default_value = "app-secret",
        hide_env_values = true
    )]
    pub pusher_app_secret: String,

    /// Master key for end-to-end encrypted channels (base64 of 32 bytes).
    #[arg(long, env = "PUSHER_ENCRYPTION_MASTER_KEY", hide_env_values = true)]
    pub pusher_encryption_master_key: Option<String>,

    /// Log lines as JSON (one object per line) instead of text.
    #[arg(long, env = "LOG_JSON", default_value_t = false)]
    pub log_json: bool,

    /// An OpenID provider whose access tokens (JWTs) are accepted besides the
    /// backend's own, e.g. `https://clerk.example.com`; its keys come from
    /// `{issuer}/.well-known/openid-configuration`. Unset: password sign-in only.
    #[arg(long, env = "OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,

    /// The `aud` the provider's access tokens must carry (the API's identifier).
    /// Empty for providers whose access tokens carry none (Clerk): then
    /// OIDC_CLIENT_IDS must name the clients whose tokens are accepted.
    #[arg(long, env = "OIDC_AUDIENCE", default_value = "urn:toolboxai:api")]
    pub oidc_audience: String,

    /// Client ids (comma-separated) a token's `client_id` or `azp` must name;
    /// empty: any client of the provider whose token has the audience.
    #[arg(long, env = "OIDC_CLIENT_IDS", default_value = "")]
    pub oidc_client_ids: String,

    /// Accepted signature algorithms of provider tokens, comma-separated.
    #[arg(long, env = "OIDC_ALGORITHMS", default_value = "RS256")]
    pub oidc_algorithms: String,

    /// The claim that carries the user's roles: a top-level name (also a
    /// namespaced URL, as Auth0 uses) or a dotted path (`realm_access.roles`
    /// for Keycloak, `metadata.role` for a Clerk session-token claim).
    #[arg(long, env = "OIDC_ROLE_CLAIM", default_value = "roles")]
    pub oidc_role_claim: String,

    /// Provider role values → dashboard roles, e.g. `Dashboard.Admin=admin,staff=teacher`.
    /// The dashboard's own names (admin, teacher, student, parent) map to themselves.
    #[arg(long, env = "OIDC_ROLE_MAP", default_value = "")]
    pub oidc_role_map: String,

    /// The role of a provider user whose token carries no known role.
    #[arg(long, env = "OIDC_DEFAULT_ROLE", default_value = "student")]
    pub oidc_default_role: String,
}

const DEFAULT_PUSHER_SECRET: &str = "app-secret";
const DEFAULT_ADMIN_PASSWORD: &str = "admin-pass-123";
const DEFAULT_USER_PASSWORD: &str = "teacher-pass-123";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl FromStr for Credentials {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (user, password) = s
            .split_once(':')
            .ok_or_else(|| "expected user:password".to_string())?;
        let user = user.trim();
        if user.is_empty() || user.contains(['@', ' ', '/']) {
            return Err("the user name must be non-empty, without '@', '/' or spaces".into());
        }
        if password.len() < 8 {
            return Err("the password must have at least 8 characters".into());
        }
        Ok(Credentials {
            username: user.to_string(),
            password: password.to_string(),
        })
    }
}

impl Settings {
    pub fn thresholds(&self) -> crate::observability::thresholds::Thresholds {
        crate::observability::thresholds::Thresholds {
            cpu_warning: self.health_cpu_warning,
            cpu_critical: self.health_cpu_critical,
            memory_warning: self.health_memory_warning,
            memory_critical: self.health_memory_critical,
            disk_warning: self.health_disk_warning,
            disk_critical: self.health_disk_critical,
        }
    }

    /// A server others can reach must not run on secrets printed in this
    /// repository: listening beyond loopback with a built-in default Pusher
    /// secret or seeded password is refused, naming what to set.
    pub fn refuse_default_secrets(&self) -> anyhow::Result<()> {
        if self.host.is_loopback() {
            return Ok(());
        }
        let mut defaults = Vec::new();
        if self.pusher_url.is_some() && self.pusher_app_secret == DEFAULT_PUSHER_SECRET {
            defaults.push("PUSHER_APP_SECRET");
        }
        if self.seed_admin.password == DEFAULT_ADMIN_PASSWORD {
            defaults.push("SEED_ADMIN");
        }
        if self.seed_user.password == DEFAULT_USER_PASSWORD {
            defaults.push("SEED_USER");
        }
        anyhow::ensure!(
            defaults.is_empty(),
            "refusing to listen on {} with built-in default secrets: set {} (or bind to 127.0.0.1)",
            self.host,
            defaults.join(", ")
        );
        Ok(())
    }

    /// Defaults for tests: in-memory-ish, nothing from the environment.
    pub fn for_tests() -> Self {
        Settings::parse_from(["reference-backend"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_secrets_only_on_loopback() {
        let local =
            Settings::parse_from(["reference-backend", "--pusher-url", "http://127.0.0.1:6001"]);
        assert!(local.refuse_default_secrets().is_ok());
        let exposed = Settings::parse_from([
            "reference-backend",
            "--host",
            "0.0.0.0",
            "--pusher-url",
            "http://127.0.0.1:6001",
        ]);
        let err = exposed.refuse_default_secrets().unwrap_err().to_string();
        assert!(
            err.contains("PUSHER_APP_SECRET, SEED_ADMIN, SEED_USER"),
            "{err}"
        );
        let configured = Settings::parse_from([
            "reference-backend",
            "--host",
            "0.0.0.0",
            "--pusher-url",
            "http://127.0.0.1:6001",
            "--pusher-app-secret",
            "a-real-secret-of-some-length",
            "--seed-admin",
            "admin:another-password",
            "--seed-user",
            "teacher:yet-another-password",
        ]);
        assert!(configured.refuse_default_secrets().is_ok());
    }

    #[test]
    fn credentials_parse() {
        let c: Credentials = "alice:correct horse".parse().unwrap();
        assert_eq!(c.username, "alice");
        assert_eq!(c.password, "correct horse");
        assert!("alice".parse::<Credentials>().is_err());
        assert!(":password1".parse::<Credentials>().is_err());
        assert!("a@b:password1".parse::<Credentials>().is_err());
        assert!("alice:short".parse::<Credentials>().is_err());
        // A colon inside the password is kept.
        assert_eq!(
            "bob:pa:ss:word".parse::<Credentials>().unwrap().password,
            "pa:ss:word"
        );
    }
}
