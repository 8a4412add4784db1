//! The state of a live metrics view: the latest report, whether it is fresh or
//! stale, and a bounded history for the charts. Polled and pushed reports
//! enter through the same [`LiveMetrics::ingest`].

use crate::infra::{InfraReport, Limits};
use crate::time::parse_iso8601_ms;
use std::collections::VecDeque;

/// How far back the charts go.
pub(crate) const DEFAULT_RETENTION_MS: f64 = 15.0 * 60.0 * 1000.0;
/// Never more points than this, whatever the interval: a day of stored
/// history (1,000 buckets) plus live readings.
pub(crate) const MAX_POINTS: usize = 2000;

/// One charted reading.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    /// When it was sampled (ms since the epoch: the report's timestamp, else arrival).
    pub t_ms: f64,
    /// CPU use, percent.
    pub cpu: Option<f64>,
    /// Memory use, percent.
    pub memory: Option<f64>,
    /// Disk use, percent.
    pub disk: Option<f64>,
    /// Health score, 0–100.
    pub health_score: Option<f64>,
    /// Derived from the cumulative counters; `None` at the first point, after a
    /// counter reset, or after a gap.
    pub rx_bps: Option<f64>,
    /// Bytes sent per second, derived like `rx_bps`.
    pub tx_bps: Option<f64>,
    /// The time it stands for: 0 for one reading, a bucket's width for stored
    /// history (a line breaks only where points are further apart than that).
    #[serde(default)]
    pub step_ms: f64,
    /// The highest CPU use within a stored bucket (`None` for a single reading).
    #[serde(default)]
    pub cpu_max: Option<f64>,
    /// The highest memory use within a stored bucket.
    #[serde(default)]
    pub memory_max: Option<f64>,
    /// The highest disk use within a stored bucket.
    #[serde(default)]
    pub disk_max: Option<f64>,
}

/// Bytes per second between two readings of cumulative counters.
#[derive(Debug, Clone, Default)]
pub(crate) struct RateTracker {
    last: Option<(f64, u64, u64)>,
}

impl RateTracker {
    /// `None` when no honest rate exists: first reading, a counter that went
    /// down (reboot, wrap), time not moving forward, or a gap longer than `max_gap_ms`.
    pub(crate) fn push(
        &mut self,
        t_ms: f64,
        sent: u64,
        recv: u64,
        max_gap_ms: f64,
    ) -> Option<(f64, f64)> {
        let previous = self.last;
        match previous {
            Some((t0, _, _)) if t_ms <= t0 => return None,
            _ => self.last = Some((t_ms, sent, recv)),
        }
        let (t0, sent0, recv0) = previous?;
        let dt = t_ms - t0;
        if dt > max_gap_ms || sent < sent0 || recv < recv0 {
            return None;
        }
        let seconds = dt / 1000.0;
        Some((
            (sent - sent0) as f64 / seconds,
            (recv - recv0) as f64 / seconds,
        ))
    }

    /// Forget the last reading: the next one yields no rate.
    pub(crate) fn reset(&mut self) {
        self.last = None;
    }
}

/// The readings of the last `retention_ms`, oldest first, at most 1,000.
#[derive(Debug, Clone)]
pub struct History {
    points: VecDeque<Point>,
    retention_ms: f64,
    rates: RateTracker,
    last_key: Option<String>,
}

impl History {
    /// An empty history that keeps `retention_ms` of readings.
    pub fn new(retention_ms: f64) -> History {
        History {
            points: VecDeque::new(),
            retention_ms,
            rates: RateTracker::default(),
            last_key: None,
        }
    }

    /// How many readings it holds.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// No reading yet.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The readings, oldest first.
    pub fn points(&self) -> impl Iterator<Item = &Point> {
        self.points.iter()
    }

    /// The newest reading.
    pub fn last(&self) -> Option<&Point> {
        self.points.back()
    }

    /// Adds the reading; `false` when it is the same sample as the previous one
    /// (a fast poll can see one backend sample several times).
    pub(crate) fn record(
        &mut self,
        report: &InfraReport,
        received_ms: f64,
        max_gap_ms: f64,
    ) -> bool {
        if let Some(ts) = &report.timestamp {
            if self.last_key.as_deref() == Some(ts) {
                return false;
            }
            self.last_key = Some(ts.clone());
        }
        let t_ms = report
            .timestamp
            .as_deref()
            .and_then(parse_iso8601_ms)
            .unwrap_or(received_ms);
        if self.points.back().is_some_and(|p| t_ms <= p.t_ms) {
            return false;
        }
        let rates = match (report.network.bytes_sent, report.network.bytes_recv) {
            (Some(sent), Some(recv)) => self.rates.push(t_ms, sent, recv, max_gap_ms),
            _ => {
                self.rates.reset();
                None
            }
        };
        self.points.push_back(Point {
            t_ms,
            cpu: report.cpu.percent,
            memory: report.memory.percent,
            disk: report.disk.percent,
            health_score: report.health_score,
            tx_bps: rates.map(|r| r.0),
            rx_bps: rates.map(|r| r.1),
            step_ms: 0.0,
            cpu_max: None,
            memory_max: None,
            disk_max: None,
        });
        self.trim();
        true
    }

