//! The polling primitive every live view uses, as a state machine without I/O.
//!
//! * fixed interval between fetch starts; `None` = paused (manual refresh only);
//! * in-flight guard: never two fetches at once;
//! * hidden tab: no fetches; back to visible: fetch at once, then the schedule;
//! * failure: exponential backoff with jitter (1 s, 2 s, 4 s … capped at 60 s),
//!   back to the interval on the first success;
//! * manual refresh, interval change, stop.
//!
//! The glue calls these methods with the current time and carries out the
//! returned [`PollEffect`]s (run the fetch, arm or cancel its one timer).

/// First retry delay after a failure; doubles per consecutive failure.
pub(crate) const BACKOFF_BASE_MS: f64 = 1_000.0;
/// Longest wait between retries.
pub(crate) const BACKOFF_CAP_MS: f64 = 60_000.0;

/// What the poller asks the glue to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PollEffect {
    /// Start one fetch; report its end with [`Poller::fetch_finished`].
    Fetch,
    /// Call [`Poller::timer_fired`] at this time (replaces any armed timer).
    ScheduleTimer {
        /// Browser clock, ms.
        at_ms: f64,
    },
    /// Disarm the timer.
    CancelTimer,
}

/// The schedule of one polled view (see the module's rules).
#[derive(Debug, Clone)]
pub struct Poller {
    interval_ms: Option<f64>,
    visible: bool,
    in_flight: bool,
    stopped: bool,
    failures: u32,
    next_at_ms: Option<f64>,
    last_started_ms: Option<f64>,
    /// Jitter source (xorshift-based, seeded: tests are reproducible).
    rng: fastrand::Rng,
}

