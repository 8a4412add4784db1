//! ECharts options for the time-series charts, written as JSON.
//!
//! Only the handful of option fields the charts use are written, which keeps
//! the wasm free of a full typed option model. Axis labels carry ECharts string
//! templates; the app replaces them with formatters in the browser's locale
//! (wasm closures, see `services/chart_locale.rs`). A chart is drawn once with [`TimeChart::option`] and then kept up
//! to date with [`TimeChart::update`], which carries only what data changes.

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
    /// ECharts' value-axis label template, e.g. `"{value} %"`.
    pub unit_template: String,
    /// The top of the value axis when fixed (100 for percentages).
    pub y_max: Option<f64>,
    /// The lines, drawn in this order.
    pub lines: Vec<Line>,
    /// Lines drawn across the first series at fixed values.
    pub thresholds: Vec<Threshold>,
    /// Instants marked on the time axis (alerts about this chart's metric).
    pub markers: Vec<Marker>,
    /// Whether the chart shows a legend (charts with more than one line).
    pub legend: bool,
    /// The time axis's bounds (ms), when the chart shows a chosen range;
    /// otherwise it spans the readings.
    pub window: Option<(f64, f64)>,
    /// The colours of everything that is not a line.
    pub theme: ChartTheme,
}

impl TimeChart {
    /// The full option, for the first draw.
    pub fn option(&self) -> Value {
        let mut option = json!({
            "animation": false,
            "grid": { "left": 48, "right": 16, "top": 28, "bottom": 28 },
            // Drawn on the canvas: ECharts' HTML tooltips carry inline `style`
            // attributes, which the CSP's `style-src 'self'` refuses.
            "tooltip": { "trigger": "axis", "renderMode": "richText", "confine": true },
            // Zoom on the time axis: the wheel (or a pinch), and dragging across
            // the chart, which is ECharts' toolbox box-zoom switched on by the
            // page with its buttons kept invisible (the page has its own reset).
            "dataZoom": [{
                "type": "inside",
                "xAxisIndex": 0,
                "filterMode": "none",
                "zoomOnMouseWheel": true,
                "moveOnMouseMove": false,
                "moveOnMouseWheel": false,
                "minValueSpan": MIN_ZOOM_MS,
            }],
            "toolbox": {
                "right": 0,
                "top": 0,
                "itemSize": 1,
                "showTitle": false,
                "iconStyle": { "opacity": 0 },
                "emphasis": { "iconStyle": { "opacity": 0 } },
                "feature": { "dataZoom": { "yAxisIndex": "none", "filterMode": "none" } },
            },
            "color": self.lines.iter().map(|l| l.color.as_str()).collect::<Vec<_>>(),
            "xAxis": {
                "type": "time",
                "splitNumber": 4,
                "axisLabel": { "color": self.theme.text, "hideOverlap": true },
                "splitLine": { "show": false },
            },
            "yAxis": {
                "type": "value",
                "min": 0,
                "axisLabel": { "formatter": self.unit_template, "color": self.theme.text },
                "splitLine": { "lineStyle": { "color": self.theme.grid } },
            },
            "series": self.series(true),
        });
        if let Some(max) = self.y_max {
            option["yAxis"]["max"] = max.into();
        }
        option["xAxis"]
            .as_object_mut()
            .into_iter()
            .for_each(|axis| axis.extend(self.x_bounds()));
        // Written either way: a full option merged into a drawn chart must
        // also take a legend away.
        option["legend"] = if self.legend {
            json!({ "show": true, "top": 0, "right": 8, "textStyle": { "color": self.theme.text } })
        } else {
            json!({ "show": false })
        };
        option
    }

    /// How many lines the chart has.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// What [`TimeChart::update`] does not carry: the theme and the lines'
    /// colours (and so their number). When it changes, the chart is drawn
    /// again from [`TimeChart::option`] (a new colour scheme, a line added).
    pub fn look(&self) -> (ChartTheme, Vec<String>) {
        (
            self.theme.clone(),
            self.lines.iter().map(|l| l.color.clone()).collect(),
        )
    }

    /// What changes from one reading to the next: the series and the time
    /// axis's bounds. ECharts merges it into the option it holds instead of
    /// rebuilding the grid, axes and tooltip.
    pub fn update(&self) -> Value {
        json!({
            "xAxis": Value::Object(self.x_bounds().collect()),
            "series": self.series(false),
        })
    }

