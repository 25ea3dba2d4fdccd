//! The booking rules, shared by pages, server functions and the HTTP API: parse the input,
//! book or cancel through the repository (which queues the email in the same transaction),
//! then move the catalog cache on so nobody sees the old availability.
use super::catalog;
use super::db::bookings::{BookingChange, BookingRepo};
use super::db::rooms::RoomRepo;
use super::state::AppState;
use super::today;
use crate::error::AppError;
use crate::model::{Booking, BookingDetails, BookingQuote, StayDates, parse_id};

/// A room id from a request: anything but a positive integer is an unknown room.
fn room_id(raw: &str) -> Result<i32, AppError> {
    parse_id(raw).ok_or(AppError::NotFound)
}

/// What booking room type `room_id` for the stay would cost, and whether one is free.
pub async fn quote(
    state: &AppState,
    room_id_raw: &str,
    date_from: &str,
    date_to: &str,
) -> Result<BookingQuote, AppError> {
    let room_id = room_id(room_id_raw)?;
    let stay = StayDates::parse(date_from, date_to, today())?;
    let hotel_id = RoomRepo::new(&state.db)
        .hotel_of(room_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let details = catalog::hotel_details(state, hotel_id, stay).await?;
    let offer = details
        .rooms
        .into_iter()
        .find(|offer| offer.room.id == room_id)
        .ok_or(AppError::NotFound)?;
    Ok(BookingQuote {
        hotel: details.hotel,
        offer,
        stay,
    })
}

/// Books a room of type `room_id` for the user: `NoRoomsLeft` when the type is full for any
/// night, `NotFound` for an unknown room, date errors as in search.
pub async fn book(
    state: &AppState,
    user_id: i32,
    room_id_raw: &str,
    date_from: &str,
    date_to: &str,
) -> Result<Booking, AppError> {
    let room_id = room_id(room_id_raw)?;
    let stay = StayDates::parse(date_from, date_to, today())?;
    let change = BookingRepo::new(&state.db)
        .create(user_id, room_id, stay)
        .await?;
    // The change's transaction logged what it made stale; delivering it now lets this guest
    // see their own booking at once (every process's relay delivers it should Redis fail).
    announce(state, &change).await;
    tracing::info!(
        booking = change.booking.id,
        room = room_id,
        user = user_id,
        "booked"
    );
    Ok(change.booking)
}

/// Cancels one of the user's upcoming bookings.
pub async fn cancel(state: &AppState, user_id: i32, booking_id_raw: &str) -> Result<(), AppError> {
    let booking_id = parse_id(booking_id_raw).ok_or(AppError::NotFound)?;
    let change = BookingRepo::new(&state.db)
        .cancel(user_id, booking_id, today())
        .await?;
    announce(state, &change).await;
    tracing::info!(booking = booking_id, user = user_id, "booking cancelled");
    Ok(())
}

async fn announce(state: &AppState, change: &BookingChange) {
    let stay = (change.booking.date_from, change.booking.date_to);
    catalog::booking_changed(
        &state.db,
        &state.cache,
        change.hotel_id,
        stay,
        change.origin_tx,
    )
    .await;
}

/// The user's bookings, upcoming first.
pub async fn list(state: &AppState, user_id: i32) -> Result<Vec<BookingDetails>, AppError> {
    let rows = BookingRepo::new(&state.db)
        .list_for_user(user_id, today())
        .await?;
    Ok(rows
        .into_iter()
        .map(|(mut details, image_id, digest)| {
            details.picture = state.media.picture(image_id, digest);
            details
        })
        .collect())
}
