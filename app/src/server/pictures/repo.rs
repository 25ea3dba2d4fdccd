//! Uploaded pictures: one current picture per hotel and per room type, with its processing
//! state. Files are kept elsewhere (see the server's `pictures` module), named by digest.
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::error::AppError;
use crate::model::{HotelId, PictureId, PictureOwner, PictureState, PictureStatus, RoomId};

/// A `pictures` row.
#[derive(sqlx::FromRow)]
struct PictureRow {
    id: PictureId,
    hotel_id: Option<HotelId>,
    room_id: Option<RoomId>,
    state: String,
    error: Option<String>,
    digest: String,
    width: i32,
    height: i32,
    uploaded_at: DateTime<Utc>,
}

impl TryFrom<PictureRow> for PictureStatus {
    type Error = AppError;

    fn try_from(row: PictureRow) -> Result<Self, AppError> {
        let owner = match (row.hotel_id, row.room_id) {
            (Some(hotel), None) => PictureOwner::Hotel(hotel),
            (None, Some(room)) => PictureOwner::Room(room),
            _ => {
                return Err(AppError::internal(
                    "reading a picture's owner",
                    format!("picture {} has no single owner", row.id),
                ));
            }
        };
        Ok(PictureStatus {
            id: row.id,
            owner,
            state: PictureState::parse(&row.state).ok_or_else(|| {
                AppError::internal(
                    "reading a picture's state",
                    format!("unknown state {:?}", row.state),
                )
            })?,
            error: row.error,
            digest: row.digest,
            width: row.width,
            height: row.height,
            uploaded_at: row.uploaded_at,
        })
    }
}

const PICTURE_COLUMNS: &str =
    "id, hotel_id, room_id, state, error, digest, width, height, uploaded_at";

/// What an upload stores about the original.
#[derive(Debug, Clone)]
pub struct NewPicture {
    pub owner: PictureOwner,
    pub digest: String,
    /// `jpeg`, `png` or `webp`, as the content identified itself.
    pub format: &'static str,
    pub width: u32,
    pub height: u32,
}

/// A picture the worker has claimed.
#[derive(Debug, Clone)]
pub struct PictureJob {
    pub id: PictureId,
    pub digest: String,
    pub format: String,
    pub attempts: i32,
}

fn owner_ids(owner: PictureOwner) -> (Option<HotelId>, Option<RoomId>) {
    match owner {
        PictureOwner::Hotel(id) => (Some(id), None),
        PictureOwner::Room(id) => (None, Some(id)),
    }
}

/// A picture given up on that was put back in the queue or discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledPicture {
    pub id: PictureId,
    /// Its hotel (a room type's hotel): whose staff may read the audit entry.
    pub hotel_id: Option<HotelId>,
}

