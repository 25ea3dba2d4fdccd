//! The inventory calendar: a hotel's room types by date (rooms sold and left, the night's price,
//! closed and restricted marks) and the bulk edits its staff make to it. What an edit does to a
//! date is decided here, once, for the preview and the save alike.
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{BookingId, BookingReference, BookingWindow, HotelId, Money, RoomId, parse_iso_date};

/// The days the calendar shows at once: two weeks, four weeks, two months.
pub const CALENDAR_SPANS: [u16; 3] = [14, 28, 60];
pub const DEFAULT_SPAN: u16 = 14;
/// The most dates one edit spans.
pub const MAX_EDIT_DAYS: i64 = 366;
/// The longest minimum or maximum stay (a booking's longest).
pub const MAX_STAY_NIGHTS: u8 = 30;
/// The highest price a night may be set to, in roubles (the catalog's bound).
pub const MAX_NIGHT_PRICE: i64 = 100_000_000;

/// A room type's settings on one date: the price of that night and the restrictions on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DaySettings {
    pub price: Money,
    /// The price is set for this very date (not the base price or a rate rule's).
    pub price_set: bool,
    /// Not sold.
    pub closed: bool,
    /// No stay may arrive on this date.
    pub closed_to_arrival: bool,
    /// The fewest and most nights of a stay arriving on this date.
    pub min_stay: Option<u8>,
    pub max_stay: Option<u8>,
}

impl DaySettings {
    /// Whether anything but the price limits sales on this date.
    pub fn restricted(&self) -> bool {
        self.closed_to_arrival || self.min_stay.is_some() || self.max_stay.is_some()
    }
}

/// One room type on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarCell {
    /// Rooms held that night (live bookings and holds).
    pub sold: u32,
    pub settings: DaySettings,
}

/// One room type's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarRow {
    pub room_id: RoomId,
    pub name: String,
    pub quantity: u32,
    /// One per date of the calendar, in order.
    pub cells: Vec<CalendarCell>,
}

impl CalendarRow {
    /// Rooms left on the night of `cell` (none when the hotel sold more than it has).
    pub fn left(&self, cell: &CalendarCell) -> u32 {
        self.quantity.saturating_sub(cell.sold)
    }
}

/// A hotel's room types by date, `days` dates from `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub hotel_id: HotelId,
    pub hotel_name: String,
    pub today: NaiveDate,
    pub from: NaiveDate,
    pub days: u16,
    pub rows: Vec<CalendarRow>,
}

impl Calendar {
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        self.from.iter_days().take(usize::from(self.days))
    }
}

/// What an edit does to one setting that can be turned on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Toggle {
    Keep,
    Open,
    Close,
}

/// What an edit does to a number (a price, a minimum or maximum stay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetOrClear<T> {
    Keep,
    Set(T),
    /// Back to what applies without it (the base price and rate rules; no limit).
    Clear,
}

impl<T: Copy> SetOrClear<T> {
    fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            SetOrClear::Keep => current,
            SetOrClear::Set(value) => Some(value),
            SetOrClear::Clear => None,
        }
    }
}

/// The cells an edit covers: `rooms` on the dates `first..=last` that fall on `weekdays`
/// (bit 0 = Monday ... bit 6 = Sunday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSelection {
    pub rooms: Vec<RoomId>,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub weekdays: u8,
}

impl CalendarSelection {
    pub const EVERY_DAY: u8 = 0b111_1111;

    /// The dates it covers, in order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let (weekdays, last) = (self.weekdays, self.last);
        self.first
            .iter_days()
            .take_while(move |day| *day <= last)
            .filter(move |day| weekdays & (1 << day.weekday().num_days_from_monday()) != 0)
    }

    pub fn contains(&self, room: RoomId, day: NaiveDate) -> bool {
        self.first <= day
            && day <= self.last
            && self.weekdays & (1 << day.weekday().num_days_from_monday()) != 0
            && self.rooms.contains(&room)
    }
}

