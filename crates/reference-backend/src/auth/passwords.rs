//! Argon2id password hashes in PHC string form, and the gate that bounds how
//! many are computed at once.

use crate::error::AppError;
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::password_hash::PasswordHasher;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// At most `permits` hashes at once, each on one of `permits` threads of its
/// own. A hash takes ~19 MiB and a core for tens of milliseconds: on their own
/// threads they neither occupy the blocking pool that SQLite needs nor leave a
/// 19-MiB buffer in the allocator arena of every thread that ever hashed (which
/// grew the process by 700 MB under 300 concurrent sign-ins). A request that
/// cannot start a hash within `wait` gets a 503 with `Retry-After` instead of
/// queueing behind an attacker's requests.
#[derive(Clone)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    wait: Duration,
    jobs: std::sync::mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl HashGate {
    pub fn new(permits: usize, wait: Duration) -> HashGate {
        let permits = permits.max(1);
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for n in 0..permits {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return, // the gate is gone
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "starting a password-hash thread failed");
            }
        }
        HashGate {
            permits: Arc::new(Semaphore::new(permits)),
            wait,
            jobs,
        }
    }

    /// Runs `work` (a hash or a verification) on a hashing thread under a permit.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or_else(|| AppError::Overloaded {
                detail: "The server is busy signing other people in. Try again in a moment.".into(),
                retry_after_secs: 1,
            })?;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _permit = permit;
            let _ = done.send(work());
        });
        self.jobs.send(job).map_err(|_| {
            AppError::Internal(anyhow::anyhow!("no password-hash thread is running"))
        })?;
        result
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("a password-hash job was lost")))
    }
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

thread_local! {
    /// This thread's Argon2 working memory (~19 MiB), reused by every
    /// verification on it rather than allocated and freed each time: a freed
    /// buffer that size raises glibc's mmap threshold, and the next ones then
    /// stay in the heap for good.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// False for a wrong password and for a malformed stored hash alike. The
/// comparison is constant-time (`Output`'s equality).
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let hashed = MEMORY.with_borrow_mut(|memory| {
        memory.resize(blocks, Block::default());
        argon2.hash_password_into_with_memory(
            password.as_bytes(),
            salt.as_ref(),
            &mut out,
            &mut memory[..blocks],
        )
    });
    hashed.is_ok() && Output::new(&out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_gate_sheds_load_beyond_its_permits() {
        let gate = HashGate::new(1, Duration::from_millis(50));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let busy = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(move || held.recv().ok()).await })
        };
        // Wait until the first job holds the only permit.
        while gate.permits.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        match gate.run(|| ()).await {
            Err(AppError::Overloaded {
                retry_after_secs, ..
            }) => assert_eq!(retry_after_secs, 1),
            other => panic!("expected a 503, got {other:?}"),
        }
        release.send(()).unwrap();
        assert!(busy.await.unwrap().is_ok());
        assert!(gate.run(|| ()).await.is_ok(), "free again once done");
    }

    #[test]
    fn round_trip() {
        let h = hash("s3cret-pass").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("s3cret-pass", &h));
        assert!(!verify("s3cret-Pass", &h));
        assert!(!verify("s3cret-pass", "not a hash"));
    }
}
