//! The charts, each with its values readable as text: a caption with the
//! latest value and range, and a data table (rendered only while opened).

use super::chart_options::{network_chart, percent_chart, score_chart, use_chart_colors};
use super::history::HistorySource;
use super::panels::clock;
use super::use_feed;
use crate::browser::download;
use crate::browser::locale;
use crate::services::alerts::use_alerts;
use crate::services::api::ApiError;
use crate::services::charts::{Chart, ChartHandle, ChartsState, LinkedCharts};
use dashboard_core::alerts::AlertLevel;
use dashboard_core::chart::{Marker, Severity, TimeChart};
use dashboard_core::export;
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
    let linked = LinkedCharts::provide("observability");
    // A new range is a new time axis: a zoom into the old one means nothing there.
    Effect::new(move |previous: Option<dashboard_core::range::TimeRange>| {
        let now = range.get();
        if previous.is_some_and(|p| p != now) {
            linked.reset_zoom();
        }
        now
    });
    let zoom_note = move || {
        linked
            .zoom
            .get()
            .map(|(start, end)| format!("Zoomed in to {}–{}.", clock(start), clock(end)))
    };
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
    let cpu_max = series(|p| p.cpu_max);
    let memory_max = series(|p| p.memory_max);
    let disk_max = series(|p| p.disk_max);
    let rx = series(|p| p.rx_bps);
    let tx = series(|p| p.tx_bps);
    let score = series(|p| p.health_score);

    let framed = move |chart: TimeChart| TimeChart {
        window: window.get(),
        ..chart
    };
    let alerts = use_alerts();
    // Alerts about a metric, as markers on its chart's time axis.
    let markers = move |metric: &'static str| {
        let (start, end) = window.get()?;
        let found = alerts.book.with(|b| {
            b.about(metric)
                .into_iter()
                .filter(|a| (start..=end).contains(&a.at_ms))
                .map(|a| Marker {
                    t_ms: a.at_ms,
                    label: a.level.as_str().to_string(),
                    severity: match a.level {
                        AlertLevel::Critical => Severity::Critical,
                        AlertLevel::Warning => Severity::Warning,
                    },
                })
                .collect::<Vec<_>>()
        });
        Some(found)
    };
    let colors = use_chart_colors();
    let pct = move |name: &'static str,
                    metric: &'static str,
                    color: fn(&super::chart_options::ChartColors) -> &str,
                    s: Memo<Series>,
                    peaks: Memo<Series>,
                    pick: fn(&dashboard_core::infra::Thresholds) -> Limits| {
        Signal::derive(move || {
            let s = s.get();
            (!s.is_empty()).then(|| {
                let chart = colors.with(|c| {
                    peaks.with(|peaks| {
                        let limits = limits.get().map(|t| pick(&t));
                        percent_chart(name, color(c), &c.theme, &s, peaks, limits)
                    })
                });
                framed(TimeChart {
                    markers: markers(metric).unwrap_or_default(),
                    ..chart
                })
            })
        })
    };
    let cpu_chart = pct("CPU", "cpu", |c| &c.cpu, cpu, cpu_max, |t| t.cpu);
    let memory_chart = pct(
        "Memory",
        "memory",
        |c| &c.memory,
        memory,
        memory_max,
        |t| t.memory,
    );
    let disk_chart = pct("Disk", "disk", |c| &c.disk, disk, disk_max, |t| t.disk);
    let network = Signal::derive(move || {
        let (rx, tx) = (rx.get(), tx.get());
        (!rx.is_empty()).then(|| framed(colors.with(|c| network_chart(c, &rx, &tx))))
    });
    let score_option = Signal::derive(move || {
        let s = score.get();
        s.iter()
            .any(|(_, v)| v.is_some())
            .then(|| framed(colors.with(|c| score_chart(c, &s))))
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
            <div class="zoom-bar" role="status">
                {move || zoom_note().map(|note| view! {
                    <span>{note}</span>
                    " "
                    <button type="button" class="button button-secondary button-small" on:click=move |_| linked.reset_zoom()>
                        "Reset zoom"
                    </button>
                })}
            </div>
            <ChartFigure id="cpu-chart" unit="%" title="CPU usage" option=cpu_chart columns=vec![("CPU", cpu)] peaks=("Highest CPU", cpu_max) fmt=percent charts span />
            <ChartFigure id="memory-chart" unit="%" title="Memory usage" option=memory_chart columns=vec![("Memory", memory)] peaks=("Highest Memory", memory_max) fmt=percent charts span />
            <ChartFigure id="disk-chart" unit="%" title="Disk usage" option=disk_chart columns=vec![("Disk", disk)] peaks=("Highest Disk", disk_max) fmt=percent charts span />
            <ChartFigure id="network-chart" unit="bytes/s" title="Network throughput" option=network columns=vec![("Received", rx), ("Sent", tx)] fmt=rate charts span />
            <ChartFigure id="score-chart" unit="" title="Health score" option=score_option columns=vec![("Score", score)] fmt=plain charts span />
        </section>
    }
}

