//! Hotels and rooms of the original's contract: thin handlers over the catalog service.
use app::model::{BookingWindow, GuestsError, Hotel, HotelId, LocationQuery, Party, StayDates};
use app::server::{catalog, state::AppState};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use super::errors::{ApiError, Problem, positive_id, stay};

/// `?date_from&date_to`, both required by the contract, and optionally the guests
/// (`adults`, `children`): without them every room type is listed, as the original did.
#[derive(Debug, Deserialize)]
pub struct StayQuery {
    date_from: Option<String>,
    date_to: Option<String>,
    adults: Option<String>,
    children: Option<String>,
}

impl StayQuery {
    /// The stay and the party, or every missing or malformed date at once (422), or the
    /// broken rule (400).
    fn parse(
        query: Result<Query<StayQuery>, QueryRejection>,
        window: BookingWindow,
    ) -> Result<(StayDates, Option<Party>), ApiError> {
        let Ok(Query(query)) = query else {
            return Err(ApiError::Invalid(vec![
                Problem::missing("query", "date_from"),
                Problem::missing("query", "date_to"),
            ]));
        };
        let mut missing = Vec::new();
        if query.date_from.is_none() {
            missing.push(Problem::missing("query", "date_from"));
        }
        if query.date_to.is_none() {
            missing.push(Problem::missing("query", "date_to"));
        }
        let (Some(date_from), Some(date_to)) = (&query.date_from, &query.date_to) else {
            return Err(ApiError::Invalid(missing));
        };
        let stay = stay(date_from, date_to, window)?;
        let party = Party::parse_optional(query.adults.as_deref(), query.children.as_deref())
            .map_err(|error| {
                let input = match error {
                    GuestsError::Adults => &query.adults,
                    GuestsError::Children => &query.children,
                };
                Problem {
                    kind: "int_parsing",
                    loc: ["query", error.field()],
                    msg: error.to_string(),
                    input: input.clone().unwrap_or_default().into(),
                }
            })?;
        Ok((stay, party))
    }
}

/// A hotel id from the path.
fn hotel_id(raw: &str) -> Result<HotelId, ApiError> {
    positive_id(raw, ["path", "hotel_id"])
}

/// A hotel in the search list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HotelWithRoomsLeft {
    #[serde(flatten)]
    hotel: HotelInfo,
    rooms_left: i64,
}

/// A hotel as the original described it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HotelInfo {
    id: i32,
    name: String,
    location: String,
    services: Vec<String>,
    rooms_quantity: i32,
    image_id: Option<i32>,
}

impl From<Hotel> for HotelInfo {
    fn from(hotel: Hotel) -> Self {
        HotelInfo {
            id: hotel.id.get(),
            name: hotel.name,
            location: hotel.location,
            services: hotel.services,
            rooms_quantity: hotel.rooms_quantity,
            image_id: hotel.image_id,
        }
    }
}

/// A room type for a stay.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoomForStay {
    id: i32,
    hotel_id: i32,
    name: String,
    description: Option<String>,
    price: i64,
    services: Vec<String>,
    quantity: i32,
    image_id: Option<i32>,
    total_cost: i64,
    rooms_left: i64,
}

/// `GET /hotels/{location}?date_from&date_to[&adults&children]`: every hotel there with a room
/// that can be booked for the whole stay (case-insensitive, unlike the original), cheapest stay
/// first.
#[utoipa::path(get, path = "/api/v1/hotels/{location}", tag = "hotels",
    params(("location" = String, Path, example = "Алтай", max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$", description = "Part of the address, any letter case: 1 to 100 characters besides surrounding spaces, no control characters"), ("date_from" = chrono::NaiveDate, Query, description = "Check-in, YYYY-MM-DD"), ("date_to" = chrono::NaiveDate, Query, description = "Check-out, YYYY-MM-DD"), ("adults" = Option<u8>, Query, minimum = 1, maximum = 10, description = "Adults in one room; with or without children, only room types that take them count"), ("children" = Option<u8>, Query, minimum = 0, maximum = 10, description = "Children in one room")),
    responses(
        (status = 200, description = "Hotels with a room that can be booked for the whole stay; rooms_left counts the bookable room types' rooms on the stay's busiest night", body = Vec<HotelWithRoomsLeft>),
        (status = 400, description = "Check-out not after check-in, longer than 30 nights, or beyond the booking window", body = super::errors::Detail),
        (status = 422, description = "Missing or malformed dates", body = super::errors::ValidationError),
    ))]
