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

/// A hotel with what is free there for a stay, as the page query returns it.
#[derive(sqlx::FromRow)]
struct HotelAvailabilityRow {
    #[sqlx(flatten)]
    hotel: HotelRow,
    rooms_left: i64,
    /// `None` when every room type filled up between choosing the page and reading it.
    min_price: Option<i64>,
}

/// A hotel with rooms free for a stay.
pub struct HotelAvailability {
    pub hotel: Hotel,
    pub rooms_left: i64,
    pub min_price: i64,
}

/// One page of hotels with rooms free, and whether more pages follow.
pub struct HotelAvailabilityPage {
    pub hotels: Vec<HotelAvailability>,
    pub has_more: bool,
}

const HOTEL_COLUMNS: &str = "h.id, h.name, h.location, h.services, h.rooms_quantity, h.image_id";

// A search does as little as one page needs. Checking a room type costs an index probe into
// bookings (see OVERLAPPING_BOOKINGS); a place can match hundreds of hotels with thousands of
// room types, so the page is chosen first by walking candidates in the page's order and
// stopping as soon as it is full, and only its hotels are then counted in full.
// `OFFSET 0` keeps PostgreSQL from checking availability before ordering (it would push the
// check below the sort and probe every candidate).

/// Price order: room types of the matching hotels, cheapest first, that have a room left; a
/// hotel's first appearance is its lowest free price. `$1` location pattern, `$2`/`$3` the
/// stay, `$4` how many room types to read. `price_key` is `r.price` to walk the price index
/// (no place: the cheapest room types of the whole catalog come first), or `r.price + 0` to
/// sort a place's few room types instead of walking the whole index filtering by place.
fn rooms_by_price_sql(filter: &str, price_key: &str) -> String {
    format!(
        "SELECT r.hotel_id FROM (
             SELECT r.id, r.hotel_id, r.price, r.quantity
             FROM rooms r JOIN hotels h ON h.id = r.hotel_id
             WHERE {filter}
             ORDER BY {price_key}, r.hotel_id, r.id
             OFFSET 0
         ) r
         WHERE r.quantity > ({OVERLAPPING_BOOKINGS})
         LIMIT $4"
    )
}

/// Name order: matching hotels by name that have a room left. `$4` limit, `$5` offset.
fn hotels_by_name_sql(filter: &str) -> String {
    format!(
        "SELECT h.id FROM (
             SELECT h.id, h.name FROM hotels h WHERE {filter} ORDER BY h.name, h.id OFFSET 0
         ) h
         WHERE EXISTS (
             SELECT 1 FROM rooms r
             WHERE r.hotel_id = h.id AND r.quantity > ({OVERLAPPING_BOOKINGS})
         )
         LIMIT $4 OFFSET $5"
    )
}

const IN_LOCATION: &str = "lower(h.location) LIKE $1";
// `$1 IS NULL` keeps the parameter list identical; it is always true here.
const EVERYWHERE: &str = "$1::text IS NULL";

static BY_PRICE_IN_LOCATION: LazyLock<String> =
    LazyLock::new(|| rooms_by_price_sql(IN_LOCATION, "r.price + 0"));
static BY_PRICE_EVERYWHERE: LazyLock<String> =
    LazyLock::new(|| rooms_by_price_sql(EVERYWHERE, "r.price"));
static BY_NAME_IN_LOCATION: LazyLock<String> = LazyLock::new(|| hotels_by_name_sql(IN_LOCATION));
static BY_NAME_EVERYWHERE: LazyLock<String> = LazyLock::new(|| hotels_by_name_sql(EVERYWHERE));

/// The chosen hotels with their free rooms summed over all room types. `$1` hotel ids.
static PAGE_DETAILS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {HOTEL_COLUMNS},
                sum(greatest(r.quantity - b.booked, 0))::bigint AS rooms_left,
                min(r.price) FILTER (WHERE r.quantity > b.booked)::bigint AS min_price
         FROM hotels h
         JOIN rooms r ON r.hotel_id = h.id
         CROSS JOIN LATERAL ({OVERLAPPING_BOOKINGS}) b
         WHERE h.id = ANY($1)
         GROUP BY h.id"
    )
});

