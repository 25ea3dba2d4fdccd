use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A stay: check-in and check-out dates, half-open `[check_in, check_out)`, 1 to
/// [`StayDates::MAX_NIGHTS`] nights, check-in from "today" to the end of the booking window.
///
/// Built only through [`StayDates::parse`], so holding one means every date rule passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawStay")]
pub struct StayDates {
    check_in: NaiveDate,
    check_out: NaiveDate,
}

/// The wire shape; deserialising checks order and length (not "past": that depends on when).
#[derive(Deserialize)]
struct RawStay {
    check_in: NaiveDate,
    check_out: NaiveDate,
}

impl TryFrom<RawStay> for StayDates {
    type Error = StayError;

    fn try_from(raw: RawStay) -> Result<Self, Self::Error> {
        StayDates::new(raw.check_in, raw.check_out, BookingWindow::UNBOUNDED)
    }
}

/// The check-in days a guest may book: from `today` (the server's calendar day) to
/// `horizon_days` ahead (`BOOKING_HORIZON_DAYS`). Every stay is parsed against one, so no path
/// accepts a stay in the year 8999.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingWindow {
    pub today: NaiveDate,
    pub horizon_days: u32,
}

impl BookingWindow {
    /// Any date at all (a stay read back from the wire was checked when it was made).
    pub const UNBOUNDED: BookingWindow = BookingWindow {
        today: NaiveDate::MIN,
        horizon_days: u32::MAX,
    };

    pub const DEFAULT_HORIZON_DAYS: u32 = 500;

    /// The window opening on `today`, with the default horizon.
    pub fn from_today(today: NaiveDate) -> Self {
        BookingWindow {
            today,
            horizon_days: Self::DEFAULT_HORIZON_DAYS,
        }
    }

    /// The last day a stay may start on.
    pub fn last_check_in(self) -> NaiveDate {
        self.today
            .checked_add_days(Days::new(u64::from(self.horizon_days)))
            .unwrap_or(NaiveDate::MAX)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum StayError {
    /// Not a real `YYYY-MM-DD` date (`2024-02-30`, `27.11.2026`, empty).
    #[error("{field}: expected a date as YYYY-MM-DD")]
    Malformed { field: DateField },
    #[error("check-in must be before check-out")]
    CheckOutNotAfterCheckIn,
    #[error("a stay is at most {} nights", StayDates::MAX_NIGHTS)]
    TooLong,
    #[error("check-in is in the past")]
    CheckInPast,
    #[error("check-in is beyond the booking window (bookings open a limited number of days ahead)")]
    BeyondHorizon,
}

/// Which of the two dates an error is about; names match the query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateField {
    DateFrom,
    DateTo,
}

impl DateField {
    pub const ALL: [DateField; 2] = [DateField::DateFrom, DateField::DateTo];

    pub fn name(self) -> &'static str {
        match self {
            DateField::DateFrom => "date_from",
            DateField::DateTo => "date_to",
        }
    }
}

impl std::fmt::Display for DateField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl StayError {
    /// The rules a well-formed stay can break (the errors besides `Malformed`).
    pub const RULES: [StayError; 4] = [
        StayError::CheckOutNotAfterCheckIn,
        StayError::TooLong,
        StayError::CheckInPast,
        StayError::BeyondHorizon,
    ];

    /// A stable machine-readable code, used in error details and page messages.
    pub fn code(self) -> &'static str {
        match self {
            StayError::Malformed { .. } => "malformed",
            StayError::CheckOutNotAfterCheckIn => "check_out_not_after_check_in",
            StayError::TooLong => "too_long",
            StayError::CheckInPast => "check_in_past",
            StayError::BeyondHorizon => "beyond_horizon",
        }
    }

    /// Malformed dates are request-shape errors (422 in an API); the others break a rule about
    /// the stay (400, as the original API answered).
    pub fn is_malformed(self) -> bool {
        matches!(self, StayError::Malformed { .. })
    }

    /// The parameter the error is about.
    pub fn field(self) -> &'static str {
        match self {
            StayError::Malformed { field } => field.name(),
            StayError::CheckInPast | StayError::BeyondHorizon => DateField::DateFrom.name(),
            StayError::CheckOutNotAfterCheckIn | StayError::TooLong => DateField::DateTo.name(),
        }
    }
}

/// Parses `YYYY-MM-DD` strictly: exactly four-two-two digits and a real calendar day.
pub fn parse_iso_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let bytes = raw.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

impl StayDates {
    pub const MAX_NIGHTS: i64 = 30;

    /// Checks the date rules; `window` holds the server's calendar day and the horizon.
    pub fn new(
        check_in: NaiveDate,
        check_out: NaiveDate,
        window: BookingWindow,
    ) -> Result<Self, StayError> {
        if check_out <= check_in {
            return Err(StayError::CheckOutNotAfterCheckIn);
        }
        if (check_out - check_in).num_days() > Self::MAX_NIGHTS {
            return Err(StayError::TooLong);
        }
        if check_in < window.today {
            return Err(StayError::CheckInPast);
        }
        if check_in > window.last_check_in() {
            return Err(StayError::BeyondHorizon);
        }
        Ok(StayDates {
            check_in,
            check_out,
        })
    }

