//! Host metrics: a sampler on a fixed interval feeding a bounded history.

pub mod history;
pub mod sampler;

use sampler::{Sample, Sampler};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// At most this many samples are kept (the ToolBoxAI backend's limit).
pub const MAX_SAMPLES: usize = 1000;

/// Readings younger than this are reused: CPU usage needs time between reads.
const FRESH_FOR: Duration = Duration::from_secs(1);

pub struct MetricsStore {
    history: Mutex<VecDeque<Sample>>,
    sampler: Mutex<Sampler>,
    last: Mutex<Option<(Instant, Sample)>>,
}

impl MetricsStore {
    pub fn new() -> anyhow::Result<Arc<Self>> {
        Ok(Arc::new(MetricsStore {
            history: Mutex::new(VecDeque::with_capacity(64)),
            sampler: Mutex::new(Sampler::new()?),
            last: Mutex::new(None),
        }))
    }

    /// Takes a reading now (blocking: run it on a blocking thread).
    pub fn read_now(&self) -> Sample {
        let sample = match self.sampler.lock() {
            Ok(mut sampler) => sampler.sample(),
            Err(poisoned) => poisoned.into_inner().sample(),
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), sample.clone()));
        sample
    }

    /// Takes a reading now and records it in the history.
    pub fn sample_now(&self) -> Sample {
        let sample = self.read_now();
        self.push(sample.clone());
        sample
    }

    /// A reading at most [`FRESH_FOR`] old, taken now if needed.
    pub async fn fresh(self: &Arc<Self>) -> Option<Sample> {
        if let Some((at, sample)) = &*self.last.lock().unwrap_or_else(|p| p.into_inner()) {
            if at.elapsed() < FRESH_FOR {
                return Some(sample.clone());
            }
        }
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read_now())
            .await
            .ok()
    }

    pub fn push(&self, sample: Sample) {
        let mut history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        if history.len() == MAX_SAMPLES {
            history.pop_front();
        }
        history.push_back(sample);
    }

    pub fn latest(&self) -> Option<Sample> {
        self.history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .back()
            .cloned()
    }

    /// Samples taken at or after `since_unix` seconds.
    pub fn since(&self, since_unix: f64) -> Vec<Sample> {
        self.history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|s| s.unix_time >= since_unix)
            .cloned()
            .collect()
    }

    /// The latest sample, or a fresh one if none was taken yet.
    pub async fn current(self: &Arc<Self>) -> Option<Sample> {
        if let Some(latest) = self.latest() {
            return Some(latest);
        }
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.sample_now())
            .await
            .ok()
    }
}

/// Samples every `interval` until `shutdown` flips to true. The first reading
/// comes shortly after start so CPU usage has a baseline to compare with.
pub fn spawn_sampler(
    store: Arc<MetricsStore>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
    on_sample: impl Fn(&Sample) + Send + Sync + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut delay = Duration::from_millis(250);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = shutdown.changed() => return,
            }
            delay = interval;
            let store = store.clone();
            match tokio::task::spawn_blocking(move || store.sample_now()).await {
                Ok(sample) => on_sample(&sample),
                Err(err) => tracing::warn!(error = %err, "metrics sample failed"),
            }
        }
    })
}
