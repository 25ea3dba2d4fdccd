//! What a hotel's staff write into the catalog: drafts of a hotel and a room type, and what
//! can be wrong with a field of one. The rules themselves (lengths, ranges, lists) are the
//! server's (`server::catalog::fields`), one definition for the back office and the CSV import.
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::{HotelId, Money, Occupancy, RoomId, RoomLayout};

/// A field of a hotel or a room type, named as forms and import files name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogField {
    Name,
    Location,
    Services,
    RoomsQuantity,
    Description,
    Price,
    Quantity,
    MaxAdults,
    MaxChildren,
    FreeCancellationDays,
    TimeZone,
    CheckInTime,
    CheckOutTime,
    NameEn,
    DescriptionEn,
    SizeM2,
    DoubleBeds,
    SingleBeds,
}

impl CatalogField {
    pub const ALL: [CatalogField; 18] = [
        CatalogField::Name,
        CatalogField::Location,
        CatalogField::Services,
        CatalogField::RoomsQuantity,
        CatalogField::Description,
        CatalogField::Price,
        CatalogField::Quantity,
        CatalogField::MaxAdults,
        CatalogField::MaxChildren,
        CatalogField::FreeCancellationDays,
        CatalogField::TimeZone,
        CatalogField::CheckInTime,
        CatalogField::CheckOutTime,
        CatalogField::NameEn,
        CatalogField::DescriptionEn,
        CatalogField::SizeM2,
        CatalogField::DoubleBeds,
        CatalogField::SingleBeds,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CatalogField::Name => "name",
            CatalogField::Location => "location",
            CatalogField::Services => "services",
            CatalogField::RoomsQuantity => "rooms_quantity",
            CatalogField::Description => "description",
            CatalogField::Price => "price",
            CatalogField::Quantity => "quantity",
            CatalogField::MaxAdults => "max_adults",
            CatalogField::MaxChildren => "max_children",
            CatalogField::FreeCancellationDays => "free_cancellation_days",
            CatalogField::TimeZone => "time_zone",
            CatalogField::CheckInTime => "check_in_time",
            CatalogField::CheckOutTime => "check_out_time",
            CatalogField::NameEn => "name_en",
            CatalogField::DescriptionEn => "description_en",
            CatalogField::SizeM2 => "size_m2",
            CatalogField::DoubleBeds => "double_beds",
            CatalogField::SingleBeds => "single_beds",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }

    /// The whole numbers the field takes, for number fields.
    pub fn bounds(self) -> (i32, i32) {
        match self {
            CatalogField::RoomsQuantity | CatalogField::Quantity => (0, 100_000),
            CatalogField::Price => (0, 100_000_000),
            CatalogField::MaxAdults => (1, 20),
            CatalogField::MaxChildren => (0, 20),
            CatalogField::FreeCancellationDays => (0, 365),
            // The schema's bounds (migration `room_details`).
            CatalogField::SizeM2 => (5, 1000),
            CatalogField::DoubleBeds => (0, 10),
            CatalogField::SingleBeds => (0, 20),
            _ => (0, 0),
        }
    }
}

/// What is wrong with a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldProblem {
    Missing,
    TooLong,
    ControlCharacters,
    OutOfRange,
    NotAList,
    TooManyServices,
    ServiceTooLong,
    NotATime,
    UnknownTimeZone,
}

impl FieldProblem {
    pub const ALL: [FieldProblem; 9] = [
        FieldProblem::Missing,
        FieldProblem::TooLong,
        FieldProblem::ControlCharacters,
        FieldProblem::OutOfRange,
        FieldProblem::NotAList,
        FieldProblem::TooManyServices,
        FieldProblem::ServiceTooLong,
        FieldProblem::NotATime,
        FieldProblem::UnknownTimeZone,
    ];

