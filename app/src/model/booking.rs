use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BookingId, HotelId, Money, PictureRef, RoomId, UserId};

/// A booking: one room of a room type for `[date_from, date_to)`, at the prices its nights had
/// when booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub id: BookingId,
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

/// What booking a room type for a stay will cost, shown before the guest confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingQuote {
    pub hotel: super::Hotel,
    pub offer: super::RoomOffer,
    pub stay: super::StayDates,
    pub party: super::Party,
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
            room_id: RoomId::from(1),
            user_id: UserId::from(1),
            date_from: day(from),
            date_to: day(to),
            price: Money::from_roubles(1000),
            nights: vec![Money::from_roubles(1000); 2],
            total_cost: Money::from_roubles(2000),
            total_days: 2,
            cancelled,
        }
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
