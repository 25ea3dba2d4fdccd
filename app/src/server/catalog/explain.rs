//! Diagnostics, not request paths: the executed plans of the catalog's hot queries, for the
//! CLI's `explain-search` and the plan tests (a search must use its indexes).
use std::sync::LazyLock;

use sqlx::PgPool;

use super::rooms::BOOKED_COUNTS;
use super::search_index::{Offers, PageWalk, SearchIndex};
use crate::error::AppError;
use crate::model::{BookingWindow, HotelId, HotelSearch, StayDates};

/// The executed plan of the availability query for a search's first batch, for checks and
/// tuning.
pub async fn explain_search(db: &PgPool, search: &HotelSearch) -> Result<String, AppError> {
    let window = BookingWindow::from_today(search.stay.check_in());
    let (candidates, _) = SearchIndex::default()
        .candidates(db, search.location.as_ref(), window)
        .await?;
    let offers = Offers::new(&candidates, search.stay, Some(search.party));
    let mut walk = PageWalk::new(
        &candidates,
        offers,
        search.sort,
        crate::i18n::Locale::ru,
        HotelSearch::PAGE_SIZE as usize + 1,
    );
    let batch = walk.advance();
    explain_booked_counts(db, &candidates.hotel_ids(&batch), search.stay).await
}

/// The executed plan of the booked-counts query (`EXPLAIN ANALYZE`).
async fn explain_booked_counts(
    db: &PgPool,
    hotel_ids: &[HotelId],
    stay: StayDates,
) -> Result<String, AppError> {
    // `EXPLAIN` of the search's statement, which is itself assembled at run time.
    static EXPLAIN: LazyLock<String> =
        LazyLock::new(|| format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {BOOKED_COUNTS}"));
    let lines: Vec<String> = sqlx::query_scalar(EXPLAIN.as_str())
        .bind(hotel_ids)
        .bind(stay.check_in())
        .bind(stay.check_out())
        .fetch_all(db)
        .await?;
    Ok(lines.join("\n"))
}
