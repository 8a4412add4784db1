//! ToolBoxAI reference backend: the canonical API (docs/contracts/api.md) on real
//! SQLite, real system metrics and real JWTs, and the built dashboard served
//! by applying `vercel.json` the way Vercel would.

pub mod auth;
pub mod db;
pub mod error;
pub mod extract;
pub mod health;
pub mod log_text;
pub mod metrics;
pub mod observability;
pub mod realtime;
pub mod settings;
pub mod state;
pub mod time;
pub mod todo;
pub mod vercel;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use settings::Settings;
use state::AppState;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use vercel::site::Site;

/// The canonical API, with its state applied.
pub fn api_router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health::root))
        .route("/api/v1/health", get(health::api_health))
        .route("/api/v1/health/live", get(health::live))
        .route("/api/v1/health/ready", get(health::ready))
        .route("/api/v1/auth/login", post(auth::handlers::login))
        .route("/api/v1/auth/refresh", post(auth::handlers::refresh))
        .route("/api/v1/auth/logout", post(auth::handlers::logout))
        .route("/api/v1/auth/register", post(auth::handlers::register))
        .route("/api/v1/users/me/profile", get(auth::handlers::profile))
        .merge(observability::routes())
        .merge(realtime::routes())
        .merge(todo::routes::routes())
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(json!({ "detail": "Not Found" })),
            )
        })
        .method_not_allowed_fallback(|| async {
            (
                StatusCode::METHOD_NOT_ALLOWED,
                Json(json!({ "detail": "Method Not Allowed" })),
            )
        })
        .with_state(state)
        // Answers carry tokens, profiles and chat history: no cache may keep them.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // No endpoint takes more than a chat message (4,096 characters) and its envelope.
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY_BYTES))
}

/// The largest request body any endpoint accepts; larger ones get 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// The whole service: the site (when a dist/ is given) in front of the API.
pub fn app(state: AppState, site: Option<Arc<Site>>) -> Router {
    let api = api_router(state);
    let router = match site {
        Some(site) => Router::new()
            .fallback(vercel::handle)
            .with_state(vercel::SiteState { site, api }),
        None => api,
    };
    router
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// The HS256 secret: given, or generated once and kept in the data dir so
/// sessions survive a restart of the backend.
pub fn jwt_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.jwt_secret {
        anyhow::ensure!(
            secret.len() >= 16,
            "JWT_SECRET must have at least 16 characters"
        );
        return Ok(secret.as_bytes().to_vec());
    }
    let path = settings.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    let secret = auth::tokens::random_token()?;
    write_private(&path, &secret)?;
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// Builds the state: database (migrated), secret, seeded accounts.
pub async fn prepare(settings: Settings) -> anyhow::Result<AppState> {
    let t = settings.thresholds();
    for (name, warning, critical) in [
        ("CPU", t.cpu_warning, t.cpu_critical),
        ("MEMORY", t.memory_warning, t.memory_critical),
        ("DISK", t.disk_warning, t.disk_critical),
    ] {
        anyhow::ensure!(
            (0.0..=100.0).contains(&warning) && (0.0..=100.0).contains(&critical) && warning <= critical,
            "HEALTH_{name}_WARNING ({warning}) and HEALTH_{name}_CRITICAL ({critical}) must be percentages with warning <= critical"
        );
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let db = db::Db::open(&settings.data_dir.join("reference.sqlite3"))?;
    let secret = jwt_secret(&settings)?;
    auth::seed_user(&db, &settings.seed_admin, auth::Role::Admin).await?;
    auth::seed_user(&db, &settings.seed_user, auth::Role::Teacher).await?;
    AppState::new(settings, db, &secret)
}

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    settings.refuse_default_secrets()?;
    let addr = std::net::SocketAddr::new(settings.host, settings.port);
    // Bind first: a taken port is the most common start-up failure.
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "port {} is already in use (set DASHBOARD_PORT to another port)",
                settings.port
            )
        } else {
            anyhow::anyhow!("cannot listen on {addr}: {e}")
        }
    })?;
    let site = match &settings.dist {
        Some(dist) => {
            anyhow::ensure!(
                dist.join("index.html").is_file(),
                "{} has no index.html; build the dashboard first",
                dist.display()
            );
            let mut site = Site::load(dist, &settings.vercel_routes, settings.app_config.clone())?;
            site.extra_connect_src = settings.csp_extra_connect_src.clone();
            Some(Arc::new(site))
        }
        None => None,
    };
    let interval = Duration::from_secs_f64(settings.metrics_interval_secs.clamp(0.1, 3600.0));
    let backfill_hours = settings.backfill_history_hours;
    let state = prepare(settings).await?;
    if backfill_hours > 0.0 {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let interval_ms = interval.as_millis() as i64;
        let added = state
            .db
            .call(move |conn| {
                Ok(metrics::history::backfill(
                    conn,
                    now_ms,
                    backfill_hours,
                    interval_ms,
                )?)
            })
            .await?;
        tracing::info!(
            added,
            hours = backfill_hours,
            "backfilled the metric history"
        );
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let sampler = {
        let state = state.clone();
        metrics::spawn_sampler(state.metrics.clone(), interval, stop_rx, move |sample| {
            metrics::history::spawn_record(&state, sample);
            observability::alert_log::spawn_record(&state, sample);
            realtime::on_sample(&state, sample)
        })
    };

    tracing::info!(%addr, site = site.is_some(), "reference backend listening");
    let service = app(state, site).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    let _ = stop_tx.send(true);
    let _ = sampler.await;
    tracing::info!("reference backend stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// A 404 in the API's shape, for callers that build their own routers.
pub fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "detail": "Not Found" })),
    )
}
