//! Login throttling: attempts are counted over a window per client address, per address and
//! email, and per email from anywhere (a success takes its attempt back); past a first
//! threshold each attempt is slowed, past a second it is refused until the window ends.
//!
//! Refusals fall on the guesser only: on the address that guesses one mailbox, or that guesses
//! many. The email's own count, from every address, only slows attempts down (by at most
//! `MAX_DELAY`): refusing it would let anyone lock any guest out by typing wrong passwords for
//! their email, so the owner with the right password from their own address always gets in.
//! Counters live in Redis when it answers (shared by every server process) and in memory otherwise.
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::AppError;
use crate::server::cache::Cache;

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Extra wait per failure past the slow-down threshold, capped at `MAX_DELAY`.
const DELAY_STEP: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy)]
struct Limits {
    slow_after: u32,
    block_after: u32,
}

/// One mailbox from one address: a handful of typos are normal, a dictionary is not.
const PER_PAIR: Limits = Limits {
    slow_after: 3,
    block_after: 10,
};
/// One mailbox from every address (guesses spread over many): slowed, never refused.
const PER_EMAIL: Limits = Limits {
    slow_after: 10,
    block_after: u32::MAX,
};
/// One address may be a whole office behind NAT: looser.
const PER_CLIENT: Limits = Limits {
    slow_after: 20,
    block_after: 100,
};

/// Password-reset requests one address may make in a window.
pub const RESETS_PER_CLIENT: u32 = 10;

struct Counter {
    attempts: u32,
    started: Instant,
}

pub struct LoginThrottle {
    cache: Cache,
    memory: Mutex<HashMap<String, Counter>>,
}

impl LoginThrottle {
    pub fn new(cache: Cache) -> Self {
        LoginThrottle {
            cache,
            memory: Mutex::new(HashMap::new()),
        }
    }

    /// The counters of an attempt. An unknown address (no peer: tests, a unix socket) counts
    /// as one address of its own.
    fn keys(email: &str, client: Option<IpAddr>) -> [(String, Limits); 3] {
        let client = client.map_or_else(|| "unknown".to_owned(), |client| client.to_string());
        [
            (format!("login:pair:{client}:{email}"), PER_PAIR),
            (format!("login:ip:{client}"), PER_CLIENT),
            (format!("login:email:{email}"), PER_EMAIL),
        ]
    }

    /// Counts a login attempt before its password is checked, and says how long to wait first,
    /// or `TooManyAttempts`. Counting first, with an atomic increment (Redis `INCR`, shared by
    /// every process; the in-memory map under its lock otherwise), is what makes parallel
    /// guesses count: each of 100 simultaneous attempts sees its own number, not a count taken
    /// before any of them failed.
    pub async fn attempt(&self, email: &str, client: Option<IpAddr>) -> Result<Duration, AppError> {
        let mut delay = Duration::ZERO;
        for (key, limits) in Self::keys(email, client) {
            let (attempt, remaining) = self.count_attempt(&key).await;
            // This attempt is number `attempt`; those before it are presumed failures.
            let before = attempt.saturating_sub(1);
            if before >= limits.block_after {
                return Err(AppError::TooManyAttempts {
                    retry_after_secs: remaining.as_secs().max(1),
                });
            }
            if before >= limits.slow_after {
                let step = DELAY_STEP * (before - limits.slow_after + 1);
                delay = delay.max(step.min(MAX_DELAY));
            }
        }
        Ok(delay)
    }

    /// After a successful login the address's count for the mailbox starts again, and the
    /// other two take back this attempt, so an office behind one address is limited by its
    /// failures only.
    pub async fn succeeded(&self, email: &str, client: Option<IpAddr>) {
        let [(pair, _), (address, _), (mailbox, _)] = Self::keys(email, client);
        self.cache.delete(&pair).await;
        self.lock_memory().remove(&pair);
        for key in [address, mailbox] {
            if self.cache.decrement(&key).await.is_none()
                && let Some(counter) = self.lock_memory().get_mut(&key)
            {
                counter.attempts = counter.attempts.saturating_sub(1);
            }
        }
    }

    /// Counts a password-reset request from `client`: at most [`RESETS_PER_CLIENT`] in a window,
    /// so one address cannot fill mailboxes (each account has its own hourly limit too) nor
    /// probe the database at speed; `TooManyAttempts` beyond.
    pub async fn reset_requested(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        let client = client.map_or_else(|| "unknown".to_owned(), |client| client.to_string());
        let (count, remaining) = self.count_attempt(&format!("reset:ip:{client}")).await;
        if count > RESETS_PER_CLIENT {
            return Err(AppError::TooManyAttempts {
                retry_after_secs: remaining.as_secs().max(1),
            });
        }
        Ok(())
    }

    /// Adds one to `key`'s window and returns the new count and the time left in the window.
    async fn count_attempt(&self, key: &str) -> (u32, Duration) {
        if let Some((count, ttl)) = self.cache.increment_with_ttl(key, WINDOW).await {
            return (count, ttl);
        }
        self.memory_incr(key)
    }

