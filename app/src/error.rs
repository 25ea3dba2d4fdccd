//! The one error type that crosses the wire: server functions return it, pages show it.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::model::StayError;

/// What went wrong, in terms a page can show and an API can map to a status.
///
/// Internal causes (SQL errors, I/O) are logged on the server and never serialised:
/// the browser only learns the category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Input that failed to parse; `field` names the input, `reason` is a stable code.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// The dates break a rule about stays (`reason`: a [`StayError`] code): check-in before
    /// check-out, at most 30 nights, not in the past.
    #[error("invalid stay: {reason}")]
    InvalidStay { reason: String },
    /// Every room of the type is taken for some night of the stay.
    #[error("no rooms left for these dates")]
    NoRoomsLeft,
    /// Registration with an email that already has an account (in any letter case).
    #[error("email already registered")]
    EmailTaken,
    /// Wrong email or password: one answer for both, so accounts cannot be probed.
    #[error("wrong email or password")]
    InvalidCredentials,
    /// Too many failed logins; try again after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// A dependency (the database) is down or timed out.
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// The request never reached our code, or its answer could not be read.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, reason: &str) -> Self {
        AppError::InvalidInput {
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// A stable code for pages and URLs (the no-JavaScript forms carry it in `?error=`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::InvalidInput { .. } => "invalid_input",
            AppError::InvalidStay { .. } => "invalid_stay",
            AppError::NoRoomsLeft => "no_rooms_left",
            AppError::EmailTaken => "email_taken",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::Transport(_) => "network",
        }
    }

    /// Query-string pairs that carry this error to a page after a no-JavaScript form post.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("error", self.code().to_owned())];
        match self {
            AppError::InvalidInput { field, reason } => {
                pairs.push(("field", field.clone()));
                pairs.push(("reason", reason.clone()));
            }
            AppError::InvalidStay { reason } => pairs.push(("reason", reason.clone())),
            AppError::TooManyAttempts { retry_after_secs } => {
                pairs.push(("retry_after", retry_after_secs.to_string()));
            }
            _ => {}
        }
        pairs
    }

    /// The error a page was sent back with (see [`AppError::to_query`]).
    pub fn from_query(
        code: &str,
        field: Option<String>,
        reason: Option<String>,
        retry_after: Option<u64>,
    ) -> Option<Self> {
        Some(match code {
            "not_found" => AppError::NotFound,
            "invalid_input" => AppError::InvalidInput {
                field: field.unwrap_or_default(),
                reason: reason.unwrap_or_default(),
            },
            "invalid_stay" => AppError::InvalidStay {
                reason: reason.unwrap_or_default(),
            },
            "no_rooms_left" => AppError::NoRoomsLeft,
            "email_taken" => AppError::EmailTaken,
            "invalid_credentials" => AppError::InvalidCredentials,
            "too_many_attempts" => AppError::TooManyAttempts {
                retry_after_secs: retry_after.unwrap_or(60),
            },
            "unauthorized" => AppError::Unauthorized,
            "forbidden" => AppError::Forbidden,
            "unavailable" => AppError::Unavailable,
            "internal" => AppError::Internal,
            _ => return None,
        })
    }

    /// Seconds a client should wait before trying again (the `Retry-After` header), if any.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable => Some(5),
            _ => None,
        }
    }

    /// The HTTP status this error stands for.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::InvalidInput { .. } => 422,
            AppError::InvalidStay { .. } => 400,
            AppError::EmailTaken | AppError::NoRoomsLeft => 409,
            AppError::InvalidCredentials | AppError::Unauthorized => 401,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Forbidden => 403,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl From<StayError> for AppError {
    fn from(error: StayError) -> Self {
        if error.is_malformed() {
            AppError::invalid(error.field(), error.code())
        } else {
            AppError::InvalidStay {
                reason: error.code().to_owned(),
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(reason) => AppError::InvalidInput {
                field: "request".to_owned(),
                reason,
            },
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    /// Logs the full cause and keeps only its category for the client.
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                tracing::error!(error = %error, "database unavailable");
                AppError::Unavailable
            }
            // The server shutting down or restarting (57P01-03), a lost connection (08...),
            // out of connections (53...), a deadlock or serialization failure (40...): all
            // pass; the client may retry.
            sqlx::Error::Database(ref database)
                if database.code().is_some_and(|code| {
                    ["57P", "08", "53", "40"]
                        .iter()
                        .any(|class| code.starts_with(class))
                }) =>
            {
                tracing::error!(error = %error, "database unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = ?other, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_api_contract() {
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::invalid("date_from", "format").status_code(), 422);
        assert_eq!(AppError::Unauthorized.status_code(), 401);
        assert_eq!(AppError::Unavailable.status_code(), 503);
    }

    #[test]
    fn round_trips_through_the_server_fn_encoding() {
        let error = AppError::invalid("location", "too_long");
        assert_eq!(AppError::de(error.ser()), error);
    }

    #[test]
    fn survives_a_trip_through_the_query_string() {
        for error in [
            AppError::invalid("password", "too_short"),
            AppError::TooManyAttempts {
                retry_after_secs: 90,
            },
            AppError::InvalidCredentials,
        ] {
            let pairs = error.to_query();
            let get = |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
            };
            let back = AppError::from_query(
                &get("error").unwrap(),
                get("field"),
                get("reason"),
                get("retry_after").and_then(|v| v.parse().ok()),
            );
            assert_eq!(back, Some(error));
        }
    }

    #[test]
    fn undecodable_answers_become_transport_errors() {
        let error = AppError::de("<html>bad gateway</html>".into());
        assert!(matches!(error, AppError::Transport(_)));
    }
}
