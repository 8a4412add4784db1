//! How numbers read on screen. Missing values are "—", never a fake 0.

/// What a missing value reads as.
pub const MISSING: &str = "—";

/// A name as a heading shows it: "admin" → "Admin", "memory" → "Memory".
/// Role and metric names are ASCII identifiers; a name that starts with any
/// other letter is shown as sent (full Unicode case mapping would put core's
/// 13 KB case tables on every page for names that never need them).
pub fn capitalized(name: &str) -> String {
    let mut text = name.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// `v` with `decimals` decimals (at most 6): `(93.44, 1)` → "93.4",
/// `(-0.04, 1)` → "0.0", `(2445.3, 0)` → "2445". Rounded half away from zero
/// and written from whole numbers, so that no page carries core's float
/// formatter (~10 KB of wasm). Values past ±10^15 units of the last decimal,
/// no figure the app shows, are written as that bound; not a number reads 0.
pub fn fixed(v: f64, decimals: u32) -> String {
    let decimals = decimals.min(6);
    let scale = 10_u64.pow(decimals);
    let units = (v * scale as f64).round().clamp(-1e15, 1e15) as i64;
    let sign = if units < 0 { "-" } else { "" };
    let units = units.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{units}");
    }
    let width = decimals as usize;
    format!("{sign}{}.{:0width$}", units / scale, units % scale)
}

/// [`fixed`] without trailing zeros: `(70.0, 2)` → "70", `(90.5, 2)` → "90.5".
pub fn trimmed(v: f64, decimals: u32) -> String {
    let text = fixed(v, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `42.5` → "42.5 %".
pub fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{} %", fixed(v, 1)))
        .unwrap_or_else(|| MISSING.into())
}

/// `7.9` → "7.9 GB".
pub fn gigabytes(v: Option<f64>) -> String {
    v.map(|v| format!("{} GB", fixed(v, 1)))
        .unwrap_or_else(|| MISSING.into())
}

/// `512.0` → "512.0 MB".
pub fn megabytes(v: Option<f64>) -> String {
    v.map(|v| format!("{} MB", fixed(v, 1)))
        .unwrap_or_else(|| MISSING.into())
}

/// `12` → "12".
pub fn count(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| MISSING.into())
}

/// An axis tick or tooltip value with `template`'s unit: `({value} %, 12.5)`
/// → "12.5 %". At most two decimals, trailing zeros dropped (ticks such as
/// 0.30000000000000004 read "0.3"); not finite is missing.
pub fn axis_value(template: &str, v: f64) -> String {
    if !v.is_finite() {
        return MISSING.into();
    }
    template.replace("{value}", &trimmed(v, 2))
}

/// 1536 → "1.5 KB" (binary multiples, as system tools show them).
pub fn bytes(v: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    if !v.is_finite() || v < 0.0 {
        return MISSING.into();
    }
    let mut value = v;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} {}", fixed(value, 0), UNITS[0])
    } else {
        format!("{} {}", fixed(value, 1), UNITS[unit])
    }
}

/// Bytes per second → "1.5 KB/s"; negative or not finite is missing.
pub fn rate(bytes_per_second: Option<f64>) -> String {
    match bytes_per_second {
        Some(v) if v.is_finite() && v >= 0.0 => format!("{}/s", bytes(v)),
        _ => MISSING.into(),
    }
}