pub struct PictureRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> PictureRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        PictureRepo { pool }
    }

    /// Whether the hotel or room type exists.
    pub async fn owner_exists(&self, owner: PictureOwner) -> Result<bool, AppError> {
        let exists = match owner {
            PictureOwner::Hotel(id) => {
                sqlx::query_scalar!(
                    r#"SELECT EXISTS (SELECT 1 FROM hotels WHERE id = $1) AS "exists!""#,
                    id.get()
                )
                .fetch_one(self.pool)
                .await?
            }
            PictureOwner::Room(id) => {
                sqlx::query_scalar!(
                    r#"SELECT EXISTS (SELECT 1 FROM rooms WHERE id = $1) AS "exists!""#,
                    id.get()
                )
                .fetch_one(self.pool)
                .await?
            }
        };
        Ok(exists)
    }

    /// Makes `picture` its owner's picture (replacing any earlier one), to be processed.
    /// Returns the new status and the digest it replaced, if another. `NotFound` if the owner
    /// is gone. Runs in `tx`, so the caller can put the file in place before committing.
    pub async fn replace(
        tx: &mut Transaction<'_, Postgres>,
        picture: &NewPicture,
    ) -> Result<(PictureStatus, Option<String>), AppError> {
        let (hotel_id, room_id) = owner_ids(picture.owner);
        let conflict = if hotel_id.is_some() {
            "(hotel_id) WHERE hotel_id IS NOT NULL"
        } else {
            "(room_id) WHERE room_id IS NOT NULL"
        };
        // The old digest is read in the same statement, from the row as it was. Built at run
        // time on purpose: the conflict target follows the owner's kind.
        let sql = format!(
            "WITH old AS (
                 SELECT digest FROM pictures
                 WHERE hotel_id IS NOT DISTINCT FROM $1 AND room_id IS NOT DISTINCT FROM $2
             )
             INSERT INTO pictures (hotel_id, room_id, digest, format, width, height)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT {conflict} DO UPDATE SET
                 digest = EXCLUDED.digest, format = EXCLUDED.format, width = EXCLUDED.width,
                 height = EXCLUDED.height, state = 'processing', error = NULL, attempts = 0,
                 locked_until = NULL, uploaded_at = now(), processed_at = NULL
             RETURNING {PICTURE_COLUMNS}, (SELECT digest FROM old) AS replaced"
        );
        #[derive(sqlx::FromRow)]
        struct Replaced {
            #[sqlx(flatten)]
            row: PictureRow,
            replaced: Option<String>,
        }
        let result: Result<Replaced, sqlx::Error> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(hotel_id)
            .bind(room_id)
            .bind(&picture.digest)
            .bind(picture.format)
            .bind(
                i32::try_from(picture.width)
                    .map_err(|error| AppError::internal("a picture width", error))?,
            )
            .bind(
                i32::try_from(picture.height)
                    .map_err(|error| AppError::internal("a picture height", error))?,
            )
            .fetch_one(&mut **tx)
            .await;
        let replaced = match result {
            Ok(replaced) => replaced,
            // The owner was deleted meanwhile.
            Err(sqlx::Error::Database(error)) if error.is_foreign_key_violation() => {
                return Err(AppError::NotFound);
            }
            Err(error) => return Err(error.into()),
        };
        let old = replaced.replaced.filter(|digest| *digest != picture.digest);
        Ok((replaced.row.try_into()?, old))
    }

    /// The picture of each of `owners` that has one.
    pub async fn statuses(&self, owners: &[PictureOwner]) -> Result<Vec<PictureStatus>, AppError> {
        let (hotels, rooms): (Vec<HotelId>, Vec<RoomId>) = owners.iter().fold(
            (Vec::new(), Vec::new()),
            |(mut hotels, mut rooms), owner| {
                match owner {
                    PictureOwner::Hotel(id) => hotels.push(*id),
                    PictureOwner::Room(id) => rooms.push(*id),
                }
                (hotels, rooms)
            },
        );
        let hotels: Vec<i32> = hotels.into_iter().map(i32::from).collect();
        let rooms: Vec<i32> = rooms.into_iter().map(i32::from).collect();
        let rows = sqlx::query_as!(
            PictureRow,
            r#"SELECT id AS "id: PictureId", hotel_id AS "hotel_id: HotelId",
                      room_id AS "room_id: RoomId", state, error, digest, width, height,
                      uploaded_at
               FROM pictures WHERE hotel_id = ANY($1) OR room_id = ANY($2) ORDER BY id"#,
            &hotels,
            &rooms,
        )
        .fetch_all(self.pool)
        .await?;
        rows.into_iter().map(PictureStatus::try_from).collect()
    }

    /// Claims the next picture waiting for its sizes under a lease (see `leases`), counting
    /// the attempt.
    pub async fn claim_next(&self) -> Result<Option<PictureJob>, AppError> {
        Ok(sqlx::query_as!(
            PictureJob,
            r#"UPDATE pictures SET
                   locked_until = now() + make_interval(secs => $1), attempts = attempts + 1
               WHERE id = (
                   SELECT id FROM pictures
                   WHERE state = 'processing' AND (locked_until IS NULL OR locked_until < now())
                   ORDER BY id
                   LIMIT 1
                   FOR UPDATE SKIP LOCKED
               )
               RETURNING id AS "id: PictureId", digest, format, attempts"#,
            crate::server::queue::lease_secs(),
        )
        .fetch_optional(self.pool)
        .await?)
    }

    /// Records the outcome for `job`, unless the picture was replaced meanwhile (then the new
    /// upload's own processing decides). `error`: `None` for ready; `Some` with `retry` to try
    /// again later, without to give up.
    pub async fn finish(
        &self,
        job: &PictureJob,
        error: Option<&str>,
        retry: bool,
    ) -> Result<(), AppError> {
        let state = match (error, retry) {
            (None, _) => PictureState::Ready,
            (Some(_), true) => PictureState::Processing,
            (Some(_), false) => PictureState::Failed,
        };
        sqlx::query!(
            "UPDATE pictures SET state = $3, error = $4, locked_until = NULL,
                 processed_at = CASE WHEN $3 = 'processing' THEN NULL ELSE now() END
             WHERE id = $1 AND digest = $2",
            job.id.get(),
            &job.digest,
            state.as_str(),
            error,
        )
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Puts picture `id`, given up on, back in the queue with a fresh set of attempts; `None`
    /// when it is not given up on (any more).
    pub async fn retry_failed(
        tx: &mut PgConnection,
        id: PictureId,
    ) -> Result<Option<SettledPicture>, AppError> {
        Ok(sqlx::query_as!(
            SettledPicture,
            r#"WITH retried AS (
                 UPDATE pictures SET state = 'processing', attempts = 0, error = NULL,
                     locked_until = NULL, processed_at = NULL
                 WHERE id = $1 AND state = 'failed'
                 RETURNING id, hotel_id, room_id
             )
             SELECT t.id AS "id!: PictureId", coalesce(t.hotel_id, r.hotel_id) AS "hotel_id: HotelId"
             FROM retried t LEFT JOIN rooms r ON r.id = t.room_id"#,
            id.get(),
        )
        .fetch_optional(tx)
        .await?)
    }

    /// Removes picture `id`, given up on (the sweep removes its files once no picture names
    /// them); `None` when it is not given up on (any more).
    pub async fn discard_failed(
        tx: &mut PgConnection,
        id: PictureId,
    ) -> Result<Option<SettledPicture>, AppError> {
        Ok(sqlx::query_as!(
            SettledPicture,
            r#"WITH removed AS (
                 DELETE FROM pictures WHERE id = $1 AND state = 'failed'
                 RETURNING id, hotel_id, room_id
             )
             SELECT d.id AS "id!: PictureId", coalesce(d.hotel_id, r.hotel_id) AS "hotel_id: HotelId"
             FROM removed d LEFT JOIN rooms r ON r.id = d.room_id"#,
            id.get(),
        )
        .fetch_optional(tx)
        .await?)
    }

    /// Which of `digests` some picture still names.
    pub async fn referenced(&self, digests: &[String]) -> Result<HashSet<String>, AppError> {
        let rows = sqlx::query_scalar!(
            "SELECT DISTINCT digest FROM pictures WHERE digest = ANY($1)",
            digests
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// Serialises work on the files of `digest` (storing an upload, removing unreferenced
    /// files) until `tx` ends, across processes.
    pub async fn lock_digest(
        tx: &mut Transaction<'_, Postgres>,
        digest: &str,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('picture:' || $1, 0))",
            digest
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Within `tx` (holding the digest's lock): whether any picture names `digest`.
    pub async fn is_referenced(
        tx: &mut Transaction<'_, Postgres>,
        digest: &str,
    ) -> Result<bool, AppError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM pictures WHERE digest = $1) AS "exists!""#,
            digest
        )
        .fetch_one(&mut **tx)
        .await?)
    }
}
