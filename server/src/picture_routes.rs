//! The pictures' HTTP routes: the sizes as files, and `POST /admin/pictures/{hotels|rooms}/{id}`
//! (and the original's `POST /api/v1/images/hotels`), multipart field `file`: a picture
//! upload. The file streams to disk with a size cap and is hashed on the way; nothing of a
//! refused upload is kept.
//!
//! Answers JSON (`201` with the picture's status, or `{"detail", "code"}` with the refusal's
//! status) to clients that accept it, such as the page's script; a plain form post (no
//! JavaScript) is sent back to the admin page, with `?error=<code>` on refusal.
use std::path::{Path, PathBuf};

use app::error::AppError;
use app::model::{PictureOwner, UploadRefusal};
use app::server::accounts::session::Session;
use app::server::pictures::{self, Pictures, UploadError};
use app::server::{catalog, staff, state::AppState};
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

use crate::api_v1::errors::Detail;

/// Serves `dir` (the sizes) with long-lived caching: a file's name changes with its content.
/// Content types come from the extensions, which are ours.
pub fn serve(dir: PathBuf) -> SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeader::overriding(
        ServeDir::new(dir),
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    )
}

/// Room for the multipart framing around the file within the body limit.
const FRAMING_BYTES: u64 = 64 * 1024;

#[derive(Clone)]
pub struct UploadContext {
    app: AppState,
    pictures: Pictures,
}

/// The upload route, with its own body limit.
pub fn routes(app: AppState, pictures: Pictures) -> Router<AppState> {
    let limit = pictures.limits.max_bytes.saturating_add(FRAMING_BYTES);
    Router::new()
        .route("/admin/pictures/{kind}/{id}", post(upload))
        .route("/api/v1/images/hotels", post(api_upload))
        .layer(DefaultBodyLimit::max(
            usize::try_from(limit).unwrap_or(usize::MAX),
        ))
        .with_state(UploadContext { app, pictures })
}

async fn upload(
    State(context): State<UploadContext>,
    Extension(session): Extension<Session>,
    UrlPath((kind, id)): UrlPath<(String, String)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"));
    let Some(owner) = PictureOwner::parse(&kind, &id) else {
        return answer_error(wants_json, None, UploadError::App(AppError::NotFound));
    };
    let result = receive_and_accept(&context, &session, owner, multipart).await;
    // Only a plain form post is sent back to a page.
    let back = if wants_json {
        None
    } else {
        admin_page(&context.app, owner).await
    };
    match result {
        Ok(status) if wants_json => (StatusCode::CREATED, Json(status)).into_response(),
        Ok(_) => match back {
            Some(page) => Redirect::to(&format!("{page}?uploaded=1")).into_response(),
            None => StatusCode::CREATED.into_response(),
        },
        Err(error) => answer_error(wants_json, back, error),
    }
}

/// `?name=<hotel id>`, as the original named it.
#[derive(Debug, serde::Deserialize)]
pub struct ImageQuery {
    name: Option<String>,
}

/// `POST /api/v1/images/hotels?name=<hotel id>`, multipart field `file`: the original's upload
/// route (which had no auth; ours is for admins and the hotel's staff), adding a picture of the
/// hotel after its others and answering 201 with its status.
#[utoipa::path(post, path = "/api/v1/images/hotels", tag = "admin",
    security(("cookie" = []), ("bearer" = [])),
    params(("name" = i32, Query, minimum = 1, example = 1, description = "The hotel's id")),
    request_body(content_type = "multipart/form-data", content = crate::api_v1::uploads::UploadForm),
    responses(
        (status = 201, description = "Stored; the sizes are being made"),
        (status = 401, description = "Not signed in (the original needed no auth)", body = crate::api_v1::errors::Detail),
        (status = 403, description = "Neither an admin nor the hotel's staff", body = crate::api_v1::errors::Detail),
        (status = 404, description = "No such hotel", body = crate::api_v1::errors::Detail),
        (status = 409, description = "The hotel has 20 pictures already", body = crate::api_v1::errors::Detail),
        (status = 413, description = "Larger than UPLOAD_MAX_BYTES", body = crate::api_v1::errors::Detail),
        (status = 415, description = "Not a JPEG, PNG or WebP picture", body = crate::api_v1::errors::Detail),
        (status = 422, description = "No hotel id or not a multipart body (a list of problems); no file, damaged, or too many pixels (a detail)", body = crate::api_v1::uploads::UploadUnprocessable),
    ))]
