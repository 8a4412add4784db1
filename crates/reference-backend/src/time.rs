//! Timestamps as the real backend writes them: ISO 8601 ending in `+00:00`.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn now_iso() -> String {
    iso(Utc::now())
}

pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, false)
}

pub fn iso_from_unix(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, false))
        .unwrap_or_default()
}

pub fn unix_now() -> i64 {
    Utc::now().timestamp()
}
