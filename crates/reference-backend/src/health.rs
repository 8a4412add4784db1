//! `/health` and `/api/v1/health*` with real figures (docs/contracts/api.md, Health).

use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const VERSION: &str = env!("CARGO_PKG_VERSION");

async fn database_ok(state: &AppState) -> bool {
    state
        .db
        .call(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))? == 1))
        .await
        .unwrap_or(false)
}

/// Whether the configured Pusher server accepts connections (false when none is configured).
async fn pusher_ok(state: &AppState) -> bool {
    let Some(url) = state.settings.pusher_url.as_deref() else {
        return false;
    };
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let (Some(host), Some(port)) = (parsed.host_str(), parsed.port_or_known_default()) else {
        return false;
    };
    let connect = tokio::net::TcpStream::connect((host.to_string(), port));
    matches!(
        tokio::time::timeout(Duration::from_millis(500), connect).await,
        Ok(Ok(_))
    )
}

/// Root health, as Render probes it. `redis` and `supabase` are not used by
/// this backend, so they report true ("nothing to fail"); the task agent runs in-process.
pub async fn root(State(state): State<AppState>) -> Json<Value> {
    let (database, pusher) = tokio::join!(database_ok(&state), pusher_ok(&state));
    let status = if !database {
        "unhealthy"
    } else if !pusher {
        "degraded"
    } else {
        "healthy"
    };
    Json(json!({
        "status": status,
        "version": VERSION,
        "timestamp": crate::time::now_iso(),
        "checks": {"database": database, "redis": true, "pusher": pusher, "agents": true, "supabase": true},
        "uptime": state.started.elapsed().as_secs_f64(),
    }))
}

pub async fn api_health(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let sample = state
        .metrics
        .fresh()
        .await
        .ok_or_else(|| AppError::Unavailable("Metrics are not available yet".into()))?;
    Ok(Json(json!({
        "status": "healthy",
        "timestamp": crate::time::now_iso(),
        "service": "toolboxai-api",
        "version": VERSION,
        "environment": "local",
        "uptime_seconds": state.started.elapsed().as_secs_f64(),
        "system": {
            "cpu_percent": sample.cpu_percent,
            "memory_percent": sample.memory_percent,
            "memory_available_gb": sample.memory_available_gb,
            "disk_percent": sample.disk_percent,
            "disk_free_gb": sample.disk_free_gb,
            "load_average": sample.load_average,
            "process_count": sample.process_count,
        },
        "network": {
            "bytes_sent": sample.network_bytes_sent,
            "bytes_recv": sample.network_bytes_recv,
            "packets_sent": sample.network_packets_sent,
            "packets_recv": sample.network_packets_recv,
        },
    })))
}

pub async fn live() -> Json<Value> {
    Json(
        json!({ "status": "alive", "timestamp": crate::time::now_iso(), "pid": std::process::id() }),
    )
}

/// Ready when the database answers and memory/disk leave room (docs/contracts/api.md, Health).
pub async fn ready(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let started = Instant::now();
    let database = database_ok(&state).await;
    let sample = state.metrics.fresh().await;
    let disk_ok = sample
        .as_ref()
        .is_some_and(|s| s.disk_total_gb <= 0.0 || s.disk_free_gb / s.disk_total_gb > 0.10);
    let memory_ok = sample.as_ref().is_some_and(|s| s.memory_percent < 90.0);
    let checks = json!({
        "database": {"healthy": database, "details": if database { "SQLite answers" } else { "SQLite did not answer" }},
        "disk_space": {"healthy": disk_ok, "details": sample.as_ref().map(|s| format!("{:.1} GB free", s.disk_free_gb))},
        "memory": {"healthy": memory_ok, "details": sample.as_ref().map(|s| format!("{:.1}% used", s.memory_percent))},
    });
    if !(database && disk_ok && memory_ok) {
        let failing: Vec<&str> = [
            ("database", database),
            ("disk_space", disk_ok),
            ("memory", memory_ok),
        ]
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| name)
        .collect();
        return Err(AppError::Unavailable(format!(
            "Not ready: {}",
            failing.join(", ")
        )));
    }
    Ok(Json(json!({
        "status": "ready",
        "checks": checks,
        "timestamp": crate::time::now_iso(),
        "check_duration_ms": started.elapsed().as_secs_f64() * 1000.0,
    })))
}