pub async fn api_upload(
    State(context): State<UploadContext>,
    Extension(session): Extension<Session>,
    query: Result<axum::extract::Query<ImageQuery>, axum::extract::rejection::QueryRejection>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    use crate::api_v1::errors::{ApiError, Problem};
    let raw = query.ok().and_then(|query| query.0.name);
    let Some(hotel) = raw.as_deref().and_then(app::model::HotelId::parse) else {
        return ApiError::from(Problem {
            kind: if raw.is_none() {
                "missing"
            } else {
                "int_parsing"
            },
            loc: ["query", "name"],
            msg: "The hotel's id is required, a positive integer".into(),
            input: raw.map_or(serde_json::Value::Null, Into::into),
        })
        .into_response();
    };
    let Ok(multipart) = multipart else {
        return ApiError::from(Problem::not_multipart()).into_response();
    };
    match receive_and_accept(&context, &session, PictureOwner::Hotel(hotel), multipart).await {
        Ok(status) => (StatusCode::CREATED, Json(status)).into_response(),
        Err(error) => answer_error(true, None, error),
    }
}

async fn receive_and_accept(
    context: &UploadContext,
    session: &Session,
    owner: PictureOwner,
    multipart: Multipart,
) -> Result<app::model::PictureStatus, UploadError> {
    // Who and where first: a stranger's upload is not read at all.
    let staff = staff::of_session(&context.app, session).await?;
    let pictures = &context.pictures;
    let hotel = pictures::owner_hotel(&pictures.db, owner)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require_hotel(hotel)?;
    let (path, digest) = receive(multipart, pictures).await?;
    pictures.accept(&staff, owner, path, digest).await
}

/// Streams the `file` field to a fresh upload path; returns it with the content's digest.
async fn receive(
    mut multipart: Multipart,
    pictures: &Pictures,
) -> Result<(PathBuf, String), UploadError> {
    while let Some(field) = multipart.next_field().await.map_err(refusal)? {
        if field.name() != Some("file") {
            continue;
        }
        let path = pictures.store.new_upload_path();
        return match stream_to(field, &path, pictures.limits.max_bytes).await {
            Ok(digest) => Ok((path, digest)),
            Err(error) => {
                let _ = tokio::fs::remove_file(&path).await;
                Err(error)
            }
        };
    }
    Err(UploadRefusal::NoFile.into())
}

async fn stream_to(
    mut field: Field<'_>,
    path: &Path,
    max_bytes: u64,
) -> Result<String, UploadError> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(refusal)? {
        size += chunk.len() as u64;
        if size > max_bytes {
            return Err(UploadRefusal::TooLarge.into());
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await?;
    }
    if size == 0 {
        return Err(UploadRefusal::NoFile.into());
    }
    file.sync_all().await?;
    // 128 bits name the content well enough; 32 hex digits keep file names short.
    let digest = hasher.finalize();
    Ok(digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// A broken or over-long multipart body.
fn refusal(error: MultipartError) -> UploadError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadRefusal::TooLarge.into()
    } else {
        UploadRefusal::NoFile.into()
    }
}

/// The admin page that lists `owner`'s picture.
async fn admin_page(app: &AppState, owner: PictureOwner) -> Option<String> {
    let hotel = match owner {
        PictureOwner::Hotel(id) => id,
        PictureOwner::Room(id) => catalog::hotel_of_room(&app.db, id).await.ok()?,
    };
    Some(format!("/admin/hotels/{hotel}/pictures"))
}

fn answer_error(wants_json: bool, back: Option<String>, error: UploadError) -> Response {
    let (status, code, detail) = match &error {
        UploadError::Refused(refusal) => (
            StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            refusal.code(),
            refusal.to_string(),
        ),
        UploadError::App(error) => {
            // The upload's edge: the cause of a failure is logged here.
            error.log();
            (
                StatusCode::from_u16(error.status_code())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                error.code(),
                error.to_string(),
            )
        }
    };
    match back {
        Some(page) if !wants_json && status != StatusCode::UNAUTHORIZED => {
            Redirect::to(&format!("{page}?error={code}")).into_response()
        }
        _ => {
            let answer = Detail {
                detail,
                code: Some(code),
            };
            (status, Json(answer)).into_response()
        }
    }
}
