//! `/api/v1/observability/infrastructure/*`: the six endpoints of docs/contracts/api.md, Infrastructure
//! with real values, inside `{"status":"success","data":…}`. Administrators only.

pub mod alert_log;
mod series;
pub mod thresholds;

use crate::auth::AuthUser;
use crate::error::{ApiResult, AppError, FieldError};
use crate::metrics::sampler::{round1, round2, Sample};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sysinfo::System;
use thresholds::health_score;

pub const PREFIX: &str = "/api/v1/observability/infrastructure";
const DEFAULT_WINDOW_MINUTES: u32 = 5;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/system"), get(system))
        .route(&format!("{PREFIX}/process"), get(process))
        .route(&format!("{PREFIX}/platform"), get(platform))
        .route(&format!("{PREFIX}/summary"), get(summary))
        .route(&format!("{PREFIX}/health"), get(health))
        .route(&format!("{PREFIX}/report"), get(report))
        .route(&format!("{PREFIX}/series"), get(series::series))
        .route("/api/v1/observability/alerts", get(alert_log::list))
        .route(
            "/api/v1/observability/alerts/{id}/acknowledge",
            axum::routing::post(alert_log::acknowledge_one),
        )
}

fn success(data: Value) -> Json<Value> {
    Json(json!({ "status": "success", "data": data }))
}

async fn reading(state: &AppState) -> ApiResult<Sample> {
    state
        .metrics
        .fresh()
        .await
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("reading system metrics failed")))
}

async fn system(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    let s = reading(&state).await?;
    Ok(success(json!({
        "cpu": {"percent": s.cpu_percent, "count": s.cpu_count, "freq_mhz": s.cpu_freq_mhz},
        "memory": {"total_gb": s.memory_total_gb, "used_gb": s.memory_used_gb,
                   "available_gb": s.memory_available_gb, "percent": s.memory_percent},
        "disk": {"total_gb": s.disk_total_gb, "used_gb": s.disk_used_gb, "free_gb": s.disk_free_gb,
                 "percent": s.disk_percent},
        "network": {"bytes_sent": s.network_bytes_sent, "bytes_recv": s.network_bytes_recv,
                    "connections": s.network_connections},
        "uptime_seconds": s.uptime_seconds,
        "timestamp": s.timestamp,
    })))
}

fn process_json(s: &Sample) -> Value {
    match &s.process {
        Some(p) => json!({
            "pid": p.pid, "name": p.name, "status": p.status, "cpu_percent": p.cpu_percent,
            "memory_mb": p.memory_mb, "memory_percent": p.memory_percent,
            "threads": p.threads, "file_descriptors": p.file_descriptors,
            "create_time": p.create_time, "timestamp": s.timestamp,
        }),
        None => json!({}),
    }
}

async fn process(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    Ok(success(process_json(&reading(&state).await?)))
}

fn platform_json() -> Value {
    let text = |v: Result<String, sysinfo::Error>| v.unwrap_or_default();
    let arch = System::cpu_arch();
    // As Python's `platform`: system is the OS family, release the kernel.
    let system = match std::env::consts::OS {
        "linux" => "Linux".to_string(),
        "macos" => "Darwin".to_string(),
        "windows" => "Windows".to_string(),
        other => other.to_string(),
    };
    json!({
        "system": system,
        "release": text(System::kernel_version()),
        "version": text(System::long_os_version()),
        "machine": arch,
        "processor": arch,
        // The field exists in the contract; this backend is not Python.
        "python_version": "n/a (Rust reference backend)",
        "hostname": text(System::host_name()),
        "architecture": if cfg!(target_pointer_width = "64") { "64bit" } else { "32bit" },
    })
}

async fn platform(user: AuthUser) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    Ok(success(platform_json()))
}

#[derive(Deserialize)]
struct SummaryQuery {
    #[serde(default)]
    time_window: Option<String>,
}

