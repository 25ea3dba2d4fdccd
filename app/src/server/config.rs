//! One typed configuration, read from the environment (and `.env`, loaded by the binary).
//!
//! Every variable has a default that serves a newcomer on a development machine; production
//! refuses to start without a real JWT secret. A bad value stops start-up with one line naming
//! the variable and what is wrong with it.
use std::{fmt, path::PathBuf, str::FromStr, time::Duration};

use crate::server::client_addr::TrustedProxies;
use sqlx::postgres::PgConnectOptions;

/// A configuration problem: the variable and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn problem(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Test,
    Production,
}

impl AppEnv {
    pub fn is_production(self) -> bool {
        self == AppEnv::Production
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AppEnv::Development => "development",
            AppEnv::Test => "test",
            AppEnv::Production => "production",
        }
    }
}

impl FromStr for AppEnv {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.to_ascii_lowercase().as_str() {
            "development" | "dev" | "local" => Ok(AppEnv::Development),
            "test" => Ok(AppEnv::Test),
            "production" | "prod" => Ok(AppEnv::Production),
            other => Err(format!(
                "expected development, test or production, got '{other}'"
            )),
        }
    }
}

/// A value that must never reach a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// The HMAC algorithms a shared `JWT_SECRET_KEY` can sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlgorithm {
    HS256,
    HS384,
    HS512,
}