/// A bulk edit of the calendar: on the cells of `selection`, change what is not `Keep`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEdit {
    pub selection: CalendarSelection,
    pub price: SetOrClear<Money>,
    pub sale: Toggle,
    pub arrival: Toggle,
    pub min_stay: SetOrClear<u8>,
    pub max_stay: SetOrClear<u8>,
}

impl CalendarEdit {
    /// The settings of a date that had `before` once the edit is made; `unset_price` is the
    /// night's price without a price set for the date.
    pub fn apply(&self, before: DaySettings, unset_price: Money) -> DaySettings {
        let set_price = self.price.apply(before.price_set.then_some(before.price));
        let toggled = |toggle, current| match toggle {
            Toggle::Keep => current,
            Toggle::Open => false,
            Toggle::Close => true,
        };
        DaySettings {
            price: set_price.unwrap_or(unset_price),
            price_set: set_price.is_some(),
            closed: toggled(self.sale, before.closed),
            closed_to_arrival: toggled(self.arrival, before.closed_to_arrival),
            min_stay: self.min_stay.apply(before.min_stay),
            max_stay: self.max_stay.apply(before.max_stay),
        }
    }
}

/// A calendar edit as a form sends it: every field as typed. Actions are `keep`, `set`,
/// `clear` (prices, stays) and `keep`, `open`, `close` (sale, arrival); `rooms` and `weekdays`
/// are comma-separated (room type ids; 1 = Monday ... 7 = Sunday, empty = every day).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarEditForm {
    pub rooms: String,
    pub first: String,
    pub last: String,
    pub weekdays: String,
    pub price_action: String,
    pub price: String,
    pub sale: String,
    pub arrival: String,
    pub min_action: String,
    pub min_stay: String,
    pub max_action: String,
    pub max_stay: String,
}

