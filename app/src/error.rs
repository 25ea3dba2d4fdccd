//! The one error type that crosses the wire: server functions return it, pages show it.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::error::Error as StdError;
use std::fmt;
use std::panic::Location;
use std::sync::Arc;

use crate::model::accounts::AccountsError;
use crate::model::calendar::CalendarError;
use crate::model::catalog_edit::{CatalogField, CatalogFieldError, FieldProblem};
use crate::model::desk::DeskError;
use crate::model::jobs::JobsError;
use crate::model::{
    DateField, EmailError, GuestDetailsError, GuestsError, LocationError, PageError, PasswordError,
    SearchError, StayError, StayRefusal,
};

/// Input that does not parse, by the field it came in: every edge parses into types and shows
/// this in its own shape (the page's message under the field, FastAPI's 422 in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum InputError {
    #[error("email: {0}")]
    Email(EmailError),
    #[error("password: {0}")]
    Password(PasswordError),
    #[error("location: {0}")]
    Location(LocationError),
    #[error("page: {0}")]
    Page(PageError),
    /// Not a real `YYYY-MM-DD` date.
    #[error("{0}: expected a date as YYYY-MM-DD")]
    Date(DateField),
    #[error("{field}: {0}", field = .0.field())]
    Guests(GuestsError),
    #[error("{field}: {0}", field = .0.field())]
    GuestDetails(GuestDetailsError),
    /// A field of a hotel or room type (the back office's forms).
    #[error("{0}")]
    Catalog(CatalogFieldError),
    /// A bulk edit of the inventory calendar.
    #[error("calendar: {0}")]
    Calendar(CalendarError),
    /// The bookings list's filter or a front-desk action.
    #[error("{0}")]
    Desk(DeskError),
    /// The users list's filter or an admin's action on an account.
    #[error("{0}")]
    Accounts(AccountsError),
    /// An admin's action on a job of the worker's queues.
    #[error("{0}")]
    Jobs(JobsError),
}

impl InputError {
    /// The input's name, as forms and query strings call it.
    pub fn field(self) -> &'static str {
        match self {
            InputError::Email(_) => "email",
            InputError::Password(_) => "password",
            InputError::Location(_) => "location",
            InputError::Page(_) => "page",
            InputError::Date(field) => field.name(),
            InputError::Guests(error) => error.field(),
            InputError::GuestDetails(error) => error.field(),
            InputError::Catalog(error) => error.field.name(),
            InputError::Calendar(_) => "calendar",
            InputError::Desk(_) => "desk",
            InputError::Accounts(_) => "accounts",
            InputError::Jobs(_) => "jobs",
        }
    }

    /// What is wrong with it: a stable code (carried in URLs after a no-JavaScript post).
    pub fn code(self) -> &'static str {
        match self {
            InputError::Email(error) => error.code(),
            InputError::Password(error) => error.code(),
            InputError::Location(error) => error.code(),
            InputError::Page(error) => error.code(),
            InputError::GuestDetails(error) => error.code(),
            InputError::Catalog(error) => error.problem.code(),
            InputError::Calendar(error) => error.code(),
            InputError::Desk(error) => error.code(),
            InputError::Accounts(error) => error.code(),
            InputError::Jobs(error) => error.code(),
            InputError::Date(_) | InputError::Guests(_) => "malformed",
        }
    }

    /// The error `field` and `code` stand for (see [`InputError::field`], [`InputError::code`]).
    pub fn from_codes(field: &str, code: &str) -> Option<Self> {
        fn find<T: Copy>(all: &[T], code: &str, code_of: impl Fn(T) -> &'static str) -> Option<T> {
            all.iter().copied().find(|item| code_of(*item) == code)
        }
        let catalog = || {
            Some(InputError::Catalog(CatalogFieldError {
                field: CatalogField::from_name(field)?,
                problem: FieldProblem::from_code(code)?,
            }))
        };
        if field != "location"
            && let Some(error) = catalog()
        {
            return Some(error);
        }
        Some(match field {
            "email" => InputError::Email(find(&EmailError::ALL, code, EmailError::code)?),
            "password" => {
                InputError::Password(find(&PasswordError::ALL, code, PasswordError::code)?)
            }
            "location" => match find(&LocationError::ALL, code, LocationError::code) {
                Some(error) => InputError::Location(error),
                None => catalog()?,
            },
            "page" => InputError::Page(find(&PageError::ALL, code, PageError::code)?),
            "calendar" => InputError::Calendar(CalendarError::from_code(code)?),
            "desk" => InputError::Desk(DeskError::from_code(code)?),
            "accounts" => InputError::Accounts(AccountsError::from_code(code)?),
            "jobs" => InputError::Jobs(JobsError::from_code(code)?),
            "adults" => InputError::Guests(GuestsError::Adults),
            "children" => InputError::Guests(GuestsError::Children),
            "guest_name" | "guest_request" => InputError::GuestDetails(
                GuestDetailsError::ALL
                    .into_iter()
                    .find(|error| error.field() == field && error.code() == code)?,
            ),
            _ => InputError::Date(DateField::ALL.into_iter().find(|f| f.name() == field)?),
        })
    }
}

