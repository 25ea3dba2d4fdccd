use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::PictureRef;

/// A booking: one room of a room type for `[date_from, date_to)`, at the price a night it had
/// when booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub id: i32,
    pub room_id: i32,
    pub user_id: i32,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub price: i64,
    pub total_cost: i64,
    pub total_days: i32,
    pub cancelled: bool,
}

/// A booking with what the guest needs to recognise it: hotel, room, picture, amenities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDetails {
    pub booking: Booking,
    pub hotel_id: i32,
    pub hotel_name: String,
    pub hotel_location: String,
    pub room_name: String,
    pub room_description: Option<String>,
    pub services: Vec<String>,
    pub picture: Option<PictureRef>,
}

impl BookingDetails {
    /// Whether the guest can still cancel: not cancelled, and check-in is today or later.
    pub fn cancellable(&self, today: NaiveDate) -> bool {
        !self.booking.cancelled && self.booking.date_from >= today
    }
}

/// What booking a room type for a stay will cost, shown before the guest confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingQuote {
    pub hotel: super::Hotel,
    pub offer: super::RoomOffer,
    pub stay: super::StayDates,
}
