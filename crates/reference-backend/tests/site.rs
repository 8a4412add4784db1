//! The dashboard served through the repository's real vercel.json.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use reference_backend::vercel::routes::RouteList;
use reference_backend::vercel::site::Site;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

fn repo_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name)
}

struct Fixture {
    router: axum::Router,
    vercel: Value,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

async fn fixture() -> Fixture {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>ToolBoxAI</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app-config.json"), "{}").unwrap();
    std::fs::write(
        dist.path().join("dashboard-4b568ab17d323e1d_bg.wasm"),
        b"\0asm",
    )
    .unwrap();
    std::fs::write(dist.path().join("main-9e3a7460d512dad.css"), "body{}").unwrap();
    // What tools/post-build.mjs writes beside each asset.
    std::fs::write(
        dist.path().join("dashboard-4b568ab17d323e1d_bg.wasm.br"),
        b"brotli bytes",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("dashboard-4b568ab17d323e1d_bg.wasm.gz"),
        b"gzip bytes",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let state = reference_backend::prepare(support::settings(data.path()))
        .await
        .unwrap();
    let vercel_path = repo_file("vercel.json");
    // The route list Vercel derives from it, as the run script and the E2E harness write it.
    let routes = RouteList::derive_with_node(&repo_file("tools"), &vercel_path).unwrap();
    let site = Site::new(dist.path(), &routes, None).unwrap();
    let vercel: Value =
        serde_json::from_str(&std::fs::read_to_string(&vercel_path).unwrap()).unwrap();
    Fixture {
        router: reference_backend::app(state, Some(Arc::new(site))),
        vercel,
        _dirs: (dist, data),
    }
}

async fn get(f: &Fixture, uri: &str) -> support::Reply {
    support::send(&f.router, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// The headers vercel.json declares for every path.
fn global_headers(vercel: &Value) -> Vec<(String, String)> {
    vercel["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["source"] == "/(.*)")
        .unwrap()["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["key"].as_str().unwrap().to_lowercase(),
                h["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_route_is_served_as_the_app_with_the_declared_headers() {
    let f = fixture().await;
    let expected = global_headers(&f.vercel);
    assert!(expected.iter().any(|(k, _)| k == "content-security-policy"));
    for uri in [
        "/",
        "/login",
        "/observability?interval=10s",
        "/chat",
        "/chat/abc",
        "/no/such/page",
    ] {
        let reply = get(&f, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert!(reply.text.contains("<title>ToolBoxAI</title>"), "{uri}");
        for (name, value) in &expected {
            assert_eq!(
                reply.headers.get(name).map(|v| v.to_str().unwrap()),
                Some(value.as_str()),
                "{uri} {name}"
            );
        }
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_config_is_not_cached() {
    let f = fixture().await;
    for uri in [
        "/dashboard-4b568ab17d323e1d_bg.wasm",
        "/main-9e3a7460d512dad.css",
    ] {
        let reply = get(&f, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(
            reply.headers["cache-control"], "public, max-age=31536000, immutable",
            "{uri}"
        );
    }
    let wasm = get(&f, "/dashboard-4b568ab17d323e1d_bg.wasm").await;
    assert_eq!(wasm.headers["content-type"], "application/wasm");
    let config = get(&f, "/app-config.json").await;
    assert_eq!(config.headers["cache-control"], "no-cache");
    assert_eq!(config.headers["content-type"], "application/json");
}

#[tokio::test]
async fn the_api_rewrite_is_answered_in_process() {
    let f = fixture().await;
    let reply = get(&f, "/api/v1/health/live").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "alive");
    // Security headers apply to rewritten responses too.
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    let missing = get(&f, "/api/v1/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["detail"], "Not Found");
}

#[tokio::test]
async fn clean_urls_and_trailing_slashes_redirect() {
    let f = fixture().await;
    let reply = get(&f, "/index.html").await;
    assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(reply.headers["location"], "/");
    let reply = get(&f, "/observability/?interval=30s").await;
    assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(reply.headers["location"], "/observability?interval=30s");
}

#[tokio::test]
async fn no_redirect_leaves_the_origin() {
    let f = fixture().await;
    for path in [
        "//evil.example/",
        "//evil.example.html",
        "///evil.example/?x=1",
    ] {
        let reply = get(&f, path).await;
        if let Some(location) = reply.headers.get("location") {
            let location = location.to_str().unwrap();
            assert!(
                location.starts_with('/') && !location.starts_with("//"),
                "{path} → {location}"
            );
        }
    }
}

#[tokio::test]
async fn files_only_answer_get_and_head() {
    let f = fixture().await;
    let reply = support::send(
        &f.router,
        Request::post("/login").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    let head = support::send(&f.router, Request::head("/").body(Body::empty()).unwrap()).await;
    assert_eq!(head.status, StatusCode::OK);
}

#[tokio::test]
async fn assets_are_sent_as_compressed_at_build_time() {
    let f = fixture().await;
    let asset = "/dashboard-4b568ab17d323e1d_bg.wasm";
    let fetch = |encoding: &'static str| {
        let request = Request::get(asset)
            .header("accept-encoding", encoding)
            .body(Body::empty())
            .unwrap();
        support::send(&f.router, request)
    };
    let br = fetch("gzip, deflate, br").await;
    assert_eq!(br.headers["content-encoding"], "br");
    assert_eq!(
        br.text, "brotli bytes",
        "the file written at build time, as it is"
    );
    assert!(br.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let gz = fetch("gzip").await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert_eq!(gz.text, "gzip bytes");
    let plain = fetch("identity").await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.text, "\0asm");
}
