//! The text panels of the observability page: health, metric cards, process,
//! platform, summary, and the stale-data banner. Missing values read "—".

use super::use_feed;
use crate::browser::locale;
use crate::hooks::PollControl;
use crate::services::api::ApiError;
use dashboard_core::format;
use dashboard_core::infra::{InfraReport, Limits, Stats, Summary, Thresholds};
use dashboard_core::live::{level, score_tier, Level, ScoreTier};
use dashboard_core::range;
use leptos::prelude::*;

fn with_latest<T>(f: impl Fn(&InfraReport) -> T + Send + Sync + 'static) -> Signal<Option<T>>
where
    T: PartialEq + Send + Sync + 'static,
{
    let feed = use_feed();
    // A memo: a report that leaves this part unchanged wakes none of its readers.
    Memo::new(move |_| feed.metrics.with(|m| m.latest().map(&f))).into()
}

fn thresholds() -> Signal<Option<Thresholds>> {
    let feed = use_feed();
    Signal::derive(move || {
        feed.metrics
            .with(|m| m.latest().and_then(|r| r.health.as_ref()?.thresholds))
    })
}

fn level_class(level: Level) -> &'static str {
    match level {
        Level::Unknown => "level-unknown",
        Level::Normal => "level-normal",
        Level::Warning => "level-warning",
        Level::Critical => "level-critical",
    }
}

fn level_text(level: Level) -> &'static str {
    match level {
        Level::Unknown => "",
        Level::Normal => "normal",
        Level::Warning => "above warning threshold",
        Level::Critical => "above critical threshold",
    }
}

