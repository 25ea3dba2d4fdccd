use sqlx::PgPool;

use crate::error::AppError;
use crate::model::{Room, StayDates};

/// A room type with its free count for a stay, as the availability query returns it.
#[derive(sqlx::FromRow)]
struct RoomAvailabilityRow {
    id: i32,
    hotel_id: i32,
    name: String,
    description: Option<String>,
    price: i64,
    services: Vec<String>,
    quantity: i32,
    image_id: Option<i32>,
    rooms_left: i64,
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
                price: row.price,
                services: row.services,
                quantity: row.quantity,
                image_id: row.image_id,
            },
            rooms_left: row.rooms_left,
        }
    }
}

/// Live bookings of room `r` that share a night with the stay `[$2, $3)`.
///
/// The availability rule of the whole app (search, hotel page, booking): a room type has
/// `quantity - overlapping bookings` rooms left. Stays are half-open, so a booking ending on
/// check-in day or starting on check-out day does not count. It is the original's conservative
/// rule: it never overbooks, even if two short bookings could share one room.
pub const OVERLAPPING_BOOKINGS: &str = "SELECT count(*) AS booked FROM bookings b
     WHERE b.room_id = r.id AND b.cancelled_at IS NULL AND b.date_to > $2 AND b.date_from < $3";

/// Reads room types.
pub struct RoomRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> RoomRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        RoomRepo { pool }
    }

    /// The hotel of room type `room_id`, if it exists.
    pub async fn hotel_of(&self, room_id: i32) -> Result<Option<i32>, AppError> {
        Ok(
            sqlx::query_scalar("SELECT hotel_id FROM rooms WHERE id = $1")
                .bind(room_id)
                .fetch_optional(self.pool)
                .await?,
        )
    }

    /// Every room type of `hotel_id` with its free count for `stay`, cheapest first, in one query.
    pub async fn availability(
        &self,
        hotel_id: i32,
        stay: StayDates,
    ) -> Result<Vec<RoomAvailability>, AppError> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "SELECT r.id, r.hotel_id, r.name, r.description, r.price::bigint AS price,
                        r.services, r.quantity, r.image_id,
                        greatest(r.quantity - b.booked, 0) AS rooms_left
                 FROM rooms r
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
}