    /// Adds readings from elsewhere (the backend's stored history, or what
    /// this session saw before) where the history has none: a stored bucket
    /// that already holds a reading is left out, so finer live readings are
    /// never replaced by coarser buckets, and gaps (a reload, a visit to
    /// another page) are filled.
    pub fn seed(&mut self, earlier: impl IntoIterator<Item = Point>) {
        let held: Vec<f64> = self.points.iter().map(|p| p.t_ms).collect();
        let covered = |p: &Point| {
            let i = held.partition_point(|t| *t < p.t_ms);
            held.get(i)
                .is_some_and(|t| *t < p.t_ms + p.step_ms.max(1.0))
        };
        let mut all: Vec<Point> = earlier
            .into_iter()
            .filter(|p| p.t_ms.is_finite() && !covered(p))
            .collect();
        if all.is_empty() {
            return;
        }
        all.extend(self.points.drain(..));
        all.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
        all.dedup_by(|a, b| a.t_ms == b.t_ms);
        self.points = all.into();
        self.trim();
    }

    /// Keeps `retention_ms` of readings from now on (a range change).
    pub fn set_retention(&mut self, retention_ms: f64) {
        self.retention_ms = retention_ms;
        self.trim();
    }

    /// Drops what is older than the retention, counted back from the newest
    /// reading, and the oldest beyond [`MAX_POINTS`].
    fn trim(&mut self) {
        let Some(newest) = self.points.back().map(|p| p.t_ms) else {
            return;
        };
        while self.points.len() > MAX_POINTS
            || self
                .points
                .front()
                .is_some_and(|p| p.t_ms < newest - self.retention_ms)
        {
            self.points.pop_front();
        }
    }

    /// `(time, value)` pairs for one metric, with a `None` inserted wherever
    /// two points are more than `gap_ms` apart (or, for stored history, more
    /// than one and a half buckets) so the chart line breaks there.
    pub fn series(
        &self,
        metric: impl Fn(&Point) -> Option<f64>,
        gap_ms: f64,
    ) -> Vec<(f64, Option<f64>)> {
        let mut out = Vec::with_capacity(self.points.len() + 4);
        let mut previous: Option<&Point> = None;
        for p in &self.points {
            if let Some(before) = previous {
                let allowed = gap_ms.max(before.step_ms.max(p.step_ms) * 1.5);
                if p.t_ms - before.t_ms > allowed {
                    out.push(((before.t_ms + p.t_ms) / 2.0, None));
                }
            }
            out.push((p.t_ms, metric(p)));
            previous = Some(p);
        }
        out
    }
}

/// What the view shows about the data's freshness.
#[derive(Debug, Clone, PartialEq)]
pub enum Freshness {
    /// Nothing has arrived yet: show skeletons.
    Loading,
    /// The latest attempt succeeded.
    Fresh,
    /// Data is shown but the last attempt failed.
    Stale {
        /// Why the last attempt failed.
        message: String,
    },
    /// Nothing ever arrived and the last attempt failed.
    Failed {
        /// Why the last attempt failed.
        message: String,
    },
}

/// A live metrics view's data: the latest report, its freshness and its history.
#[derive(Debug, Clone)]
pub struct LiveMetrics {
    latest: Option<InfraReport>,
    received_ms: Option<f64>,
    error: Option<String>,
    history: History,
}

impl Default for LiveMetrics {
    fn default() -> Self {
        LiveMetrics::new(DEFAULT_RETENTION_MS)
    }
}

impl LiveMetrics {
    /// An empty view that keeps `retention_ms` of history.
    pub fn new(retention_ms: f64) -> LiveMetrics {
        LiveMetrics {
            latest: None,
            received_ms: None,
            error: None,
            history: History::new(retention_ms),
        }
    }

