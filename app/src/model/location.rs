use serde::{Deserialize, Serialize};

/// A place to search for, as the guest typed it: trimmed, 1 to 100 characters, no control characters.
///
/// Parsing happens wherever the value is deserialised, so a `LocationQuery` is always valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocationQuery(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LocationError {
    #[error("the location is empty")]
    Empty,
    #[error("the location is longer than {} characters", LocationQuery::MAX_CHARS)]
    TooLong,
    #[error("the location contains control characters")]
    ControlCharacter,
}

impl LocationError {
    pub const ALL: [LocationError; 3] = [
        LocationError::Empty,
        LocationError::TooLong,
        LocationError::ControlCharacter,
    ];

    /// A stable machine-readable code, used in API error details and page messages.
    pub fn code(self) -> &'static str {
        match self {
            LocationError::Empty => "empty",
            LocationError::TooLong => "too_long",
            LocationError::ControlCharacter => "control_character",
        }
    }
}

impl LocationQuery {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, LocationError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(LocationError::Empty);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(LocationError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(LocationError::ControlCharacter);
        }
        Ok(LocationQuery(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LocationQuery {
    type Error = LocationError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        LocationQuery::parse(&raw)
    }
}

impl From<LocationQuery> for String {
    fn from(query: LocationQuery) -> Self {
        query.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_cyrillic() {
        assert_eq!(LocationQuery::parse("  Алтай ").unwrap().as_str(), "Алтай");
    }

    #[test]
    fn rejects_blank_input() {
        assert_eq!(LocationQuery::parse(" \t "), Err(LocationError::Empty));
    }

    #[test]
    fn counts_characters_not_bytes() {
        let hundred_cyrillic = "я".repeat(100);
        assert!(LocationQuery::parse(&hundred_cyrillic).is_ok());
        assert_eq!(
            LocationQuery::parse(&"я".repeat(101)),
            Err(LocationError::TooLong)
        );
    }

    #[test]
    fn rejects_control_characters() {
        assert_eq!(
            LocationQuery::parse("Алтай\u{0}"),
            Err(LocationError::ControlCharacter)
        );
    }

    #[test]
    fn deserialising_runs_the_parser() {
        let parsed: Result<LocationQuery, _> = serde_json::from_str("\"  \"");
        assert!(parsed.is_err());
    }
}
