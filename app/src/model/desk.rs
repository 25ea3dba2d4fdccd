//! The front desk's bookings: where a stay stands (booked, in house, checked out, no-show,
//! cancelled), what staff may do with it on a given day, and the bookings list's filter as a
//! form sends it and as parsed. Plain serde types, like the rest of the model.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::back_office::AuditEntry;
use super::{Booking, BookingId, BookingReference, HotelId, Money, RoomId, parse_iso_date};

/// Where a booking stands at the front desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskStatus {
    /// Made, the guest not arrived (yet).
    Booked,
    /// Checked in, not out.
    InHouse,
    CheckedOut,
    /// The guest never came (marked on or after the arrival day).
    NoShow,
    Cancelled,
}

impl DeskStatus {
    pub const ALL: [DeskStatus; 5] = [
        DeskStatus::Booked,
        DeskStatus::InHouse,
        DeskStatus::CheckedOut,
        DeskStatus::NoShow,
        DeskStatus::Cancelled,
    ];

    /// Its name in URLs, CSV and the database's filters.
    pub fn as_str(self) -> &'static str {
        match self {
            DeskStatus::Booked => "booked",
            DeskStatus::InHouse => "in_house",
            DeskStatus::CheckedOut => "checked_out",
            DeskStatus::NoShow => "no_show",
            DeskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }
}

/// What staff do with a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskAction {
    CheckIn,
    CheckOut,
    NoShow,
    /// Cancel on the hotel's side, whatever the guest's terms, with a reason the guest is told.
    Cancel,
}

impl DeskAction {
    pub const ALL: [DeskAction; 4] = [
        DeskAction::CheckIn,
        DeskAction::CheckOut,
        DeskAction::NoShow,
        DeskAction::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeskAction::CheckIn => "check_in",
            DeskAction::CheckOut => "check_out",
            DeskAction::NoShow => "no_show",
            DeskAction::Cancel => "cancel",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
    }

    /// The one rule of the front desk: whether a booking in `status` for `[date_from,
    /// date_to)` may take this action on the hotel's `today`. Check-in from the arrival day
    /// until the last night; a no-show from the arrival day on; check-out once checked in; a
    /// cancellation before the guest arrives and before the stay ends.
    pub fn allowed(
        self,
        status: DeskStatus,
        date_from: NaiveDate,
        date_to: NaiveDate,
        today: NaiveDate,
    ) -> bool {
        match self {
            DeskAction::CheckIn => {
                status == DeskStatus::Booked && date_from <= today && today < date_to
            }
            DeskAction::NoShow => status == DeskStatus::Booked && date_from <= today,
            DeskAction::CheckOut => status == DeskStatus::InHouse,
            DeskAction::Cancel => status == DeskStatus::Booked && today < date_to,
        }
    }

    /// The status after the action.
    pub fn status_after(self) -> DeskStatus {
        match self {
            DeskAction::CheckIn => DeskStatus::InHouse,
            DeskAction::CheckOut => DeskStatus::CheckedOut,
            DeskAction::NoShow => DeskStatus::NoShow,
            DeskAction::Cancel => DeskStatus::Cancelled,
        }
    }
}

/// The actions a booking allows on `today`, in the order pages offer them.
pub fn actions(
    status: DeskStatus,
    date_from: NaiveDate,
    date_to: NaiveDate,
    today: NaiveDate,
) -> Vec<DeskAction> {
    DeskAction::ALL
        .into_iter()
        .filter(|action| action.allowed(status, date_from, date_to, today))
        .collect()
}

/// The longest cancellation reason staff may give.
pub const MAX_REASON_CHARS: usize = 500;

/// A cancellation reason as given: trimmed, 1 to [`MAX_REASON_CHARS`] characters.
pub fn parse_reason(raw: &str) -> Result<String, DeskError> {
    let reason = raw.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(DeskError::Reason);
    }
    Ok(reason.to_owned())
}

/// A booking as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskBooking {
    pub id: BookingId,
    pub reference: BookingReference,
    pub hotel_id: HotelId,
    pub hotel_name: String,
    pub room_id: RoomId,
    pub room_name: String,
    pub guest_name: Option<String>,
    pub email: String,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub total_cost: Money,
    pub booked_at: DateTime<Utc>,
    pub status: DeskStatus,
}

/// Bookings a list page shows.
pub const BOOKINGS_PAGE: u32 = 50;

/// The order of the bookings list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingSort {
    /// By check-in day, earliest first (the front desk's day).
    #[default]
    CheckIn,
    /// By check-in day, latest first.
    CheckInDesc,
    /// Newest bookings first.
    Booked,
    /// Dearest stays first.
    Total,
}

