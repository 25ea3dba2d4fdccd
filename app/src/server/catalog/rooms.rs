use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::{HotelId, Money, Room, RoomId, RoomLayout, StayDates};

/// A `rooms` row with its picture.
#[derive(sqlx::FromRow)]
struct RoomRow {
    id: RoomId,
    hotel_id: HotelId,
    name: String,
    description: Option<String>,
    name_en: Option<String>,
    description_en: Option<String>,
    price: i64,
    services: Vec<String>,
    quantity: i32,
    max_adults: i16,
    max_children: i16,
    size_m2: Option<i16>,
    double_beds: i16,
    single_beds: i16,
    image_id: Option<i32>,
    picture_digest: Option<String>,
}

impl From<RoomRow> for Room {
    fn from(row: RoomRow) -> Self {
        Room {
            id: row.id,
            hotel_id: row.hotel_id,
            name: row.name,
            description: row.description,
            name_en: row.name_en,
            description_en: row.description_en,
            price: Money::from_roubles(row.price),
            services: row.services,
            quantity: row.quantity,
            occupancy: crate::server::rates::occupancy(row.max_adults, row.max_children),
            layout: layout(row.size_m2, row.double_beds, row.single_beds),
            image_id: row.image_id,
            picture_digest: row.picture_digest,
        }
    }
}

/// The availability rule of the whole app (search, hotel page, booking, CSV import) lives in
/// the database, so every process reads the same one: `booked_nights(check_in, check_out)`
/// (migration `20261203000001_booked_nights`) counts, per room type and night of the stay, the
/// live bookings holding a room. A room type has `quantity - its busiest night` rooms left for
/// the stay. Stays are half-open: a booking ending on check-in day or starting on check-out day
/// holds none of its nights.
///
/// Live holds (`holds`, a guest's checkout in progress) count like bookings until they expire.
///
/// Per room type of the hotels `$1` that has any booking or hold then, its busiest night of
/// `[$2, $3)` and the earliest expiry of a hold counted: one index range per hotel, for a whole
/// batch of hotels. Every row carries the catalog's version read in the same snapshot (one row
/// with no room type when nothing is taken), so a reader of the catalog kept in memory learns
/// in the same round trip whether what it kept is still current. A constant, not a macro,
/// because the plan check (`explain`) runs the very same text.
pub(super) const BOOKED_COUNTS: &str = "
    SELECT v.version, c.room_id, c.booked, c.holds_expire
    FROM catalog_version v
    LEFT JOIN (
        SELECT n.room_id, max(n.booked) AS booked, min(n.holds_expire) AS holds_expire
        FROM booked_nights($2, $3) n
        WHERE n.hotel_id = ANY($1)
        GROUP BY n.room_id
    ) c ON true";

/// Rooms taken on the busiest night of a stay, per room type, and until when that holds.
#[derive(Debug, Default)]
pub struct BookedCounts {
    /// Absent: nothing taken.
    pub by_room: HashMap<RoomId, i64>,
    /// The earliest expiry of a hold counted: past it a room may be free again (`None`: until
    /// a booking or hold changes, which moves the cache's generations).
    pub until: Option<DateTime<Utc>>,
    /// The catalog's version when these were counted (`catalog_version`).
    pub catalog_version: i64,
}

/// The earlier of two optional instants (`None` is "never").
pub fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A room type's floor area and beds from its columns (which the schema keeps in bounds).
pub fn layout(size_m2: Option<i16>, double_beds: i16, single_beds: i16) -> RoomLayout {
    let beds = |n: i16| u8::try_from(n).unwrap_or(0);
    RoomLayout {
        size_m2: size_m2.and_then(|size| u16::try_from(size).ok()),
        double_beds: beds(double_beds),
        single_beds: beds(single_beds),
    }
}

/// Rooms left of a room type with `quantity` rooms and `booked` bookings on its busiest night.
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

    /// Every room type of `hotel_id` guests may book (not archived), cheapest first (availability
    /// aside).
    pub async fn for_hotel(&self, hotel_id: HotelId) -> Result<Vec<Room>, AppError> {
        let rows = sqlx::query_as!(
            RoomRow,
            r#"SELECT r.id AS "id: RoomId", r.hotel_id AS "hotel_id: HotelId", r.name,
                      r.description, r.name_en, r.description_en,
                      r.price::bigint AS "price!", r.services, r.quantity,
                      r.max_adults, r.max_children, r.size_m2, r.double_beds, r.single_beds,
                      r.image_id, rp.digest AS "picture_digest?"
               FROM rooms r
               LEFT JOIN LATERAL (
                   SELECT digest FROM pictures
                   WHERE room_id = r.id AND state = 'ready' ORDER BY position, id LIMIT 1
               ) rp ON true
               WHERE r.hotel_id = $1 AND r.archived_at IS NULL
               ORDER BY r.price, r.id"#,
            hotel_id.get(),
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(Room::from).collect())
    }

    /// The bookings and live holds on the busiest night of `stay`, for each room type of
    /// `hotel_ids` that has any.
    pub async fn booked_counts(
        &self,
        hotel_ids: &[HotelId],
        stay: StayDates,
    ) -> Result<BookedCounts, AppError> {
        // A constant shared with the plan check, so checked at run time.
        type Row = (i64, Option<RoomId>, Option<i64>, Option<DateTime<Utc>>);
        let rows: Vec<Row> = sqlx::query_as(BOOKED_COUNTS)
            .bind(hotel_ids)
            .bind(stay.check_in())
            .bind(stay.check_out())
            .fetch_all(self.pool)
            .await?;
        let catalog_version = rows.first().map_or(0, |&(version, ..)| version);
        let until = rows.iter().filter_map(|&(.., until)| until).min();
        let by_room = rows
            .into_iter()
            .filter_map(|(_, room, booked, _)| Some((room?, booked.unwrap_or(0))))
            .collect();
        Ok(BookedCounts {
            by_room,
            until,
            catalog_version,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::model::StayDates;

    const RULE: &str = include_str!("../../../../migrations/20261203000005_holds.up.sql");

    #[test]
    fn the_index_bound_follows_the_longest_stay() {
        for table in ["b", "h"] {
            let bound = format!("{table}.date_from > stay_from - {}", StayDates::MAX_NIGHTS);
            assert!(RULE.contains(&bound), "{RULE}");
        }
    }
}
