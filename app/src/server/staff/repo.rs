use sqlx::{PgConnection, PgPool};

use crate::error::AppError;
use crate::model::back_office::{RunHotel, StaffMember};
use crate::model::{Email, HotelId, UserId};

pub struct StaffRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> StaffRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        StaffRepo { pool }
    }

    /// The hotels granted to `user_id`.
    pub async fn hotels_of(&self, user_id: UserId) -> Result<Vec<HotelId>, AppError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT hotel_id AS "hotel_id: HotelId" FROM hotel_staff WHERE user_id = $1
               ORDER BY hotel_id"#,
            user_id.get()
        )
        .fetch_all(self.pool)
        .await?)
    }

    pub async fn members(&self, hotel_id: HotelId) -> Result<Vec<StaffMember>, AppError> {
        Ok(sqlx::query_as!(
            StaffMember,
            r#"SELECT s.user_id AS "user_id: UserId", u.email, s.granted_at
               FROM hotel_staff s JOIN users u ON u.id = s.user_id
               WHERE s.hotel_id = $1 ORDER BY u.email"#,
            hotel_id.get()
        )
        .fetch_all(self.pool)
        .await?)
    }

    /// Grants the hotel; the account's id and whether the grant is new, or `None` when there
    /// is no such account. `NotFound` for a hotel that does not exist.
    pub async fn grant(
        tx: &mut PgConnection,
        hotel_id: HotelId,
        email: &Email,
        granted_by: UserId,
    ) -> Result<Option<(UserId, bool)>, AppError> {
        let row = sqlx::query!(
            r#"WITH target AS (SELECT id FROM users WHERE email = $2),
                    granted AS (
                        INSERT INTO hotel_staff (user_id, hotel_id, granted_by)
                        SELECT id, $1, $3 FROM target
                        ON CONFLICT DO NOTHING RETURNING user_id)
               SELECT t.id AS "user_id!: UserId", EXISTS (SELECT 1 FROM granted) AS "granted!"
               FROM target t"#,
            hotel_id.get(),
            email.as_str(),
            granted_by.get(),
        )
        .fetch_optional(&mut *tx)
        .await;
        match row {
            Ok(row) => Ok(row.map(|row| (row.user_id, row.granted))),
            Err(sqlx::Error::Database(error)) if error.is_foreign_key_violation() => {
                Err(AppError::NotFound)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Whether there was a grant to take.
    pub async fn revoke(
        tx: &mut PgConnection,
        hotel_id: HotelId,
        user_id: UserId,
    ) -> Result<bool, AppError> {
        let done = sqlx::query!(
            "DELETE FROM hotel_staff WHERE hotel_id = $1 AND user_id = $2",
            hotel_id.get(),
            user_id.get()
        )
        .execute(&mut *tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The hotels of `hotels` (every hotel if `None`) by name.
    pub async fn run_hotels(&self, hotels: Option<&[HotelId]>) -> Result<Vec<RunHotel>, AppError> {
        let ids: Option<Vec<i32>> = hotels.map(|ids| ids.iter().map(|id| id.get()).collect());
        let run = sqlx::query_as!(
            RunHotel,
            r#"SELECT id AS "id: HotelId", name, location, archived_at IS NOT NULL AS "archived!"
               FROM hotels WHERE $1::int[] IS NULL OR id = ANY($1)
               ORDER BY archived_at IS NOT NULL, name, id"#,
            ids.as_deref(),
        )
        .fetch_all(self.pool)
        .await?;
        Ok(run)
    }
}
