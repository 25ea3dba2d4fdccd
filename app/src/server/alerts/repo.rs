//! Subscriptions to freed rooms, and their emails in the outbox.
use chrono::{DateTime, NaiveDate, Utc};
use leptos_i18n::Locale as _;
use sqlx::PgPool;

use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{HotelId, Party, RoomId, StayDates, UserId, localized};
use crate::server::notifications::Claim;

/// An open subscription, as the check groups them.
pub struct OpenAlert {
    pub id: i64,
    pub hotel_id: HotelId,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub party: Party,
}

/// A "a room is free" email the worker has claimed, with everything it says.
#[derive(Debug, Clone)]
pub struct AlertNotification {
    /// The outbox row.
    pub id: i64,
    pub attempts: i32,
    pub retry_until: DateTime<Utc>,
    pub email: String,
    pub locale: String,
    /// The hotel's and room type's names in the subscriber's language.
    pub hotel_name: String,
    pub room_id: Option<RoomId>,
    pub room_name: Option<String>,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub adults: i16,
    pub children: i16,
}

pub struct AlertRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> AlertRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        AlertRepo { pool }
    }

    /// Adds the subscription; the same one again after it was announced starts it anew.
    pub async fn subscribe(
        &self,
        user_id: UserId,
        hotel_id: HotelId,
        stay: StayDates,
        party: Party,
        locale: Locale,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "INSERT INTO room_alerts (user_id, hotel_id, date_from, date_to, adults, children, locale)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (user_id, hotel_id, date_from, date_to, adults, children) DO UPDATE
             SET locale = EXCLUDED.locale, created_at = now(), notified_at = NULL, room_id = NULL
             WHERE room_alerts.notified_at IS NOT NULL",
            user_id.get(),
            hotel_id.get(),
            stay.check_in(),
            stay.check_out(),
            i16::from(party.adults),
            i16::from(party.children),
            locale.as_str(),
        )
        .execute(self.pool)
        .await
        .map_err(|error| match &error {
            // The hotel is gone meanwhile.
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => AppError::NotFound,
            _ => error.into(),
        })?;
        Ok(())
    }

    /// Ends the subscriptions whose check-in is before `today`.
    pub async fn end_past(&self, today: NaiveDate) -> Result<u64, AppError> {
        let done = sqlx::query!("DELETE FROM room_alerts WHERE date_from < $1", today)
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// The subscriptions not announced yet (check-in from `today` on).
    pub async fn open(&self, today: NaiveDate) -> Result<Vec<OpenAlert>, AppError> {
        let rows = sqlx::query!(
            r#"SELECT id, hotel_id AS "hotel_id: HotelId", date_from, date_to, adults, children
               FROM room_alerts WHERE notified_at IS NULL AND date_from >= $1"#,
            today,
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let party = Party {
                    adults: u8::try_from(row.adults).ok()?,
                    children: u8::try_from(row.children).ok()?,
                };
                Some(OpenAlert {
                    id: row.id,
                    hotel_id: row.hotel_id,
                    date_from: row.date_from,
                    date_to: row.date_to,
                    party,
                })
            })
            .collect())
    }

    /// Marks the subscriptions `ids` announced with room type `room_id` and queues their emails,
    /// in one statement: only the ones still open are taken (a concurrent check takes each
    /// at most once), and each gets at most one email (`notifications_alert_key`).
    pub async fn announce(&self, ids: &[i64], room_id: RoomId) -> Result<u64, AppError> {
        let done = sqlx::query!(
            "WITH announced AS (
                 UPDATE room_alerts SET notified_at = now(), room_id = $2
                 WHERE id = ANY($1) AND notified_at IS NULL
                 RETURNING id
             )
             INSERT INTO notifications (alert_id, kind)
             SELECT id, 'room_free' FROM announced
             ON CONFLICT (alert_id) WHERE alert_id IS NOT NULL DO NOTHING",
            ids,
            room_id.get(),
        )
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The "a room is free" email `claim` stands for, with what it says; `None` when the
    /// subscription is gone.
    pub async fn alert_email(&self, claim: Claim) -> Result<Option<AlertNotification>, AppError> {
        let row = sqlx::query!(
            r#"SELECT u.email, a.locale, h.name AS hotel_name, h.name_en AS hotel_name_en,
                      a.room_id AS "room_id: RoomId", r.name AS "room_name?",
                      r.name_en AS "room_name_en?",
                      a.date_from, a.date_to, a.adults, a.children
               FROM room_alerts a
               JOIN users u ON u.id = a.user_id
               JOIN hotels h ON h.id = a.hotel_id
               LEFT JOIN rooms r ON r.id = a.room_id
               WHERE a.id = $1"#,
            claim.subject_id,
        )
        .fetch_optional(self.pool)
        .await?;
        Ok(row.map(|row| {
            let locale: Locale = row.locale.parse().unwrap_or_default();
            let room_name = row
                .room_name
                .as_deref()
                .map(|own| localized(locale, own, row.room_name_en.as_deref()).to_owned());
            AlertNotification {
                id: claim.id,
                attempts: claim.attempts,
                retry_until: claim.retry_until,
                email: row.email,
                hotel_name: localized(locale, &row.hotel_name, row.hotel_name_en.as_deref())
                    .to_owned(),
                locale: row.locale,
                room_id: row.room_id,
                room_name,
                date_from: row.date_from,
                date_to: row.date_to,
                adults: row.adults,
                children: row.children,
            }
        }))
    }
}