    /// The time axis's `min` and `max`, none without readings (ECharts then
    /// picks its own).
    fn x_bounds(&self) -> impl Iterator<Item = (String, Value)> {
        self.time_bounds().into_iter().flat_map(|(min, max)| {
            [
                ("min".to_string(), min.into()),
                ("max".to_string(), max.into()),
            ]
        })
    }

    fn time_bounds(&self) -> Option<(f64, f64)> {
        if self.window.is_some() {
            return self.window;
        }
        let points = &self.lines.first()?.points;
        let first = points.first()?.0;
        let last = points.last()?.0;
        Some((first.min(last - MIN_SPAN_MS), last))
    }

    fn series(&self, with_style: bool) -> Vec<Value> {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let mut series = json!({
                    "type": "line",
                    "name": line.name,
                    "showSymbol": line.points.len() < FEW_POINTS,
                    "data": data(&line.points, line.scale),
                });
                // A faint line carries its style in every update: it may join
                // a chart after its first draw (when stored history arrives).
                if with_style || line.faint {
                    series["symbol"] = "circle".into();
                    series["connectNulls"] = false.into();
                    series["lineStyle"] = json!({ "width": 2, "color": line.color });
                    series["itemStyle"] = json!({ "color": line.color });
                }
                if line.faint {
                    series["lineStyle"] =
                        json!({ "width": 1, "color": line.color, "opacity": 0.5 });
                    series["showSymbol"] = false.into();
                }
                if i == 0 && !(self.thresholds.is_empty() && self.markers.is_empty()) {
                    series["markLine"] = mark_lines(&self.thresholds, &self.markers, &self.theme);
                }
                series
            })
            .collect()
    }
}

/// `[time, value]` pairs, values rounded to two decimals; a gap stays `null`
/// so the line breaks there.
fn data(points: &Series, scale: f64) -> Vec<Value> {
    points
        .iter()
        .map(|(t, v)| json!([t, v.map(|v| (v / scale * 100.0).round() / 100.0)]))
        .collect()
}

