//! Inventory and rates: what a room type costs night by night and which stays its hotel's
//! restrictions refuse. The rules are `plan.rs` (pure, one home for every path); this service
//! loads a room type's rows into a [`RoomRates`]. Availability itself (rooms per night) is the
//! catalog's `booked_nights`.
pub mod calendar;
mod plan;
mod repo;

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgConnection;

pub use self::plan::{RateChange, RateRule, Restriction, RoomRates, Weekdays};
pub(in crate::server) use self::repo::{RateRow, rate_rows_sql};
use crate::error::AppError;
use crate::model::{Money, Occupancy, Party, RoomId, StayDates, StayRefusal};

/// The rates of room types with base prices `rooms`, as far as the dates `[from, to)` go (a
/// stay's nights, or everything from today for the search index).
pub async fn for_rooms(
    conn: &mut PgConnection,
    rooms: &[(RoomId, Money)],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<RoomId, RoomRates>, AppError> {
    let ids: Vec<RoomId> = rooms.iter().map(|(id, _)| *id).collect();
    let mut rows = repo::rows_for_rooms(conn, &ids, from, to).await?;
    Ok(rooms
        .iter()
        .map(|&(id, base)| (id, plan(base, rows.remove(&id))))
        .collect())
}

/// The rates of room type `room_id` with base price `base`, from rows of [`rate_rows_sql`]
/// read by the caller (a booking reads them in the statement that locks the room type).
pub(in crate::server) fn from_rows(
    room_id: RoomId,
    base: Money,
    rows: impl IntoIterator<Item = RateRow>,
) -> Result<RoomRates, AppError> {
    Ok(plan(base, repo::by_room(rows)?.remove(&room_id)))
}

fn plan(base: Money, rows: Option<repo::RoomRows>) -> RoomRates {
    match rows {
        Some(rows) => RoomRates::new(base, rows.rules, rows.overrides, rows.restrictions),
        None => RoomRates::flat(base),
    }
}

/// The guests a room type takes, from its columns (which the schema keeps within 0..=20).
pub fn occupancy(max_adults: i16, max_children: i16) -> Occupancy {
    let guests = |n: i16| u8::try_from(n).unwrap_or(0);
    Occupancy {
        max_adults: guests(max_adults),
        max_children: guests(max_children),
    }
}

/// Whether a room type with `occupancy` and `rates` may be booked for `stay` by `party` (any
/// party, if `None`): the one check of search, the hotel page and booking.
pub fn refusal(
    occupancy: Occupancy,
    rates: &RoomRates,
    stay: StayDates,
    party: Option<Party>,
) -> Option<StayRefusal> {
    party
        .and_then(|party| party_refusal(occupancy, party))
        .or_else(|| rates.refusal(stay))
}

/// The refusal of a room type with `occupancy` for a party it does not take.
pub fn party_refusal(occupancy: Occupancy, party: Party) -> Option<StayRefusal> {
    (!occupancy.fits(party)).then_some(StayRefusal::TooManyGuests {
        max_adults: occupancy.max_adults,
        max_children: occupancy.max_children,
    })
}
