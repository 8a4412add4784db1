//! Infrastructure reports, from every shape the backends send (docs/contracts/variants.md,
//! Infrastructure and Health), into one [`InfraReport`]. A part that is missing or `{}` stays `None`
//! (shown as "—", never a fake 0); a body that is not a report is an error
//! with a message, never a panic.

use crate::api::{envelope_data, undecodable, ApiError};
use crate::json::{count, first_present, number, object, scalar_text, text_list};
use serde_json::{Map, Value};

/// One infrastructure reading, whatever shape it came in. `None` is "not sent"
/// (shown as "—"), never a made-up zero.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InfraReport {
    /// When the backend took the reading (ISO 8601).
    pub timestamp: Option<String>,
    /// Processor use.
    pub cpu: CpuStats,
    /// Memory use.
    pub memory: MemoryStats,
    /// Disk use.
    pub disk: DiskStats,
    /// Network counters.
    pub network: NetworkStats,
    /// Host uptime.
    pub uptime_seconds: Option<f64>,
    /// The backend process, when the report has it.
    pub process: Option<ProcessStats>,
    /// Label/value pairs, in display order.
    pub platform: Vec<(String, String)>,
    /// The threshold check, when the report has it.
    pub health: Option<HealthCheck>,
    /// Averages over the report's window, when it has them.
    pub summary: Option<Summary>,
    /// 0–100, as the backend computed it.
    pub health_score: Option<f64>,
    /// Which endpoint it came from.
    pub source: ReportSource,
}

/// Which endpoint a report came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportSource {
    /// `/api/v1/observability/infrastructure/report` (polled or pushed).
    #[default]
    Infrastructure,
    /// `/api/v1/health`, used when the infrastructure endpoints are missing.
    HealthFallback,
}

/// Processor use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CpuStats {
    /// Use, 0–100.
    pub percent: Option<f64>,
    /// Logical cores.
    pub count: Option<u64>,
    /// Current frequency.
    pub freq_mhz: Option<f64>,
}

/// Memory use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryStats {
    /// Use, 0–100.
    pub percent: Option<f64>,
    /// Installed.
    pub total_gb: Option<f64>,
    /// In use.
    pub used_gb: Option<f64>,
    /// Available to new processes.
    pub available_gb: Option<f64>,
}

/// Disk use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiskStats {
    /// Use, 0–100.
    pub percent: Option<f64>,
    /// Capacity.
    pub total_gb: Option<f64>,
    /// In use.
    pub used_gb: Option<f64>,
    /// Free.
    pub free_gb: Option<f64>,
}

/// Network counters of the host.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkStats {
    /// Cumulative since boot.
    pub bytes_sent: Option<u64>,
    /// Cumulative since boot.
    pub bytes_recv: Option<u64>,
    /// Open connections (0 where the backend may not count them).
    pub connections: Option<u64>,
}

/// The backend process.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessStats {
    /// Process id.
    pub pid: Option<u64>,
    /// Executable name.
    pub name: Option<String>,
    /// As the OS reports it (`running`, `sleeping`, …).
    pub status: Option<String>,
    /// Processor use, 0–100 per core.
    pub cpu_percent: Option<f64>,
    /// Resident memory.
    pub memory_mb: Option<f64>,
    /// Share of the host's memory, 0–100.
    pub memory_percent: Option<f64>,
    /// Threads.
    pub threads: Option<u64>,
    /// Open file descriptors.
    pub file_descriptors: Option<u64>,
    /// When it started (ISO 8601).
    pub create_time: Option<String>,
}

/// The backend's threshold check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthCheck {
    /// healthy | degraded | unhealthy (as sent).
    pub status: Option<String>,
    /// Sentences for readings over a warning threshold.
    pub warnings: Vec<String>,
    /// Sentences for readings over a critical threshold.
    pub critical: Vec<String>,
    /// The thresholds it used, when it says.
    pub thresholds: Option<Thresholds>,
}

