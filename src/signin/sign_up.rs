//! `/sign-up` and `/register` (the React dashboard's pages, kept for links
//! and bookmarks) are served as this sign-in page: with a provider that
//! offers registration the visitor goes there; otherwise they are told
//! plainly where accounts come from, and can sign in.

use super::Page;
use dashboard_core::config::AppConfig;
use dashboard_core::oidc::AuthMode;

const SIGN_UP_PATHS: [&str; 2] = ["/sign-up", "/register"];

/// True when the visitor was sent to the provider's registration page.
pub(super) fn arrived(page: &Page, config: &AppConfig) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let path = window.location().pathname().unwrap_or_default();
    if !SIGN_UP_PATHS.contains(&path.trim_end_matches('/')) {
        return false;
    }
    let notice = match &config.auth {
        AuthMode::Oidc(settings) => match &settings.sign_up_url {
            Some(url) => {
                let _ = window.location().replace(url);
                return true;
            }
            None => format!(
                "Accounts come from {}, which does not offer sign-up here. Ask your administrator for an account, then sign in.",
                settings.provider_name
            ),
        },
        AuthMode::Password => {
            "This dashboard does not create accounts itself. Ask your administrator for an account, then sign in here.".to_string()
        }
    };
    if let Some(el) = page.document.get_element_by_id("signin-sign-up") {
        el.set_text_content(Some(&notice));
        let _ = el.remove_attribute("hidden");
    }
    false
}