impl BookingSort {
    pub const ALL: [BookingSort; 4] = [
        BookingSort::CheckIn,
        BookingSort::CheckInDesc,
        BookingSort::Booked,
        BookingSort::Total,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BookingSort::CheckIn => "check_in",
            BookingSort::CheckInDesc => "check_in_desc",
            BookingSort::Booked => "booked",
            BookingSort::Total => "total",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == raw)
    }
}

/// The bookings list's filter as a form (or the URL) sends it: every field as typed, empty
/// when not used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingFilterForm {
    pub hotel_id: String,
    /// Stays with a night on or after this day...
    pub stay_from: String,
    /// ... and on or before this day.
    pub stay_to: String,
    /// Booked on or after this day (UTC)...
    pub booked_from: String,
    /// ... and on or before this day.
    pub booked_to: String,
    pub status: String,
    /// A guest's email (or part of it), name, or a booking's reference.
    pub q: String,
    pub sort: String,
    pub page: String,
}

impl BookingFilterForm {
    /// The fields by name, as the list page's URL and the CSV link carry them.
    pub fn fields(&self) -> [(&'static str, &str); 9] {
        [
            ("hotel_id", &self.hotel_id),
            ("stay_from", &self.stay_from),
            ("stay_to", &self.stay_to),
            ("booked_from", &self.booked_from),
            ("booked_to", &self.booked_to),
            ("status", &self.status),
            ("q", &self.q),
            ("sort", &self.sort),
            ("page", &self.page),
        ]
    }

    /// The filter a URL carries: `get(name)` gives a field's value, if present.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> Self {
        let field = |name: &str| get(name).unwrap_or_default();
        BookingFilterForm {
            hotel_id: field("hotel_id"),
            stay_from: field("stay_from"),
            stay_to: field("stay_to"),
            booked_from: field("booked_from"),
            booked_to: field("booked_to"),
            status: field("status"),
            q: field("q"),
            sort: field("sort"),
            page: field("page"),
        }
    }

    /// The fields that are set, without the page: what a link to another page or to the CSV
    /// export carries.
    pub fn set_fields(&self) -> Vec<(&'static str, &str)> {
        self.fields()
            .into_iter()
            .filter(|(name, value)| *name != "page" && !value.trim().is_empty())
            .collect()
    }

    /// The filter, if every field that is set reads.
    pub fn parse(&self) -> Result<BookingFilter, DeskError> {
        fn text(raw: &str) -> Option<&str> {
            Some(raw.trim()).filter(|raw| !raw.is_empty())
        }
        let date = |raw: &str| match text(raw) {
            Some(raw) => parse_iso_date(raw).map(Some).ok_or(DeskError::Dates),
            None => Ok(None),
        };
        let range = |from: &str, to: &str| {
            let (from, to) = (date(from)?, date(to)?);
            match (from, to) {
                (Some(from), Some(to)) if to < from => Err(DeskError::Dates),
                _ => Ok((from, to)),
            }
        };
        let (stay_from, stay_to) = range(&self.stay_from, &self.stay_to)?;
        let (booked_from, booked_to) = range(&self.booked_from, &self.booked_to)?;
        let page = match text(&self.page) {
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|page| (1..=MAX_PAGE).contains(page))
                .ok_or(DeskError::Page)?,
            None => 1,
        };
        Ok(BookingFilter {
            hotel_id: text(&self.hotel_id)
                .map(|raw| HotelId::parse(raw).ok_or(DeskError::Hotel))
                .transpose()?,
            stay_from,
            stay_to,
            booked_from,
            booked_to,
            status: text(&self.status)
                .map(|raw| DeskStatus::parse(raw).ok_or(DeskError::Status))
                .transpose()?,
            query: text(&self.q).map(|q| q.chars().take(MAX_QUERY_CHARS).collect()),
            sort: text(&self.sort)
                .map(|raw| BookingSort::parse(raw).ok_or(DeskError::Sort))
                .transpose()?
                .unwrap_or_default(),
            page,
        })
    }
}

/// Pages past this one are refused (a list that long is searched, not paged).
pub const MAX_PAGE: u32 = 10_000;

/// A search text is cut to this many characters.
const MAX_QUERY_CHARS: usize = 200;

