//! The Redis cache in front of hot reads. Optional and never in the way: without Redis, or with
//! Redis down or slow, every call gives up within [`OP_TIMEOUT`] and the app serves from the
//! database; the connection comes back by itself.
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisResult, Script};
use serde::Serialize;

/// How long one cache call may take before we go to the database instead. Loopback Redis
/// answers in well under a millisecond; anything slower is an outage.
const OP_TIMEOUT: Duration = Duration::from_millis(100);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// After a failure the cache is skipped this long, so an outage costs one timeout per second
/// instead of one per request.
const BACKOFF: Duration = Duration::from_secs(1);
/// Generation counters expire a day after their last bump, so counters of deleted hotels and
/// past months do not stay forever. Safe because a missing counter restarts from the clock
/// (never a number old entries used), and entries live far shorter than a day.
const GENERATION_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// A handle to Redis, cheap to clone.
#[derive(Clone)]
pub struct Cache {
    inner: Option<Arc<Inner>>,
    prefix: Arc<str>,
}

struct Inner {
    client: redis::Client,
    connection: RwLock<Option<ConnectionManager>>,
    connecting: AtomicBool,
    /// Unix milliseconds before which calls skip Redis (the backoff after a failure).
    skip_until_ms: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheStatus {
    Up,
    Down,
    Disabled,
}

/// A versioned entry looked up by [`Cache::get_versioned`]: the key under the current
/// generations, and the value if one was stored.
pub struct Versioned {
    pub key: String,
    pub value: Option<Vec<u8>>,
}

/// Reads the generation counters in KEYS (initialising missing ones from the clock, so a
/// lost counter never restarts at a number old entries used), builds the entry key
/// `ARGV[1] .. generations .. ARGV[2]` and returns it with the entry's value.
const LOOKUP_SCRIPT: &str = r"
local gens = {}
for i, k in ipairs(KEYS) do
  local g = redis.call('GET', k)
  if not g then
    local t = redis.call('TIME')
    g = tostring(t[1] * 1000 + math.floor(t[2] / 1000))
    redis.call('SET', k, g, 'NX', 'EX', ARGV[3])
    g = redis.call('GET', k)
  end
  gens[i] = g
end
local key = ARGV[1] .. table.concat(gens, '.') .. ARGV[2]
return {key, redis.call('GET', key)}
";

/// Increments each generation counter in KEYS (a missing one starts from the clock) and keeps
/// it for ARGV[1] more seconds; then publishes ARGV[3] (unless empty) on channel ARGV[2]. In one
/// script, so a subscriber told of a change reads under the moved counters.
const BUMP_SCRIPT: &str = r"
for _, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 1 then
    redis.call('INCR', k)
  else
    local t = redis.call('TIME')
    redis.call('SET', k, tostring(t[1] * 1000 + math.floor(t[2] / 1000) + 1))
  end
  redis.call('EXPIRE', k, ARGV[1])
end
if ARGV[3] ~= '' then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 1
";

static LOOKUP: LazyLock<Script> = LazyLock::new(|| Script::new(LOOKUP_SCRIPT));
static BUMP: LazyLock<Script> = LazyLock::new(|| Script::new(BUMP_SCRIPT));

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

impl Cache {
    pub fn disabled() -> Self {
        Cache {
            inner: None,
            prefix: Arc::from(""),
        }
    }

    /// Connects to `url`. Redis being down is not fatal: the cache starts empty-handed and
    /// keeps trying in the background. An invalid URL disables caching with a warning.
    pub async fn connect(url: Option<&str>, prefix: &str) -> Self {
        let Some(url) = url else {
            tracing::info!("REDIS_URL is empty: caching is off");
            return Cache::disabled();
        };
        let client = match redis::Client::open(url) {
            Ok(client) => client,
            Err(error) => {
                tracing::warn!(%error, "REDIS_URL is not usable: caching is off");
                return Cache::disabled();
            }
        };
        let cache = Cache {
            inner: Some(Arc::new(Inner {
                client,
                connection: RwLock::new(None),
                connecting: AtomicBool::new(false),
                skip_until_ms: AtomicU64::new(0),
            })),
            prefix: Arc::from(prefix),
        };
        if let Some(inner) = &cache.inner {
            match open(&inner.client).await {
                Ok(connection) => {
                    tracing::info!("connected to Redis");
                    *write(&inner.connection) = Some(connection);
                }
                Err(error) => {
                    tracing::warn!(%error, "Redis is not reachable: serving without a cache, retrying");
                    inner.back_off();
                }
            }
        }
        cache
    }

    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// The namespaced key for `key`, so tests and several apps can share one Redis.
    pub fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// The pub/sub channel [`Self::bump`] announces changes on.
    pub fn changes_channel(&self) -> String {
        self.key("changes")
    }

    /// A client for a connection of the caller's own (a subscription); `None` when disabled.
    pub fn client(&self) -> Option<redis::Client> {
        self.inner.as_ref().map(|inner| inner.client.clone())
    }

    /// Pings Redis within the timeout.
    pub async fn status(&self) -> CacheStatus {
        let Some(inner) = &self.inner else {
            return CacheStatus::Disabled;
        };
        let Some(mut connection) = inner.connection_or_reconnect() else {
            return CacheStatus::Down;
        };
        let ping = redis::cmd("PING");
        match tokio::time::timeout(OP_TIMEOUT * 2, ping.query_async::<String>(&mut connection))
            .await
        {
            Ok(Ok(_)) => CacheStatus::Up,
            _ => CacheStatus::Down,
        }
    }

