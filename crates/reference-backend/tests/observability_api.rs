//! The infrastructure endpoints: access rules, shapes (docs/contracts/api.md, Infrastructure), real values.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

mod support;

use axum::http::StatusCode;
use serde_json::Value;
use support::Backend;

const PREFIX: &str = "/api/v1/observability/infrastructure";
const ENDPOINTS: [&str; 6] = [
    "system", "process", "platform", "summary", "health", "report",
];

fn data(reply: &support::Reply) -> &Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "success");
    &reply.body["data"]
}

#[tokio::test]
async fn only_administrators_may_read_them() {
    let b = Backend::start().await;
    let teacher = b.teacher_token().await;
    let admin = b.admin_token().await;
    for endpoint in ENDPOINTS {
        let uri = format!("{PREFIX}/{endpoint}");
        assert_eq!(
            b.get(&uri, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
        let forbidden = b.get(&uri, Some(&teacher)).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(forbidden.body["detail"].is_string());
        assert_eq!(
            b.get(&uri, Some(&admin)).await.status,
            StatusCode::OK,
            "{uri}"
        );
    }
}

#[tokio::test]
async fn system_has_the_nested_shape_with_real_values() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let reply = b.get(&format!("{PREFIX}/system"), Some(&token)).await;
    let d = data(&reply);
    assert!(d["cpu"]["count"].as_u64().unwrap() >= 1);
    assert!(d["memory"]["total_gb"].as_f64().unwrap() > 0.0);
    let used = d["disk"]["used_gb"].as_f64().unwrap();
    let free = d["disk"]["free_gb"].as_f64().unwrap();
    let total = d["disk"]["total_gb"].as_f64().unwrap();
    assert!(
        (used + free - total).abs() < 0.05,
        "{used}+{free} vs {total}"
    );
    assert!(d["network"]["bytes_recv"].is_u64());
    assert!(d["network"]["connections"].is_u64());
    assert!(d["uptime_seconds"].as_f64().unwrap() > 0.0);
    assert!(d["timestamp"].as_str().unwrap().ends_with("+00:00"));
}

#[tokio::test]
async fn process_and_platform() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let reply = b.get(&format!("{PREFIX}/process"), Some(&token)).await;
    let p = data(&reply);
    assert_eq!(p["pid"], std::process::id());
    for key in [
        "name",
        "status",
        "cpu_percent",
        "memory_mb",
        "memory_percent",
        "threads",
        "create_time",
    ] {
        assert!(!p[key].is_null(), "{key}");
    }
    let reply = b.get(&format!("{PREFIX}/platform"), Some(&token)).await;
    let p = data(&reply);
    for key in [
        "system",
        "release",
        "version",
        "machine",
        "processor",
        "python_version",
        "hostname",
        "architecture",
    ] {
        assert!(p[key].is_string(), "{key}: {p}");
    }
    assert_eq!(p["system"], "Linux");
}

#[tokio::test]
async fn summary_is_empty_without_samples_and_validates_its_window() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let reply = b.get(&format!("{PREFIX}/summary"), Some(&token)).await;
    assert_eq!(data(&reply), &serde_json::json!({}));
    for bad in ["0", "61", "abc", "-1", "1.5"] {
        let reply = b
            .get(&format!("{PREFIX}/summary?time_window={bad}"), Some(&token))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(reply.body["detail"][0]["loc"][1], "time_window");
    }
}

#[tokio::test]
async fn summary_aggregates_the_samples_in_the_window() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let metrics = b.state.metrics.clone();
    tokio::task::spawn_blocking(move || {
        metrics.sample_now();
        std::thread::sleep(std::time::Duration::from_millis(250));
        metrics.sample_now();
    })
    .await
    .unwrap();
    let reply = b
        .get(&format!("{PREFIX}/summary?time_window=1"), Some(&token))
        .await;
    let d = data(&reply);
    assert_eq!(d["time_window_minutes"], 1);
    assert_eq!(d["sample_count"], 2);
    for metric in ["cpu", "memory", "disk"] {
        let (min, avg, max) = (
            d[metric]["min"].as_f64().unwrap(),
            d[metric]["avg"].as_f64().unwrap(),
            d[metric]["max"].as_f64().unwrap(),
        );
        assert!(
            min <= avg + 0.05 && avg <= max + 0.05,
            "{metric}: {min} {avg} {max}"
        );
    }
}

#[tokio::test]
async fn health_reports_thresholds_and_always_answers_200() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let reply = b.get(&format!("{PREFIX}/health"), Some(&token)).await;
    let d = data(&reply);
    assert_eq!(d["thresholds"]["cpu_warning"], 70.0);
    assert_eq!(d["thresholds"]["disk_critical"], 95.0);
    assert!(["healthy", "degraded", "unhealthy"].contains(&d["status"].as_str().unwrap()));
    assert!(reply.body["http_status"].is_u64());
}

