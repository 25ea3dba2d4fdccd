//! Server-only code, compiled only with `ssr`: one module per capability, each holding its rules
//! (the service: the module's public functions) and its repository (a private `repo` module), so
//! the compiler keeps every edge (server functions, the HTTP API, jobs, the CLI) on the services.
//! Besides them: configuration, shared state, the Redis cache, the job queue and the web glue.
pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod bookings;
pub mod catalog;
pub mod desk;
pub mod figures;
pub mod imports;
pub mod job_queues;
pub mod notifications;
pub mod pictures;
pub mod rates;
pub mod staff;
pub mod wishlist;

pub mod cache;
pub mod client_addr;
pub mod clock;
pub mod config;
pub mod forms;
pub mod language;
pub mod live;
pub mod metrics;
pub mod queue;
pub mod signed_links;
mod sql_types;
pub mod state;

use crate::error::AppError;

/// The edge of a server function: logs `error`'s cause (once, here) and sets the response's
/// status from it, then returns it, so clients see 404/422/429/503 rather than a blanket 500.
pub fn with_status(error: AppError) -> AppError {
    error.log();
    set_response_status(&error);
    error
}

/// Sets the HTTP status (and `Retry-After`) of the response being built to `error`'s.
pub fn set_response_status(error: &AppError) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let status = http::StatusCode::from_u16(error.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
        if let Some(secs) = error.retry_after_secs() {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
    }
}
