//! The log of cache invalidations (`cache_invalidations`, filled by triggers on bookings and
//! the catalog's tables): taken in batches by whichever process delivers them to Redis.
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, Transaction};

use crate::error::AppError;
use crate::model::HotelId;

/// What became stale: one hotel's availability over `[date_from, date_to)`, or (no hotel)
/// the whole catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Invalidation {
    pub hotel_id: Option<HotelId>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

/// A batch taken out of the log; it is gone for good only when [`Batch::delivered`] commits,
/// and goes back (for another process or the next try) when dropped.
pub struct Batch {
    tx: Transaction<'static, Postgres>,
    pub items: Vec<Invalidation>,
}

impl Batch {
    pub async fn delivered(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// The transactions whose invalidations this process delivered itself, waiting for their log
/// rows to be dropped in one statement by the next housekeeping round rather than by one
/// statement (and one commit) per booking. Until then the relay may deliver them again, which is
/// harmless (a second bump).
#[derive(Debug, Clone, Default)]
pub struct Delivered(Arc<Mutex<Vec<i64>>>);

/// Beyond this many waiting origins (the database unreachable for long), more are left to the
/// relay instead of growing without bound.
const DELIVERED_CAP: usize = 100_000;

impl Delivered {
    pub fn push(&self, origin_tx: i64) {
        let mut waiting = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if waiting.len() < DELIVERED_CAP {
            waiting.push(origin_tx);
        }
    }

    /// Everything waiting, leaving none.
    pub fn take(&self) -> Vec<i64> {
        let mut waiting = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut *waiting)
    }
}

pub struct InvalidationRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> InvalidationRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        InvalidationRepo { pool }
    }

    /// Takes up to `limit` rows, oldest first, skipping rows another process holds.
    pub async fn take(&self, limit: i64) -> Result<Batch, AppError> {
        let mut tx = self.pool.begin().await?;
        let items = sqlx::query_as!(
            Invalidation,
            r#"DELETE FROM cache_invalidations WHERE id IN (
                   SELECT id FROM cache_invalidations ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
               )
               RETURNING hotel_id AS "hotel_id: HotelId", date_from, date_to"#,
            limit,
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok(Batch { tx, items })
    }

    /// Deletes the rows logged by the transactions `origin_txs` (delivered by this process).
    /// Rows the relay holds are skipped: it delivers them itself.
    pub async fn forget_origins(&self, origin_txs: &[i64]) -> Result<u64, AppError> {
        let done = sqlx::query!(
            "DELETE FROM cache_invalidations WHERE id IN (
                 SELECT id FROM cache_invalidations WHERE origin_tx = ANY($1)
                 FOR UPDATE SKIP LOCKED
             )",
            origin_txs,
        )
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Deletes rows older than `max_age_secs`: every cache entry they were meant to hide has
    /// expired by then, so they are moot (this also bounds the table while Redis is off).
    pub async fn purge_older_than(&self, max_age_secs: u64) -> Result<u64, AppError> {
        let done = sqlx::query!(
            "DELETE FROM cache_invalidations
             WHERE created_at < now() - make_interval(secs => $1)",
            max_age_secs as f64,
        )
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
