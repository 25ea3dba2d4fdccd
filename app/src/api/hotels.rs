use leptos::prelude::*;

use crate::error::AppError;

/// Place names (parts of hotel addresses) that contain `query`, for the search box.
#[server(endpoint = "suggest_locations")]
pub async fn suggest_locations(query: String) -> Result<Vec<String>, AppError> {
    use crate::model::LocationQuery;
    use crate::server::{db::hotels::HotelRepo, state::AppState, with_status};

    const MAX_SUGGESTIONS: i64 = 8;
    let query = LocationQuery::parse(&query)
        .map_err(|error| with_status(AppError::invalid("location", error.code())))?;
    let state = use_context::<AppState>().ok_or_else(|| with_status(AppError::Internal))?;
    HotelRepo::new(&state.db)
        .suggest_locations(&query, MAX_SUGGESTIONS)
        .await
        .map_err(with_status)
}
