use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveTime};
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::{Hotel, HotelId, LocationQuery, Money, Occupancy, RoomId};
use crate::server::rates::{self, RoomRates, occupancy};

/// A hotel's hours and pictures, for its page (see [`HotelRepo::about`]).
#[derive(Debug)]
pub struct HotelAbout {
    /// Rooms are ready from then on arrival day, on the hotel's clock.
    pub check_in_time: NaiveTime,
    /// Rooms are left by then on departure day.
    pub check_out_time: NaiveTime,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub gallery: Vec<String>,
}

/// A `hotels` row.
#[derive(sqlx::FromRow)]
struct HotelRow {
    id: HotelId,
    name: String,
    name_en: Option<String>,
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
            name_en: row.name_en,
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

const HOTEL_COLUMNS: &str =
    "h.id, h.name, h.name_en, h.location, h.services, h.rooms_quantity, h.image_id,
     hp.digest AS picture_digest";
/// The hotel's main picture: the first in the staff's order whose sizes are ready (`hp`).
const HOTEL_PICTURE: &str = "LEFT JOIN LATERAL (
         SELECT digest FROM pictures
         WHERE hotel_id = h.id AND state = 'ready' ORDER BY position, id LIMIT 1
     ) hp ON true";

/// Hotels whose location contains the place `$1` as typed (NULL: every hotel), compared by
/// `place_key` (see the `place_search` migration: case, ё/е, й/и and Latin or Cyrillic
/// letters do not matter).
const PLACE_CONTAINED: &str =
    "($1::text IS NULL OR (place_key($1) <> '' AND h.place_key LIKE '%' || place_key($1) || '%'))";

/// Hotels whose location is closest to the place `$1` by `score` (a trigram word similarity
/// of `pg_trgm`, 0 to 1): at least 0.6, and within 0.1 of the best, so a near miss finds the
/// places it nearly names and not every place that shares a word with it.
fn closest(score: &str) -> String {
    format!(
        "h.id IN (
             WITH scored AS (
                 SELECT h.id, {score} AS score FROM hotels h WHERE h.archived_at IS NULL
             )
             SELECT id FROM scored
             WHERE score >= 0.6 AND score >= (SELECT max(score) FROM scored) - 0.1)"
    )
}

/// The whole place against locations: a small typo ("Сыктывкр", "Республика Алтйа").
const PHRASE_SCORE: &str = "word_similarity(place_key($1), h.place_key)";
/// Its best word of four letters or more: a town of a region ("Горно-Алтайск").
const WORD_SCORE: &str = "(SELECT coalesce(max(word_similarity(word, h.place_key)), 0)
     FROM unnest(string_to_array(place_key($1), ' ')) AS word WHERE length(word) >= 4)";

/// Hotels matching the place by `matching`, that have room types, by name, each with its
/// room types cheapest first; archived ones are not offered.
fn candidates_sql(matching: &str) -> String {
    format!(
        "SELECT {HOTEL_COLUMNS},
                array_agg(r.id ORDER BY r.price, r.id) AS room_ids,
                array_agg(r.price::bigint ORDER BY r.price, r.id) AS room_prices,
                array_agg(r.quantity ORDER BY r.price, r.id) AS room_quantities,
                array_agg(r.max_adults ORDER BY r.price, r.id) AS room_max_adults,
                array_agg(r.max_children ORDER BY r.price, r.id) AS room_max_children
         FROM hotels h JOIN rooms r ON r.hotel_id = h.id {HOTEL_PICTURE}
         WHERE {matching} AND h.archived_at IS NULL AND r.archived_at IS NULL
         GROUP BY h.id, hp.digest
         ORDER BY h.name, h.id"
    )
}