impl Poller {
    /// `seed` drives the jitter (the glue passes a random one; tests a fixed one).
    pub fn new(interval_ms: Option<f64>, visible: bool, seed: u64) -> Poller {
        Poller {
            interval_ms: interval_ms.filter(|i| i.is_finite() && *i > 0.0),
            visible,
            in_flight: false,
            stopped: false,
            failures: 0,
            next_at_ms: None,
            last_started_ms: None,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// The interval, `None` when paused.
    pub fn interval_ms(&self) -> Option<f64> {
        self.interval_ms
    }

    /// Consecutive failed fetches (0 after a success).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A fetch is out.
    pub fn is_in_flight(&self) -> bool {
        self.in_flight
    }

    /// When the next automatic fetch is due (`None`: none is planned).
    pub fn next_at_ms(&self) -> Option<f64> {
        self.next_at_ms
    }

    /// First fetch, at once if the tab is visible.
    pub fn start(&mut self, now_ms: f64) -> Vec<PollEffect> {
        if self.stopped || !self.visible {
            return Vec::new();
        }
        self.fetch(now_ms)
    }

    /// The armed timer fired.
    pub fn timer_fired(&mut self, now_ms: f64) -> Vec<PollEffect> {
        if self.stopped || !self.visible || self.in_flight {
            return Vec::new();
        }
        match self.next_at_ms {
            // Timers can fire a little early; never fetch before the due time.
            Some(at) if at > now_ms + 1.0 => vec![PollEffect::ScheduleTimer { at_ms: at }],
            Some(_) => self.fetch(now_ms),
            None => Vec::new(),
        }
    }

    /// The fetch ended, well (`ok`) or not.
    pub fn fetch_finished(&mut self, ok: bool, now_ms: f64) -> Vec<PollEffect> {
        if !self.in_flight {
            return Vec::new();
        }
        self.in_flight = false;
        if self.stopped {
            return Vec::new();
        }
        if ok {
            self.failures = 0;
            self.next_at_ms = self
                .interval_ms
                .map(|interval| (self.last_started_ms.unwrap_or(now_ms) + interval).max(now_ms));
        } else {
            self.failures = self.failures.saturating_add(1);
            // Paused means no automatic requests, retries included.
            self.next_at_ms = self.interval_ms.map(|_| now_ms + self.backoff_ms());
        }
        self.arm()
    }

    /// The tab was shown or hidden.
    pub fn visibility_changed(&mut self, visible: bool, now_ms: f64) -> Vec<PollEffect> {
        if self.stopped || visible == self.visible {
            return Vec::new();
        }
        self.visible = visible;
        if !visible {
            return vec![PollEffect::CancelTimer];
        }
        // Back in view: catch up at once (unless paused or already fetching).
        if self.in_flight || self.interval_ms.is_none() {
            return self.arm();
        }
        self.fetch(now_ms)
    }

    /// The user asked for fresh data now (works while paused too).
    pub fn refresh_now(&mut self, now_ms: f64) -> Vec<PollEffect> {
        if self.stopped || self.in_flight {
            return Vec::new();
        }
        self.fetch(now_ms)
    }

    /// The user chose another interval (`None`: pause).
    pub fn set_interval(&mut self, interval_ms: Option<f64>, now_ms: f64) -> Vec<PollEffect> {
        if self.stopped {
            return Vec::new();
        }
        self.interval_ms = interval_ms.filter(|i| i.is_finite() && *i > 0.0);
        let Some(interval) = self.interval_ms else {
            self.next_at_ms = None;
            return vec![PollEffect::CancelTimer];
        };
        if self.in_flight {
            return Vec::new();
        }
        if self.failures == 0 || self.next_at_ms.is_none() {
            self.next_at_ms = Some(match self.last_started_ms {
                Some(started) => (started + interval).max(now_ms),
                None => now_ms,
            });
        }
        match self.next_at_ms {
            Some(at) if at <= now_ms && self.visible => self.fetch(now_ms),
            _ => self.arm(),
        }
    }

    /// The view is gone: nothing more happens.
    pub fn stop(&mut self) -> Vec<PollEffect> {
        self.stopped = true;
        self.next_at_ms = None;
        vec![PollEffect::CancelTimer]
    }

    fn fetch(&mut self, now_ms: f64) -> Vec<PollEffect> {
        self.in_flight = true;
        self.last_started_ms = Some(now_ms);
        self.next_at_ms = None;
        vec![PollEffect::CancelTimer, PollEffect::Fetch]
    }

    fn arm(&self) -> Vec<PollEffect> {
        match self.next_at_ms {
            Some(at) if self.visible => vec![PollEffect::ScheduleTimer { at_ms: at }],
            _ => vec![PollEffect::CancelTimer],
        }
    }

    /// "Equal jitter": half the exponential delay, plus up to the other half at random.
    fn backoff_ms(&mut self) -> f64 {
        let exponent = self.failures.saturating_sub(1).min(16);
        let delay = (BACKOFF_BASE_MS * f64::from(1u32 << exponent)).min(BACKOFF_CAP_MS);
        delay / 2.0 + self.rng.f64() * delay / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PollEffect::*;

    const S: f64 = 1000.0;

    fn running(interval: f64) -> Poller {
        let mut p = Poller::new(Some(interval), true, 42);
        assert_eq!(p.start(0.0), vec![CancelTimer, Fetch]);
        p
    }

    #[test]
    fn polls_at_a_fixed_interval_between_starts() {
        let mut p = running(5.0 * S);
        // The fetch took 0.7 s: the next one is still 5 s after the first began.
        assert_eq!(
            p.fetch_finished(true, 0.7 * S),
            vec![ScheduleTimer { at_ms: 5.0 * S }]
        );
        assert_eq!(p.timer_fired(5.0 * S), vec![CancelTimer, Fetch]);
        assert_eq!(
            p.fetch_finished(true, 5.2 * S),
            vec![ScheduleTimer { at_ms: 10.0 * S }]
        );
    }

    #[test]
    fn a_slow_fetch_is_followed_immediately_not_overlapped() {
        let mut p = running(5.0 * S);
        // The timer cannot fire during a fetch (no timer is armed), and if it did…
        assert!(p.timer_fired(5.0 * S).is_empty());
        // …the fetch that took 7 s is followed right away.
        assert_eq!(
            p.fetch_finished(true, 7.0 * S),
            vec![ScheduleTimer { at_ms: 7.0 * S }]
        );
        assert_eq!(p.timer_fired(7.0 * S), vec![CancelTimer, Fetch]);
    }

    #[test]
    fn never_two_fetches_at_once() {
        let mut p = running(5.0 * S);
        assert!(p.refresh_now(1.0 * S).is_empty());
        assert!(p.timer_fired(9.0 * S).is_empty());
        assert!(p.visibility_changed(false, 2.0 * S) == vec![CancelTimer]);
        assert!(!p.visibility_changed(true, 3.0 * S).contains(&Fetch));
        assert!(p.is_in_flight());
    }

    #[test]
    fn early_timers_are_rearmed() {
        let mut p = running(5.0 * S);
        p.fetch_finished(true, 0.1 * S);
        assert_eq!(
            p.timer_fired(4.0 * S),
            vec![ScheduleTimer { at_ms: 5.0 * S }]
        );
    }

    #[test]
    fn failures_back_off_exponentially_with_jitter_up_to_a_minute() {
        let mut p = running(5.0 * S);
        let mut now = 0.0;
        let mut delays = Vec::new();
        for _ in 0..10 {
            let effects = p.fetch_finished(false, now);
            let [ScheduleTimer { at_ms }] = effects[..] else {
                panic!("{effects:?}")
            };
            delays.push(at_ms - now);
            now = at_ms;
            assert_eq!(p.timer_fired(now), vec![CancelTimer, Fetch]);
        }
        let expected_max = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0, 60.0];
        for (delay, max) in delays.iter().zip(expected_max) {
            assert!(
                *delay >= max * S / 2.0 && *delay <= max * S,
                "{delay} vs {max} s"
            );
        }
        assert_eq!(p.failures(), 10);
        // Jitter: not all the capped delays are equal.
        assert!(delays[6..].windows(2).any(|w| w[0] != w[1]));
        // One success: back to the interval.
        assert_eq!(
            p.fetch_finished(true, now + 0.1 * S),
            vec![ScheduleTimer {
                at_ms: now + 5.0 * S
            }]
        );
        assert_eq!(p.failures(), 0);
    }

    #[test]
    fn a_hidden_tab_does_not_poll_and_catches_up_at_once_when_shown() {
        let mut p = running(5.0 * S);
        p.fetch_finished(true, 0.5 * S);
        assert_eq!(p.visibility_changed(false, 1.0 * S), vec![CancelTimer]);
        assert!(p.timer_fired(5.0 * S).is_empty());
        // A manual refresh is a user action: it is honoured.
        assert_eq!(p.refresh_now(6.0 * S), vec![CancelTimer, Fetch]);
        p.fetch_finished(true, 6.1 * S);
        // While hidden, a finished fetch arms nothing.
        assert!(p.timer_fired(11.0 * S).is_empty());
        assert_eq!(
            p.visibility_changed(true, 60.0 * S),
            vec![CancelTimer, Fetch]
        );
    }

    #[test]
    fn a_fetch_finishing_while_hidden_schedules_nothing() {
        let mut p = running(5.0 * S);
        p.visibility_changed(false, 1.0 * S);
        assert_eq!(p.fetch_finished(true, 2.0 * S), vec![CancelTimer]);
        // Shown while nothing is in flight: fetch now.
        assert_eq!(
            p.visibility_changed(true, 3.0 * S),
            vec![CancelTimer, Fetch]
        );
    }

    #[test]
    fn starting_hidden_waits_for_visibility() {
        let mut p = Poller::new(Some(5.0 * S), false, 1);
        assert!(p.start(0.0).is_empty());
        assert_eq!(
            p.visibility_changed(true, 1.0 * S),
            vec![CancelTimer, Fetch]
        );
    }

    #[test]
    fn paused_means_manual_refresh_only() {
        let mut p = running(5.0 * S);
        p.fetch_finished(true, 0.5 * S);
        assert_eq!(p.set_interval(None, 1.0 * S), vec![CancelTimer]);
        assert!(p.timer_fired(5.0 * S).is_empty());
        assert_eq!(p.refresh_now(7.0 * S), vec![CancelTimer, Fetch]);
        assert_eq!(p.fetch_finished(true, 7.1 * S), vec![CancelTimer]);
        // A failed manual refresh is not retried automatically either.
        p.refresh_now(8.0 * S);
        assert_eq!(p.fetch_finished(false, 8.1 * S), vec![CancelTimer]);
        // Becoming visible does not fetch while paused.
        p.visibility_changed(false, 9.0 * S);
        assert_eq!(p.visibility_changed(true, 10.0 * S), vec![CancelTimer]);
    }

    #[test]
    fn changing_the_interval_reschedules_from_the_last_start() {
        let mut p = running(5.0 * S);
        p.fetch_finished(true, 0.5 * S);
        assert_eq!(
            p.set_interval(Some(30.0 * S), 2.0 * S),
            vec![ScheduleTimer { at_ms: 30.0 * S }]
        );
        // Shorter than the time already passed: fetch now.
        assert_eq!(
            p.set_interval(Some(1.0 * S), 2.0 * S),
            vec![CancelTimer, Fetch]
        );
        // Resuming from pause when overdue fetches at once.
        p.fetch_finished(true, 2.1 * S);
        p.set_interval(None, 2.5 * S);
        assert_eq!(
            p.set_interval(Some(10.0 * S), 20.0 * S),
            vec![CancelTimer, Fetch]
        );
    }

    #[test]
    fn changing_the_interval_during_a_fetch_applies_when_it_ends() {
        let mut p = running(5.0 * S);
        assert!(p.set_interval(Some(10.0 * S), 1.0 * S).is_empty());
        assert_eq!(
            p.fetch_finished(true, 1.5 * S),
            vec![ScheduleTimer { at_ms: 10.0 * S }]
        );
    }

    #[test]
    fn stop_is_final() {
        let mut p = running(5.0 * S);
        assert_eq!(p.stop(), vec![CancelTimer]);
        assert!(p.fetch_finished(true, 1.0 * S).is_empty());
        assert!(p.timer_fired(5.0 * S).is_empty());
        assert!(p.refresh_now(6.0 * S).is_empty());
        assert!(p.visibility_changed(false, 7.0 * S).is_empty());
        assert!(p.set_interval(Some(1.0), 8.0 * S).is_empty());
    }

    #[test]
    fn invalid_intervals_mean_paused() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(Poller::new(Some(bad), true, 1).interval_ms(), None);
        }
    }
}
