//! The original project's REST contract under `/api/v1` (see `../shared/api-contract.md` and the
//! README): thin handlers over the same services as the pages and server functions. So far:
//! accounts, hotels and rooms, bookings, the admin's CSV import (the picture upload lives with
//! the pictures).
pub mod auth;
pub mod bookings;
pub mod errors;
pub mod hotels;
pub mod imports;
pub mod openapi;
pub mod uploads;

use app::server::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};

/// The largest JSON body this API reads (every one is a small object).
pub const MAX_JSON_BYTES: usize = 16 * 1024;

/// Routes relative to `/api/v1`. Path segments share one name where the contract's paths
/// overlap (`/hotels/{location}` and `/hotels/{hotel_id}/rooms`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hotels/id/{hotel_id}", get(hotels::get))
        .route("/hotels/{key}", get(hotels::search))
        .route("/hotels/{key}/rooms", get(hotels::rooms))
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/bookings", get(bookings::list).post(bookings::book))
        .route("/bookings/{booking_id}", delete(bookings::cancel))
        .route("/openapi.json", get(openapi::document))
        // Every other request body of this API is a small JSON object.
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .merge(
            Router::new()
                .route("/import/{table}", post(imports::import))
                .layer(DefaultBodyLimit::max(imports::MAX_FILE_BYTES)),
        )
}
