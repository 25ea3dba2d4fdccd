//! Emails to guests: the outbox (`notifications`), filled in the transaction of the change an
//! email is about (a booking, a cancellation) and by the reminder schedule, drained by the
//! worker (`server`'s jobs), with retries on a schedule of their own.
mod repo;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use self::repo::NotificationRepo;
pub use self::repo::{Claim, Notification, OutboxCounts, SettledEmail, Subject};
use crate::error::AppError;
use crate::model::BookingId;

/// Which email a notification row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    Confirmation,
    /// The dates or the room type changed.
    Change,
    Cancellation,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Confirmation => "confirmation",
            NotificationKind::Change => "change",
            NotificationKind::Cancellation => "cancellation",
        }
    }
}

/// Queues the `kind` email of booking `booking_id` inside the transaction `tx` that makes the
/// change: the change and its email exist together or not at all (at most one per kind and
/// `sequence`, the booking's change count after it: its calendar invite's SEQUENCE).
#[tracing::instrument(skip_all, fields(booking = %booking_id, kind = kind.as_str()))]
pub async fn queue(
    tx: &mut PgConnection,
    booking_id: BookingId,
    kind: NotificationKind,
    sequence: i32,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO notifications (booking_id, kind, sequence) VALUES ($1, $2, $3)
         ON CONFLICT (booking_id, kind, sequence) DO NOTHING",
        booking_id.get(),
        kind.as_str(),
        sequence,
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The first retry waits this long; each later one twice as long, up to [`MAX_RETRY_DELAY`].
const FIRST_RETRY_DELAY: i64 = 30;
const MAX_RETRY_DELAY: i64 = 30 * 60;

/// The wait after failed attempt `attempt` (1-based): 30 s, 1, 2, 4, ... minutes, capped at
/// 30 minutes.
pub fn retry_delay(attempt: i32) -> i64 {
    let doublings = attempt.clamp(1, 20) - 1;
    (FIRST_RETRY_DELAY << doublings).min(MAX_RETRY_DELAY)
}

/// When to try an email again after failed attempt `attempts` at `now`, in seconds; `None`
/// when the next try would fall after its retry period (`retry_until`: three days), so this
/// failure is the last.
pub fn next_retry(attempts: i32, retry_until: DateTime<Utc>, now: DateTime<Utc>) -> Option<i64> {
    let delay = retry_delay(attempts);
    (now + chrono::Duration::seconds(delay) <= retry_until).then_some(delay)
}

/// Claims the next due email about `subject` under a lease (see `queue`), counts the attempt
/// and reads what it says with `read`: the one claim of every kind of email. An email whose
/// subject went between the two reads (its row goes with it) is settled, and the next taken.
pub async fn claim_next_with<T, Read, Reading>(
    db: &PgPool,
    subject: Subject,
    read: Read,
) -> Result<Option<T>, AppError>
where
    Read: Fn(Claim) -> Reading,
    Reading: Future<Output = Result<Option<T>, AppError>>,
{
    let repo = NotificationRepo::new(db);
    while let Some(claim) = repo.claim(subject).await? {
        let id = claim.id;
        match read(claim).await? {
            Some(email) => return Ok(Some(email)),
            None => repo.mark_sent(id).await?,
        }
    }
    Ok(None)
}

/// Claims the next due booking email, with what it says.
#[tracing::instrument(skip_all)]
pub async fn claim_next(db: &PgPool) -> Result<Option<Notification>, AppError> {
    let repo = NotificationRepo::new(db);
    claim_next_with(db, Subject::Booking, |claim| repo.booking_email(claim)).await
}

/// Records that the email left (or was rightly skipped), so it is never sent again.
#[tracing::instrument(skip_all, fields(notification = id))]
pub async fn mark_sent(db: &PgPool, id: i64) -> Result<(), AppError> {
    NotificationRepo::new(db).mark_sent(id).await
}

/// Records a failed attempt: retried after `retry_in_secs`, or given up on when `None`.
#[tracing::instrument(skip_all, fields(notification = id, retry_in_secs))]
pub async fn mark_failed(
    db: &PgPool,
    id: i64,
    error: &str,
    retry_in_secs: Option<i64>,
) -> Result<(), AppError> {
    NotificationRepo::new(db)
        .mark_failed(id, error, retry_in_secs)
        .await
}

/// Queues the check-in reminders due on `today`; how many were added.
#[tracing::instrument(skip_all, fields(%today))]
pub async fn queue_reminders(db: &PgPool, today: NaiveDate) -> Result<u64, AppError> {
    NotificationRepo::new(db).queue_reminders(today).await
}

/// Puts emails given up on back in the queue (the ones named, or all when `ids` is empty);
/// how many. Discarded ones stay where they are.
#[tracing::instrument(skip_all, fields(named = ids.len()))]
pub async fn resend_failed(db: &PgPool, ids: &[i64]) -> Result<u64, AppError> {
    let mut tx = db.begin().await?;
    let resent = NotificationRepo::resend(&mut tx, ids).await?;
    tx.commit().await?;
    Ok(resent.len() as u64)
}

/// Puts email `id`, given up on, back in the queue within `tx`; `None` when it is not given
/// up on (any more).
pub async fn resend_one(tx: &mut PgConnection, id: i64) -> Result<Option<SettledEmail>, AppError> {
    Ok(NotificationRepo::resend(tx, &[id]).await?.pop())
}

/// Discards email `id`, given up on, within `tx`; `None` when it is not given up on (any
/// more).
pub async fn discard(tx: &mut PgConnection, id: i64) -> Result<Option<SettledEmail>, AppError> {
    NotificationRepo::discard(tx, id).await
}

/// How many emails wait and how many were given up on (`/health`).
pub async fn outbox_counts(db: &PgPool) -> Result<OutboxCounts, AppError> {
    NotificationRepo::new(db).counts().await
}
