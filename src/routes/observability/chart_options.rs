//! The observability charts as [`TimeChart`]s: which lines, colours, units and
//! threshold lines each one has. Colours come from the stylesheet's
//! `--chart-*` tokens ([`ChartColors`]), so the charts follow the colour scheme.

use crate::hooks::use_theme_colors;
use dashboard_core::chart::{
    peaks_differ, rate_unit, ChartTheme, Line, Severity, Threshold, TimeChart,
};
use dashboard_core::infra::Limits;
use leptos::prelude::*;

type Series = [(f64, Option<f64>)];

/// The tokens, in the order [`ChartColors::from_tokens`] reads them.
const TOKENS: &[&str] = &[
    "--chart-text",
    "--chart-grid",
    "--chart-warning",
    "--chart-critical",
    "--chart-cpu",
    "--chart-memory",
    "--chart-disk",
    "--chart-received",
    "--chart-sent",
    "--chart-score",
];

/// The colours of the page's charts in the current scheme.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChartColors {
    pub theme: ChartTheme,
    pub cpu: String,
    pub memory: String,
    pub disk: String,
    pub received: String,
    pub sent: String,
    pub score: String,
}

impl ChartColors {
    /// From resolved token values; a token the stylesheet lacks keeps the
    /// light scheme's colour.
    fn from_tokens(values: &[String]) -> ChartColors {
        let pick = |i: usize, fallback: &str| {
            values
                .get(i)
                .filter(|v| !v.is_empty())
                .cloned()
                .unwrap_or_else(|| fallback.to_string())
        };
        let light = ChartTheme::default();
        ChartColors {
            theme: ChartTheme {
                text: pick(0, &light.text),
                grid: pick(1, &light.grid),
                warning: pick(2, &light.warning),
                critical: pick(3, &light.critical),
            },
            cpu: pick(4, "#2563eb"),
            memory: pick(5, "#db2777"),
            disk: pick(6, "#c2410c"),
            received: pick(7, "#2563eb"),
            sent: pick(8, "#0f766e"),
            score: pick(9, "#7c3aed"),
        }
    }
}

/// The chart colours, following the colour scheme, forced colours and the
/// contrast preference.
pub(crate) fn use_chart_colors() -> Memo<ChartColors> {
    let values = use_theme_colors(TOKENS);
    Memo::new(move |_| values.with(|v| ChartColors::from_tokens(v)))
}

fn line(name: String, color: &str, points: &Series, scale: f64) -> Line {
    Line {
        name,
        color: color.to_string(),
        points: points.to_vec(),
        scale,
        faint: false,
    }
}

/// A percentage over time, with the backend's warning and critical lines, and
/// each stored bucket's highest value as a faint line where it differs.
pub(crate) fn percent_chart(
    name: &str,
    color: &str,
    theme: &ChartTheme,
    series: &Series,
    peaks: &Series,
    limits: Option<Limits>,
) -> TimeChart {
    let thresholds = limits
        .map(|l| {
            vec![
                Threshold {
                    name: "warning",
                    value: l.warning,
                    severity: Severity::Warning,
                },
                Threshold {
                    name: "critical",
                    value: l.critical,
                    severity: Severity::Critical,
                },
            ]
        })
        .unwrap_or_default();
    let mut lines = vec![line(name.into(), color, series, 1.0)];
    if peaks_differ(series, peaks) {
        lines.push(Line {
            faint: true,
            ..line(format!("Highest {name}"), color, peaks, 1.0)
        });
    }
    TimeChart {
        unit_template: "{value} %".into(),
        y_max: Some(100.0),
        lines,
        thresholds,
        markers: vec![],
        window: None,
        theme: theme.clone(),
    }
}

/// Received and sent bytes per second, in a unit that fits the largest value.
pub(crate) fn network_chart(colors: &ChartColors, received: &Series, sent: &Series) -> TimeChart {
    let max = received
        .iter()
        .chain(sent)
        .filter_map(|(_, v)| *v)
        .fold(0.0_f64, f64::max);
    let (unit, scale) = rate_unit(max);
    TimeChart {
        unit_template: format!("{{value}} {unit}"),
        y_max: None,
        lines: vec![
            line(
                format!("Received ({unit})"),
                &colors.received,
                received,
                scale,
            ),
            line(format!("Sent ({unit})"), &colors.sent, sent, scale),
        ],
        thresholds: vec![],
        markers: vec![],
        window: None,
        theme: colors.theme.clone(),
    }
}

/// The backend's health score, 0–100.
pub(crate) fn score_chart(colors: &ChartColors, series: &Series) -> TimeChart {
    TimeChart {
        unit_template: "{value}".into(),
        y_max: Some(100.0),
        lines: vec![line("Health score".into(), &colors.score, series, 1.0)],
        thresholds: vec![],
        markers: vec![],
        window: None,
        theme: colors.theme.clone(),
    }
}