/// Warning and critical thresholds per resource, in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Processor.
    pub cpu: Limits,
    /// Memory.
    pub memory: Limits,
    /// Disk.
    pub disk: Limits,
}

/// One resource's thresholds, in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// From here on: warning.
    pub warning: f64,
    /// From here on: critical.
    pub critical: f64,
}

/// Statistics over a time window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The window, in minutes.
    pub window_minutes: Option<u64>,
    /// Readings in it.
    pub sample_count: Option<u64>,
    /// Processor use.
    pub cpu: Option<Stats>,
    /// Memory use.
    pub memory: Option<Stats>,
    /// Disk use.
    pub disk: Option<Stats>,
}

/// Average, minimum and maximum of a percentage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Average.
    pub avg: f64,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
}

/// The backend said the report failed (`data.status: "error"`).
fn backend_failed(message: impl std::fmt::Display) -> ApiError {
    ApiError::Reported {
        message: format!("The backend could not produce the report: {message}"),
    }
}

/// Parses a report body (enveloped or bare; flat or nested `system`).
pub fn parse_report(body: &Value) -> Result<InfraReport, ApiError> {
    let data = envelope_data(body).map_err(|e| backend_failed(e.user_message()))?;
    let Some(map) = data.as_object() else {
        return Err(undecodable("not a JSON object"));
    };
    if map.get("status").and_then(Value::as_str) == Some("error") {
        let message = scalar_text(map.get("error"))
            .or_else(|| scalar_text(map.get("message")))
            .unwrap_or_else(|| "unknown error".into());
        return Err(backend_failed(message));
    }
    // The report's parts; a shape with none of them is not a report.
    let known = [
        "system",
        "process",
        "threshold_check",
        "metrics_summary",
        "health_score",
        "cpu",
        "memory",
        "disk",
    ];
    if !known.iter().any(|k| map.contains_key(*k)) {
        return Err(undecodable("none of the report's parts are present"));
    }
    if let Some(system) = map.get("system") {
        if !system.is_object() {
            return Err(undecodable("`system` is not an object"));
        }
    }
    let mut report = InfraReport {
        timestamp: scalar_text(map.get("timestamp")),
        ..InfraReport::default()
    };
    // `system` holds the metrics; a /system body has them at the top level.
    let system = object(map.get("system")).unwrap_or(map);
    read_system(system, &mut report);
    report.process = object(map.get("process"))
        .filter(|p| !p.is_empty())
        .map(read_process);
    report.platform = object(map.get("platform"))
        .map(read_platform)
        .unwrap_or_default();
    report.health = object(map.get("threshold_check"))
        .filter(|h| !h.is_empty())
        .map(read_health);
    report.summary = object(map.get("metrics_summary")).and_then(read_summary);
    report.health_score = number(map.get("health_score")).map(|s| s.clamp(0.0, 100.0));
    Ok(report)
}

