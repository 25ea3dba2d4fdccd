//! Pictures of hotels and room types (several each, in the staff's order; the first ready one
//! is the main one): an upload is validated and stored with its row in one step, the worker
//! makes the sizes, and files no row names any more are removed.
//!
//! Files of one digest are only ever created or removed under that digest's advisory lock,
//! taken in the same transaction that writes or checks the rows naming it, so a removal never
//! races an upload of the same content.
pub mod imaging;
pub mod media;
mod repo;
pub mod store;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::{PgConnection, PgPool};

pub use self::repo::SettledPicture;
use self::repo::{NewPicture, PictureJob, PictureRepo};
use super::audit::{self, Change, Object};
use super::cache::Cache;
use super::catalog;
use super::config::Config;
use super::queue::{self, JobTable};
use super::staff::Staff;
use super::state::AppState;
use crate::error::AppError;
use crate::model::picture::{MAX_PICTURES, PictureArrangement};
use crate::model::{HotelId, HotelPictures, PictureId, PictureOwner, PictureStatus, UploadRefusal};

use imaging::Inspected;
use store::{MediaStore, SourceFormat};

/// Attempts at making the sizes before a picture is marked failed (only file errors are
/// retried; a picture that cannot be decoded fails at once).
const MAX_ATTEMPTS: i32 = 3;
/// Uploads cut off by a crash are removed after this long.
const STALE_UPLOAD: Duration = Duration::from_secs(3600);

/// Upload limits: bytes, and pixels (width x height) of the picture.
#[derive(Debug, Clone, Copy)]
pub struct PictureLimits {
    pub max_bytes: u64,
    pub max_pixels: u64,
}

/// Why an upload did not become a picture.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Refused(#[from] UploadRefusal),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<std::io::Error> for UploadError {
    fn from(error: std::io::Error) -> Self {
        UploadError::App(AppError::internal("a picture file operation", error))
    }
}

/// `MEDIA_DIR` cannot be created or written.
#[derive(Debug, thiserror::Error)]
#[error("MEDIA_DIR {}: {source}", dir.display())]
pub struct MediaDirError {
    pub dir: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// What a pass over the processing queue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProcessReport {
    pub ready: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The pictures service, shared by the upload endpoint and the worker.
#[derive(Clone)]
pub struct Pictures {
    pub db: PgPool,
    pub cache: Cache,
    pub store: MediaStore,
    pub limits: PictureLimits,
}

impl Pictures {
    /// The service as configured (`MEDIA_DIR`, `UPLOAD_MAX_BYTES`, `UPLOAD_MAX_PIXELS`).
    pub fn from_config(db: PgPool, cache: Cache, config: &Config) -> Result<Self, MediaDirError> {
        let store = MediaStore::open(&config.media_dir).map_err(|source| MediaDirError {
            dir: config.media_dir.clone(),
            source,
        })?;
        Ok(Pictures {
            db,
            cache,
            store,
            limits: PictureLimits {
                max_bytes: config.upload_max_bytes,
                max_pixels: config.upload_max_pixels,
            },
        })
    }

    /// Checks the received file at `upload` (removed in every case) and, if it is a picture
    /// within the limits, adds it after `owner`'s others, for `staff` of its hotel.
    #[tracing::instrument(skip_all, fields(owner = ?owner))]
    pub async fn accept(
        &self,
        staff: &Staff,
        owner: PictureOwner,
        upload: PathBuf,
        digest: String,
    ) -> Result<PictureStatus, UploadError> {
        let inspected = self.inspect(&upload).await;
        let stored = match inspected {
            Ok(inspected) => {
                self.store_original(staff, owner, &upload, &digest, inspected)
                    .await
            }
            Err(refusal) => Err(refusal.into()),
        };
        // Gone already when it became the original.
        let _ = tokio::fs::remove_file(&upload).await;
        stored
    }

    async fn inspect(&self, upload: &Path) -> Result<Inspected, UploadRefusal> {
        let path = upload.to_owned();
        let max_pixels = self.limits.max_pixels;
        tokio::task::spawn_blocking(move || imaging::inspect(&path, max_pixels))
            .await
            .map_err(|_| UploadRefusal::Damaged)?
    }

    async fn store_original(
        &self,
        staff: &Staff,
        owner: PictureOwner,
        upload: &Path,
        digest: &str,
        inspected: Inspected,
    ) -> Result<PictureStatus, UploadError> {
        let picture = NewPicture {
            owner,
            digest: digest.to_owned(),
            format: inspected.format.as_str(),
            width: inspected.width,
            height: inspected.height,
        };
        let mut tx = self.db.begin().await.map_err(AppError::from)?;
        PictureRepo::lock_digest(&mut tx, digest).await?;
        tokio::fs::rename(upload, self.store.original_path(digest, inspected.format)).await?;
        let status = match add(&mut tx, staff, &picture).await {
            Ok(status) => status,
            Err(error) => {
                drop(tx);
                self.remove_if_unreferenced(digest).await;
                return Err(error);
            }
        };
        tx.commit().await.map_err(AppError::from)?;
        tracing::info!(%owner, picture = %status.id, digest, "picture uploaded");
        Ok(status)
    }