/// Which bookings a list (or its CSV) holds. Dates are inclusive days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingFilter {
    pub hotel_id: Option<HotelId>,
    pub stay_from: Option<NaiveDate>,
    pub stay_to: Option<NaiveDate>,
    pub booked_from: Option<NaiveDate>,
    pub booked_to: Option<NaiveDate>,
    pub status: Option<DeskStatus>,
    pub query: Option<String>,
    pub sort: BookingSort,
    /// From 1.
    pub page: u32,
}

impl BookingFilter {
    /// The search text as a booking reference, if it can be one.
    pub fn reference(&self) -> Option<BookingReference> {
        self.query.as_deref().and_then(BookingReference::parse)
    }
}

/// One page of the bookings list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingList {
    pub bookings: Vec<DeskBooking>,
    pub page: u32,
    pub has_more: bool,
    /// The hotels the reader runs, for the filter (id, name); `None` when there are too many
    /// to choose from (the filter then takes a hotel's id).
    pub hotels: Option<Vec<(HotelId, String)>>,
}

/// An email the app sent, or tried to, about a booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingEmail {
    /// `confirmation`, `cancellation`, `change`, `reminder_3_days`, ...
    pub kind: String,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Given up after its retries.
    pub failed_at: Option<DateTime<Utc>>,
    pub attempts: i32,
}

/// A booking's back-office page: the booking with its guest, nights and prices, where it
/// stands, what staff may do now, its history and its emails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskBookingPage {
    pub summary: DeskBooking,
    pub booking: Booking,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub no_show_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub actions: Vec<DeskAction>,
    pub history: Vec<AuditEntry>,
    pub emails: Vec<BookingEmail>,
}

/// What is wrong with a bookings filter or a front-desk action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DeskError {
    #[error("hotel_id: not a hotel id")]
    Hotel,
    #[error("dates: YYYY-MM-DD, the first not after the last")]
    Dates,
    #[error("status: booked, in_house, checked_out, no_show or cancelled")]
    Status,
    #[error("sort: check_in, check_in_desc, booked or total")]
    Sort,
    #[error("page: a number from 1 to 10000")]
    Page,
    #[error("action: check_in, check_out, no_show or cancel")]
    Action,
    #[error("reason: say why, in 1 to 500 characters")]
    Reason,
    /// The booking's state or dates do not allow the action now.
    #[error("this booking does not allow that now")]
    NotNow,
    /// A figures page's year out of the years offered.
    #[error("year: five years back to two ahead")]
    Year,
}

impl DeskError {
    pub const ALL: [DeskError; 9] = [
        DeskError::Hotel,
        DeskError::Dates,
        DeskError::Status,
        DeskError::Sort,
        DeskError::Page,
        DeskError::Action,
        DeskError::Reason,
        DeskError::NotNow,
        DeskError::Year,
    ];

    /// A stable code (carried in URLs after a no-JavaScript post).
    pub fn code(self) -> &'static str {
        match self {
            DeskError::Hotel => "hotel",
            DeskError::Dates => "dates",
            DeskError::Status => "status",
            DeskError::Sort => "sort",
            DeskError::Page => "page",
            DeskError::Action => "action",
            DeskError::Reason => "reason",
            DeskError::NotNow => "not_now",
            DeskError::Year => "year",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|error| error.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        parse_iso_date(raw).unwrap()
    }

    #[test]
    fn the_desk_rule_by_day_and_status() {
        let (from, to) = (day("2026-12-10"), day("2026-12-12"));
        let allowed =
            |action: DeskAction, status, today: &str| action.allowed(status, from, to, day(today));
        use DeskAction::{Cancel, CheckIn, CheckOut};
        use DeskStatus::{Booked, Cancelled, CheckedOut, InHouse};
        assert!(
            !allowed(CheckIn, Booked, "2026-12-09"),
            "not before arrival"
        );
        assert!(allowed(CheckIn, Booked, "2026-12-10"));
        assert!(allowed(CheckIn, Booked, "2026-12-11"), "late arrival");
        assert!(!allowed(CheckIn, Booked, "2026-12-12"), "the stay is over");
        assert!(!allowed(CheckIn, Cancelled, "2026-12-10"));
        assert!(!allowed(DeskAction::NoShow, Booked, "2026-12-09"));
        assert!(allowed(DeskAction::NoShow, Booked, "2026-12-10"));
        assert!(allowed(DeskAction::NoShow, Booked, "2026-12-20"));
        assert!(!allowed(DeskAction::NoShow, InHouse, "2026-12-10"));
        assert!(allowed(CheckOut, InHouse, "2026-12-11"), "early departure");
        assert!(!allowed(CheckOut, Booked, "2026-12-12"));
        assert!(!allowed(CheckOut, CheckedOut, "2026-12-12"));
        assert!(allowed(Cancel, Booked, "2026-12-01"));
        assert!(allowed(Cancel, Booked, "2026-12-11"));
        assert!(!allowed(Cancel, Booked, "2026-12-12"));
        assert!(!allowed(Cancel, InHouse, "2026-12-10"));
        assert!(!allowed(Cancel, DeskStatus::NoShow, "2026-12-10"));
        assert_eq!(
            actions(Booked, from, to, day("2026-12-10")),
            [CheckIn, DeskAction::NoShow, Cancel]
        );
        assert_eq!(actions(InHouse, from, to, day("2026-12-10")), [CheckOut]);
        assert!(actions(Cancelled, from, to, day("2026-12-10")).is_empty());
    }

