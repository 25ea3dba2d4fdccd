use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
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
    /// The cancellation terms it was made under.
    pub terms: CancellationTerms,
}

/// What the guest may do about a booking once made: cancel (or change) it free of charge until
/// a moment, or not at all. A room type's terms fix the moment for a stay (see the database's
/// `cancellation_deadline`); a booking keeps the moment it was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CancellationTerms {
    /// Free until `until`; `local` is the same moment on the hotel's clock, as pages and
    /// emails show it (decided on the server: no time zone database in the browser).
    FreeUntil {
        until: DateTime<Utc>,
        local: NaiveDateTime,
    },
    NonRefundable,
}

impl CancellationTerms {
    /// Terms read from the database: the deadline and its local time, or none (non-refundable).
    pub fn from_deadline(until: Option<DateTime<Utc>>, local: Option<NaiveDateTime>) -> Self {
        match (until, local) {
            (Some(until), Some(local)) => CancellationTerms::FreeUntil { until, local },
            _ => CancellationTerms::NonRefundable,
        }
    }

    /// Whether cancelling at `now` is still free.
    pub fn free_at(&self, now: DateTime<Utc>) -> bool {
        matches!(self, CancellationTerms::FreeUntil { until, .. } if now < *until)
    }
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
    /// The English names, for pages in English.
    #[serde(default)]
    pub hotel_name_en: Option<String>,
    #[serde(default)]
    pub room_name_en: Option<String>,
    pub services: Vec<String>,
    pub picture: Option<PictureRef>,
    /// Where the booking stands on the server's calendar day (not the browser's).
    pub stage: BookingStage,
    /// Whether the guest may still cancel or change it, decided on the server by
    /// [`Booking::cancellable`].
    pub cancellable: bool,
    /// The signed link that opens it without signing in (`/manage/{token}`), until check-out.
    pub manage_token: Option<String>,
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
    /// The cancellation rule of the whole app (pages, the cancel itself, a change of dates, the
    /// API): a live booking can be cancelled or changed while its terms keep that free.
    pub fn cancellable(&self, now: DateTime<Utc>) -> bool {
        !self.cancelled && self.terms.free_at(now)
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

/// The two halves of "my bookings": what is ahead, and what is over (stayed or cancelled).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingsTab {
    /// Live bookings whose check-out is ahead, soonest first.
    #[default]
    Upcoming,
    /// Past and cancelled bookings, latest first.
    Past,
}

impl BookingsTab {
    /// `?tab=past`; anything else is the upcoming bookings (a shared link never fails).
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("past") => BookingsTab::Past,
            _ => BookingsTab::Upcoming,
        }
    }

    /// The tab that shows a booking at `stage`.
    pub fn of(stage: BookingStage) -> Self {
        match stage {
            BookingStage::Upcoming => BookingsTab::Upcoming,
            BookingStage::Past | BookingStage::Cancelled => BookingsTab::Past,
        }
    }

    /// The tab's address, at `page`.
    pub fn href(self, page: u32) -> String {
        let tab = match self {
            BookingsTab::Upcoming => None,
            BookingsTab::Past => Some("tab=past"),
        };
        let page = (page > 1).then(|| format!("page={page}"));
        let query: Vec<String> = tab.map(str::to_owned).into_iter().chain(page).collect();
        if query.is_empty() {
            "/bookings".to_owned()
        } else {
            format!("/bookings?{}", query.join("&"))
        }
    }
}

/// One page of the guest's bookings, with how many each tab holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBookings {
    pub bookings: Vec<BookingDetails>,
    pub tab: BookingsTab,
    pub page: u32,
    pub has_more: bool,
    pub upcoming: i64,
    pub past: i64,
}

impl MyBookings {
    /// Bookings a page: a guest with hundreds gets pages, not a page of megabytes.
    pub const PAGE_SIZE: u32 = 20;
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
    /// The cancellation terms of a booking made now.
    pub terms: CancellationTerms,
    /// The guest's own live booking of this room type for these dates, if any: coming back to
    /// the page after booking (the browser's back button) shows it, not the form again.
    pub booked: Option<BookingId>,
}

/// What moving a booking to other dates (or to another room type of its hotel) would give,
/// shown before the guest confirms the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeQuote {
    pub current: BookingDetails,
    /// The room type for the new stay: its nights' prices and total, and the rooms left with
    /// the booking's own nights not counted against it.
    pub offer: super::RoomOffer,
    pub stay: super::StayDates,
    /// The new total less the current one (negative: the stay costs less).
    pub difference: Money,
    /// The hotel's room types to choose from.
    pub rooms: Vec<(RoomId, String)>,
    /// The cancellation terms the changed booking gets.
    pub terms: CancellationTerms,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookings_tabs_round_trip_through_their_addresses() {
        assert_eq!(BookingsTab::Upcoming.href(1), "/bookings");
        assert_eq!(BookingsTab::Upcoming.href(3), "/bookings?page=3");
        assert_eq!(BookingsTab::Past.href(1), "/bookings?tab=past");
        assert_eq!(BookingsTab::Past.href(2), "/bookings?tab=past&page=2");
        assert_eq!(BookingsTab::parse(Some("past")), BookingsTab::Past);
        assert_eq!(BookingsTab::parse(Some("nonsense")), BookingsTab::Upcoming);
        assert_eq!(BookingsTab::parse(None), BookingsTab::Upcoming);
        assert_eq!(BookingsTab::of(BookingStage::Cancelled), BookingsTab::Past);
        assert_eq!(
            BookingsTab::of(BookingStage::Upcoming),
            BookingsTab::Upcoming
        );
    }

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
            terms: CancellationTerms::FreeUntil {
                until: instant("2026-12-10T11:00:00Z"),
                local: day(from).and_hms_opt(14, 0, 0).unwrap(),
            },
        }
    }

    fn instant(raw: &str) -> DateTime<Utc> {
        raw.parse().unwrap()
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
    fn cancellable_until_the_deadline_excluded() {
        let stay = booking("2026-12-10", "2026-12-12", false);
        assert!(stay.cancellable(instant("2026-12-01T00:00:00Z")));
        assert!(
            stay.cancellable(instant("2026-12-10T10:59:59Z")),
            "a second before"
        );
        assert!(
            !stay.cancellable(instant("2026-12-10T11:00:00Z")),
            "the deadline"
        );
        let cancelled = booking("2026-12-10", "2026-12-12", true);
        assert!(!cancelled.cancellable(instant("2026-12-01T00:00:00Z")));
        let mut strict = stay;
        strict.terms = CancellationTerms::NonRefundable;
        assert!(!strict.cancellable(instant("2026-12-01T00:00:00Z")));
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
