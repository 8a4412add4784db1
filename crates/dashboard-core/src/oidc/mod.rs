//! Hosted sign-in: the OpenID Connect authorization code flow with PKCE
//! (RFC 7636, S256) for a public browser client, as the OAuth 2.0 for
//! Browser-Based Apps BCP describes it. Works with any certified provider
//! (Clerk, Auth0, Keycloak, Entra ID, the local stack's oidc-provider).
//!
//! The round trip, and where each decision is made:
//! 1. [`settings`]: `app-config.json`'s `auth` section chooses the mode.
//! 2. [`discovery`]: the provider's endpoints, from its discovery document.
//! 3. [`flow::begin`]: a fresh `state`, `nonce` and PKCE verifier (kept in
//!    sessionStorage for the round trip only) and the authorization URL.
//! 4. [`flow::read_callback`]: the provider's answer on `/auth/callback`,
//!    checked against the pending sign-in (state, issuer, age, `error=`).
//! 5. [`flow::token_request`]: the code exchange; [`id_token::check`]: the ID
//!    token's `iss`, `aud`, `nonce` and `exp`.
//! 6. Refreshes ([`flow::refresh_request`]) and sign-out
//!    ([`flow::end_session_request`]) go to the provider too.
//!
//! Randomness and I/O are the glue's: this module only decides.

pub mod discovery;
pub mod error;
pub mod flow;
pub mod id_token;
pub mod pkce;
pub mod settings;

pub use discovery::ProviderEndpoints;
pub use error::OidcError;
pub use flow::PendingSignIn;
pub use settings::{AuthMode, OidcSettings};

/// Where the provider sends the browser back (the same origin as the app).
pub const CALLBACK_PATH: &str = "/auth/callback";
/// sessionStorage key of the sign-in under way (one tab's round trip).
pub const PENDING_KEY: &str = "toolboxai.oidc.pending";
