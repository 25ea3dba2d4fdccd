//! `GET /health`: is the database reachable, is the cache? 200 when the database is, 503 otherwise.
//! `GET /auth/session`: does the request carry a valid session token? 204 or 401, no database.
use std::time::Duration;

use app::server::auth::session::Session;
use app::server::db::notifications::{NotificationRepo, OutboxCounts};
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
    /// "ok" when everything answers, "degraded" when only the cache is down, "down" without the
    /// database.
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
    let outbox = NotificationRepo::new(&state.db);
    let (emails, redis) = tokio::join!(
        tokio::time::timeout(DATABASE_TIMEOUT, outbox.counts()),
        state.cache.status()
    );
    let emails = emails.ok().and_then(Result::ok);
    let database = if emails.is_some() {
        DatabaseStatus::Up
    } else {
        DatabaseStatus::Down
    };
    let (code, status) = match (&database, redis) {
        (DatabaseStatus::Down, _) => (StatusCode::SERVICE_UNAVAILABLE, "down"),
        (DatabaseStatus::Up, CacheStatus::Down) => (StatusCode::OK, "degraded"),
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

/// Lets a client check that its session is still valid (the token's signature and expiry only;
/// a deleted user's token is caught on the next real request).
pub async fn session(Extension(session): Extension<Session>) -> StatusCode {
    if session.has_valid_token() {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::UNAUTHORIZED
    }
}
