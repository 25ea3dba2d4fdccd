//! Login throttling: failures are counted per email and per client address over a window; past a
//! first threshold each attempt is slowed, past a second it is refused until the window ends.
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

/// One mailbox: a handful of typos are normal, a dictionary is not.
const PER_EMAIL: Limits = Limits {
    slow_after: 3,
    block_after: 10,
};
/// One address may be a whole office behind NAT: looser.
const PER_CLIENT: Limits = Limits {
    slow_after: 20,
    block_after: 100,
};

struct Counter {
    failures: u32,
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

    fn keys(email: &str, client: Option<IpAddr>) -> Vec<(String, Limits)> {
        let mut keys = vec![(format!("login:email:{email}"), PER_EMAIL)];
        if let Some(client) = client {
            keys.push((format!("login:ip:{client}"), PER_CLIENT));
        }
        keys
    }

    /// Before checking a password: how long to wait first, or `TooManyAttempts`.
    pub async fn check(&self, email: &str, client: Option<IpAddr>) -> Result<Duration, AppError> {
        let mut delay = Duration::ZERO;
        for (key, limits) in Self::keys(email, client) {
            let (failures, remaining) = self.failures(&key).await;
            if failures >= limits.block_after {
                return Err(AppError::TooManyAttempts {
                    retry_after_secs: remaining.as_secs().max(1),
                });
            }
            if failures >= limits.slow_after {
                let step = DELAY_STEP * (failures - limits.slow_after + 1);
                delay = delay.max(step.min(MAX_DELAY));
            }
        }
        Ok(delay)
    }

    pub async fn record_failure(&self, email: &str, client: Option<IpAddr>) {
        for (key, _) in Self::keys(email, client) {
            if !self.cache_incr(&key).await {
                self.memory_incr(&key);
            }
        }
    }

    /// After a successful login the mailbox's count starts again (the address's does not).
    pub async fn clear(&self, email: &str) {
        let key = format!("login:email:{email}");
        self.cache.delete(&key).await;
        self.lock_memory().remove(&key);
    }

    /// Failures so far and the time left in the window.
    async fn failures(&self, key: &str) -> (u32, Duration) {
        if let Some((count, ttl)) = self.cache.counter(key).await {
            let in_memory = self.memory_failures(key);
            return (count.max(in_memory.0), ttl.max(in_memory.1));
        }
        self.memory_failures(key)
    }

    async fn cache_incr(&self, key: &str) -> bool {
        self.cache.increment(key, WINDOW).await.is_some()
    }

    fn lock_memory(&self) -> std::sync::MutexGuard<'_, HashMap<String, Counter>> {
        // A poisoned lock only means another request panicked mid-update: the counts are usable.
        self.memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn memory_failures(&self, key: &str) -> (u32, Duration) {
        let memory = self.lock_memory();
        match memory.get(key) {
            Some(counter) if counter.started.elapsed() < WINDOW => {
                (counter.failures, WINDOW - counter.started.elapsed())
            }
            _ => (0, Duration::ZERO),
        }
    }

    fn memory_incr(&self, key: &str) {
        let mut memory = self.lock_memory();
        // Keep the map small: drop windows that have ended.
        if memory.len() > 10_000 {
            memory.retain(|_, counter| counter.started.elapsed() < WINDOW);
        }
        let counter = memory.entry(key.to_owned()).or_insert(Counter {
            failures: 0,
            started: Instant::now(),
        });
        if counter.started.elapsed() >= WINDOW {
            *counter = Counter {
                failures: 0,
                started: Instant::now(),
            };
        }
        counter.failures += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slows_then_refuses_one_email() {
        let throttle = LoginThrottle::new(Cache::disabled());
        for _ in 0..PER_EMAIL.slow_after {
            assert_eq!(
                throttle.check("a@b.cd", None).await.unwrap(),
                Duration::ZERO
            );
            throttle.record_failure("a@b.cd", None).await;
        }
        assert_eq!(throttle.check("a@b.cd", None).await.unwrap(), DELAY_STEP);
        for _ in PER_EMAIL.slow_after..PER_EMAIL.block_after {
            throttle.record_failure("a@b.cd", None).await;
        }
        let refused = throttle.check("a@b.cd", None).await.unwrap_err();
        assert!(
            matches!(refused, AppError::TooManyAttempts { retry_after_secs } if retry_after_secs > 800)
        );
        // Another mailbox is not affected.
        assert_eq!(
            throttle.check("x@y.zz", None).await.unwrap(),
            Duration::ZERO
        );
    }

    #[tokio::test]
    async fn a_success_clears_the_email_count() {
        let throttle = LoginThrottle::new(Cache::disabled());
        for _ in 0..PER_EMAIL.block_after {
            throttle.record_failure("a@b.cd", None).await;
        }
        throttle.clear("a@b.cd").await;
        assert_eq!(
            throttle.check("a@b.cd", None).await.unwrap(),
            Duration::ZERO
        );
    }

    #[tokio::test]
    async fn one_address_trying_many_emails_is_refused() {
        let throttle = LoginThrottle::new(Cache::disabled());
        let client: IpAddr = [10, 0, 0, 1].into();
        for n in 0..PER_CLIENT.block_after {
            throttle
                .record_failure(&format!("user{n}@b.cd"), Some(client))
                .await;
        }
        assert!(throttle.check("fresh@b.cd", Some(client)).await.is_err());
        assert!(
            throttle
                .check("fresh@b.cd", Some([10, 0, 0, 2].into()))
                .await
                .is_ok()
        );
    }
}
