//! `GET /health`: is the database reachable, is the cache? 200 when the database is, 503 otherwise.
//! `GET /auth/session`: does the request carry a valid session token? 204 or 401, no database.
use std::time::Duration;

use app::server::accounts::session::Session;
use app::server::notifications::{self, OutboxCounts};
use app::server::{cache::CacheStatus, state::AppState};
use axum::{Extension, Json, extract::State, http::StatusCode};
use serde::Serialize;

const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

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
