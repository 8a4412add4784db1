//! Sign-in throttling keyed on the account *and* on the client.
//!
//! Three counters see every failed sign-in:
//!
//! * **account × client**: `max_failures` failures lock that pair; each later
//!   lock lasts twice as long (up to `max_lockout`), so waiting out a lock
//!   never buys a fresh set of guesses. A success clears the pair.
//! * **client** (any account): `client_max_failures` lock the client for every
//!   account, so changing the login string (an alias, another account) buys
//!   nothing.
//! * **account** (any client): `account_max_failures` lock the account, but
//!   only for clients that have not signed in to it successfully before. A
//!   stranger can lock only themselves out; the owner's known client keeps
//!   working.
//!
//! The account is the user id (every alias of it, username or email, is one
//! key); an unknown login is keyed by a keyed hash of its lower-cased form, so
//! memory per entry is fixed. Entries are forgotten `forget_after` after their
//! last failure, and each table holds at most `capacity` entries (the
//! least recently used go first).
//!
//! [`LoginThrottle::begin`] checks and records under one lock: the attempt is
//! counted as a failure before the password is verified, and
//! [`Attempt::succeeded`] takes it back. Concurrent attempts therefore cannot
//! all slip past the check before any of them is recorded.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Who is signing in: a known account, or the hash of an unknown login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKey {
    User(i64),
    Unknown(u64),
}

/// Where the attempt comes from. IPv6 clients are keyed by their /64, which
/// one subscriber usually holds whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(u128);

impl ClientKey {
    pub fn of(ip: IpAddr) -> ClientKey {
        match ip {
            IpAddr::V4(v4) => ClientKey(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(u128::from(u32::from(v4))),
                None => ClientKey((u128::from(v6) >> 64) << 64 | 1 << 63),
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub max_failures: u32,
    pub lockout: Duration,
    pub max_lockout: Duration,
    pub client_max_failures: u32,
    pub account_max_failures: u32,
    pub forget_after: Duration,
    pub capacity: usize,
}

impl Policy {
    /// `max_failures` per account and client, locked for `lockout` at first.
    pub fn new(max_failures: u32, lockout: Duration) -> Policy {
        let max_failures = max_failures.max(1);
        Policy {
            max_failures,
            lockout,
            max_lockout: Duration::from_secs(3600).max(lockout),
            client_max_failures: max_failures * 6,
            account_max_failures: max_failures * 20,
            forget_after: Duration::from_secs(24 * 3600),
            capacity: 100_000,
        }
    }
}

/// A failure counter with an escalating lock.
#[derive(Debug, Clone, Copy)]
struct Counter {
    failures: u32,
    /// How many locks this counter has had: each doubles the next.
    strikes: u32,
    locked_until: Option<Instant>,
    last_seen: Instant,
}

impl Counter {
    fn new(now: Instant) -> Counter {
        Counter {
            failures: 0,
            strikes: 0,
            locked_until: None,
            last_seen: now,
        }
    }

    fn wait(&self, now: Instant) -> Option<Duration> {
        self.locked_until.filter(|u| *u > now).map(|u| u - now)
    }

    /// Counts one failure; locks (and returns how long) at `limit`.
    fn fail(&mut self, limit: u32, policy: &Policy, now: Instant) -> Option<Duration> {
        self.last_seen = now;
        self.failures += 1;
        if self.failures < limit {
            return None;
        }
        let factor = 1u32 << self.strikes.min(16);
        let lock = policy
            .lockout
            .saturating_mul(factor)
            .min(policy.max_lockout);
        self.failures = 0;
        self.strikes += 1;
        self.locked_until = Some(now + lock);
        Some(lock)
    }

    /// Takes back one failure counted by [`Counter::fail`], and the lock it set.
    fn undo(&mut self, locked_by_it: bool) {
        if locked_by_it {
            self.locked_until = None;
            self.strikes = self.strikes.saturating_sub(1);
        } else {
            self.failures = self.failures.saturating_sub(1);
        }
    }
}

/// A bounded map of counters.
struct Table<K> {
    entries: HashMap<K, Counter>,
}

impl<K: Eq + Hash + Copy> Table<K> {
    fn new() -> Self {
        Table {
            entries: HashMap::new(),
        }
    }

    fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        self.entries.get(key).and_then(|c| c.wait(now))
    }

    fn entry(&mut self, key: K, policy: &Policy, now: Instant) -> &mut Counter {
        if self.entries.len() >= policy.capacity && !self.entries.contains_key(&key) {
            self.evict(policy, now);
        }
        self.entries.entry(key).or_insert_with(|| Counter::new(now))
    }

    /// Drops forgotten entries; if still full, the least recently seen half.
    fn evict(&mut self, policy: &Policy, now: Instant) {
        self.entries.retain(|_, c| {
            c.wait(now).is_some() || now.duration_since(c.last_seen) < policy.forget_after
        });
        if self.entries.len() >= policy.capacity {
            let mut seen: Vec<Instant> = self.entries.values().map(|c| c.last_seen).collect();
            seen.sort_unstable();
            let cutoff = seen[seen.len() / 2];
            self.entries.retain(|_, c| c.last_seen > cutoff);
        }
    }

    fn forget_stale(&mut self, key: &K, policy: &Policy, now: Instant) {
        if let Some(c) = self.entries.get(key) {
            if c.wait(now).is_none() && now.duration_since(c.last_seen) >= policy.forget_after {
                self.entries.remove(key);
            }
        }
    }
}

struct Tables {
    pairs: Table<(AccountKey, ClientKey)>,
    clients: Table<ClientKey>,
    accounts: Table<AccountKey>,
    /// Clients that signed in to an account before (last success).
    known: HashMap<(AccountKey, ClientKey), Instant>,
}

pub struct LoginThrottle {
    policy: Policy,
    hasher: RandomState,
    tables: Mutex<Tables>,
}

/// An attempt in progress, already counted as a failure.
#[must_use = "call succeeded() or failed()"]
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    account: AccountKey,
    client: ClientKey,
    locks: [bool; 3],
}

/// How long to wait before signing in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked(pub Duration);

impl Locked {
    pub fn secs(&self) -> u64 {
        (self.0.as_secs_f64().ceil() as u64).max(1)
    }
}

impl LoginThrottle {
    pub fn new(policy: Policy) -> Self {
        LoginThrottle {
            policy,
            hasher: RandomState::new(),
            tables: Mutex::new(Tables {
                pairs: Table::new(),
                clients: Table::new(),
                accounts: Table::new(),
                known: HashMap::new(),
            }),
        }
    }