    fn lock_memory(&self) -> std::sync::MutexGuard<'_, HashMap<String, Counter>> {
        // A poisoned lock only means another request panicked mid-update: the counts are usable.
        self.memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn memory_incr(&self, key: &str) -> (u32, Duration) {
        let mut memory = self.lock_memory();
        // Keep the map small: drop windows that have ended.
        if memory.len() > 10_000 {
            memory.retain(|_, counter| counter.started.elapsed() < WINDOW);
        }
        let counter = memory.entry(key.to_owned()).or_insert(Counter {
            attempts: 0,
            started: Instant::now(),
        });
        if counter.started.elapsed() >= WINDOW {
            *counter = Counter {
                attempts: 0,
                started: Instant::now(),
            };
        }
        counter.attempts += 1;
        (
            counter.attempts,
            WINDOW.saturating_sub(counter.started.elapsed()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed login as the account service makes it: counted first, then not taken back.
    async fn fail(throttle: &LoginThrottle, email: &str, client: Option<IpAddr>) {
        let _ = throttle.attempt(email, client).await;
    }

    fn address(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([192, 0, 2, last]))
    }

    #[tokio::test]
    async fn slows_then_refuses_one_address_guessing_one_email() {
        let throttle = LoginThrottle::new(Cache::disabled());
        let attacker = address(1);
        for _ in 0..PER_PAIR.slow_after {
            let delay = throttle.attempt("a@b.cd", attacker).await.unwrap();
            assert_eq!(delay, Duration::ZERO);
        }
        let delay = throttle.attempt("a@b.cd", attacker).await.unwrap();
        assert_eq!(delay, DELAY_STEP);
        for _ in PER_PAIR.slow_after + 1..PER_PAIR.block_after {
            fail(&throttle, "a@b.cd", attacker).await;
        }
        let refused = throttle.attempt("a@b.cd", attacker).await.unwrap_err();
        assert!(
            matches!(refused, AppError::TooManyAttempts { retry_after_secs } if retry_after_secs > 800)
        );
        // Another mailbox from that address is not refused.
        let other = throttle.attempt("x@y.zz", attacker).await.unwrap();
        assert_eq!(other, Duration::ZERO);
        // Nor is the owner, from their own address: slowed at most.
        let owner = throttle.attempt("a@b.cd", address(2)).await.unwrap();
        assert!(owner <= DELAY_STEP, "{owner:?}");
    }

    #[tokio::test]
    async fn guesses_from_many_addresses_slow_the_email_but_never_lock_it() {
        let throttle = LoginThrottle::new(Cache::disabled());
        for last in 0..=200u8 {
            for _ in 0..5 {
                fail(&throttle, "a@b.cd", address(last)).await;
            }
        }
        let owner = throttle.attempt("a@b.cd", address(250)).await.unwrap();
        assert_eq!(owner, MAX_DELAY, "slowed, not refused");
    }

    #[tokio::test]
    async fn parallel_attempts_are_each_counted() {
        let throttle = std::sync::Arc::new(LoginThrottle::new(Cache::disabled()));
        let attempts = (0..100).map(|_| {
            let throttle = throttle.clone();
            tokio::spawn(async move { throttle.attempt("a@b.cd", None).await.is_ok() })
        });
        let mut allowed = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            allowed += usize::from(attempt.await.unwrap());
        }
        assert_eq!(allowed, PER_PAIR.block_after as usize);
    }

    #[tokio::test]
    async fn a_success_clears_the_email_count() {
        let throttle = LoginThrottle::new(Cache::disabled());
        for _ in 0..PER_PAIR.block_after {
            fail(&throttle, "a@b.cd", None).await;
        }
        throttle.succeeded("a@b.cd", None).await;
        assert_eq!(
            throttle.attempt("a@b.cd", None).await.unwrap(),
            Duration::ZERO
        );
    }

    #[tokio::test]
    async fn successes_do_not_count_against_an_address() {
        let throttle = LoginThrottle::new(Cache::disabled());
        let client: IpAddr = [10, 0, 0, 9].into();
        for n in 0..PER_CLIENT.block_after * 2 {
            let email = format!("user{n}@b.cd");
            throttle.attempt(&email, Some(client)).await.unwrap();
            throttle.succeeded(&email, Some(client)).await;
        }
        assert!(throttle.attempt("fresh@b.cd", Some(client)).await.is_ok());
    }

    #[tokio::test]
    async fn one_address_trying_many_emails_is_refused() {
        let throttle = LoginThrottle::new(Cache::disabled());
        let client: IpAddr = [10, 0, 0, 1].into();
        for n in 0..PER_CLIENT.block_after {
            fail(&throttle, &format!("user{n}@b.cd"), Some(client)).await;
        }
        assert!(throttle.attempt("fresh@b.cd", Some(client)).await.is_err());
        assert!(
            throttle
                .attempt("fresh@b.cd", Some([10, 0, 0, 2].into()))
                .await
                .is_ok()
        );
    }
}
