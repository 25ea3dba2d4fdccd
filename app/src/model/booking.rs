use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BookingId, HotelId, Money, PictureRef, RoomId, UserId};

/// A booking: one room of a room type for `[date_from, date_to)`, at the prices its nights had
/// when booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub id: BookingId,
    /// What the guest and the hotel call it (derived from `id` by the database).
    pub reference: BookingReference,
    pub room_id: RoomId,
    pub user_id: UserId,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    /// The room type's base price a night when booked.
    pub price: Money,
    /// What each night cost when booked, from check-in.
    pub nights: Vec<Money>,
    /// The sum of `nights`.
    pub total_cost: Money,
    pub total_days: i32,
    pub cancelled: bool,
    /// Who stays and what they asked of the hotel.
    pub guest: super::GuestDetails,
}

/// A booking's reference: eight characters of an alphabet without 0/O and 1/I (the database's
/// `booking_reference` makes them from the booking's id, unique by construction).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BookingReference(String);

impl BookingReference {
    pub const ALPHABET: &'static str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    pub const LEN: usize = 8;

    /// A reference as a person types it: any case, with spaces or hyphens between the
    /// characters; `None` if it cannot be one.
    pub fn parse(raw: &str) -> Option<Self> {
        let code: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == Self::LEN && code.chars().all(|c| Self::ALPHABET.contains(c)))
            .then_some(BookingReference(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BookingReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A booking with what the guest needs to recognise it: hotel, room, picture, amenities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDetails {
    pub booking: Booking,
    pub hotel_id: HotelId,
    pub hotel_name: String,
    pub hotel_location: String,
    pub room_name: String,
    pub room_description: Option<String>,
    pub services: Vec<String>,
    pub picture: Option<PictureRef>,
    /// Where the booking stands on the server's calendar day (not the browser's).
    pub stage: BookingStage,
    /// Whether the guest may still cancel it, decided on the server by [`Booking::cancellable`].
    pub cancellable: bool,
}

/// Where a booking stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStage {
    /// Check-in is ahead, or the guest is staying (check-out still ahead).
    Upcoming,
    /// Checked out: the check-out day has come.
    Past,
    Cancelled,
}

impl Booking {
    /// The cancellation rule of the whole app (the page's link, the cancel itself, the API):
    /// a live booking can be cancelled until its check-in day, that day included, on the
    /// server's calendar.
    pub fn cancellable(&self, today: NaiveDate) -> bool {
        !self.cancelled && self.date_from >= today
    }

    /// Where the booking stands on `today`.
    pub fn stage(&self, today: NaiveDate) -> BookingStage {
        if self.cancelled {
            BookingStage::Cancelled
        } else if self.date_to <= today {
            BookingStage::Past
        } else {
            BookingStage::Upcoming
        }
    }
}

/// A room held for the guest while they confirm: counted like a booking, so nobody else can
/// take it, until `expires_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The same instant on the server's clock, as the page shows it: decided on the server, so
    /// the page hydrates to the same text in a browser of any time zone.
    pub deadline: chrono::NaiveTime,
}

/// What booking a room type for a stay will cost, shown before the guest confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingQuote {
    pub hotel: super::Hotel,
    pub offer: super::RoomOffer,
    pub stay: super::StayDates,
    pub party: super::Party,
    /// The account's name, to fill the guest's name in with.
    pub account_name: Option<String>,
    /// The room held for the guest meanwhile (none when no room is free or the rules refuse).
    pub hold: Option<Hold>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        crate::model::parse_iso_date(raw).unwrap()
    }

    fn booking(from: &str, to: &str, cancelled: bool) -> Booking {
        Booking {
            id: BookingId::from(1),
            reference: BookingReference::parse("VQEH6L4Z").unwrap(),
            room_id: RoomId::from(1),
            user_id: UserId::from(1),
            date_from: day(from),
            date_to: day(to),
            price: Money::from_roubles(1000),
            nights: vec![Money::from_roubles(1000); 2],
            total_cost: Money::from_roubles(2000),
            total_days: 2,
            cancelled,
            guest: crate::model::GuestDetails::default(),
        }
    }

    #[test]
    fn references_are_read_as_typed_but_never_with_0_o_1_i() {
        let parsed = BookingReference::parse(" vqeh-6l4z ").unwrap();
        assert_eq!(parsed.as_str(), "VQEH6L4Z");
        for raw in [
            "VQEH6L4",
            "VQEH6L4ZZ",
            "VQEH0L4Z",
            "VQEHOL4Z",
            "VQEH1L4Z",
            "VQEHIL4Z",
            "",
        ] {
            assert_eq!(BookingReference::parse(raw), None, "{raw:?}");
        }
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"VQEH6L4Z\"");
    }

    #[test]
    fn cancellable_until_the_check_in_day_included() {
        let stay = booking("2026-12-10", "2026-12-12", false);
        assert!(stay.cancellable(day("2026-12-09")), "the day before");
        assert!(stay.cancellable(day("2026-12-10")), "check-in day");
        assert!(!stay.cancellable(day("2026-12-11")), "during the stay");
        assert!(!booking("2026-12-10", "2026-12-12", true).cancellable(day("2026-12-01")));
    }

    #[test]
    fn a_stay_is_past_from_its_check_out_day() {
        let stay = booking("2026-12-10", "2026-12-12", false);
        assert_eq!(stay.stage(day("2026-12-11")), BookingStage::Upcoming);
        assert_eq!(stay.stage(day("2026-12-12")), BookingStage::Past);
        let cancelled = booking("2026-12-10", "2026-12-12", true);
        assert_eq!(cancelled.stage(day("2026-12-01")), BookingStage::Cancelled);
    }
}
