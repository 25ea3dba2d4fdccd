use sqlx::PgPool;

use crate::error::AppError;
use crate::model::LocationQuery;

/// Reads and writes hotels.
pub struct HotelRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> HotelRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        HotelRepo { pool }
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