    /// The key of a login that names no account (case-insensitive).
    pub fn unknown_account(&self, login: &str) -> AccountKey {
        AccountKey::Unknown(self.hasher.hash_one(login.to_lowercase()))
    }

    /// Checks every lock and, when none applies, counts the attempt as a
    /// failure until [`Attempt::succeeded`] says otherwise.
    pub fn begin(
        &self,
        account: AccountKey,
        client: ClientKey,
        now: Instant,
    ) -> Result<Attempt<'_>, Locked> {
        let p = &self.policy;
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let pair = (account, client);
        t.pairs.forget_stale(&pair, p, now);
        t.clients.forget_stale(&client, p, now);
        t.accounts.forget_stale(&account, p, now);
        let known = t
            .known
            .get(&pair)
            .is_some_and(|last| now.duration_since(*last) < p.forget_after * 30);
        let account_wait = if known {
            None
        } else {
            t.accounts.wait(&account, now)
        };
        let wait = [
            t.pairs.wait(&pair, now),
            t.clients.wait(&client, now),
            account_wait,
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            return Err(Locked(wait));
        }
        let locks = [
            t.pairs
                .entry(pair, p, now)
                .fail(p.max_failures, p, now)
                .is_some(),
            t.clients
                .entry(client, p, now)
                .fail(p.client_max_failures, p, now)
                .is_some(),
            t.accounts
                .entry(account, p, now)
                .fail(p.account_max_failures, p, now)
                .is_some(),
        ];
        Ok(Attempt {
            throttle: self,
            account,
            client,
            locks,
        })
    }

