//! The account's lists (`guest_list_hotels`).
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::wishlist::GuestList;
use crate::model::{HotelId, UserId};

pub struct ListRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> ListRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        ListRepo { pool }
    }

    /// The hotels on `user`'s `list`, newest first.
    pub async fn ids(&self, user: UserId, list: GuestList) -> Result<Vec<HotelId>, AppError> {
        let ids: Vec<i32> = sqlx::query_scalar(
            "SELECT hotel_id FROM guest_list_hotels WHERE user_id = $1 AND list = $2
             ORDER BY listed_at DESC, hotel_id LIMIT $3",
        )
        .bind(user.get())
        .bind(list.as_str())
        .bind(list.cap() as i64)
        .fetch_all(self.pool)
        .await?;
        Ok(ids.into_iter().map(HotelId::from).collect())
    }

    /// Puts `hotels` (newest first; unknown ones skipped) at the top of `user`'s `list`, then
    /// drops what falls beyond the list's cap; in one transaction.
    pub async fn put(
        &self,
        user: UserId,
        list: GuestList,
        hotels: &[HotelId],
    ) -> Result<(), AppError> {
        let ids: Vec<i32> = hotels.iter().map(|id| id.get()).collect();
        let mut tx = self.pool.begin().await?;
        // Each a microsecond older than the one before it, so the given order is kept.
        sqlx::query(
            "INSERT INTO guest_list_hotels (user_id, list, hotel_id, listed_at)
             SELECT $1, $2, h.id, statement_timestamp() - wanted.n * interval '1 microsecond'
             FROM unnest($3::int[]) WITH ORDINALITY AS wanted (id, n)
             JOIN hotels h ON h.id = wanted.id
             ON CONFLICT (user_id, list, hotel_id) DO UPDATE SET listed_at = EXCLUDED.listed_at",
        )
        .bind(user.get())
        .bind(list.as_str())
        .bind(ids)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM guest_list_hotels WHERE user_id = $1 AND list = $2 AND hotel_id NOT IN (
                 SELECT hotel_id FROM guest_list_hotels WHERE user_id = $1 AND list = $2
                 ORDER BY listed_at DESC, hotel_id LIMIT $3)",
        )
        .bind(user.get())
        .bind(list.as_str())
        .bind(list.cap() as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove(
        &self,
        user: UserId,
        list: GuestList,
        hotel: HotelId,
    ) -> Result<(), AppError> {
        sqlx::query(
            "DELETE FROM guest_list_hotels WHERE user_id = $1 AND list = $2 AND hotel_id = $3",
        )
        .bind(user.get())
        .bind(list.as_str())
        .bind(hotel.get())
        .execute(self.pool)
        .await?;
        Ok(())
    }
}
