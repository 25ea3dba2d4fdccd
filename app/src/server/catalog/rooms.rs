use std::collections::HashMap;
use std::sync::LazyLock;

use sqlx::PgPool;

use crate::error::AppError;
use crate::model::{HotelId, Money, Room, RoomId, StayDates};

/// A room type with its free count for a stay, as the availability query returns it.
#[derive(sqlx::FromRow)]
struct RoomAvailabilityRow {
    id: RoomId,
    hotel_id: HotelId,
    name: String,
    description: Option<String>,
    price: i64,
    services: Vec<String>,
    quantity: i32,
    image_id: Option<i32>,
    picture_digest: Option<String>,
    booked: i64,
}

/// A room type and how many of it are free for a stay.
pub struct RoomAvailability {
    pub room: Room,
    pub rooms_left: i64,
}

impl From<RoomAvailabilityRow> for RoomAvailability {
    fn from(row: RoomAvailabilityRow) -> Self {
        RoomAvailability {
            room: Room {
                id: row.id,
                hotel_id: row.hotel_id,
                name: row.name,
                description: row.description,
                price: Money::from_roubles(row.price),
                services: row.services,
                quantity: row.quantity,
                image_id: row.image_id,
                picture_digest: row.picture_digest,
            },
            rooms_left: rooms_left(row.quantity, row.booked),
        }
    }
}

/// The availability rule of the whole app (search, hotel page, booking): a room type has
/// `quantity - overlapping bookings` rooms left. A booking overlaps the stay `[$2, $3)` when it
/// is live and shares a night with it. Stays are half-open, so a booking ending on check-in day
/// or starting on check-out day does not count. It is the original's conservative rule: it
/// never overbooks, even if two short bookings could share one room.
macro_rules! overlaps_stay {
    () => {
        overlaps_stay!("$2", "$3")
    };
    // The same rule for a stay `[from, to)` given as SQL expressions.
    ($from:literal, $to:literal) => {
        concat!(
            "b.cancelled_at IS NULL AND b.date_to > ",
            $from,
            " AND b.date_from < ",
            $to
        )
    };
}
pub(crate) use overlaps_stay;

/// Live bookings of room `r` that share a night with the stay `[$2, $3)`.
pub const OVERLAPPING_BOOKINGS: &str = concat!(
    "SELECT count(*) AS booked FROM bookings b WHERE b.room_id = r.id AND ",
    overlaps_stay!()
);

/// Per room type of the hotels `$1` that has any, the live bookings sharing a night with
/// `[$2, $3)`: one index range per hotel, for a whole batch of hotels. A booking lasts at most
/// 30 nights (`StayDates::MAX_NIGHTS`, a CHECK in the database), so one that overlaps starts
/// less than 30 days before check-in: that bounds the range.
pub(super) const BOOKED_COUNTS: &str = concat!(
    "SELECT b.room_id, count(*) AS booked FROM bookings b WHERE b.hotel_id = ANY($1) AND ",
    overlaps_stay!(),
    " AND b.date_from > $2 - 30 GROUP BY b.room_id"
);

/// Rooms left of a room type with `quantity` rooms and `booked` overlapping bookings.
pub fn rooms_left(quantity: i32, booked: i64) -> i64 {
    (i64::from(quantity) - booked).max(0)
}

/// Reads room types.
pub struct RoomRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> RoomRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        RoomRepo { pool }
    }

    /// The hotel of room type `room_id`, if it exists.
    pub async fn hotel_of(&self, room_id: RoomId) -> Result<Option<HotelId>, AppError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT hotel_id AS "hotel_id: HotelId" FROM rooms WHERE id = $1"#,
            room_id.get()
        )
        .fetch_optional(self.pool)
        .await?)
    }

    /// Every room type of `hotel_id`, cheapest first (availability aside).
    pub async fn for_hotel(&self, hotel_id: HotelId) -> Result<Vec<Room>, AppError> {
        let rows = sqlx::query_as!(
            RoomAvailabilityRow,
            r#"SELECT r.id AS "id: RoomId", r.hotel_id AS "hotel_id: HotelId", r.name,
                      r.description, r.price::bigint AS "price!", r.services, r.quantity,
                      r.image_id, rp.digest AS "picture_digest?", 0::bigint AS "booked!"
               FROM rooms r
               LEFT JOIN pictures rp ON rp.room_id = r.id AND rp.state = 'ready'
               WHERE r.hotel_id = $1
               ORDER BY r.price, r.id"#,
            hotel_id.get(),
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| RoomAvailability::from(row).room)
            .collect())
    }

    /// Every room type of `hotel_id` with its free count for `stay`, cheapest first, in one query.
    pub async fn availability(
        &self,
        hotel_id: HotelId,
        stay: StayDates,
    ) -> Result<Vec<RoomAvailability>, AppError> {
        // Built once at run time from the one availability rule (`OVERLAPPING_BOOKINGS`).
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT r.id, r.hotel_id, r.name, r.description, r.price::bigint AS price,
                        r.services, r.quantity, r.image_id, rp.digest AS picture_digest,
                        b.booked
                 FROM rooms r
                 LEFT JOIN pictures rp ON rp.room_id = r.id AND rp.state = 'ready'
                 CROSS JOIN LATERAL ({OVERLAPPING_BOOKINGS}) b
                 WHERE r.hotel_id = $1
                 ORDER BY r.price, r.id"
            )
        });
        let rows: Vec<RoomAvailabilityRow> = sqlx::query_as(SQL.as_str())
            .bind(hotel_id)
            .bind(stay.check_in())
            .bind(stay.check_out())
            .fetch_all(self.pool)
            .await?;
        Ok(rows.into_iter().map(RoomAvailability::from).collect())
    }

    /// How many live bookings overlap `stay`, for each room type of `hotel_ids` that has any.
    pub async fn booked_counts(
        &self,
        hotel_ids: &[HotelId],
        stay: StayDates,
    ) -> Result<HashMap<RoomId, i64>, AppError> {
        // `BOOKED_COUNTS` is assembled from the availability rule, so checked at run time.
        let rows: Vec<(RoomId, i64)> = sqlx::query_as(BOOKED_COUNTS)
            .bind(hotel_ids)
            .bind(stay.check_in())
            .bind(stay.check_out())
            .fetch_all(self.pool)
            .await?;
        Ok(rows.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_bound_follows_the_longest_stay() {
        let bound = format!("b.date_from > $2 - {}", crate::model::StayDates::MAX_NIGHTS);
        assert!(BOOKED_COUNTS.contains(&bound), "{BOOKED_COUNTS}");
    }
}