#[tokio::test]
async fn thresholds_come_from_the_environment() {
    // Every metric is at least 0 %, so zero thresholds make everything critical.
    let b = Backend::start_with(|s| {
        s.health_cpu_warning = 0.0;
        s.health_cpu_critical = 0.0;
        s.health_memory_warning = 0.0;
        s.health_memory_critical = 0.0;
        s.health_disk_warning = 0.0;
        s.health_disk_critical = 0.0;
    })
    .await;
    let token = b.admin_token().await;
    let reply = b.get(&format!("{PREFIX}/health"), Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["http_status"], 503);
    let d = &reply.body["data"];
    assert_eq!(d["status"], "unhealthy");
    assert_eq!(d["critical"].as_array().unwrap().len(), 3);
    assert!(d["critical"][0]
        .as_str()
        .unwrap()
        .starts_with("CPU usage critical: "));
    assert_eq!(d["thresholds"]["memory_warning"], 0.0);
}

#[tokio::test]
async fn inconsistent_thresholds_refuse_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = support::settings(dir.path());
    settings.health_disk_warning = 99.0;
    settings.health_disk_critical = 90.0;
    assert!(reference_backend::prepare(settings).await.is_err());
}

#[tokio::test]
async fn report_is_flat_with_a_health_score() {
    let b = Backend::start().await;
    let token = b.admin_token().await;
    let reply = b.get(&format!("{PREFIX}/report"), Some(&token)).await;
    let d = data(&reply);
    assert_eq!(d["status"], "success");
    for key in [
        "cpu_percent",
        "cpu_count",
        "cpu_freq_current",
        "memory_total_gb",
        "memory_available_gb",
        "memory_used_gb",
        "memory_percent",
        "disk_total_gb",
        "disk_used_gb",
        "disk_free_gb",
        "disk_percent",
        "network_bytes_sent",
        "network_bytes_recv",
        "network_connections",
        "uptime_seconds",
        "boot_time",
        "timestamp",
    ] {
        assert!(!d["system"][key].is_null(), "system.{key}");
    }
    for key in [
        "pid",
        "name",
        "cpu_percent",
        "memory_mb",
        "memory_percent",
        "num_threads",
        "status",
        "create_time",
        "timestamp",
    ] {
        assert!(!d["process"][key].is_null(), "process.{key}");
    }
    let score = d["health_score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&score));
    assert!(d["threshold_check"]["thresholds"].is_object());
    assert_eq!(d["metrics_summary"], serde_json::json!({}));
    assert!(d["platform"]["hostname"].is_string());
}

mod series {
    use super::*;
    use reference_backend::metrics::history::{self, Row};

    async fn store(b: &Backend, rows: Vec<Row>) {
        b.state
            .db
            .call(move |conn| {
                for row in &rows {
                    history::record(conn, row)?;
                }
                Ok(())
            })
            .await
            .unwrap();
    }

    fn row(t_ms: i64, cpu: f64, recv: u64) -> Row {
        Row {
            t_ms,
            cpu,
            memory: 40.0,
            disk: 30.0,
            bytes_recv: recv,
            bytes_sent: 0,
            health_score: 77.0,
        }
    }

    #[tokio::test]
    async fn only_administrators_may_read_it() {
        let b = Backend::start().await;
        let uri = format!("{PREFIX}/series");
        assert_eq!(b.get(&uri, None).await.status, StatusCode::UNAUTHORIZED);
        let teacher = b.teacher_token().await;
        assert_eq!(
            b.get(&uri, Some(&teacher)).await.status,
            StatusCode::FORBIDDEN
        );
    }

    #[tokio::test]
    async fn a_day_of_samples_comes_back_in_at_most_a_thousand_buckets_with_min_max_and_mean() {
        let b = Backend::start().await;
        let token = b.admin_token().await;
        let now = chrono::Utc::now().timestamp_millis();
        let start = now - 24 * 3600 * 1000;
        // A sample every 5 s for a day; one spike to 99 %.
        let rows: Vec<Row> = (0..17_280)
            .map(|i| {
                row(
                    start + i * 5_000,
                    if i == 9_000 { 99.0 } else { 10.0 },
                    i as u64 * 500,
                )
            })
            .collect();
        store(&b, rows).await;
        let uri = format!("{PREFIX}/series?start={}&end={}", start / 1000, now / 1000);
        let reply = b.get(&uri, Some(&token)).await;
        let d = data(&reply);
        let t = d["series"]["timestamps"].as_array().unwrap();
        assert!((990..=1000).contains(&t.len()), "{} buckets", t.len());
        assert_eq!(d["series"]["step_seconds"], 87.0);
        let max = d["series"]["cpu_percent"]["max"].as_array().unwrap();
        assert!(max.iter().any(|v| v == 99.0), "the spike survives");
        let mean = d["series"]["cpu_percent"]["mean"].as_array().unwrap();
        assert!(
            mean.iter().all(|v| v.as_f64().unwrap() < 20.0),
            "and is not drawn as the mean"
        );
        let rate = d["series"]["network_recv_bytes_per_second"]["mean"]
            .as_array()
            .unwrap();
        assert_eq!(rate[5], 100.0, "500 B every 5 s");
        assert_eq!(d["series"]["health_score"]["min"][0], 77.0);
        // Compact: a day is a few tens of kilobytes of JSON.
        assert!(reply.text.len() < 160_000, "{} bytes", reply.text.len());
    }

    #[tokio::test]
    async fn the_default_range_is_the_last_15_minutes_at_the_sampler_interval() {
        let b = Backend::start().await;
        let token = b.admin_token().await;
        let now = chrono::Utc::now().timestamp_millis();
        store(
            &b,
            vec![row(now - 3_600_000, 1.0, 0), row(now - 60_000, 2.0, 0)],
        )
        .await;
        let reply = b.get(&format!("{PREFIX}/series"), Some(&token)).await;
        let d = data(&reply);
        assert_eq!(d["series"]["cpu_percent"]["mean"], serde_json::json!([2.0]));
        let span = d["end"].as_f64().unwrap() - d["start"].as_f64().unwrap();
        assert_eq!(span, 900.0);
    }

    #[tokio::test]
    async fn a_bad_range_is_a_422_naming_the_parameter() {
        let b = Backend::start().await;
        let token = b.admin_token().await;
        for (query, field) in [
            ("start=100&end=50", "start"),
            ("start=0&end=1000000", "start"),
            ("start=abc", "start"),
            ("start=100&end=200&step=-1", "step"),
        ] {
            let reply = b
                .get(&format!("{PREFIX}/series?{query}"), Some(&token))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {}",
                reply.text
            );
            let loc = reply.body["detail"][0]["loc"].to_string();
            assert!(loc.contains(field), "{query}: {loc}");
        }
    }
}