fn percent(v: f64) -> String {
    locale::percent(Some(v))
}

fn rate(v: f64) -> String {
    locale::rate(Some(v))
}

fn plain(v: f64) -> String {
    locale::fixed(v, 1)
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
    /// Each stored bucket's highest value, exported beside the first column when known.
    #[prop(optional)]
    peaks: Option<(&'static str, Memo<Series>)>,
    fmt: fn(f64) -> String,
    /// The unit of the exported values ("%", "bytes/s"), empty for none.
    unit: &'static str,
    charts: ReadSignal<ChartsState>,
    /// "the last 15 minutes": what the chart covers.
    span: Signal<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let (first_name, first) = columns[0];
    let caption = move || format!("{first_name}: {}", first.with(|s| describe(s, fmt)));
    // The alert markers, also as text: a memo, so that a new reading (a new
    // option) leaves the text's nodes alone unless the markers changed.
    let marked = Memo::new(move |_| {
        option.with(|o| {
            let markers = &o.as_ref()?.markers;
            (!markers.is_empty()).then(|| {
                let list: Vec<String> = markers
                    .iter()
                    .map(|m| format!("{} at {}", m.label, clock(m.t_ms)))
                    .collect();
                format!("Alerts marked on the time axis: {}.", list.join(", "))
            })
        })
    });
    let columns = StoredValue::new(columns);
    let handle = ChartHandle::new();
    let linked = use_context::<LinkedCharts>();
    let export_error = RwSignal::new(None::<String>);
    let save_csv = move |_| {
        // What the chart shows: the group's zoom, or its whole time axis.
        let window = linked
            .and_then(|l| l.zoom.get_untracked())
            .or_else(|| option.with_untracked(|o| o.as_ref().and_then(|c| c.window)));
        let mut columns = columns.get_value();
        // The peaks go beside the first column where the chart draws them.
        if let Some(peaks) = peaks.filter(|(_, p)| {
            p.with_untracked(|p| {
                first.with_untracked(|m| dashboard_core::chart::peaks_differ(m, p))
            })
        }) {
            columns.insert(1, peaks);
        }
        let headings: Vec<String> = columns
            .iter()
            .map(|(name, _)| match unit {
                "" => (*name).to_string(),
                unit => format!("{name} ({unit})"),
            })
            .collect();
        let values: Vec<Series> = columns.iter().map(|(_, s)| s.get_untracked()).collect();
        let table: Vec<export::Column<'_>> = headings
            .iter()
            .zip(&values)
            .map(|(h, v)| (h.as_str(), v.as_slice()))
            .collect();
        let text = export::csv(&table, window);
        let name = export::file_name(title, crate::browser::time::now_ms(), "csv");
        export_error.set(download::save_text(&name, "text/csv;charset=utf-8", &text).err());
    };
    let save_png = move |_| {
        let result = match handle.png() {
            Some(url) => download::save_url(
                &export::file_name(title, crate::browser::time::now_ms(), "png"),
                &url,
            ),
            None => Err("the chart is not drawn".to_string()),
        };
        export_error.set(result.err());
    };
    view! {
        <figure id=id class="card chart-card" aria-labelledby=format!("{id}-title")>
            <h3 id=format!("{id}-title")>{title}</h3>
            <Chart label=Signal::derive(move || format!("{title} over {}; the values are in the data table below", span.get())) option charts handle />
            <figcaption class="muted">{caption}{move || marked.get().map(|m| view! { <br /><span class="chart-alerts">{m}</span> })}</figcaption>
            <div class="chart-actions">
                <button type="button" class="button button-secondary button-small" aria-label=format!("Download {title} as CSV") on:click=save_csv>
                    "CSV"
                </button>
                <button
                    type="button"
                    class="button button-secondary button-small"
                    aria-label=format!("Download {title} as a PNG image")
                    disabled=move || charts.get() != ChartsState::Ready || option.with(Option::is_none)
                    on:click=save_png
                >
                    "PNG"
                </button>
            </div>
            {move || export_error.get().map(|e| view! { <p class="field-error" role="alert">{format!("Could not download: {e}.")}</p> })}
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
