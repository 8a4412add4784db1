//! Every sample the sampler takes, kept in SQLite for [`RETENTION_MS`] (so it
//! survives a restart), and read back as a downsampled series: per time bucket
//! the minimum, maximum and mean of each metric, so a spike inside a bucket is
//! not averaged away. Network rates are derived from the cumulative counters.

use super::sampler::{round1, Sample};
use crate::observability::thresholds::health_score;
use crate::state::AppState;
use rusqlite::{params, Connection};
use serde::Serialize;

/// How long samples are kept: a day, plus an hour so a 24-h view is always full.
pub const RETENTION_MS: i64 = 25 * 3600 * 1000;
/// A series never has more buckets than this.
pub const MAX_BUCKETS: i64 = 1000;

/// One stored sample: what the charts draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub t_ms: i64,
    pub cpu: f64,
    pub memory: f64,
    pub disk: f64,
    pub bytes_recv: u64,
    pub bytes_sent: u64,
    pub health_score: f64,
}

impl Row {
    pub fn new(sample: &Sample, health_score: f64) -> Row {
        Row {
            t_ms: (sample.unix_time * 1000.0).round() as i64,
            cpu: sample.cpu_percent,
            memory: sample.memory_percent,
            disk: sample.disk_percent,
            bytes_recv: sample.network_bytes_recv,
            bytes_sent: sample.network_bytes_sent,
            health_score,
        }
    }
}

/// Stores a sample the sampler took, with its health score (in the background:
/// a failure is logged, the live view does not depend on it).
pub fn spawn_record(state: &AppState, sample: &Sample) {
    let check = state.thresholds.check(sample);
    let row = Row::new(sample, health_score(sample, &check));
    let db = state.db.clone();
    tokio::spawn(async move {
        if let Err(e) = db.call(move |conn| Ok(record(conn, &row)?)).await {
            tracing::warn!(error = %e, "could not store a metric sample");
        }
    });
}

/// Stores `row` and forgets what is older than the retention.
pub fn record(conn: &Connection, row: &Row) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO metric_samples
             (t_ms, cpu, memory, disk, bytes_recv, bytes_sent, health_score)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row.t_ms,
            row.cpu,
            row.memory,
            row.disk,
            row.bytes_recv as i64,
            row.bytes_sent as i64,
            row.health_score
        ],
    )?;
    conn.execute(
        "DELETE FROM metric_samples WHERE t_ms < ?1",
        params![row.t_ms - RETENTION_MS],
    )?;
    Ok(())
}

