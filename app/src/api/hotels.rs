use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{HotelDetails, SearchResults};

/// Place names (parts of hotel addresses) that contain `query`, for the search box.
#[server(endpoint = "suggest_locations")]
pub async fn suggest_locations(query: String) -> Result<Vec<String>, AppError> {
    use crate::model::LocationQuery;
    use crate::server::{accounts::session::app_state, catalog, with_status};

    const MAX_SUGGESTIONS: i64 = 8;
    let query = LocationQuery::parse(&query).map_err(|error| with_status(error.into()))?;
    let state = app_state().map_err(with_status)?;
    catalog::suggest_locations(&state, &query, MAX_SUGGESTIONS)
        .await
        .map_err(with_status)
}

/// Hotels with a room free for the whole stay, optionally in a place; one page of them.
/// Parameters are the raw query-string values of the search page.
#[server(endpoint = "search_hotels")]
pub async fn search_hotels(
    location: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    adults: Option<String>,
    children: Option<String>,
) -> Result<SearchResults, AppError> {
    use crate::model::SearchParams;
    use crate::server::{accounts::session::app_state, catalog, language, with_status};

    let params = SearchParams {
        location,
        date_from,
        date_to,
        sort,
        page,
        adults,
        children,
    };
    let state = app_state().map_err(with_status)?;
    let search = params
        .parse(state.clock.window())
        .map_err(|error| with_status(error.into()))?;
    // Boxed: the search's async state is large, and moved whole it was copied several times a
    // request (callgrind); boxed, only a pointer moves.
    let mut results = Box::pin(catalog::search(&state, &search, language::current_locale()))
        .await
        .map_err(with_status)?;
    results.saved =
        crate::api::wishlist::saved_of(&state, results.hotels.iter().map(|offer| offer.hotel.id))
            .await;
    Ok(results)
}

/// A hotel and each of its room types that take the party (two adults by default), with
/// their prices night by night and free rooms for the stay.
#[server(endpoint = "get_hotel")]
pub async fn get_hotel(
    hotel_id: String,
    date_from: Option<String>,
    date_to: Option<String>,
    adults: Option<String>,
    children: Option<String>,
) -> Result<HotelDetails, AppError> {
    use crate::model::{HotelId, Party, StayDates};
    use crate::server::{accounts::session::app_state, catalog, with_status};

    // An id that cannot exist is an unknown hotel, as a page address should be.
    let hotel_id = HotelId::parse(&hotel_id).ok_or_else(|| with_status(AppError::NotFound))?;
    let state = app_state().map_err(with_status)?;
    let window = state.clock.window();
    let stay = StayDates::parse_or_default(date_from.as_deref(), date_to.as_deref(), window)
        .map_err(|error| with_status(error.into()))?;
    let party = Party::parse(adults.as_deref(), children.as_deref())
        .map_err(|error| with_status(error.into()))?;
    // Boxed for the same reason as the search's.
    let mut details = Box::pin(catalog::hotel_details(&state, hotel_id, stay, Some(party)))
        .await
        .map_err(with_status)?;
    details.saved = crate::api::wishlist::viewed(&state, hotel_id).await;
    Ok(details)
}

/// Subscribes the signed-in user to hotel `hotel_id` for the stay and party: one email when a
/// room that fits frees up. Then back to the hotel page.
#[server(endpoint = "subscribe_alert")]
pub async fn subscribe_alert(
    hotel_id: String,
    date_from: String,
    date_to: String,
    adults: Option<String>,
    children: Option<String>,
) -> Result<(), AppError> {
    use crate::model::{HotelId, Party, StayDates};
    use crate::server::{
        accounts::session::app_state, accounts::session::require_user, alerts, forms,
        language::current_locale,
    };

    let result = async {
        let user = require_user().await?;
        let state = app_state()?;
        let hotel_id = HotelId::parse(&hotel_id).ok_or(AppError::NotFound)?;
        let stay = StayDates::parse(&date_from, &date_to, state.clock.window())?;
        let party = Party::parse(adults.as_deref(), children.as_deref())?;
        alerts::subscribe(&state, user.id, hotel_id, stay, party, current_locale()).await?;
        Ok::<_, AppError>(format!(
            "/hotels/{hotel_id}?{}&{}&alert=1",
            stay.to_query(),
            party.to_query()
        ))
    }
    .await;
    // Back to the page asked for, with the raw input encoded (it may not parse).
    let page = crate::model::navigation::with_query(
        &format!(
            "/hotels/{}",
            crate::model::navigation::encode_component(&hotel_id)
        ),
        &[("date_from", &date_from), ("date_to", &date_to)],
    );
    let done = result.as_deref().unwrap_or("/").to_owned();
    forms::finish_form(result.map(|_| ()), &page, &done)
}
