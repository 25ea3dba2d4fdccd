//! The email outbox: rows written with booking changes (and by the reminder schedule), claimed
//! and marked by the worker.
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{BookingId, BookingReference, HotelId, Money, localized};
use crate::server::queue::lease_secs;

/// A notification the worker has claimed, with everything its email says.
#[derive(Debug, Clone)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub attempts: i32,
    /// Past this, a failed attempt is the last one.
    pub retry_until: DateTime<Utc>,
    pub booking_id: BookingId,
    pub reference: BookingReference,
    pub guest_name: Option<String>,
    pub guest_request: Option<String>,
    pub email: String,
    pub hotel_name: String,
    pub hotel_location: String,
    pub room_name: String,
    /// The English names, for an email in English (see [`crate::model::localized`]).
    pub hotel_name_en: Option<String>,
    pub room_name_en: Option<String>,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub total_days: i32,
    pub total_cost: Money,
    pub cancelled: bool,
    /// The booking's change count when this was queued: the invite's SEQUENCE.
    pub sequence: i32,
    /// Its change count now: a reminder queued before a change is about other dates.
    pub current_sequence: i32,
    /// The guest's language when they booked.
    pub locale: String,
    /// The hotel's check-in and check-out moments (its time, its zone): the invite's span,
    /// and the manage link's end.
    pub check_in_at: DateTime<Utc>,
    pub check_out_at: DateTime<Utc>,
    /// The cancellation terms, as a moment and on the hotel's clock (none: non-refundable).
    pub free_cancellation_until: Option<DateTime<Utc>>,
    pub free_cancellation_local: Option<chrono::NaiveDateTime>,
    /// Why the hotel cancelled it, when staff did.
    pub cancel_reason: Option<String>,
}

impl Notification {
    /// The guest's language when they booked (Russian for anything else).
    pub fn guest_locale(&self) -> Locale {
        self.locale.parse().unwrap_or_default()
    }

    /// The hotel's name in the guest's language.
    pub fn hotel_name_read(&self) -> &str {
        localized(
            self.guest_locale(),
            &self.hotel_name,
            self.hotel_name_en.as_deref(),
        )
    }

    /// The room type's name in the guest's language.
    pub fn room_name_read(&self) -> &str {
        localized(
            self.guest_locale(),
            &self.room_name,
            self.room_name_en.as_deref(),
        )
    }
}

/// What an email is about: which column of the outbox names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Booking,
    Alert,
    PasswordReset,
}

impl Subject {
    fn as_str(self) -> &'static str {
        match self {
            Subject::Booking => "booking",
            Subject::Alert => "alert",
            Subject::PasswordReset => "password_reset",
        }
    }
}

/// An outbox row a worker has claimed: what recording its outcome needs, and the id of what
/// it is about (a booking, an alert, a password reset).
#[derive(Debug, Clone)]
pub struct Claim {
    pub id: i64,
    pub kind: String,
    pub attempts: i32,
    /// Past this, a failed attempt is the last one.
    pub retry_until: DateTime<Utc>,
    /// A booking email's change count when it was queued.
    pub sequence: i32,
    pub subject_id: i64,
}

/// A booking as its email tells it.
struct BookingEmailRow {
    booking_id: BookingId,
    reference: BookingReference,
    guest_name: Option<String>,
    guest_request: Option<String>,
    email: String,
    hotel_name: String,
    hotel_location: String,
    room_name: String,
    hotel_name_en: Option<String>,
    room_name_en: Option<String>,
    date_from: NaiveDate,
    date_to: NaiveDate,
    total_days: i32,
    total_cost: Money,
    cancelled: bool,
    current_sequence: i32,
    locale: String,
    check_in_at: DateTime<Utc>,
    check_out_at: DateTime<Utc>,
    free_cancellation_until: Option<DateTime<Utc>>,
    free_cancellation_local: Option<chrono::NaiveDateTime>,
    cancel_reason: Option<String>,
}

