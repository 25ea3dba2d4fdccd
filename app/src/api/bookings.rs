//! Bookings: the quote before booking, booking, my bookings, cancelling; and a booking opened by
//! its manage link: viewing, cancelling, changing its dates.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Booking, BookingDetails, BookingQuote, ChangeQuote};

/// The stay a booking form names: both dates given, within the stay rules of the server's
/// booking window.
#[cfg(feature = "ssr")]
fn strict_stay(
    date_from: &str,
    date_to: &str,
    state: &crate::server::state::AppState,
) -> Result<crate::model::StayDates, crate::model::StayError> {
    crate::model::StayDates::parse(date_from, date_to, state.clock.window())
}

/// What a booking form asks for, parsed: a room id that cannot exist is an unknown room; the
/// stay as the caller read it; absent guests are two adults.
#[cfg(feature = "ssr")]
fn booking_request(
    room_id: &str,
    stay: Result<crate::model::StayDates, crate::model::StayError>,
    (adults, children): (Option<&str>, Option<&str>),
) -> Result<
    (
        crate::model::RoomId,
        crate::model::StayDates,
        crate::model::Party,
    ),
    AppError,
> {
    let room_id = crate::model::RoomId::parse(room_id).ok_or(AppError::NotFound)?;
    let stay = stay?;
    let party = crate::model::Party::parse(adults, children)?;
    Ok((room_id, stay, party))
}

/// The price night by night and the availability of a room type for a stay, and why it
/// cannot be booked if it cannot, before the guest confirms; for a signed-in guest, the room
/// held meanwhile (see `bookings::hold`), or their booking of it if they already made one
/// (`another` set: hold one more room anyway).
#[server(endpoint = "booking_quote")]
pub async fn get_booking_quote(
    room_id: String,
    date_from: String,
    date_to: String,
    adults: Option<String>,
    children: Option<String>,
    another: Option<String>,
) -> Result<BookingQuote, AppError> {
    use crate::server::{accounts::session::app_state, bookings, with_status};

    let state = app_state()?;
    let guests = (adults.as_deref(), children.as_deref());
    // A link without dates quotes the default stay (tomorrow, one night), as the hotel page.
    let window = state.clock.window();
    let quote_stay =
        crate::model::StayDates::parse_or_default(Some(&date_from), Some(&date_to), window);
    let (room_id, stay, party) =
        booking_request(&room_id, quote_stay, guests).map_err(with_status)?;
    let user = crate::server::accounts::session::current_user()
        .await
        .map_err(with_status)?;
    match user {
        Some(user) => {
            let another = another.is_some_and(|flag| !flag.is_empty());
            bookings::hold(&state, user.id, room_id, stay, party, another).await
        }
        None => bookings::quote(&state, None, room_id, stay, party).await,
    }
    .map_err(with_status)
}

/// Books a room for the signed-in user, for the guest named; then goes to "my bookings".
#[server(endpoint = "create_booking")]
pub async fn create_booking(
    room_id: String,
    date_from: String,
    date_to: String,
    adults: Option<String>,
    children: Option<String>,
    guest_name: Option<String>,
    guest_request: Option<String>,
) -> Result<Booking, AppError> {
    use crate::model::navigation::with_query;
    use crate::server::{
        accounts::session::app_state, accounts::session::require_user, bookings, forms,
    };

    let result = async {
        let user = require_user().await?;
        let state = app_state()?;
        let guests = (adults.as_deref(), children.as_deref());
        let (room_id, stay, party) =
            booking_request(&room_id, strict_stay(&date_from, &date_to, &state), guests)?;
        let guest =
            crate::model::GuestDetails::parse(guest_name.as_deref(), guest_request.as_deref())
                .and_then(crate::model::GuestDetails::named)?;
        let locale = crate::server::language::current_locale();
        bookings::book(&state, user.id, room_id, stay, Some(party), &guest, locale).await
    }
    .await;
    let adults = adults.unwrap_or_default();
    let children = children.unwrap_or_default();
    // Carried back to the form after an error, so nothing typed is lost without JavaScript.
    let guest_name = guest_name.unwrap_or_default();
    let guest_request = guest_request.unwrap_or_default();
    let form_page = with_query(
        "/book",
        &[
            ("room_id", &room_id),
            ("date_from", &date_from),
            ("date_to", &date_to),
            ("adults", &adults),
            ("children", &children),
            ("guest_name", &guest_name),
            ("guest_request", &guest_request),
        ],
    );
    let done = result
        .as_ref()
        .map(|booking| format!("/bookings?booked={}", booking.id))
        .unwrap_or_default();
    forms::finish_form(result, &form_page, &done)
}

/// Lets go of the room held for the signed-in user; then back to the hotel page.
#[server(endpoint = "release_hold")]
pub async fn release_hold(
    room_id: String,
    date_from: String,
    date_to: String,
) -> Result<(), AppError> {
    use crate::model::navigation::with_query;
    use crate::server::{
        accounts::session::app_state, accounts::session::require_user, bookings, catalog, forms,
    };

    let state = app_state()?;
    let request = async {
        let user = require_user().await?;
        let guests = (None, None);
        let (room_id, stay, _) =
            booking_request(&room_id, strict_stay(&date_from, &date_to, &state), guests)?;
        bookings::release(&state, user.id, room_id, stay).await?;
        let hotel_id = catalog::hotel_of_room(&state.db, room_id).await?;
        Ok::<_, AppError>(format!("/hotels/{hotel_id}?{}", stay.to_query()))
    }
    .await;
    let form_page = with_query(
        "/book",
        &[
            ("room_id", &room_id),
            ("date_from", &date_from),
            ("date_to", &date_to),
        ],
    );
    let done = request.as_deref().unwrap_or("/").to_owned();
    forms::finish_form(request.map(|_| ()), &form_page, &done)
}

