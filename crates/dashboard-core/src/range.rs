//! The time range the observability charts show, as kept in the URL:
//! `?range=5m|15m|1h|6h|24h` (the last so long, extended live) or
//! `?from=…&to=…` (a fixed window; ISO 8601 or unix milliseconds).

/// A minute in milliseconds.
const MINUTE: f64 = 60_000.0;
/// The longest range the backend keeps.
pub const MAX_SPAN_MS: f64 = 24.0 * 60.0 * MINUTE;

/// The preset ranges, as written in the URL, with their length.
pub const PRESETS: [(&str, f64); 5] = [
    ("5m", 5.0 * MINUTE),
    ("15m", 15.0 * MINUTE),
    ("1h", 60.0 * MINUTE),
    ("6h", 360.0 * MINUTE),
    ("24h", 1440.0 * MINUTE),
];

/// What a page shows when the URL names no range.
pub const DEFAULT: TimeRange = TimeRange::Last {
    span_ms: 15.0 * MINUTE,
};

/// A time range of the charts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeRange {
    /// The last `span_ms`, moving with the clock.
    Last {
        /// How far back, in ms.
        span_ms: f64,
    },
    /// A fixed window, ms since the epoch.
    Between {
        /// Its start.
        start_ms: f64,
        /// Its end.
        end_ms: f64,
    },
}

fn instant(text: &str) -> Option<f64> {
    let text = text.trim();
    match crate::json::decimal(text) {
        Some(ms) => (ms >= 0.0).then_some(ms),
        None => crate::time::parse_iso8601_ms(text),
    }
}

impl TimeRange {
    /// Reads the URL's `range`, `from` and `to`. A fixed window wins when both
    /// ends read and are in order (at most [`MAX_SPAN_MS`] long, cut at its
    /// start otherwise); anything unreadable is the [`DEFAULT`].
    pub fn from_query(range: Option<&str>, from: Option<&str>, to: Option<&str>) -> TimeRange {
        if let (Some(start), Some(end)) = (from.and_then(instant), to.and_then(instant)) {
            if start < end {
                return TimeRange::Between {
                    start_ms: start.max(end - MAX_SPAN_MS),
                    end_ms: end,
                };
            }
        }
        range
            .and_then(|r| PRESETS.iter().find(|(name, _)| *name == r.trim()))
            .map_or(DEFAULT, |(_, span_ms)| TimeRange::Last {
                span_ms: *span_ms,
            })
    }

    /// The preset's URL name, `None` for a fixed window or a span with no name.
    pub fn preset(&self) -> Option<&'static str> {
        match self {
            TimeRange::Last { span_ms } => PRESETS
                .iter()
                .find(|(_, s)| s == span_ms)
                .map(|(name, _)| *name),
            TimeRange::Between { .. } => None,
        }
    }

    /// How long it is, ms.
    pub fn span_ms(&self) -> f64 {
        match self {
            TimeRange::Last { span_ms } => *span_ms,
            TimeRange::Between { start_ms, end_ms } => end_ms - start_ms,
        }
    }

    /// Its start and end at `now_ms`.
    pub fn window(&self, now_ms: f64) -> (f64, f64) {
        match self {
            TimeRange::Last { span_ms } => (now_ms - span_ms, now_ms),
            TimeRange::Between { start_ms, end_ms } => (*start_ms, *end_ms),
        }
    }

    /// Whether new readings extend it (a fixed window does not move).
    pub fn is_live(&self) -> bool {
        matches!(self, TimeRange::Last { .. })
    }

    /// "the last 15 minutes", "the last 6 hours", or the fixed window's span.
    pub fn label(&self) -> String {
        let span = self.span_ms();
        let amount = if span >= 60.0 * MINUTE && span % (60.0 * MINUTE) == 0.0 {
            plural(span / (60.0 * MINUTE), "hour")
        } else {
            plural((span / MINUTE).round(), "minute")
        };
        match self {
            TimeRange::Last { .. } if span == 60.0 * MINUTE => "the last hour".into(),
            TimeRange::Last { .. } => format!("the last {amount}"),
            TimeRange::Between { .. } => format!("a chosen window of {amount}"),
        }
    }
}

