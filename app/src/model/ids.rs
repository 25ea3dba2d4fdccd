//! Typed ids, one per table: a room type's id cannot be passed where a hotel's is expected.
//! On the wire and in URLs they are plain integers; input is parsed with `parse` (a positive
//! 32-bit integer), rows read from the database are converted with `From<i32>`.
use std::fmt;

use serde::{Deserialize, Serialize};

/// A database id from a path or query parameter: a positive 32-bit integer.
pub fn parse_id(raw: &str) -> Option<i32> {
    raw.trim().parse::<i32>().ok().filter(|id| *id > 0)
}

macro_rules! table_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(i32);

        impl $name {
            /// The id in a path or query parameter, if it can be one.
            pub fn parse(raw: &str) -> Option<Self> {
                parse_id(raw).map(Self)
            }

            pub fn get(self) -> i32 {
                self.0
            }
        }

        impl From<i32> for $name {
            fn from(id: i32) -> Self {
                Self(id)
            }
        }

        impl From<$name> for i32 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

table_id!(
    /// A `users` row.
    UserId
);
table_id!(
    /// A `hotels` row.
    HotelId
);
table_id!(
    /// A `rooms` row: a room type.
    RoomId
);
table_id!(
    /// A `bookings` row.
    BookingId
);
table_id!(
    /// A `pictures` row.
    PictureId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_integers() {
        assert_eq!(HotelId::parse(" 7 "), Some(HotelId::from(7)));
        for raw in ["0", "-1", "1.5", "", "2147483648", "x"] {
            assert_eq!(RoomId::parse(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn ids_are_plain_numbers_on_the_wire() {
        assert_eq!(serde_json::to_string(&BookingId::from(12)).unwrap(), "12");
        assert_eq!(BookingId::from(12).to_string(), "12");
    }
}