impl CalendarEditForm {
    /// The fields by name, as the calendar page's URL carries them (`rooms` and `weekdays`
    /// repeated there, one per checkbox; a comma list is read the same).
    pub fn fields(&self) -> [(&'static str, &str); 12] {
        [
            ("rooms", &self.rooms),
            ("first", &self.first),
            ("last", &self.last),
            ("weekdays", &self.weekdays),
            ("price_action", &self.price_action),
            ("price", &self.price),
            ("sale", &self.sale),
            ("arrival", &self.arrival),
            ("min_action", &self.min_action),
            ("min_stay", &self.min_stay),
            ("max_action", &self.max_action),
            ("max_stay", &self.max_stay),
        ]
    }

    /// The edit a URL carries: `all(name)` gives every value of a field, in order.
    pub fn from_fields(all: impl Fn(&str) -> Vec<String>) -> Self {
        let field = |name: &str| all(name).join(",");
        CalendarEditForm {
            rooms: field("rooms"),
            first: field("first"),
            last: field("last"),
            weekdays: field("weekdays"),
            price_action: field("price_action"),
            price: field("price"),
            sale: field("sale"),
            arrival: field("arrival"),
            min_action: field("min_action"),
            min_stay: field("min_stay"),
            max_action: field("max_action"),
            max_stay: field("max_stay"),
        }
    }

    /// The cells the form selects, if it names them (any dates).
    pub fn selection(&self) -> Result<CalendarSelection, CalendarError> {
        let rooms = self
            .rooms
            .split(',')
            .map(str::trim)
            .filter(|raw| !raw.is_empty())
            .map(|raw| RoomId::parse(raw).ok_or(CalendarError::Rooms))
            .collect::<Result<Vec<_>, _>>()?;
        if rooms.is_empty() {
            return Err(CalendarError::Rooms);
        }
        let date = |raw: &str| parse_iso_date(raw.trim()).ok_or(CalendarError::Dates);
        let (first, last) = (date(&self.first)?, date(&self.last)?);
        if last < first {
            return Err(CalendarError::Dates);
        }
        Ok(CalendarSelection {
            rooms,
            first,
            last,
            weekdays: weekdays(&self.weekdays)?,
        })
    }

    /// The edit, if the form makes sense: dates in the booking window (`first` from today),
    /// at most [`MAX_EDIT_DAYS`] of them, values in range, and something to change.
    pub fn parse(&self, window: BookingWindow) -> Result<CalendarEdit, CalendarError> {
        let selection = self.selection()?;
        if selection.first < window.today || selection.last > window.last_check_in() {
            return Err(CalendarError::OutsideWindow);
        }
        if (selection.last - selection.first).num_days() >= MAX_EDIT_DAYS {
            return Err(CalendarError::TooManyDays);
        }
        if selection.dates().next().is_none() {
            return Err(CalendarError::NoDates);
        }
        let edit = CalendarEdit {
            selection,
            price: number(&self.price_action, &self.price, parse_price)?,
            sale: toggle(&self.sale)?,
            arrival: toggle(&self.arrival)?,
            min_stay: number(&self.min_action, &self.min_stay, parse_nights)?,
            max_stay: number(&self.max_action, &self.max_stay, parse_nights)?,
        };
        if let (SetOrClear::Set(min), SetOrClear::Set(max)) = (edit.min_stay, edit.max_stay)
            && min > max
        {
            return Err(CalendarError::Stay);
        }
        let keeps_all = edit.price == SetOrClear::Keep
            && edit.sale == Toggle::Keep
            && edit.arrival == Toggle::Keep
            && edit.min_stay == SetOrClear::Keep
            && edit.max_stay == SetOrClear::Keep;
        if keeps_all {
            return Err(CalendarError::NothingToChange);
        }
        Ok(edit)
    }
}

fn weekdays(raw: &str) -> Result<u8, CalendarError> {
    let mut bits = 0u8;
    for day in raw.split(',').map(str::trim).filter(|day| !day.is_empty()) {
        match day.parse::<u8>() {
            Ok(day @ 1..=7) => bits |= 1 << (day - 1),
            _ => return Err(CalendarError::Weekdays),
        }
    }
    Ok(if bits == 0 {
        CalendarSelection::EVERY_DAY
    } else {
        bits
    })
}

fn toggle(raw: &str) -> Result<Toggle, CalendarError> {
    match raw.trim() {
        "" | "keep" => Ok(Toggle::Keep),
        "open" => Ok(Toggle::Open),
        "close" => Ok(Toggle::Close),
        _ => Err(CalendarError::Action),
    }
}

fn number<T>(
    action: &str,
    raw: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<SetOrClear<T>, CalendarError> {
    match action.trim() {
        "" | "keep" => Ok(SetOrClear::Keep),
        "clear" => Ok(SetOrClear::Clear),
        "set" => parse(raw.trim())
            .map(SetOrClear::Set)
            .ok_or(CalendarError::Value),
        _ => Err(CalendarError::Action),
    }
}

fn parse_price(raw: &str) -> Option<Money> {
    raw.parse::<i64>()
        .ok()
        .filter(|roubles| (0..=MAX_NIGHT_PRICE).contains(roubles))
        .map(Money::from_roubles)
}

fn parse_nights(raw: &str) -> Option<u8> {
    raw.parse::<u8>()
        .ok()
        .filter(|nights| (1..=MAX_STAY_NIGHTS).contains(nights))
}

/// What is wrong with a calendar edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CalendarError {
    #[error("choose at least one room type")]
    Rooms,
    #[error("dates: the first and last date as YYYY-MM-DD, the first not after the last")]
    Dates,
    #[error("dates: from today to the booking horizon")]
    OutsideWindow,
    #[error("dates: at most 366 days at once")]
    TooManyDays,
    #[error("weekdays: numbers 1 (Monday) to 7 (Sunday)")]
    Weekdays,
    #[error("none of the dates falls on the chosen weekdays")]
    NoDates,
    #[error("unknown action")]
    Action,
    #[error("a price from 0 to 100000000, or nights from 1 to 30")]
    Value,
    #[error("the minimum stay is longer than the maximum")]
    Stay,
    #[error("nothing to change")]
    NothingToChange,
}

impl CalendarError {
    pub const ALL: [CalendarError; 10] = [
        CalendarError::Rooms,
        CalendarError::Dates,
        CalendarError::OutsideWindow,
        CalendarError::TooManyDays,
        CalendarError::Weekdays,
        CalendarError::NoDates,
        CalendarError::Action,
        CalendarError::Value,
        CalendarError::Stay,
        CalendarError::NothingToChange,
    ];

