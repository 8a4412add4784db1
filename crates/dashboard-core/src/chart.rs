//! What a time-series chart draws, written as one JSON spec for the page's
//! chart adapter (`tools/charts/entry.js`, on uPlot).
//!
//! The spec says everything the chart shows: each line's readings and style,
//! the time axis's bounds and narrowest zoom, the value axis's top, the
//! threshold and alert lines and the colours. The adapter only translates it
//! to uPlot; the same spec drawn twice draws the same chart. Axis and legend
//! texts are written by the app's locale formatters (wasm closures, see
//! `services/chart_locale.rs`) from [`TimeChart::unit_template`].

use serde_json::{json, Value};

/// A reading time (ms since the epoch) and its value, `None` for a gap.
pub type Series = [(f64, Option<f64>)];

/// The colours of a chart, from the page's theme tokens (`--chart-*` in
/// `style/main.css`), so charts follow the colour scheme. Each is a CSS colour.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartTheme {
    /// Axis labels and the legend (text: 4.5:1 against the card).
    pub text: String,
    /// The value axis's grid lines.
    pub grid: String,
    /// Warning threshold lines and alert markers.
    pub warning: String,
    /// Critical threshold lines and alert markers.
    pub critical: String,
}

impl Default for ChartTheme {
    /// The light scheme's tokens: what a page without the stylesheet gets.
    fn default() -> Self {
        ChartTheme {
            text: "#5a6276".into(),
            grid: "rgba(90,98,118,0.25)".into(),
            warning: "#a16207".into(),
            critical: "#b91c1c".into(),
        }
    }
}

/// Which of the theme's alert colours a threshold or marker takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// `ChartTheme::warning`.
    Warning,
    /// `ChartTheme::critical`.
    Critical,
}

impl ChartTheme {
    fn severity(&self, severity: Severity) -> &str {
        match severity {
            Severity::Warning => &self.warning,
            Severity::Critical => &self.critical,
        }
    }
}
/// At least a minute of time axis, ending at the newest reading: a single
/// reading would otherwise stretch the axis over days.
const MIN_SPAN_MS: f64 = 60_000.0;
/// The narrowest zoom: ten seconds of time axis.
const MIN_ZOOM_MS: f64 = 10_000.0;
/// Below this many points a line is hard to see, so each point gets a dot.
const FEW_POINTS: usize = 5;

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Shown in the tooltip and the legend.
    pub name: String,
    /// A CSS colour (a theme token's value).
    pub color: String,
    /// The readings, in time order.
    pub points: Vec<(f64, Option<f64>)>,
    /// Each value is divided by this before it is drawn (a unit change).
    pub scale: f64,
    /// Drawn thin and faded, a companion of the line before it (a bucket's highest value).
    pub faint: bool,
}

/// A horizontal line at a value, labelled with its name and value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// "warning", "critical".
    pub name: &'static str,
    /// Where the line is drawn, in the axis's unit.
    pub value: f64,
    /// The theme colour of the line and its label.
    pub severity: Severity,
}

/// A vertical line at an instant: an alert on the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// When (ms since the epoch).
    pub t_ms: f64,
    /// A short label drawn at the top of the line ("critical").
    pub label: String,
    /// The theme colour of the line and its label.
    pub severity: Severity,
}

/// A chart of values over time.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeChart {
    /// The value axis's and legend's number template, e.g. `"{value} %"`.
    pub unit_template: String,
    /// The top of the value axis when fixed (100 for percentages).
    pub y_max: Option<f64>,
    /// The lines, drawn in this order.
    pub lines: Vec<Line>,
    /// Lines drawn across the first series at fixed values.
    pub thresholds: Vec<Threshold>,
    /// Instants marked on the time axis (alerts about this chart's metric).
    pub markers: Vec<Marker>,
    /// The time axis's bounds (ms), when the chart shows a chosen range;
    /// otherwise it spans the readings.
    pub window: Option<(f64, f64)>,
    /// The colours of everything that is not a line.
    pub theme: ChartTheme,
}

