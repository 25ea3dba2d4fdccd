//! `POST /import/{hotels|rooms|bookings}`, multipart field `file`: the original's CSV import,
//! admin-only here. A thin handler over `imports`, which checks every row and stores a file in
//! one transaction or not at all.
use app::server::accounts::session::Session;
use app::server::imports::{self, ImportReport, Table};
use app::server::state::AppState;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};

use super::errors::{ApiError, Problem};

/// What an import file holds.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportTable {
    Hotels,
    Rooms,
    Bookings,
}

impl From<Table> for ImportTable {
    fn from(table: Table) -> Self {
        match table {
            Table::Hotels => ImportTable::Hotels,
            Table::Rooms => ImportTable::Rooms,
            Table::Bookings => ImportTable::Bookings,
        }
    }
}

/// A stored import file.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportDone {
    table: ImportTable,
    /// How many rows were stored.
    imported: usize,
    /// The new rows' ids, in file order.
    ids: Vec<i32>,
}

impl From<ImportReport> for ImportDone {
    fn from(report: ImportReport) -> Self {
        ImportDone {
            table: report.table.into(),
            imported: report.imported,
            ids: report.ids,
        }
    }
}

/// The largest import file: ~80,000 rows of a typical hotel file.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// `POST /import/{table}`: 201 with the new rows' ids in file order.
#[utoipa::path(post, path = "/api/v1/import/{table}", tag = "admin",
    security(("cookie" = []), ("bearer" = [])),
    params(("table" = ImportTable, Path, description = "What the file holds")),
    request_body(content_type = "multipart/form-data", content = super::uploads::UploadForm,
        description = "A `;`-separated UTF-8 CSV file with a header row. hotels: name;location;services;rooms_quantity;image_id. rooms: hotel_id;name;description;price;services;quantity;image_id. bookings: room_id;user_id;date_from;date_to;price (price optional: the room's). services: [\"Wi-Fi\", \"Парковка\"] or Wi-Fi, Парковка."),
    responses(
        (status = 201, description = "Every row stored, in one transaction", body = ImportDone),
        (status = 401, description = "Not signed in (the original needed no auth)", body = super::errors::Detail),
        (status = 403, description = "Not an admin", body = super::errors::Detail),
        (status = 413, description = "Larger than 8 MiB", body = super::errors::Detail),
        (status = 422, description = "Unknown table, no file, or rows that do not pass (each with its line; nothing stored)", body = super::errors::RowProblems),
    ))]
pub async fn import(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(table): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<ImportDone>), ApiError> {
    session.require_admin(&state).await?;
    let table = Table::parse(&table).ok_or_else(|| Problem {
        kind: "literal_error",
        loc: ["path", "table"],
        msg: "Input should be 'hotels', 'rooms' or 'bookings'".into(),
        input: table.into(),
    })?;
    let multipart = multipart.map_err(|_| Problem::not_multipart())?;
    let file = read_file(multipart).await?;
    let report = imports::import(&state, table, &file).await?;
    Ok((StatusCode::CREATED, Json(report.into())))
}

/// The `file` field, whole (the route's body limit bounds it).
async fn read_file(mut multipart: Multipart) -> Result<axum::body::Bytes, ApiError> {
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            return field.bytes().await.map_err(unreadable);
        }
    }
    Err(Problem::missing("body", "file").into())
}

fn unreadable(error: MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge {
            limit_bytes: MAX_FILE_BYTES,
        };
    }
    Problem {
        kind: "value_error",
        loc: ["body", "file"],
        msg: format!("Not a readable multipart body: {error}"),
        input: serde_json::Value::Null,
    }
    .into()
}