    /// A report arrived (polled or pushed). `max_gap_ms`: readings further
    /// apart than this do not yield a network rate. Returns whether anything
    /// but its arrival time changed: `false` when it repeats the latest report,
    /// its reading's time included, and nothing had failed since (most polls
    /// between two of the backend's samples), so that the page need not look
    /// at it again. A report without a reading time is a new reading each time.
    pub fn ingest(&mut self, report: InfraReport, now_ms: f64, max_gap_ms: f64) -> bool {
        let repeated = self.error.is_none()
            && report.timestamp.is_some()
            && self.latest.as_ref() == Some(&report);
        self.received_ms = Some(now_ms);
        if repeated {
            return false;
        }
        self.history.record(&report, now_ms, max_gap_ms);
        self.latest = Some(report);
        self.error = None;
        true
    }

    /// The latest attempt failed with `message`; what is shown becomes stale.
    pub fn failed(&mut self, message: String) {
        self.error = Some(message);
    }

    /// The latest report, if any arrived.
    pub fn latest(&self) -> Option<&InfraReport> {
        self.latest.as_ref()
    }

    /// When the latest report arrived (browser clock).
    pub fn received_ms(&self) -> Option<f64> {
        self.received_ms
    }

    /// The readings for the charts.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The readings for the charts, to seed or re-scope.
    pub fn history_mut(&mut self) -> &mut History {
        &mut self.history
    }

    /// What to say about the data's age.
    pub fn freshness(&self) -> Freshness {
        match (&self.latest, &self.error) {
            (None, None) => Freshness::Loading,
            (Some(_), None) => Freshness::Fresh,
            (Some(_), Some(m)) => Freshness::Stale { message: m.clone() },
            (None, Some(m)) => Freshness::Failed { message: m.clone() },
        }
    }
}

/// A value compared with its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// No value, or no thresholds from the backend: neutral colour.
    Unknown,
    /// Below the warning threshold.
    Normal,
    /// At or above the warning threshold.
    Warning,
    /// At or above the critical threshold.
    Critical,
}

/// Where `value` stands against `limits`.
pub fn level(value: Option<f64>, limits: Option<Limits>) -> Level {
    match (value, limits) {
        (Some(v), Some(l)) if v >= l.critical => Level::Critical,
        (Some(v), Some(l)) if v >= l.warning => Level::Warning,
        (Some(_), Some(_)) => Level::Normal,
        _ => Level::Unknown,
    }
}

/// Health score colour bands: ≥90 green, ≥70 yellow, ≥50 orange, else red.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreTier {
    /// 90 and above.
    Green,
    /// 70 to 89.
    Yellow,
    /// 50 to 69.
    Orange,
    /// Below 50.
    Red,
}