impl TimeChart {
    /// The whole chart, for each draw: the adapter keeps the drawn chart
    /// (its canvas, zoom and crosshair) and replaces what changed.
    pub fn spec(&self) -> Value {
        let lines: Vec<Value> = self.lines.iter().map(line_spec).collect();
        json!({
            "lines": lines,
            "x": self.time_bounds().map(|(min, max)| [min, max]),
            "minSpan": MIN_ZOOM_MS,
            "yMax": self.y_max,
            "levels": self.thresholds.iter().map(|t| json!({
                "value": t.value,
                "label": format!("{} {}%", t.name, crate::format::trimmed(t.value, 2)),
                "color": self.theme.severity(t.severity),
            })).collect::<Vec<_>>(),
            "instants": self.markers.iter().map(|m| json!({
                "t": m.t_ms,
                "label": m.label,
                "color": self.theme.severity(m.severity),
            })).collect::<Vec<_>>(),
            "theme": { "text": self.theme.text, "grid": self.theme.grid },
        })
    }

    /// How many lines the chart has.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The time axis's bounds, none without readings (the adapter then spans
    /// whatever it has).
    fn time_bounds(&self) -> Option<(f64, f64)> {
        if self.window.is_some() {
            return self.window;
        }
        let points = &self.lines.first()?.points;
        let first = points.first()?.0;
        let last = points.last()?.0;
        Some((first.min(last - MIN_SPAN_MS), last))
    }
}

/// One line: its style, and its readings as two columns (`t`, `v`), values
/// scaled and rounded to two decimals; a gap stays `null` so the line breaks
/// there.
fn line_spec(line: &Line) -> Value {
    let times: Vec<f64> = line.points.iter().map(|(t, _)| *t).collect();
    let values: Vec<Option<f64>> = line
        .points
        .iter()
        .map(|(_, v)| v.map(|v| (v / line.scale * 100.0).round() / 100.0))
        .collect();
    json!({
        "name": line.name,
        "color": line.color,
        "width": if line.faint { 1 } else { 2 },
        "alpha": if line.faint { 0.5 } else { 1.0 },
        "dots": !line.faint && line.points.len() < FEW_POINTS,
        "t": times,
        "v": values,
    })
}

/// Whether the highest values of buckets say more than their means: stored
/// history coarser than the sampler, where a spike would otherwise be averaged
/// away. Both are matched by time.
pub fn peaks_differ(means: &Series, peaks: &Series) -> bool {
    let mut means = means.iter().peekable();
    peaks.iter().any(|(t, peak)| {
        while means.next_if(|(at, _)| at < t).is_some() {}
        let mean = means.peek().filter(|(at, _)| at == t).and_then(|(_, m)| *m);
        matches!((peak, mean), (Some(p), Some(m)) if *p > m + 0.05)
    })
}

