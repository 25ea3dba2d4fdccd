//! Who stays and what they ask of the hotel: given when booking, kept with the booking and
//! shown to the hotel.
use serde::{Deserialize, Serialize};

/// The guest staying (a booking may be for someone else than the account's holder) and an
/// optional request to the hotel ("late arrival, about 23:00"). The book page requires the
/// name; without one (the HTTP API) the booking takes the account's name, if it has one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestDetails {
    pub name: Option<String>,
    pub request: Option<String>,
}

/// What is wrong with the guest details a form sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum GuestDetailsError {
    #[error("the name of the guest staying is required")]
    NameMissing,
    #[error("at most {} characters", GuestDetails::MAX_NAME)]
    NameTooLong,
    #[error("at most {} characters", GuestDetails::MAX_REQUEST)]
    RequestTooLong,
}

impl GuestDetailsError {
    pub const ALL: [GuestDetailsError; 3] = [
        GuestDetailsError::NameMissing,
        GuestDetailsError::NameTooLong,
        GuestDetailsError::RequestTooLong,
    ];

    /// The form field it is about.
    pub fn field(self) -> &'static str {
        match self {
            GuestDetailsError::NameMissing | GuestDetailsError::NameTooLong => "guest_name",
            GuestDetailsError::RequestTooLong => "guest_request",
        }
    }

    /// A stable code (carried in URLs after a no-JavaScript post).
    pub fn code(self) -> &'static str {
        match self {
            GuestDetailsError::NameMissing => "missing",
            GuestDetailsError::NameTooLong | GuestDetailsError::RequestTooLong => "too_long",
        }
    }
}

impl GuestDetails {
    /// Characters, not bytes: a Cyrillic name counts as long as it looks.
    pub const MAX_NAME: usize = 100;
    pub const MAX_REQUEST: usize = 1000;

    /// The details as typed: spaces around them and control characters (but a request's line
    /// breaks) dropped, runs of spaces in the name made one; blank ones are none.
    pub fn parse(name: Option<&str>, request: Option<&str>) -> Result<Self, GuestDetailsError> {
        let name = name
            .map(|raw| {
                raw.split(|c: char| c.is_whitespace() || c.is_control())
                    .filter(|word| !word.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|name| !name.is_empty());
        if name
            .as_ref()
            .is_some_and(|name| name.chars().count() > Self::MAX_NAME)
        {
            return Err(GuestDetailsError::NameTooLong);
        }
        let request = request
            .map(|raw| {
                raw.replace("\r\n", "\n")
                    .chars()
                    .filter(|c| !c.is_control() || *c == '\n')
                    .collect::<String>()
                    .trim()
                    .to_owned()
            })
            .filter(|request| !request.is_empty());
        if request
            .as_ref()
            .is_some_and(|request| request.chars().count() > Self::MAX_REQUEST)
        {
            return Err(GuestDetailsError::RequestTooLong);
        }
        Ok(GuestDetails { name, request })
    }

    /// The book page's rule: the guest staying is named.
    pub fn named(self) -> Result<Self, GuestDetailsError> {
        match self.name {
            Some(_) => Ok(self),
            None => Err(GuestDetailsError::NameMissing),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_required() {
        let details = GuestDetails::parse(Some("  Анна \t Петрова\u{0}  "), None).unwrap();
        assert_eq!(details.name.as_deref(), Some("Анна Петрова"));
        assert_eq!(details.request, None);
        for blank in [None, Some(""), Some("   "), Some("\u{7}\n")] {
            let parsed = GuestDetails::parse(blank, None).unwrap();
            assert_eq!(parsed.name, None, "{blank:?}");
            assert_eq!(parsed.named(), Err(GuestDetailsError::NameMissing));
        }
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let longest = "Я".repeat(GuestDetails::MAX_NAME);
        assert!(GuestDetails::parse(Some(&longest), None).is_ok());
        let too_long = format!("{longest}я");
        assert_eq!(
            GuestDetails::parse(Some(&too_long), None),
            Err(GuestDetailsError::NameTooLong)
        );
        let request = "ё".repeat(GuestDetails::MAX_REQUEST + 1);
        assert_eq!(
            GuestDetails::parse(Some("Анна"), Some(&request)),
            Err(GuestDetailsError::RequestTooLong)
        );
    }

    #[test]
    fn a_request_keeps_its_lines_and_a_blank_one_is_none() {
        let details =
            GuestDetails::parse(Some("Anna"), Some(" Late arrival\r\nabout 23:00\u{1b} ")).unwrap();
        assert_eq!(
            details.request.as_deref(),
            Some("Late arrival\nabout 23:00")
        );
        let blank = GuestDetails::parse(Some("Anna"), Some(" \n ")).unwrap();
        assert_eq!(blank.request, None);
    }

    #[test]
    fn every_error_has_a_field_and_code_of_its_own() {
        let pairs: std::collections::HashSet<_> = GuestDetailsError::ALL
            .iter()
            .map(|error| (error.field(), error.code()))
            .collect();
        assert_eq!(pairs.len(), GuestDetailsError::ALL.len());
    }
}