/// Made-up samples every `interval_ms` over the `hours` before `now_ms`, for
/// demonstrations and performance runs (`BACKFILL_HISTORY_HOURS`): slow waves
/// with a spike every hour, counters that grow. Times that already hold a
/// sample keep it. Returns how many were added.
pub fn backfill(
    conn: &Connection,
    now_ms: i64,
    hours: f64,
    interval_ms: i64,
) -> rusqlite::Result<usize> {
    let span_ms = (hours.clamp(0.0, 25.0) * 3_600_000.0) as i64;
    let interval_ms = interval_ms.max(100);
    let count = span_ms / interval_ms;
    let tx = conn.unchecked_transaction()?;
    let mut added = 0;
    {
        let mut insert = tx.prepare(
            "INSERT OR IGNORE INTO metric_samples
                 (t_ms, cpu, memory, disk, bytes_recv, bytes_sent, health_score)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for i in (1..=count).rev() {
            let t_ms = now_ms - i * interval_ms;
            let phase = t_ms as f64 / 600_000.0;
            let spike = if t_ms.rem_euclid(3_600_000) < interval_ms {
                50.0
            } else {
                0.0
            };
            let cpu = (25.0 + 15.0 * phase.sin() + spike).min(100.0);
            let memory = 55.0 + 10.0 * (phase / 3.0).cos();
            let n = count - i;
            added += insert.execute(params![
                t_ms,
                round1(cpu),
                round1(memory),
                42.0,
                n * 40_000,
                n * 12_000,
                round1(100.0 - cpu / 2.0)
            ])?;
        }
    }
    tx.commit()?;
    Ok(added)
}

/// The samples in `[start_ms, end_ms]`, oldest first.
pub fn rows(conn: &Connection, start_ms: i64, end_ms: i64) -> rusqlite::Result<Vec<Row>> {
    let mut statement = conn.prepare_cached(
        "SELECT t_ms, cpu, memory, disk, bytes_recv, bytes_sent, health_score
         FROM metric_samples WHERE t_ms BETWEEN ?1 AND ?2 ORDER BY t_ms",
    )?;
    let rows = statement.query_map(params![start_ms, end_ms], |r| {
        Ok(Row {
            t_ms: r.get(0)?,
            cpu: r.get(1)?,
            memory: r.get(2)?,
            disk: r.get(3)?,
            bytes_recv: r.get::<_, i64>(4)?.max(0) as u64,
            bytes_sent: r.get::<_, i64>(5)?.max(0) as u64,
            health_score: r.get(6)?,
        })
    })?;
    rows.collect()
}

/// The step a request gets: what it asked for, but never finer than the
/// sampler's interval nor so fine that the range has more than [`MAX_BUCKETS`].
pub fn step_for(start_ms: i64, end_ms: i64, asked_ms: Option<i64>, interval_ms: i64) -> i64 {
    // Aligned buckets cover at most span / step + 1 of them.
    let span = (end_ms - start_ms).max(1);
    let coarsest_needed = (span + MAX_BUCKETS - 2) / (MAX_BUCKETS - 1);
    let step = asked_ms.unwrap_or(0).max(interval_ms).max(coarsest_needed);
    // Whole seconds, so bucket times read well.
    if step >= 1000 {
        (step + 999) / 1000 * 1000
    } else {
        step.max(1)
    }
}

/// Minimum, maximum and mean per bucket, `None` where a bucket has no value.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Band {
    pub min: Vec<Option<f64>>,
    pub max: Vec<Option<f64>>,
    pub mean: Vec<Option<f64>>,
}

/// A downsampled series: bucket start times and one [`Band`] per metric.
/// Buckets without a sample are left out; a client draws a gap wherever two
/// buckets are more than one step apart.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Series {
    pub step_seconds: f64,
    /// Bucket starts, unix seconds.
    pub timestamps: Vec<f64>,
    pub cpu_percent: Band,
    pub memory_percent: Band,
    pub disk_percent: Band,
    pub network_recv_bytes_per_second: Band,
    pub network_sent_bytes_per_second: Band,
    pub health_score: Band,
}

#[derive(Clone, Copy)]
struct Acc {
    min: f64,
    max: f64,
    sum: f64,
    n: u32,
}

impl Acc {
    const EMPTY: Acc = Acc {
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        sum: 0.0,
        n: 0,
    };

    fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
            self.sum += v;
            self.n += 1;
        }
    }

    fn push_to(self, band: &mut Band, round: fn(f64) -> f64) {
        let (min, max, mean) = if self.n == 0 {
            (None, None, None)
        } else {
            (
                Some(round(self.min)),
                Some(round(self.max)),
                Some(round(self.sum / f64::from(self.n))),
            )
        };
        band.min.push(min);
        band.max.push(max);
        band.mean.push(mean);
    }
}

/// Bytes per second between two samples; `None` across a gap longer than
/// `max_gap_ms`. A counter that went down was reset (reboot, wrap): what it
/// counts now was counted since the reset, as Prometheus's `rate` reads it.
fn rate(previous: &Row, row: &Row, pick: fn(&Row) -> u64, max_gap_ms: i64) -> Option<f64> {
    let dt = row.t_ms - previous.t_ms;
    if dt <= 0 || dt > max_gap_ms {
        return None;
    }
    let (before, now) = (pick(previous), pick(row));
    let increase = if now >= before { now - before } else { now };
    Some(increase as f64 * 1000.0 / dt as f64)
}

