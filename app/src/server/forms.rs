//! Responses of the account server functions: the session cookie, and where the browser goes
//! next, with or without JavaScript.
use http::{HeaderValue, header};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::{accounts, state::AppState, wishlist, with_status};
use crate::error::AppError;
use crate::model::{
    User,
    navigation::{ascii_path, local_path, with_query},
};

/// Adds `Set-Cookie: value` to the response being built.
pub fn set_cookie(value: &str) -> Result<(), AppError> {
    let value = HeaderValue::from_str(value)
        .map_err(|error| AppError::internal("a cookie header", error))?;
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(header::SET_COOKIE, value);
    }
    Ok(())
}

/// Sets the session cookie for `user` (see [`accounts::sign_in`]), and moves the hotels this
/// browser saved or viewed signed out to the account (a failure there is logged: signing in
/// goes on, and the browser keeps its lists for the next time).
pub async fn sign_in(state: &AppState, user: &User) -> Result<(), AppError> {
    set_cookie(&accounts::sign_in(state, user)?.cookie)?;
    match wishlist::adopt(state, user.id, &request_headers()).await {
        Ok(cleared) => cleared.iter().try_for_each(|cookie| set_cookie(cookie)),
        Err(error) => {
            error.log();
            Ok(())
        }
    }
}

/// The headers of the request being answered (empty outside one).
pub fn request_headers() -> http::HeaderMap {
    use_context::<http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default()
}

pub fn sign_out(state: &AppState) {
    // A header value we build ourselves is always valid; nothing to report.
    let _ = set_cookie(&accounts::signed_out_cookie(state));
}

/// A plain HTML form post (JavaScript off) rather than a call from the hydrated page.
fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// On success, sends the browser to `return_to`. On failure, a plain form post goes back to
/// `form_page` with the error and the email in the URL (so the page can show them); a call from
/// the hydrated page gets the error with its HTTP status.
pub fn finish<T>(
    result: Result<T, AppError>,
    form_page: &str,
    email: &str,
    return_to: Option<&str>,
) -> Result<T, AppError> {
    let return_to = local_path(return_to);
    match result {
        Ok(value) => {
            leptos_axum::redirect(return_to);
            Ok(value)
        }
        Err(error) if is_plain_form_post() => {
            back_to_form(
                form_page,
                &error,
                &[("email", email.trim()), ("return_to", return_to)],
            );
            Err(error)
        }
        Err(error) => Err(with_status(error)),
    }
}

/// For an action that leaves the guest on the page they are on (a heart): a plain form post
/// that succeeded goes back to `return_to` (a local path); a call from the hydrated page gets
/// the answer, or the error with its HTTP status.
pub fn stay_on<T>(result: Result<T, AppError>, return_to: Option<&str>) -> Result<T, AppError> {
    match result {
        Ok(value) => {
            if is_plain_form_post() {
                leptos_axum::redirect(&ascii_path(local_path(return_to)));
            }
            Ok(value)
        }
        Err(error) => Err(with_status(error)),
    }
}

/// Like [`finish`] for forms without an email field: on success to `done`; a plain form post
/// that failed goes back to `form_page` with the error in its query string.
pub fn finish_form<T>(
    result: Result<T, AppError>,
    form_page: &str,
    done: &str,
) -> Result<T, AppError> {
    match result {
        Ok(value) => {
            leptos_axum::redirect(local_path(Some(done)));
            Ok(value)
        }
        Err(error) if is_plain_form_post() => {
            back_to_form(form_page, &error, &[]);
            Err(error)
        }
        Err(error) => Err(with_status(error)),
    }
}

/// Sends a plain form post back to `form_page` (which may have a query already) with `error`
/// and `extra` values in its query string, so the page can show them. The no-JavaScript edge
/// of a server function: the error's cause is logged here.
fn back_to_form(form_page: &str, error: &AppError, extra: &[(&str, &str)]) {
    error.log();
    let pairs = error.to_query();
    let mut pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(extra);
    let query = with_query("", &pairs);
    let separator = if form_page.contains('?') { "&" } else { "?" };
    leptos_axum::redirect(&format!(
        "{form_page}{separator}{}",
        query.trim_start_matches('?')
    ));
}
