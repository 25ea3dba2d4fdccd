//! The jobs page's reads: each queue's figures and the jobs given up on, from the outbox
//! (`notifications`) and `pictures`, on their partial indexes.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::error::AppError;
use crate::model::jobs::{GivenUpJob, JobQueue, QueueFigures};
use crate::model::{BookingReference, HotelId};

struct Figures {
    waiting: i64,
    retrying: i64,
    given_up: i64,
    oldest: Option<DateTime<Utc>>,
}

impl Figures {
    fn of(self, queue: JobQueue) -> QueueFigures {
        QueueFigures {
            queue,
            waiting: self.waiting,
            retrying: self.retrying,
            given_up: self.given_up,
            oldest: self.oldest,
        }
    }
}

struct GivenUpEmail {
    id: i64,
    kind: String,
    attempts: i32,
    last_error: Option<String>,
    given_up_at: DateTime<Utc>,
    booking_id: Option<i32>,
    reference: Option<BookingReference>,
    alert_hotel_id: Option<HotelId>,
    alert_hotel: Option<String>,
}

impl From<GivenUpEmail> for GivenUpJob {
    fn from(row: GivenUpEmail) -> Self {
        let (subject, link) = match (row.booking_id, row.reference, row.alert_hotel_id) {
            (Some(booking), reference, _) => (
                reference.map_or_else(|| format!("#{booking}"), |reference| reference.to_string()),
                Some(format!("/admin/bookings/{booking}")),
            ),
            (None, _, Some(hotel)) => (
                row.alert_hotel.unwrap_or_default(),
                Some(format!("/admin/hotels/{hotel}")),
            ),
            (None, _, None) => (String::new(), None),
        };
        GivenUpJob {
            queue: JobQueue::Emails,
            id: row.id,
            what: row.kind,
            subject,
            link,
            attempts: row.attempts,
            last_error: row.last_error,
            given_up_at: row.given_up_at,
        }
    }
}

struct GivenUpPicture {
    id: i32,
    hotel_id: Option<i32>,
    room_id: Option<i32>,
    owner_name: Option<String>,
    attempts: i32,
    error: Option<String>,
    given_up_at: DateTime<Utc>,
}

impl From<GivenUpPicture> for GivenUpJob {
    fn from(row: GivenUpPicture) -> Self {
        let (what, link) = match (row.hotel_id, row.room_id) {
            (Some(hotel), _) => ("hotel", Some(format!("/admin/hotels/{hotel}"))),
            (None, Some(room)) => ("room", Some(format!("/admin/rooms/{room}"))),
            (None, None) => ("", None),
        };
        GivenUpJob {
            queue: JobQueue::Pictures,
            id: row.id.into(),
            what: what.to_owned(),
            subject: row.owner_name.unwrap_or_default(),
            link,
            attempts: row.attempts,
            last_error: row.error,
            given_up_at: row.given_up_at,
        }
    }
}

/// Seconds the oldest due job of each queue has waited (`None`: nothing due).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DueWaits {
    pub emails: Option<i64>,
    pub pictures: Option<i64>,
}

impl DueWaits {
    /// Whether a job has waited longer than `limit` seconds: no worker is taking jobs.
    pub fn stuck(&self, limit: i64) -> bool {
        [self.emails, self.pictures]
            .into_iter()
            .flatten()
            .any(|waited| waited > limit)
    }
}

