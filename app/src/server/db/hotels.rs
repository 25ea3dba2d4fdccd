use std::sync::LazyLock;

use sqlx::PgPool;

use super::rooms::OVERLAPPING_BOOKINGS;
use crate::error::AppError;
use crate::model::{Hotel, HotelSearch, LocationQuery, SortOrder};

/// A `hotels` row.
#[derive(sqlx::FromRow)]
struct HotelRow {
    id: i32,
    name: String,
    location: String,
    services: Vec<String>,
    rooms_quantity: i32,
    image_id: Option<i32>,
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
        }
    }
}

/// A search result row: the hotel, what is free there, and the number of matches overall.
#[derive(sqlx::FromRow)]
struct HotelAvailabilityRow {
    #[sqlx(flatten)]
    hotel: HotelRow,
    rooms_left: i64,
    min_price: i64,
    total: i64,
}

/// A hotel with rooms free for a stay.
pub struct HotelAvailability {
    pub hotel: Hotel,
    pub rooms_left: i64,
    pub min_price: i64,
}

/// One page of hotels with rooms free, and how many there are over all pages.
pub struct HotelAvailabilityPage {
    pub hotels: Vec<HotelAvailability>,
    pub total: i64,
}

const HOTEL_COLUMNS: &str = "h.id, h.name, h.location, h.services, h.rooms_quantity, h.image_id";

/// The search, in one statement: hotels matching `{filter}`, their room types, the live bookings
/// overlapping the stay per room type (an index range scan each, never all bookings), summed per
/// hotel; only hotels with a room left; one page, with the total count. `$1` is the location
/// pattern (unused without a filter), `$2`/`$3` the stay, `$4` true to sort by price.
fn search_sql(filter: &str) -> String {
    format!(
        "WITH free AS (
             SELECT r.hotel_id,
                    sum(greatest(r.quantity - b.booked, 0)) AS rooms_left,
                    min(r.price) FILTER (WHERE r.quantity > b.booked)::bigint AS min_price
             FROM hotels h
             JOIN rooms r ON r.hotel_id = h.id
             CROSS JOIN LATERAL ({OVERLAPPING_BOOKINGS}) b
             WHERE {filter}
             GROUP BY r.hotel_id
         )
         SELECT {HOTEL_COLUMNS}, f.rooms_left::bigint AS rooms_left, f.min_price,
                count(*) OVER () AS total
         FROM free f
         JOIN hotels h ON h.id = f.hotel_id
         WHERE f.rooms_left > 0
         ORDER BY CASE WHEN $4 THEN f.min_price END, h.name, h.id
         LIMIT $5 OFFSET $6"
    )
}

/// The statement for `search` and its location pattern (`$1`).
fn search_statement(search: &HotelSearch) -> (&'static str, Option<String>) {
    match &search.location {
        Some(location) => (
            SEARCH_IN_LOCATION.as_str(),
            Some(contains_pattern(location)),
        ),
        None => (SEARCH_EVERYWHERE.as_str(), None),
    }
}

static SEARCH_IN_LOCATION: LazyLock<String> =
    LazyLock::new(|| search_sql("lower(h.location) LIKE $1"));
// `$1 IS NULL` keeps the parameter list identical; it is always true here.
static SEARCH_EVERYWHERE: LazyLock<String> = LazyLock::new(|| search_sql("$1::text IS NULL"));

/// Reads and writes hotels.
pub struct HotelRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> HotelRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        HotelRepo { pool }
    }

    pub async fn find(&self, id: i32) -> Result<Option<Hotel>, AppError> {
        let row: Option<HotelRow> = sqlx::query_as(
            "SELECT id, name, location, services, rooms_quantity, image_id FROM hotels WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool)
        .await?;
        Ok(row.map(Hotel::from))
    }

    /// Hotels with at least one room free for the whole stay, matching the location if one is
    /// given (case-insensitive substring), one page in the requested order.
    pub async fn search(&self, search: &HotelSearch) -> Result<HotelAvailabilityPage, AppError> {
        let (sql, pattern) = search_statement(search);
        let rows: Vec<HotelAvailabilityRow> = sqlx::query_as(sql)
            .bind(pattern)
            .bind(search.stay.check_in())
            .bind(search.stay.check_out())
            .bind(search.sort == SortOrder::Price)
            .bind(i64::from(HotelSearch::PAGE_SIZE))
            .bind(i64::from(search.offset()))
            .fetch_all(self.pool)
            .await?;
        let total = rows.first().map_or(0, |row| row.total);
        let hotels = rows
            .into_iter()
            .map(|row| HotelAvailability {
                hotel: row.hotel.into(),
                rooms_left: row.rooms_left,
                min_price: row.min_price,
            })
            .collect();
        Ok(HotelAvailabilityPage { hotels, total })
    }

    /// The executed plan of [`HotelRepo::search`] (`EXPLAIN ANALYZE`), for checks and tuning.
    pub async fn explain_search(&self, search: &HotelSearch) -> Result<String, AppError> {
        let (sql, pattern) = search_statement(search);
        let explain = format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}");
        let lines: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(explain))
            .bind(pattern)
            .bind(search.stay.check_in())
            .bind(search.stay.check_out())
            .bind(search.sort == SortOrder::Price)
            .bind(i64::from(HotelSearch::PAGE_SIZE))
            .bind(i64::from(search.offset()))
            .fetch_all(self.pool)
            .await?;
        Ok(lines.join("\n"))
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
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT btrim(part) AS suggestion
             FROM hotels, unnest(string_to_array(location, ',')) AS part
             WHERE lower(location) LIKE $1 AND lower(part) LIKE $1
             ORDER BY suggestion
             LIMIT $2",
        )
        .bind(pattern)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(|(suggestion,)| suggestion).collect())
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