    /// Entries held, for the memory bound (pairs, clients, accounts, known).
    pub fn sizes(&self) -> [usize; 4] {
        let t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        [
            t.pairs.entries.len(),
            t.clients.entries.len(),
            t.accounts.entries.len(),
            t.known.len(),
        ]
    }
}

impl Attempt<'_> {
    /// The password was right: the pair is cleared, the client becomes known
    /// to the account, and the counted failure is taken back.
    pub fn succeeded(self, now: Instant) {
        let throttle = self.throttle;
        let mut t = throttle.tables.lock().unwrap_or_else(|e| e.into_inner());
        let pair = (self.account, self.client);
        t.pairs.entries.remove(&pair);
        if let Some(c) = t.clients.entries.get_mut(&self.client) {
            c.undo(self.locks[1]);
        }
        if let Some(c) = t.accounts.entries.get_mut(&self.account) {
            c.undo(self.locks[2]);
        }
        if t.known.len() >= throttle.policy.capacity && !t.known.contains_key(&pair) {
            let horizon = throttle.policy.forget_after * 30;
            t.known
                .retain(|_, last| now.duration_since(*last) < horizon);
            if t.known.len() >= throttle.policy.capacity {
                t.known.clear();
            }
        }
        t.known.insert(pair, now);
    }

    /// The attempt could not be judged (the server was busy): it does not count.
    pub fn cancel(self) {
        let mut t = self
            .throttle
            .tables
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(c) = t.pairs.entries.get_mut(&(self.account, self.client)) {
            c.undo(self.locks[0]);
        }
        if let Some(c) = t.clients.entries.get_mut(&self.client) {
            c.undo(self.locks[1]);
        }
        if let Some(c) = t.accounts.entries.get_mut(&self.account) {
            c.undo(self.locks[2]);
        }
    }

    /// The password was wrong: the failure stays counted. Returns the lock it
    /// set off, if any, so the answer can say how long to wait.
    pub fn failed(self, now: Instant) -> Option<Locked> {
        if !self.locks.iter().any(|l| *l) {
            return None;
        }
        let t = self
            .throttle
            .tables
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        [
            t.pairs.wait(&(self.account, self.client), now),
            t.clients.wait(&self.client, now),
            t.accounts.wait(&self.account, now),
        ]
        .into_iter()
        .flatten()
        .max()
        .map(Locked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: AccountKey = AccountKey::User(1);

    fn client(n: u8) -> ClientKey {
        ClientKey::of(IpAddr::from([10, 0, 0, n]))
    }

    fn throttle(max: u32) -> LoginThrottle {
        LoginThrottle::new(Policy::new(max, Duration::from_secs(60)))
    }

    fn fail(t: &LoginThrottle, a: AccountKey, c: ClientKey, now: Instant) -> Option<Locked> {
        t.begin(a, c, now).ok()?.failed(now)
    }

    #[test]
    fn locks_after_max_failures_then_expires() {
        let t = throttle(3);
        let now = Instant::now();
        assert_eq!(fail(&t, OWNER, client(1), now), None);
        assert_eq!(fail(&t, OWNER, client(1), now), None);
        assert_eq!(
            fail(&t, OWNER, client(1), now),
            Some(Locked(Duration::from_secs(60)))
        );
        let later = now + Duration::from_secs(10);
        assert_eq!(
            t.begin(OWNER, client(1), later).err(),
            Some(Locked(Duration::from_secs(50)))
        );
        // Another account from the same client, and the same account from
        // another client, are not locked by this pair.
        assert!(t.begin(AccountKey::User(2), client(1), later).is_ok());
        assert!(t.begin(OWNER, client(2), later).is_ok());
    }

    #[test]
    fn waiting_out_a_lock_does_not_buy_a_fresh_set_of_guesses() {
        let t = throttle(3);
        let mut now = Instant::now();
        let mut guesses = 0;
        let mut locks = Vec::new();
        // An attacker guessing as fast as the locks allow, for a day.
        let end = now + Duration::from_secs(24 * 3600);
        while now < end {
            match t.begin(OWNER, client(9), now) {
                Ok(attempt) => {
                    guesses += 1;
                    if let Some(Locked(d)) = attempt.failed(now) {
                        locks.push(d.as_secs());
                    }
                }
                Err(Locked(wait)) => now += wait,
            }
        }
        assert_eq!(&locks[..4], &[60, 120, 240, 480]);
        assert!(locks.iter().all(|s| *s <= 3600));
        // A fixed 60-s lock would allow 3 guesses a minute: 4,320 a day.
        assert!(guesses < 100, "{guesses} guesses in a day");
    }

    #[test]
    fn a_stranger_cannot_lock_the_owner_out() {
        let t = throttle(5);
        let now = Instant::now();
        // The owner signed in from client 1 before.
        t.begin(OWNER, client(1), now).unwrap().succeeded(now);
        // Strangers on many clients exhaust the account-wide limit.
        let mut n = 10;
        while t
            .begin(OWNER, client(n), now)
            .map(|a| a.failed(now))
            .is_ok()
        {
            n += 1;
            assert!(n < 250, "the account-wide limit never tripped");
        }
        // A new stranger is refused; the owner's known client is not.
        assert!(t.begin(OWNER, client(251), now).is_err());
        let attempt = t.begin(OWNER, client(1), now).expect("the owner may try");
        attempt.succeeded(now);
    }

    #[test]
    fn changing_the_login_buys_no_guesses_from_one_client() {
        let t = throttle(5);
        let now = Instant::now();
        let mut guesses = 0;
        for i in 0..1000 {
            let account = t.unknown_account(&format!("someone-{i}@example.com"));
            if t.begin(account, client(7), now)
                .map(|a| a.failed(now))
                .is_ok()
            {
                guesses += 1;
            }
        }
        assert_eq!(guesses, 30, "client limit: 6 × max_failures");
        assert_eq!(
            t.unknown_account("Teacher@X"),
            t.unknown_account("teacher@x")
        );
    }

    #[test]
    fn success_takes_the_counted_failure_back() {
        let t = throttle(2);
        let now = Instant::now();
        assert_eq!(fail(&t, OWNER, client(1), now), None);
        // The second attempt would lock the pair, but it succeeds.
        t.begin(OWNER, client(1), now).unwrap().succeeded(now);
        assert_eq!(fail(&t, OWNER, client(1), now), None);
        assert!(t.begin(OWNER, client(1), now).is_ok());
    }

    #[test]
    fn concurrent_attempts_cannot_slip_past_the_check() {
        let t = throttle(5);
        let now = Instant::now();
        // 300 attempts begun before any finishes: only five get through.
        let begun: Vec<_> = (0..300)
            .filter_map(|_| t.begin(OWNER, client(3), now).ok())
            .collect();
        assert_eq!(begun.len(), 5);
        for a in begun {
            let _ = a.failed(now);
        }
    }

    #[test]
    fn memory_is_bounded() {
        let mut policy = Policy::new(5, Duration::from_secs(60));
        policy.capacity = 1000;
        let t = LoginThrottle::new(policy);
        let now = Instant::now();
        for i in 0..20_000u32 {
            let c = ClientKey::of(IpAddr::from(i.to_be_bytes()));
            let a = t.unknown_account(&format!("login-{i}"));
            if let Ok(attempt) = t.begin(a, c, now + Duration::from_millis(u64::from(i))) {
                let _ = attempt.failed(now);
            }
        }
        assert!(t.sizes().iter().all(|n| *n <= 1000), "{:?}", t.sizes());
    }

    #[test]
    fn forgotten_after_a_quiet_day() {
        let t = throttle(5);
        let now = Instant::now();
        for _ in 0..4 {
            let _ = fail(&t, OWNER, client(1), now);
        }
        let next_day = now + Duration::from_secs(24 * 3600 + 1);
        // A fresh count: four more failures do not lock.
        for _ in 0..4 {
            assert_eq!(fail(&t, OWNER, client(1), next_day), None);
        }
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientKey::of(a), ClientKey::of(b));
        assert_ne!(ClientKey::of(a), ClientKey::of(c));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(ClientKey::of(mapped), client(1));
    }
}