/// Why a request failed inside the server (an SQL error, I/O, a task that died) and where:
/// kept as the [`AppError`]'s source for the log at the edge, never serialised (the browser
/// learns only the category), and equal to any other cause, so errors compare by category.
#[derive(Clone, Default)]
pub struct Cause(Option<Arc<Failure>>);

struct Failure {
    doing: &'static str,
    at: &'static Location<'static>,
    error: Box<dyn StdError + Send + Sync>,
}

impl Cause {
    /// No cause recorded (an error decoded from the wire, or built in a test).
    pub const NONE: Cause = Cause(None);

    #[track_caller]
    pub fn new(doing: &'static str, error: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Cause(Some(Arc::new(Failure {
            doing,
            at: Location::caller(),
            error: error.into(),
        })))
    }

    pub fn is_recorded(&self) -> bool {
        self.0.is_some()
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(failure) => write!(f, "{} failed at {}", failure.doing, failure.at),
            None => f.write_str("no cause recorded"),
        }
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(failure) => write!(f, "{self}: {:?}", failure.error),
            None => f.write_str("no cause recorded"),
        }
    }
}

impl StdError for Cause {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.as_ref().map(|failure| &*failure.error as _)
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Cause {}

/// An error with its chain of causes, one line: `internal error: reading X failed at a.rs:3: ...`.
pub struct Chain<'a>(&'a dyn StdError);

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut next = self.0.source();
        while let Some(error) = next {
            write!(f, ": {error}")?;
            next = error.source();
        }
        Ok(())
    }
}

