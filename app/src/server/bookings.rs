//! The booking rules, shared by pages, server functions and the HTTP API: parse the input,
//! book or cancel through the repository (which queues the email in the same transaction),
//! then move the catalog cache on so nobody sees the old availability.
mod manage_link;
mod repo;

pub use self::manage_link::ManageLinks;
pub(in crate::server) use self::repo::{BOOKING_COLUMNS, BookingRow};
use self::repo::{BookingChange, BookingRepo, ListContext};
use super::metrics::metrics;
use super::state::AppState;
use super::{accounts, catalog, rates};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{
    Booking, BookingDetails, BookingId, BookingQuote, BookingsTab, CancellationTerms, ChangeQuote,
    GuestDetails, MyBookings, Party, RoomId, StayDates, UserId,
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
    let terms = terms_now(state, room_id, stay).await?;
    Ok(BookingQuote {
        hotel: details.hotel,
        offer,
        stay,
        party,
        account_name,
        hold: None,
        terms,
        booked: None,
    })
}

/// The terms a booking of room type `room_id` for `stay` made now gets; a deadline already
/// past is no free cancellation at all, and is shown as such.
async fn terms_now(
    state: &AppState,
    room_id: RoomId,
    stay: StayDates,
) -> Result<CancellationTerms, AppError> {
    let terms = BookingRepo::new(&state.db)
        .terms(room_id, stay.check_in())
        .await?;
    Ok(if terms.free_at(state.clock.now()) {
        terms
    } else {
        CancellationTerms::NonRefundable
    })
}

/// The book page's quote with a room held for the guest meanwhile (`HOLD_MINUTES`), or their
/// live hold for this room type and stay found again. No hold when the hotel's rules refuse
/// the stay or no room is free (the quote then says so), nor when the guest already booked
/// this room type for these dates, unless they ask for `another` room (the quote names the
/// booking).
#[tracing::instrument(skip(state), fields(check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn hold(
    state: &AppState,
    user_id: UserId,
    room_id: RoomId,
    stay: StayDates,
    party: Party,
    another: bool,
) -> Result<BookingQuote, AppError> {
    let mut quote = quote(state, Some(user_id), room_id, stay, party).await?;
    if !another {
        quote.booked = BookingRepo::new(&state.db)
            .booked_by(user_id, room_id, stay)
            .await?;
    }
    if quote.offer.refusal.is_some() || quote.booked.is_some() {
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
                catalog::booking_changed(state, hotel_id, &[dates], origin_tx).await;
                metrics().holds.inc();
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
        catalog::booking_changed(state, hotel_id, &[dates], origin_tx).await;
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
    locale: Locale,
) -> Result<Booking, AppError> {
    let change = BookingRepo::new(&state.db)
        .create(user_id, room_id, stay, party, guest, locale)
        .await?;
    // The change's transaction logged what it made stale; delivering it now lets this guest
    // see their own booking at once (every process's relay delivers it should Redis fail).
    announce(state, &change).await;
    metrics().bookings.inc();
    tracing::info!(booking = %change.booking.id, "booked");
    Ok(change.booking)
}

/// Who acts on a booking: its guest, signed in, or whoever opened its manage link (the link
/// names the booking; see [`ManageLinks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Guest(UserId),
    Link,
}

impl Actor {
    /// The owner the repository must match (any, for a verified link).
    fn owner(self) -> Option<UserId> {
        match self {
            Actor::Guest(user_id) => Some(user_id),
            Actor::Link => None,
        }
    }
}

/// The booking a manage link opens now; `NotFound` for a bad, foreign or expired one.
pub fn booking_of_link(state: &AppState, token: &str) -> Result<BookingId, AppError> {
    state
        .auth
        .links
        .verify(token, state.clock.now())
        .ok_or(AppError::NotFound)
}

/// Cancels a booking if [`Booking::cancellable`] now (`NotCancellable` otherwise).
#[tracing::instrument(skip(state))]
pub async fn cancel(state: &AppState, actor: Actor, booking_id: BookingId) -> Result<(), AppError> {
    let change = BookingRepo::new(&state.db)
        .cancel(booking_id, actor.owner(), state.clock.now())
        .await?;
    announce(state, &change).await;
    metrics().cancellations.inc();
    tracing::info!("booking cancelled");
    Ok(())
}

