//! charming option structs for the observability charts. Axis labels use
//! ECharts string templates only: JS formatter functions would need `eval`,
//! which the CSP forbids.

use charming::component::{Axis, Grid, Legend};
use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{
    AxisLabel, AxisType, Color, Formatter, LineStyle, LineStyleType, MarkLine, MarkLineData,
    MarkLineVariant, SplitLine, Symbol, TextStyle, Tooltip, Trigger,
};
use charming::series::Line;
use charming::Chart;
use dashboard_core::infra::Limits;

const MUTED: &str = "#8a93a6";
const GRID_LINE: &str = "rgba(138,147,166,0.25)";
pub(crate) const WARNING_COLOR: &str = "#ca8a04";
pub(crate) const CRITICAL_COLOR: &str = "#dc2626";

fn points(series: &[(f64, Option<f64>)], scale: f64) -> Vec<DataPoint> {
    series
        .iter()
        .map(|(t, v)| {
            DataPoint::Value(CompositeValue::Array(vec![
                CompositeValue::from(*t),
                CompositeValue::from(v.map(|v| (v / scale * 100.0).round() / 100.0)),
            ]))
        })
        .collect()
}

/// At least a minute of time axis, ending at the newest reading: a single
/// reading would otherwise stretch the axis over days.
const MIN_SPAN_MS: f64 = 60_000.0;

fn time_bounds(series: &[(f64, Option<f64>)]) -> Option<(f64, f64)> {
    let first = series.first()?.0;
    let last = series.last()?.0;
    Some((first.min(last - MIN_SPAN_MS), last))
}

fn base(unit_template: &str, max: Option<f64>, series: &[(f64, Option<f64>)]) -> Chart {
    let mut y = Axis::new()
        .type_(AxisType::Value)
        .min(0)
        .axis_label(
            AxisLabel::new()
                .formatter(Formatter::String(unit_template.into()))
                .color(MUTED),
        )
        .split_line(SplitLine::new().line_style(LineStyle::new().color(GRID_LINE)));
    if let Some(max) = max {
        y = y.max(max);
    }
    let mut x = Axis::new()
        .type_(AxisType::Time)
        .split_number(4)
        .axis_label(AxisLabel::new().color(MUTED))
        .split_line(SplitLine::new().show(false));
    if let Some((min, max)) = time_bounds(series) {
        x = x.min(min).max(max);
    }
    Chart::new()
        .animation(false)
        .grid(Grid::new().left(48).right(16).top(28).bottom(28))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .x_axis(x)
        .y_axis(y)
}

fn line(name: &str, color: &str, data: Vec<DataPoint>) -> Line {
    // Symbols only while there are too few points to draw a line.
    let few = data.len() < 5;
    Line::new()
        .name(name)
        .show_symbol(few)
        .symbol(Symbol::Circle)
        .connect_nulls(false)
        .line_style(LineStyle::new().width(2).color(color))
        .data(data)
}

fn threshold(value: f64, name: &str, color: &str) -> MarkLineVariant {
    MarkLineVariant::Simple(
        MarkLineData::new().name(name).y_axis(value).label(
            charming::element::Label::new()
                .position(charming::element::LabelPosition::InsideEndTop)
                .formatter(Formatter::String(format!("{name} {value}%")))
                .color(color),
        ),
    )
}

/// A percentage over time, with the backend's warning and critical lines.
pub(crate) fn percent_chart(
    name: &str,
    color: &str,
    series: &[(f64, Option<f64>)],
    limits: Option<Limits>,
) -> Chart {
    let mut l = line(name, color, points(series, 1.0));
    if let Some(limits) = limits {
        l = l.mark_line(
            MarkLine::new()
                .silent(true)
                .symbol(vec![Symbol::None, Symbol::None])
                .line_style(
                    LineStyle::new()
                        .type_(LineStyleType::Dashed)
                        .color(WARNING_COLOR),
                )
                .data(vec![
                    threshold(limits.warning, "warning", WARNING_COLOR),
                    threshold(limits.critical, "critical", CRITICAL_COLOR),
                ]),
        );
    }
    base("{value} %", Some(100.0), series)
        .color(vec![Color::from(color)])
        .series(l)
}

/// Picks a unit so the axis reads 0–1024 of something.
pub(crate) fn rate_unit(max_bytes_per_second: f64) -> (&'static str, f64) {
    match max_bytes_per_second {
        m if m >= 1024.0 * 1024.0 * 1024.0 => ("GB/s", 1024.0 * 1024.0 * 1024.0),
        m if m >= 1024.0 * 1024.0 => ("MB/s", 1024.0 * 1024.0),
        m if m >= 1024.0 => ("KB/s", 1024.0),
        _ => ("B/s", 1.0),
    }
}

pub(crate) fn network_chart(received: &[(f64, Option<f64>)], sent: &[(f64, Option<f64>)]) -> Chart {
    let max = received
        .iter()
        .chain(sent)
        .filter_map(|(_, v)| *v)
        .fold(0.0_f64, f64::max);
    let (unit, scale) = rate_unit(max);
    base(&format!("{{value}} {unit}"), None, received)
        .legend(
            Legend::new()
                .top(0)
                .right(8)
                .text_style(TextStyle::new().color(MUTED)),
        )
        .color(vec![Color::from("#2563eb"), Color::from("#0d9488")])
        .series(line(
            &format!("Received ({unit})"),
            "#2563eb",
            points(received, scale),
        ))
        .series(line(
            &format!("Sent ({unit})"),
            "#0d9488",
            points(sent, scale),
        ))
}

pub(crate) fn score_chart(series: &[(f64, Option<f64>)]) -> Chart {
    base("{value}", Some(100.0), series)
        .color(vec![Color::from("#7c3aed")])
        .series(line("Health score", "#7c3aed", points(series, 1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn the_time_axis_spans_at_least_a_minute() {
        assert_eq!(
            time_bounds(&[(100_000.0, Some(1.0))]),
            Some((40_000.0, 100_000.0))
        );
        assert_eq!(
            time_bounds(&[(0.0, None), (300_000.0, Some(1.0))]),
            Some((0.0, 300_000.0))
        );
        assert_eq!(time_bounds(&[]), None);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn rate_units() {
        assert_eq!(rate_unit(10.0), ("B/s", 1.0));
        assert_eq!(rate_unit(2048.0).0, "KB/s");
        assert_eq!(rate_unit(5.0 * 1024.0 * 1024.0).0, "MB/s");
    }
}
