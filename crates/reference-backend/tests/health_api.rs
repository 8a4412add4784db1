//! Health endpoints with real figures (docs/contracts/api.md, Health).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

mod support;

use axum::http::StatusCode;
use support::Backend;

#[tokio::test]
async fn root_health_reports_checks_and_uptime() {
    let b = Backend::start().await;
    let reply = b.get("/health", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.body;
    // No Pusher server is configured here, so the service is degraded, not down.
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["database"], true);
    assert_eq!(body["checks"]["pusher"], false);
    for key in ["redis", "agents", "supabase"] {
        assert!(body["checks"][key].is_boolean(), "{key}");
    }
    assert!(body["uptime"].as_f64().unwrap() >= 0.0);
    assert!(body["timestamp"].as_str().unwrap().ends_with("+00:00"));
    assert!(body["version"].is_string());
}

#[tokio::test]
async fn api_health_has_real_system_figures() {
    let b = Backend::start().await;
    let reply = b.get("/api/v1/health", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.body;
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["service"], "toolboxai-api");
    let system = &body["system"];
    let memory = system["memory_percent"].as_f64().unwrap();
    assert!(memory > 0.0 && memory <= 100.0, "{memory}");
    assert!(system["disk_free_gb"].as_f64().unwrap() > 0.0);
    assert!(system["process_count"].as_u64().unwrap() >= 1);
    assert!(body["network"]["bytes_recv"].is_u64());
}

#[tokio::test]
async fn live_and_ready() {
    let b = Backend::start().await;
    let live = b.get("/api/v1/health/live", None).await;
    assert_eq!(live.body["status"], "alive");
    assert_eq!(live.body["pid"], std::process::id());
    let ready = b.get("/api/v1/health/ready", None).await;
    // Either ready, or a 503 with a string detail: both are the documented shapes.
    match ready.status {
        StatusCode::OK => assert_eq!(ready.body["checks"]["database"]["healthy"], true),
        StatusCode::SERVICE_UNAVAILABLE => assert!(ready.body["detail"].is_string()),
        other => panic!("unexpected {other}"),
    }
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let b = Backend::start().await;
    let reply = b.get("/api/v1/nope", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body["detail"], "Not Found");
    let wrong_method = b.get("/api/v1/auth/login", None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
}
