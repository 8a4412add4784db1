//! The observability charts as [`TimeChart`]s: which lines, colours, units and
//! threshold lines each one has.

use dashboard_core::chart::{peaks_differ, rate_unit, Line, Threshold, TimeChart};
use dashboard_core::infra::Limits;

pub(crate) const WARNING_COLOR: &str = "#ca8a04";
pub(crate) const CRITICAL_COLOR: &str = "#dc2626";

type Series = [(f64, Option<f64>)];

fn line(name: String, color: &'static str, points: &Series, scale: f64) -> Line {
    Line {
        name,
        color,
        points: points.to_vec(),
        scale,
        faint: false,
    }
}

/// A percentage over time, with the backend's warning and critical lines, and
/// each stored bucket's highest value as a faint line where it differs.
pub(crate) fn percent_chart(
    name: &str,
    color: &'static str,
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
                    color: WARNING_COLOR,
                },
                Threshold {
                    name: "critical",
                    value: l.critical,
                    color: CRITICAL_COLOR,
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
        legend: lines.len() > 1,
        lines,
        thresholds,
        markers: vec![],
        window: None,
    }
}

/// Received and sent bytes per second, in a unit that fits the largest value.
pub(crate) fn network_chart(received: &Series, sent: &Series) -> TimeChart {
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
            line(format!("Received ({unit})"), "#2563eb", received, scale),
            line(format!("Sent ({unit})"), "#0d9488", sent, scale),
        ],
        thresholds: vec![],
        markers: vec![],
        legend: true,
        window: None,
    }
}

/// The backend's health score, 0–100.
pub(crate) fn score_chart(series: &Series) -> TimeChart {
    TimeChart {
        unit_template: "{value}".into(),
        y_max: Some(100.0),
        lines: vec![line("Health score".into(), "#7c3aed", series, 1.0)],
        thresholds: vec![],
        markers: vec![],
        legend: false,
        window: None,
    }
}