/// The ways a place matches, in the order they are tried: the first that finds hotels wins.
static CANDIDATES: LazyLock<[String; 3]> = LazyLock::new(|| {
    [
        candidates_sql(PLACE_CONTAINED),
        candidates_sql(&closest(PHRASE_SCORE)),
        candidates_sql(&closest(WORD_SCORE)),
    ]
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

    /// The hotels of `ids` guests may see, in the order of `ids` (unknown and archived ones
    /// left out), in one statement.
    pub async fn find_many(&self, ids: &[HotelId]) -> Result<Vec<Hotel>, AppError> {
        static FIND_MANY: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {HOTEL_COLUMNS}
                 FROM unnest($1::int[]) WITH ORDINALITY AS wanted (id, n)
                 JOIN hotels h ON h.id = wanted.id {HOTEL_PICTURE}
                 WHERE h.archived_at IS NULL
                 ORDER BY wanted.n"
            )
        });
        let ids: Vec<i32> = ids.iter().map(|id| id.get()).collect();
        let rows: Vec<HotelRow> = sqlx::query_as(FIND_MANY.as_str())
            .bind(ids)
            .fetch_all(self.pool)
            .await?;
        Ok(rows.into_iter().map(Hotel::from).collect())
    }

    /// What a hotel's page shows beside its name and rooms: the hours of arrival and departure,
    /// its description and the digests of its ready pictures in the staff's order (the first is its main one).
    pub async fn about(&self, id: HotelId) -> Result<HotelAbout, AppError> {
        let row = sqlx::query!(
            r#"SELECT check_in_time, check_out_time, description, description_en,
                      ARRAY(SELECT digest FROM pictures WHERE hotel_id = h.id AND state = 'ready'
                            ORDER BY position, id) AS "gallery!"
               FROM hotels h WHERE h.id = $1"#,
            id.get()
        )
        .fetch_optional(self.pool)
        .await?
        .ok_or(AppError::NotFound)?;
        Ok(HotelAbout {
            check_in_time: row.check_in_time,
            check_out_time: row.check_out_time,
            description: row.description,
            description_en: row.description_en,
            gallery: row.gallery,
        })
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
    /// When no location contains the place, the closest to it are taken instead (a typo, a
    /// town of a region), so a guest's near miss still finds hotels.
    pub async fn search_candidates(
        &self,
        query: Option<&LocationQuery>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CandidateHotel>, AppError> {
        let mut conn = self.pool.acquire().await?;
        // The queries share the hotel columns, so they are assembled and checked at run time.
        let place = query.map(LocationQuery::as_str);
        let mut rows: Vec<CandidateRow> = Vec::new();
        // Without a place the first way lists every hotel.
        let ways = if place.is_some() { 3 } else { 1 };
        for sql in CANDIDATES.iter().take(ways) {
            rows = sqlx::query_as(sql.as_str())
                .bind(place)
                .fetch_all(&mut *conn)
                .await?;
            if !rows.is_empty() {
                break;
            }
        }
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
    /// contain `query` or come close to it, compared as the search compares places: those that
    /// contain it first, then the closest, then alphabetically.
    pub async fn suggest_locations(
        &self,
        query: &LocationQuery,
        limit: i64,
    ) -> Result<Vec<String>, AppError> {
        const SUGGEST: &str = "WITH q AS (SELECT place_key($1) AS key),
                    words AS (
                        SELECT word FROM q,
                            unnest(array_append(string_to_array(q.key, ' '), q.key)) AS word
                        WHERE length(word) >= 4
                    ),
                    parts AS (
                        SELECT DISTINCT btrim(part) AS suggestion, place_key(part) AS key
                        FROM hotels h, q, unnest(string_to_array(h.location, ',')) AS part
                        WHERE h.archived_at IS NULL AND q.key <> ''
                          AND (h.place_key LIKE '%' || q.key || '%'
                               OR EXISTS (SELECT 1 FROM words WHERE word <% h.place_key))
                    )
               SELECT p.suggestion
               FROM parts p, q
               WHERE p.key LIKE '%' || q.key || '%'
                  OR EXISTS (SELECT 1 FROM words WHERE word <% p.key)
               ORDER BY p.key LIKE '%' || q.key || '%' DESC, word_similarity(q.key, p.key) DESC,
                        p.suggestion
               LIMIT $2";
        Ok(sqlx::query_scalar::<_, String>(SUGGEST)
            .bind(query.as_str())
            .bind(limit)
            .fetch_all(self.pool)
            .await?)
    }
}