impl FromStr for JwtAlgorithm {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.to_ascii_uppercase().as_str() {
            "HS256" => Ok(JwtAlgorithm::HS256),
            "HS384" => Ok(JwtAlgorithm::HS384),
            "HS512" => Ok(JwtAlgorithm::HS512),
            _ => Err(format!(
                "unsupported algorithm '{value}' (use HS256, HS384 or HS512)"
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub secret: Secret,
    pub algorithm: JwtAlgorithm,
    /// How long a session lasts without a request (`ACCESS_TOKEN_EXPIRE_MINUTES`): each token's
    /// lifetime, renewed while the guest is active.
    pub expire: Duration,
    /// How long a session lasts at most from signing in, active or not (`SESSION_MAX_HOURS`).
    pub max_session: Duration,
    /// True when no secret was configured and a random one was made for this process.
    pub secret_generated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a local test server such as maildev).
    None,
    /// STARTTLS upgrade, usually port 587.
    StartTls,
    /// TLS from the first byte ("SMTP over SSL", the original's choice), usually port 465.
    Tls,
}

impl FromStr for SmtpTls {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.to_ascii_lowercase().as_str() {
            "none" | "off" | "false" => Ok(SmtpTls::None),
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" | "ssl" | "true" => Ok(SmtpTls::Tls),
            other => Err(format!("expected none, starttls or tls, got '{other}'")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub pass: Option<Secret>,
    pub from: String,
    pub tls: SmtpTls,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub app_env: AppEnv,
    pub database: PgConnectOptions,
    pub db_pool_size: u32,
    /// `None`: caching is off. The default points at a local Redis, used if it answers.
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub jwt: JwtConfig,
    /// `None`: mail is written to `mail_outbox_dir` as `.eml` files instead of being sent.
    pub smtp: Option<SmtpConfig>,
    pub mail_outbox_dir: PathBuf,
    /// Base URL for links in emails.
    pub app_url: String,
    pub demo_data: bool,
    /// Uploaded pictures and their sizes.
    pub media_dir: PathBuf,
    /// The largest picture upload, in bytes.
    pub upload_max_bytes: u64,
    /// The most pixels (width x height) an uploaded picture may have: larger ones are refused
    /// before they are decoded (decompression bombs).
    pub upload_max_pixels: u64,
    /// How many days ahead a stay may start (`BOOKING_HORIZON_DAYS`, default 500).
    pub booking_horizon_days: u32,
    /// How long a room chosen on the book page stays held for the guest (`HOLD_MINUTES`,
    /// default 10).
    pub hold_minutes: u32,
    /// The bearer token `/metrics` asks for (`METRICS_TOKEN`); unset, `/metrics` is open
    /// outside production and off in production.
    pub metrics_token: Option<Secret>,
    /// The peers that may name the client in `X-Forwarded-For` and hand over an
    /// `x-request-id` (`TRUSTED_PROXIES`; default loopback).
    pub trusted_proxies: TrustedProxies,
    /// Where a standalone `server worker` answers `/health/live`, `/health/ready` and
    /// `/metrics` (`WORKER_ADDR`); unset, it listens nowhere.
    pub worker_addr: Option<std::net::SocketAddr>,
}

const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";
const MIN_PRODUCTION_SECRET_CHARS: usize = 32;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let app_env = env.parsed("APP_ENV")?.unwrap_or(AppEnv::Development);
        let demo_data = match env.flag("DEMO_DATA")? {
            Some(true) if app_env.is_production() => {
                return Err(problem(
                    "DEMO_DATA",
                    "demo data is never loaded when APP_ENV=production",
                ));
            }
            Some(flag) => flag,
            None => !app_env.is_production(),
        };
        Ok(Config {
            app_env,
            database: database_options(&env)?,
            db_pool_size: env.parsed("DB_POOL_SIZE")?.unwrap_or(16),
            redis_url: redis_url(&lookup)?,
            redis_prefix: env.get("REDIS_PREFIX").unwrap_or_else(|| "booking:".into()),
            jwt: jwt_config(&env, app_env)?,
            smtp: smtp_config(&env)?,
            mail_outbox_dir: env
                .get("MAIL_OUTBOX_DIR")
                .map_or_else(|| PathBuf::from("outbox"), PathBuf::from),
            app_url: env
                .get("APP_URL")
                .unwrap_or_else(|| "http://127.0.0.1:3000".into())
                .trim_end_matches('/')
                .to_owned(),
            demo_data,
            media_dir: env
                .get("MEDIA_DIR")
                .map_or_else(|| PathBuf::from("media"), PathBuf::from),
            upload_max_bytes: positive(&env, "UPLOAD_MAX_BYTES")?.unwrap_or(10 * 1024 * 1024),
            upload_max_pixels: positive(&env, "UPLOAD_MAX_PIXELS")?.unwrap_or(40_000_000),
            booking_horizon_days: positive(&env, "BOOKING_HORIZON_DAYS")?
                .map(|days| u32::try_from(days).unwrap_or(u32::MAX))
                .unwrap_or(crate::model::BookingWindow::DEFAULT_HORIZON_DAYS),
            hold_minutes: positive(&env, "HOLD_MINUTES")?
                .map(|minutes| u32::try_from(minutes.min(24 * 60)).unwrap_or(24 * 60))
                .unwrap_or(10),
            metrics_token: env.get("METRICS_TOKEN").map(Secret::new),
            trusted_proxies: env.parsed("TRUSTED_PROXIES")?.unwrap_or_default(),
            worker_addr: env.parsed("WORKER_ADDR")?,
        })
    }

    /// The database name the options point at.
    pub fn database_name(&self) -> &str {
        self.database.get_database().unwrap_or("postgres")
    }
}

/// A positive number from `name`, if set.
fn positive(env: &Env<'_>, name: &'static str) -> Result<Option<u64>, ConfigError> {
    match env.parsed::<u64>(name)? {
        Some(0) => Err(problem(name, "must be more than 0")),
        value => Ok(value),
    }
}

/// The environment, with empty values treated as unset.
struct Env<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|value| !value.trim().is_empty())
    }

    fn parsed<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, ConfigError>
    where
        T::Err: fmt::Display,
    {
        self.get(name)
            .map(|raw| {
                raw.trim()
                    .parse()
                    .map_err(|error: T::Err| problem(name, error.to_string()))
            })
            .transpose()
    }

    fn flag(&self, name: &'static str) -> Result<Option<bool>, ConfigError> {
        self.get(name)
            .map(|raw| match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                other => Err(problem(
                    name,
                    format!("expected true or false, got '{other}'"),
                )),
            })
            .transpose()
    }

    fn port(&self, name: &'static str) -> Result<Option<u16>, ConfigError> {
        self.get(name)
            .map(|raw| match raw.trim().parse::<u16>() {
                Ok(port) if port > 0 => Ok(port),
                _ => Err(problem(
                    name,
                    format!("expected a port number 1-65535, got '{raw}'"),
                )),
            })
            .transpose()
    }
}