    /// Makes the sizes of every picture waiting for them.
    #[tracing::instrument(skip_all)]
    pub async fn process_due(&self) -> Result<ProcessReport, AppError> {
        let repo = PictureRepo::new(&self.db);
        let mut report = ProcessReport::default();
        loop {
            let Some(job) = repo.claim_next().await? else {
                return Ok(report);
            };
            let id = i64::from(job.id.get());
            queue::hold_while(&self.db, JobTable::Pictures, id, async {
                self.process(&repo, &job, &mut report).await
            })
            .await?;
        }
    }

    async fn process(
        &self,
        repo: &PictureRepo<'_>,
        job: &PictureJob,
        report: &mut ProcessReport,
    ) -> Result<(), AppError> {
        let Some(format) = SourceFormat::parse(&job.format) else {
            return repo.finish(job, Some("unknown format"), false).await;
        };
        let (store, digest, max_pixels) = (
            self.store.clone(),
            job.digest.clone(),
            self.limits.max_pixels,
        );
        let started = Instant::now();
        let rendered = tokio::task::spawn_blocking(move || {
            imaging::render_all(&store, &digest, format, max_pixels)
        })
        .await
        .map_err(|error| AppError::internal("the picture sizes task", error))?;
        match rendered {
            Ok(()) => {
                tracing::info!(picture = %job.id, digest = %job.digest, millis = started.elapsed().as_millis() as u64, "picture sizes made");
                repo.finish(job, None, false).await?;
                report.ready += 1;
                catalog::changes_committed(&self.db, &self.cache).await;
            }
            Err(error) => {
                let retry = !error.is_permanent() && job.attempts < MAX_ATTEMPTS;
                tracing::warn!(picture = %job.id, attempts = job.attempts, retry, %error, "picture sizes not made");
                repo.finish(job, Some(&error.to_string()), retry).await?;
                if retry {
                    report.retried += 1;
                } else {
                    report.failed += 1;
                }
            }
        }
        Ok(())
    }

    /// Removes the files of every digest no picture names (a replaced picture whose removal
    /// was interrupted, a deleted hotel or room type) and uploads cut off by a crash.
    #[tracing::instrument(skip_all)]
    pub async fn sweep(&self) -> Result<usize, AppError> {
        let store = self.store.clone();
        let on_disk = tokio::task::spawn_blocking(move || {
            let _ = store.remove_stale_uploads(STALE_UPLOAD);
            store.digests_on_disk()
        })
        .await
        .map_err(|error| AppError::internal("the media listing task", error))?
        .map_err(|error| AppError::internal("listing the media directory", error))?;
        let on_disk: Vec<String> = on_disk.into_iter().collect();
        let referenced = PictureRepo::new(&self.db).referenced(&on_disk).await?;
        let mut removed = 0;
        for digest in on_disk
            .iter()
            .filter(|digest| !referenced.contains(*digest))
        {
            if self.remove_if_unreferenced(digest).await {
                removed += 1;
            }
        }
        Ok(removed)
    }