pub struct JobQueueRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> JobQueueRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        JobQueueRepo { pool }
    }

    /// The outbox: an email is retrying once an attempt failed (`last_error`) and it was not
    /// put back by hand since (`attempts` reset).
    pub async fn email_figures(&self) -> Result<QueueFigures, AppError> {
        let figures = sqlx::query_as!(
            Figures,
            r#"SELECT count(*) FILTER (WHERE attempts = 0 OR last_error IS NULL) AS "waiting!",
                      count(*) FILTER (WHERE attempts > 0 AND last_error IS NOT NULL)
                      AS "retrying!",
                      (SELECT count(*) FROM notifications
                       WHERE failed_at IS NOT NULL AND discarded_at IS NULL) AS "given_up!",
                      min(created_at) AS oldest
               FROM notifications WHERE sent_at IS NULL AND failed_at IS NULL"#
        )
        .fetch_one(self.pool)
        .await?;
        Ok(figures.of(JobQueue::Emails))
    }

    /// Pictures: one is retrying once an attempt failed (`error` kept while it waits).
    pub async fn picture_figures(&self) -> Result<QueueFigures, AppError> {
        let figures = sqlx::query_as!(
            Figures,
            r#"SELECT count(*) FILTER (WHERE error IS NULL) AS "waiting!",
                      count(*) FILTER (WHERE error IS NOT NULL) AS "retrying!",
                      (SELECT count(*) FROM pictures WHERE state = 'failed') AS "given_up!",
                      min(uploaded_at) AS oldest
               FROM pictures WHERE state = 'processing'"#
        )
        .fetch_one(self.pool)
        .await?;
        Ok(figures.of(JobQueue::Pictures))
    }

    /// How long the oldest job each queue could run now has been waiting for a worker, in
    /// whole seconds (`None`: nothing due). A job being worked on (leased) or waiting to be
    /// retried later is not due.
    pub async fn due_waits(&self) -> Result<DueWaits, AppError> {
        Ok(sqlx::query_as!(
            DueWaits,
            r#"SELECT (SELECT extract(epoch FROM now() - min(greatest(next_attempt_at, locked_until)))::bigint
                       FROM notifications
                       WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                         AND (locked_until IS NULL OR locked_until < now())) AS emails,
                      (SELECT extract(epoch FROM now() - min(coalesce(locked_until, uploaded_at)))::bigint
                       FROM pictures
                       WHERE state = 'processing'
                         AND (locked_until IS NULL OR locked_until < now())) AS pictures"#
        )
        .fetch_one(self.pool)
        .await?)
    }

    /// The newest `limit` emails given up on (and not discarded), with what each is about.
    pub async fn given_up_emails(&self, limit: i64) -> Result<Vec<GivenUpJob>, AppError> {
        let rows = sqlx::query_as!(
            GivenUpEmail,
            r#"SELECT n.id, n.kind, n.attempts, n.last_error, n.failed_at AS "given_up_at!",
                      n.booking_id, b.reference AS "reference?: BookingReference",
                      a.hotel_id AS "alert_hotel_id?: HotelId", h.name AS "alert_hotel?"
               FROM notifications n
               LEFT JOIN bookings b ON b.id = n.booking_id
               LEFT JOIN room_alerts a ON a.id = n.alert_id
               LEFT JOIN hotels h ON h.id = a.hotel_id
               WHERE n.failed_at IS NOT NULL AND n.discarded_at IS NULL
               ORDER BY n.failed_at DESC, n.id DESC
               LIMIT $1"#,
            limit,
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(GivenUpJob::from).collect())
    }

    /// The newest `limit` pictures given up on, with their owner's name.
    pub async fn given_up_pictures(&self, limit: i64) -> Result<Vec<GivenUpJob>, AppError> {
        let rows = sqlx::query_as!(
            GivenUpPicture,
            r#"SELECT p.id, p.hotel_id, p.room_id, coalesce(h.name, r.name) AS owner_name,
                      p.attempts, p.error,
                      coalesce(p.processed_at, p.uploaded_at) AS "given_up_at!"
               FROM pictures p
               LEFT JOIN hotels h ON h.id = p.hotel_id
               LEFT JOIN rooms r ON r.id = p.room_id
               WHERE p.state = 'failed'
               ORDER BY p.processed_at DESC NULLS LAST, p.id DESC
               LIMIT $1"#,
            limit,
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(GivenUpJob::from).collect())
    }

    /// Whether job `id` of `queue` is there at all (given up on or not).
    pub async fn exists(tx: &mut PgConnection, queue: JobQueue, id: i64) -> Result<bool, AppError> {
        let found =
            match queue {
                JobQueue::Emails => {
                    sqlx::query_scalar!(
                        r#"SELECT EXISTS (SELECT 1 FROM notifications WHERE id = $1) AS "found!""#,
                        id
                    )
                    .fetch_one(tx)
                    .await?
                }
                JobQueue::Pictures => sqlx::query_scalar!(
                    r#"SELECT EXISTS (SELECT 1 FROM pictures WHERE id::bigint = $1) AS "found!""#,
                    id
                )
                .fetch_one(tx)
                .await?,
            };
        Ok(found)
    }
}
