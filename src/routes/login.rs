//! `/login` (alias `/sign-in`): sign in, then go back where the user came from.

use crate::hooks::{return_target, use_safe_navigate};
use crate::services::api::ApiError;
use crate::services::session::{use_auth, use_session, AuthView};
use dashboard_core::auth::{landing_path, User};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_safe_navigate();
    let redirect_param = Memo::new(move |_| query.with(|q| q.get("redirect")));
    let expired_notice =
        Memo::new(move |_| query.with(|q| q.get("reason").as_deref() == Some("expired")));

    // Signed in (here, or in another tab): leave for the target.
    Effect::new(move |_| {
        if let AuthView::SignedIn(user) = auth.get() {
            let target = target_for(&user, redirect_param.get_untracked());
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    view! {
        <Title text="Sign in" />
        <section class="page narrow auth-page" aria-labelledby="login-heading">
            <h1 id="login-heading">"Sign in"</h1>
            <Show when=move || expired_notice.get()>
                <p class="alert alert-info" role="status">
                    "Your session expired. Sign in again to continue where you were."
                </p>
            </Show>
            {move || match auth.get() {
                AuthView::SignedOut { .. } => view! { <LoginForm /> }.into_any(),
                AuthView::Restoring { .. } => view! {
                    <p class="page-state" role="status">
                        <span class="spinner" aria-hidden="true"></span>
                        "Checking your session…"
                    </p>
                }
                .into_any(),
                AuthView::SignedIn(_) => view! { <p role="status">"Signed in. Taking you there…"</p> }.into_any(),
            }}
        </section>
    }
}

/// Where to go after signing in: a valid `redirect`, `/` for an invalid one,
/// and the role's start page when there is none.
fn target_for(user: &User, redirect: Option<String>) -> String {
    match redirect {
        None => landing_path(&user.role).to_string(),
        Some(raw) => return_target(Some(&raw)),
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let session = use_session();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let login_problem = RwSignal::new(None::<&'static str>);
    let password_problem = RwSignal::new(None::<&'static str>);
    let locked_until = RwSignal::new(None::<f64>);
    let now = RwSignal::new(crate::browser::time::now_ms());
    let seconds_left = Memo::new(move |_| {
        let until = locked_until.get()?;
        let left = ((until - now.get()) / 1000.0).ceil();
        (left > 0.0).then_some(left as u64)
    });
    let login_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();

    let start_countdown = move |seconds: u64| {
        locked_until.set(Some(
            crate::browser::time::now_ms() + seconds as f64 * 1000.0,
        ));
        now.set(crate::browser::time::now_ms());
        // Ticks until the lock passes; stops by itself if the form goes away.
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(250).await;
                let Some(Some(until)) = locked_until.try_get_untracked() else {
                    break;
                };
                let t = crate::browser::time::now_ms();
                if now.try_set(t).is_some() {
                    break;
                }
                if t >= until {
                    let _ = locked_until.try_set(None);
                    let _ = error.try_set(None);
                    break;
                }
            }
        });
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || seconds_left.get_untracked().is_some() {
            return;
        }
        let login_value = login.get_untracked().trim().to_string();
        let password_value = password.get_untracked();
        login_problem.set(
            login_value
                .is_empty()
                .then_some("Enter your email or username."),
        );
        password_problem.set(password_value.is_empty().then_some("Enter your password."));
        if login_value.is_empty() {
            focus(&login_input);
            return;
        }
        if password_value.is_empty() {
            focus(&password_input);
            return;
        }
        error.set(None);
        pending.set(true);
        let session = session.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = session.sign_in(&login_value, &password_value).await;
            let _ = pending.try_set(false);
            if let Err(err) = result {
                if let ApiError::Http {
                    status: 429,
                    retry_after_secs: Some(s),
                    ..
                } = &err
                {
                    start_countdown(*s);
                }
                let _ = error.try_set(Some(sign_in_message(&err)));
                focus(&password_input);
            }
        });
    };

    let alert_text = move || match (seconds_left.get(), error.get()) {
        (Some(s), _) => Some(format!("Too many sign-in attempts. Try again in {s} s.")),
        (None, Some(message)) => Some(message),
        (None, None) => None,
    };

    view! {
        <form class="card auth-form" novalidate on:submit=submit>
            {move || alert_text().map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
            <div class="field">
                <label for="login">"Email or username"</label>
                <input
                    id="login"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    node_ref=login_input
                    aria-invalid=move || login_problem.get().is_some().to_string()
                    aria-describedby="login-problem"
                    bind:value=login
                />
                <p id="login-problem" class="field-error">{move || login_problem.get()}</p>
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type=move || if show_password.get() { "text" } else { "password" }
                    autocomplete="current-password"
                    required
                    node_ref=password_input
                    aria-invalid=move || password_problem.get().is_some().to_string()
                    aria-describedby="password-problem"
                    bind:value=password
                />
                <p id="password-problem" class="field-error">{move || password_problem.get()}</p>
            </div>
            <label class="checkbox">
                <input type="checkbox" bind:checked=show_password />
                "Show password"
            </label>
            <button
                type="submit"
                class="button auth-submit"
                disabled=move || pending.get() || seconds_left.get().is_some()
            >
                {move || if pending.get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}

/// Also called when a sign-in answer arrives, possibly after the page unmounted.
fn focus(input: &NodeRef<html::Input>) {
    if let Some(el) = input.try_get_untracked().flatten() {
        let _ = el.focus();
    }
}

/// The sentence for a failed sign-in.
fn sign_in_message(err: &ApiError) -> String {
    match err {
        ApiError::Http { status: 401, .. } => {
            let text = err.user_message();
            if text.trim().is_empty() {
                "Incorrect username or password.".into()
            } else {
                text
            }
        }
        ApiError::Http { status: 429, .. } => {
            "Too many sign-in attempts. Wait a moment and try again.".into()
        }
        _ => err.user_message(),
    }
}
