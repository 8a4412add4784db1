//! The backend's stored history (`…/infrastructure/series`, docs/contracts/api.md)
//! read into chart [`Point`]s, tolerant of the variants in
//! docs/contracts/variants.md: timestamps in seconds, milliseconds or ISO 8601;
//! a metric as `{min, max, mean}` or a plain array. What does not read is a gap.

use crate::api::ApiError;
use crate::json::{number, object};
use crate::live::Point;
use crate::time::parse_iso8601_ms;
use serde_json::Value;

/// Unix times above this are milliseconds, not seconds (10^11 s is the year 5138).
const MILLIS_FROM: f64 = 1e11;

fn time_ms(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|t| t.is_finite() && *t >= 0.0).map(|t| {
            if t >= MILLIS_FROM {
                t
            } else {
                t * 1000.0
            }
        }),
        Value::String(s) => parse_iso8601_ms(s),
        _ => None,
    }
}

/// The means of one metric (a bucket's typical value), one per timestamp.
fn means<'a>(series: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Vec<Value>> {
    match series.get(key)? {
        Value::Array(values) => Some(values),
        Value::Object(band) => band.get("mean")?.as_array(),
        _ => None,
    }
}

/// The highest value of one metric in each bucket, where the answer has them.
fn maxima<'a>(series: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Vec<Value>> {
    series.get(key)?.get("max")?.as_array()
}

/// The points of a series answer (inside the `{"status","data"}` envelope or
/// bare), oldest first.
pub fn parse_series(body: &Value) -> Result<Vec<Point>, ApiError> {
    let data = body.get("data").filter(|d| d.is_object()).unwrap_or(body);
    let series = object(data.get("series")).ok_or_else(|| ApiError::Decode {
        detail: "the history answer has no series".into(),
    })?;
    let timestamps = series
        .get("timestamps")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::Decode {
            detail: "the history answer has no timestamps".into(),
        })?;
    let step_ms = number(series.get("step_seconds")).map_or(0.0, |s| s * 1000.0);
    let column = |key: &str| means(series, key);
    let columns = [
        column("cpu_percent"),
        column("memory_percent"),
        column("disk_percent"),
        column("health_score"),
        column("network_recv_bytes_per_second"),
        column("network_sent_bytes_per_second"),
    ];
    let at = |c: usize, i: usize| number(columns[c].and_then(|v| v.get(i)));
    let peaks = [
        maxima(series, "cpu_percent"),
        maxima(series, "memory_percent"),
        maxima(series, "disk_percent"),
    ];
    let peak = |c: usize, i: usize| number(peaks[c].and_then(|v| v.get(i)));
    let mut points: Vec<Point> = timestamps
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            Some(Point {
                t_ms: time_ms(t)?,
                cpu: at(0, i),
                memory: at(1, i),
                disk: at(2, i),
                health_score: at(3, i),
                rx_bps: at(4, i),
                tx_bps: at(5, i),
                step_ms,
                cpu_max: peak(0, i),
                memory_max: peak(1, i),
                disk_max: peak(2, i),
            })
        })
        .collect();
    points.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
    points.dedup_by(|a, b| a.t_ms == b.t_ms);
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_canonical_answer_reads_as_bucket_means() {
        let body = json!({"status": "success", "data": {"start": 0, "end": 100, "series": {
            "step_seconds": 5.0,
            "timestamps": [1_764_000_000.0, 1_764_000_005.0],
            "cpu_percent": {"min": [1.0, 2.0], "max": [9.0, 8.0], "mean": [5.0, 4.0]},
            "memory_percent": {"min": [1, 1], "max": [1, 1], "mean": [40, 41]},
            "network_recv_bytes_per_second": {"min": [null, 1], "max": [null, 3], "mean": [null, 2]},
        }}});
        let points = parse_series(&body).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].t_ms, 1_764_000_000_000.0);
        assert_eq!(points[0].cpu, Some(5.0));
        assert_eq!(points[1].memory, Some(41.0));
        assert_eq!(points[0].rx_bps, None, "no rate yet is a gap");
        assert_eq!(points[1].rx_bps, Some(2.0));
        assert_eq!(points[0].disk, None, "a missing metric is gaps, never 0");
        assert_eq!(points[0].step_ms, 5_000.0);
        assert_eq!(points[0].cpu_max, Some(9.0), "the spike inside the bucket");
        assert_eq!(points[0].disk_max, None);
    }

    #[test]
    fn variants_milliseconds_iso_and_plain_arrays() {
        let body = json!({"series": {
            "timestamps": ["2025-11-30T10:00:05Z", 1_764_496_800_000.0, "yesterday", 1_764_496_800_000.0],
            "cpu_percent": [1.0, 2.0, 3.0, 4.0],
        }});
        let points = parse_series(&body).unwrap();
        let times: Vec<f64> = points.iter().map(|p| p.t_ms).collect();
        assert_eq!(times, [1_764_496_800_000.0, 1_764_496_805_000.0]);
        assert_eq!(points[0].cpu, Some(2.0));
        assert_eq!(points[1].cpu, Some(1.0));
    }

    #[test]
    fn an_answer_without_series_is_unreadable_not_empty() {
        for body in [
            json!([1, 2]),
            json!({"data": {}}),
            json!({"series": {"cpu_percent": []}}),
        ] {
            assert!(
                matches!(parse_series(&body), Err(ApiError::Decode { .. })),
                "{body}"
            );
        }
    }
}