/// What went wrong, in terms a page can show and an API can map to a status.
///
/// Internal causes (SQL errors, I/O) travel as a [`Cause`], logged once where the error leaves
/// the server ([`AppError::log`]) and never serialised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Input that failed to parse.
    #[error("invalid {0}")]
    Invalid(InputError),
    /// A request whose arguments could not be read at all (a server function's form).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The dates break a rule about stays (never [`StayError::Malformed`], which is
    /// [`AppError::Invalid`]): check-in before check-out, at most 30 nights, not in the past.
    #[error("invalid stay: {0}")]
    InvalidStay(StayError),
    /// Every room of the type is taken for some night of the stay.
    #[error("no rooms left for these dates")]
    NoRoomsLeft,
    /// Rooms are free, but the hotel's restrictions (or the room's size) refuse the stay.
    #[error("{0}")]
    Refused(StayRefusal),
    /// The booking's terms no longer let the guest cancel or change it (its free-cancellation
    /// deadline passed, it is non-refundable, or it is cancelled already).
    #[error("this booking can no longer be cancelled or changed")]
    NotCancellable,
    /// A hotel or room type that has bookings cannot be deleted (archive it instead).
    #[error("it has bookings: archive it instead")]
    HasBookings,
    /// Registration with an email that already has an account (in any letter case).
    #[error("email already registered")]
    EmailTaken,
    /// Wrong email or password: one answer for both, so accounts cannot be probed.
    #[error("wrong email or password")]
    InvalidCredentials,
    /// Too many failed logins; try again after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The current password, asked again before an account change, is wrong.
    #[error("wrong current password")]
    WrongPassword,
    /// A password-reset link that was used already, has expired or was never issued.
    #[error("this link has expired or was already used")]
    LinkExpired,
    /// An account with a stay still to come (or under way) cannot be deleted yet.
    #[error("the account has upcoming bookings")]
    UpcomingBookings,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// A dependency (the database) is down or timed out.
    #[error("service unavailable")]
    Unavailable(
        #[serde(skip)]
        #[source]
        Cause,
    ),
    #[error("internal error")]
    Internal(
        #[serde(skip)]
        #[source]
        Cause,
    ),
    /// The request never reached our code, or its answer could not be read.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    /// A stable code for pages and URLs (the no-JavaScript forms carry it in `?error=`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Invalid(_) | AppError::BadRequest(_) => "invalid_input",
            AppError::InvalidStay(_) => "invalid_stay",
            AppError::NoRoomsLeft => "no_rooms_left",
            AppError::Refused(_) => "refused",
            AppError::NotCancellable => "not_cancellable",
            AppError::HasBookings => "has_bookings",
            AppError::EmailTaken => "email_taken",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::WrongPassword => "wrong_password",
            AppError::LinkExpired => "link_expired",
            AppError::UpcomingBookings => "upcoming_bookings",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
            AppError::Transport(_) => "network",
        }
    }

    /// Query-string pairs that carry this error to a page after a no-JavaScript form post.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("error", self.code().to_owned())];
        match self {
            AppError::Invalid(input) => {
                pairs.push(("field", input.field().to_owned()));
                pairs.push(("reason", input.code().to_owned()));
            }
            AppError::InvalidStay(rule) => pairs.push(("reason", rule.code().to_owned())),
            AppError::Refused(refusal) => pairs.push(("reason", refusal.to_reason())),
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
        let reason = reason.unwrap_or_default();
        Some(match code {
            "not_found" => AppError::NotFound,
            "invalid_input" => match InputError::from_codes(&field.unwrap_or_default(), &reason) {
                Some(input) => AppError::Invalid(input),
                None => AppError::BadRequest(reason),
            },
            "invalid_stay" => AppError::InvalidStay(
                StayError::RULES
                    .into_iter()
                    .find(|rule| rule.code() == reason)
                    .unwrap_or(StayError::CheckOutNotAfterCheckIn),
            ),
            "no_rooms_left" => AppError::NoRoomsLeft,
            "refused" => AppError::Refused(StayRefusal::from_reason(&reason)?),
            "not_cancellable" => AppError::NotCancellable,
            "has_bookings" => AppError::HasBookings,
            "email_taken" => AppError::EmailTaken,
            "invalid_credentials" => AppError::InvalidCredentials,
            "too_many_attempts" => AppError::TooManyAttempts {
                retry_after_secs: retry_after.unwrap_or(60),
            },
            "wrong_password" => AppError::WrongPassword,
            "link_expired" => AppError::LinkExpired,
            "upcoming_bookings" => AppError::UpcomingBookings,
            "unauthorized" => AppError::Unauthorized,
            "forbidden" => AppError::Forbidden,
            "unavailable" => AppError::Unavailable(Cause::NONE),
            "internal" => AppError::Internal(Cause::NONE),
            _ => return None,
        })
    }

    /// Seconds a client should wait before trying again (the `Retry-After` header), if any.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable(_) => Some(5),
            _ => None,
        }
    }

    /// The HTTP status this error stands for: the one mapping of pages, server functions, the
    /// HTTP API and uploads.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            // The booking's state moved on (or never allowed it): a conflict, not bad input.
            AppError::Invalid(InputError::Desk(DeskError::NotNow))
            | AppError::Invalid(InputError::Accounts(AccountsError::NotNow))
            | AppError::Invalid(InputError::Jobs(JobsError::NotNow)) => 409,
            AppError::Invalid(_) | AppError::BadRequest(_) => 422,
            AppError::InvalidStay(_) => 400,
            AppError::EmailTaken
            | AppError::NoRoomsLeft
            | AppError::Refused(_)
            | AppError::NotCancellable
            | AppError::HasBookings
            | AppError::UpcomingBookings => 409,
            AppError::LinkExpired => 410,
            AppError::InvalidCredentials | AppError::Unauthorized => 401,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Forbidden | AppError::WrongPassword => 403,
            AppError::Unavailable(_) => 503,
            AppError::Internal(_) | AppError::Transport(_) => 500,
        }
    }
}

impl From<InputError> for AppError {
    fn from(error: InputError) -> Self {
        AppError::Invalid(error)
    }
}

impl From<StayError> for AppError {
    fn from(error: StayError) -> Self {
        match error {
            StayError::Malformed { field } => AppError::Invalid(InputError::Date(field)),
            rule => AppError::InvalidStay(rule),
        }
    }
}

impl From<GuestsError> for AppError {
    fn from(error: GuestsError) -> Self {
        AppError::Invalid(InputError::Guests(error))
    }
}

impl From<GuestDetailsError> for AppError {
    fn from(error: GuestDetailsError) -> Self {
        AppError::Invalid(InputError::GuestDetails(error))
    }
}

impl From<StayRefusal> for AppError {
    fn from(refusal: StayRefusal) -> Self {
        AppError::Refused(refusal)
    }
}

impl From<EmailError> for AppError {
    fn from(error: EmailError) -> Self {
        AppError::Invalid(InputError::Email(error))
    }
}

impl From<PasswordError> for AppError {
    fn from(error: PasswordError) -> Self {
        AppError::Invalid(InputError::Password(error))
    }
}

impl From<LocationError> for AppError {
    fn from(error: LocationError) -> Self {
        AppError::Invalid(InputError::Location(error))
    }
}