/// A page of the signed-in user's bookings: upcoming (soonest first) or past and cancelled.
#[server(endpoint = "my_bookings")]
pub async fn my_bookings(
    tab: Option<String>,
    page: Option<String>,
) -> Result<crate::model::MyBookings, AppError> {
    use crate::model::{BookingsTab, HotelSearch};
    use crate::server::{
        accounts::session::app_state, accounts::session::require_user, bookings, with_status,
    };

    let user = require_user().await.map_err(with_status)?;
    let state = app_state()?;
    let tab = BookingsTab::parse(tab.as_deref());
    let page =
        HotelSearch::parse_page(page.as_deref()).map_err(|error| with_status(error.into()))?;
    bookings::page(&state, user.id, tab, page)
        .await
        .map_err(with_status)
}

/// Cancels one of the signed-in user's upcoming bookings; then back to "my bookings".
#[server(endpoint = "cancel_booking")]
pub async fn cancel_booking(booking_id: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::session::app_state, accounts::session::require_user, bookings, forms,
    };

    let result = async {
        let user = require_user().await?;
        // An id that cannot exist is an unknown booking.
        let booking_id = crate::model::BookingId::parse(&booking_id).ok_or(AppError::NotFound)?;
        let state = app_state()?;
        bookings::cancel(&state, bookings::Actor::Guest(user.id), booking_id).await
    }
    .await;
    // The cancelled booking is shown where it now belongs, with the notice.
    forms::finish_form(result, "/bookings", "/bookings?tab=past&cancelled=1")
}

/// The page of a booking opened by its manage link (`/manage/{token}`).
#[cfg(feature = "ssr")]
fn manage_page(token: &str) -> String {
    format!(
        "/manage/{}",
        crate::model::navigation::encode_component(token)
    )
}

/// The booking a manage link opens, signed in or not; `NotFound` for a bad, foreign or
/// expired link.
#[server(endpoint = "managed_booking")]
pub async fn managed_booking(token: String) -> Result<BookingDetails, AppError> {
    use crate::server::{accounts::session::app_state, bookings, with_status};

    let state = app_state()?;
    let booking_id = bookings::booking_of_link(&state, &token).map_err(with_status)?;
    bookings::details(&state, bookings::Actor::Link, booking_id)
        .await
        .map_err(with_status)
}

/// Cancels the booking a manage link opens; then back to its page.
#[server(endpoint = "cancel_managed")]
pub async fn cancel_managed(token: String) -> Result<(), AppError> {
    use crate::server::{accounts::session::app_state, bookings, forms};

    let page = manage_page(&token);
    let result = async {
        let state = app_state()?;
        let booking_id = bookings::booking_of_link(&state, &token)?;
        bookings::cancel(&state, bookings::Actor::Link, booking_id).await
    }
    .await;
    forms::finish_form(result, &page, &format!("{page}?cancelled=1"))
}

/// What moving the booking a manage link opens to room type `room_id` and new dates costs,
/// and whether a room is free then.
#[server(endpoint = "change_quote")]
pub async fn get_change_quote(
    token: String,
    room_id: String,
    date_from: String,
    date_to: String,
) -> Result<ChangeQuote, AppError> {
    use crate::server::{accounts::session::app_state, bookings, with_status};

    let state = app_state()?;
    async {
        let booking_id = bookings::booking_of_link(&state, &token)?;
        let guests = (None, None);
        let (room_id, stay, _) =
            booking_request(&room_id, strict_stay(&date_from, &date_to, &state), guests)?;
        bookings::change_quote(&state, bookings::Actor::Link, booking_id, room_id, stay).await
    }
    .await
    .map_err(with_status)
}

/// Moves the booking a manage link opens to room type `room_id` and new dates; then back to
/// its page.
#[server(endpoint = "change_booking")]
pub async fn change_booking(
    token: String,
    room_id: String,
    date_from: String,
    date_to: String,
) -> Result<Booking, AppError> {
    use crate::model::navigation::with_query;
    use crate::server::{accounts::session::app_state, bookings, forms};

    let page = manage_page(&token);
    let result = async {
        let state = app_state()?;
        let booking_id = bookings::booking_of_link(&state, &token)?;
        let guests = (None, None);
        let (room_id, stay, _) =
            booking_request(&room_id, strict_stay(&date_from, &date_to, &state), guests)?;
        bookings::change(&state, bookings::Actor::Link, booking_id, room_id, stay).await
    }
    .await;
    let form_page = with_query(
        &page,
        &[
            ("room_id", &room_id),
            ("date_from", &date_from),
            ("date_to", &date_to),
        ],
    );
    forms::finish_form(result, &form_page, &format!("{page}?changed=1"))
}
