//! `/observability`: live infrastructure metrics for administrators.
//!
//! The charts open with the backend's stored history for the chosen range
//! (`?range=` or `?from=&to=`), or what this tab has seen before when the
//! backend keeps none. One poller then fetches the report on the chosen
//! interval (`?interval=`); a pushed report (realtime) enters through the same
//! [`LiveFeed::ingest_value`]. When the infrastructure endpoints answer 404 the
//! page falls back to `/api/v1/health` and says so.

mod alerts_card;
mod chart_options;
mod figures;
mod history;
mod panels;
mod range_picker;

use crate::browser::url::current_with_query;
use crate::hooks::use_channel_event;
use crate::hooks::use_poller;
use crate::hooks::use_safe_navigate;
use crate::services::api::{use_api, ApiClient, ApiError};
use crate::services::charts::use_charts;
use crate::services::realtime::ADMIN_CHANNEL;
use dashboard_core::config::AppConfig;
use dashboard_core::format;
use dashboard_core::infra::{
    parse_health_fallback, parse_report, parse_summary, InfraReport, Summary,
};
use dashboard_core::interval;
use dashboard_core::live::{Freshness, LiveMetrics, Point};
use dashboard_core::range::{self, TimeRange, MAX_SPAN_MS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;
use serde_json::Value;

pub(crate) const REPORT_PATH: &str = "/api/v1/observability/infrastructure/report";
pub(crate) const SUMMARY_PATH: &str = "/api/v1/observability/infrastructure/summary";
pub(crate) const HEALTH_PATH: &str = "/api/v1/health";
/// The window the report's own summary covers.
const REPORT_SUMMARY_MINUTES: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Infrastructure,
    /// The infrastructure endpoints are missing on this backend.
    HealthFallback,
}

/// The live state of the page, shared by its panels.
#[derive(Clone, Copy)]
pub(crate) struct LiveFeed {
    pub metrics: RwSignal<LiveMetrics>,
    /// Readings further apart than this break the charts and yield no network rate.
    pub gap_ms: Memo<f64>,
    /// The range the charts show.
    pub range: Memo<TimeRange>,
}

impl LiveFeed {
    /// Earlier points (stored history, or this tab's earlier readings).
    pub(crate) fn seed(&self, points: Vec<Point>) {
        let _ = self.metrics.try_update(|m| m.history_mut().seed(points));
    }

    /// A report, polled or pushed.
    pub(crate) fn ingest(&self, report: InfraReport) {
        // A poll answered after the page unmounted lands here too: drop it.
        let Some(gap) = self.gap_ms.try_get_untracked() else {
            return;
        };
        let now = crate::browser::time::now_ms();
        // A repeated report moves only the arrival time, which the "Updated"
        // line reads on its clock's next tick: nothing to notify.
        self.metrics.maybe_update(|m| m.ingest(report, now, gap));
        crate::browser::perf::mark_once(crate::browser::perf::FIRST_DATA);
    }

    /// The realtime hook-in point: a report body as pushed (`metrics.updated`'s
    /// `infrastructure`). Unreadable bodies are ignored: polling continues.
    pub(crate) fn ingest_value(&self, value: &Value) -> bool {
        match parse_report(value) {
            Ok(report) => {
                self.ingest(report);
                true
            }
            Err(_) => false,
        }
    }
}

