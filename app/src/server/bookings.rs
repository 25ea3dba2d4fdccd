//! The booking rules, shared by pages, server functions and the HTTP API: parse the input,
//! book or cancel through the repository (which queues the email in the same transaction),
//! then move the catalog cache on so nobody sees the old availability.
mod repo;

use self::repo::{BookingChange, BookingRepo};
use super::state::AppState;
use super::{accounts, catalog, rates};
use crate::error::AppError;
use crate::model::{
    Booking, BookingDetails, BookingId, BookingQuote, GuestDetails, Party, RoomId, StayDates,
    UserId,
};

/// What booking room type `room_id` for the stay would cost night by night, whether one is
/// free, and why the hotel's rules refuse it, if they do (a party the room does not take too).
#[tracing::instrument(skip(state), fields(check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn quote(
    state: &AppState,
    user_id: Option<UserId>,
    room_id: RoomId,
    stay: StayDates,
    party: Party,
) -> Result<BookingQuote, AppError> {
    let hotel_id = catalog::hotel_of_room(&state.db, room_id).await?;
    let details = catalog::hotel_details(state, hotel_id, stay, None).await?;
    let mut offer = details
        .rooms
        .into_iter()
        .find(|offer| offer.room.id == room_id)
        .ok_or(AppError::NotFound)?;
    offer.refusal = rates::party_refusal(offer.room.occupancy, party).or(offer.refusal);
    let account_name = match user_id {
        Some(user_id) => accounts::full_name(&state.db, user_id).await?,
        None => None,
    };
    Ok(BookingQuote {
        hotel: details.hotel,
        offer,
        stay,
        party,
        account_name,
        hold: None,
    })
}

/// The book page's quote with a room held for the guest meanwhile (`HOLD_MINUTES`), or their
/// live hold for this room type and stay found again. No hold when the hotel's rules refuse
/// the stay or no room is free (the quote then says so).
#[tracing::instrument(skip(state), fields(check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn hold(
    state: &AppState,
    user_id: UserId,
    room_id: RoomId,
    stay: StayDates,
    party: Party,
) -> Result<BookingQuote, AppError> {
    let mut quote = quote(state, Some(user_id), room_id, stay, party).await?;
    if quote.offer.refusal.is_some() {
        return Ok(quote);
    }
    let minutes = state.config.hold_minutes;
    match BookingRepo::new(&state.db)
        .hold(user_id, room_id, stay, party, minutes)
        .await
    {
        Ok((hold, change)) => {
            if let Some((hotel_id, origin_tx)) = change {
                let dates = (stay.check_in(), stay.check_out());
                catalog::booking_changed(&state.db, &state.cache, hotel_id, dates, origin_tx).await;
                tracing::info!(expires_at = %hold.expires_at, "room held");
            }
            quote.hold = Some(hold);
        }
        Err(AppError::NoRoomsLeft) => quote.offer.rooms_left = 0,
        Err(AppError::Refused(refusal)) => quote.offer.refusal = Some(refusal),
        Err(error) => return Err(error),
    }
    Ok(quote)
}

/// Lets go of the user's hold of room type `room_id` for `stay` (leaving the book page).
#[tracing::instrument(skip(state))]
pub async fn release(
    state: &AppState,
    user_id: UserId,
    room_id: RoomId,
    stay: StayDates,
) -> Result<(), AppError> {
    let released = BookingRepo::new(&state.db)
        .release(user_id, room_id, stay)
        .await?;
    if let Some((hotel_id, origin_tx)) = released {
        let dates = (stay.check_in(), stay.check_out());
        catalog::booking_changed(&state.db, &state.cache, hotel_id, dates, origin_tx).await;
        tracing::info!("hold released");
    }
    Ok(())
}

/// Deletes expired holds (housekeeping: they already count for nothing).
pub async fn purge_expired_holds(db: &sqlx::PgPool) -> Result<u64, AppError> {
    BookingRepo::new(db).purge_expired_holds().await
}

/// Books a room of type `room_id` for the user at the prices of its nights now: `Refused`
/// when the hotel's restrictions refuse the stay or the room does not take `party` (any
/// party, if `None`: the HTTP API), `NoRoomsLeft` when the type is full for any night,
/// `NotFound` for an unknown room. The user's hold for this room type and stay, if any,
/// becomes the booking. `stay` and `guest` passed their rules at the edge.
#[tracing::instrument(skip(state), fields(check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn book(
    state: &AppState,
    user_id: UserId,
    room_id: RoomId,
    stay: StayDates,
    party: Option<Party>,
    guest: &GuestDetails,
) -> Result<Booking, AppError> {
    let change = BookingRepo::new(&state.db)
        .create(user_id, room_id, stay, party, guest)
        .await?;
    // The change's transaction logged what it made stale; delivering it now lets this guest
    // see their own booking at once (every process's relay delivers it should Redis fail).
    announce(state, &change).await;
    tracing::info!(booking = %change.booking.id, "booked");
    Ok(change.booking)
}

/// Cancels one of the user's bookings, if [`Booking::cancellable`] on the server's day.
#[tracing::instrument(skip(state))]
pub async fn cancel(
    state: &AppState,
    user_id: UserId,
    booking_id: BookingId,
) -> Result<(), AppError> {
    let today = state.clock.today();
    let change = BookingRepo::new(&state.db)
        .cancel(user_id, booking_id, |booking| booking.cancellable(today))
        .await?;
    announce(state, &change).await;
    tracing::info!("booking cancelled");
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
#[tracing::instrument(skip(state))]
pub async fn list(state: &AppState, user_id: UserId) -> Result<Vec<BookingDetails>, AppError> {
    let today = state.clock.today();
    BookingRepo::new(&state.db)
        .list_for_user(user_id, today, &state.media)
        .await
}
