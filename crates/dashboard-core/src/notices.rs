//! Notifications shown for a while in a corner (realtime alerts, realtime
//! problems), and what decides how long: a critical one stays until it is
//! dismissed; the others go after [`VISIBLE_FOR_MS`] of time in which the user
//! was not pointing at or focused in them (WCAG 2.2.1: pausing is the user's).

/// How long a non-critical notice stays on screen, not counting paused time.
pub const VISIBLE_FOR_MS: f64 = 8_000.0;
/// At most this many at once: the oldest non-critical goes first.
pub const MAX_NOTICES: usize = 4;

/// How urgent a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Announced politely, goes by itself.
    Warning,
    /// Announced at once (assertive), stays until dismissed.
    Critical,
}

/// One notice.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Unique for this board.
    pub id: u64,
    /// How urgent.
    pub tone: Tone,
    /// A few words ("Critical alert").
    pub title: String,
    /// The sentence.
    pub message: String,
    /// Time left on screen (ms), `None` for until dismissed.
    remaining_ms: Option<f64>,
}

/// The notices on screen, with a fake-clock-friendly timer: the caller passes
/// `now` (ms) and asks [`Notices::next_deadline`] when to call
/// [`Notices::expire`] again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notices {
    items: Vec<Notice>,
    next_id: u64,
    /// Since when the timers run; `None` while paused.
    running_since: Option<f64>,
    paused: bool,
}

impl Notices {
    /// The notices, oldest first.
    pub fn items(&self) -> &[Notice] {
        &self.items
    }

    /// Shows a notice; returns its id.
    pub fn add(&mut self, tone: Tone, title: String, message: String, now: f64) -> u64 {
        self.settle(now);
        self.next_id += 1;
        let id = self.next_id;
        self.items.push(Notice {
            id,
            tone,
            title,
            message,
            remaining_ms: (tone != Tone::Critical).then_some(VISIBLE_FOR_MS),
        });
        while self.items.len() > MAX_NOTICES {
            let oldest = self
                .items
                .iter()
                .position(|n| n.tone != Tone::Critical)
                .unwrap_or(0);
            self.items.remove(oldest);
        }
        id
    }

    /// Takes a notice away (its Dismiss button).
    pub fn dismiss(&mut self, id: u64) {
        self.items.retain(|n| n.id != id);
    }

    /// The pointer is over the notices or focus is in them: the clocks stop.
    pub fn pause(&mut self, now: f64) {
        self.settle(now);
        self.paused = true;
        self.running_since = None;
    }

    /// The pointer and focus have left: the clocks run again from where they stopped.
    pub fn resume(&mut self, now: f64) {
        self.paused = false;
        self.running_since = Some(now);
    }

    /// Takes away the notices whose time is up; whether any went.
    pub fn expire(&mut self, now: f64) -> bool {
        self.settle(now);
        let before = self.items.len();
        self.items
            .retain(|n| n.remaining_ms.is_none_or(|left| left > 0.0));
        self.items.len() != before
    }

    /// When the next notice's time will be up (ms, in the caller's clock),
    /// `None` while paused or when none will go by itself.
    pub fn next_deadline(&self, now: f64) -> Option<f64> {
        if self.paused {
            return None;
        }
        let elapsed = self
            .running_since
            .map_or(0.0, |since| (now - since).max(0.0));
        self.items
            .iter()
            .filter_map(|n| n.remaining_ms)
            .map(|left| now + (left - elapsed).max(0.0))
            .reduce(f64::min)
    }

    /// Charges the time run since the last call to every timed notice.
    fn settle(&mut self, now: f64) {
        if self.paused {
            return;
        }
        if let Some(since) = self.running_since {
            let elapsed = (now - since).max(0.0);
            for left in self
                .items
                .iter_mut()
                .filter_map(|n| n.remaining_ms.as_mut())
            {
                *left -= elapsed;
            }
        }
        self.running_since = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> Notices {
        Notices::default()
    }

    #[test]
    fn a_warning_goes_after_its_time_and_a_critical_one_stays() {
        let mut n = board();
        n.add(Tone::Warning, "W".into(), "w".into(), 0.0);
        n.add(Tone::Critical, "C".into(), "c".into(), 1_000.0);
        assert_eq!(n.next_deadline(1_000.0), Some(VISIBLE_FOR_MS));
        assert!(!n.expire(7_999.0));
        assert!(n.expire(8_000.0));
        assert_eq!(n.items().len(), 1);
        assert_eq!(n.items()[0].tone, Tone::Critical);
        assert_eq!(n.next_deadline(9_000.0), None, "nothing goes by itself");
        assert!(!n.expire(1e9));
        let id = n.items()[0].id;
        n.dismiss(id);
        assert!(n.items().is_empty());
    }

    #[test]
    fn hovering_or_focusing_pauses_the_clock() {
        let mut n = board();
        n.add(Tone::Warning, "W".into(), "w".into(), 0.0);
        n.pause(5_000.0);
        assert_eq!(n.next_deadline(5_000.0), None);
        assert!(!n.expire(60_000.0), "paused for a minute: still there");
        n.resume(60_000.0);
        assert_eq!(n.next_deadline(60_000.0), Some(63_000.0), "3 s were left");
        assert!(!n.expire(62_999.0));
        assert!(n.expire(63_000.0));
    }

    #[test]
    fn the_oldest_warning_makes_room_never_a_critical_one() {
        let mut n = board();
        n.add(Tone::Critical, "C1".into(), String::new(), 0.0);
        for i in 0..4 {
            n.add(Tone::Warning, format!("W{i}"), String::new(), 0.0);
        }
        let titles: Vec<&str> = n.items().iter().map(|x| x.title.as_str()).collect();
        assert_eq!(titles, ["C1", "W1", "W2", "W3"]);
    }
}
