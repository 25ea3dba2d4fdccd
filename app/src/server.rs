//! Server-only code: configuration, state, repositories, cache. Compiled only with `ssr`.
pub mod accounts;
pub mod auth;
pub mod bookings;
pub mod cache;
pub mod catalog;
pub mod config;
pub mod db;
pub mod forms;
pub mod imports;
pub mod media;
pub mod search_index;
pub mod state;

use crate::error::AppError;

/// Sets the HTTP status (and `Retry-After`) of the current server-function or page response
/// from `error`, then returns it, so clients see 404/422/429/503 rather than a blanket 500.
pub fn with_status(error: AppError) -> AppError {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let status = http::StatusCode::from_u16(error.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
        if let Some(secs) = error.retry_after_secs() {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
    }
    error
}

/// The server's calendar day, which the date rules ("check-in not in the past") use.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