    /// A stable code (carried in URLs after a no-JavaScript post).
    pub fn code(self) -> &'static str {
        match self {
            CalendarError::Rooms => "rooms",
            CalendarError::Dates => "dates",
            CalendarError::OutsideWindow => "outside_window",
            CalendarError::TooManyDays => "too_many_days",
            CalendarError::Weekdays => "weekdays",
            CalendarError::NoDates => "no_dates",
            CalendarError::Action => "action",
            CalendarError::Value => "value",
            CalendarError::Stay => "stay",
            CalendarError::NothingToChange => "nothing",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|error| error.code() == code)
    }
}

/// What an edit changes on a run of consecutive dates of one room type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChange {
    pub room_id: RoomId,
    pub room_name: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub before: DaySettings,
    pub after: DaySettings,
}

/// A live booking holding a night an edit changes: it keeps its dates and prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedBooking {
    pub id: BookingId,
    pub reference: BookingReference,
    pub room_name: String,
    pub guest_name: Option<String>,
    pub email: String,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
}

/// Changes a preview lists (a longer edit says how many more there are).
pub const PREVIEW_CHANGES: usize = 300;
/// Affected bookings a preview lists.
pub const PREVIEW_BOOKINGS: i64 = 200;

/// What an edit would change, before it is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPreview {
    /// Runs of dates that change (at most [`PREVIEW_CHANGES`]).
    pub changes: Vec<CalendarChange>,
    /// All runs that change, listed or not.
    pub total_changes: usize,
    /// Dates (of all room types) that change.
    pub dates_changed: usize,
    pub affected: Vec<AffectedBooking>,
}

