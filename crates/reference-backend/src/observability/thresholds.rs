//! Warning/critical thresholds and the health score (docs/contracts/api.md, Infrastructure).

use crate::metrics::sampler::{round1, Sample};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub cpu_warning: f64,
    pub cpu_critical: f64,
    pub memory_warning: f64,
    pub memory_critical: f64,
    pub disk_warning: f64,
    pub disk_critical: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            cpu_warning: 70.0,
            cpu_critical: 90.0,
            memory_warning: 75.0,
            memory_critical: 90.0,
            disk_warning: 80.0,
            disk_critical: 95.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Critical,
}

/// One threshold exceeded by one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breach {
    pub level: Level,
    pub metric: &'static str,
    pub value: f64,
    pub threshold: f64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthCheck {
    pub status: &'static str,
    pub warnings: Vec<String>,
    pub critical: Vec<String>,
    pub thresholds: Thresholds,
    pub timestamp: String,
}

impl Thresholds {
    /// Every metric above its warning or critical threshold.
    pub fn breaches(&self, sample: &Sample) -> Vec<Breach> {
        let metrics = [
            (
                "cpu",
                "CPU",
                sample.cpu_percent,
                self.cpu_warning,
                self.cpu_critical,
            ),
            (
                "memory",
                "Memory",
                sample.memory_percent,
                self.memory_warning,
                self.memory_critical,
            ),
            (
                "disk",
                "Disk",
                sample.disk_percent,
                self.disk_warning,
                self.disk_critical,
            ),
        ];
        metrics
            .into_iter()
            .filter_map(|(metric, label, value, warning, critical)| {
                let (level, threshold, word) = if value >= critical {
                    (Level::Critical, critical, "critical")
                } else if value >= warning {
                    (Level::Warning, warning, "high")
                } else {
                    return None;
                };
                Some(Breach {
                    level,
                    metric,
                    value,
                    threshold,
                    message: format!("{label} usage {word}: {value:.1}%"),
                })
            })
            .collect()
    }

    pub fn check(&self, sample: &Sample) -> HealthCheck {
        let breaches = self.breaches(sample);
        let pick = |level| {
            breaches
                .iter()
                .filter(|b| b.level == level)
                .map(|b| b.message.clone())
                .collect::<Vec<_>>()
        };
        let (warnings, critical) = (pick(Level::Warning), pick(Level::Critical));
        let status = if !critical.is_empty() {
            "unhealthy"
        } else if !warnings.is_empty() {
            "degraded"
        } else {
            "healthy"
        };
        HealthCheck {
            status,
            warnings,
            critical,
            thresholds: *self,
            timestamp: sample.timestamp.clone(),
        }
    }
}

/// 100 − 30·cpu − 30·memory − 20·disk (as fractions) − 5 per warning − 15 per critical, in 0..=100.
pub fn health_score(sample: &Sample, check: &HealthCheck) -> f64 {
    let score = 100.0
        - 30.0 * sample.cpu_percent / 100.0
        - 30.0 * sample.memory_percent / 100.0
        - 20.0 * sample.disk_percent / 100.0
        - 5.0 * check.warnings.len() as f64
        - 15.0 * check.critical.len() as f64;
    round1(score.clamp(0.0, 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cpu: f64, memory: f64, disk: f64) -> Sample {
        Sample {
            timestamp: "t".into(),
            unix_time: 0.0,
            cpu_percent: cpu,
            cpu_count: 1,
            cpu_freq_mhz: 0.0,
            memory_total_gb: 1.0,
            memory_used_gb: 0.0,
            memory_available_gb: 1.0,
            memory_percent: memory,
            disk_total_gb: 1.0,
            disk_used_gb: 0.0,
            disk_free_gb: 1.0,
            disk_percent: disk,
            network_bytes_sent: 0,
            network_bytes_recv: 0,
            network_packets_sent: 0,
            network_packets_recv: 0,
            network_connections: 0,
            uptime_seconds: 0.0,
            boot_time: String::new(),
            load_average: None,
            process_count: 1,
            process: None,
        }
    }

    #[test]
    fn statuses_and_messages() {
        let t = Thresholds::default();
        let c = t.check(&sample(10.0, 10.0, 10.0));
        assert_eq!(
            (c.status, c.warnings.len(), c.critical.len()),
            ("healthy", 0, 0)
        );
        let c = t.check(&sample(75.3, 10.0, 10.0));
        assert_eq!(c.status, "degraded");
        assert_eq!(c.warnings, vec!["CPU usage high: 75.3%"]);
        let c = t.check(&sample(75.0, 92.0, 96.0));
        assert_eq!(c.status, "unhealthy");
        assert_eq!(
            c.critical,
            vec!["Memory usage critical: 92.0%", "Disk usage critical: 96.0%"]
        );
    }

    #[test]
    fn score_formula() {
        let t = Thresholds::default();
        let s = sample(50.0, 50.0, 50.0);
        // 100 - 15 - 15 - 10 = 60
        assert_eq!(health_score(&s, &t.check(&s)), 60.0);
        let s = sample(95.0, 95.0, 99.0);
        // 100 - 28.5 - 28.5 - 19.8 - 45 < 0
        assert_eq!(health_score(&s, &t.check(&s)), 0.0);
        let s = sample(72.0, 0.0, 0.0);
        // 100 - 21.6 - 5 = 73.4
        assert_eq!(health_score(&s, &t.check(&s)), 73.4);
    }
}
