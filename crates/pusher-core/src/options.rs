//! Connection options and the WebSocket URL (pusher-js `config.ts`,
//! `transports/url_schemes.ts`).

/// Protocol version spoken.
pub const PROTOCOL: u8 = 7;
/// What the URL's `client` parameter says we are.
pub const CLIENT_NAME: &str = "rust-wasm";

/// Where and how to connect, as pusher-js's options.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The app key.
    pub key: String,
    /// The cluster (`mt1`, `us2`, …): the host is `ws-{cluster}.pusher.com` unless `ws_host` is set.
    pub cluster: String,
    /// Overrides `ws-{cluster}.pusher.com` (self-hosted servers such as sockudo).
    pub ws_host: Option<String>,
    /// Port for `ws://`.
    pub ws_port: u16,
    /// Port for `wss://`.
    pub wss_port: u16,
    /// Prepended before `/app/`.
    pub ws_path: String,
    /// `Some(false)` allows plain `ws://`; TLS otherwise (and always on https pages).
    pub force_tls: Option<bool>,
    /// Whether the page itself was served over https.
    pub page_is_https: bool,
    /// Client-side activity timeout; the effective one is min(this, server's).
    pub activity_timeout_ms: f64,
    /// How long to wait for `pusher:pong` after a ping.
    pub pong_timeout_ms: f64,
    /// After this long in `connecting`, the state becomes `unavailable`.
    pub unavailable_timeout_ms: f64,
    /// Shorter pong wait for the liveness check made when the tab becomes visible.
    pub visibility_pong_timeout_ms: f64,
}

impl Options {
    /// pusher-js's defaults for `key` on `cluster`.
    pub fn new(key: impl Into<String>, cluster: impl Into<String>) -> Options {
        Options {
            key: key.into(),
            cluster: cluster.into(),
            ws_host: None,
            ws_port: 80,
            wss_port: 443,
            ws_path: String::new(),
            force_tls: None,
            page_is_https: false,
            activity_timeout_ms: 120_000.0,
            pong_timeout_ms: 30_000.0,
            unavailable_timeout_ms: 10_000.0,
            visibility_pong_timeout_ms: 5_000.0,
        }
    }

    /// pusher-js `shouldUseTLS`: https page ⇒ TLS; `force_tls: false` ⇒ plain; else TLS.
    pub fn use_tls(&self) -> bool {
        self.page_is_https || self.force_tls != Some(false)
    }

    /// The host to connect to.
    pub fn host(&self) -> String {
        self.ws_host
            .clone()
            .unwrap_or_else(|| format!("ws-{}.pusher.com", self.cluster))
    }

    /// `ws[s]://host:port{path}/app/{key}?protocol=7&client=…&version=…&flash=false`.
    pub fn url(&self, tls: bool) -> String {
        let (scheme, port) = if tls {
            ("wss", self.wss_port)
        } else {
            ("ws", self.ws_port)
        };
        format!(
            "{scheme}://{}:{port}{}/app/{}?protocol={PROTOCOL}&client={CLIENT_NAME}&version={}&flash=false",
            self.host(),
            self.ws_path.trim_end_matches('/'),
            self.key,
            env!("CARGO_PKG_VERSION"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosted_pusher_defaults_to_tls_on_443() {
        let o = Options::new("KEY", "mt1");
        assert!(o.use_tls());
        assert_eq!(
            o.url(o.use_tls()),
            "wss://ws-mt1.pusher.com:443/app/KEY?protocol=7&client=rust-wasm&version=0.1.0&flash=false"
        );
    }

    #[test]
    fn self_hosted_plain_websocket() {
        let mut o = Options::new("app-key", "mt1");
        o.ws_host = Some("127.0.0.1".into());
        o.ws_port = 6001;
        o.force_tls = Some(false);
        assert!(!o.use_tls());
        assert!(o
            .url(false)
            .starts_with("ws://127.0.0.1:6001/app/app-key?protocol=7&"));
        o.ws_path = "/realtime/".into();
        assert!(o
            .url(false)
            .starts_with("ws://127.0.0.1:6001/realtime/app/app-key?"));
    }

    #[test]
    fn an_https_page_always_uses_tls() {
        let mut o = Options::new("k", "eu");
        o.force_tls = Some(false);
        o.page_is_https = true;
        assert!(o.use_tls());
        assert!(o.url(true).starts_with("wss://ws-eu.pusher.com:443/"));
    }
}
