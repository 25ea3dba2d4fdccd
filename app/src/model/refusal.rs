//! Why a room type cannot be booked for a stay although rooms are free: the hotel's
//! restrictions, or a party the room does not take.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A hotel's rule that refuses a stay (decided on the server by the rates' plan; pages show it
/// in the guest's language, the HTTP API answers 409 with its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum StayRefusal {
    /// The night is closed for sale (stop-sell).
    #[error("the room type is not sold for the night of {night}")]
    Closed { night: NaiveDate },
    /// No arrivals on that day.
    #[error("no arrivals on {arrival}")]
    ClosedToArrival { arrival: NaiveDate },
    #[error("a stay arriving on {arrival} must be at least {nights} nights")]
    MinStay { arrival: NaiveDate, nights: u8 },
    #[error("a stay arriving on {arrival} can be at most {nights} nights")]
    MaxStay { arrival: NaiveDate, nights: u8 },
    #[error("the room takes at most {max_adults} adults and {max_children} more children")]
    TooManyGuests { max_adults: u8, max_children: u8 },
}

impl StayRefusal {
    /// A compact form for URLs (a form posted without JavaScript comes back with it).
    pub fn to_reason(self) -> String {
        match self {
            StayRefusal::Closed { night } => format!("closed:{night}"),
            StayRefusal::ClosedToArrival { arrival } => format!("no_arrival:{arrival}"),
            StayRefusal::MinStay { arrival, nights } => format!("min_stay:{arrival}:{nights}"),
            StayRefusal::MaxStay { arrival, nights } => format!("max_stay:{arrival}:{nights}"),
            StayRefusal::TooManyGuests {
                max_adults,
                max_children,
            } => format!("guests:{max_adults}:{max_children}"),
        }
    }

    /// The refusal [`StayRefusal::to_reason`] wrote.
    pub fn from_reason(reason: &str) -> Option<Self> {
        let mut parts = reason.split(':');
        let kind = parts.next()?;
        let date = |raw: Option<&str>| super::parse_iso_date(raw?);
        let number = |raw: Option<&str>| raw?.parse::<u8>().ok();
        let refusal = match kind {
            "closed" => StayRefusal::Closed {
                night: date(parts.next())?,
            },
            "no_arrival" => StayRefusal::ClosedToArrival {
                arrival: date(parts.next())?,
            },
            "min_stay" => StayRefusal::MinStay {
                arrival: date(parts.next())?,
                nights: number(parts.next())?,
            },
            "max_stay" => StayRefusal::MaxStay {
                arrival: date(parts.next())?,
                nights: number(parts.next())?,
            },
            "guests" => StayRefusal::TooManyGuests {
                max_adults: number(parts.next())?,
                max_children: number(parts.next())?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip() {
        let day = super::super::parse_iso_date("2026-12-04").unwrap();
        for refusal in [
            StayRefusal::Closed { night: day },
            StayRefusal::ClosedToArrival { arrival: day },
            StayRefusal::MinStay {
                arrival: day,
                nights: 2,
            },
            StayRefusal::MaxStay {
                arrival: day,
                nights: 7,
            },
            StayRefusal::TooManyGuests {
                max_adults: 2,
                max_children: 1,
            },
        ] {
            assert_eq!(
                StayRefusal::from_reason(&refusal.to_reason()),
                Some(refusal)
            );
        }
        assert_eq!(StayRefusal::from_reason("min_stay:2026-12-04"), None);
        assert_eq!(StayRefusal::from_reason("closed:2026-12-04:x"), None);
    }
}
