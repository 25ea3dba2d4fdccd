//! `GET /live/hotels/{id}?date_from&date_to`: server-sent events carrying the hotel's rooms
//! left for the stay, now and whenever they change (`app::server::live`), for its open hotel
//! and book pages. Without Redis the answer is 204, which tells the browser not to retry.
use std::convert::Infallible;

use app::error::AppError;
use app::model::{HotelId, StayDates};
use app::server::catalog;
use app::server::live::LiveRefusal;
use app::server::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::StreamExt;
use serde::Deserialize;

use crate::api_v1::errors::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/live/hotels/{hotel_id}", get(rooms))
}

#[derive(Deserialize)]
struct StayQuery {
    date_from: Option<String>,
    date_to: Option<String>,
}

async fn rooms(
    State(state): State<AppState>,
    Path(hotel_id): Path<String>,
    Query(query): Query<StayQuery>,
) -> Response {
    let Some(hotel_id) = HotelId::parse(&hotel_id) else {
        return ApiError::from(AppError::NotFound).into_response();
    };
    let stay = StayDates::parse_or_default(
        query.date_from.as_deref(),
        query.date_to.as_deref(),
        state.clock.window(),
    );
    let stay = match stay {
        Ok(stay) => stay,
        Err(error) => return ApiError::from(AppError::from(error)).into_response(),
    };
    // An unknown hotel is refused now, not streamed forever.
    if let Err(error) = catalog::hotel(&state, hotel_id).await {
        return ApiError::from(error).into_response();
    }
    let live = state.live.clone();
    match live.rooms(state, hotel_id, stay) {
        Ok(rooms) => {
            let events = rooms
                .map(|counts| Ok::<_, Infallible>(Event::default().data(counts.to_event_data())));
            Sse::new(events)
                .keep_alive(KeepAlive::default())
                .into_response()
        }
        Err(LiveRefusal::Off) => StatusCode::NO_CONTENT.into_response(),
        Err(LiveRefusal::Busy) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "30")],
        )
            .into_response(),
    }
}