/// Picks a unit so the axis reads 0–1024 of something: its name and how many
/// bytes per second one of it is.
pub fn rate_unit(max_bytes_per_second: f64) -> (&'static str, f64) {
    const KB: f64 = 1024.0;
    match max_bytes_per_second {
        m if m >= KB * KB * KB => ("GB/s", KB * KB * KB),
        m if m >= KB * KB => ("MB/s", KB * KB),
        m if m >= KB => ("KB/s", KB),
        _ => ("B/s", 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(points: Vec<(f64, Option<f64>)>) -> TimeChart {
        TimeChart {
            unit_template: "{value} %".into(),
            y_max: Some(100.0),
            lines: vec![Line {
                name: "CPU".into(),
                color: "#2563eb".into(),
                points,
                scale: 1.0,
                faint: false,
            }],
            thresholds: vec![],
            markers: vec![],
            window: None,
            theme: ChartTheme::default(),
        }
    }

    #[test]
    fn alerts_are_instants_in_their_severitys_colour() {
        let mut c = chart(vec![(1.0, Some(1.0))]);
        c.markers = vec![Marker {
            t_ms: 5_000.0,
            label: "critical".into(),
            severity: Severity::Critical,
        }];
        assert_eq!(
            c.spec()["instants"],
            json!([{ "t": 5_000.0, "label": "critical", "color": "#b91c1c" }])
        );
    }

    #[test]
    fn every_colour_but_the_lines_comes_from_the_theme() {
        let mut c = chart(vec![(1.0, Some(1.0))]);
        c.theme = ChartTheme {
            text: "#eeeeee".into(),
            grid: "#333333".into(),
            warning: "#ffff00".into(),
            critical: "#ff0000".into(),
        };
        c.thresholds = vec![Threshold {
            name: "warning",
            value: 70.0,
            severity: Severity::Warning,
        }];
        let spec = c.spec();
        assert_eq!(
            spec["theme"],
            json!({ "text": "#eeeeee", "grid": "#333333" })
        );
        assert_eq!(spec["levels"][0]["color"], "#ffff00");
        assert_eq!(spec["lines"][0]["color"], "#2563eb");
    }

    #[test]
    fn thresholds_are_labelled_levels() {
        let mut c = chart(vec![(1.0, Some(1.0))]);
        c.thresholds = vec![
            Threshold {
                name: "warning",
                value: 70.0,
                severity: Severity::Warning,
            },
            Threshold {
                name: "critical",
                value: 90.5,
                severity: Severity::Critical,
            },
        ];
        let levels = &c.spec()["levels"];
        assert_eq!(levels[0]["label"], "warning 70%");
        assert_eq!(levels[1]["value"], 90.5);
        assert_eq!(levels[1]["label"], "critical 90.5%");
    }

    #[test]
    fn a_buckets_peak_is_a_faint_thin_line_without_dots() {
        assert!(peaks_differ(
            &[(1.0, Some(10.0)), (2.0, Some(10.0))],
            &[(2.0, Some(99.0))]
        ));
        assert!(!peaks_differ(
            &[(1.0, Some(10.0))],
            &[(1.0, Some(10.0)), (3.0, Some(90.0))]
        ));
        assert!(!peaks_differ(&[(1.0, None)], &[(1.0, Some(5.0))]));
        let mut c = chart(vec![(1.0, Some(10.0))]);
        c.lines.push(Line {
            name: "Highest CPU".into(),
            color: "#2563eb".into(),
            points: vec![(1.0, Some(99.0))],
            scale: 1.0,
            faint: true,
        });
        assert_eq!(c.line_count(), 2);
        let lines = &c.spec()["lines"];
        assert_eq!(lines[0]["width"], 2);
        assert_eq!(lines[0]["alpha"], 1.0);
        assert_eq!(lines[0]["dots"], true, "few points get a dot each");
        assert_eq!(lines[1]["width"], 1);
        assert_eq!(lines[1]["alpha"], 0.5);
        assert_eq!(lines[1]["dots"], false);
    }

    #[test]
    fn a_chosen_range_sets_the_time_axis() {
        let mut c = chart(vec![(100_000.0, Some(1.0))]);
        c.window = Some((0.0, 3_600_000.0));
        assert_eq!(c.spec()["x"], json!([0.0, 3_600_000.0]));
    }

    #[test]
    fn the_time_axis_spans_at_least_a_minute_and_zooms_to_ten_seconds() {
        let one = chart(vec![(100_000.0, Some(1.0))]).spec();
        assert_eq!(one["x"], json!([40_000.0, 100_000.0]));
        assert_eq!(one["minSpan"], 10_000.0);
        let long = chart(vec![(0.0, None), (300_000.0, Some(1.0))]).spec();
        assert_eq!(long["x"], json!([0.0, 300_000.0]));
        let empty = chart(vec![]).spec();
        assert!(empty["x"].is_null(), "the adapter spans what it has");
    }

    #[test]
    fn gaps_stay_gaps_and_values_are_scaled_and_rounded() {
        let mut c = chart(vec![(1.0, Some(2048.0)), (2.0, None), (3.0, Some(1000.0))]);
        c.lines[0].scale = 1024.0;
        let line = &c.spec()["lines"][0];
        assert_eq!(line["t"], json!([1.0, 2.0, 3.0]));
        assert_eq!(line["v"], json!([2.0, null, 0.98]));
    }

    #[test]
    fn many_points_get_no_dots_and_the_value_axis_may_be_open() {
        let points = (0..10).map(|i| (f64::from(i), Some(1.0))).collect();
        let mut c = chart(points);
        assert_eq!(c.spec()["lines"][0]["dots"], false);
        assert_eq!(c.spec()["yMax"], 100.0);
        c.y_max = None;
        assert!(c.spec()["yMax"].is_null());
    }

    #[test]
    fn rate_units() {
        assert_eq!(rate_unit(10.0), ("B/s", 1.0));
        assert_eq!(rate_unit(2048.0).0, "KB/s");
        assert_eq!(rate_unit(5.0 * 1024.0 * 1024.0).0, "MB/s");
        assert_eq!(rate_unit(3.0 * 1024.0 * 1024.0 * 1024.0).0, "GB/s");
    }
}
