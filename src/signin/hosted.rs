//! Hosted sign-in on the sign-in page (`auth.mode: "oidc"`): the "Sign in with
//! ‹provider›" button starts the authorization code flow with PKCE, and the
//! same page, served at `/auth/callback`, completes it: the answer checked,
//! the code exchanged, the ID token checked, the profile loaded from the
//! backend with the provider's access token, the session stored as the
//! password form stores it, and the user taken where they wanted to go.
//! Every decision is `dashboard_core::oidc`'s; failures end on this page
//! with a message and the button to try again, never in a redirect loop.

use super::Page;
use crate::browser::{random, storage, time::now_ms};
use crate::hooks::return_target;
use crate::services::api::ApiClient;
use crate::services::session::fetch_user;
use crate::services::session::provider::{self, TokenAnswer};
use dashboard_core::auth::{landing_path, Grant};
use dashboard_core::config::AppConfig;
use dashboard_core::oidc::flow::{self, PendingSignIn, Randomness};
use dashboard_core::oidc::{
    id_token, OidcError, OidcSettings, ProviderEndpoints, CALLBACK_PATH, PENDING_KEY,
};
use dashboard_core::session::{Effect, ProviderSession, SessionCore, STORAGE_KEY};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlButtonElement, HtmlElement};

/// Remembered per browser (outside the signed-in user's keys, which sign-out
/// clears) so the next visit shows the right form from the first paint.
const MODE_KEY: &str = "toolboxai-auth-mode";

/// The hosted sign-in part of the page.
pub(super) struct HostedPage {
    alert: HtmlElement,
    button: HtmlButtonElement,
    sign_up: HtmlElement,
}

impl HostedPage {
    pub(super) fn find(page: &Page) -> Option<HostedPage> {
        let by_id = |id: &str| page.document.get_element_by_id(id);
        Some(HostedPage {
            alert: by_id("hosted-alert")?.dyn_into().ok()?,
            button: by_id("hosted-submit")?.dyn_into().ok()?,
            sign_up: by_id("hosted-sign-up")?.dyn_into().ok()?,
        })
    }

    fn show_error(&self, page: &Page, error: &OidcError) {
        self.alert.set_text_content(None);
        if let Ok(p) = page.document.create_element("p") {
            p.set_class_name("alert alert-error");
            let _ = p.set_attribute("role", "alert");
            p.set_text_content(Some(&error.user_message()));
            let _ = self.alert.append_child(&p);
        }
        self.busy(false, None);
        let _ = self.button.focus();
    }

    fn busy(&self, busy: bool, provider_name: Option<&str>) {
        self.button.set_disabled(busy);
        if busy {
            self.button
                .set_text_content(Some("Opening the sign-in page…"));
        } else if let Some(name) = provider_name {
            self.button
                .set_text_content(Some(&format!("Sign in with {name}")));
        } else if let Some(label) = self.button.get_attribute("data-label") {
            self.button.set_text_content(Some(&label));
        }
    }
}

/// Shows the page in the configured mode and remembers it for the next visit.
pub(super) fn show_mode(page: &Page, config: &AppConfig) {
    let oidc = config.auth.oidc().is_some();
    if let Some(root) = page.document.document_element() {
        let _ = if oidc {
            root.set_attribute("data-auth", "oidc")
        } else {
            root.remove_attribute("data-auth")
        };
    }
    if oidc {
        storage::write(MODE_KEY, "oidc");
    } else {
        storage::remove(MODE_KEY);
    }
}

/// Back to the password form's look (it carries the page's error messages).
pub(super) fn forget_mode(page: &Page) {
    if let Some(root) = page.document.document_element() {
        let _ = root.remove_attribute("data-auth");
    }
}

/// Runs hosted sign-in: completes a callback, or waits for the button.
pub(super) fn run(page: Rc<Page>, config: &AppConfig, settings: OidcSettings) {
    let Some(hosted) = HostedPage::find(&page) else {
        web_sys::console::error_1(&"the sign-in page's hosted section is missing".into());
        return;
    };
    let hosted = Rc::new(hosted);
    let label = format!("Sign in with {}", settings.provider_name);
    let _ = hosted.button.set_attribute("data-label", &label);
    hosted.busy(false, Some(&settings.provider_name));
    if let Some(url) = &settings.sign_up_url {
        offer_sign_up(&page, &hosted, url, &settings.provider_name);
    }
    let settings = Rc::new(settings);
    let api = ApiClient::new(&config.api_base_url);
    // The provider's endpoints, found while the visitor reads the page.
    let discovered: Rc<RefCell<Option<ProviderEndpoints>>> = Rc::default();
    {
        let (page, hosted, settings) = (page.clone(), hosted.clone(), settings.clone());
        let discovered = discovered.clone();
        EventListener::new(&hosted.button.clone(), "click", move |_| {
            let (page, hosted, settings) = (page.clone(), hosted.clone(), settings.clone());
            let known = discovered.borrow().clone();
            wasm_bindgen_futures::spawn_local(async move {
                hosted.busy(true, None);
                if let Err(error) = begin(&settings, known).await {
                    hosted.show_error(&page, &error);
                }
            });
        })
        .forget();
    }
    if current_path().as_deref() != Some(CALLBACK_PATH) {
        // A wrong or unreachable issuer is said at once, not after a click.
        wasm_bindgen_futures::spawn_local(async move {
            match provider::discover(&settings.issuer).await {
                Ok(endpoints) => *discovered.borrow_mut() = Some(endpoints),
                Err(error) => hosted.show_error(&page, &error),
            }
        });
    } else {
        hosted.busy(true, None);
        hosted
            .button
            .set_text_content(Some("Completing the sign-in…"));
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = complete(&page, &settings, &api).await {
                hosted.show_error(&page, &error);
            }
        });
    }
}

