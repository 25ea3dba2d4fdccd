//! Error answers of the HTTP API in the original's shape: `{"detail": "<text>"}` for rule
//! errors, and FastAPI's 422 list `{"detail": [{"type", "loc", "msg", "input"}]}` for input
//! that does not parse.
use app::error::AppError;
use app::model::{BookingWindow, StayDates, StayError, StayRefusal};
use app::server::imports::{ImportError, RowError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};

/// A rule error: `{"detail": "<text>"}` (the upload adds a stable `code`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "too_large")]
    pub code: Option<&'static str>,
}

impl Detail {
    pub fn new(detail: impl Into<String>) -> Self {
        Detail {
            detail: detail.into(),
            code: None,
        }
    }
}

/// Input that does not parse: FastAPI's list of problems.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationError {
    pub detail: Vec<Problem>,
}

/// One problem of an import file.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowProblem {
    #[serde(rename = "type")]
    #[schema(example = "csv_row")]
    kind: &'static str,
    /// `["body", "file", <line>, <column>]`; the header is line 1.
    #[schema(schema_with = names_and_lines)]
    loc: Vec<Value>,
    #[schema(example = "line 3, price: expected a whole number from 0 to 100000000")]
    msg: String,
    input: Option<String>,
}

/// An import file's problems, or the request's.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowProblems {
    detail: Vec<RowProblem>,
}

/// A list of names and line numbers.
fn names_and_lines() -> Schema {
    let item = OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String))
        .item(ObjectBuilder::new().schema_type(Type::Integer));
    Schema::Array(ArrayBuilder::new().items(item).build())
}

/// One input problem, as FastAPI reports it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "missing")]
    pub kind: &'static str,
    /// Where: `["query", "date_from"]`, `["path", "hotel_id"]`, `["body", "email"]`.
    #[schema(value_type = Vec<String>)]
    pub loc: [&'static str; 2],
    pub msg: String,
    /// The value as received (`null` when missing): any JSON value.
    pub input: Value,
}

impl Problem {
    pub fn missing(place: &'static str, name: &'static str) -> Self {
        Problem {
            kind: "missing",
            loc: [place, name],
            msg: "Field required".into(),
            input: Value::Null,
        }
    }

    /// A body that is not `multipart/form-data` with a boundary, for the file routes.
    pub fn not_multipart() -> Self {
        Problem {
            kind: "missing",
            loc: ["body", "file"],
            msg: "Expected a multipart/form-data body with the file in the field `file`".into(),
            input: Value::Null,
        }
    }
}

#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    Invalid(Vec<Problem>),
    /// An import file's problems, each with its line.
    Rows(Vec<RowError>),
    /// A request body over the route's limit.
    TooLarge {
        limit_bytes: usize,
    },
}

impl From<ImportError> for ApiError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Rows(problems) => ApiError::Rows(problems),
            ImportError::App(error) => ApiError::App(error),
        }
    }
}

/// A file's problem in FastAPI's shape: `loc` is `["body", "file", <line>, <column>]`.
fn row_problem(problem: &RowError) -> RowProblem {
    let mut loc = vec![json!("body"), json!("file"), json!(problem.line)];
    loc.extend(problem.column.map(|column| json!(column)));
    RowProblem {
        kind: "csv_row",
        loc,
        msg: problem.to_string(),
        input: problem.input.clone(),
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError::App(error)
    }
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError::Invalid(vec![problem])
    }
}

