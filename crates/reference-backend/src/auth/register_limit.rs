//! Self-registration limited per client: at most `per_window` new accounts
//! from one client per window, so one address cannot mint accounts (and their
//! quotas) without end. Memory is bounded like the sign-in throttle's.

use super::throttle::ClientKey;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RegistrationLimit {
    per_window: u32,
    window: Duration,
    capacity: usize,
    counts: Mutex<HashMap<ClientKey, (Instant, u32)>>,
}

impl RegistrationLimit {
    pub fn new(per_window: u32, window: Duration) -> Self {
        RegistrationLimit {
            per_window,
            window,
            capacity: 100_000,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a registration from `client`; `Err(wait)` when over the limit.
    pub fn admit(&self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() >= self.capacity && !counts.contains_key(&client) {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
            if counts.len() >= self.capacity {
                // Still full of live windows: refuse rather than forget a limit.
                return Err(self.window);
            }
        }
        let (start, n) = counts.entry(client).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *n = 0;
        }
        if *n >= self.per_window {
            return Err(self.window.saturating_sub(now.duration_since(*start)));
        }
        *n += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn per_client_per_window() {
        let limit = RegistrationLimit::new(3, Duration::from_secs(3600));
        let a = ClientKey::of(IpAddr::from([10, 0, 0, 1]));
        let b = ClientKey::of(IpAddr::from([10, 0, 0, 2]));
        let now = Instant::now();
        for _ in 0..3 {
            assert!(limit.admit(a, now).is_ok());
        }
        let wait = limit.admit(a, now + Duration::from_secs(600)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(3000));
        assert!(
            limit.admit(b, now).is_ok(),
            "other clients are not affected"
        );
        assert!(limit.admit(a, now + Duration::from_secs(3600)).is_ok());
    }
}
