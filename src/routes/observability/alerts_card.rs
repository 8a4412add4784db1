//! The alert log on the observability page: time, level, metric, value and
//! threshold of each alert, and who acknowledged it; an administrator
//! acknowledges one here (seen at once in every other open tab).

use super::panels::clock;
use crate::browser::locale;
use crate::services::alerts::{acknowledge, use_alerts, LogState};
use crate::services::api::use_api;
use crate::services::realtime::{use_realtime, ADMIN_CHANNEL};
use dashboard_core::alerts::{Alert, AlertLevel};
use dashboard_core::format;
use leptos::prelude::*;

/// "Memory: 93.4 % (threshold 90 %)", from what the alert carries.
fn describe(alert: &Alert) -> Option<String> {
    let metric = alert.metric.as_deref()?;
    let name = match metric {
        "cpu" => "CPU".to_string(),
        other => format::capitalized(other),
    };
    Some(match (alert.value, alert.threshold) {
        (Some(v), Some(t)) => format!(
            "{name}: {} (threshold {})",
            locale::percent(Some(v)),
            locale::percent(Some(t))
        ),
        (Some(v), None) => format!("{name}: {}", locale::percent(Some(v))),
        _ => name,
    })
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn AlertsCard(now: ReadSignal<f64>) -> impl IntoView {
    let alerts = use_alerts();
    let api = use_api();
    // Whether alerts can arrive at all: the admin channel must be confirmed.
    let status = use_realtime().map(|rt| rt.status());
    let listening = move || match status {
        None => "Live alerts are off in this environment.",
        Some(s) if s.with(|s| s.is_subscribed(ADMIN_CHANNEL)) => "Listening for alerts.",
        Some(_) => "Not receiving alerts until live updates reconnect.",
    };
    let log_note = move || match alerts.log.get() {
        LogState::NotKept => Some(
            "This backend keeps no alert log: alerts pushed since you opened the dashboard."
                .to_string(),
        ),
        LogState::Failed(message) => Some(format!("The alert log could not be loaded: {message}")),
        _ => None,
    };
    let ack = Action::new_local(move |id: &String| acknowledge(api.clone(), alerts, id.clone()));
    let ack_error = move || match ack.value().get() {
        Some(Err(err)) => Some(format!(
            "Could not acknowledge the alert: {}",
            err.user_message()
        )),
        _ => None,
    };
    let entries = move || alerts.book.with(|b| b.alerts().to_vec());

    view! {
        <article class="card alerts-card" aria-labelledby="alerts-heading">
            <h2 id="alerts-heading">"Recent alerts"</h2>
            <p class="muted alerts-listening" role="status">{listening}</p>
            {move || log_note().map(|n| view! { <p class="muted">{n}</p> })}
            {move || ack_error().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            {move || {
                let entries = entries();
                if entries.is_empty() {
                    return view! { <p class="muted">"No alerts."</p> }.into_any();
                }
                view! {
                    <ul class="alert-list">
                        {entries.into_iter().map(|a| {
                            let (badge, level) = match a.level {
                                AlertLevel::Critical => ("badge badge-critical", "critical"),
                                AlertLevel::Warning => ("badge badge-warning", "warning"),
                            };
                            let at = a.at_ms;
                            let detail = describe(&a);
                            let state = match (&a.acknowledged, &a.id) {
                                (Some(done), _) => view! {
                                    <span class="muted alert-ack">
                                        {format!("Acknowledged by {}{}", done.by, done.at_ms.map(|t| format!(" at {}", clock(t))).unwrap_or_default())}
                                    </span>
                                }.into_any(),
                                (None, Some(id)) => {
                                    let id = id.clone();
                                    let label = format!("Acknowledge: {}", a.message);
                                    view! {
                                        <button
                                            type="button"
                                            class="button button-secondary button-small"
                                            aria-label=label
                                            disabled=move || ack.pending().get()
                                            on:click=move |_| { ack.dispatch(id.clone()); }
                                        >
                                            "Acknowledge"
                                        </button>
                                    }.into_any()
                                }
                                (None, None) => ().into_any(),
                            };
                            view! {
                                <li class="alert-entry">
                                    <span class=badge>{level}</span>
                                    " "
                                    <span>{a.message.clone()}</span>
                                    {detail.map(|d| view! { <span class="muted">{format!(" · {d}")}</span> })}
                                    <span class="muted alert-time">
                                        " · "
                                        <time
                                            datetime=dashboard_core::time::format_iso8601_ms(at).unwrap_or_default()
                                            title=crate::browser::locale::date_time(at)
                                        >
                                            {clock(at)}
                                        </time>
                                        {move || format!(" ({})", format::age(now.get() - at))}
                                    </span>
                                    " "
                                    {state}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </article>
    }
}