impl BookingEmailRow {
    fn with(self, claim: Claim) -> Notification {
        Notification {
            id: claim.id,
            kind: claim.kind,
            attempts: claim.attempts,
            retry_until: claim.retry_until,
            sequence: claim.sequence,
            booking_id: self.booking_id,
            reference: self.reference,
            guest_name: self.guest_name,
            guest_request: self.guest_request,
            email: self.email,
            hotel_name: self.hotel_name,
            hotel_location: self.hotel_location,
            room_name: self.room_name,
            hotel_name_en: self.hotel_name_en,
            room_name_en: self.room_name_en,
            date_from: self.date_from,
            date_to: self.date_to,
            total_days: self.total_days,
            total_cost: self.total_cost,
            cancelled: self.cancelled,
            current_sequence: self.current_sequence,
            locale: self.locale,
            check_in_at: self.check_in_at,
            check_out_at: self.check_out_at,
            free_cancellation_until: self.free_cancellation_until,
            free_cancellation_local: self.free_cancellation_local,
            cancel_reason: self.cancel_reason,
        }
    }
}

/// An email given up on that was put back in the queue or discarded, as it was before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledEmail {
    pub id: i64,
    pub kind: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// The hotel of its booking or alert: whose staff may read the audit entry.
    pub hotel_id: Option<HotelId>,
}

/// How many emails wait and how many were given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    pub pending: i64,
    pub failed: i64,
}