    /// A stable code (carried in URLs after a no-JavaScript post).
    pub fn code(self) -> &'static str {
        match self {
            FieldProblem::Missing => "missing",
            FieldProblem::TooLong => "too_long",
            FieldProblem::ControlCharacters => "control_characters",
            FieldProblem::OutOfRange => "out_of_range",
            FieldProblem::NotAList => "not_a_list",
            FieldProblem::TooManyServices => "too_many_services",
            FieldProblem::ServiceTooLong => "service_too_long",
            FieldProblem::NotATime => "not_a_time",
            FieldProblem::UnknownTimeZone => "unknown_time_zone",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|problem| problem.code() == code)
    }
}

/// Longest name, location or description, in characters.
pub const MAX_TEXT: usize = 2_000;
/// Most services a hotel or room type lists, and the longest one.
pub const MAX_SERVICES: usize = 50;
pub const MAX_SERVICE_CHARS: usize = 100;

/// A field and what is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogFieldError {
    pub field: CatalogField,
    pub problem: FieldProblem,
}

impl CatalogFieldError {
    /// The problem in words, without the field (the import puts it in its own column).
    pub fn message(self) -> String {
        match self.problem {
            FieldProblem::Missing => "must not be empty".to_owned(),
            FieldProblem::TooLong => format!("at most {MAX_TEXT} characters"),
            FieldProblem::ControlCharacters if self.field == CatalogField::Services => {
                "services must not contain control characters".to_owned()
            }
            FieldProblem::ControlCharacters => "must not contain control characters".to_owned(),
            FieldProblem::OutOfRange => {
                let (min, max) = self.field.bounds();
                format!("expected a whole number from {min} to {max}")
            }
            FieldProblem::NotAList => {
                "expected a list of services such as [\"Wi-Fi\", \"Парковка\"]".to_owned()
            }
            FieldProblem::TooManyServices => format!("at most {MAX_SERVICES} services"),
            FieldProblem::ServiceTooLong => {
                format!("a service has at most {MAX_SERVICE_CHARS} characters")
            }
            FieldProblem::NotATime => "expected a time as HH:MM".to_owned(),
            FieldProblem::UnknownTimeZone => {
                "expected a time zone such as Europe/Moscow".to_owned()
            }
        }
    }
}

impl std::fmt::Display for CatalogFieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field.name(), self.message())
    }
}

impl std::error::Error for CatalogFieldError {}

/// A hotel as its staff write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotelDraft {
    pub name: String,
    /// Its name for pages in English; none: the name above.
    #[serde(default)]
    pub name_en: Option<String>,
    /// What its page tells guests about it, and the same for pages in English.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub description_en: Option<String>,
    pub location: String,
    pub services: Vec<String>,
    /// An IANA zone: the hotel's clock for check-in, check-out and cancellation deadlines.
    pub time_zone: String,
    pub check_in_time: NaiveTime,
    pub check_out_time: NaiveTime,
}

/// A room type as its staff write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomDraft {
    pub name: String,
    pub description: Option<String>,
    /// For pages in English; none: the Russian text.
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub description_en: Option<String>,
    /// The base price a night, whole roubles.
    pub price: Money,
    pub services: Vec<String>,
    pub quantity: i32,
    pub occupancy: Occupancy,
    #[serde(default)]
    pub layout: RoomLayout,
    /// Free cancellation until this many days before check-in; `None`: non-refundable.
    pub free_cancellation_days: Option<i16>,
}

/// A hotel in the back office: its draft, whether it is archived, and what hangs on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffHotel {
    pub id: HotelId,
    pub draft: HotelDraft,
    pub archived: bool,
    pub room_types: i64,
    pub rooms: i64,
    /// Live bookings that have not ended.
    pub upcoming_bookings: i64,
}

/// A room type in the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRoom {
    pub id: RoomId,
    pub hotel_id: HotelId,
    pub draft: RoomDraft,
    pub archived: bool,
    pub upcoming_bookings: i64,
}
