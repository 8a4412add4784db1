//! Sign-in throttling: after `max_failures` failed attempts for one account
//! within the lockout window, further attempts get 429 until it passes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    max_failures: u32,
    lockout: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    window_start: Instant,
    locked_until: Option<Instant>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, lockout: Duration) -> Self {
        LoginThrottle {
            max_failures: max_failures.max(1),
            lockout,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait when `key` is locked at `now`.
    pub fn locked_for(&self, key: &str, now: Instant) -> Option<u64> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let until = entries.get(key)?.locked_until?;
        (until > now).then(|| (until - now).as_secs_f64().ceil() as u64)
    }

    /// Records a failure; returns the lockout in seconds if this one triggered it.
    pub fn record_failure(&self, key: &str, now: Instant) -> Option<u64> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.entry(key.to_string()).or_insert(Entry {
            failures: 0,
            window_start: now,
            locked_until: None,
        });
        if now.duration_since(entry.window_start) > self.lockout
            || entry.locked_until.is_some_and(|u| u <= now)
        {
            *entry = Entry {
                failures: 0,
                window_start: now,
                locked_until: None,
            };
        }
        entry.failures += 1;
        if entry.failures >= self.max_failures {
            entry.locked_until = Some(now + self.lockout);
            return Some(self.lockout.as_secs().max(1));
        }
        None
    }

    pub fn record_success(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_then_expires() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let now = Instant::now();
        assert_eq!(t.record_failure("a", now), None);
        assert_eq!(t.record_failure("a", now), None);
        assert_eq!(t.locked_for("a", now), None);
        assert_eq!(t.record_failure("a", now), Some(60));
        assert_eq!(t.locked_for("a", now + Duration::from_secs(10)), Some(50));
        assert_eq!(t.locked_for("b", now), None);
        assert_eq!(t.locked_for("a", now + Duration::from_secs(61)), None);
        // After the lockout the count starts again.
        assert_eq!(t.record_failure("a", now + Duration::from_secs(61)), None);
    }

    #[test]
    fn success_clears_the_count() {
        let t = LoginThrottle::new(2, Duration::from_secs(60));
        let now = Instant::now();
        t.record_failure("a", now);
        t.record_success("a");
        assert_eq!(t.record_failure("a", now), None);
    }
}
