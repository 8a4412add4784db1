//! Threshold crossings: an `alert-new` when a metric rises into warning or
//! critical (not again while it stays there).

use crate::metrics::sampler::Sample;
use crate::observability::thresholds::{Breach, Level, Thresholds};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct AlertTracker {
    levels: Mutex<HashMap<&'static str, Level>>,
}

fn rank(level: Option<Level>) -> u8 {
    match level {
        None => 0,
        Some(Level::Warning) => 1,
        Some(Level::Critical) => 2,
    }
}

impl AlertTracker {
    /// The breaches that are new since the previous sample (a rise in level).
    pub fn crossings(&self, thresholds: &Thresholds, sample: &Sample) -> Vec<Breach> {
        let breaches = thresholds.breaches(sample);
        let mut levels = self.levels.lock().unwrap_or_else(|p| p.into_inner());
        let mut rising = Vec::new();
        for metric in ["cpu", "memory", "disk"] {
            let now = breaches.iter().find(|b| b.metric == metric);
            let before = levels.get(metric).copied();
            if rank(now.map(|b| b.level)) > rank(before) {
                if let Some(b) = now {
                    rising.push(b.clone());
                }
            }
            match now {
                Some(b) => levels.insert(metric, b.level),
                None => levels.remove(metric),
            };
        }
        rising
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cpu: f64) -> Sample {
        let mut s: Sample = serde_json::from_value(serde_json::json!({
            "timestamp": "t", "unix_time": 0.0, "cpu_percent": cpu, "cpu_count": 1, "cpu_freq_mhz": 0.0,
            "memory_total_gb": 1.0, "memory_used_gb": 0.0, "memory_available_gb": 1.0, "memory_percent": 1.0,
            "disk_total_gb": 1.0, "disk_used_gb": 0.0, "disk_free_gb": 1.0, "disk_percent": 1.0,
            "network_bytes_sent": 0, "network_bytes_recv": 0, "network_packets_sent": 0, "network_packets_recv": 0,
            "network_connections": 0, "uptime_seconds": 0.0, "boot_time": "", "load_average": null,
            "process_count": 1, "process": null
        }))
        .unwrap();
        s.cpu_percent = cpu;
        s
    }

    #[test]
    fn alerts_on_rises_only() {
        let t = Thresholds::default();
        let a = AlertTracker::default();
        assert!(a.crossings(&t, &sample(10.0)).is_empty());
        let up = a.crossings(&t, &sample(75.0));
        assert_eq!((up.len(), up[0].level), (1, Level::Warning));
        assert!(
            a.crossings(&t, &sample(80.0)).is_empty(),
            "still warning: no repeat"
        );
        assert_eq!(a.crossings(&t, &sample(95.0))[0].level, Level::Critical);
        assert!(
            a.crossings(&t, &sample(75.0)).is_empty(),
            "falling is not an alert"
        );
        assert!(a.crossings(&t, &sample(10.0)).is_empty());
        assert_eq!(a.crossings(&t, &sample(99.0))[0].level, Level::Critical);
    }
}