fn plural(n: f64, unit: &str) -> String {
    if n == 1.0 {
        format!("1 {unit}")
    } else {
        format!("{} {unit}s", crate::format::fixed(n, 0))
    }
}

/// The summary windows offered, in minutes.
pub const SUMMARY_WINDOWS: [u32; 4] = [5, 15, 30, 60];

/// The summary window of `?window=`: "30m", "1h" or bare minutes ("30"), one
/// of [`SUMMARY_WINDOWS`]; anything else is `None` (the default applies).
pub fn summary_window(text: Option<&str>) -> Option<u32> {
    let t = text?.trim().to_ascii_lowercase();
    let minutes = if let Some(h) = t.strip_suffix('h') {
        h.parse::<u32>().ok()?.checked_mul(60)?
    } else {
        t.strip_suffix("min")
            .or_else(|| t.strip_suffix('m'))
            .unwrap_or(&t)
            .parse()
            .ok()?
    };
    SUMMARY_WINDOWS.contains(&minutes).then_some(minutes)
}

/// The URL form of a summary window: "30m".
pub fn summary_window_param(minutes: u32) -> String {
    format!("{minutes}m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_read_from_the_url_and_back() {
        for (name, span) in PRESETS {
            let range = TimeRange::from_query(Some(name), None, None);
            assert_eq!(range, TimeRange::Last { span_ms: span });
            assert_eq!(range.preset(), Some(name));
        }
    }

    #[test]
    fn anything_else_is_the_default() {
        for odd in [Some("2h"), Some(""), Some("15"), None, Some("<script>")] {
            assert_eq!(TimeRange::from_query(odd, None, None), DEFAULT);
        }
        // Half a window, or one in the wrong order, is no window.
        assert_eq!(TimeRange::from_query(None, Some("1000"), None), DEFAULT);
        assert_eq!(
            TimeRange::from_query(Some("1h"), Some("2000"), Some("1000")).preset(),
            Some("1h")
        );
    }

    #[test]
    fn a_fixed_window_reads_iso_or_milliseconds_and_is_cut_to_a_day() {
        let range = TimeRange::from_query(
            Some("1h"),
            Some("2025-11-30T10:00:00Z"),
            Some("1764504000000"),
        );
        assert_eq!(
            range,
            TimeRange::Between {
                start_ms: 1_764_496_800_000.0,
                end_ms: 1_764_504_000_000.0
            }
        );
        assert!(!range.is_live());
        assert_eq!(
            range.window(0.0),
            (1_764_496_800_000.0, 1_764_504_000_000.0)
        );
        let long = TimeRange::from_query(None, Some("0"), Some("172800000"));
        assert_eq!(long.span_ms(), MAX_SPAN_MS);
    }

    #[test]
    fn labels() {
        let label = |r: &str| TimeRange::from_query(Some(r), None, None).label();
        assert_eq!(label("5m"), "the last 5 minutes");
        assert_eq!(label("1h"), "the last hour");
        assert_eq!(label("24h"), "the last 24 hours");
        let fixed = TimeRange::from_query(None, Some("0"), Some("5400000"));
        assert_eq!(fixed.label(), "a chosen window of 90 minutes");
        assert_eq!(DEFAULT.window(1_000_000.0), (100_000.0, 1_000_000.0));
    }

    #[test]
    fn summary_windows_read_minutes_or_hours_and_refuse_the_rest() {
        assert_eq!(summary_window(Some("30m")), Some(30));
        assert_eq!(summary_window(Some("1h")), Some(60));
        assert_eq!(summary_window(Some(" 15 ")), Some(15));
        assert_eq!(summary_window(Some("5min")), Some(5));
        for bad in ["7m", "", "m", "99999999999h", "-5", "ten"] {
            assert_eq!(summary_window(Some(bad)), None, "{bad}");
        }
        assert_eq!(summary_window(None), None);
        assert_eq!(summary_window_param(30), "30m");
    }
}
