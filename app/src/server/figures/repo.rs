use chrono::NaiveDate;
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::figures::MonthFigures;
use crate::model::{HotelId, Money};

pub struct FiguresRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> FiguresRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        FiguresRepo { pool }
    }

    pub async fn hotel_name(&self, hotel_id: HotelId) -> Result<Option<String>, AppError> {
        Ok(
            sqlx::query_scalar!("SELECT name FROM hotels WHERE id = $1", hotel_id.get())
                .fetch_optional(self.pool)
                .await?,
        )
    }

    /// Every month of `[first, next)` (first days of months), as `model::figures` defines
    /// them: nights sold and their revenue from the bookings' stored nightly prices, rooms on
    /// sale now times the month's days, bookings made and cancelled by the hotel's clock.
    pub async fn months(
        &self,
        hotel_id: HotelId,
        first: NaiveDate,
        next: NaiveDate,
    ) -> Result<Vec<MonthFigures>, AppError> {
        let rows = sqlx::query!(
            r#"WITH months AS (
                   SELECT m::date AS month, ((m + interval '1 month')::date - m::date) AS days
                   FROM generate_series($2::date, $3::date - 1, interval '1 month') m),
               hotel AS (SELECT time_zone FROM hotels WHERE id = $1),
               on_sale AS (
                   SELECT coalesce(sum(quantity), 0)::bigint AS rooms
                   FROM rooms WHERE hotel_id = $1 AND archived_at IS NULL),
               nights AS (
                   SELECT date_trunc('month', n.night)::date AS month, count(*) AS sold,
                          sum(b.night_prices[n.night::date - b.date_from + 1])::bigint AS revenue
                   FROM bookings b
                   CROSS JOIN LATERAL generate_series(greatest(b.date_from, $2)::timestamp,
                                                      (least(b.date_to, $3) - 1)::timestamp,
                                                      interval '1 day') AS n(night)
                   WHERE b.hotel_id = $1 AND b.cancelled_at IS NULL
                     AND b.date_from < $3 AND b.date_to > $2
                   GROUP BY 1),
               -- A booking counts in the month it was made and, if cancelled, in the
               -- month it was cancelled (both by the hotel's clock).
               events AS (
                   SELECT date_trunc('month', e.at AT TIME ZONE hotel.time_zone)::date AS month,
                          count(*) FILTER (WHERE e.made) AS bookings,
                          count(*) FILTER (WHERE NOT e.made) AS cancellations
                   FROM bookings b CROSS JOIN hotel
                   CROSS JOIN LATERAL (VALUES (true, b.created_at), (false, b.cancelled_at))
                       AS e(made, at)
                   WHERE b.hotel_id = $1
                     AND e.at >= $2::timestamp AT TIME ZONE hotel.time_zone
                     AND e.at < $3::timestamp AT TIME ZONE hotel.time_zone
                   GROUP BY 1)
               SELECT m.month AS "month!", (on_sale.rooms * m.days) AS "available!",
                      coalesce(n.sold, 0) AS "sold!", coalesce(n.revenue, 0) AS "revenue!",
                      coalesce(e.bookings, 0) AS "bookings!",
                      coalesce(e.cancellations, 0) AS "cancellations!"
               FROM months m CROSS JOIN on_sale
               LEFT JOIN nights n ON n.month = m.month
               LEFT JOIN events e ON e.month = m.month
               ORDER BY m.month"#,
            hotel_id.get(),
            first,
            next,
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| MonthFigures {
                month: row.month,
                available: row.available,
                sold: row.sold,
                revenue: Money::from_roubles(row.revenue),
                bookings: row.bookings,
                cancellations: row.cancellations,
            })
            .collect())
    }
}