/// The colour band of a health score.
pub fn score_tier(score: f64) -> ScoreTier {
    if score >= 90.0 {
        ScoreTier::Green
    } else if score >= 70.0 {
        ScoreTier::Yellow
    } else if score >= 50.0 {
        ScoreTier::Orange
    } else {
        ScoreTier::Red
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::{CpuStats, NetworkStats};

    fn report(ts: &str, cpu: f64, sent: u64, recv: u64) -> InfraReport {
        InfraReport {
            timestamp: Some(ts.into()),
            cpu: CpuStats {
                percent: Some(cpu),
                ..CpuStats::default()
            },
            network: NetworkStats {
                bytes_sent: Some(sent),
                bytes_recv: Some(recv),
                connections: None,
            },
            ..InfraReport::default()
        }
    }

    #[test]
    fn rates_come_from_counter_deltas() {
        let mut r = RateTracker::default();
        assert_eq!(r.push(0.0, 1_000, 5_000, 30_000.0), None);
        assert_eq!(
            r.push(5_000.0, 6_000, 15_000, 30_000.0),
            Some((1_000.0, 2_000.0))
        );
        // Same instant again: no rate, baseline kept.
        assert_eq!(r.push(5_000.0, 6_000, 15_000, 30_000.0), None);
        assert_eq!(r.push(10_000.0, 6_000, 15_000, 30_000.0), Some((0.0, 0.0)));
    }

    #[test]
    fn counter_resets_and_gaps_yield_no_rate() {
        let mut r = RateTracker::default();
        r.push(0.0, 10_000, 10_000, 30_000.0);
        // Reboot: the counters start again from a small number.
        assert_eq!(r.push(5_000.0, 100, 200, 30_000.0), None);
        assert_eq!(r.push(10_000.0, 600, 1_200, 30_000.0), Some((100.0, 200.0)));
        // Backend unreachable for a minute: the average over the gap would lie.
        assert_eq!(r.push(70_000.0, 700, 1_300, 30_000.0), None);
        assert_eq!(r.push(75_000.0, 800, 1_800, 30_000.0), Some((20.0, 100.0)));
    }

    #[test]
    fn history_dedupes_samples_and_computes_rates() {
        let mut h = History::new(DEFAULT_RETENTION_MS);
        assert!(h.record(
            &report("2025-10-01T10:30:00+00:00", 10.0, 0, 0),
            0.0,
            30_000.0
        ));
        assert!(!h.record(
            &report("2025-10-01T10:30:00+00:00", 10.0, 0, 0),
            100.0,
            30_000.0
        ));
        assert!(h.record(
            &report("2025-10-01T10:30:05+00:00", 20.0, 5_000, 10_000),
            5_000.0,
            30_000.0
        ));
        assert_eq!(h.len(), 2);
        let p = h.last().unwrap();
        assert_eq!((p.tx_bps, p.rx_bps), (Some(1_000.0), Some(2_000.0)));
        assert_eq!(p.t_ms - h.points().next().unwrap().t_ms, 5_000.0);
    }

    #[test]
    fn history_keeps_fifteen_minutes() {
        let mut h = History::new(DEFAULT_RETENTION_MS);
        // 20 minutes of readings every 5 s, without timestamps (browser time used).
        for i in 0..240 {
            let mut r = report("", 1.0, 0, 0);
            r.timestamp = None;
            h.record(&r, i as f64 * 5_000.0, 30_000.0);
        }
        assert_eq!(h.len(), 181);
        assert_eq!(
            h.points().next().unwrap().t_ms,
            239.0 * 5_000.0 - DEFAULT_RETENTION_MS
        );
    }

    #[test]
    fn history_never_exceeds_its_cap() {
        let mut h = History::new(f64::INFINITY);
        for i in 0..(MAX_POINTS + 50) {
            let mut r = report("", 1.0, 0, 0);
            r.timestamp = None;
            h.record(&r, i as f64, 30_000.0);
        }
        assert_eq!(h.len(), MAX_POINTS);
    }

    #[test]
    fn series_break_at_gaps() {
        let mut h = History::new(DEFAULT_RETENTION_MS);
        for (ts, t) in [("a", 0.0), ("b", 5_000.0), ("c", 60_000.0)] {
            let mut r = report(ts, t / 1000.0, 0, 0);
            r.timestamp = Some(ts.into());
            h.record(&r, t, 30_000.0);
        }
        let s = h.series(|p| p.cpu, 15_000.0);
        assert_eq!(
            s,
            vec![
                (0.0, Some(0.0)),
                (5_000.0, Some(5.0)),
                (32_500.0, None),
                (60_000.0, Some(60.0))
            ]
        );
    }

    fn stored(t_ms: f64, cpu: f64, step_ms: f64) -> Point {
        Point {
            t_ms,
            cpu: Some(cpu),
            memory: None,
            disk: None,
            health_score: None,
            rx_bps: None,
            tx_bps: None,
            step_ms,
            cpu_max: None,
            memory_max: None,
            disk_max: None,
        }
    }

    #[test]
    fn stored_history_fills_what_the_live_readings_do_not_cover() {
        let mut h = History::new(DEFAULT_RETENTION_MS);
        let mut r = report("", 50.0, 0, 0);
        r.timestamp = None;
        // Live readings every second, then a visit elsewhere, then again.
        for t in [500_000.0, 501_000.0, 502_000.0, 600_000.0] {
            h.record(&r, t, 30_000.0);
        }
        h.seed([
            stored(490_000.0, 1.0, 10_000.0),
            stored(500_000.0, 9.0, 10_000.0), // holds live readings: left out
            stored(550_000.0, 2.0, 10_000.0), // the gap: filled
            stored(550_000.0, 3.0, 10_000.0), // a duplicate
            stored(-1e9, 0.0, 10_000.0),      // older than the retention
        ]);
        let cpu: Vec<(f64, Option<f64>)> = h.points().map(|p| (p.t_ms, p.cpu)).collect();
        assert_eq!(
            cpu,
            [
                (490_000.0, Some(1.0)),
                (500_000.0, Some(50.0)),
                (501_000.0, Some(50.0)),
                (502_000.0, Some(50.0)),
                (550_000.0, Some(2.0)),
                (600_000.0, Some(50.0))
            ]
        );
        // The same again adds nothing; a later live reading is appended as usual.
        h.seed([stored(490_000.0, 1.0, 10_000.0)]);
        h.record(&r, 605_000.0, 30_000.0);
        assert_eq!(h.len(), 7);
    }

    #[test]
    fn a_longer_retention_keeps_more_and_a_shorter_one_trims() {
        let mut h = History::new(3_600_000.0);
        h.seed((0..=60).map(|m| stored(f64::from(m) * 60_000.0, 1.0, 60_000.0)));
        assert_eq!(h.len(), 61);
        h.set_retention(DEFAULT_RETENTION_MS);
        assert_eq!(h.len(), 16, "the last 15 minutes, counted from the newest");
    }

    #[test]
    fn buckets_one_step_apart_are_a_line_and_further_apart_a_gap() {
        let mut h = History::new(f64::INFINITY);
        h.seed([
            stored(0.0, 1.0, 87_000.0),
            stored(87_000.0, 2.0, 87_000.0),
            stored(400_000.0, 3.0, 87_000.0),
        ]);
        let s = h.series(|p| p.cpu, 15_000.0);
        assert_eq!(s.len(), 4);
        assert_eq!(s[2], (243_500.0, None));
    }

    #[test]
    fn freshness_follows_successes_and_failures() {
        let mut live = LiveMetrics::default();
        assert_eq!(live.freshness(), Freshness::Loading);
        live.failed("down".into());
        assert_eq!(
            live.freshness(),
            Freshness::Failed {
                message: "down".into()
            }
        );
        live.ingest(report("a", 1.0, 0, 0), 1_000.0, 30_000.0);
        assert_eq!(live.freshness(), Freshness::Fresh);
        live.failed("Cannot reach the server.".into());
        assert_eq!(
            live.freshness(),
            Freshness::Stale {
                message: "Cannot reach the server.".into()
            }
        );
        // Stale data stays available.
        assert_eq!(live.latest().unwrap().cpu.percent, Some(1.0));
        assert_eq!(live.received_ms(), Some(1_000.0));
        // A pushed report is as good as a polled one.
        live.ingest(report("b", 2.0, 0, 0), 2_000.0, 30_000.0);
        assert_eq!(live.freshness(), Freshness::Fresh);
    }

    #[test]
    fn a_repeated_report_changes_only_its_arrival_time() {
        let mut live = LiveMetrics::default();
        assert!(
            live.ingest(report("a", 1.0, 0, 0), 1_000.0, 30_000.0),
            "the first"
        );
        assert!(
            !live.ingest(report("a", 1.0, 0, 0), 1_050.0, 30_000.0),
            "the same again"
        );
        assert_eq!(live.received_ms(), Some(1_050.0));
        assert_eq!(live.history().len(), 1);
        assert!(
            live.ingest(report("b", 2.0, 0, 0), 1_100.0, 30_000.0),
            "a new reading"
        );
        assert!(
            live.ingest(report("b", 3.0, 0, 0), 1_150.0, 30_000.0),
            "same time, other values"
        );
        assert_eq!(live.latest().unwrap().cpu.percent, Some(3.0));
        live.failed("down".into());
        assert!(
            live.ingest(report("b", 3.0, 0, 0), 1_200.0, 30_000.0),
            "the same report after a failure ends the stale state"
        );
        assert_eq!(live.freshness(), Freshness::Fresh);
        let untimed = InfraReport {
            timestamp: None,
            ..report("-", 4.0, 0, 0)
        };
        assert!(live.ingest(untimed.clone(), 1_250.0, 30_000.0));
        assert!(
            live.ingest(untimed, 1_300.0, 30_000.0),
            "without a reading time, the same figures are a new reading"
        );
        assert_eq!(live.history().len(), 4);
    }

    #[test]
    fn levels_follow_the_backends_thresholds() {
        let l = Some(Limits {
            warning: 70.0,
            critical: 90.0,
        });
        assert_eq!(level(Some(10.0), l), Level::Normal);
        assert_eq!(level(Some(70.0), l), Level::Warning);
        assert_eq!(level(Some(95.0), l), Level::Critical);
        assert_eq!(level(None, l), Level::Unknown);
        assert_eq!(level(Some(95.0), None), Level::Unknown);
    }

    #[test]
    fn score_tiers() {
        assert_eq!(score_tier(95.0), ScoreTier::Green);
        assert_eq!(score_tier(90.0), ScoreTier::Green);
        assert_eq!(score_tier(89.9), ScoreTier::Yellow);
        assert_eq!(score_tier(70.0), ScoreTier::Yellow);
        assert_eq!(score_tier(50.0), ScoreTier::Orange);
        assert_eq!(score_tier(49.9), ScoreTier::Red);
    }
}
