//! `GET /health`: is the database reachable, is the cache? 200 when the database is, 503 otherwise.
//! `GET /health/live`: the process answers (a restart is the cure when it does not).
//! `GET /health/ready`: it can serve: the database answers and has this release's migrations,
//! and a worker is taking jobs; Redis is reported, not required (the app serves without it).
//! `GET /auth/session`: does the request carry a valid session token? 204 or 401, no database.
use std::sync::Arc;
use std::time::Duration;

use app::server::accounts::session::Session;
use app::server::job_queues::{self, DueWaits};
use app::server::notifications::{self, OutboxCounts};
use app::server::{
    cache::{Cache, CacheStatus},
    config::Config,
    state::AppState,
};
use axum::{
    Extension, Json,
    extract::{FromRef, State},
    http::StatusCode,
};
use serde::Serialize;
use sqlx::PgPool;

/// What the readiness probe and `/metrics` read: a web process's state, or a standalone
/// worker's (which has no pages, sessions or pictures to serve).
#[derive(Clone)]
pub struct Probes {
    pub db: PgPool,
    pub cache: Cache,
    pub config: Arc<Config>,
}

impl FromRef<AppState> for Probes {
    fn from_ref(state: &AppState) -> Self {
        Probes {
            db: state.db.clone(),
            cache: state.cache.clone(),
            config: Arc::clone(&state.config),
        }
    }
}

const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// A job due this long (seconds) without a worker taking it means no worker is running: leases
/// and retry delays are not waiting, and a worker takes a due job within seconds.
const QUEUE_STUCK_AFTER_SECS: i64 = 300;

#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseStatus {
    Up,
    Down,
}

#[derive(Debug, Serialize)]
pub struct HealthReport {
    /// "ok" when everything answers, "degraded" when the cache is down or emails were given up
    /// on (staff resend them with `server mail resend`), "down" without the database.
    pub status: &'static str,
    pub database: DatabaseStatus,
    pub redis: CacheStatus,
    /// Emails waiting in the outbox, and emails given up on after every retry (`null` when the
    /// database does not answer).
    pub emails: Option<OutboxCounts>,
    pub version: &'static str,
}

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<HealthReport>) {
    // Counting the outbox doubles as the database ping.
    let (emails, redis) = tokio::join!(
        tokio::time::timeout(DATABASE_TIMEOUT, notifications::outbox_counts(&state.db)),
        state.cache.status()
    );
    let emails = emails.ok().and_then(Result::ok);
    let database = if emails.is_some() {
        DatabaseStatus::Up
    } else {
        DatabaseStatus::Down
    };
    let mail_given_up = emails.is_some_and(|counts| counts.failed > 0);
    let (code, status) = match (&database, redis) {
        (DatabaseStatus::Down, _) => (StatusCode::SERVICE_UNAVAILABLE, "down"),
        (DatabaseStatus::Up, CacheStatus::Down) => (StatusCode::OK, "degraded"),
        (DatabaseStatus::Up, _) if mail_given_up => (StatusCode::OK, "degraded"),
        (DatabaseStatus::Up, _) => (StatusCode::OK, "ok"),
    };
    (
        code,
        Json(HealthReport {
            status,
            database,
            redis,
            emails,
            version: env!("CARGO_PKG_VERSION"),
        }),
    )
}

/// `GET /health/live`: answers while the process serves requests; touches nothing else.
pub async fn live() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "live" }))
}

#[derive(Debug, Serialize)]
pub struct Readiness {
    /// "ready", or "not_ready" with the reasons in `problems`.
    pub status: &'static str,
    pub database: DatabaseStatus,
    /// Whether this release's migrations are applied (`null` without the database).
    pub migrated: Option<bool>,
    /// Seconds the oldest due job of each queue has waited (`null` without the database).
    pub queues: Option<DueWaits>,
    pub redis: CacheStatus,
    pub problems: Vec<&'static str>,
}

/// `GET /health/ready`: 200 when this process can serve, 503 with the reasons otherwise.
pub async fn ready(State(state): State<Probes>) -> (StatusCode, Json<Readiness>) {
    let (migrated, queues, redis) = tokio::join!(
        tokio::time::timeout(DATABASE_TIMEOUT, crate::db::migrated(&state.db)),
        tokio::time::timeout(DATABASE_TIMEOUT, job_queues::due_waits(&state.db)),
        state.cache.status()
    );
    let migrated = migrated.ok().and_then(Result::ok);
    let queues = queues.ok().and_then(Result::ok);
    let database = match (migrated, queues) {
        (Some(_), Some(_)) => DatabaseStatus::Up,
        _ => DatabaseStatus::Down,
    };
    let problems: Vec<&'static str> = [
        (
            matches!(database, DatabaseStatus::Down),
            "database unreachable",
        ),
        (migrated == Some(false), "migrations not applied"),
        (
            queues.is_some_and(|waits| waits.stuck(QUEUE_STUCK_AFTER_SECS)),
            "no worker is taking jobs",
        ),
    ]
    .into_iter()
    .filter_map(|(failed, problem)| failed.then_some(problem))
    .collect();
    let (code, status) = match problems.is_empty() {
        true => (StatusCode::OK, "ready"),
        false => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
    };
    let readiness = Readiness {
        status,
        database,
        migrated,
        queues,
        redis,
        problems,
    };
    (code, Json(readiness))
}

/// Lets a client check that its session is still valid: signed, unexpired, and not ended
/// (signed out, password changed, account disabled or deleted). 503 when that cannot be told.
pub async fn session(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> StatusCode {
    if session.token().is_none() {
        return StatusCode::UNAUTHORIZED;
    }
    match session.user(&state).await {
        Ok(Some(_)) => StatusCode::NO_CONTENT,
        Ok(None) => StatusCode::UNAUTHORIZED,
        Err(error) => {
            error.log();
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
