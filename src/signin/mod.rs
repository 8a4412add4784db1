//! The standalone sign-in page (`/login`, built from `tools/signin/login.html`
//! into its own small wasm by `tools/post-build.mjs`): the form is plain HTML,
//! usable from the first paint; this glue wires it to the same rules as the
//! app (`dashboard_core::signin`, the session machine, return targets) without
//! Leptos, so a signed-out visitor downloads a fraction of the app. Signing in
//! stores the session the way the app does and leaves for the target with a
//! full page load; the app's wasm was prefetched while the user typed.
//! In hosted sign-in mode the same page shows "Sign in with ‹provider›" and
//! completes the round trip at `/auth/callback` (`hosted`).

mod hosted;
mod sign_up;

use crate::boot::load_config;
use crate::browser::{storage, time::now_ms};
use crate::hooks::return_target;
use crate::services::api::ApiClient;
use crate::services::session::request_grant;
use dashboard_core::auth::{landing_path, User};
use dashboard_core::session::{Effect, Phase, SessionCore, STORAGE_KEY};
use dashboard_core::signin::{Field, SignInForm, Submit};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlButtonElement, HtmlElement, HtmlInputElement};

/// The page's elements, found once by id.
struct Page {
    document: Document,
    form: HtmlElement,
    login: HtmlInputElement,
    password: HtmlInputElement,
    show_password: HtmlInputElement,
    submit: HtmlButtonElement,
    alert: HtmlElement,
    login_problem: HtmlElement,
    password_problem: HtmlElement,
    expired: HtmlElement,
    leaving: HtmlElement,
    environment: HtmlElement,
}

impl Page {
    fn find() -> Option<Page> {
        let document = web_sys::window()?.document()?;
        let by_id = |id: &str| document.get_element_by_id(id);
        Some(Page {
            form: by_id("signin-form")?.dyn_into().ok()?,
            login: by_id("login")?.dyn_into().ok()?,
            password: by_id("password")?.dyn_into().ok()?,
            show_password: by_id("show-password")?.dyn_into().ok()?,
            submit: by_id("signin-submit")?.dyn_into().ok()?,
            alert: by_id("signin-alert")?.dyn_into().ok()?,
            login_problem: by_id("login-problem")?.dyn_into().ok()?,
            password_problem: by_id("password-problem")?.dyn_into().ok()?,
            expired: by_id("signin-expired")?.dyn_into().ok()?,
            leaving: by_id("signin-leaving")?.dyn_into().ok()?,
            environment: by_id("signin-environment")?.dyn_into().ok()?,
            document,
        })
    }

    /// Shows the form's state.
    fn render(&self, form: &SignInForm, now: f64) {
        let problem = |el: &HtmlElement, input: &HtmlInputElement, text: Option<&str>| {
            el.set_text_content(text);
            let _ = input.set_attribute("aria-invalid", &text.is_some().to_string());
        };
        problem(&self.login_problem, &self.login, form.login_problem());
        problem(
            &self.password_problem,
            &self.password,
            form.password_problem(),
        );
        self.submit.set_disabled(form.is_blocked(now));
        self.submit.set_text_content(Some(if form.is_pending() {
            "Signing in…"
        } else {
            "Sign in"
        }));
        let alert = form.alert(now);
        let shown = self.alert.first_element_child();
        match (alert, shown) {
            (None, Some(old)) => old.remove(),
            (Some(text), Some(old)) => {
                if old.text_content().as_deref() != Some(text.as_str()) {
                    old.set_text_content(Some(&text));
                }
            }
            (Some(text), None) => {
                if let Ok(p) = self.document.create_element("p") {
                    p.set_class_name("alert alert-error");
                    let _ = p.set_attribute("role", "alert");
                    p.set_text_content(Some(&text));
                    let _ = self.alert.append_child(&p);
                }
            }
            (None, None) => {}
        }
    }

    fn focus(&self, field: Field) {
        let _ = match field {
            Field::Login => self.login.focus(),
            Field::Password => self.password.focus(),
        };
    }

    /// Signed in (here or in another tab): say so and leave for the target.
    fn leave(&self, user: &User) {
        let target = match query_param("redirect") {
            None => landing_path(&user.role).to_string(),
            Some(raw) => return_target(Some(&raw)),
        };
        self.leaving(&target);
    }

