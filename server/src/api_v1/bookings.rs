//! Bookings of the original's contract (the session cookie or a Bearer token required): list,
//! book, cancel. Thin handlers over `bookings`, which never overbooks.
use app::model::{Booking, BookingDetails, CancellationTerms, GuestDetails};
use app::server::accounts::session::Session;
use app::server::bookings;
use app::server::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::errors::{ApiError, Problem, positive_id, stay};

/// A booking as the original answered it, plus the room's name and picture (welcome extras).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookingOut {
    id: i32,
    /// The booking's reference: eight characters without 0/O or 1/I (an addition to the
    /// original's fields).
    #[schema(example = "VQEH6L4Z")]
    reference: String,
    room_id: i32,
    user_id: i32,
    date_from: NaiveDate,
    date_to: NaiveDate,
    price: i64,
    total_cost: i64,
    total_days: i32,
    /// Who stays and what they asked of the hotel (additions).
    guest_name: Option<String>,
    guest_request: Option<String>,
    /// Until when cancelling is free (an addition); null: non-refundable.
    free_cancellation_until: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<Booking> for BookingOut {
    fn from(booking: Booking) -> Self {
        BookingOut {
            id: booking.id.get(),
            reference: booking.reference.to_string(),
            room_id: booking.room_id.get(),
            user_id: booking.user_id.get(),
            date_from: booking.date_from,
            date_to: booking.date_to,
            price: booking.price.whole_roubles(),
            total_cost: booking.total_cost.whole_roubles(),
            total_days: booking.total_days,
            guest_name: booking.guest.name,
            guest_request: booking.guest.request,
            free_cancellation_until: match booking.terms {
                CancellationTerms::FreeUntil { until, .. } => Some(until),
                CancellationTerms::NonRefundable => None,
            },
        }
    }
}

/// A booking in the guest's list, with the room type's name, description and services.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookingWithRoom {
    #[serde(flatten)]
    booking: BookingOut,
    name: String,
    description: Option<String>,
    services: Vec<String>,
    cancelled: bool,
}

impl From<BookingDetails> for BookingWithRoom {
    fn from(details: BookingDetails) -> Self {
        BookingWithRoom {
            cancelled: details.booking.cancelled,
            booking: details.booking.into(),
            name: details.room_name,
            description: details.room_description,
            services: details.services,
        }
    }
}

/// `GET /bookings`: the caller's bookings, upcoming first.
#[utoipa::path(get, path = "/api/v1/bookings", tag = "bookings", security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The caller's bookings, upcoming first; cancelled ones are gone, as in the original", body = Vec<BookingWithRoom>),
        (status = 401, description = "Not signed in", body = super::errors::Detail),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<BookingWithRoom>>, ApiError> {
    let user = session.require_user(&state).await?;
    let list = bookings::list(&state, user.id).await?;
    // The original deleted a cancelled booking; the web page keeps them as history, the API not.
    Ok(Json(
        list.into_iter()
            .filter(|details| !details.booking.cancelled)
            .map(BookingWithRoom::from)
            .collect(),
    ))
}

/// `?room_id&date_from&date_to`, all required, and the optional `guest_name&guest_request`.
#[derive(Debug, Deserialize)]
pub struct BookQuery {
    room_id: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    guest_name: Option<String>,
    guest_request: Option<String>,
}

/// `POST /bookings?room_id&date_from&date_to`: 200 the booking; 409 no rooms left; 400 / 422
/// dates as in search; 404 unknown room.
#[utoipa::path(post, path = "/api/v1/bookings", tag = "bookings", security(("cookie" = []), ("bearer" = [])),
    params(("room_id" = i32, Query, minimum = 1, example = 1), ("date_from" = chrono::NaiveDate, Query, description = "Check-in, YYYY-MM-DD"), ("date_to" = chrono::NaiveDate, Query, description = "Check-out, YYYY-MM-DD"),
        ("guest_name" = Option<String>, Query, max_length = 100, description = "Who stays (an addition; default: the account's name)"),
        ("guest_request" = Option<String>, Query, max_length = 1000, description = "A request to the hotel (an addition)")),
    responses(
        (status = 200, description = "Booked: price is the room type's base price a night, total_cost the sum of the stay's nightly prices, both as they were when booked", body = BookingOut),
        (status = 400, description = "Check-out not after check-in, check-in past, longer than 30 nights, or beyond the booking window (the original stored them)", body = super::errors::Detail),
        (status = 401, description = "Not signed in", body = super::errors::Detail),
        (status = 404, description = "No such room type", body = super::errors::Detail),
        (status = 409, description = "No rooms left for these dates (never overbooked, unlike the original), or the hotel's restrictions refuse the stay (closed, closed to arrival, minimum or maximum stay; the detail says which)", body = super::errors::Detail),
        (status = 422, description = "Missing or malformed parameters", body = super::errors::ValidationError),
    ))]
pub async fn book(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    query: Result<Query<BookQuery>, QueryRejection>,
) -> Result<Json<BookingOut>, ApiError> {
    let user = session.require_user(&state).await?;
    let query = query.map(|Query(query)| query).unwrap_or(BookQuery {
        room_id: None,
        date_from: None,
        date_to: None,
        guest_name: None,
        guest_request: None,
    });
    let missing: Vec<Problem> = [
        ("room_id", &query.room_id),
        ("date_from", &query.date_from),
        ("date_to", &query.date_to),
    ]
    .into_iter()
    .filter(|(_, value)| value.is_none())
    .map(|(name, _)| Problem::missing("query", name))
    .collect();
    let (Some(room_id), Some(date_from), Some(date_to)) =
        (&query.room_id, &query.date_from, &query.date_to)
    else {
        return Err(ApiError::Invalid(missing));
    };
    let room_id = positive_id(room_id, ["query", "room_id"])?;
    let stay = stay(date_from, date_to, state.clock.window())?;
    let guest = GuestDetails::parse(query.guest_name.as_deref(), query.guest_request.as_deref())
        .map_err(|error| Problem {
            kind: "string_too_long",
            loc: ["query", error.field()],
            msg: error.to_string(),
            input: match error.field() {
                "guest_name" => query.guest_name.clone().into(),
                _ => query.guest_request.clone().into(),
            },
        })?;
    // Its emails speak the caller's language (`Accept-Language`; Russian by default).
    let locale = app::server::language::locale_of(&headers);
    let booking = bookings::book(&state, user.id, room_id, stay, None, &guest, locale).await?;
    Ok(Json(booking.into()))
}

/// `DELETE /bookings/{booking_id}`: 204; 404 for unknown ids and other guests' bookings alike;
/// 409 once the booking's terms no longer allow it.
#[utoipa::path(delete, path = "/api/v1/bookings/{booking_id}", tag = "bookings", security(("cookie" = []), ("bearer" = [])),
    params(("booking_id" = i32, Path, minimum = 1, example = 1)),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 401, description = "Not signed in", body = super::errors::Detail),
        (status = 404, description = "Unknown or someone else's (the original answered 200 and did nothing)", body = super::errors::Detail),
        (status = 409, description = "No longer cancellable: its free cancellation ended (the deadline is at the hotel's check-in time, the room type's number of days before check-in, on the hotel's clock), it is non-refundable, or it is cancelled already", body = super::errors::Detail),
        (status = 422, description = "Not a positive integer", body = super::errors::ValidationError),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(booking_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let user = session.require_user(&state).await?;
    let booking_id = positive_id(&booking_id, ["path", "booking_id"])?;
    bookings::cancel(&state, bookings::Actor::Guest(user.id), booking_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