fn mark_lines(thresholds: &[Threshold], markers: &[Marker], theme: &ChartTheme) -> Value {
    let levels = thresholds.iter().map(|t| {
        let color = theme.severity(t.severity);
        json!({
            "name": t.name,
            "yAxis": t.value,
            "lineStyle": { "color": color },
            "label": {
                "position": "insideEndTop",
                "formatter": format!("{} {}%", t.name, t.value),
                "color": color,
            },
        })
    });
    let instants = markers.iter().map(|m| {
        let color = theme.severity(m.severity);
        json!({
            "name": m.label,
            "xAxis": m.t_ms,
            "lineStyle": { "color": color, "type": "solid", "width": 2 },
            "label": { "position": "end", "formatter": m.label, "color": color },
        })
    });
    let lines: Vec<Value> = levels.chain(instants).collect();
    json!({
        "silent": true,
        "symbol": ["none", "none"],
        "lineStyle": { "type": "dashed" },
        "data": lines,
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
            legend: false,
            window: None,
            theme: ChartTheme::default(),
        }
    }

    #[test]
    fn alerts_are_vertical_lines_at_their_time() {
        let mut c = chart(vec![(1.0, Some(1.0))]);
        c.markers = vec![Marker {
            t_ms: 5_000.0,
            label: "critical".into(),
            severity: Severity::Critical,
        }];
        let mark = &c.option()["series"][0]["markLine"];
        assert_eq!(mark["data"][0]["xAxis"], 5_000.0);
        assert_eq!(mark["data"][0]["label"]["formatter"], "critical");
        assert_eq!(mark["data"][0]["lineStyle"]["type"], "solid");
        assert_eq!(mark["data"][0]["lineStyle"]["color"], "#b91c1c");
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
        let option = c.option();
        assert_eq!(option["xAxis"]["axisLabel"]["color"], "#eeeeee");
        assert_eq!(option["yAxis"]["axisLabel"]["color"], "#eeeeee");
        assert_eq!(
            option["yAxis"]["splitLine"]["lineStyle"]["color"],
            "#333333"
        );
        let mark = &option["series"][0]["markLine"]["data"][0];
        assert_eq!(mark["label"]["color"], "#ffff00");
    }

    #[test]
    fn the_time_axis_zooms_by_wheel_and_drag_but_updates_never_reset_it() {
        let c = chart(vec![(1.0, Some(1.0))]);
        let option = c.option();
        let inside = &option["dataZoom"][0];
        assert_eq!(inside["type"], "inside");
        assert_eq!(inside["filterMode"], "none", "lines run to the edges");
        assert_eq!(
            inside["moveOnMouseMove"], false,
            "a drag selects, never pans"
        );
        let drag = &option["toolbox"]["feature"]["dataZoom"];
        assert_eq!(drag["yAxisIndex"], "none", "only time is zoomed");
        let update = c.update();
        assert!(update.get("dataZoom").is_none() && update.get("toolbox").is_none());
    }

    #[test]
    fn a_buckets_peak_is_a_faint_line_styled_in_every_update() {
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
        let update = c.update();
        assert_eq!(update["series"][1]["lineStyle"]["opacity"], 0.5);
        assert!(update["series"][0].get("lineStyle").is_none());
    }

    #[test]
    fn a_chosen_range_sets_the_time_axis() {
        let mut c = chart(vec![(100_000.0, Some(1.0))]);
        c.window = Some((0.0, 3_600_000.0));
        assert_eq!(c.option()["xAxis"]["min"], 0.0);
        assert_eq!(c.update()["xAxis"]["max"], 3_600_000.0);
    }

    #[test]
    fn the_time_axis_spans_at_least_a_minute() {
        let one = chart(vec![(100_000.0, Some(1.0))]).option();
        assert_eq!(one["xAxis"]["min"], 40_000.0);
        assert_eq!(one["xAxis"]["max"], 100_000.0);
        let long = chart(vec![(0.0, None), (300_000.0, Some(1.0))]).update();
        assert_eq!(long["xAxis"], json!({ "min": 0.0, "max": 300_000.0 }));
        let empty = chart(vec![]).option();
        assert!(empty["xAxis"].get("min").is_none(), "ECharts picks its own");
    }

    #[test]
    fn gaps_stay_gaps_and_values_are_scaled_and_rounded() {
        let mut c = chart(vec![(1.0, Some(2048.0)), (2.0, None), (3.0, Some(1000.0))]);
        c.lines[0].scale = 1024.0;
        let option = c.option();
        let series = &option["series"][0];
        assert_eq!(
            series["data"],
            json!([[1.0, 2.0], [2.0, null], [3.0, 0.98]])
        );
        assert_eq!(series["connectNulls"], false);
        assert_eq!(series["showSymbol"], true, "few points get a dot each");
    }

    #[test]
    fn the_tooltip_is_drawn_on_the_canvas_and_labels_never_overlap() {
        let option = chart(vec![(1.0, Some(1.0))]).option();
        assert_eq!(option["tooltip"]["renderMode"], "richText");
        assert_eq!(option["xAxis"]["axisLabel"]["hideOverlap"], true);
        assert_eq!(option["yAxis"]["axisLabel"]["formatter"], "{value} %");
        assert_eq!(option["yAxis"]["max"], 100.0);
        assert_eq!(option["legend"]["show"], false);
    }

    #[test]
    fn thresholds_are_dashed_labelled_lines_on_the_first_series() {
        let mut c = chart(vec![(1.0, Some(1.0))]);
        c.thresholds = vec![
            Threshold {
                name: "warning",
                value: 70.0,
                severity: Severity::Warning,
            },
            Threshold {
                name: "critical",
                value: 90.0,
                severity: Severity::Critical,
            },
        ];
        let option = c.option();
        let mark = &option["series"][0]["markLine"];
        assert_eq!(mark["lineStyle"]["type"], "dashed");
        assert_eq!(mark["data"][1]["yAxis"], 90.0);
        assert_eq!(mark["data"][1]["label"]["formatter"], "critical 90%");
        // Thresholds come from each report, so an update carries them too.
        assert_eq!(c.update()["series"][0]["markLine"], *mark);
    }

    #[test]
    fn an_update_carries_data_and_bounds_but_no_styling() {
        let update = chart(vec![(1.0, Some(1.0))]).update();
        let keys: Vec<&String> = update.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["series", "xAxis"]);
        assert!(update["series"][0].get("lineStyle").is_none());
        assert_eq!(update["series"][0]["data"], json!([[1.0, 1.0]]));
    }

    #[test]
    fn rate_units() {
        assert_eq!(rate_unit(10.0), ("B/s", 1.0));
        assert_eq!(rate_unit(2048.0).0, "KB/s");
        assert_eq!(rate_unit(5.0 * 1024.0 * 1024.0).0, "MB/s");
        assert_eq!(rate_unit(3.0 * 1024.0 * 1024.0 * 1024.0).0, "GB/s");
    }
}