    async fn remove_if_unreferenced(&self, digest: &str) -> bool {
        remove_unreferenced(&self.db, &self.store, digest).await
    }
}

/// Adds `picture` after its owner's others within `tx`, for `staff` of its hotel, audited.
/// The owner's row is locked first, so uploads at once count each other against the limit.
async fn add(
    tx: &mut PgConnection,
    staff: &Staff,
    picture: &NewPicture,
) -> Result<PictureStatus, UploadError> {
    let hotel = PictureRepo::lock_owner(tx, picture.owner)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require_hotel(hotel)?;
    let order = PictureRepo::order_of(tx, picture.owner).await?;
    if order.len() >= MAX_PICTURES {
        return Err(UploadRefusal::TooMany.into());
    }
    let position = i32::try_from(order.len()).unwrap_or(i32::MAX);
    let status = PictureRepo::insert(tx, picture, position).await?;
    let after = json!({ "owner": picture.owner.to_string(), "position": position, "digest": picture.digest });
    let change =
        Change::new("picture.upload", Object::Picture(status.id), Some(hotel)).after(&after);
    audit::record(tx, &staff.user, change).await?;
    Ok(status)
}

/// Removes the files of `digest` if no picture names it; whether it did. Failures are logged:
/// the next sweep tries again.
async fn remove_unreferenced(db: &PgPool, store: &MediaStore, digest: &str) -> bool {
    let removed = async {
        let mut tx = db.begin().await?;
        PictureRepo::lock_digest(&mut tx, digest).await?;
        if PictureRepo::is_referenced(&mut tx, digest).await? {
            return Ok(false);
        }
        let (store, digest) = (store.clone(), digest.to_owned());
        let files = tokio::task::spawn_blocking(move || store.remove_digest(&digest))
            .await
            .map_err(|error| AppError::internal("the file removal task", error))?
            .map_err(|error| AppError::internal("removing picture files", error))?;
        tx.commit().await?;
        Ok::<_, AppError>(files > 0)
    }
    .await;
    match removed {
        Ok(removed) => removed,
        Err(error) => {
            tracing::warn!(error = %error.chain(), digest, "picture files not removed yet");
            false
        }
    }
}

/// Does `action` to picture `id`, for `staff` of its hotel: one transaction with its audit
/// entry (nothing at all when it changes nothing, such as making the main picture the main
/// one). A deleted picture's files go at once unless another picture names them. Returns
/// the picture's hotel.
#[tracing::instrument(skip_all, fields(picture = %id, action = action.as_str()))]
pub async fn arrange(
    state: &AppState,
    staff: &Staff,
    id: PictureId,
    action: PictureArrangement,
) -> Result<HotelId, AppError> {
    let mut tx = state.db.begin().await?;
    let (owner, digest) = PictureRepo::owner_of(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let hotel = PictureRepo::lock_owner(&mut tx, owner)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require_hotel(hotel)?;
    let order = PictureRepo::order_of(&mut tx, owner).await?;
    // Deleted by someone else between the two reads: not found.
    let arranged = action.rearrange(&order, id).ok_or(AppError::NotFound)?;
    if arranged == order {
        return Ok(hotel);
    }
    if action == PictureArrangement::Delete {
        PictureRepo::delete(&mut tx, id).await?;
    }
    PictureRepo::set_order(&mut tx, &arranged).await?;
    let position = |order: &[PictureId]| order.iter().position(|other| *other == id);
    let change = Change::new(arrangement_action(action), Object::Picture(id), Some(hotel))
        .before(&json!({ "owner": owner.to_string(), "position": position(&order) }))
        .after(&json!({ "owner": owner.to_string(), "position": position(&arranged) }));
    audit::record(&mut tx, &staff.user, change).await?;
    tx.commit().await?;
    catalog::changes_committed(&state.db, &state.cache).await;
    if action == PictureArrangement::Delete {
        remove_unreferenced(&state.db, &MediaStore::at(&state.config.media_dir), &digest).await;
    }
    Ok(hotel)
}

fn arrangement_action(action: PictureArrangement) -> &'static str {
    match action {
        PictureArrangement::Main => "picture.main",
        PictureArrangement::Earlier => "picture.earlier",
        PictureArrangement::Later => "picture.later",
        PictureArrangement::Delete => "picture.delete",
    }
}

/// Puts picture `id`, given up on, back in the queue within `tx`; `None` when it is not given
/// up on (any more).
pub async fn retry_failed(
    tx: &mut sqlx::PgConnection,
    id: PictureId,
) -> Result<Option<SettledPicture>, AppError> {
    PictureRepo::retry_failed(tx, id).await
}

/// Removes picture `id`, given up on, within `tx` (its files go with the next sweep); `None`
/// when it is not given up on (any more).
pub async fn discard_failed(
    tx: &mut sqlx::PgConnection,
    id: PictureId,
) -> Result<Option<SettledPicture>, AppError> {
    PictureRepo::discard_failed(tx, id).await
}

/// The hotel of `owner` (a hotel or a room type), if it exists: checked before an upload is
/// read.
#[tracing::instrument(skip_all, fields(owner = ?owner))]
pub async fn owner_hotel(db: &PgPool, owner: PictureOwner) -> Result<Option<HotelId>, AppError> {
    PictureRepo::new(db).owner_hotel(owner).await
}

/// The hotel, its room types and their pictures, for the pictures page of its staff.
#[tracing::instrument(skip_all, fields(hotel = %hotel_id))]
pub async fn hotel_pictures(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
) -> Result<HotelPictures, AppError> {
    staff.require_hotel(hotel_id)?;
    let hotel = catalog::hotel(state, hotel_id).await?;
    let rooms = catalog::room_types(state, hotel_id).await?;
    let owners: Vec<PictureOwner> = std::iter::once(PictureOwner::Hotel(hotel_id))
        .chain(rooms.iter().map(|room| PictureOwner::Room(room.id)))
        .collect();
    let pictures = PictureRepo::new(&state.db).statuses(&owners).await?;
    Ok(HotelPictures {
        hotel,
        rooms,
        pictures,
        max_upload_bytes: state.config.upload_max_bytes,
    })
}