fn stats(values: impl Iterator<Item = f64> + Clone) -> Value {
    let count = values.clone().count() as f64;
    let sum: f64 = values.clone().sum();
    let min = values.clone().fold(f64::INFINITY, f64::min);
    let max = values.fold(f64::NEG_INFINITY, f64::max);
    json!({ "avg": round2(sum / count), "min": round1(min), "max": round1(max) })
}

/// `{}` when no sample falls in the window (as the real backend answers).
fn summary_json(state: &AppState, minutes: u32) -> Value {
    let since = chrono::Utc::now().timestamp_millis() as f64 / 1000.0 - f64::from(minutes) * 60.0;
    let samples = state.metrics.since(since);
    if samples.is_empty() {
        return Value::Object(Map::new());
    }
    json!({
        "time_window_minutes": minutes,
        "sample_count": samples.len(),
        "cpu": stats(samples.iter().map(|s| s.cpu_percent)),
        "memory": stats(samples.iter().map(|s| s.memory_percent)),
        "disk": stats(samples.iter().map(|s| s.disk_percent)),
        "timestamp": crate::time::now_iso(),
    })
}

async fn summary(
    State(state): State<AppState>,
    user: AuthUser,
    Query(query): Query<SummaryQuery>,
) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    let minutes = match query.time_window.as_deref() {
        None => DEFAULT_WINDOW_MINUTES,
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=60).contains(m))
            .ok_or_else(|| {
                AppError::Validation(vec![FieldError {
                    loc: vec!["query".into(), "time_window".into()],
                    msg: "ensure this value is an integer between 1 and 60".into(),
                    kind: "value_error.number".into(),
                }])
            })?,
    };
    Ok(success(summary_json(&state, minutes)))
}

async fn health(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    let sample = reading(&state).await?;
    let check = state.thresholds.check(&sample);
    let http_status = if check.status == "unhealthy" {
        503
    } else {
        200
    };
    // The real backend reports the status in the body and always answers HTTP 200.
    Ok(Json(
        json!({ "status": "success", "data": check, "http_status": http_status }),
    ))
}

/// The flat report body (also what `metrics.updated` carries).
pub fn report_json(state: &AppState, s: &Sample) -> Value {
    let check = state.thresholds.check(s);
    let score = health_score(s, &check);
    json!({
        "status": "success",
        "timestamp": s.timestamp,
        "platform": platform_json(),
        "system": {
            "cpu_percent": s.cpu_percent,
            "cpu_count": s.cpu_count,
            "cpu_freq_current": s.cpu_freq_mhz,
            "memory_total_gb": s.memory_total_gb,
            "memory_available_gb": s.memory_available_gb,
            "memory_used_gb": s.memory_used_gb,
            "memory_percent": s.memory_percent,
            "disk_total_gb": s.disk_total_gb,
            "disk_used_gb": s.disk_used_gb,
            "disk_free_gb": s.disk_free_gb,
            "disk_percent": s.disk_percent,
            "network_bytes_sent": s.network_bytes_sent,
            "network_bytes_recv": s.network_bytes_recv,
            "network_connections": s.network_connections,
            "uptime_seconds": s.uptime_seconds,
            "boot_time": s.boot_time,
            "timestamp": s.timestamp,
        },
        "process": match &s.process {
            Some(p) => json!({
                "pid": p.pid, "name": p.name, "cpu_percent": p.cpu_percent, "memory_mb": p.memory_mb,
                "memory_percent": p.memory_percent, "num_threads": p.threads, "num_fds": p.file_descriptors,
                "status": p.status, "create_time": p.create_time, "timestamp": s.timestamp,
            }),
            None => json!({}),
        },
        "threshold_check": check,
        "metrics_summary": summary_json(state, DEFAULT_WINDOW_MINUTES),
        "health_score": score,
    })
}

async fn report(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    let sample = reading(&state).await?;
    Ok(success(report_json(&state, &sample)))
}