/// A time of day in the browser's locale.
pub(crate) fn clock(ms: f64) -> String {
    crate::browser::locale::time(ms)
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn StaleBanner(
    message: String,
    poll: PollControl,
    now: ReadSignal<f64>,
) -> impl IntoView {
    let feed = use_feed();
    let since = move || {
        feed.metrics
            .with(|m| m.received_ms())
            .map(clock)
            .unwrap_or_default()
    };
    view! {
        <div class="alert alert-warning stale-banner">
            <p role="alert">
                {move || format!("Showing data from {} — the backend is unreachable or failing. {}", since(), message)}
            </p>
            <RetryLine poll now />
        </div>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn RetryLine(poll: PollControl, now: ReadSignal<f64>) -> impl IntoView {
    let text = move || match (poll.in_flight.get(), poll.next_at_ms.get()) {
        (true, _) => "Retrying now…".to_string(),
        (false, Some(at)) => format!("Retrying in {}.", format::wait(at - now.get())),
        (false, None) => "Automatic refresh is paused.".to_string(),
    };
    view! {
        <p class="retry-line">
            <span>{text}</span>
            " "
            <button type="button" class="button-link" on:click=move |_| poll.refresh_now()>"Retry now"</button>
        </p>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn HealthPanel() -> impl IntoView {
    let score = with_latest(|r| r.health_score);
    let health = with_latest(|r| r.health.clone());
    let loading = with_latest(|_| ());
    let ring = Memo::new(move |_| match (loading.get(), score.get().flatten()) {
        (None, _) => Ring::Loading,
        (Some(()), Some(_)) => Ring::Score,
        (Some(()), None) => Ring::NoScore,
    });
    view! {
        <article class="card health-panel" aria-labelledby="health-heading">
            <h2 id="health-heading">"Health"</h2>
            // Rebuilt only when what is shown changes kind; a new score moves the ring in place.
            {move || match ring.get() {
                Ring::Loading => view! { <div class="skeleton ring-skeleton" aria-hidden="true"></div> }.into_any(),
                Ring::Score => view! { <ScoreRing score=Signal::derive(move || score.get().flatten().unwrap_or(0.0)) /> }.into_any(),
                Ring::NoScore => view! { <p class="muted">"No health score from this backend."</p> }.into_any(),
            }}
            {move || health.get().flatten().map(|h| {
                let status = h.status.clone().unwrap_or_else(|| "unknown".into());
                let badge = match status.as_str() {
                    "healthy" => "badge badge-ok",
                    "degraded" => "badge badge-warning",
                    "unhealthy" => "badge badge-critical",
                    _ => "badge",
                };
                let messages: Vec<(&'static str, String)> = h
                    .critical
                    .iter()
                    .map(|m| ("critical", m.clone()))
                    .chain(h.warnings.iter().map(|m| ("warning", m.clone())))
                    .collect();
                view! {
                    <p>"Threshold check: " <span class=badge>{status}</span></p>
                    {(!messages.is_empty()).then(|| view! {
                        <ul class="health-messages" aria-label="Threshold alerts">
                            {messages.into_iter().map(|(kind, text)| view! {
                                <li class=format!("message-{kind}")>
                                    <span class="visually-hidden">{format!("{kind}: ")}</span>
                                    {text}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                }
            })}
        </article>
    }
}

/// What the health panel's ring place shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ring {
    Loading,
    Score,
    NoScore,
}

#[component]
fn ScoreRing(score: Signal<f64>) -> impl IntoView {
    const R: f64 = 52.0;
    // The same radius as an attribute: text, not an f64 (whose `to_string`
    // would bring core's float formatter into the page).
    const RADIUS: &str = "52";
    let circumference = 2.0 * std::f64::consts::PI * R;
    let tier = move || match score_tier(score.get()) {
        ScoreTier::Green => "score-ring tier-green",
        ScoreTier::Yellow => "score-ring tier-yellow",
        ScoreTier::Orange => "score-ring tier-orange",
        ScoreTier::Red => "score-ring tier-red",
    };
    let dash = move || {
        let filled = circumference * score.get().clamp(0.0, 100.0) / 100.0;
        format!(
            "{} {}",
            format::fixed(filled, 1),
            format::fixed(circumference, 1)
        )
    };
    view! {
        <div class=tier>
            <svg viewBox="0 0 120 120" role="img" aria-label=move || format!("Health score {} out of 100", format::fixed(score.get(), 0))>
                <circle class="ring-track" cx="60" cy="60" r=RADIUS></circle>
                <circle
                    class="ring-value"
                    cx="60"
                    cy="60"
                    r=RADIUS
                    stroke-dasharray=dash
                    transform="rotate(-90 60 60)"
                ></circle>
                <text x="60" y="68" text-anchor="middle" class="ring-text">{move || format::fixed(score.get(), 0)}</text>
            </svg>
            <p class="score-caption">"Health score"</p>
        </div>
    }
}

/// A metric card: big value, a bar coloured by the backend's thresholds, details.
#[component]
fn MetricCard(
    id: &'static str,
    title: &'static str,
    value: Signal<Option<Option<f64>>>,
    limits: Signal<Option<Limits>>,
    children: Children,
) -> impl IntoView {
    let lvl = move || level(value.get().flatten(), limits.get());
    let width = move || {
        let percent = value.get().flatten().unwrap_or(0.0).clamp(0.0, 100.0);
        format!("{}%", format::fixed(percent, 1))
    };
    view! {
        <article id=id class=move || format!("card metric-card {}", level_class(lvl())) aria-labelledby=format!("{id}-heading")>
            <h2 id=format!("{id}-heading")>{title}</h2>
            // Built once when the first report arrives (`Show` memoises its
            // condition); a refresh rewrites only the texts that changed.
            <Show
                when=move || value.with(Option::is_some)
                fallback=|| view! { <div class="skeleton value-skeleton" aria-hidden="true"></div> }
            >
                <p class="metric-value">
                    {move || locale::percent(value.get().flatten())}
                    <span class="visually-hidden">{move || format!(" {}", level_text(lvl()))}</span>
                </p>
            </Show>
            <div class="meter" aria-hidden="true">
                <div class="meter-fill" style:width=width></div>
            </div>
            <dl class="facts">{children()}</dl>
        </article>
    }
}

fn fact(label: &'static str, value: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn CpuCard() -> impl IntoView {
    let r = with_latest(|r| r.cpu.clone());
    let t = thresholds();
    let value = Signal::derive(move || r.get().map(|c| c.percent));
    let limits = Signal::derive(move || t.get().map(|t| t.cpu));
    view! {
        <MetricCard id="cpu" title="CPU" value limits>
            {fact("Cores", move || locale::count(r.get().and_then(|c| c.count)))}
            {fact("Frequency", move || r.get().and_then(|c| c.freq_mhz).map(|f| format!("{} MHz", format::fixed(f, 0))).unwrap_or_else(|| format::MISSING.into()))}
        </MetricCard>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn MemoryCard() -> impl IntoView {
    let r = with_latest(|r| r.memory.clone());
    let t = thresholds();
    let value = Signal::derive(move || r.get().map(|m| m.percent));
    let limits = Signal::derive(move || t.get().map(|t| t.memory));
    view! {
        <MetricCard id="memory" title="Memory" value limits>
            {fact("Used", move || locale::gigabytes(r.get().and_then(|m| m.used_gb)))}
            {fact("Available", move || locale::gigabytes(r.get().and_then(|m| m.available_gb)))}
            {fact("Total", move || locale::gigabytes(r.get().and_then(|m| m.total_gb)))}
        </MetricCard>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn DiskCard() -> impl IntoView {
    let r = with_latest(|r| r.disk.clone());
    let t = thresholds();
    let value = Signal::derive(move || r.get().map(|d| d.percent));
    let limits = Signal::derive(move || t.get().map(|t| t.disk));
    view! {
        <MetricCard id="disk" title="Disk" value limits>
            {fact("Used", move || locale::gigabytes(r.get().and_then(|d| d.used_gb)))}
            {fact("Free", move || locale::gigabytes(r.get().and_then(|d| d.free_gb)))}
            {fact("Total", move || locale::gigabytes(r.get().and_then(|d| d.total_gb)))}
        </MetricCard>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn NetworkCard() -> impl IntoView {
    let feed = use_feed();
    let net = with_latest(|r| r.network.clone());
    let rates = Memo::new(move |_| {
        feed.metrics
            .with(|m| m.history().last().map(|p| (p.rx_bps, p.tx_bps)))
    });
    view! {
        <article id="network" class="card metric-card level-unknown" aria-labelledby="network-heading">
            <h2 id="network-heading">"Network"</h2>
            // Only the texts change with each report, not the nodes around them.
            <Show
                when=move || net.with(Option::is_some)
                fallback=|| view! { <div class="skeleton value-skeleton" aria-hidden="true"></div> }
            >
                <p class="metric-value metric-value-small">
                    <span title="Received">"↓ " {move || locale::rate(rates.get().and_then(|r| r.0))}</span>
                    <span class="visually-hidden">" received, "</span>
                    <span title="Sent">" ↑ " {move || locale::rate(rates.get().and_then(|r| r.1))}</span>
                    <span class="visually-hidden">" sent"</span>
                </p>
            </Show>
            <dl class="facts">
                {fact("Received in total", move || net.get().and_then(|n| n.bytes_recv).map(|b| locale::bytes(b as f64)).unwrap_or_else(|| format::MISSING.into()))}
                {fact("Sent in total", move || net.get().and_then(|n| n.bytes_sent).map(|b| locale::bytes(b as f64)).unwrap_or_else(|| format::MISSING.into()))}
                {fact("Connections", move || locale::count(net.get().and_then(|n| n.connections)))}
            </dl>
            <p class="muted unit-note">"Binary units: 1 KB = 1,024 bytes, 1 MB = 1,024 KB."</p>
        </article>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn ProcessCard() -> impl IntoView {
    let p = with_latest(|r| r.process.clone());
    let field = move |f: fn(&dashboard_core::infra::ProcessStats) -> String| {
        move || {
            p.get()
                .flatten()
                .map(|p| f(&p))
                .unwrap_or_else(|| format::MISSING.into())
        }
    };
    view! {
        <article class="card" aria-labelledby="process-heading">
            <h2 id="process-heading">"Backend process"</h2>
            <dl class="facts facts-wide">
                {fact("Name", field(|p| p.name.clone().unwrap_or_else(|| format::MISSING.into())))}
                {fact("PID", field(|p| locale::count(p.pid)))}
                {fact("Status", field(|p| p.status.clone().unwrap_or_else(|| format::MISSING.into())))}
                {fact("CPU", field(|p| locale::percent(p.cpu_percent)))}
                {fact("Memory", field(|p| format!("{} ({})", locale::megabytes(p.memory_mb), locale::percent(p.memory_percent))))}
                {fact("Threads", field(|p| locale::count(p.threads)))}
                {fact("Open files", field(|p| locale::count(p.file_descriptors)))}
                {fact("Started", field(|p| p.create_time.clone().unwrap_or_else(|| format::MISSING.into())))}
            </dl>
        </article>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn PlatformCard() -> impl IntoView {
    let uptime = with_latest(|r| r.uptime_seconds);
    let platform = with_latest(|r| r.platform.clone());
    view! {
        <article class="card" aria-labelledby="platform-heading">
            <h2 id="platform-heading">"Platform"</h2>
            <dl class="facts facts-wide">
                {fact("Host uptime", move || format::duration(uptime.get().flatten()))}
                {move || platform.get().unwrap_or_default().into_iter().map(|(label, value)| view! {
                    <div>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </article>
    }
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn SummaryCard(
    window: Signal<u32>,
    window_summary: LocalResource<Result<Option<Summary>, ApiError>>,
    on_window: impl Fn(u32) + 'static,
) -> impl IntoView {
    let from_report = with_latest(|r| r.summary.clone());
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(minutes) = event_target_value(&ev).parse::<u32>() {
            on_window(minutes);
        }
    };
    // The default window comes with every report; others are their own read,
    // kept on screen while the next window loads.
    let body = move || {
        if window.get() == super::REPORT_SUMMARY_MINUTES {
            let summary = Signal::derive(move || from_report.get().flatten());
            return view! { <SummaryBody summary /> }.into_any();
        }
        view! {
            <Transition fallback=|| view! { <p class="muted">"Loading the summary…"</p> }>
                <ErrorBoundary fallback=|errors| view! {
                    <p class="muted">
                        {move || errors.with(|e| e.iter().next().map(|(_, e)| format!("Summary unavailable: {e}")))}
                    </p>
                }>
                    {move || window_summary.get().map(|read| read.map(|summary| view! { <SummaryBody summary=Signal::stored(summary) /> }))}
                </ErrorBoundary>
            </Transition>
        }
        .into_any()
    };
    view! {
        <article class="card summary-card" aria-labelledby="summary-heading">
            <div class="card-header">
                <h2 id="summary-heading">"Summary"</h2>
                <label for="summary-window" class="visually-hidden">"Summary window"</label>
                <select id="summary-window" on:change=on_change>
                    {range::SUMMARY_WINDOWS.into_iter().map(|m| view! {
                        <option value=m.to_string() selected=move || window.get() == m>{format!("Last {m} min")}</option>
                    }).collect_view()}
                </select>
            </div>
            {body}
        </article>
    }
}

/// A summary, or why there is none. Built when a summary first arrives; a
/// refresh rewrites only the figures that changed.
#[component]
fn SummaryBody(summary: Signal<Option<Summary>>) -> impl IntoView {
    view! {
        <Show
            when=move || summary.with(Option::is_some)
            fallback=|| view! { <p class="muted">"No samples in this window yet."</p> }
        >
            <SummaryTable summary />
        </Show>
    }
}

/// Which metric's statistics a summary row shows.
type StatsOf = fn(&Summary) -> Option<Stats>;

#[component]
fn SummaryTable(summary: Signal<Option<Summary>>) -> impl IntoView {
    let rows: [(&str, StatsOf); 3] = [
        ("CPU", |s| s.cpu),
        ("Memory", |s| s.memory),
        ("Disk", |s| s.disk),
    ];
    let caption = move || {
        summary.with(|s| {
            let s = s.as_ref();
            match (
                s.and_then(|s| s.sample_count),
                s.and_then(|s| s.window_minutes),
            ) {
                (Some(n), Some(m)) => format!("{n} samples over the last {m} min"),
                (Some(n), None) => format!("{n} samples"),
                _ => "Samples".to_string(),
            }
        })
    };
    let cell = move |stats: StatsOf, figure: fn(Stats) -> f64| {
        move || locale::percent(summary.with(|s| s.as_ref().and_then(stats)).map(figure))
    };
    view! {
        <table class="summary-table">
            <caption>{caption}</caption>
            <thead>
                <tr><th scope="col">"Metric"</th><th scope="col">"Average"</th><th scope="col">"Min"</th><th scope="col">"Max"</th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|(name, stats)| view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td>{cell(stats, |s| s.avg)}</td>
                        <td>{cell(stats, |s| s.min)}</td>
                        <td>{cell(stats, |s| s.max)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
