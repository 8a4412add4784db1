//! The charts, each with its values readable as text: a caption with the
//! latest value and range, and a data table (rendered only while opened).

use super::chart_options::{network_chart, percent_chart, score_chart};
use super::history::HistorySource;
use super::panels::clock;
use super::use_feed;
use crate::services::api::ApiError;
use crate::services::charts::{ChartsState, EChart};
use dashboard_core::chart::TimeChart;
use dashboard_core::format;
use dashboard_core::infra::Limits;
use dashboard_core::live::Point;
use leptos::prelude::*;

type Series = Vec<(f64, Option<f64>)>;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn ChartGrid(
    charts: ReadSignal<ChartsState>,
    stored_history: LocalResource<Result<HistorySource, ApiError>>,
) -> impl IntoView {
    let feed = use_feed();
    let range = feed.range;
    // Charts are rebuilt only when the history changes, not on every poll.
    let history_key = Memo::new(move |_| {
        feed.metrics.with(|m| {
            let h = m.history();
            (
                h.len(),
                h.points().next().map(|p| p.t_ms),
                h.last().map(|p| p.t_ms),
            )
        })
    });
    // The time axis: the chosen window, or the range back from the newest reading.
    let window = Memo::new(move |_| {
        let newest = history_key.get().2?;
        Some(range.get().window(newest))
    });
    let limits = Memo::new(move |_| {
        feed.metrics
            .with(|m| m.latest().and_then(|r| r.health.as_ref()?.thresholds))
    });
    let series = move |metric: fn(&Point) -> Option<f64>| {
        Memo::new(move |_| {
            // Read (not just track): a memo never read has no sources and never changes.
            let _ = history_key.get();
            let gap = feed.gap_ms.get_untracked();
            let mut series = feed
                .metrics
                .with_untracked(|m| m.history().series(metric, gap));
            // A chosen window shows only its own readings.
            if let Some((start, end)) = window.get().filter(|_| !range.get().is_live()) {
                series.retain(|(t, _)| (start..=end).contains(t));
            }
            series
        })
    };
    let cpu = series(|p| p.cpu);
    let memory = series(|p| p.memory);
    let disk = series(|p| p.disk);
    let rx = series(|p| p.rx_bps);
    let tx = series(|p| p.tx_bps);
    let score = series(|p| p.health_score);

    let framed = move |chart: TimeChart| TimeChart {
        window: window.get(),
        ..chart
    };
    let pct = move |name: &'static str,
                    color: &'static str,
                    s: Memo<Series>,
                    pick: fn(&dashboard_core::infra::Thresholds) -> Limits| {
        Signal::derive(move || {
            let s = s.get();
            (!s.is_empty()).then(|| {
                framed(percent_chart(
                    name,
                    color,
                    &s,
                    limits.get().map(|t| pick(&t)),
                ))
            })
        })
    };
    let cpu_chart = pct("CPU", "#2563eb", cpu, |t| t.cpu);
    let memory_chart = pct("Memory", "#db2777", memory, |t| t.memory);
    let disk_chart = pct("Disk", "#ea580c", disk, |t| t.disk);
    let network = Signal::derive(move || {
        let (rx, tx) = (rx.get(), tx.get());
        (!rx.is_empty()).then(|| framed(network_chart(&rx, &tx)))
    });
    let score_option = Signal::derive(move || {
        let s = score.get();
        s.iter()
            .any(|(_, v)| v.is_some())
            .then(|| framed(score_chart(&s)))
    });

    let span = Signal::derive(move || range.get().label());
    let history_note = move || match stored_history.get() {
        Some(Ok(HistorySource::Session)) => Some(
            "This backend keeps no history: the charts show what this tab has seen.".to_string(),
        ),
        Some(Err(err)) => Some(format!(
            "The stored history could not be loaded: {} The charts fill as new readings arrive.",
            err.user_message()
        )),
        _ => None,
    };

    view! {
        <section class="chart-grid" aria-labelledby="charts-heading">
            <h2 id="charts-heading" class="visually-hidden">{move || format!("History ({})", span.get())}</h2>
            {move || history_note().map(|note| view! { <p class="history-note muted" role="status">{note}</p> })}
            <ChartFigure id="cpu-chart" title="CPU usage" option=cpu_chart columns=vec![("CPU", cpu)] fmt=percent charts span />
            <ChartFigure id="memory-chart" title="Memory usage" option=memory_chart columns=vec![("Memory", memory)] fmt=percent charts span />
            <ChartFigure id="disk-chart" title="Disk usage" option=disk_chart columns=vec![("Disk", disk)] fmt=percent charts span />
            <ChartFigure id="network-chart" title="Network throughput" option=network columns=vec![("Received", rx), ("Sent", tx)] fmt=rate charts span />
            <ChartFigure id="score-chart" title="Health score" option=score_option columns=vec![("Score", score)] fmt=plain charts span />
        </section>
    }
}

