//! Reads real host and process figures with sysinfo (the psutil calls the
//! ToolBoxAI backend makes, docs/contracts/api.md, Infrastructure).

use serde::Serialize;
use sysinfo::{Disks, Networks, Pid, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// One reading of the host and of this process.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Sample {
    pub timestamp: String,
    pub unix_time: f64,
    pub cpu_percent: f64,
    pub cpu_count: usize,
    pub cpu_freq_mhz: f64,
    pub memory_total_gb: f64,
    pub memory_used_gb: f64,
    pub memory_available_gb: f64,
    pub memory_percent: f64,
    pub disk_total_gb: f64,
    pub disk_used_gb: f64,
    pub disk_free_gb: f64,
    pub disk_percent: f64,
    pub network_bytes_sent: u64,
    pub network_bytes_recv: u64,
    pub network_packets_sent: u64,
    pub network_packets_recv: u64,
    pub network_connections: u64,
    pub uptime_seconds: f64,
    pub boot_time: String,
    pub load_average: Option<[f64; 3]>,
    pub process_count: usize,
    pub process: Option<ProcessSample>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ProcessSample {
    pub pid: u32,
    pub name: String,
    pub status: String,
    pub cpu_percent: f64,
    pub memory_mb: f64,
    pub memory_percent: f64,
    pub threads: Option<usize>,
    pub file_descriptors: Option<usize>,
    pub create_time: String,
}

pub struct Sampler {
    system: System,
    disks: Option<Disks>,
    networks: Option<Networks>,
    pid: Option<Pid>,
}

impl Sampler {
    /// Takes a first CPU reading; usage figures are meaningful from the next `sample`.
    pub fn new() -> anyhow::Result<Self> {
        let mut system =
            System::new().map_err(|e| anyhow::anyhow!("cannot read system metrics: {e}"))?;
        system.refresh_cpu_all();
        Ok(Sampler {
            system,
            disks: Disks::new_with_refreshed_list().ok(),
            networks: Networks::new_with_refreshed_list().ok(),
            pid: sysinfo::get_current_pid().ok(),
        })
    }

    pub fn sample(&mut self) -> Sample {
        let now = chrono::Utc::now();
        self.system.refresh_cpu_all();
        self.system.refresh_memory();
        let process_kind = ProcessRefreshKind::nothing()
            .with_cpu()
            .with_memory()
            .with_tasks()
            .with_exe(UpdateKind::OnlyIfNotSet);
        // All processes, for the count; ours is refreshed with its CPU and memory.
        self.system
            .refresh_processes_specifics(ProcessesToUpdate::All, true, process_kind);

        let total = self.system.total_memory() as f64;
        let available = self.system.available_memory() as f64;
        let used = (total - available).max(0.0);

        let (disk_total, disk_free) = self.root_disk();
        let disk_used = (disk_total - disk_free).max(0.0);

        let (sent, recv, packets_sent, packets_recv) = self.network_totals();
        let boot_time = System::boot_time().unwrap_or(0);
        let load = System::load_average()
            .ok()
            .map(|l| [l.one, l.five, l.fifteen]);
        let cpu_count = self.system.cpus().len();

        Sample {
            timestamp: crate::time::iso(now),
            unix_time: now.timestamp_millis() as f64 / 1000.0,
            cpu_percent: round1(self.system.global_cpu_usage() as f64),
            cpu_count,
            cpu_freq_mhz: self
                .system
                .cpus()
                .first()
                .map(|c| c.frequency() as f64)
                .unwrap_or(0.0),
            memory_total_gb: gb(total),
            memory_used_gb: gb(used),
            memory_available_gb: gb(available),
            memory_percent: percent(used, total),
            disk_total_gb: gb(disk_total),
            disk_used_gb: gb(disk_used),
            disk_free_gb: gb(disk_free),
            disk_percent: percent(disk_used, disk_total),
            network_bytes_sent: sent,
            network_bytes_recv: recv,
            network_packets_sent: packets_sent,
            network_packets_recv: packets_recv,
            network_connections: count_sockets(),
            uptime_seconds: System::uptime().unwrap_or(0) as f64,
            boot_time: crate::time::iso_from_unix(boot_time as i64),
            load_average: load,
            process_count: self.system.processes().len(),
            process: self.process_sample(total, cpu_count),
        }
    }

    fn root_disk(&mut self) -> (f64, f64) {
        let Some(disks) = self.disks.as_mut() else {
            return (0.0, 0.0);
        };
        disks.refresh(true);
        let root = disks
            .iter()
            .find(|d| d.mount_point() == std::path::Path::new("/"))
            .or_else(|| disks.iter().max_by_key(|d| d.total_space()));
        root.map(|d| (d.total_space() as f64, d.available_space() as f64))
            .unwrap_or((0.0, 0.0))
    }

    fn network_totals(&mut self) -> (u64, u64, u64, u64) {
        let Some(networks) = self.networks.as_mut() else {
            return (0, 0, 0, 0);
        };
        networks.refresh(true);
        networks.iter().fold((0, 0, 0, 0), |acc, (_, data)| {
            (
                acc.0 + data.total_transmitted(),
                acc.1 + data.total_received(),
                acc.2 + data.total_packets_transmitted(),
                acc.3 + data.total_packets_received(),
            )
        })
    }

    fn process_sample(&self, total_memory: f64, cpu_count: usize) -> Option<ProcessSample> {
        let process = self.system.process(self.pid?)?;
        let rss = process.memory() as f64;
        Some(ProcessSample {
            pid: process.pid().as_u32(),
            name: process.name().to_string_lossy().into_owned(),
            status: process.status().to_string().to_lowercase(),
            // sysinfo reports per-core percent like psutil's Process.cpu_percent.
            cpu_percent: round1(process.cpu_usage() as f64).min(100.0 * cpu_count.max(1) as f64),
            memory_mb: round2(rss / (1024.0 * 1024.0)),
            memory_percent: percent(rss, total_memory),
            threads: process.tasks().map(|t| t.len().max(1)),
            file_descriptors: process.open_files(),
            create_time: crate::time::iso_from_unix(process.start_time() as i64),
        })
    }
}

/// Open TCP and UDP sockets (psutil's `net_connections`); 0 when unreadable.
fn count_sockets() -> u64 {
    [
        "/proc/net/tcp",
        "/proc/net/tcp6",
        "/proc/net/udp",
        "/proc/net/udp6",
    ]
    .iter()
    .filter_map(|p| std::fs::read_to_string(p).ok())
    .map(|text| {
        text.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count() as u64
    })
    .sum()
}

fn gb(bytes: f64) -> f64 {
    round2(bytes / GIB)
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole <= 0.0 {
        0.0
    } else {
        round1(part / whole * 100.0)
    }
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_has_real_plausible_values() {
        let mut sampler = Sampler::new().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(250));
        let s = sampler.sample();
        assert!(s.cpu_count >= 1);
        assert!((0.0..=100.0).contains(&s.cpu_percent));
        assert!(s.memory_total_gb > 0.0);
        assert!((0.0..=100.0).contains(&s.memory_percent));
        assert!(s.disk_total_gb > 0.0);
        assert!(s.uptime_seconds > 0.0);
        assert!(s.process_count >= 1);
        let p = s.process.expect("our own process is visible");
        assert_eq!(p.pid, std::process::id());
        assert!(p.memory_mb > 0.0);
        assert!(s.timestamp.ends_with("+00:00"));
    }

    #[test]
    fn rounding_and_percentages() {
        assert_eq!(gb(GIB * 1.234), 1.23);
        assert_eq!(percent(1.0, 3.0), 33.3);
        assert_eq!(percent(1.0, 0.0), 0.0);
    }
}