#[allow(unreachable_pub)]
#[component]
pub fn ObservabilityPage() -> impl IntoView {
    let config = expect_context::<AppConfig>();
    let api = use_api();
    let query = use_query_map();
    let navigate = use_safe_navigate();

    let default_interval = Some(config.refresh_interval_secs * 1000.0);
    let interval = Memo::new(move |_| {
        query
            .with(|q| q.get("interval"))
            .and_then(|text| interval::parse(&text))
            .unwrap_or(default_interval)
    });
    let gap_ms = Memo::new(move |_| (interval.get().unwrap_or(5_000.0) * 3.0).max(15_000.0));
    let range = Memo::new(move |_| {
        query
            .with(|q| TimeRange::from_query(q.get_str("range"), q.get_str("from"), q.get_str("to")))
    });
    // A fixed window may lie a day back: keep all the backend keeps.
    let retention = move |r: TimeRange| {
        if r.is_live() {
            r.span_ms()
        } else {
            MAX_SPAN_MS + 3_600_000.0
        }
    };
    let feed = LiveFeed {
        metrics: RwSignal::new(LiveMetrics::new(retention(range.get_untracked()))),
        gap_ms,
        range,
    };
    provide_context(feed);
    history::use_seen_readings(feed);
    Effect::new(move |previous: Option<TimeRange>| {
        let r = range.get();
        if previous.is_some_and(|p| p != r) {
            feed.metrics
                .update(|m| m.history_mut().set_retention(retention(r)));
        }
        r
    });
    // The stored history of the chosen range, fetched again when it changes.
    let stored_history = LocalResource::new({
        let api = api.clone();
        move || {
            let range = range.get();
            let api = api.clone();
            async move { history::load(&api, range, feed).await }
        }
    });
    let source = RwSignal::new(Source::Infrastructure);
    let window = Memo::new(move |_| {
        query
            .with(|q| range::summary_window(q.get_str("window")))
            .unwrap_or(REPORT_SUMMARY_MINUTES)
    });
    // Each poll refreshes a chosen window's summary alongside the report.
    let polls = RwSignal::new(0_u64);
    let window_summary = LocalResource::new({
        let api = api.clone();
        move || {
            let minutes = window.get();
            polls.track();
            let api = api.clone();
            async move {
                // The report carries the default window's summary itself.
                if minutes == REPORT_SUMMARY_MINUTES
                    || source.get_untracked() != Source::Infrastructure
                {
                    return Ok(None);
                }
                fetch_summary(&api, minutes).await
            }
        }
    });

    let fetch = {
        let api = api.clone();
        move || {
            let api = api.clone();
            async move {
                if window.get_untracked() != REPORT_SUMMARY_MINUTES {
                    polls.update(|n| *n += 1);
                }
                match fetch_report(&api, source).await {
                    Ok(report) => {
                        feed.ingest(report);
                        true
                    }
                    Err(err) => {
                        feed.metrics.update(|m| m.failed(err.user_message()));
                        false
                    }
                }
            }
        }
    };
    let poll = use_poller(interval.into(), fetch);

    // Reports pushed between polls (`metrics.updated`, admins only) take the same path.
    use_channel_event(
        Signal::derive(|| Some(ADMIN_CHANNEL.to_string())),
        "metrics.updated",
        move |message| {
            if let Some(report) = message.data.get("infrastructure") {
                feed.ingest_value(report);
            }
        },
    );

    // One clock for every "… ago" and countdown on the page.
    let now = crate::hooks::use_clock();

    // The figures first: the chart library loads once the first answer or
    // earlier points are in. The loader asked for the first report before
    // the app ran (tools/boot/early-data.js), so it is usually in first; the
    // stored points still draw while a report is late.
    let first_answer_or_points = Memo::new(move |_| {
        feed.metrics
            .with(|m| m.freshness() != Freshness::Loading || !m.history().is_empty())
    });
    let charts = use_charts(first_answer_or_points.into());
    let figures_painted = crate::hooks::use_after_paint(first_answer_or_points.into());

    // View state lives in the URL. A range change is a new history entry (back
    // and forward move between ranges); interval and window replace the entry.
    let set_query = move |changes: &[(&str, Option<&str>)], new_entry: bool| {
        if let Some(target) = current_with_query(changes) {
            navigate(
                &target,
                NavigateOptions {
                    replace: !new_entry,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let on_interval = {
        let set_query = set_query.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            set_query(&[("interval", Some(&value))], false);
        }
    };
    let on_range = {
        let set_query = set_query.clone();
        move |changes: Vec<(&'static str, Option<String>)>| {
            let changes: Vec<(&str, Option<&str>)> =
                changes.iter().map(|(k, v)| (*k, v.as_deref())).collect();
            set_query(&changes, true);
        }
    };
    let on_window = move |minutes: u32| {
        let param =
            (minutes != REPORT_SUMMARY_MINUTES).then(|| range::summary_window_param(minutes));
        set_query(&[("window", param.as_deref())], false);
    };

    let freshness = Memo::new(move |_| feed.metrics.with(|m| m.freshness()));
    let updated = move || {
        let received = feed.metrics.with(|m| m.received_ms())?;
        Some(format!("Updated {}", format::age(now.get() - received)))
    };

    view! {
        <Title text="Observability" />
        <section class="page observability" aria-labelledby="observability-heading">
            <div class="page-header">
                <h1 id="observability-heading">"Observability"</h1>
                <div class="toolbar">
                    <label for="refresh-interval">"Refresh"</label>
                    <select id="refresh-interval" on:change=on_interval>
                        {move || interval_options(interval.get())}
                    </select>
                    <button
                        type="button"
                        class="button button-secondary"
                        // Never disabled: a click while a report is on its way is
                        // simply absorbed by it (the poller never runs two), and the
                        // button does not flicker with every refresh.
                        on:click=move |_| poll.refresh_now()
                    >
                        "Refresh now"
                    </button>
                    <span class="updated muted">{updated}</span>
                </div>
                <range_picker::RangePicker range on_change=on_range />
            </div>
            <Show when=move || source.get() == Source::HealthFallback>
                <p class="alert alert-info" role="status">
                    "This backend has no infrastructure endpoints: showing CPU, memory, disk and network from its health check only."
                </p>
            </Show>
            {move || match freshness.get() {
                Freshness::Stale { message } => Some(view! { <panels::StaleBanner message poll now /> }.into_any()),
                Freshness::Failed { message } => Some(view! {
                    <div class="alert alert-error">
                        <p role="alert">{format!("Cannot load the metrics. {message}")}</p>
                        <panels::RetryLine poll now />
                    </div>
                }.into_any()),
                _ => None,
            }}
            <div class="obs-top">
                <panels::HealthPanel />
                <div class="metric-cards">
                    <panels::CpuCard />
                    <panels::MemoryCard />
                    <panels::DiskCard />
                    <panels::NetworkCard />
                </div>
            </div>
            // The rest is built once the figures above have something to show
            // and have been painted: the first render stays small (with a cold
            // cache every wasm function is compiled on its first call), so the
            // first data is not kept waiting by charts and panels below it.
            <Show
                when=move || figures_painted.get()
                fallback=|| view! { <div class="skeleton obs-deferred" aria-hidden="true"></div> }
            >
                <figures::ChartGrid charts stored_history />
                <div class="obs-details">
                    <panels::ProcessCard />
                    <panels::PlatformCard />
                    <panels::SummaryCard window=window.into() window_summary on_window=on_window.clone() />
                    <alerts_card::AlertsCard now />
                </div>
            </Show>
        </section>
    }
}

fn interval_options(current: Option<f64>) -> impl IntoView {
    let mut choices: Vec<Option<f64>> = interval::CHOICES.to_vec();
    if !choices.contains(&current) {
        choices.insert(0, current);
    }
    choices
        .into_iter()
        .map(|choice| {
            view! {
                <option value=interval::to_param(choice) selected=choice == current>
                    {interval::label(choice)}
                </option>
            }
        })
        .collect_view()
}

async fn fetch_report(api: &ApiClient, source: RwSignal<Source>) -> Result<InfraReport, ApiError> {
    if source.get_untracked() == Source::Infrastructure {
        match api.get(REPORT_PATH).send::<Value>().await {
            Ok(body) => return parse_report(&body),
            Err(err) if err.status() == Some(404) => source.set(Source::HealthFallback),
            Err(err) => return Err(err),
        }
    }
    let body = api.get(HEALTH_PATH).anonymous().send::<Value>().await?;
    parse_health_fallback(&body)
}

async fn fetch_summary(api: &ApiClient, minutes: u32) -> Result<Option<Summary>, ApiError> {
    let body = api
        .get(&format!("{SUMMARY_PATH}?time_window={minutes}"))
        .send::<Value>()
        .await?;
    parse_summary(&body)
}

/// The page's live feed (for panels and the realtime hook-in).
pub(crate) fn use_feed() -> LiveFeed {
    expect_context::<LiveFeed>()
}
