use std::sync::LazyLock;

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::{Hotel, HotelId, LocationQuery, Money, Occupancy, RoomId};
use crate::server::rates::{self, RoomRates, occupancy};

/// A `hotels` row.
#[derive(sqlx::FromRow)]
struct HotelRow {
    id: HotelId,
    name: String,
    location: String,
    services: Vec<String>,
    rooms_quantity: i32,
    image_id: Option<i32>,
    picture_digest: Option<String>,
}

impl From<HotelRow> for Hotel {
    fn from(row: HotelRow) -> Self {
        Hotel {
            id: row.id,
            name: row.name,
            location: row.location,
            services: row.services,
            rooms_quantity: row.rooms_quantity,
            image_id: row.image_id,
            picture_digest: row.picture_digest,
        }
    }
}

/// A matching hotel with its room types, as the search-candidates query returns it.
#[derive(sqlx::FromRow)]
struct CandidateRow {
    #[sqlx(flatten)]
    hotel: HotelRow,
    room_ids: Vec<RoomId>,
    room_prices: Vec<i64>,
    room_quantities: Vec<i32>,
    room_max_adults: Vec<i16>,
    room_max_children: Vec<i16>,
}

/// A room type as the search needs it: what it costs, how many rooms it has, whom it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRoom {
    pub id: RoomId,
    /// The base price a night.
    pub price: Money,
    pub quantity: i32,
    pub occupancy: Occupancy,
    pub rates: RoomRates,
}

/// A hotel that matches a search's place, with its room types cheapest first.
#[derive(Debug, Clone)]
pub struct CandidateHotel {
    pub hotel: Hotel,
    pub rooms: Vec<CandidateRoom>,
}

impl From<CandidateRow> for CandidateHotel {
    fn from(row: CandidateRow) -> Self {
        let guests = row.room_max_adults.into_iter().zip(row.room_max_children);
        let rooms = row
            .room_ids
            .into_iter()
            .zip(row.room_prices)
            .zip(row.room_quantities)
            .zip(guests)
            .map(|(((id, price), quantity), (adults, children))| {
                let price = Money::from_roubles(price);
                CandidateRoom {
                    id,
                    price,
                    quantity,
                    occupancy: occupancy(adults, children),
                    rates: RoomRates::flat(price),
                }
            })
            .collect();
        CandidateHotel {
            hotel: row.hotel.into(),
            rooms,
        }
    }
}

const HOTEL_COLUMNS: &str = "h.id, h.name, h.location, h.services, h.rooms_quantity, h.image_id,
     hp.digest AS picture_digest";
/// The hotel's main picture: the first in the staff's order whose sizes are ready (`hp`).
const HOTEL_PICTURE: &str = "LEFT JOIN LATERAL (
         SELECT digest FROM pictures
         WHERE hotel_id = h.id AND state = 'ready' ORDER BY position, id LIMIT 1
     ) hp ON true";

/// Hotels matching `$1` (a location pattern, or NULL for all) that have room types, by name,
/// each with its room types cheapest first; archived ones are not offered.
static CANDIDATES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {HOTEL_COLUMNS},
                array_agg(r.id ORDER BY r.price, r.id) AS room_ids,
                array_agg(r.price::bigint ORDER BY r.price, r.id) AS room_prices,
                array_agg(r.quantity ORDER BY r.price, r.id) AS room_quantities,
                array_agg(r.max_adults ORDER BY r.price, r.id) AS room_max_adults,
                array_agg(r.max_children ORDER BY r.price, r.id) AS room_max_children
         FROM hotels h JOIN rooms r ON r.hotel_id = h.id {HOTEL_PICTURE}
         WHERE ($1::text IS NULL OR lower(h.location) LIKE $1)
           AND h.archived_at IS NULL AND r.archived_at IS NULL
         GROUP BY h.id, hp.digest
         ORDER BY h.name, h.id"
    )
});

/// Reads and writes hotels.
pub struct HotelRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> HotelRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        HotelRepo { pool }
    }

    /// A hotel guests may see (not archived).
    pub async fn find(&self, id: HotelId) -> Result<Option<Hotel>, AppError> {
        // Assembled at run time from the hotel columns the search shares.
        static FIND: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {HOTEL_COLUMNS} FROM hotels h {HOTEL_PICTURE}
                     WHERE h.id = $1 AND h.archived_at IS NULL"
            )
        });
        let row: Option<HotelRow> = sqlx::query_as(FIND.as_str())
            .bind(id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(Hotel::from))
    }

    /// The catalog's version: it moves whenever hotels or room types change (a trigger sees to
    /// it), so anything kept from them in memory knows when to reload.
    pub async fn catalog_version(&self) -> Result<i64, AppError> {
        Ok(sqlx::query_scalar!("SELECT version FROM catalog_version")
            .fetch_one(self.pool)
            .await?)
    }

    /// Hotels whose location contains `query` (all hotels without one), by name, each with its
    /// room types and their rates on the dates `[from, to)`: what a search walks through,
    /// availability aside. Hotels without room types are left out: they never have a room free.
    pub async fn search_candidates(
        &self,
        query: Option<&LocationQuery>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CandidateHotel>, AppError> {
        let mut conn = self.pool.acquire().await?;
        // `CANDIDATES` shares the hotel columns, so it is assembled and checked at run time.
        let rows: Vec<CandidateRow> = sqlx::query_as(CANDIDATES.as_str())
            .bind(query.map(contains_pattern))
            .fetch_all(&mut *conn)
            .await?;
        let mut hotels: Vec<CandidateHotel> = rows.into_iter().map(CandidateHotel::from).collect();
        let rooms: Vec<(RoomId, Money)> = hotels
            .iter()
            .flat_map(|hotel| hotel.rooms.iter().map(|room| (room.id, room.price)))
            .collect();
        let mut rates = rates::for_rooms(&mut conn, &rooms, from, to).await?;
        for room in hotels.iter_mut().flat_map(|hotel| hotel.rooms.iter_mut()) {
            if let Some(found) = rates.remove(&room.id) {
                room.rates = found;
            }
        }
        Ok(hotels)
    }

    /// Distinct comma-separated parts of hotel locations ("Республика Алтай", "Сыктывкар") that
    /// contain `query`, case-insensitively, alphabetically.
    pub async fn suggest_locations(
        &self,
        query: &LocationQuery,
        limit: i64,
    ) -> Result<Vec<String>, AppError> {
        let pattern = contains_pattern(query);
        // The first LIKE narrows hotels through the trigram index; the second picks the parts.
        Ok(sqlx::query_scalar!(
            r#"SELECT DISTINCT btrim(part) AS "suggestion!"
               FROM hotels, unnest(string_to_array(location, ',')) AS part
               WHERE lower(location) LIKE $1 AND lower(part) LIKE $1 AND archived_at IS NULL
               ORDER BY 1
               LIMIT $2"#,
            pattern,
            limit,
        )
        .fetch_all(self.pool)
        .await?)
    }
}

/// A `LIKE` pattern matching values that contain `query` (lower-cased), with `%`, `_` and `\`
/// in the query taken literally.
pub fn contains_pattern(query: &LocationQuery) -> String {
    let mut pattern = String::with_capacity(query.as_str().len() + 2);
    pattern.push('%');
    for c in query.as_str().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_escapes_like_wildcards() {
        let query = LocationQuery::parse("50%_off\\").unwrap();
        assert_eq!(contains_pattern(&query), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn pattern_lowercases_cyrillic() {
        let query = LocationQuery::parse("АЛТАЙ").unwrap();
        assert_eq!(contains_pattern(&query), "%алтай%");
    }
}
