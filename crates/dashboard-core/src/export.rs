//! A chart's data as a CSV file: what the user sees, one row per reading.

use crate::time::format_iso8601_ms;
use std::collections::HashMap;

/// One column of a chart's data: its heading and its readings (ms since the
/// epoch, value; `None` where there was no reading), in time order.
pub type Column<'a> = (&'a str, &'a [(f64, Option<f64>)]);

/// The readings of `columns` inside `window` (inclusive, ms) as CSV (RFC 4180):
/// a header row `time,<headings>`, then one row per reading time, oldest
/// first, the time in ISO 8601 UTC. A gap (no value in any column) is left
/// out; a column without a value at that time has an empty cell. Lines end in
/// CRLF, as RFC 4180 asks.
pub fn csv(columns: &[Column<'_>], window: Option<(f64, f64)>) -> String {
    let mut out = String::from("time");
    for (heading, _) in columns {
        out.push(',');
        out.push_str(&field(heading));
    }
    out.push_str("\r\n");
    let mut times: Vec<f64> = columns
        .iter()
        .flat_map(|(_, points)| points.iter().filter(|(_, v)| v.is_some_and(f64::is_finite)))
        .map(|(t, _)| *t)
        .filter(|t| window.is_none_or(|(start, end)| (start..=end).contains(t)))
        .collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    // Each column's finite values by reading time: one look-up per cell.
    let by_time: Vec<HashMap<u64, f64>> = columns
        .iter()
        .map(|(_, points)| {
            points
                .iter()
                .filter_map(|(t, v)| v.filter(|v| v.is_finite()).map(|v| (t.to_bits(), v)))
                .collect()
        })
        .collect();
    for t in times {
        let Some(time) = format_iso8601_ms(t) else {
            continue;
        };
        out.push_str(&time);
        for values in &by_time {
            out.push(',');
            if let Some(v) = values.get(&t.to_bits()) {
                out.push_str(&number(*v));
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// A value as written: at most three decimals, no trailing zeros.
fn number(v: f64) -> String {
    crate::format::trimmed(v, 3)
}

/// A field quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does not run it.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A file name for a chart's export: "cpu-usage-2025-10-01T10-30-00Z.csv".
pub fn file_name(title: &str, now_ms: f64, extension: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let stamp = format_iso8601_ms(now_ms)
        .map(|t| format!("{}Z", t[..19].replace(':', "-")))
        .unwrap_or_default();
    match (slug.is_empty(), stamp.is_empty()) {
        (true, _) => format!("chart.{extension}"),
        (false, true) => format!("{slug}.{extension}"),
        (false, false) => format!("{slug}-{stamp}.{extension}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: f64 = 1_759_314_600_000.0; // 2025-10-01T10:30:00Z

    #[test]
    fn header_then_one_row_per_reading_in_the_window() {
        let cpu = [
            (T0, Some(12.5)),
            (T0 + 5_000.0, None),
            (T0 + 10_000.0, Some(40.0)),
            (T0 + 15_000.0, Some(41.25)),
        ];
        let text = csv(&[("CPU (%)", &cpu)], Some((T0, T0 + 10_000.0)));
        assert_eq!(
            text,
            "time,CPU (%)\r\n2025-10-01T10:30:00.000Z,12.5\r\n2025-10-01T10:30:10.000Z,40\r\n"
        );
    }

    #[test]
    fn columns_are_joined_on_time_and_missing_cells_are_empty() {
        let rx = [(T0, Some(1024.0)), (T0 + 5_000.0, Some(2_048.123_456))];
        let tx = [(T0 + 5_000.0, Some(-0.0)), (T0 + 10_000.0, Some(f64::NAN))];
        let text = csv(&[("Received", &rx), ("Sent", &tx)], None);
        let rows: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(rows[0], "time,Received,Sent");
        assert_eq!(rows[1], "2025-10-01T10:30:00.000Z,1024,");
        assert_eq!(rows[2], "2025-10-01T10:30:05.000Z,2048.123,0");
        // NaN is no reading: that time has no row.
        assert_eq!(rows[3..], [""]);
    }

    #[test]
    fn headings_are_quoted_and_never_formulas() {
        let none: [(f64, Option<f64>); 0] = [];
        let text = csv(&[("a,\"b\"", &none), ("=cmd()", &none)], None);
        assert_eq!(text, "time,\"a,\"\"b\"\"\",'=cmd()\r\n");
    }

    #[test]
    fn file_names_are_slugs_with_a_utc_stamp() {
        assert_eq!(
            file_name("CPU usage", T0, "csv"),
            "cpu-usage-2025-10-01T10-30-00Z.csv"
        );
        assert_eq!(
            file_name("Network throughput", f64::NAN, "png"),
            "network-throughput.png"
        );
        assert_eq!(file_name("…", T0, "png"), "chart.png");
    }
}