/// Buckets of `step_ms` aligned to multiples of the step (so the same instant
/// falls in the same bucket from one request to the next), covering
/// `[start_ms, end_ms]`. `rows` are oldest first and may start before
/// `start_ms` (a row before the range gives the first rate).
pub fn downsample(
    rows: &[Row],
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
    max_gap_ms: i64,
) -> Series {
    let step_ms = step_ms.max(1);
    let first_bucket = start_ms.div_euclid(step_ms);
    let mut series = Series {
        step_seconds: step_ms as f64 / 1000.0,
        ..Series::default()
    };
    let mut current: Option<(i64, [Acc; 6])> = None;
    let flush = |bucket: i64, accs: [Acc; 6], series: &mut Series| {
        series.timestamps.push((bucket * step_ms) as f64 / 1000.0);
        accs[0].push_to(&mut series.cpu_percent, round1);
        accs[1].push_to(&mut series.memory_percent, round1);
        accs[2].push_to(&mut series.disk_percent, round1);
        accs[3].push_to(&mut series.network_recv_bytes_per_second, f64::round);
        accs[4].push_to(&mut series.network_sent_bytes_per_second, f64::round);
        accs[5].push_to(&mut series.health_score, round1);
    };
    let mut previous: Option<&Row> = None;
    for row in rows {
        let rates = previous.map(|p| {
            (
                rate(p, row, |r| r.bytes_recv, max_gap_ms),
                rate(p, row, |r| r.bytes_sent, max_gap_ms),
            )
        });
        previous = Some(row);
        if row.t_ms < start_ms || row.t_ms > end_ms {
            continue;
        }
        let bucket = row.t_ms.div_euclid(step_ms).max(first_bucket);
        match &current {
            Some((b, accs)) if *b != bucket => {
                flush(*b, *accs, &mut series);
                current = Some((bucket, [Acc::EMPTY; 6]));
            }
            None => current = Some((bucket, [Acc::EMPTY; 6])),
            Some(_) => {}
        }
        if let Some((_, accs)) = current.as_mut() {
            let (rx, tx) = rates.unwrap_or((None, None));
            accs[0].add(Some(row.cpu));
            accs[1].add(Some(row.memory));
            accs[2].add(Some(row.disk));
            accs[3].add(rx);
            accs[4].add(tx);
            accs[5].add(Some(row.health_score));
        }
    }
    if let Some((b, accs)) = current {
        flush(b, accs, &mut series);
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t_s: i64, cpu: f64, recv: u64) -> Row {
        Row {
            t_ms: t_s * 1000,
            cpu,
            memory: 50.0,
            disk: 40.0,
            bytes_recv: recv,
            bytes_sent: 0,
            health_score: 80.0,
        }
    }

    #[test]
    fn a_spike_inside_a_bucket_survives_as_its_maximum() {
        let rows = [
            row(0, 10.0, 0),
            row(5, 95.0, 0),
            row(10, 20.0, 0),
            row(60, 30.0, 0),
        ];
        let s = downsample(&rows, 0, 119_999, 60_000, 15_000);
        assert_eq!(s.timestamps, [0.0, 60.0]);
        assert_eq!(s.cpu_percent.max, [Some(95.0), Some(30.0)]);
        assert_eq!(s.cpu_percent.min, [Some(10.0), Some(30.0)]);
        assert_eq!(s.cpu_percent.mean, [Some(41.7), Some(30.0)]);
        assert_eq!(s.step_seconds, 60.0);
    }

    #[test]
    fn empty_buckets_are_left_out_so_gaps_stay_gaps() {
        let rows = [row(0, 1.0, 0), row(300, 2.0, 0)];
        let s = downsample(&rows, 0, 400_000, 5_000, 15_000);
        assert_eq!(s.timestamps, [0.0, 300.0]);
    }

    #[test]
    fn rates_come_from_the_counters_and_survive_a_reset() {
        let rows = [
            row(0, 0.0, 1_000),
            row(5, 0.0, 6_000),   // +5,000 B in 5 s
            row(10, 0.0, 500),    // counter reset: 500 B since
            row(100, 0.0, 9_999), // after a gap: no rate
        ];
        let s = downsample(&rows, 0, 200_000, 5_000, 15_000);
        assert_eq!(
            s.network_recv_bytes_per_second.mean,
            [None, Some(1000.0), Some(100.0), None]
        );
    }

    #[test]
    fn a_row_before_the_range_gives_the_first_rate_but_is_not_drawn() {
        let rows = [row(0, 1.0, 0), row(5, 2.0, 10_000)];
        let s = downsample(&rows, 5_000, 10_000, 5_000, 15_000);
        assert_eq!(s.timestamps, [5.0]);
        assert_eq!(s.network_recv_bytes_per_second.mean, [Some(2000.0)]);
    }

    #[test]
    fn buckets_are_aligned_to_the_step() {
        let rows = [row(61, 1.0, 0), row(119, 3.0, 0), row(121, 5.0, 0)];
        let s = downsample(&rows, 61_000, 180_000, 60_000, 15_000);
        assert_eq!(s.timestamps, [60.0, 120.0]);
        assert_eq!(s.cpu_percent.mean, [Some(2.0), Some(5.0)]);
    }

    #[test]
    fn the_step_is_never_finer_than_the_interval_nor_above_a_thousand_buckets() {
        let day = 24 * 3600 * 1000;
        assert_eq!(step_for(0, day, None, 5_000), 87_000);
        assert_eq!(step_for(0, 60_000, None, 100), 100);
        assert_eq!(step_for(0, 900_000, Some(1_000), 5_000), 5_000);
        assert_eq!(step_for(0, 900_000, Some(60_000), 5_000), 60_000);
    }

    #[test]
    fn samples_are_stored_and_old_ones_forgotten() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::db::METRIC_SAMPLES_SQL).unwrap();
        record(&conn, &row(0, 1.0, 0)).unwrap();
        record(&conn, &row(10, 2.0, 0)).unwrap();
        assert_eq!(rows(&conn, 0, 20_000).unwrap().len(), 2);
        let much_later = RETENTION_MS / 1000 + 5;
        record(&conn, &row(much_later, 3.0, 0)).unwrap();
        let kept = rows(&conn, 0, i64::MAX).unwrap();
        assert_eq!(kept.iter().map(|r| r.cpu).collect::<Vec<_>>(), [2.0, 3.0]);
    }

    #[test]
    fn a_backfill_fills_the_hours_before_now_and_keeps_real_samples() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::db::METRIC_SAMPLES_SQL).unwrap();
        let now = 1_000_000_000_000;
        record(&conn, &row((now - 60_000) / 1000, 99.0, 0)).unwrap();
        let added = backfill(&conn, now, 1.0, 5_000).unwrap();
        assert_eq!(added, 719, "one hour at 5 s, less the real sample's time");
        let kept = rows(&conn, now - 3_600_000, now).unwrap();
        assert_eq!(kept.len(), 720);
        assert!(kept.iter().any(|r| r.cpu == 99.0), "the real sample stays");
        assert!(kept
            .windows(2)
            .all(|w| w[0].bytes_recv <= w[1].bytes_recv || w[1].cpu == 99.0));
        assert_eq!(
            backfill(&conn, now, 1.0, 5_000).unwrap(),
            0,
            "a second run adds nothing"
        );
        assert_eq!(
            backfill(&conn, now, 99.0, 3_600_000).unwrap(),
            24,
            "at most 25 h"
        );
    }
}
