//! `/login` (alias `/sign-in`): sign in, then go back where the user came from.

use crate::browser::time::now_ms;
use crate::hooks::{return_target, use_safe_navigate};
use crate::services::session::{use_auth, use_session, AuthView};
use dashboard_core::auth::{landing_path, User};
use dashboard_core::signin::{Field, SignInForm, Submit};
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
    // The rules live in `dashboard_core::signin`; this is their glue.
    let form = RwSignal::new(SignInForm::default());
    let now = RwSignal::new(now_ms());
    let seconds_left = Memo::new(move |_| form.with(|f| f.seconds_left(now.get())));
    let pending = Memo::new(move |_| form.with(SignInForm::is_pending));
    let login_problem = Memo::new(move |_| form.with(SignInForm::login_problem));
    let password_problem = Memo::new(move |_| form.with(SignInForm::password_problem));
    let login_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();
    let focus_field = move |field: Field| match field {
        Field::Login => focus(&login_input),
        Field::Password => focus(&password_input),
    };

    // Ticks while the form is locked; stops by itself if the form goes away.
    let count_down = move || {
        now.set(now_ms());
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(250).await;
                let t = now_ms();
                if now.try_set(t).is_some() {
                    break;
                }
                if form.try_update(|f| f.tick(t)) != Some(true) {
                    break;
                }
            }
        });
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let decision = form
            .try_update(|f| f.submit(&login.get_untracked(), &password.get_untracked(), now_ms()));
        match decision {
            Some(Submit::Send(body)) => {
                let session = session.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match session.sign_in(body).await {
                        Ok(_) => {
                            let _ = form.try_update(SignInForm::succeeded);
                        }
                        Err(err) => {
                            // The page may be gone by now: then nothing is left to update.
                            let Some(field) = form.try_update(|f| f.failed(&err, now_ms())) else {
                                return;
                            };
                            let _ = now.try_set(now_ms());
                            if form.with_untracked(|f| f.seconds_left(now_ms()).is_some()) {
                                count_down();
                            }
                            focus_field(field);
                        }
                    }
                });
            }
            Some(Submit::Fix(field)) => focus_field(field),
            Some(Submit::Ignored) | None => {}
        }
    };

    let alert_text = move || form.with(|f| f.alert(now.get()));

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