pub async fn search(
    State(state): State<AppState>,
    Path(location): Path<String>,
    query: Result<Query<StayQuery>, QueryRejection>,
) -> Result<Json<Vec<HotelWithRoomsLeft>>, ApiError> {
    let (stay, party) = StayQuery::parse(query, state.clock.window())?;
    let location = LocationQuery::parse(&location).map_err(|error| Problem {
        kind: "string_type",
        loc: ["path", "location"],
        msg: error.to_string(),
        input: location.clone().into(),
    })?;
    let offers = catalog::available_hotels(&state, Some(&location), stay, party).await?;
    Ok(Json(
        offers
            .into_iter()
            .map(|offer| HotelWithRoomsLeft {
                hotel: offer.hotel.into(),
                rooms_left: offer.rooms_left,
            })
            .collect(),
    ))
}

/// `GET /hotels/id/{hotel_id}`: one hotel; 404 if unknown (the original answered `null`).
#[utoipa::path(get, path = "/api/v1/hotels/id/{hotel_id}", tag = "hotels",
    params(("hotel_id" = i32, Path, minimum = 1, example = 1)),
    responses(
        (status = 200, description = "The hotel", body = HotelInfo),
        (status = 404, description = "No such hotel (the original answered 200 null)", body = super::errors::Detail),
        (status = 422, description = "Not a positive integer", body = super::errors::ValidationError),
    ))]
pub async fn get(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Json<HotelInfo>, ApiError> {
    let id = hotel_id(&raw_id)?;
    let hotel = catalog::hotel(&state, id).await?;
    Ok(Json(hotel.into()))
}

/// `GET /hotels/{hotel_id}/rooms?date_from&date_to[&adults&children]`: every room type (that
/// takes the guests, if given) with its total and rooms left for the stay; 404 for an unknown
/// hotel.
#[utoipa::path(get, path = "/api/v1/hotels/{hotel_id}/rooms", tag = "hotels",
    params(("hotel_id" = i32, Path, minimum = 1, example = 1), ("date_from" = chrono::NaiveDate, Query, description = "Check-in, YYYY-MM-DD"), ("date_to" = chrono::NaiveDate, Query, description = "Check-out, YYYY-MM-DD"), ("adults" = Option<u8>, Query, minimum = 1, maximum = 10, description = "Adults in one room; with or without children, only room types that take them are listed"), ("children" = Option<u8>, Query, minimum = 0, maximum = 10, description = "Children in one room")),
    responses(
        (status = 200, description = "Every room type with its base price a night, the stay's total (the sum of its nights' prices) and rooms left (0 while the hotel's restrictions refuse the stay)", body = Vec<RoomForStay>),
        (status = 400, description = "Check-out not after check-in, longer than 30 nights, or beyond the booking window (the original did not check)", body = super::errors::Detail),
        (status = 404, description = "No such hotel", body = super::errors::Detail),
        (status = 422, description = "Missing or malformed dates or id", body = super::errors::ValidationError),
    ))]
pub async fn rooms(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    query: Result<Query<StayQuery>, QueryRejection>,
) -> Result<Json<Vec<RoomForStay>>, ApiError> {
    let id = hotel_id(&raw_id)?;
    let (stay, party) = StayQuery::parse(query, state.clock.window())?;
    let details = catalog::hotel_details(&state, id, stay, party).await?;
    Ok(Json(
        details
            .rooms
            .into_iter()
            .map(|offer| RoomForStay {
                rooms_left: offer.bookable(),
                id: offer.room.id.get(),
                hotel_id: offer.room.hotel_id.get(),
                name: offer.room.name,
                description: offer.room.description,
                price: offer.room.price.whole_roubles(),
                services: offer.room.services,
                quantity: offer.room.quantity,
                image_id: offer.room.image_id,
                total_cost: offer.total_cost.whole_roubles(),
            })
            .collect(),
    ))
}