    #[test]
    fn statuses_round_trip() {
        for status in DeskStatus::ALL {
            assert_eq!(DeskStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn an_empty_filter_is_everything_on_page_one() {
        let filter = BookingFilterForm::default().parse().unwrap();
        assert_eq!(
            filter,
            BookingFilter {
                page: 1,
                ..BookingFilter::default()
            }
        );
    }

    #[test]
    fn a_filter_reads_every_field() {
        let form = BookingFilterForm {
            hotel_id: "7".into(),
            stay_from: "2026-12-01".into(),
            stay_to: "2026-12-31".into(),
            booked_from: " 2026-11-01 ".into(),
            booked_to: "".into(),
            status: "in_house".into(),
            q: " vq-eh 6l4z ".into(),
            sort: "total".into(),
            page: "3".into(),
        };
        let filter = form.parse().unwrap();
        assert_eq!(filter.hotel_id, HotelId::parse("7"));
        assert_eq!(filter.stay_to, Some(day("2026-12-31")));
        assert_eq!(filter.booked_from, Some(day("2026-11-01")));
        assert_eq!(filter.booked_to, None);
        assert_eq!(filter.status, Some(DeskStatus::InHouse));
        assert_eq!(filter.sort, BookingSort::Total);
        assert_eq!(filter.page, 3);
        assert_eq!(
            filter.reference().map(|r| r.to_string()).as_deref(),
            Some("VQEH6L4Z")
        );
        let carried: Vec<&str> = form.set_fields().iter().map(|(name, _)| *name).collect();
        assert_eq!(
            carried,
            [
                "hotel_id",
                "stay_from",
                "stay_to",
                "booked_from",
                "status",
                "q",
                "sort"
            ]
        );
    }

    #[test]
    fn a_filter_refuses_what_it_cannot_read() {
        let refused = |form: BookingFilterForm| form.parse().unwrap_err();
        let base = BookingFilterForm::default;
        assert_eq!(
            refused(BookingFilterForm {
                hotel_id: "x".into(),
                ..base()
            }),
            DeskError::Hotel
        );
        assert_eq!(
            refused(BookingFilterForm {
                stay_from: "2026-13-01".into(),
                ..base()
            }),
            DeskError::Dates
        );
        assert_eq!(
            refused(BookingFilterForm {
                booked_from: "2026-12-02".into(),
                booked_to: "2026-12-01".into(),
                ..base()
            }),
            DeskError::Dates
        );
        assert_eq!(
            refused(BookingFilterForm {
                status: "gone".into(),
                ..base()
            }),
            DeskError::Status
        );
        assert_eq!(
            refused(BookingFilterForm {
                sort: "name; DROP".into(),
                ..base()
            }),
            DeskError::Sort
        );
        for page in ["0", "-1", "10001", "two"] {
            assert_eq!(
                refused(BookingFilterForm {
                    page: page.into(),
                    ..base()
                }),
                DeskError::Page
            );
        }
    }

    #[test]
    fn reasons_are_trimmed_and_bounded() {
        assert_eq!(parse_reason("  overbooked  ").unwrap(), "overbooked");
        assert_eq!(parse_reason("   "), Err(DeskError::Reason));
        assert_eq!(parse_reason(&"я".repeat(500)).unwrap().chars().count(), 500);
        assert_eq!(parse_reason(&"я".repeat(501)), Err(DeskError::Reason));
    }

    #[test]
    fn codes_round_trip() {
        for error in DeskError::ALL {
            assert_eq!(DeskError::from_code(error.code()), Some(error));
        }
        for action in DeskAction::ALL {
            assert_eq!(DeskAction::parse(action.as_str()), Some(action));
        }
        for sort in BookingSort::ALL {
            assert_eq!(BookingSort::parse(sort.as_str()), Some(sort));
        }
    }
}
