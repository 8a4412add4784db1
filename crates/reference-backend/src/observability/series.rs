//! `GET …/infrastructure/series?start=&end=&step=`: the stored history
//! (metrics::history), downsampled to at most 1,000 buckets. Administrators only.

use crate::auth::AuthUser;
use crate::error::{ApiResult, AppError, FieldError};
use crate::metrics::history::{self, RETENTION_MS};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// Without `start`, the last 15 minutes.
const DEFAULT_SPAN_MS: i64 = 15 * 60 * 1000;

#[derive(Deserialize)]
pub(super) struct SeriesQuery {
    /// Unix seconds.
    start: Option<String>,
    /// Unix seconds; now when absent.
    end: Option<String>,
    /// Seconds per bucket; the finest the range allows when absent.
    step: Option<String>,
}

fn invalid(field: &str, msg: &str) -> AppError {
    AppError::Validation(vec![FieldError::query(field, msg)])
}

/// Unix seconds (a number, fractions allowed) as milliseconds.
fn millis(field: &str, text: &str) -> ApiResult<i64> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && (0.0..1e11).contains(&seconds) => {
            Ok((seconds * 1000.0).round() as i64)
        }
        _ => Err(invalid(field, "must be a time in unix seconds")),
    }
}

pub(super) async fn series(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<SeriesQuery>,
) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    let now = chrono::Utc::now().timestamp_millis();
    let end = q.end.map(|e| millis("end", &e)).transpose()?.unwrap_or(now);
    let start = match q.start {
        Some(s) => millis("start", &s)?,
        None => end - DEFAULT_SPAN_MS,
    };
    if start >= end {
        return Err(invalid("start", "must be before end"));
    }
    if end - start > RETENTION_MS {
        return Err(invalid("start", "the range may span at most 25 hours"));
    }
    let asked = match q.step.map(|s| s.trim().parse::<f64>()) {
        Some(Ok(s)) if s.is_finite() && s > 0.0 && s < 1e9 => Some((s * 1000.0).round() as i64),
        Some(_) => return Err(invalid("step", "must be a positive number of seconds")),
        None => None,
    };
    let interval_ms = (state.settings.metrics_interval_secs * 1000.0).round() as i64;
    let step = history::step_for(start, end, asked, interval_ms);
    // A rate needs the sample before the first bucket; more than three
    // intervals between samples is a gap.
    let max_gap = interval_ms.max(1) * 3;
    let rows = state
        .db
        .call(move |conn| Ok(history::rows(conn, start - max_gap, end)?))
        .await?;
    let series = history::downsample(&rows, start, end, step, max_gap);
    Ok(Json(json!({
        "status": "success",
        "data": {
            "start": start as f64 / 1000.0,
            "end": end as f64 / 1000.0,
            "series": series,
        },
    })))
}
