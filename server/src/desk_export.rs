//! `GET /admin/bookings.csv?<the bookings list's filter>`: the back office's bookings list as
//! a CSV download for the hotels the reader runs. The rows stream from PostgreSQL to the
//! client a chunk at a time (a hotel's year of bookings is never held in memory); when the
//! database fails halfway, the body ends in an error instead of passing for a whole file.
use app::error::AppError;
use app::model::desk::BookingFilterForm;
use app::server::accounts::session::Session;
use app::server::state::AppState;
use app::server::{desk, staff};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot};

use crate::api_v1::errors::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/bookings.csv", get(export))
}

/// Chunks in flight between the query and the client: with 32 KiB chunks, a slow reader
/// holds back the query at about 128 KiB.
const CHUNKS_IN_FLIGHT: usize = 4;

async fn export(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(form): Query<BookingFilterForm>,
) -> Response {
    let staff = match staff::of_session(&state, &session).await {
        Ok(staff) => staff,
        Err(error) => return ApiError::from(error).into_response(),
    };
    let filter = match form.parse() {
        Ok(filter) => filter,
        Err(error) => {
            return ApiError::from(AppError::Invalid(app::error::InputError::Desk(error)))
                .into_response();
        }
    };
    // Refused before the download starts, with its status.
    if let Some(hotel_id) = filter.hotel_id
        && let Err(error) = staff.require_hotel(hotel_id)
    {
        return ApiError::from(error).into_response();
    }
    let (chunks, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let (done, outcome) = oneshot::channel();
    let day = state.clock.today();
    tokio::spawn(async move {
        let result = desk::export(&state, &staff, &filter, chunks).await;
        if let Err(error) = &result {
            error.log();
        }
        let _ = done.send(result.is_ok());
    });
    // Fused: a compressing layer polls once more after the end, which `unfold` refuses.
    let mut response = Body::from_stream(body(receiver, outcome).fuse()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"bookings-{day}.csv\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The chunks as they come, then an error if the export failed (the client sees a broken
/// download, not a short file).
fn body(
    receiver: mpsc::Receiver<Vec<u8>>,
    outcome: oneshot::Receiver<bool>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    enum Stage {
        Chunks(mpsc::Receiver<Vec<u8>>, oneshot::Receiver<bool>),
        Over,
    }
    futures::stream::unfold(Stage::Chunks(receiver, outcome), |stage| async move {
        let Stage::Chunks(mut receiver, outcome) = stage else {
            return None;
        };
        if let Some(chunk) = receiver.recv().await {
            return Some((Ok(chunk), Stage::Chunks(receiver, outcome)));
        }
        match outcome.await {
            Ok(true) => None,
            _ => Some((
                Err(std::io::Error::other("the export stopped")),
                Stage::Over,
            )),
        }
    })
}