/// What moving a booking to room type `room_id` (of its hotel) and `stay` would cost, night by
/// night, and whether a room is free then with the booking's own nights not counted.
#[tracing::instrument(skip(state), fields(check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn change_quote(
    state: &AppState,
    actor: Actor,
    booking_id: BookingId,
    room_id: RoomId,
    stay: StayDates,
) -> Result<ChangeQuote, AppError> {
    let current = details(state, actor, booking_id).await?;
    let hotel = catalog::hotel_details(state, current.hotel_id, stay, None).await?;
    let rooms: Vec<(RoomId, String)> = hotel
        .rooms
        .iter()
        .map(|offer| (offer.room.id, offer.room.name.clone()))
        .collect();
    let mut offer = hotel
        .rooms
        .into_iter()
        .find(|offer| offer.room.id == room_id)
        .ok_or(AppError::NotFound)?;
    let booked = BookingRepo::new(&state.db)
        .booked_except(room_id, stay, &current.booking)
        .await?;
    offer.rooms_left = (i64::from(offer.room.quantity) - booked).max(0);
    let terms = terms_now(state, room_id, stay).await?;
    Ok(ChangeQuote {
        difference: offer.total_cost - current.booking.total_cost,
        current,
        offer,
        stay,
        rooms,
        terms,
    })
}

/// Moves a booking to room type `room_id` of its hotel and `stay` (see `BookingRepo::change`);
/// the guest gets a "booking changed" email.
#[tracing::instrument(skip(state), fields(check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn change(
    state: &AppState,
    actor: Actor,
    booking_id: BookingId,
    room_id: RoomId,
    stay: StayDates,
) -> Result<Booking, AppError> {
    let change = BookingRepo::new(&state.db)
        .change(booking_id, actor.owner(), room_id, stay, state.clock.now())
        .await?;
    announce(state, &change).await;
    tracing::info!("booking changed");
    Ok(change.booking)
}

/// Tells the caches a booking's nights changed: its stay, and the stay it had (a change).
async fn announce(state: &AppState, change: &BookingChange) {
    let stay = (change.booking.date_from, change.booking.date_to);
    let stays: Vec<_> = std::iter::once(stay).chain(change.old_stay).collect();
    catalog::booking_changed(state, change.hotel_id, &stays, change.origin_tx).await;
}

/// How listed bookings are shown right now.
fn context(state: &AppState) -> ListContext<'_> {
    ListContext {
        now: state.clock.now(),
        today: state.clock.today(),
        media: &state.media,
        links: &state.auth.links,
    }
}

/// One booking, for its guest or its manage link.
#[tracing::instrument(skip(state))]
pub async fn details(
    state: &AppState,
    actor: Actor,
    booking_id: BookingId,
) -> Result<BookingDetails, AppError> {
    BookingRepo::new(&state.db)
        .details(booking_id, actor.owner(), &context(state))
        .await
}

/// Page `page` of the user's bookings on `tab` (see [`MyBookings`]).
#[tracing::instrument(skip(state))]
pub async fn page(
    state: &AppState,
    user_id: UserId,
    tab: BookingsTab,
    page: u32,
) -> Result<MyBookings, AppError> {
    let repo = BookingRepo::new(&state.db);
    let context = context(state);
    let size = MyBookings::PAGE_SIZE;
    // One more than a page tells whether another follows.
    let window = (size + 1, (page - 1) * size);
    let (mut bookings, (upcoming, past)) = futures::try_join!(
        repo.page_for_user(user_id, tab, window, &context),
        repo.tab_counts(user_id, context.today),
    )?;
    let has_more = bookings.len() > size as usize;
    bookings.truncate(size as usize);
    Ok(MyBookings {
        bookings,
        tab,
        page,
        has_more,
        upcoming,
        past,
    })
}

/// All the user's bookings, upcoming first (the HTTP API's list).
#[tracing::instrument(skip(state))]
pub async fn list(state: &AppState, user_id: UserId) -> Result<Vec<BookingDetails>, AppError> {
    BookingRepo::new(&state.db)
        .list_for_user(user_id, &context(state))
        .await
}
