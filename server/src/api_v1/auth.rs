//! Accounts of the original's contract: register, log in (JWT in the response and in the
//! `booking_access_token` cookie), log out, who am I. Thin handlers over `accounts`.
use std::net::SocketAddr;

use app::error::{AppError, InputError};
use app::model::{Email, Password};
use app::server::accounts;
use app::server::accounts::session::Session;
use app::server::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{Extensions, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::errors::{ApiError, Problem};

/// `{email, password}` of a new account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    #[schema(example = "test@test.com", format = Email, max_length = 254)]
    email: String,
    #[schema(format = Password, min_length = 8, max_length = 128)]
    password: String,
}

/// `{email, password}` of an account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignIn {
    #[schema(example = "test@test.com", format = Email)]
    email: String,
    #[schema(format = Password)]
    password: String,
}

/// The session token (also set as the `booking_access_token` cookie).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessToken {
    access_token: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    id: i32,
    email: String,
    #[schema(example = "user")]
    role: &'static str,
}

/// A `{email, password}` body (`Credentials` or `SignIn`), every problem reported at once in
/// FastAPI's shape (a plain `Json<T>` would answer its own).
fn credentials<T: DeserializeOwned>(
    body: Result<Json<Value>, JsonRejection>,
) -> Result<T, ApiError> {
    if let Err(rejection) = &body
        && rejection.status() == http::StatusCode::PAYLOAD_TOO_LARGE
    {
        return Err(ApiError::TooLarge {
            limit_bytes: super::MAX_JSON_BYTES,
        });
    }
    let Ok(Json(body)) = body else {
        return Err(Problem {
            kind: "json_invalid",
            loc: ["body", "json"],
            msg: "A JSON object with email and password is required".into(),
            input: Value::Null,
        }
        .into());
    };
    let field = |name: &'static str| match body.get(name) {
        Some(Value::String(value)) => Ok(value.clone()),
        None | Some(Value::Null) => Err(Problem::missing("body", name)),
        Some(other) => Err(Problem {
            kind: "string_type",
            loc: ["body", name],
            msg: "Input should be a valid string".into(),
            input: other.clone(),
        }),
    };
    match (field("email"), field("password")) {
        (Ok(email), Ok(password)) => Ok(serde_json::from_value(json!({
            "email": email,
            "password": password,
        }))
        .map_err(|error| AppError::internal("reading credentials", error))?),
        (email, password) => Err(ApiError::Invalid(
            [email.err(), password.err()]
                .into_iter()
                .flatten()
                .collect(),
        )),
    }
}

/// An input rule of `accounts` broken by a body field: 422 on that field (the email echoed,
/// never the password).
fn body_error(error: AppError, email: &str) -> ApiError {
    let (name, msg, input) = match error {
        AppError::Invalid(InputError::Email(problem)) => {
            ("email", problem.to_string(), email.into())
        }
        AppError::Invalid(InputError::Password(problem)) => {
            ("password", problem.to_string(), Value::Null)
        }
        other => return other.into(),
    };
    Problem {
        kind: "value_error",
        loc: ["body", name],
        msg,
        input,
    }
    .into()
}

fn with_cookie(cookie: &str, body: impl Serialize) -> Response {
    match HeaderValue::from_str(cookie) {
        Ok(cookie) => ([(header::SET_COOKIE, cookie)], Json(body)).into_response(),
        Err(error) => ApiError::App(AppError::internal("a cookie header", error)).into_response(),
    }
}

/// `POST /auth/register`: 200 `null`; 409 taken (any letter case); 422 bad email or password.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = Credentials,
    responses(
        (status = 200, description = "Registered (body null)"),
        (status = 409, description = "The email is registered already, in any letter case", body = super::errors::Detail),
        (status = 422, description = "Malformed body, invalid email, password shorter than 8", body = super::errors::ValidationError),
    ))]
pub async fn register(
    State(state): State<AppState>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body: Credentials = credentials(body)?;
    let parsed = Email::parse(&body.email)
        .map_err(AppError::from)
        .and_then(|email| Ok((email, Password::parse(&body.password)?)));
    let (email, password) = parsed.map_err(|error| body_error(error, &body.email))?;
    accounts::register(&state, &email, &password).await?;
    Ok(Json(Value::Null))
}

/// `POST /auth/login`: `{"access_token"}` and the session cookie; 401 for a wrong email or
/// password alike.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; also sets the booking_access_token cookie", body = AccessToken),
        (status = 401, description = "Wrong email or password (one answer for both)", body = super::errors::Detail),
        (status = 422, description = "Malformed body or email", body = super::errors::ValidationError),
        (status = 429, description = "Too many failed attempts", body = super::errors::Detail),
    ))]
pub async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let body: SignIn = credentials(body)?;
    // As register (and the original) answers: a malformed email is a 422, not a wrong password.
    let email = Email::parse(&body.email).map_err(|error| body_error(error.into(), &body.email))?;
    // The peer address, for throttling (present when served with connect info).
    let client = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let user = accounts::login(&state, &email, &body.password, client).await?;
    let signed_in = accounts::sign_in(&state, &user)?;
    let answer = AccessToken {
        access_token: signed_in.token,
    };
    Ok(with_cookie(&signed_in.cookie, answer))
}

/// `POST /auth/logout`: ends the session (the token is revoked, cookie or Bearer) and clears
/// the cookie; works signed out too.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 200, description = "Session ended, cookie cleared (body null)")))]
pub async fn logout(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    if let Err(error) = accounts::sign_out(&state, &session).await {
        return ApiError::from(error).into_response();
    }
    with_cookie(&accounts::signed_out_cookie(&state), Value::Null)
}

/// `GET /auth/me`: `{id, email, role}` (never the password hash, which the original returned).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Missing, malformed, badly signed or expired token", body = super::errors::Detail),
    ))]
pub async fn me(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Me>, ApiError> {
    let user = session.require_user(&state).await?;
    Ok(Json(Me {
        id: user.id.get(),
        email: user.email,
        role: user.role.as_str(),
    }))
}
