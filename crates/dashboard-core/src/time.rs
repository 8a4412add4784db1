//! Date arithmetic without a date library: what parsing backend timestamps needs.

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day number since 1970-01-01 (Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Milliseconds since the epoch → "2025-10-01T10:30:00.123Z" (UTC, always
/// with milliseconds), `None` for a time no calendar can show (not finite, or
/// outside years 0–9999).
pub fn format_iso8601_ms(ms: f64) -> Option<String> {
    if !ms.is_finite() {
        return None;
    }
    let total = ms.round() as i64;
    let (days, in_day) = (total.div_euclid(86_400_000), total.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (sec, milli) = (rest / 1000, rest % 1000);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{sec:02}.{milli:03}Z"
    ))
}

/// "2025-10-01T10:30:00.123+00:00" (or `Z`, `+hh:mm`, `-hhmm`, no fraction,
/// a space instead of `T`) → milliseconds since the epoch. A missing offset
/// means UTC (the backend writes naive UTC times in places).
pub fn parse_iso8601_ms(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.len() < 19 || !s.is_char_boundary(10) || !s.is_char_boundary(19) {
        return None;
    }
    let (date, rest) = s.split_at(10);
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, mut tail) = rest.split_at(8.min(rest.len()));
    let mut fields = clock.split(':').map(|p| p.parse::<u32>().ok());
    let (Some(Some(h)), Some(Some(m)), Some(Some(sec)), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return None;
    };
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut millis = 0.0;
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        // The digits as a whole number of 10^-len seconds (past 12 digits,
        // picoseconds and below, they change nothing a chart could show).
        let kept = &frac.as_bytes()[..digits.min(12)];
        let units = kept.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        millis = match kept.len() {
            len @ 0..=3 => (units * 10u64.pow(3 - len as u32)) as f64,
            len => units as f64 / 10u64.pow(len as u32 - 3) as f64,
        };
        tail = &frac[digits..];
    }
    let offset_minutes: i64 = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match tail.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let offset = tail[1..].bytes().filter(|b| *b != b':');
            let mut digits = [0i64; 4];
            let mut count = 0;
            for b in offset {
                if count == 4 || !b.is_ascii_digit() {
                    return None;
                }
                digits[count] = i64::from(b - b'0');
                count += 1;
            }
            if count != 4 {
                return None;
            }
            sign * ((digits[0] * 10 + digits[1]) * 60 + digits[2] * 10 + digits[3])
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(sec)
        - offset_minutes * 60;
    Some(seconds as f64 * 1000.0 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_backend_formats() {
        let base = 1_759_314_600_000.0; // 2025-10-01T10:30:00Z
        assert_eq!(parse_iso8601_ms("2025-10-01T10:30:00+00:00"), Some(base));
        assert_eq!(parse_iso8601_ms("2025-10-01T10:30:00Z"), Some(base));
        assert_eq!(parse_iso8601_ms("2025-10-01T10:30:00"), Some(base));
        assert_eq!(
            parse_iso8601_ms("2025-10-01 10:30:00.250+00:00"),
            Some(base + 250.0)
        );
        assert_eq!(
            parse_iso8601_ms("2025-10-01T10:30:00.123456+00:00"),
            Some(base + 123.456)
        );
        assert_eq!(parse_iso8601_ms("2025-10-01T12:30:00+02:00"), Some(base));
        assert_eq!(parse_iso8601_ms("2025-10-01T05:30:00-0500"), Some(base));
        assert_eq!(parse_iso8601_ms("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_iso8601_ms("2025-10-01T10:30:00.5Z"),
            Some(base + 500.0)
        );
        assert_eq!(
            parse_iso8601_ms("2025-10-01T10:30:00.000000001Z"),
            Some(base + 0.000001)
        );
        assert_eq!(
            parse_iso8601_ms("2025-10-01T10:30:00.12345678901234567Z"),
            Some(base + 123.456789012)
        );
    }

    #[test]
    fn formats_utc_with_milliseconds_and_round_trips() {
        let base = 1_759_314_600_000.0; // 2025-10-01T10:30:00Z
        assert_eq!(
            format_iso8601_ms(base + 123.0).as_deref(),
            Some("2025-10-01T10:30:00.123Z")
        );
        assert_eq!(
            format_iso8601_ms(0.0).as_deref(),
            Some("1970-01-01T00:00:00.000Z")
        );
        assert_eq!(
            format_iso8601_ms(951_782_400_000.0).as_deref(),
            Some("2000-02-29T00:00:00.000Z")
        );
        assert_eq!(
            format_iso8601_ms(-1.0).as_deref(),
            Some("1969-12-31T23:59:59.999Z")
        );
        for ms in [0.0, base, 4_102_444_799_999.0, 1_709_164_800_000.0] {
            let text = format_iso8601_ms(ms).unwrap_or_default();
            assert_eq!(parse_iso8601_ms(&text), Some(ms), "{text}");
        }
        assert_eq!(format_iso8601_ms(f64::NAN), None);
        assert_eq!(format_iso8601_ms(1e20), None);
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-10-01",
            "2025-10-01T25:00:00Z",
            "2025-10-01T10:30:00+0",
            "2025-10-01T10:30:00+01:000",
            "2025-10-01T10:30:00+0a:00",
            "2025-10-01T10:30:00:00",
            "2025-10-01T10:30",
            "2025-10-01T10:30:00.Z",
            "2025-10-01X10:30:00",
            "ééééééééééééééééééééé",
        ] {
            assert_eq!(parse_iso8601_ms(bad), None, "{bad}");
        }
    }
}