pub struct NotificationRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> NotificationRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        NotificationRepo { pool }
    }

    /// Claims the next due email about `subject` under a lease (see `queue`: other workers
    /// skip it until the lease ends) and counts the attempt. The one claim of every kind of
    /// email; each kind then reads what its email says by the subject's id.
    pub async fn claim(&self, subject: Subject) -> Result<Option<Claim>, AppError> {
        Ok(sqlx::query_as!(
            Claim,
            r#"UPDATE notifications SET
                   locked_until = now() + make_interval(secs => $1),
                   attempts = attempts + 1
               WHERE id = (
                   SELECT id FROM notifications
                   WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                     AND (locked_until IS NULL OR locked_until < now())
                     AND CASE $2::text WHEN 'booking' THEN booking_id IS NOT NULL
                                       WHEN 'alert' THEN alert_id IS NOT NULL
                                       ELSE password_reset_id IS NOT NULL END
                   ORDER BY next_attempt_at
                   LIMIT 1
                   FOR UPDATE SKIP LOCKED
               )
               RETURNING id, kind, attempts, retry_until, sequence,
                         coalesce(booking_id::bigint, alert_id, password_reset_id) AS "subject_id!""#,
            lease_secs(),
            subject.as_str(),
        )
        .fetch_optional(self.pool)
        .await?)
    }

    /// The booking email `claim` stands for, with the booking, room, hotel and guest it names;
    /// `None` when the booking is gone.
    pub async fn booking_email(&self, claim: Claim) -> Result<Option<Notification>, AppError> {
        let Some(row) = sqlx::query_as!(
            BookingEmailRow,
            r#"SELECT b.id AS "booking_id: BookingId",
                      b.reference AS "reference: BookingReference",
                      b.guest_name, b.guest_request,
                      u.email, h.name AS hotel_name, h.location AS hotel_location,
                      r.name AS room_name, h.name_en AS hotel_name_en,
                      r.name_en AS room_name_en, b.date_from, b.date_to, b.total_days AS "total_days!",
                      b.total_cost * 100 AS "total_cost!: Money",
                      b.cancelled_at IS NOT NULL AS "cancelled!",
                      b.sequence AS current_sequence, b.locale,
                      (b.date_from + h.check_in_time) AT TIME ZONE h.time_zone AS "check_in_at!",
                      (b.date_to + h.check_out_time) AT TIME ZONE h.time_zone AS "check_out_at!",
                      b.free_cancellation_until,
                      b.free_cancellation_until AT TIME ZONE h.time_zone AS free_cancellation_local,
                      b.cancel_reason
               FROM bookings b
               JOIN users u ON u.id = b.user_id
               JOIN rooms r ON r.id = b.room_id
               JOIN hotels h ON h.id = r.hotel_id
               WHERE b.id = $1::bigint"#,
            claim.subject_id,
        )
        .fetch_optional(self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(row.with(claim)))
    }

    /// Puts emails given up on (and not discarded) back in the queue, with a fresh three days
    /// of retries: the ones named, or every one when `ids` is empty. Returns them.
    pub async fn resend(tx: &mut PgConnection, ids: &[i64]) -> Result<Vec<SettledEmail>, AppError> {
        Ok(sqlx::query_as!(
            SettledEmail,
            r#"WITH resent AS (
                 UPDATE notifications SET failed_at = NULL, attempts = 0, next_attempt_at = now(),
                     retry_until = now() + interval '3 days', locked_until = NULL
                 WHERE failed_at IS NOT NULL AND discarded_at IS NULL
                   AND (cardinality($1::bigint[]) = 0 OR id = ANY($1))
                 RETURNING id, kind, attempts, last_error, booking_id, alert_id
             )
             SELECT r.id AS "id!", r.kind AS "kind!", r.attempts AS "attempts!", r.last_error,
                    coalesce(b.hotel_id, a.hotel_id) AS "hotel_id: HotelId"
             FROM resent r
             LEFT JOIN bookings b ON b.id = r.booking_id
             LEFT JOIN room_alerts a ON a.id = r.alert_id"#,
            ids,
        )
        .fetch_all(tx)
        .await?)
    }

    /// Takes email `id`, given up on, out of the given-up list for good (it stays unsent).
    pub async fn discard(tx: &mut PgConnection, id: i64) -> Result<Option<SettledEmail>, AppError> {
        Ok(sqlx::query_as!(
            SettledEmail,
            r#"WITH discarded AS (
                 UPDATE notifications SET discarded_at = now()
                 WHERE id = $1 AND failed_at IS NOT NULL AND discarded_at IS NULL
                 RETURNING id, kind, attempts, last_error, booking_id, alert_id
             )
             SELECT d.id AS "id!", d.kind AS "kind!", d.attempts AS "attempts!", d.last_error,
                    coalesce(b.hotel_id, a.hotel_id) AS "hotel_id: HotelId"
             FROM discarded d
             LEFT JOIN bookings b ON b.id = d.booking_id
             LEFT JOIN room_alerts a ON a.id = d.alert_id"#,
            id,
        )
        .fetch_optional(tx)
        .await?)
    }

    /// Records that the email left (or was rightly skipped), so it is never sent again.
    pub async fn mark_sent(&self, id: i64) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE notifications SET sent_at = now(), locked_until = NULL WHERE id = $1",
            id,
        )
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retried after `retry_in_secs`, or given up on when `None`.
    /// (The email stays unsent either way: a resend puts it back.)
    pub async fn mark_failed(
        &self,
        id: i64,
        error: &str,
        retry_in_secs: Option<i64>,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE notifications SET locked_until = NULL, last_error = $2,
                 next_attempt_at = now() + make_interval(secs => coalesce($3::float8, 0)),
                 failed_at = CASE WHEN $3::float8 IS NULL THEN now() END
             WHERE id = $1",
            id,
            error,
            retry_in_secs.map(|secs| secs as f64),
        )
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Queues the reminders due on `today`: 3 days and 1 day before check-in, for live bookings.
    /// Idempotent: each reminder exists at most once per booking and change (a booking moved
    /// to other dates is reminded of the new ones). Returns how many were added.
    pub async fn queue_reminders(&self, today: NaiveDate) -> Result<u64, AppError> {
        let done = sqlx::query!(
            "INSERT INTO notifications (booking_id, kind, sequence)
             SELECT id, CASE WHEN date_from = $1::date + 1 THEN 'reminder_1_day'
                             ELSE 'reminder_3_days' END, sequence
             FROM bookings
             WHERE cancelled_at IS NULL AND date_from IN ($1::date + 1, $1::date + 3)
             ON CONFLICT (booking_id, kind, sequence) DO NOTHING",
            today,
        )
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn counts(&self) -> Result<OutboxCounts, AppError> {
        // Each count reads a partial index, not the (growing) table of sent emails.
        Ok(sqlx::query_as!(
            OutboxCounts,
            r#"SELECT (SELECT count(*) FROM notifications
                       WHERE sent_at IS NULL AND failed_at IS NULL) AS "pending!",
                      (SELECT count(*) FROM notifications
                       WHERE failed_at IS NOT NULL AND discarded_at IS NULL) AS "failed!""#
        )
        .fetch_one(self.pool)
        .await?)
    }
}