    /// Parses the two query parameters, then checks the date rules.
    pub fn parse(date_from: &str, date_to: &str, window: BookingWindow) -> Result<Self, StayError> {
        let check_in = parse_iso_date(date_from).ok_or(StayError::Malformed {
            field: DateField::DateFrom,
        })?;
        let check_out = parse_iso_date(date_to).ok_or(StayError::Malformed {
            field: DateField::DateTo,
        })?;
        Self::new(check_in, check_out, window)
    }

    /// Like [`StayDates::parse`], but a link without dates (both absent or blank) gets the
    /// default stay instead of an error.
    pub fn parse_or_default(
        date_from: Option<&str>,
        date_to: Option<&str>,
        window: BookingWindow,
    ) -> Result<Self, StayError> {
        let blank = |value: Option<&str>| value.is_none_or(|value| value.trim().is_empty());
        if blank(date_from) && blank(date_to) {
            return Ok(Self::default_from(window.today));
        }
        Self::parse(date_from.unwrap_or(""), date_to.unwrap_or(""), window)
    }

    /// The default a guest sees first: tomorrow, one night.
    pub fn default_from(today: NaiveDate) -> Self {
        let check_in = today.checked_add_days(Days::new(1)).unwrap_or(today);
        let check_out = check_in.checked_add_days(Days::new(1)).unwrap_or(check_in);
        StayDates {
            check_in,
            check_out,
        }
    }

    pub fn check_in(self) -> NaiveDate {
        self.check_in
    }

    pub fn check_out(self) -> NaiveDate {
        self.check_out
    }

    /// Nights of the stay, 1..=MAX_NIGHTS.
    pub fn nights(self) -> i64 {
        (self.check_out - self.check_in).num_days()
    }

    /// The nights of the stay, in order.
    pub fn nights_iter(self) -> impl Iterator<Item = NaiveDate> {
        self.check_in.iter_days().take(self.nights() as usize)
    }

    /// `date_from=...&date_to=...`, for links that carry the stay.
    pub fn to_query(self) -> String {
        format!("date_from={}&date_to={}", self.check_in, self.check_out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        parse_iso_date(raw).unwrap()
    }

    const TODAY: &str = "2026-11-27";

    fn parse(from: &str, to: &str) -> Result<StayDates, StayError> {
        StayDates::parse(from, to, BookingWindow::from_today(day(TODAY)))
    }

    #[test]
    fn accepts_a_normal_stay() {
        let stay = parse("2026-12-01", "2026-12-05").unwrap();
        assert_eq!(stay.nights(), 4);
        assert_eq!(stay.to_query(), "date_from=2026-12-01&date_to=2026-12-05");
    }

    #[test]
    fn check_in_today_is_allowed() {
        assert!(parse(TODAY, "2026-11-28").is_ok());
    }

    #[test]
    fn rejects_impossible_calendar_days() {
        assert_eq!(
            parse("2027-02-29", "2027-03-02"),
            Err(StayError::Malformed {
                field: DateField::DateFrom
            })
        );
        assert_eq!(
            parse("2026-12-01", "2026-12-32"),
            Err(StayError::Malformed {
                field: DateField::DateTo
            })
        );
    }

    #[test]
    fn rejects_loose_formats() {
        for raw in [
            "2026-12-1",
            "01.12.2026",
            "+2026-12-01",
            "2026/12/01",
            "",
            "２０２６-12-01",
        ] {
            assert!(parse_iso_date(raw).is_none(), "{raw:?} must not parse");
        }
    }

    #[test]
    fn check_out_must_follow_check_in() {
        assert_eq!(
            parse("2026-12-05", "2026-12-05"),
            Err(StayError::CheckOutNotAfterCheckIn)
        );
        assert_eq!(
            parse("2026-12-05", "2026-12-01"),
            Err(StayError::CheckOutNotAfterCheckIn)
        );
    }

    #[test]
    fn thirty_nights_is_the_maximum() {
        assert_eq!(parse("2026-12-01", "2026-12-31").unwrap().nights(), 30);
        assert_eq!(parse("2026-12-01", "2027-01-01"), Err(StayError::TooLong));
    }

    #[test]
    fn check_in_cannot_be_in_the_past() {
        assert_eq!(
            parse("2026-11-26", "2026-11-28"),
            Err(StayError::CheckInPast)
        );
    }

    #[test]
    fn check_in_at_most_the_horizon_ahead() {
        let window = BookingWindow {
            today: day(TODAY),
            horizon_days: 10,
        };
        assert!(StayDates::parse("2026-12-07", "2026-12-08", window).is_ok());
        assert_eq!(
            StayDates::parse("2026-12-08", "2026-12-09", window),
            Err(StayError::BeyondHorizon)
        );
        assert_eq!(
            parse("8999-01-01", "8999-01-02"),
            Err(StayError::BeyondHorizon)
        );
    }

    #[test]
    fn nights_are_listed_from_check_in() {
        let stay = parse("2026-12-30", "2027-01-02").unwrap();
        let nights: Vec<String> = stay.nights_iter().map(|n| n.to_string()).collect();
        assert_eq!(nights, ["2026-12-30", "2026-12-31", "2027-01-01"]);
    }

    #[test]
    fn default_is_tomorrow_for_one_night() {
        let stay = StayDates::default_from(day(TODAY));
        assert_eq!(stay.check_in(), day("2026-11-28"));
        assert_eq!(stay.nights(), 1);
    }
}