/// `DATABASE_URL` when set, otherwise the original project's `DB_*` variables.
fn database_options(env: &Env) -> Result<PgConnectOptions, ConfigError> {
    let (options, var) = match env.get("DATABASE_URL") {
        Some(url) => (
            PgConnectOptions::from_str(&url).map_err(|error| {
                problem("DATABASE_URL", format!("not a PostgreSQL URL: {error}"))
            })?,
            "DATABASE_URL",
        ),
        None => {
            let mut options = PgConnectOptions::new_without_pgpass()
                .host(&env.get("DB_HOST").unwrap_or_else(|| "127.0.0.1".into()))
                .port(env.port("DB_PORT")?.unwrap_or(5432))
                .username(&env.get("DB_USER").unwrap_or_else(|| "postgres".into()))
                .database(&env.get("DB_NAME").unwrap_or_else(|| "booking".into()));
            if let Some(password) = env.get("DB_PASS") {
                options = options.password(&password);
            }
            (options, "DB_NAME")
        }
    };
    let name = options.get_database().unwrap_or("postgres");
    if !is_plain_identifier(name) {
        return Err(problem(
            var,
            format!("database name '{name}' must be 1-63 letters, digits, '_' or '-'"),
        ));
    }
    Ok(options.application_name("booking"))
}