fn read_system(system: &Map<String, Value>, report: &mut InfraReport) {
    if report.timestamp.is_none() {
        report.timestamp = scalar_text(system.get("timestamp"));
    }
    match object(system.get("cpu")) {
        // Nested: {"cpu": {"percent", "count", "freq_mhz"}, "memory": {...}, ...}
        Some(cpu) => {
            report.cpu = CpuStats {
                percent: number(cpu.get("percent")),
                count: count(cpu.get("count")),
                freq_mhz: number(first_present(cpu, &["freq_mhz", "freq_current"])),
            };
            if let Some(m) = object(system.get("memory")) {
                report.memory = MemoryStats {
                    percent: number(m.get("percent")),
                    total_gb: number(m.get("total_gb")),
                    used_gb: number(m.get("used_gb")),
                    available_gb: number(m.get("available_gb")),
                };
            }
            if let Some(d) = object(system.get("disk")) {
                report.disk = DiskStats {
                    percent: number(d.get("percent")),
                    total_gb: number(d.get("total_gb")),
                    used_gb: number(d.get("used_gb")),
                    free_gb: number(d.get("free_gb")),
                };
            }
            if let Some(n) = object(system.get("network")) {
                report.network = NetworkStats {
                    bytes_sent: count(n.get("bytes_sent")),
                    bytes_recv: count(n.get("bytes_recv")),
                    connections: count(n.get("connections")),
                };
            }
        }
        // Flat: {"cpu_percent", "memory_percent", ...}
        None => {
            report.cpu = CpuStats {
                percent: number(system.get("cpu_percent")),
                count: count(system.get("cpu_count")),
                freq_mhz: number(first_present(system, &["cpu_freq_current", "cpu_freq_mhz"])),
            };
            report.memory = MemoryStats {
                percent: number(system.get("memory_percent")),
                total_gb: number(system.get("memory_total_gb")),
                used_gb: number(system.get("memory_used_gb")),
                available_gb: number(system.get("memory_available_gb")),
            };
            report.disk = DiskStats {
                percent: number(system.get("disk_percent")),
                total_gb: number(system.get("disk_total_gb")),
                used_gb: number(system.get("disk_used_gb")),
                free_gb: number(system.get("disk_free_gb")),
            };
            report.network = NetworkStats {
                bytes_sent: count(system.get("network_bytes_sent")),
                bytes_recv: count(system.get("network_bytes_recv")),
                connections: count(system.get("network_connections")),
            };
        }
    }
    report.uptime_seconds = number(system.get("uptime_seconds")).filter(|u| *u >= 0.0);
}

fn read_process(p: &Map<String, Value>) -> ProcessStats {
    ProcessStats {
        pid: count(p.get("pid")),
        name: scalar_text(p.get("name")),
        status: scalar_text(p.get("status")),
        cpu_percent: number(p.get("cpu_percent")),
        memory_mb: number(p.get("memory_mb")),
        memory_percent: number(p.get("memory_percent")),
        threads: count(first_present(p, &["num_threads", "threads"])),
        file_descriptors: count(first_present(p, &["num_fds", "file_descriptors"])),
        create_time: scalar_text(p.get("create_time")),
    }
}

fn read_platform(p: &Map<String, Value>) -> Vec<(String, String)> {
    [
        ("hostname", "Host"),
        ("system", "System"),
        ("release", "Release"),
        ("version", "Version"),
        ("machine", "Machine"),
        ("architecture", "Architecture"),
    ]
    .into_iter()
    .filter_map(|(key, label)| scalar_text(p.get(key)).map(|v| (label.to_string(), v)))
    .collect()
}

fn read_health(h: &Map<String, Value>) -> HealthCheck {
    let thresholds = object(h.get("thresholds")).and_then(|t| {
        let limits = |name: &str| {
            let warning = number(t.get(&format!("{name}_warning")))?;
            let critical = number(t.get(&format!("{name}_critical")))?;
            Some(Limits { warning, critical })
        };
        Some(Thresholds {
            cpu: limits("cpu")?,
            memory: limits("memory")?,
            disk: limits("disk")?,
        })
    });
    HealthCheck {
        status: scalar_text(h.get("status")),
        warnings: text_list(h.get("warnings")),
        critical: text_list(h.get("critical")),
        thresholds,
    }
}

fn read_stats(v: Option<&Value>) -> Option<Stats> {
    let s = object(v)?;
    Some(Stats {
        avg: number(s.get("avg"))?,
        min: number(s.get("min"))?,
        max: number(s.get("max"))?,
    })
}

/// `None` for `{}` (no samples yet).
fn read_summary(s: &Map<String, Value>) -> Option<Summary> {
    let summary = Summary {
        window_minutes: count(s.get("time_window_minutes")),
        sample_count: count(s.get("sample_count")),
        cpu: read_stats(s.get("cpu")),
        memory: read_stats(s.get("memory")),
        disk: read_stats(s.get("disk")),
    };
    (summary.cpu.is_some() || summary.memory.is_some() || summary.disk.is_some()).then_some(summary)
}

