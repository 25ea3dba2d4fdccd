//! Uploaded pictures: a hotel's and each room type's, in the staff's order, with their
//! processing state. Files are kept elsewhere (see the server's `pictures` module), named by digest.
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::error::AppError;
use crate::model::{HotelId, PictureId, PictureOwner, PictureState, PictureStatus, RoomId};

/// A `pictures` row.
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

    /// The hotel of the hotel or room type, if it exists.
    pub async fn owner_hotel(&self, owner: PictureOwner) -> Result<Option<HotelId>, AppError> {
        Ok(match owner {
            PictureOwner::Hotel(id) => {
                sqlx::query_scalar!(
                    r#"SELECT id AS "id: HotelId" FROM hotels WHERE id = $1"#,
                    id.get()
                )
                .fetch_optional(self.pool)
                .await?
            }
            PictureOwner::Room(id) => {
                sqlx::query_scalar!(
                    r#"SELECT hotel_id AS "hotel_id: HotelId" FROM rooms WHERE id = $1"#,
                    id.get()
                )
                .fetch_optional(self.pool)
                .await?
            }
        })
    }

    /// Locks `owner`'s row, so that uploads and rearrangements of its pictures take turns
    /// across processes, and returns its hotel; `None` if it is gone. (`NO KEY UPDATE`: bookings
    /// and room types referring to it are not held up.)
    pub async fn lock_owner(
        tx: &mut PgConnection,
        owner: PictureOwner,
    ) -> Result<Option<HotelId>, AppError> {
        Ok(match owner {
            PictureOwner::Hotel(id) => {
                sqlx::query_scalar!(
                    r#"SELECT id AS "id: HotelId" FROM hotels WHERE id = $1 FOR NO KEY UPDATE"#,
                    id.get()
                )
                .fetch_optional(tx)
                .await?
            }
            PictureOwner::Room(id) => {
                sqlx::query_scalar!(
                    r#"SELECT hotel_id AS "hotel_id: HotelId" FROM rooms WHERE id = $1
                       FOR NO KEY UPDATE"#,
                    id.get()
                )
                .fetch_optional(tx)
                .await?
            }
        })
    }

    /// `owner`'s pictures, in order.
    pub async fn order_of(
        tx: &mut PgConnection,
        owner: PictureOwner,
    ) -> Result<Vec<PictureId>, AppError> {
        let (hotel_id, room_id) = owner_ids(owner);
        Ok(sqlx::query_scalar!(
            r#"SELECT id AS "id: PictureId" FROM pictures
               WHERE hotel_id = $1 OR room_id = $2 ORDER BY position, id"#,
            hotel_id.map(HotelId::get),
            room_id.map(RoomId::get),
        )
        .fetch_all(tx)
        .await?)
    }

    /// Adds `picture` at `position` of its owner's, to be processed.
    pub async fn insert(
        tx: &mut PgConnection,
        picture: &NewPicture,
        position: i32,
    ) -> Result<PictureStatus, AppError> {
        let (hotel_id, room_id) = owner_ids(picture.owner);
        let size = |pixels: u32| {
            i32::try_from(pixels).map_err(|error| AppError::internal("a picture's size", error))
        };
        let row = sqlx::query_as!(
            PictureRow,
            r#"INSERT INTO pictures (hotel_id, room_id, digest, format, width, height, position)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               RETURNING id AS "id: PictureId", hotel_id AS "hotel_id: HotelId",
                         room_id AS "room_id: RoomId", state, error, digest, width, height,
                         uploaded_at"#,
            hotel_id.map(HotelId::get),
            room_id.map(RoomId::get),
            &picture.digest,
            picture.format,
            size(picture.width)?,
            size(picture.height)?,
            position,
        )
        .fetch_one(tx)
        .await?;
        row.try_into()
    }

    /// Numbers the pictures of `order` 0, 1, 2... (an owner's, all of them).
    pub async fn set_order(tx: &mut PgConnection, order: &[PictureId]) -> Result<(), AppError> {
        let ids: Vec<i32> = order.iter().map(|id| id.get()).collect();
        sqlx::query!(
            "UPDATE pictures p SET position = o.n - 1
             FROM unnest($1::int[]) WITH ORDINALITY AS o (id, n)
             WHERE p.id = o.id AND p.position <> o.n - 1",
            &ids,
        )
        .execute(tx)
        .await?;
        Ok(())
    }

    /// Picture `id`'s owner and digest; `None` if there is no such picture.
    pub async fn owner_of(
        tx: &mut PgConnection,
        id: PictureId,
    ) -> Result<Option<(PictureOwner, String)>, AppError> {
        let row = sqlx::query!(
            r#"SELECT hotel_id AS "hotel_id: HotelId", room_id AS "room_id: RoomId", digest
               FROM pictures WHERE id = $1"#,
            id.get(),
        )
        .fetch_optional(tx)
        .await?;
        Ok(row.and_then(|row| {
            let owner = match (row.hotel_id, row.room_id) {
                (Some(hotel), _) => PictureOwner::Hotel(hotel),
                (None, Some(room)) => PictureOwner::Room(room),
                (None, None) => return None,
            };
            Some((owner, row.digest))
        }))
    }

    /// Removes picture `id`'s row (its files go once no row names them).
    pub async fn delete(tx: &mut PgConnection, id: PictureId) -> Result<(), AppError> {
        sqlx::query!("DELETE FROM pictures WHERE id = $1", id.get())
            .execute(tx)
            .await?;
        Ok(())
    }

    /// The pictures of `owners`, each owner's in order.
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
               FROM pictures WHERE hotel_id = ANY($1) OR room_id = ANY($2)
               ORDER BY position, id"#,
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