/// Names we are willing to put into `CREATE DATABASE`.
pub fn is_plain_identifier(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn redis_url(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<String>, ConfigError> {
    match lookup("REDIS_URL") {
        // Set but empty: the operator switched caching off.
        Some(url) if url.trim().is_empty() => Ok(None),
        Some(url) => {
            let url = url.trim();
            if url.starts_with("redis://")
                || url.starts_with("rediss://")
                || url.starts_with("unix://")
            {
                Ok(Some(url.to_owned()))
            } else {
                Err(problem(
                    "REDIS_URL",
                    format!("expected a redis:// or rediss:// URL, got '{url}'"),
                ))
            }
        }
        None => Ok(Some(DEFAULT_REDIS_URL.to_owned())),
    }
}

fn jwt_config(env: &Env, app_env: AppEnv) -> Result<JwtConfig, ConfigError> {
    let algorithm = env.parsed("JWT_ALGORITHM")?.unwrap_or(JwtAlgorithm::HS256);
    let minutes: u64 = env.parsed("ACCESS_TOKEN_EXPIRE_MINUTES")?.unwrap_or(30);
    if !(1..=43_200).contains(&minutes) {
        return Err(problem(
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            format!("expected 1 to 43200 minutes (30 days), got {minutes}"),
        ));
    }
    let max_hours: u64 = env.parsed("SESSION_MAX_HOURS")?.unwrap_or(7 * 24);
    if !(1..=24 * 365).contains(&max_hours) || max_hours * 60 < minutes {
        return Err(problem(
            "SESSION_MAX_HOURS",
            format!(
                "expected 1 to 8760 hours, and no less than ACCESS_TOKEN_EXPIRE_MINUTES, got {max_hours}"
            ),
        ));
    }
    let (secret, secret_generated) = match env.get("JWT_SECRET_KEY") {
        Some(secret) => {
            if app_env.is_production() && secret.chars().count() < MIN_PRODUCTION_SECRET_CHARS {
                return Err(problem(
                    "JWT_SECRET_KEY",
                    format!(
                        "must be at least {MIN_PRODUCTION_SECRET_CHARS} characters in production"
                    ),
                ));
            }
            (Secret::new(secret), false)
        }
        None if app_env.is_production() => {
            return Err(problem(
                "JWT_SECRET_KEY",
                "is required when APP_ENV=production",
            ));
        }
        None => (Secret::new(random_hex(32)), true),
    };
    Ok(JwtConfig {
        secret,
        algorithm,
        expire: Duration::from_secs(minutes * 60),
        max_session: Duration::from_secs(max_hours * 3600),
        secret_generated,
    })
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    buffer.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn smtp_config(env: &Env) -> Result<Option<SmtpConfig>, ConfigError> {
    let Some(host) = env.get("SMTP_HOST") else {
        return Ok(None);
    };
    let port = env.port("SMTP_PORT")?.unwrap_or(587);
    let tls = env.parsed("SMTP_TLS")?.unwrap_or(match port {
        465 => SmtpTls::Tls,
        587 => SmtpTls::StartTls,
        _ => SmtpTls::None,
    });
    let user = env.get("SMTP_USER");
    let pass = env.get("SMTP_PASS").map(Secret::new);
    if user.is_some() != pass.is_some() {
        let missing = if user.is_none() {
            "SMTP_USER"
        } else {
            "SMTP_PASS"
        };
        return Err(problem(
            missing,
            "SMTP_USER and SMTP_PASS must be set together",
        ));
    }
    let from = env
        .get("SMTP_FROM")
        .or_else(|| user.clone())
        .unwrap_or_else(|| "Booking <noreply@booking.local>".into());
    if !from.contains('@') {
        return Err(problem(
            "SMTP_FROM",
            format!("not an email address: '{from}'"),
        ));
    }
    Ok(Some(SmtpConfig {
        host,
        port,
        user,
        pass,
        from,
        tls,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_serve_a_newcomer() {
        let config = load(&[]).unwrap();
        assert_eq!(config.app_env, AppEnv::Development);
        assert_eq!(config.database_name(), "booking");
        assert_eq!(config.database.get_host(), "127.0.0.1");
        assert_eq!(config.database.get_port(), 5432);
        assert_eq!(config.database.get_username(), "postgres");
        assert_eq!(config.redis_url.as_deref(), Some(DEFAULT_REDIS_URL));
        assert_eq!(config.jwt.algorithm, JwtAlgorithm::HS256);
        assert_eq!(config.jwt.expire, Duration::from_secs(30 * 60));
        assert_eq!(config.jwt.max_session, Duration::from_secs(7 * 24 * 3600));
        assert!(config.jwt.secret_generated);
        assert!(config.smtp.is_none());
        assert!(config.demo_data);
    }

    #[test]
    fn original_db_variables_build_the_connection() {
        let config = load(&[
            ("DB_HOST", "db.internal"),
            ("DB_PORT", "6543"),
            ("DB_USER", "booker"),
            ("DB_PASS", "p@ss word"),
            ("DB_NAME", "bookings_prod"),
        ])
        .unwrap();
        assert_eq!(config.database.get_host(), "db.internal");
        assert_eq!(config.database.get_port(), 6543);
        assert_eq!(config.database.get_username(), "booker");
        assert_eq!(config.database_name(), "bookings_prod");
    }

    #[test]
    fn database_url_wins_over_db_variables() {
        let config = load(&[
            ("DATABASE_URL", "postgres://u@h:5433/from_url"),
            ("DB_NAME", "ignored"),
        ])
        .unwrap();
        assert_eq!(config.database_name(), "from_url");
        assert_eq!(config.database.get_port(), 5433);
    }

    #[test]
    fn bad_port_names_the_variable() {
        let error = load(&[("DB_PORT", "abc")]).unwrap_err();
        assert_eq!(error.var, "DB_PORT");
        assert_eq!(
            error.to_string(),
            "DB_PORT: expected a port number 1-65535, got 'abc'"
        );
    }

    #[test]
    fn unsafe_database_names_are_refused() {
        let error = load(&[("DB_NAME", "x\"; DROP")]).unwrap_err();
        assert_eq!(error.var, "DB_NAME");
    }

    #[test]
    fn proxies_and_the_worker_address_parse_or_name_their_variable() {
        let config = load(&[
            ("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.0.1"),
            ("WORKER_ADDR", "0.0.0.0:3001"),
        ])
        .unwrap();
        assert!(config.trusted_proxies.trusts("10.1.2.3".parse().unwrap()));
        assert!(!config.trusted_proxies.trusts("127.0.0.1".parse().unwrap()));
        assert_eq!(config.worker_addr, Some("0.0.0.0:3001".parse().unwrap()));
        let defaults = load(&[]).unwrap();
        assert!(
            defaults
                .trusted_proxies
                .trusts("127.0.0.1".parse().unwrap())
        );
        assert_eq!(defaults.worker_addr, None);
        assert_eq!(
            load(&[("TRUSTED_PROXIES", "10.0.0.0/40")]).unwrap_err().var,
            "TRUSTED_PROXIES"
        );
        assert_eq!(
            load(&[("WORKER_ADDR", "3001")]).unwrap_err().var,
            "WORKER_ADDR"
        );
    }

    #[test]
    fn production_requires_a_jwt_secret() {
        let error = load(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(error.var, "JWT_SECRET_KEY");
    }

    #[test]
    fn production_refuses_a_short_secret() {
        let error = load(&[("APP_ENV", "production"), ("JWT_SECRET_KEY", "short")]).unwrap_err();
        assert_eq!(error.var, "JWT_SECRET_KEY");
    }

    #[test]
    fn production_never_loads_demo_data() {
        let secret = "s".repeat(40);
        let config = load(&[("APP_ENV", "production"), ("JWT_SECRET_KEY", &secret)]).unwrap();
        assert!(!config.demo_data);
        let error = load(&[
            ("APP_ENV", "production"),
            ("JWT_SECRET_KEY", &secret),
            ("DEMO_DATA", "true"),
        ])
        .unwrap_err();
        assert_eq!(error.var, "DEMO_DATA");
    }

    #[test]
    fn jwt_settings_are_parsed() {
        let config = load(&[
            ("JWT_SECRET_KEY", "dev-secret"),
            ("JWT_ALGORITHM", "hs512"),
            ("ACCESS_TOKEN_EXPIRE_MINUTES", "90"),
        ])
        .unwrap();
        assert_eq!(config.jwt.secret.expose(), "dev-secret");
        assert!(!config.jwt.secret_generated);
        assert_eq!(config.jwt.algorithm, JwtAlgorithm::HS512);
        assert_eq!(config.jwt.expire, Duration::from_secs(90 * 60));
    }

    #[test]
    fn asymmetric_jwt_algorithms_are_refused() {
        let error = load(&[("JWT_ALGORITHM", "RS256")]).unwrap_err();
        assert_eq!(error.var, "JWT_ALGORITHM");
    }

    #[test]
    fn zero_expiry_is_refused() {
        let error = load(&[("SESSION_MAX_HOURS", "0")]).unwrap_err();
        assert_eq!(error.var, "SESSION_MAX_HOURS");
        let shorter = [
            ("ACCESS_TOKEN_EXPIRE_MINUTES", "120"),
            ("SESSION_MAX_HOURS", "1"),
        ];
        assert_eq!(load(&shorter).unwrap_err().var, "SESSION_MAX_HOURS");
        let error = load(&[("ACCESS_TOKEN_EXPIRE_MINUTES", "0")]).unwrap_err();
        assert_eq!(error.var, "ACCESS_TOKEN_EXPIRE_MINUTES");
    }

    #[test]
    fn empty_redis_url_switches_caching_off() {
        assert!(load(&[("REDIS_URL", "")]).unwrap().redis_url.is_none());
        assert_eq!(
            load(&[("REDIS_URL", "http://x")]).unwrap_err().var,
            "REDIS_URL"
        );
    }

    #[test]
    fn smtp_tls_follows_the_port() {
        let config = load(&[("SMTP_HOST", "smtp.example.com"), ("SMTP_PORT", "465")]).unwrap();
        let smtp = config.smtp.unwrap();
        assert_eq!(smtp.tls, SmtpTls::Tls);
        assert_eq!(smtp.port, 465);
    }

    #[test]
    fn smtp_user_without_password_is_refused() {
        let error = load(&[("SMTP_HOST", "smtp.example.com"), ("SMTP_USER", "me")]).unwrap_err();
        assert_eq!(error.var, "SMTP_PASS");
    }

    #[test]
    fn secrets_do_not_leak_into_debug_output() {
        let config = load(&[("JWT_SECRET_KEY", "top-secret-value")]).unwrap();
        assert!(!format!("{:?}", config.jwt).contains("top-secret-value"));
    }
}