    /// Says "Signed in" and leaves for `target` (a validated path of this origin).
    fn leaving(&self, target: &str) {
        self.form.set_hidden(true);
        if let Some(hosted) = self.document.get_element_by_id("signin-hosted") {
            let _ = hosted.set_attribute("hidden", "");
        }
        self.leaving.set_hidden(false);
        if let Some(window) = web_sys::window() {
            let _ = window.location().replace(target);
        }
    }
}

fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// The user of a session stored by any tab, when it can still be used (the
/// app checks it with the server on arrival).
fn stored_user() -> Option<User> {
    let stored = storage::read(STORAGE_KEY);
    let (core, _) = SessionCore::start(stored.as_deref(), now_ms());
    match core.phase() {
        Phase::SignedOut(_) => None,
        _ => core.user().cloned(),
    }
}

/// Entry point of the sign-in page's wasm.
pub fn start() {
    crate::panic::install_panic_hook();
    let Some(page) = Page::find() else {
        web_sys::console::error_1(&"the sign-in page's form is missing".into());
        return;
    };
    let page = Rc::new(page);
    if let Some(user) = stored_user() {
        page.leave(&user);
        return;
    }
    if query_param("reason").as_deref() == Some("expired") {
        page.expired.set_hidden(false);
    }
    wasm_bindgen_futures::spawn_local(run(page));
}

async fn run(page: Rc<Page>) {
    let form = Rc::new(RefCell::new(SignInForm::default()));
    let config = match load_config().await {
        Ok(config) => config,
        Err(error) => {
            // Said on the password form, whichever mode was remembered.
            hosted::forget_mode(&page);
            form.borrow_mut()
                .unavailable(&format!("{}. {}", error.title, error.detail));
            page.render(&form.borrow(), now_ms());
            return;
        }
    };
    if let Some(env) = &config.environment {
        page.environment.set_text_content(Some(env));
        page.environment.set_hidden(false);
    }
    hosted::show_mode(&page, &config);
    follow_other_tabs(&page);
    if sign_up::arrived(&page, &config) {
        return;
    }
    if let Some(settings) = config.auth.oidc().cloned() {
        // No password form in this mode: a submit the loader held is dropped.
        take_early_submit();
        hosted::run(page, &config, settings);
        return;
    }
    let api = ApiClient::new(&config.api_base_url);
    let submit = {
        let (page, form) = (page.clone(), form.clone());
        Rc::new(move || submit(&page, &form, &api))
    };
    listen(&page, submit.clone());
    // A submit made before this glue was ready is carried out now, once.
    if take_early_submit() {
        submit();
    }
}

fn listen(page: &Rc<Page>, submit: Rc<dyn Fn()>) {
    EventListener::new_with_options(
        &page.form,
        "submit",
        gloo_events::EventListenerOptions::enable_prevent_default(),
        move |event| {
            event.prevent_default();
            submit();
        },
    )
    .forget();
    let p = page.clone();
    EventListener::new(&page.show_password, "change", move |_| {
        let kind = if p.show_password.checked() {
            "text"
        } else {
            "password"
        };
        p.password.set_type(kind);
    })
    .forget();
    // The app's files, fetched while the user types: signing in does not wait for them.
    let document = page.document.clone();
    let mut prefetched = false;
    EventListener::new(&page.form, "input", move |_| {
        if !std::mem::replace(&mut prefetched, true) {
            prefetch_app(&document);
        }
    })
    .forget();
}

/// Signed in by another tab (either mode): leave for the target too.
fn follow_other_tabs(page: &Rc<Page>) {
    let p = page.clone();
    if let Some(listener) = storage::on_change(STORAGE_KEY, move |_| {
        if let Some(user) = stored_user() {
            p.leave(&user);
        }
    }) {
        listener.forget();
    }
}