/// An id parameter at `loc`: a positive integer, or 422 as FastAPI answers.
pub fn positive_id<Id: From<i32>>(raw: &str, loc: [&'static str; 2]) -> Result<Id, ApiError> {
    app::model::parse_id(raw).map(Id::from).ok_or_else(|| {
        Problem {
            kind: "int_parsing",
            loc,
            msg: "Input should be a valid positive integer".into(),
            input: raw.into(),
        }
        .into()
    })
}

/// The stay of `?date_from&date_to`, with the date rules of the whole app in `window`.
pub fn stay(date_from: &str, date_to: &str, window: BookingWindow) -> Result<StayDates, ApiError> {
    StayDates::parse(date_from, date_to, window).map_err(|error| {
        let input = if error.field() == "date_from" {
            date_from
        } else {
            date_to
        };
        ApiError::stay(error, input)
    })
}

impl ApiError {
    /// A stay that breaks a date rule (400), or a date that does not parse (422 on `input`).
    fn stay(error: StayError, input: &str) -> Self {
        if error.is_malformed() {
            return Problem {
                kind: "date_from_datetime_parsing",
                loc: ["query", error.field()],
                msg: "Input should be a valid date in the format YYYY-MM-DD".into(),
                input: input.into(),
            }
            .into();
        }
        ApiError::App(error.into())
    }
}

/// The text of a rule error, in English as the original's.
fn detail(error: &AppError) -> String {
    match error {
        AppError::NotFound => "Not found".into(),
        AppError::InvalidStay(rule) => match rule {
            StayError::TooLong => format!(
                "A stay is at most {} nights",
                app::model::StayDates::MAX_NIGHTS
            ),
            StayError::CheckInPast => "date_from is in the past".into(),
            StayError::BeyondHorizon => {
                "date_from is beyond the booking window: bookings do not open that far ahead".into()
            }
            _ => "date_from must be before date_to".into(),
        },
        AppError::NoRoomsLeft => "No rooms left for these dates".into(),
        AppError::NotCancellable => {
            "This booking can no longer be cancelled: its free cancellation ended, it is non-refundable, or it is cancelled already".into()
        }
        AppError::Refused(refusal) => refusal_detail(*refusal),
        AppError::EmailTaken => "This email is already registered".into(),
        AppError::InvalidCredentials => "Wrong email or password".into(),
        AppError::Unauthorized => "Not authenticated".into(),
        AppError::Forbidden => "Not allowed".into(),
        AppError::TooManyAttempts { .. } => "Too many attempts, try again later".into(),
        AppError::Unavailable(_) => "Service unavailable".into(),
        other => other.to_string(),
    }
}

/// A hotel's restriction in words, with the weekday a guest plans by ("minimum 2 nights for
/// arrivals on Friday 2026-12-04").
fn refusal_detail(refusal: StayRefusal) -> String {
    let day = |date: NaiveDate| format!("{} {date}", date.format("%A"));
    match refusal {
        StayRefusal::Closed { night } => {
            format!(
                "The room type is closed for sale on the night of {}",
                day(night)
            )
        }
        StayRefusal::ClosedToArrival { arrival } => {
            format!("No arrivals on {}", day(arrival))
        }
        StayRefusal::MinStay { arrival, nights } => {
            format!("Minimum {nights} nights for arrivals on {}", day(arrival))
        }
        StayRefusal::MaxStay { arrival, nights } => {
            format!("Maximum {nights} nights for arrivals on {}", day(arrival))
        }
        StayRefusal::TooManyGuests {
            max_adults,
            max_children,
        } => format!("The room takes at most {max_adults} adults and {max_children} more children"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Invalid(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(ValidationError { detail: problems }),
            )
                .into_response(),
            ApiError::Rows(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(RowProblems {
                    detail: problems.iter().map(row_problem).collect(),
                }),
            )
                .into_response(),
            ApiError::TooLarge { limit_bytes } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                Json(Detail::new(format!(
                    "The body is larger than {limit_bytes} bytes"
                ))),
            )
                .into_response(),
            ApiError::App(error) => {
                error.log();
                let status = StatusCode::from_u16(error.status_code())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = (status, Json(Detail::new(detail(&error)))).into_response();
                if let Some(secs) = error.retry_after_secs() {
                    response
                        .headers_mut()
                        .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
                }
                response
            }
        }
    }
}