fn percent(v: f64) -> String {
    format::percent(Some(v))
}

fn rate(v: f64) -> String {
    format::rate(Some(v))
}

fn plain(v: f64) -> String {
    format!("{v:.1}")
}

fn describe(series: &Series, fmt: fn(f64) -> String) -> String {
    let values: Vec<f64> = series.iter().filter_map(|(_, v)| *v).collect();
    match (
        values.last(),
        values.iter().cloned().reduce(f64::min),
        values.iter().cloned().reduce(f64::max),
    ) {
        (Some(last), Some(min), Some(max)) => format!(
            "Latest {}, ranging from {} to {} over {} readings.",
            fmt(*last),
            fmt(min),
            fmt(max),
            values.len()
        ),
        _ => "No readings yet.".into(),
    }
}

#[component]
fn ChartFigure(
    id: &'static str,
    title: &'static str,
    option: Signal<Option<TimeChart>>,
    /// Named series shown as table columns; the first one is described in the caption.
    columns: Vec<(&'static str, Memo<Series>)>,
    fmt: fn(f64) -> String,
    charts: ReadSignal<ChartsState>,
    /// "the last 15 minutes": what the chart covers.
    span: Signal<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let (first_name, first) = columns[0];
    let caption = move || format!("{first_name}: {}", describe(&first.get(), fmt));
    let columns = StoredValue::new(columns);
    view! {
        <figure id=id class="card chart-card" aria-labelledby=format!("{id}-title")>
            <h3 id=format!("{id}-title")>{title}</h3>
            <EChart label=Signal::derive(move || format!("{title} over {}; the values are in the data table below", span.get())) option charts />
            <figcaption class="muted">{caption}</figcaption>
            <details on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                    open.set(el.open());
                }
            }>
                <summary>{format!("{title}: data table")}</summary>
                <Show when=move || open.get()>
                    <ValueTable title columns=columns.get_value() fmt />
                </Show>
            </details>
        </figure>
    }
}

/// Newest first; one row per reading, one column per series.
#[component]
fn ValueTable(
    title: &'static str,
    columns: Vec<(&'static str, Memo<Series>)>,
    fmt: fn(f64) -> String,
) -> impl IntoView {
    let names: Vec<&'static str> = columns.iter().map(|(n, _)| *n).collect();
    // Keyed by time: a new reading adds one row, an expired one removes one;
    // the other rows are left alone.
    let rows = move || {
        let all: Vec<Series> = columns.iter().map(|(_, s)| s.get()).collect();
        let len = all.first().map_or(0, Vec::len);
        (0..len)
            .rev()
            .filter_map(|i| {
                let t = all[0][i].0;
                let values: Vec<Option<f64>> =
                    all.iter().map(|s| s.get(i).and_then(|p| p.1)).collect();
                values.iter().any(Option::is_some).then_some((t, values))
            })
            .collect::<Vec<_>>()
    };
    let row = move |(t, values): (f64, Vec<Option<f64>>)| {
        view! {
            <tr>
                <td>{clock(t)}</td>
                {values.into_iter().map(|v| view! { <td>{v.map(fmt).unwrap_or_else(|| format::MISSING.into())}</td> }).collect_view()}
            </tr>
        }
    };
    view! {
        <table class="data-table">
            <caption class="visually-hidden">{title}</caption>
            <thead>
                <tr>
                    <th scope="col">"Time"</th>
                    {names.into_iter().map(|n| view! { <th scope="col">{n}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                <For each=rows key=|(t, _)| t.to_bits() children=row />
            </tbody>
        </table>
    }
}