/// "3d 4h", "5h 12m", "12m 5s", "42s".
pub fn duration(seconds: Option<f64>) -> String {
    let Some(seconds) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return MISSING.into();
    };
    let s = seconds as u64;
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m {}s", s % 60),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// "just now", "3 s ago", "2 min ago", "1 h ago", "3 d ago".
pub fn age(ms: f64) -> String {
    let s = (ms.max(0.0) / 1000.0).floor() as u64;
    match s {
        0 => "just now".into(),
        1..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

/// A countdown: "3 s", "1 min 5 s".
pub fn wait(ms: f64) -> String {
    let s = (ms.max(0.0) / 1000.0).ceil() as u64;
    if s < 60 {
        format!("{s} s")
    } else if s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// How a locale writes numbers: its decimal mark and its grouping separator
/// (from `Intl.NumberFormat` in the browser). The functions above write
/// "1234.5"; [`NumberStyle::apply`] rewrites every number in such a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberStyle {
    /// "." in English, "," in German.
    pub decimal: char,
    /// "," in English, "." in German, a narrow space in French; `None`: no grouping.
    pub group: Option<char>,
}

impl NumberStyle {
    /// As the functions above write them: "1234.5".
    pub const PLAIN: NumberStyle = NumberStyle {
        decimal: '.',
        group: None,
    };

    /// `text` with each number (digits, optionally "." and digits) written in
    /// this style: "1234.5 KB" → "1.234,5 KB" in German. Integer parts of four
    /// digits or more are grouped by thousands.
    pub fn apply(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len() + 4);
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let integer: String = chars[start..i].iter().collect();
            self.push_grouped(&mut out, &integer);
            if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                out.push(self.decimal);
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    out.push(chars[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// This style as kept for a later visit by a browser whose locale is
    /// `locale` (reading it from `Intl` costs the first visit 30–90 ms).
    pub fn to_stored(&self, locale: &str) -> String {
        serde_json::json!({
            "locale": locale,
            "decimal": self.decimal.to_string(),
            "group": self.group.map(String::from),
        })
        .to_string()
    }

    /// A style kept by [`NumberStyle::to_stored`], when it was kept for
    /// `locale` and still reads as one: a decimal mark and an optional grouping
    /// separator, each one character that is no digit, and not the same.
    /// Anything else (another locale, an edited or older entry) is `None`.
    pub fn from_stored(text: &str, locale: &str) -> Option<NumberStyle> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        if value.get("locale")?.as_str()? != locale {
            return None;
        }
        let one_char = |v: &serde_json::Value| -> Option<char> {
            let mut chars = v.as_str()?.chars();
            let c = chars.next()?;
            (chars.next().is_none() && !c.is_ascii_digit() && !c.is_control()).then_some(c)
        };
        let decimal = one_char(value.get("decimal")?)?;
        let group = match value.get("group")? {
            serde_json::Value::Null => None,
            v => Some(one_char(v)?),
        };
        (group != Some(decimal)).then_some(NumberStyle { decimal, group })
    }

    fn push_grouped(&self, out: &mut String, digits: &str) {
        match self.group {
            Some(sep) if digits.len() >= 4 => {
                for (k, d) in digits.chars().enumerate() {
                    if k > 0 && (digits.len() - k).is_multiple_of(3) {
                        out.push(sep);
                    }
                    out.push(d);
                }
            }
            _ => out.push_str(digits),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_like_the_float_formatter() {
        for v in [
            0.0,
            93.44,
            93.45,
            0.96,
            100.0,
            7.25,
            1234.56,
            -3.15,
            -0.96,
            1e9 + 0.3,
            2445.7,
            0.001,
        ] {
            for decimals in 0..=3 {
                let scale = 10_f64.powi(decimals as i32);
                let expected = format!("{:.*}", decimals as usize, (v * scale).round() / scale);
                assert_eq!(fixed(v, decimals), expected, "{v} to {decimals}");
            }
        }
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.4, 0), "0");
        assert_eq!(fixed(f64::NAN, 1), "0.0");
        assert_eq!(fixed(f64::INFINITY, 1), "100000000000000.0");
        assert_eq!(fixed(1.5, 9), "1.500000", "at most six decimals");
    }

    #[test]
    fn trimmed_drops_trailing_zeros_only_after_the_point() {
        assert_eq!(trimmed(70.0, 2), "70");
        assert_eq!(trimmed(90.5, 2), "90.5");
        assert_eq!(trimmed(100.0, 0), "100");
        assert_eq!(trimmed(0.30000000000000004, 2), "0.3");
        assert_eq!(trimmed(-0.001, 2), "0");
        assert_eq!(trimmed(1.2345, 3), "1.235");
    }

    #[test]
    fn a_name_is_capitalized_by_its_first_ascii_letter() {
        assert_eq!(capitalized("admin"), "Admin");
        assert_eq!(capitalized("disk io"), "Disk io");
        assert_eq!(capitalized("CPU"), "CPU");
        assert_eq!(capitalized("élève"), "élève");
        assert_eq!(capitalized(""), "");
    }

    #[test]
    fn a_number_style_is_kept_for_its_locale_only() {
        let german = NumberStyle {
            decimal: ',',
            group: Some('.'),
        };
        let french = NumberStyle {
            decimal: ',',
            group: Some('\u{202f}'),
        };
        for (style, locale) in [
            (german, "de-DE"),
            (french, "fr-FR"),
            (NumberStyle::PLAIN, "en-US"),
        ] {
            let kept = style.to_stored(locale);
            assert_eq!(NumberStyle::from_stored(&kept, locale), Some(style));
        }
        // Another locale than the browser's now: measured again.
        assert_eq!(
            NumberStyle::from_stored(&german.to_stored("de-DE"), "en-GB"),
            None
        );
    }

    #[test]
    fn a_kept_number_style_that_does_not_read_as_one_is_ignored() {
        for text in [
            "",
            "not json",
            "[]",
            r#"{"decimal":",","group":"."}"#,
            r#"{"locale":"de-DE","group":"."}"#,
            r#"{"locale":"de-DE","decimal":",,","group":"."}"#,
            r#"{"locale":"de-DE","decimal":"","group":"."}"#,
            r#"{"locale":"de-DE","decimal":"5","group":"."}"#,
            r#"{"locale":"de-DE","decimal":",","group":","}"#,
            r#"{"locale":"de-DE","decimal":",","group":7}"#,
            r#"{"locale":"de-DE","decimal":"\n","group":null}"#,
            r#"{"locale":"de-DE","decimal":","}"#,
        ] {
            assert_eq!(NumberStyle::from_stored(text, "de-DE"), None, "{text}");
        }
    }

    #[test]
    fn values() {
        assert_eq!(percent(Some(42.56)), "42.6 %");
        assert_eq!(percent(None), "—");
        assert_eq!(gigabytes(Some(15.5)), "15.5 GB");
        assert_eq!(count(Some(8)), "8");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1536.0), "1.5 KB");
        assert_eq!(bytes(3.0 * 1024.0 * 1024.0 * 1024.0), "3.0 GB");
        assert_eq!(rate(Some(2048.0)), "2.0 KB/s");
        assert_eq!(rate(None), "—");
        assert_eq!(rate(Some(f64::NAN)), "—");
    }

    #[test]
    fn axis_values_have_at_most_two_decimals_and_the_unit() {
        assert_eq!(axis_value("{value} %", 25.0), "25 %");
        assert_eq!(
            axis_value("{value} KB/s", 0.300_000_000_000_000_04),
            "0.3 KB/s"
        );
        assert_eq!(axis_value("{value}", 12.345_6), "12.35");
        assert_eq!(axis_value("{value}", 1_500.0), "1500");
        assert_eq!(axis_value("{value} %", -0.001), "0 %");
        assert_eq!(axis_value("{value} %", f64::NAN), "—");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(Some(42.0)), "42s");
        assert_eq!(duration(Some(725.0)), "12m 5s");
        assert_eq!(duration(Some(5.0 * 3600.0 + 12.0 * 60.0)), "5h 12m");
        assert_eq!(
            duration(Some(3.0 * 86_400.0 + 4.0 * 3600.0 + 59.0)),
            "3d 4h"
        );
        assert_eq!(duration(Some(-1.0)), "—");
        assert_eq!(duration(None), "—");
    }

    #[test]
    fn ages_and_waits() {
        assert_eq!(age(400.0), "just now");
        assert_eq!(age(3_200.0), "3 s ago");
        assert_eq!(age(125_000.0), "2 min ago");
        assert_eq!(age(7_300_000.0), "2 h ago");
        assert_eq!(age(3.0 * 86_400_000.0 + 5.0), "3 d ago");
        assert_eq!(wait(19_100.0), "20 s");
        assert_eq!(wait(65_000.0), "1 min 5 s");
        assert_eq!(wait(120_000.0), "2 min");
    }

    #[test]
    fn numbers_in_a_locales_style() {
        let german = NumberStyle {
            decimal: ',',
            group: Some('.'),
        };
        assert_eq!(german.apply("42.5 %"), "42,5 %");
        assert_eq!(german.apply("1234.5 KB/s"), "1.234,5 KB/s");
        assert_eq!(german.apply("12 of 1234567"), "12 of 1.234.567");
        assert_eq!(german.apply("— end."), "— end.");
        let english = NumberStyle {
            decimal: '.',
            group: Some(','),
        };
        assert_eq!(english.apply("2048.0 MB"), "2,048.0 MB");
        assert_eq!(NumberStyle::PLAIN.apply("2048.25"), "2048.25");
        assert_eq!(german.apply("ünïcode 1.5"), "ünïcode 1,5");
    }
}