/// The date `days` after `date`, if there is one.
pub fn days_after(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        parse_iso_date(raw).unwrap()
    }

    fn form() -> CalendarEditForm {
        CalendarEditForm {
            rooms: "1, 2".into(),
            first: "2026-12-04".into(),
            last: "2026-12-10".into(),
            price_action: "set".into(),
            price: "5000".into(),
            ..CalendarEditForm::default()
        }
    }

    fn window() -> BookingWindow {
        BookingWindow::from_today(day("2026-12-01"))
    }

    #[test]
    fn a_form_parses_into_an_edit() {
        let edit = form().parse(window()).unwrap();
        assert_eq!(edit.selection.rooms, [RoomId::from(1), RoomId::from(2)]);
        assert_eq!(edit.selection.weekdays, CalendarSelection::EVERY_DAY);
        assert_eq!(edit.price, SetOrClear::Set(Money::from_roubles(5000)));
        assert_eq!((edit.sale, edit.min_stay), (Toggle::Keep, SetOrClear::Keep));
        assert_eq!(edit.selection.dates().count(), 7);
    }

    #[test]
    fn weekdays_pick_dates() {
        // 2026-12-04 is a Friday: Friday and Saturday twice in 04..=13.
        let weekend = CalendarEditForm {
            weekdays: "5,6".into(),
            last: "2026-12-13".into(),
            ..form()
        };
        let dates: Vec<_> = weekend.parse(window()).unwrap().selection.dates().collect();
        assert_eq!(
            dates,
            [
                day("2026-12-04"),
                day("2026-12-05"),
                day("2026-12-11"),
                day("2026-12-12")
            ]
        );
        let tuesday_only = CalendarEditForm {
            weekdays: "2".into(),
            last: "2026-12-07".into(),
            ..form()
        };
        assert_eq!(tuesday_only.parse(window()), Err(CalendarError::NoDates));
    }

    #[test]
    fn bad_forms_say_what_is_wrong() {
        let cases = [
            (
                CalendarEditForm {
                    rooms: "".into(),
                    ..form()
                },
                CalendarError::Rooms,
            ),
            (
                CalendarEditForm {
                    rooms: "1,x".into(),
                    ..form()
                },
                CalendarError::Rooms,
            ),
            (
                CalendarEditForm {
                    first: "04.12.2026".into(),
                    ..form()
                },
                CalendarError::Dates,
            ),
            (
                CalendarEditForm {
                    last: "2026-12-03".into(),
                    ..form()
                },
                CalendarError::Dates,
            ),
            (
                CalendarEditForm {
                    first: "2026-11-30".into(),
                    ..form()
                },
                CalendarError::OutsideWindow,
            ),
            (
                CalendarEditForm {
                    last: "2029-01-01".into(),
                    ..form()
                },
                CalendarError::OutsideWindow,
            ),
            (
                CalendarEditForm {
                    last: "2027-12-05".into(),
                    ..form()
                },
                CalendarError::TooManyDays,
            ),
            (
                CalendarEditForm {
                    weekdays: "0".into(),
                    ..form()
                },
                CalendarError::Weekdays,
            ),
            (
                CalendarEditForm {
                    price: "-1".into(),
                    ..form()
                },
                CalendarError::Value,
            ),
            (
                CalendarEditForm {
                    price: "".into(),
                    ..form()
                },
                CalendarError::Value,
            ),
            (
                CalendarEditForm {
                    sale: "maybe".into(),
                    ..form()
                },
                CalendarError::Action,
            ),
            (
                CalendarEditForm {
                    min_action: "set".into(),
                    min_stay: "31".into(),
                    ..form()
                },
                CalendarError::Value,
            ),
            (
                CalendarEditForm {
                    min_action: "set".into(),
                    min_stay: "5".into(),
                    max_action: "set".into(),
                    max_stay: "3".into(),
                    ..form()
                },
                CalendarError::Stay,
            ),
            (
                CalendarEditForm {
                    price_action: "keep".into(),
                    ..form()
                },
                CalendarError::NothingToChange,
            ),
        ];
        for (form, error) in cases {
            assert_eq!(form.parse(window()), Err(error), "{form:?}");
        }
    }

    #[test]
    fn an_edit_changes_only_what_it_names() {
        let edit = CalendarEdit {
            selection: CalendarSelection {
                rooms: vec![RoomId::from(1)],
                first: day("2026-12-04"),
                last: day("2026-12-04"),
                weekdays: CalendarSelection::EVERY_DAY,
            },
            price: SetOrClear::Keep,
            sale: Toggle::Close,
            arrival: Toggle::Keep,
            min_stay: SetOrClear::Set(2),
            max_stay: SetOrClear::Keep,
        };
        let before = DaySettings {
            price: Money::from_roubles(4200),
            price_set: true,
            closed_to_arrival: true,
            max_stay: Some(7),
            ..DaySettings::default()
        };
        let after = edit.apply(before, Money::from_roubles(3000));
        assert_eq!(
            after,
            DaySettings {
                closed: true,
                min_stay: Some(2),
                ..before
            }
        );
        let cleared = CalendarEdit {
            price: SetOrClear::Clear,
            sale: Toggle::Open,
            arrival: Toggle::Open,
            max_stay: SetOrClear::Clear,
            ..edit
        }
        .apply(after, Money::from_roubles(3000));
        assert_eq!(
            cleared,
            DaySettings {
                price: Money::from_roubles(3000),
                min_stay: Some(2),
                ..DaySettings::default()
            }
        );
    }
}