impl From<PageError> for AppError {
    fn from(error: PageError) -> Self {
        AppError::Invalid(InputError::Page(error))
    }
}

impl From<SearchError> for AppError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::Location(error) => error.into(),
            SearchError::Stay(error) => error.into(),
            SearchError::Page(error) => error.into(),
            SearchError::Guests(error) => error.into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(reason) => AppError::BadRequest(reason),
            other => AppError::Transport(other.to_string()),
        }
    }
}

impl AppError {
    /// An internal failure while `doing` something; `cause` is kept for the log, never sent.
    #[track_caller]
    pub fn internal(
        doing: &'static str,
        cause: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        AppError::Internal(Cause::new(doing, cause))
    }

    /// The recorded cause of an internal or unavailable error.
    pub fn cause(&self) -> Option<&Cause> {
        match self {
            AppError::Internal(cause) | AppError::Unavailable(cause) if cause.is_recorded() => {
                Some(cause)
            }
            _ => None,
        }
    }

    /// The error with its causes, for a log line.
    pub fn chain(&self) -> Chain<'_> {
        Chain(self)
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs the cause of a failure, once, where the error leaves the server: a server
    /// function's answer, an HTTP API response, a job's end. Errors of the request's own
    /// making (bad input, not found) carry no cause and log nothing.
    pub fn log(&self) {
        if self.cause().is_some() {
            tracing::error!(error = %self.chain(), status = self.status_code(), "request failed");
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    /// Keeps the cause (and where the `?` was) and sorts it into a category for the client.
    #[track_caller]
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::PoolTimedOut => {
                crate::server::metrics::metrics().pool_timeouts.inc();
                AppError::Unavailable(Cause::new("a database call", error))
            }
            sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                AppError::Unavailable(Cause::new("a database call", error))
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
                AppError::Unavailable(Cause::new("a database call", error))
            }
            other => AppError::Internal(Cause::new("a database call", other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_api_contract() {
        assert_eq!(AppError::NotFound.status_code(), 404);
        let date = AppError::from(StayError::Malformed {
            field: DateField::DateFrom,
        });
        assert_eq!(date.status_code(), 422);
        assert_eq!(
            AppError::from(StayError::TooLong).status_code(),
            400,
            "a broken rule"
        );
        assert_eq!(AppError::Unauthorized.status_code(), 401);
        assert_eq!(AppError::Unavailable(Cause::NONE).status_code(), 503);
    }

    #[test]
    fn round_trips_through_the_server_fn_encoding() {
        let error = AppError::from(LocationError::TooLong);
        assert_eq!(AppError::de(error.ser()), error);
    }

    #[test]
    fn survives_a_trip_through_the_query_string() {
        for error in [
            AppError::from(PasswordError::TooShort),
            AppError::from(EmailError::Malformed),
            AppError::from(StayError::Malformed {
                field: DateField::DateTo,
            }),
            AppError::from(PageError::OutOfRange),
            AppError::InvalidStay(StayError::CheckInPast),
            AppError::InvalidStay(StayError::BeyondHorizon),
            AppError::from(GuestsError::Children),
            AppError::Refused(StayRefusal::MinStay {
                arrival: crate::model::parse_iso_date("2026-12-04").unwrap(),
                nights: 2,
            }),
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
    fn a_cause_stays_on_the_server() {
        let error = AppError::internal("reading the widgets", "disk on fire");
        let line = line!() - 1;
        let chain = error.chain().to_string();
        assert!(
            chain.starts_with("internal error: reading the widgets failed at "),
            "{chain}"
        );
        assert!(
            chain.contains(&format!("error.rs:{line}:")),
            "where: {chain}"
        );
        assert!(chain.ends_with(": disk on fire"), "{chain}");
        let sent = String::from_utf8(error.ser().to_vec()).unwrap();
        assert!(
            !sent.contains("fire") && !sent.contains("widgets"),
            "{sent}"
        );
        let back = AppError::de(sent.into());
        assert_eq!(back, error, "categories compare, causes do not");
        assert!(back.cause().is_none());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_database_cause_records_the_question_mark() {
        fn fails() -> Result<(), AppError> {
            Err(sqlx::Error::PoolClosed)?
        }
        let line = line!() - 2;
        let chain = fails().unwrap_err().chain().to_string();
        assert!(
            chain.starts_with("service unavailable: a database call failed at "),
            "{chain}"
        );
        assert!(chain.contains(&format!("error.rs:{line}:")), "{chain}");
    }

    #[test]
    fn undecodable_answers_become_transport_errors() {
        let error = AppError::de("<html>bad gateway</html>".into());
        assert!(matches!(error, AppError::Transport(_)));
    }
}
