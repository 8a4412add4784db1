//! The landing page: where to go, and whether the backend is up right now.

use crate::services::api::{use_api, ApiError};
use crate::services::session::{use_auth, AuthView};
use dashboard_core::auth::Area;
use dashboard_core::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde::Deserialize;

/// The parts of `GET /api/v1/health` shown here; every field is optional
/// because the real backends differ.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
struct ApiHealth {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    uptime_seconds: Option<f64>,
}

#[allow(unreachable_pub)]
#[component]
pub fn HomePage() -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    // Signed-out visitors see both; signed-in users what their role may open.
    let may_open = move |area: Area| match auth.get() {
        AuthView::SignedIn(user) => area.allows(&user.role),
        _ => true,
    };
    let health = LocalResource::new(move || {
        let api = api.clone();
        async move {
            api.get("/api/v1/health")
                .anonymous()
                .timeout_ms(5_000)
                .send::<ApiHealth>()
                .await
        }
    });

    view! {
        <Title text="Home" />
        <section class="page">
            <h1>"ToolBoxAI Dashboard"</h1>
            <p class="lead">"Live infrastructure metrics and your task assistant, in one place."</p>
            <div class="card-grid">
                <Show when=move || may_open(Area::Observability)>
                    <article class="card">
                        <h2>"Observability"</h2>
                        <p>"CPU, memory, disk and network of the platform, refreshed every few seconds."</p>
                        <A href="/observability" attr:class="button">"Open observability"</A>
                    </article>
                </Show>
                <article class="card">
                    <h2>"Chat"</h2>
                    <p>"Ask the assistant to add, list, complete or delete your tasks."</p>
                    <A href="/chat" attr:class="button">"Open chat"</A>
                </article>
                <article class="card" aria-labelledby="backend-status-heading">
                    <h2 id="backend-status-heading">"Backend status"</h2>
                    <div role="status" aria-live="polite">
                        {move || match health.get() {
                            None => view! { <p class="muted">"Checking…"</p> }.into_any(),
                            Some(Ok(h)) => view! { <HealthSummary health=h /> }.into_any(),
                            Some(Err(e)) => view! { <HealthError error=e /> }.into_any(),
                        }}
                    </div>
                    <button class="button button-secondary" on:click=move |_| health.refetch()>
                        "Check again"
                    </button>
                </article>
            </div>
        </section>
    }
}

#[component]
fn HealthSummary(health: ApiHealth) -> impl IntoView {
    let status = health.status.unwrap_or_else(|| "unknown".into());
    let tone = match status.as_str() {
        "healthy" | "ok" | "alive" => "ok",
        "degraded" => "warning",
        _ => "critical",
    };
    view! {
        <p>
            <span class=format!("badge badge-{tone}")>{status}</span>
            {health.version.map(|v| view! { <span class="muted">{format!(" version {v}")}</span> })}
        </p>
        {health
            .uptime_seconds
            .map(|s| view! { <p class="muted">{format!("Up for {}", format::duration(Some(s)))}</p> })}
    }
}

#[component]
fn HealthError(error: ApiError) -> impl IntoView {
    view! {
        <p>
            <span class="badge badge-critical">"unreachable"</span>
            " "
            {error.user_message()}
        </p>
    }
}