    /// Runs one Redis operation within the timeout; `None` when Redis is off, backing off,
    /// failing or slow (logged once per outage).
    async fn call<T, F, Fut>(&self, what: &'static str, op: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let inner = self.inner.as_ref()?;
        if now_ms() < inner.skip_until_ms.load(Ordering::Relaxed) {
            return None;
        }
        let connection = inner.connection_or_reconnect()?;
        match tokio::time::timeout(OP_TIMEOUT, op(connection)).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(error)) => {
                tracing::warn!(%error, operation = what, "Redis failed: skipping the cache for a while");
                inner.back_off();
                None
            }
            Err(_) => {
                tracing::warn!(
                    operation = what,
                    "Redis timed out: skipping the cache for a while"
                );
                inner.back_off();
                None
            }
        }
    }

    /// Increments a counter that expires `ttl` after its first increment, atomically, and
    /// returns the new count with the time it has left; `None` when Redis is unavailable.
    pub async fn increment_with_ttl(&self, key: &str, ttl: Duration) -> Option<(u32, Duration)> {
        let key = self.key(key);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .incr(&key, 1u32)
            .cmd("EXPIRE")
            .arg(&key)
            .arg(ttl.as_secs())
            .arg("NX")
            .ignore()
            .ttl(&key);
        let (count, left) = self
            .call("increment", |mut c| async move {
                pipe.query_async::<(u32, i64)>(&mut c).await
            })
            .await?;
        Some((count, Duration::from_secs(left.max(0) as u64)))
    }

    /// Takes one off a counter, never below zero; `None` when Redis is unavailable.
    pub async fn decrement(&self, key: &str) -> Option<()> {
        let mut command = redis::cmd("EVAL");
        command
            .arg("if (tonumber(redis.call('GET', KEYS[1])) or 0) > 0 then redis.call('DECR', KEYS[1]) end return 1")
            .arg(1)
            .arg(self.key(key));
        self.call("decrement", |mut c| async move {
            command.query_async::<i64>(&mut c).await
        })
        .await
        .map(|_| ())
    }

    pub async fn delete(&self, key: &str) {
        let mut command = redis::cmd("DEL");
        command.arg(self.key(key));
        self.call("delete", |mut c| async move {
            command.query_async::<()>(&mut c).await
        })
        .await;
    }

    /// Looks up the entry `name` under the current values of the generation counters `gens`.
    /// `None` when the cache is unavailable (then nothing should be written either).
    pub async fn get_versioned(&self, gens: &[String], name: &str) -> Option<Versioned> {
        let mut invocation = LOOKUP.prepare_invoke();
        for generation in gens {
            invocation.key(self.key(generation));
        }
        invocation
            .arg(self.key("v:"))
            .arg(format!(":{name}"))
            .arg(GENERATION_TTL.as_secs());
        let (key, value) = self
            .call("lookup", |mut c| async move {
                invocation
                    .invoke_async::<(String, Option<Vec<u8>>)>(&mut c)
                    .await
            })
            .await?;
        Some(Versioned { key, value })
    }

    /// Stores `value` under a key returned by [`Cache::get_versioned`] for `ttl`.
    pub async fn put(&self, key: String, value: Vec<u8>, ttl: Duration) {
        let mut command = redis::cmd("SET");
        command
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1));
        self.call("put", |mut c| async move {
            command.query_async::<()>(&mut c).await
        })
        .await;
    }

    /// Moves the generation counters `gens` on, so every entry stored under their old values
    /// is unreachable at once, and tells the subscribers of [`Self::changes_channel`] `notice`
    /// (nothing when empty). False when Redis could not be told (the caller keeps the
    /// invalidation and tries again: see `catalog::deliver_invalidations`).
    pub async fn bump(&self, gens: &[String], notice: &str) -> bool {
        if self.inner.is_none() {
            return true;
        }
        let mut invocation = BUMP.prepare_invoke();
        for generation in gens {
            invocation.key(self.key(generation));
        }
        invocation
            .arg(GENERATION_TTL.as_secs())
            .arg(self.changes_channel())
            .arg(notice);
        self.call("bump", |mut c| async move {
            invocation.invoke_async::<i64>(&mut c).await
        })
        .await
        .is_some()
    }
}

impl Inner {
    fn back_off(&self) {
        self.skip_until_ms
            .store(now_ms() + BACKOFF.as_millis() as u64, Ordering::Relaxed);
    }

    /// The connection if there is one; otherwise starts (at most one) background attempt and
    /// answers `None` now, so no request waits for a connect.
    fn connection_or_reconnect(self: &Arc<Self>) -> Option<ConnectionManager> {
        if let Some(connection) = read(&self.connection).clone() {
            return Some(connection);
        }
        if now_ms() >= self.skip_until_ms.load(Ordering::Relaxed)
            && !self.connecting.swap(true, Ordering::AcqRel)
        {
            let inner = Arc::clone(self);
            tokio::spawn(async move {
                match open(&inner.client).await {
                    Ok(connection) => {
                        tracing::info!("reconnected to Redis");
                        *write(&inner.connection) = Some(connection);
                    }
                    Err(_) => inner.back_off(),
                }
                inner.connecting.store(false, Ordering::Release);
            });
        }
        None
    }
}

async fn open(client: &redis::Client) -> RedisResult<ConnectionManager> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(OP_TIMEOUT * 2))
        .set_number_of_retries(1);
    // The whole attempt is bounded too: DNS or a half-open socket must not stall anything.
    tokio::time::timeout(
        CONNECT_TIMEOUT * 2,
        client.get_connection_manager_with_config(config),
    )
    .await
    .map_err(|_| redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut)))?
}

// Poisoning only means another thread panicked mid-update of a plain value; keep going.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
