//! Who is travelling: adults and children, and which room types take them.
use serde::{Deserialize, Serialize};

/// The guests of one room. Pages carry it in the URL (`adults`, `children`); without it a page
/// means two adults, and the HTTP API shows every room type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Party {
    pub adults: u8,
    pub children: u8,
}

impl Default for Party {
    fn default() -> Self {
        Party {
            adults: 2,
            children: 0,
        }
    }
}

/// Which number of guests does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum GuestsError {
    #[error("expected a whole number of adults from 1 to {}", Party::MAX_ADULTS)]
    Adults,
    #[error(
        "expected a whole number of children from 0 to {}",
        Party::MAX_CHILDREN
    )]
    Children,
}

impl GuestsError {
    pub const ALL: [GuestsError; 2] = [GuestsError::Adults, GuestsError::Children];

    /// The query parameter it is about.
    pub fn field(self) -> &'static str {
        match self {
            GuestsError::Adults => "adults",
            GuestsError::Children => "children",
        }
    }
}

impl Party {
    pub const MAX_ADULTS: u8 = 10;
    pub const MAX_CHILDREN: u8 = 10;

    /// The party from query-string values; absent or blank values take the default's.
    pub fn parse(adults: Option<&str>, children: Option<&str>) -> Result<Self, GuestsError> {
        let number = |raw: Option<&str>, range: std::ops::RangeInclusive<u8>, error| match raw
            .map(str::trim)
            .filter(|raw| !raw.is_empty())
        {
            None => Ok(None),
            Some(raw) => match raw.parse::<u8>() {
                Ok(value) if range.contains(&value) => Ok(Some(value)),
                _ => Err(error),
            },
        };
        let default = Party::default();
        Ok(Party {
            adults: number(adults, 1..=Self::MAX_ADULTS, GuestsError::Adults)?
                .unwrap_or(default.adults),
            children: number(children, 0..=Self::MAX_CHILDREN, GuestsError::Children)?
                .unwrap_or(default.children),
        })
    }

    /// Like [`Party::parse`], but both absent means no party at all (the HTTP API: every room
    /// type, as the original listed them).
    pub fn parse_optional(
        adults: Option<&str>,
        children: Option<&str>,
    ) -> Result<Option<Self>, GuestsError> {
        let blank = |raw: Option<&str>| raw.is_none_or(|raw| raw.trim().is_empty());
        if blank(adults) && blank(children) {
            return Ok(None);
        }
        Self::parse(adults, children).map(Some)
    }

    pub fn guests(self) -> u8 {
        self.adults + self.children
    }

    /// `adults=2&children=1`, for links that carry the party.
    pub fn to_query(self) -> String {
        format!("adults={}&children={}", self.adults, self.children)
    }
}

/// How many guests a room type takes: at most `max_adults` adults, and at most
/// `max_adults + max_children` people in all (a child may take an adult's bed, an adult not a
/// child's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupancy {
    pub max_adults: u8,
    pub max_children: u8,
}

impl Occupancy {
    /// The one rule of search, the hotel page and booking.
    pub fn fits(self, party: Party) -> bool {
        party.adults <= self.max_adults
            && u16::from(party.guests())
                <= u16::from(self.max_adults) + u16::from(self.max_children)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_values_mean_two_adults() {
        assert_eq!(Party::parse(None, None), Ok(Party::default()));
        assert_eq!(
            Party::parse(Some("1"), Some("")),
            Ok(Party {
                adults: 1,
                children: 0
            })
        );
        assert_eq!(Party::parse_optional(None, Some(" ")), Ok(None));
    }

    #[test]
    fn guests_are_bounded() {
        assert_eq!(Party::parse(Some("0"), None), Err(GuestsError::Adults));
        assert_eq!(Party::parse(Some("11"), None), Err(GuestsError::Adults));
        assert_eq!(Party::parse(Some("two"), None), Err(GuestsError::Adults));
        assert_eq!(Party::parse(None, Some("-1")), Err(GuestsError::Children));
        assert_eq!(Party::parse(None, Some("11")), Err(GuestsError::Children));
    }

    #[test]
    fn children_may_take_adult_places_but_not_the_reverse() {
        let double_plus_one = Occupancy {
            max_adults: 2,
            max_children: 1,
        };
        let party = |adults, children| Party { adults, children };
        assert!(double_plus_one.fits(party(2, 1)));
        assert!(double_plus_one.fits(party(1, 2)));
        assert!(!double_plus_one.fits(party(3, 0)));
        assert!(!double_plus_one.fits(party(2, 2)));
        assert!(!double_plus_one.fits(party(1, 3)));
    }
}