/// A `/summary` answer (`{}` = no samples: `Ok(None)`).
pub fn parse_summary(body: &Value) -> Result<Option<Summary>, ApiError> {
    let data = envelope_data(body).map_err(|e| backend_failed(e.user_message()))?;
    match data.as_object() {
        Some(map) => Ok(read_summary(map)),
        None => Err(undecodable("the summary is not a JSON object")),
    }
}

/// `/api/v1/health`, the fallback when the infrastructure endpoints answer 404:
/// CPU, memory and disk percentages and the network counters.
pub fn parse_health_fallback(body: &Value) -> Result<InfraReport, ApiError> {
    let data = envelope_data(body).map_err(|e| backend_failed(e.user_message()))?;
    let map = data
        .as_object()
        .ok_or_else(|| undecodable("the health answer is not a JSON object"))?;
    let system = object(map.get("system"))
        .ok_or_else(|| undecodable("the health answer has no `system` figures"))?;
    let network = object(map.get("network"));
    Ok(InfraReport {
        timestamp: scalar_text(map.get("timestamp")),
        cpu: CpuStats {
            percent: number(system.get("cpu_percent")),
            ..CpuStats::default()
        },
        memory: MemoryStats {
            percent: number(system.get("memory_percent")),
            available_gb: number(system.get("memory_available_gb")),
            ..MemoryStats::default()
        },
        disk: DiskStats {
            percent: number(system.get("disk_percent")),
            free_gb: number(system.get("disk_free_gb")),
            ..DiskStats::default()
        },
        network: NetworkStats {
            bytes_sent: network.and_then(|n| count(n.get("bytes_sent"))),
            bytes_recv: network.and_then(|n| count(n.get("bytes_recv"))),
            connections: None,
        },
        source: ReportSource::HealthFallback,
        ..InfraReport::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flat() -> Value {
        json!({"status": "success", "data": {
            "status": "success", "timestamp": "2025-10-01T10:30:00+00:00",
            "platform": {"system": "Linux", "release": "6.1", "hostname": "web-1", "python_version": "3.11"},
            "system": {"cpu_percent": 12.5, "cpu_count": 8, "cpu_freq_current": 2400.0,
                "memory_total_gb": 15.5, "memory_available_gb": 8.9, "memory_used_gb": 6.2, "memory_percent": 42.6,
                "disk_total_gb": 100.0, "disk_used_gb": 40.0, "disk_free_gb": 60.0, "disk_percent": 40.0,
                "network_bytes_sent": 123, "network_bytes_recv": 456, "network_connections": 42,
                "uptime_seconds": 3600.5, "boot_time": "2025-10-01T09:30:00+00:00", "timestamp": "2025-10-01T10:30:00+00:00"},
            "process": {"pid": 7, "name": "uvicorn", "cpu_percent": 0.0, "memory_mb": 120.5, "memory_percent": 0.8,
                "num_threads": 12, "num_fds": 30, "status": "running", "create_time": "2025-10-01T09:31:00+00:00"},
            "threshold_check": {"status": "degraded", "warnings": ["CPU usage high: 75.3%"], "critical": [],
                "thresholds": {"cpu_warning": 70.0, "cpu_critical": 90.0, "memory_warning": 75.0,
                    "memory_critical": 90.0, "disk_warning": 80.0, "disk_critical": 95.0}},
            "metrics_summary": {"time_window_minutes": 5, "sample_count": 60,
                "cpu": {"avg": 10.0, "min": 1.0, "max": 30.0}, "memory": {"avg": 40.0, "min": 39.0, "max": 41.0},
                "disk": {"avg": 40.0, "min": 40.0, "max": 40.0}},
            "health_score": 71.2}})
    }

    #[test]
    fn the_canonical_flat_report() {
        let r = parse_report(&flat()).unwrap();
        assert_eq!(
            r.cpu,
            CpuStats {
                percent: Some(12.5),
                count: Some(8),
                freq_mhz: Some(2400.0)
            }
        );
        assert_eq!(r.memory.percent, Some(42.6));
        assert_eq!(r.disk.free_gb, Some(60.0));
        assert_eq!(
            r.network,
            NetworkStats {
                bytes_sent: Some(123),
                bytes_recv: Some(456),
                connections: Some(42)
            }
        );
        assert_eq!(r.uptime_seconds, Some(3600.5));
        let p = r.process.unwrap();
        assert_eq!(
            (p.pid, p.threads, p.file_descriptors),
            (Some(7), Some(12), Some(30))
        );
        let h = r.health.unwrap();
        assert_eq!(h.status.as_deref(), Some("degraded"));
        assert_eq!(h.warnings, vec!["CPU usage high: 75.3%"]);
        assert_eq!(
            h.thresholds.unwrap().disk,
            Limits {
                warning: 80.0,
                critical: 95.0
            }
        );
        assert_eq!(
            r.summary.unwrap().cpu,
            Some(Stats {
                avg: 10.0,
                min: 1.0,
                max: 30.0
            })
        );
        assert_eq!(r.health_score, Some(71.2));
        assert_eq!(r.platform[0], ("Host".to_string(), "web-1".to_string()));
        assert_eq!(r.source, ReportSource::Infrastructure);
    }

    #[test]
    fn the_same_report_bare() {
        let bare = flat()["data"].clone();
        assert_eq!(parse_report(&bare).unwrap(), parse_report(&flat()).unwrap());
    }

    #[test]
    fn the_nested_shape_from_the_docs() {
        let nested = json!({"status": "success", "data": {
            "timestamp": "t", "system": {"cpu": {"percent": 12.5, "count": 8, "freq_mhz": 2400.0},
                "memory": {"total_gb": 15.5, "used_gb": 6.2, "available_gb": 8.9, "percent": 42.6},
                "disk": {"total_gb": 100.0, "used_gb": 40.0, "free_gb": 60.0, "percent": 40.0},
                "network": {"bytes_sent": 123, "bytes_recv": 456, "connections": 42},
                "uptime_seconds": 3600.5}}});
        let r = parse_report(&nested).unwrap();
        let f = parse_report(&flat()).unwrap();
        assert_eq!(
            (r.cpu, r.memory, r.disk, r.network),
            (f.cpu, f.memory, f.disk, f.network)
        );
        assert_eq!(r.process, None);
    }

    #[test]
    fn a_system_endpoint_body_is_read_too() {
        let system = json!({"status": "success", "data": {"cpu": {"percent": 5.0, "count": 2},
            "memory": {"percent": 10.0}, "disk": {"percent": 20.0}, "network": {"bytes_sent": 1, "bytes_recv": 2},
            "uptime_seconds": 10.0, "timestamp": "t"}});
        let r = parse_report(&system).unwrap();
        assert_eq!(
            (r.cpu.percent, r.disk.percent, r.timestamp.as_deref()),
            (Some(5.0), Some(20.0), Some("t"))
        );
    }

    #[test]
    fn missing_parts_stay_missing_never_zero() {
        let partial =
            json!({"system": {}, "process": {}, "threshold_check": {}, "metrics_summary": {}});
        let r = parse_report(&partial).unwrap();
        assert_eq!(r.cpu.percent, None);
        assert_eq!(r.memory, MemoryStats::default());
        assert_eq!(r.network.bytes_sent, None);
        assert_eq!(
            (r.process, r.health, r.summary, r.health_score),
            (None, None, None, None)
        );
    }

    #[test]
    fn numeric_strings_are_accepted_and_odd_values_dropped() {
        let r = parse_report(
            &json!({"system": {"cpu_percent": "33.5", "memory_percent": "NaN",
            "disk_percent": true, "network_bytes_sent": -5, "cpu_count": 4.0}}),
        )
        .unwrap();
        assert_eq!(r.cpu.percent, Some(33.5));
        assert_eq!(r.memory.percent, None);
        assert_eq!(r.disk.percent, None);
        assert_eq!(r.network.bytes_sent, None);
        assert_eq!(r.cpu.count, Some(4));
    }

    #[test]
    fn a_failed_report_is_the_backends_error() {
        let failed = json!({"status": "success", "data": {"status": "error", "error": "psutil unavailable", "timestamp": "t"}});
        assert_eq!(
            parse_report(&failed),
            Err(backend_failed("psutil unavailable"))
        );
        let enveloped_error = json!({"status": "error", "data": null, "message": "Collector down"});
        assert_eq!(
            parse_report(&enveloped_error),
            Err(backend_failed("Collector down"))
        );
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        let malformed = [
            json!(null),
            json!([]),
            json!("report"),
            json!(42),
            json!(true),
            json!({}),
            json!({"unrelated": 1}),
            json!({"status": "success", "data": "nope"}),
            json!({"status": "success", "data": [1, 2]}),
            json!({"status": "success", "data": null}),
            json!({"system": 5}),
            json!({"system": []}),
            json!({"system": "cpu"}),
        ];
        for body in malformed {
            assert!(
                matches!(parse_report(&body), Err(ApiError::Decode { .. })),
                "{body}"
            );
        }
        // Deeply odd but object-shaped parts degrade to "—".
        let odd = json!({"system": {"cpu": 5, "memory": "x"}, "process": [], "threshold_check": {"warnings": 5,
            "thresholds": {"cpu_warning": "x"}}, "metrics_summary": {"cpu": {"avg": 1}}, "health_score": "high"});
        let r = parse_report(&odd).unwrap();
        assert_eq!(r.cpu.percent, None);
        assert_eq!(r.process, None);
        let h = r.health.unwrap();
        assert!(h.warnings.is_empty());
        assert_eq!(h.thresholds, None);
        assert_eq!(r.summary, None);
        assert_eq!(r.health_score, None);
    }

    #[test]
    fn scores_are_clamped() {
        assert_eq!(
            parse_report(&json!({"health_score": 140}))
                .unwrap()
                .health_score,
            Some(100.0)
        );
        assert_eq!(
            parse_report(&json!({"health_score": -3}))
                .unwrap()
                .health_score,
            Some(0.0)
        );
    }

    #[test]
    fn the_health_fallback() {
        let body = json!({"status": "healthy", "timestamp": "t", "service": "toolboxai-api",
            "system": {"cpu_percent": 20.0, "memory_percent": 50.0, "memory_available_gb": 4.0,
                       "disk_percent": 70.0, "disk_free_gb": 30.0, "load_average": null, "process_count": 99},
            "network": {"bytes_sent": 10, "bytes_recv": 20, "packets_sent": 1, "packets_recv": 2}});
        let r = parse_health_fallback(&body).unwrap();
        assert_eq!(r.source, ReportSource::HealthFallback);
        assert_eq!(
            (r.cpu.percent, r.memory.percent, r.disk.percent),
            (Some(20.0), Some(50.0), Some(70.0))
        );
        assert_eq!(r.network.bytes_recv, Some(20));
        assert_eq!(
            (r.uptime_seconds, r.health_score, r.process),
            (None, None, None)
        );
        assert!(parse_health_fallback(&json!({"status": "healthy"})).is_err());
        assert!(parse_health_fallback(&json!("up")).is_err());
    }

    #[test]
    fn summaries() {
        assert_eq!(
            parse_summary(&json!({"status": "success", "data": {}})),
            Ok(None)
        );
        let s = parse_summary(&json!({"time_window_minutes": 15, "sample_count": 3,
            "cpu": {"avg": 1, "min": 0, "max": 2}}))
        .unwrap()
        .unwrap();
        assert_eq!((s.window_minutes, s.cpu.unwrap().max), (Some(15), 2.0));
        assert!(parse_summary(&json!([])).is_err());
    }
}