/// The statement that picks a page for `search`, and its location pattern (`$1`).
fn page_statement(search: &HotelSearch) -> (&'static str, Option<String>) {
    let pattern = search.location.as_ref().map(contains_pattern);
    let sql = match (search.sort, pattern.is_some()) {
        (SortOrder::Price, true) => &BY_PRICE_IN_LOCATION,
        (SortOrder::Price, false) => &BY_PRICE_EVERYWHERE,
        (SortOrder::Name, true) => &BY_NAME_IN_LOCATION,
        (SortOrder::Name, false) => &BY_NAME_EVERYWHERE,
    };
    (sql.as_str(), pattern)
}

/// The first `count` distinct values of `ids`, in order.
fn first_distinct(ids: &[i32], count: usize) -> Vec<i32> {
    let mut seen = std::collections::HashSet::with_capacity(count);
    ids.iter()
        .copied()
        .filter(|id| seen.insert(*id))
        .take(count)
        .collect()
}

/// Reads and writes hotels.
pub struct HotelRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> HotelRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        HotelRepo { pool }
    }

    pub async fn find(&self, id: i32) -> Result<Option<Hotel>, AppError> {
        static FIND: LazyLock<String> =
            LazyLock::new(|| format!("SELECT {HOTEL_COLUMNS} FROM hotels h WHERE h.id = $1"));
        let row: Option<HotelRow> = sqlx::query_as(FIND.as_str())
            .bind(id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(Hotel::from))
    }

    /// Hotels with at least one room free for the whole stay, matching the location if one is
    /// given (case-insensitive substring), one page in the requested order.
    pub async fn search(&self, search: &HotelSearch) -> Result<HotelAvailabilityPage, AppError> {
        let size = HotelSearch::PAGE_SIZE as usize;
        let skip = search.offset() as usize;
        // One more than the page, to know whether another page follows.
        let wanted = skip + size + 1;
        let ids = match search.sort {
            SortOrder::Name => self.page_ids(search, wanted as i64, skip as i64).await?,
            SortOrder::Price => {
                // Room types, not hotels, come back: read more until enough distinct hotels
                // are seen or the candidates run out.
                let mut limit = (wanted * 3) as i64;
                loop {
                    let rooms = self.page_ids(search, limit, 0).await?;
                    let hotels = first_distinct(&rooms, wanted);
                    if hotels.len() == wanted || (rooms.len() as i64) < limit {
                        break hotels.into_iter().skip(skip).collect();
                    }
                    limit *= 4;
                }
            }
        };
        let has_more = ids.len() > size;
        let ids = &ids[..ids.len().min(size)];
        let mut rows: Vec<HotelAvailabilityRow> = sqlx::query_as(PAGE_DETAILS.as_str())
            .bind(ids)
            .bind(search.stay.check_in())
            .bind(search.stay.check_out())
            .fetch_all(self.pool)
            .await?;
        rows.sort_by_key(|row| ids.iter().position(|id| *id == row.hotel.id));
        let hotels = rows
            .into_iter()
            .filter_map(|row| {
                Some(HotelAvailability {
                    min_price: row.min_price?,
                    rooms_left: row.rooms_left,
                    hotel: row.hotel.into(),
                })
            })
            .collect();
        Ok(HotelAvailabilityPage { hotels, has_more })
    }

    /// Runs the page-choosing statement: hotel ids (name order) or the hotel id of each free
    /// room type (price order).
    async fn page_ids(
        &self,
        search: &HotelSearch,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<i32>, AppError> {
        let (sql, pattern) = page_statement(search);
        let mut query = sqlx::query_scalar(sql)
            .bind(pattern)
            .bind(search.stay.check_in())
            .bind(search.stay.check_out())
            .bind(limit);
        if search.sort == SortOrder::Name {
            query = query.bind(offset);
        }
        Ok(query.fetch_all(self.pool).await?)
    }

    /// The executed plan of the statement that chooses a search page (`EXPLAIN ANALYZE`), for
    /// checks and tuning.
    pub async fn explain_search(&self, search: &HotelSearch) -> Result<String, AppError> {
        let (sql, pattern) = page_statement(search);
        let explain = format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}");
        let limit = i64::from(HotelSearch::PAGE_SIZE + 1) * 3;
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(explain))
            .bind(pattern)
            .bind(search.stay.check_in())
            .bind(search.stay.check_out())
            .bind(limit);
        if search.sort == SortOrder::Name {
            query = query.bind(0i64);
        }
        let lines: Vec<String> = query.fetch_all(self.pool).await?;
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
