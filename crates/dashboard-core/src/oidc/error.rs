//! Everything that can go wrong with hosted sign-in, as one sentence each.

use std::fmt;

/// Why hosted sign-in did not complete.
#[derive(Debug, Clone, PartialEq)]
pub enum OidcError {
    /// The provider's discovery document is unusable (or not the configured issuer's).
    Discovery(String),
    /// The provider could not be reached.
    Unreachable(String),
    /// The provider answered `error=` (e.g. `access_denied`).
    Denied {
        /// The OAuth error code.
        error: String,
        /// The provider's own words, if any.
        description: Option<String>,
    },
    /// No sign-in is pending in this tab: the link was used already, or was
    /// not started here.
    NoPendingSignIn,
    /// `state` does not match the pending sign-in.
    StateMismatch,
    /// The answer names another issuer (RFC 9207).
    IssuerMismatch,
    /// The pending sign-in is too old.
    Expired,
    /// The answer has no code.
    MissingCode,
    /// The token endpoint refused the code or answered something unusable.
    TokenExchange(String),
    /// The ID token failed a check (which one, for the message).
    IdToken(String),
}

impl OidcError {
    /// The sentence shown on the sign-in page.
    pub fn user_message(&self) -> String {
        match self {
            OidcError::Discovery(why) => {
                format!("The sign-in provider is not set up correctly: {why}.")
            }
            OidcError::Unreachable(why) => {
                format!("The sign-in provider cannot be reached ({why}). Check your connection and try again.")
            }
            OidcError::Denied { error, description } => match (error.as_str(), description) {
                ("access_denied", _) => "Sign-in was cancelled or refused at the provider.".into(),
                ("login_required" | "interaction_required", _) => {
                    "The provider needs you to sign in again.".into()
                }
                (_, Some(d)) => format!("The sign-in provider refused: {d} ({error})."),
                (_, None) => format!("The sign-in provider refused ({error})."),
            },
            OidcError::NoPendingSignIn => {
                "This sign-in link was already used or was not started in this tab.".into()
            }
            OidcError::StateMismatch => {
                "The sign-in answer does not belong to the sign-in started here, so it was ignored."
                    .into()
            }
            OidcError::IssuerMismatch => {
                "The sign-in answer came from another provider, so it was ignored.".into()
            }
            OidcError::Expired => "The sign-in took too long and has expired.".into(),
            OidcError::MissingCode => "The sign-in provider's answer is incomplete.".into(),
            OidcError::TokenExchange(why) => {
                format!("The sign-in could not be completed: {why}.")
            }
            OidcError::IdToken(why) => {
                format!("The sign-in provider's identity token was not accepted: {why}.")
            }
        }
    }
}

impl fmt::Display for OidcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}
