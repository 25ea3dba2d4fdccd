//! The Redis cache in front of hot reads. Optional: without Redis the app serves from the database.
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::Serialize;

/// How long a cache call may take before we give up and go to the database instead.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(250);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

/// A handle to Redis, cheap to clone; `None` inside when caching is off.
#[derive(Clone)]
pub struct Cache {
    connection: Option<ConnectionManager>,
    prefix: String,
    /// A URL was configured but Redis did not answer: reported as down, not disabled.
    unreachable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheStatus {
    Up,
    Down,
    Disabled,
}

impl Cache {
    pub fn disabled() -> Self {
        Cache {
            connection: None,
            prefix: String::new(),
            unreachable: false,
        }
    }

    /// Connects to `url`; on failure logs a warning and returns a disabled cache.
    pub async fn connect(url: Option<&str>, prefix: &str) -> Self {
        let Some(url) = url else {
            tracing::info!("REDIS_URL is empty: caching is off");
            return Cache::disabled();
        };
        match Self::open(url).await {
            Ok(connection) => {
                tracing::info!("connected to Redis");
                Cache {
                    connection: Some(connection),
                    prefix: prefix.to_owned(),
                    unreachable: false,
                }
            }
            Err(error) => {
                tracing::warn!(%error, "Redis is not reachable: caching is off");
                Cache {
                    unreachable: true,
                    ..Cache::disabled()
                }
            }
        }
    }

    async fn open(url: &str) -> redis::RedisResult<ConnectionManager> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1);
        // The whole attempt is bounded too: DNS or a half-open socket must not stall start-up.
        tokio::time::timeout(
            CONNECT_TIMEOUT * 2,
            client.get_connection_manager_with_config(config),
        )
        .await
        .map_err(|_| redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut)))?
    }

    pub fn is_enabled(&self) -> bool {
        self.connection.is_some()
    }

    /// The namespaced key for `key`, so tests and several apps can share one Redis.
    pub fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Pings Redis within the response timeout.
    pub async fn status(&self) -> CacheStatus {
        let Some(connection) = &self.connection else {
            return if self.unreachable {
                CacheStatus::Down
            } else {
                CacheStatus::Disabled
            };
        };
        let mut connection = connection.clone();
        let ping = redis::cmd("PING");
        match tokio::time::timeout(
            RESPONSE_TIMEOUT * 2,
            ping.query_async::<String>(&mut connection),
        )
        .await
        {
            Ok(Ok(_)) => CacheStatus::Up,
            _ => CacheStatus::Down,
        }
    }

    fn connection(&self) -> Option<ConnectionManager> {
        self.connection.clone()
    }

    /// Increments a counter that expires `ttl` after its first increment; `None` when Redis is
    /// off or failed.
    pub async fn increment(&self, key: &str, ttl: Duration) -> Option<u64> {
        let mut connection = self.connection()?;
        let key = self.key(key);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .incr(&key, 1u64)
            .cmd("EXPIRE")
            .arg(&key)
            .arg(ttl.as_secs())
            .arg("NX")
            .ignore();
        let result = tokio::time::timeout(
            RESPONSE_TIMEOUT * 2,
            pipe.query_async::<(u64,)>(&mut connection),
        )
        .await;
        match result {
            Ok(Ok((count,))) => Some(count),
            Ok(Err(error)) => {
                tracing::warn!(%error, "Redis increment failed");
                None
            }
            Err(_) => {
                tracing::warn!("Redis increment timed out");
                None
            }
        }
    }

    /// A counter's value and its time to live; `None` when Redis is off or failed.
    pub async fn counter(&self, key: &str) -> Option<(u32, Duration)> {
        let mut connection = self.connection()?;
        let key = self.key(key);
        let mut pipe = redis::pipe();
        pipe.get(&key).ttl(&key);
        let result = tokio::time::timeout(
            RESPONSE_TIMEOUT * 2,
            pipe.query_async::<(Option<u32>, i64)>(&mut connection),
        )
        .await;
        match result {
            Ok(Ok((count, ttl))) => {
                Some((count.unwrap_or(0), Duration::from_secs(ttl.max(0) as u64)))
            }
            _ => None,
        }
    }

    pub async fn delete(&self, key: &str) {
        let Some(mut connection) = self.connection() else {
            return;
        };
        let key = self.key(key);
        let mut command = redis::cmd("DEL");
        command.arg(&key);
        let _ = tokio::time::timeout(
            RESPONSE_TIMEOUT * 2,
            command.query_async::<()>(&mut connection),
        )
        .await;
    }
}