/// Stops the loader's early submit guard; true when it held a submit.
fn take_early_submit() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(early) = js_sys::Reflect::get(&window, &"__signinEarly".into()) else {
        return false;
    };
    if let Ok(stop) = js_sys::Reflect::get(&early, &"stop".into()) {
        if let Some(stop) = stop.dyn_ref::<js_sys::Function>() {
            let _ = stop.call0(&early);
        }
    }
    js_sys::Reflect::get(&early, &"pending".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn submit(page: &Rc<Page>, form: &Rc<RefCell<SignInForm>>, api: &ApiClient) {
    let decision = form
        .borrow_mut()
        .submit(&page.login.value(), &page.password.value(), now_ms());
    page.render(&form.borrow(), now_ms());
    let body = match decision {
        Submit::Send(body) => body,
        Submit::Fix(field) => return page.focus(field),
        Submit::Ignored => return,
    };
    let (page, form, api) = (page.clone(), form.clone(), api.clone());
    wasm_bindgen_futures::spawn_local(async move {
        match request_grant(&api, &body).await {
            Ok((grant, user)) => {
                let (mut core, _) = SessionCore::start(None, now_ms());
                for effect in core.signed_in(grant, user.clone(), now_ms()) {
                    if let Effect::Persist(json) = effect {
                        storage::write(STORAGE_KEY, &json);
                    }
                }
                form.borrow_mut().succeeded();
                page.leave(&user);
            }
            Err(error) => {
                let field = form.borrow_mut().failed(&error, now_ms());
                page.render(&form.borrow(), now_ms());
                page.focus(field);
                count_down(page, form);
            }
        }
    });
}

/// Re-renders every quarter second while the form is locked.
fn count_down(page: Rc<Page>, form: Rc<RefCell<SignInForm>>) {
    if form.borrow().seconds_left(now_ms()).is_none() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(250).await;
            let running = form.borrow_mut().tick(now_ms());
            page.render(&form.borrow(), now_ms());
            if !running {
                break;
            }
        }
    });
}

/// Adds `<link rel="prefetch">` for the app's script and wasm, named by the
/// page's `<meta name="app-assets">` (written at build time).
fn prefetch_app(document: &Document) {
    let Some(assets) = document
        .query_selector("meta[name=app-assets]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
    else {
        return;
    };
    let Some(head) = document.head() else { return };
    for href in assets
        .split_whitespace()
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
    {
        if let Ok(link) = document.create_element("link") {
            let _ = link.set_attribute("rel", "prefetch");
            let _ = link.set_attribute("href", href);
            let _ = link.set_attribute("crossorigin", "anonymous");
            let _ = head.append_child(&link);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_core::api::ApiError;
    use wasm_bindgen_test::wasm_bindgen_test;

    const TEMPLATE: &str = include_str!("../../tools/signin/login.html");

    /// The template's body in the document (what the server sends), found as the glue finds it.
    fn mount() -> (Page, web_sys::Element) {
        let document = web_sys::window().unwrap().document().unwrap();
        let body = TEMPLATE
            .split("<body>")
            .nth(1)
            .unwrap()
            .split("</body>")
            .next()
            .unwrap();
        let container = document.create_element("div").unwrap();
        container.set_inner_html(body);
        document.body().unwrap().append_child(&container).unwrap();
        (
            Page::find().expect("every element the glue needs"),
            container,
        )
    }

    #[wasm_bindgen_test]
    fn problems_failures_and_the_pending_state_are_shown_and_cleared() {
        let (page, container) = mount();
        let mut form = SignInForm::default();
        assert_eq!(form.submit("", "", 0.0), Submit::Fix(Field::Login));
        page.render(&form, 0.0);
        assert_eq!(
            page.login.get_attribute("aria-invalid").as_deref(),
            Some("true")
        );
        assert_eq!(
            page.login_problem.text_content().as_deref(),
            Some("Enter your email or username.")
        );

        assert!(matches!(form.submit("ada", "pw", 0.0), Submit::Send(_)));
        page.render(&form, 0.0);
        assert_eq!(
            page.login.get_attribute("aria-invalid").as_deref(),
            Some("false")
        );
        assert!(page.submit.disabled());
        assert_eq!(page.submit.text_content().as_deref(), Some("Signing in…"));

        form.failed(
            &ApiError::Http {
                status: 429,
                message: "slow".into(),
                retry_after_secs: Some(2),
            },
            0.0,
        );
        page.render(&form, 0.0);
        let alert = page.alert.first_element_child().expect("an alert");
        assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
        assert_eq!(
            alert.text_content().as_deref(),
            Some("Too many sign-in attempts. Try again in 2 s.")
        );
        assert!(page.submit.disabled());
        // The same node is updated as the countdown runs, then removed.
        page.render(&form, 1_500.0);
        assert_eq!(
            page.alert
                .first_element_child()
                .and_then(|a| a.text_content())
                .as_deref(),
            Some("Too many sign-in attempts. Try again in 1 s.")
        );
        form.tick(2_000.0);
        page.render(&form, 2_000.0);
        assert!(page.alert.first_element_child().is_none());
        assert!(!page.submit.disabled());
        assert_eq!(page.submit.text_content().as_deref(), Some("Sign in"));
        container.remove();
    }
}
