//! Refresh intervals as they appear in the URL (`?interval=10s`) and on screen.

use crate::format::{fixed, trimmed};

/// The choices offered in the interval selector (ms; `None` = paused).
pub const CHOICES: [Option<f64>; 5] = [
    Some(5_000.0),
    Some(10_000.0),
    Some(30_000.0),
    Some(60_000.0),
    None,
];

/// Shortest interval accepted from a URL (a test-only setting goes this low).
const MIN_MS: f64 = 50.0;
const MAX_MS: f64 = 3_600_000.0;

/// "5s", "10s", "1m", "250ms", "paused" → `Some(interval)`; `Some(None)` is
/// paused; `None` means the text is not an interval.
pub fn parse(text: &str) -> Option<Option<f64>> {
    let t = text.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "paused" | "off" | "pause") {
        return Some(None);
    }
    let (number, factor) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("min") {
        (n, 60_000.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1_000.0)
    } else {
        (t.as_str(), 1_000.0)
    };
    let value = crate::json::decimal(number)?;
    let ms = value * factor;
    (ms.is_finite() && (MIN_MS..=MAX_MS).contains(&ms)).then_some(Some(ms))
}

/// The URL form: "5s", "1m", "250ms", "paused". Written from whole numbers
/// (`format::fixed`): no page carries core's float formatter for it.
pub fn to_param(interval: Option<f64>) -> String {
    match interval {
        None => "paused".into(),
        Some(ms) if ms >= 60_000.0 && ms % 60_000.0 == 0.0 => {
            format!("{}m", fixed(ms / 60_000.0, 0))
        }
        Some(ms) if ms % 1_000.0 == 0.0 => format!("{}s", fixed(ms / 1_000.0, 0)),
        Some(ms) => format!("{}ms", fixed(ms, 0)),
    }
}

/// The on-screen form: "Every 5 s", "Every 1.5 s", "Every 1 min", "Paused".
pub fn label(interval: Option<f64>) -> String {
    match interval {
        None => "Paused".into(),
        Some(ms) if ms >= 60_000.0 && ms % 60_000.0 == 0.0 => {
            format!("Every {} min", fixed(ms / 60_000.0, 0))
        }
        Some(ms) if ms >= 1_000.0 => format!("Every {} s", trimmed(ms / 1_000.0, 1)),
        Some(ms) => format!("Every {} ms", fixed(ms, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_url_values() {
        assert_eq!(parse("5s"), Some(Some(5_000.0)));
        assert_eq!(parse("10S"), Some(Some(10_000.0)));
        assert_eq!(parse("1m"), Some(Some(60_000.0)));
        assert_eq!(parse("2min"), Some(Some(120_000.0)));
        assert_eq!(parse("100ms"), Some(Some(100.0)));
        assert_eq!(parse("30"), Some(Some(30_000.0)));
        assert_eq!(parse("paused"), Some(None));
        for bad in ["", "fast", "0s", "-5s", "10ms", "2h", "1e9s", "NaNs"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trips() {
        for choice in CHOICES {
            assert_eq!(parse(&to_param(choice)), Some(choice));
        }
        assert_eq!(to_param(Some(100.0)), "100ms");
        assert_eq!(label(Some(5_000.0)), "Every 5 s");
        assert_eq!(label(Some(60_000.0)), "Every 1 min");
        assert_eq!(label(Some(100.0)), "Every 100 ms");
        assert_eq!(label(Some(1_500.0)), "Every 1.5 s");
        assert_eq!(label(Some(1_540.0)), "Every 1.5 s");
        assert_eq!(to_param(Some(120_000.0)), "2m");
        assert_eq!(to_param(Some(30_000.0)), "30s");
        assert_eq!(label(None), "Paused");
    }
}
