//! The one queue mechanism of background work. A job is a row of its own table (an email in
//! `notifications`, a picture in `pictures`, and whatever comes next) with a `locked_until`
//! lease: a worker claims one row at a time with `FOR UPDATE SKIP LOCKED`, setting the lease to
//! [`LEASE`] from now, and renews it every [`RENEW_EVERY`] while the job runs. A job that runs
//! long keeps its row; a worker that dies (`kill -9`) stops renewing, so its row is free again
//! [`LEASE`] later at most.
use std::future::Future;
use std::time::Duration;

use sqlx::PgPool;

use crate::error::AppError;

/// How long a claim holds without renewal: a crashed worker's row waits at most this long.
pub const LEASE: Duration = Duration::from_secs(20);
/// Renewals while a job runs: four chances per lease, so a slow query cannot lose it.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);

/// The tables that hold jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobTable {
    Notifications,
    Pictures,
}

/// The lease length as the claim queries take it (`make_interval(secs => ...)`).
pub fn lease_secs() -> f64 {
    LEASE.as_secs_f64()
}

/// Runs `work` for the job `id` of `table`, renewing its lease until `work` is done. A failed
/// renewal (the database away for a moment) is logged and retried at the next beat.
pub async fn hold_while<F: Future>(pool: &PgPool, table: JobTable, id: i64, work: F) -> F::Output {
    let mut work = std::pin::pin!(work);
    let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + RENEW_EVERY, RENEW_EVERY);
    loop {
        tokio::select! {
            output = &mut work => return output,
            _ = beat.tick() => {
                if let Err(error) = renew(pool, table, id).await {
                    tracing::warn!(?table, job = id, error = %error.chain(), "job lease not renewed");
                }
            }
        }
    }
}

async fn renew(pool: &PgPool, table: JobTable, id: i64) -> Result<(), AppError> {
    match table {
        JobTable::Notifications => {
            sqlx::query!(
                "UPDATE notifications SET locked_until = now() + make_interval(secs => $2)
                 WHERE id = $1 AND locked_until IS NOT NULL",
                id,
                lease_secs(),
            )
            .execute(pool)
            .await?
        }
        JobTable::Pictures => {
            let id =
                i32::try_from(id).map_err(|error| AppError::internal("a picture id", error))?;
            sqlx::query!(
                "UPDATE pictures SET locked_until = now() + make_interval(secs => $2)
                 WHERE id = $1 AND locked_until IS NOT NULL",
                id,
                lease_secs(),
            )
            .execute(pool)
            .await?
        }
    };
    Ok(())
}