mod alert_log {
    use super::*;
    use reference_backend::observability::alert_log;
    use reference_backend::observability::thresholds::{Breach, Level};

    async fn raise(b: &Backend, level: Level) -> i64 {
        let alert = b
            .state
            .db
            .call(move |conn| {
                let breach = Breach {
                    level,
                    metric: "memory",
                    value: 91.0,
                    threshold: 90.0,
                    message: "Memory usage critical: 91.0%".into(),
                };
                Ok(alert_log::insert(conn, &breach, 1_700_000_000_000)?)
            })
            .await
            .unwrap();
        alert["id"].as_i64().unwrap()
    }

    #[tokio::test]
    async fn administrators_list_and_acknowledge_once_and_strangers_cannot() {
        let b = Backend::start().await;
        let admin = b.admin_token().await;
        let teacher = b.teacher_token().await;
        let id = raise(&b, Level::Critical).await;

        let list = "/api/v1/observability/alerts";
        assert_eq!(b.get(list, None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            b.get(list, Some(&teacher)).await.status,
            StatusCode::FORBIDDEN
        );
        let reply = b.get(list, Some(&admin)).await;
        let alerts = data(&reply)["alerts"].as_array().unwrap().clone();
        assert_eq!(alerts[0]["id"], id);
        assert_eq!(alerts[0]["level"], "critical");
        assert_eq!(alerts[0]["metric"], "memory");
        assert_eq!(alerts[0]["threshold"], 90.0);
        assert!(alerts[0]["timestamp"]
            .as_str()
            .unwrap()
            .starts_with("2023-11-14T22:13:20"));

        let ack = format!("/api/v1/observability/alerts/{id}/acknowledge");
        let refused = b
            .request(axum::http::Method::POST, &ack, Some(&teacher), None)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let done = b
            .request(axum::http::Method::POST, &ack, Some(&admin), None)
            .await;
        assert_eq!(data(&done)["acknowledged_by"], "admin");
        assert!(data(&done)["acknowledged_at"].is_string());
        let listed = b.get(list, Some(&admin)).await;
        assert_eq!(data(&listed)["alerts"][0]["acknowledged_by"], "admin");

        for missing in ["999999", "abc"] {
            let uri = format!("/api/v1/observability/alerts/{missing}/acknowledge");
            let reply = b
                .request(axum::http::Method::POST, &uri, Some(&admin), None)
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
        }
        let bad = b.get(&format!("{list}?limit=0"), Some(&admin)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