/// "New here? Create an account at ‹provider›", linking to its registration page.
fn offer_sign_up(page: &Page, hosted: &HostedPage, url: &str, provider_name: &str) {
    let Ok(link) = page.document.create_element("a") else {
        return;
    };
    let _ = link.set_attribute("href", url);
    link.set_text_content(Some(&format!("Create an account at {provider_name}")));
    hosted.sign_up.set_text_content(Some("New here? "));
    let _ = hosted.sign_up.append_child(&link);
    hosted.sign_up.set_hidden(false);
}

fn current_path() -> Option<String> {
    web_sys::window()?.location().pathname().ok()
}

/// Discovery (unless done), a fresh pending sign-in in this tab, then off to the provider.
async fn begin(settings: &OidcSettings, known: Option<ProviderEndpoints>) -> Result<(), OidcError> {
    let endpoints = match known {
        Some(endpoints) => endpoints,
        None => provider::discover(&settings.issuer).await?,
    };
    let window =
        web_sys::window().ok_or_else(|| OidcError::Unreachable("no browser window".into()))?;
    let origin = window.location().origin().unwrap_or_default();
    let random = match (random::bytes_32(), random::bytes_32(), random::bytes_32()) {
        (Some(a), Some(b), Some(c)) => Randomness(a, b, c),
        _ => {
            return Err(OidcError::Unreachable(
                "this browser offers no secure random numbers".into(),
            ))
        }
    };
    let wanted = super::query_param("redirect");
    let return_to = wanted
        .as_deref()
        .map(|raw| return_target(Some(raw)))
        .unwrap_or_default();
    let authorization_endpoint = endpoints.authorization_endpoint.clone();
    let (pending, params) = flow::begin(
        settings,
        endpoints,
        &format!("{origin}{CALLBACK_PATH}"),
        &return_to,
        &random,
        now_ms(),
    );
    storage::session_write(
        PENDING_KEY,
        &serde_json::to_string(&pending).unwrap_or_default(),
    );
    let _ = window
        .location()
        .assign(&provider::with_query(&authorization_endpoint, &params));
    Ok(())
}

/// The provider's answer: checked, exchanged, and the session stored.
async fn complete(page: &Page, settings: &OidcSettings, api: &ApiClient) -> Result<(), OidcError> {
    // Taken out at once: the same callback URL opened again finds nothing.
    let pending: Option<PendingSignIn> =
        storage::session_take(PENDING_KEY).and_then(|json| serde_json::from_str(&json).ok());
    let query = callback_query();
    // The code and state leave the address bar and the history entry now.
    let back = match pending.as_ref().map(|p| p.return_to.as_str()) {
        Some(target) if !target.is_empty() && target != "/" => {
            format!("/login?redirect={}", js_sys::encode_uri_component(target))
        }
        _ => "/login".to_string(),
    };
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&back));
    }
    let code = flow::read_callback(&query, pending.as_ref(), now_ms())?;
    let pending = pending.ok_or(OidcError::NoPendingSignIn)?;
    let params = flow::token_request(&settings.client_id, &pending, &code);
    let body = match provider::token_call(&pending.endpoints.token_endpoint, &params).await {
        TokenAnswer::Granted(body) => body,
        TokenAnswer::Refused(why) | TokenAnswer::Unavailable(why) => {
            return Err(OidcError::TokenExchange(why))
        }
    };
    let grant = Grant::from_json(&body, now_ms()).map_err(|_| {
        OidcError::TokenExchange("the provider's answer has no access token".into())
    })?;
    let Some(id_token) = grant.id_token.as_deref() else {
        return Err(OidcError::IdToken("the provider sent none".into()));
    };
    id_token::check(
        id_token,
        &pending.endpoints.issuer,
        &settings.client_id,
        &pending.nonce,
        now_ms(),
    )?;
    let user = fetch_user(api, &grant.access_token).await.map_err(|e| {
        OidcError::TokenExchange(format!(
            "the dashboard's server did not accept the sign-in: {}",
            e.user_message()
        ))
    })?;
    let provider = ProviderSession {
        client_id: settings.client_id.clone(),
        endpoints: pending.endpoints.clone(),
        id_token: None,
    };
    let (mut core, _) = SessionCore::start(None, now_ms());
    for effect in core.signed_in_at_provider(grant, user.clone(), Some(provider), now_ms()) {
        if let Effect::Persist(json) = effect {
            storage::write(STORAGE_KEY, &json);
        }
    }
    let target = if pending.return_to.is_empty() {
        landing_path(&user.role).to_string()
    } else {
        return_target(Some(&pending.return_to))
    };
    page.leaving(&target);
    Ok(())
}

/// The callback URL's query as pairs.
fn callback_query() -> Vec<(String, String)> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for entry in js_sys::try_iter(&params)
        .ok()
        .flatten()
        .into_iter()
        .flatten()
    {
        let Ok(entry) = entry else { continue };
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    pairs
}
