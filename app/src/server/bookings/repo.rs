use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::error::AppError;
use crate::model::{
    Booking, BookingDetails, BookingId, BookingReference, GuestDetails, Hold, HotelId, Money,
    Party, RoomId, StayDates, UserId,
};
use crate::server::notifications::{self, NotificationKind};
use crate::server::pictures::media::Media;
use crate::server::rates;

/// A `bookings` row.
#[derive(sqlx::FromRow)]
struct BookingRow {
    id: BookingId,
    reference: BookingReference,
    room_id: RoomId,
    user_id: UserId,
    date_from: NaiveDate,
    date_to: NaiveDate,
    price: i64,
    night_prices: Vec<i32>,
    total_cost: i64,
    total_days: i32,
    cancelled: bool,
    guest_name: Option<String>,
    guest_request: Option<String>,
}

impl From<BookingRow> for Booking {
    fn from(row: BookingRow) -> Self {
        Booking {
            id: row.id,
            reference: row.reference,
            room_id: row.room_id,
            user_id: row.user_id,
            date_from: row.date_from,
            date_to: row.date_to,
            price: Money::from_roubles(row.price),
            nights: row
                .night_prices
                .into_iter()
                .map(|price| Money::from_roubles(price.into()))
                .collect(),
            total_cost: Money::from_roubles(row.total_cost),
            total_days: row.total_days,
            cancelled: row.cancelled,
            guest: GuestDetails {
                name: row.guest_name,
                request: row.guest_request,
            },
        }
    }
}

/// A booking changed by a transaction, with its hotel and the transaction's id.
#[derive(sqlx::FromRow)]
struct BookingChangeRow {
    #[sqlx(flatten)]
    booking: BookingRow,
    hotel_id: HotelId,
    origin_tx: i64,
}

impl From<BookingChangeRow> for BookingChange {
    fn from(row: BookingChangeRow) -> Self {
        BookingChange {
            booking: row.booking.into(),
            hotel_id: row.hotel_id,
            origin_tx: row.origin_tx,
        }
    }
}

/// What a booking change returns besides the booking: the change's hotel and transaction.
const CHANGE_COLUMNS: &str = "b.hotel_id, txid_current() AS origin_tx";

/// A booking joined with its room type and hotel.
#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    booking: BookingRow,
    hotel_id: HotelId,
    hotel_name: String,
    hotel_location: String,
    room_name: String,
    room_description: Option<String>,
    services: Vec<String>,
    image_id: Option<i32>,
    picture_digest: Option<String>,
}

impl ListedRow {
    /// The row as the guest's list shows it, on the server's day `today`.
    fn into_details(self, today: NaiveDate, media: &Media) -> BookingDetails {
        let booking = Booking::from(self.booking);
        BookingDetails {
            stage: booking.stage(today),
            cancellable: booking.cancellable(today),
            picture: media.picture(self.image_id, self.picture_digest),
            booking,
            hotel_id: self.hotel_id,
            hotel_name: self.hotel_name,
            hotel_location: self.hotel_location,
            room_name: self.room_name,
            room_description: self.room_description,
            services: self.services,
        }
    }
}

const BOOKING_COLUMNS: &str = "b.id, b.reference, b.room_id, b.user_id, b.date_from, b.date_to,
    b.price::bigint AS price, b.night_prices, b.total_cost, b.total_days,
    b.cancelled_at IS NOT NULL AS cancelled, b.guest_name, b.guest_request";

/// A booking made or cancelled, with what the cache and the mail need to know.
pub struct BookingChange {
    pub booking: Booking,
    pub hotel_id: HotelId,
    /// The transaction that made the change: its cache invalidations are logged under it.
    pub origin_tx: i64,
}

/// Reads and writes bookings. Every change also queues its email in `notifications`, in the
/// same transaction: the booking and its email exist together or not at all.
pub struct BookingRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> BookingRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        BookingRepo { pool }
    }

    /// Books one room of type `room_id` for `stay`, at its nights' current prices.
    ///
    /// Overbooking is impossible: the room type's row is locked first (`FOR NO KEY UPDATE`),
    /// so bookings of one room type run one after another between the per-night count and the
    /// insert, in every process, while other room types book in parallel. A stay's nights are
    /// all counted under that one lock, so there is no per-night lock order to get wrong and no
    /// deadlock between overlapping stays; the count reads only the live bookings of that room
    /// type's index range. (Per-night inventory rows updated with `sold < capacity` would also
    /// be correct, but every booking would then write one row per night and every change of a
    /// room type's quantity would rewrite its future; Serializable isolation would abort and
    /// retry most attempts under contention instead of queueing them.) The rates, the
    /// restrictions and the guests are read under the same lock, so the prices stored are the
    /// ones checked.
    pub async fn create(
        &self,
        user_id: UserId,
        room_id: RoomId,
        stay: StayDates,
        party: Option<Party>,
        guest: &GuestDetails,
    ) -> Result<BookingChange, AppError> {
        let mut tx = self.pool.begin().await?;
        let room = lock_room(&mut tx, room_id, stay, party).await?;
        // The availability rule of search and the hotel page (`booked_nights`, see
        // `catalog::rooms`): the busiest night of the stay must have a room left. The guest's
        // own hold for this stay becomes the booking: it is deleted in the same statement, and
        // since a statement does not see its own deletion, a live one is taken off the count
        // (it held one room on every night of the stay). So a guest holding a room always
        // gets it, and nobody else could take it meanwhile.
        let booked = sqlx::query_scalar!(
            r#"WITH released AS (
                   DELETE FROM holds
                   WHERE user_id = $4 AND room_id = $1 AND date_from = $2 AND date_to = $3
                   RETURNING expires_at > now() AS live
               )
               SELECT coalesce(max(n.booked), 0)
                      - (SELECT count(*) FROM released WHERE live) AS "booked!"
               FROM booked_nights($2, $3) n WHERE n.room_id = $1"#,
            room_id.get(),
            stay.check_in(),
            stay.check_out(),
            user_id.get(),
        )
        .fetch_one(&mut *tx)
        .await?;
        if booked >= i64::from(room.quantity) {
            return Err(AppError::NoRoomsLeft);
        }
        let plan = room.plan;
        // Prices are whole roubles in the catalog, so these are too.
        let night_prices: Vec<i32> = plan
            .night_prices(stay)
            .into_iter()
            .map(|price| i32::try_from(price.whole_roubles()).unwrap_or(i32::MAX))
            .collect();
        // The booking's columns are shared by every statement here: assembled at run time.
        // Without a guest's name the account's is taken; an account without a name takes the
        // first one given (the book page fills it in next time), in the same statement.
        let row: BookingChangeRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "WITH named AS (
                 UPDATE users SET full_name = $7
                 WHERE id = $2 AND full_name IS NULL AND $7::text IS NOT NULL
             )
             INSERT INTO bookings AS b (room_id, user_id, date_from, date_to, price, night_prices,
                                        guest_name, guest_request)
             VALUES ($1, $2, $3, $4, $5, $6,
                     coalesce($7, (SELECT full_name FROM users WHERE id = $2)), $8)
             RETURNING {BOOKING_COLUMNS}, {CHANGE_COLUMNS}"
        )))
        .bind(room_id)
        .bind(user_id)
        .bind(stay.check_in())
        .bind(stay.check_out())
        .bind(i32::try_from(room.price).unwrap_or(i32::MAX))
        .bind(night_prices)
        .bind(guest.name.as_deref())
        .bind(guest.request.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        notifications::queue(&mut tx, row.booking.id, NotificationKind::Confirmation).await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// Holds one room of type `room_id` for the user and `stay` until `minutes` from now, in
    /// the same inventory as bookings and under the same lock and checks as [`Self::create`]:
    /// `NoRoomsLeft` when none is free, `Refused` by the hotel's rules. A live hold the user
    /// already has for this room type and stay is returned as it is (coming back finds it;
    /// reloading does not extend it). The change: the hold's hotel and transaction, to announce.
    pub async fn hold(
        &self,
        user_id: UserId,
        room_id: RoomId,
        stay: StayDates,
        party: Party,
        minutes: u32,
    ) -> Result<(Hold, Option<(HotelId, i64)>), AppError> {
        let mut tx = self.pool.begin().await?;
        let room = lock_room(&mut tx, room_id, stay, Some(party)).await?;
        // An expired hold of the user's for this stay is gone first (it counts for nothing).
        let current = sqlx::query!(
            r#"WITH expired AS (
                   DELETE FROM holds
                   WHERE user_id = $1 AND room_id = $2 AND date_from = $3 AND date_to = $4
                     AND expires_at <= now()
               )
               SELECT expires_at FROM holds
               WHERE user_id = $1 AND room_id = $2 AND date_from = $3 AND date_to = $4
                 AND expires_at > now()"#,
            user_id.get(),
            room_id.get(),
            stay.check_in(),
            stay.check_out(),
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(current) = current {
            tx.commit().await?;
            return Ok((hold_until(current.expires_at), None));
        }
        let booked = sqlx::query_scalar!(
            r#"SELECT coalesce(max(n.booked), 0) AS "booked!"
               FROM booked_nights($2, $3) n WHERE n.room_id = $1"#,
            room_id.get(),
            stay.check_in(),
            stay.check_out(),
        )
        .fetch_one(&mut *tx)
        .await?;
        if booked >= i64::from(room.quantity) {
            return Err(AppError::NoRoomsLeft);
        }
        let held = sqlx::query!(
            r#"INSERT INTO holds (user_id, room_id, date_from, date_to, expires_at)
               VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))
               RETURNING expires_at, hotel_id AS "hotel_id: HotelId", txid_current() AS "tx!""#,
            user_id.get(),
            room_id.get(),
            stay.check_in(),
            stay.check_out(),
            i32::try_from(minutes).unwrap_or(i32::MAX),
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((hold_until(held.expires_at), Some((held.hotel_id, held.tx))))
    }

    /// Lets go of the user's hold of room type `room_id` for `stay`, if any: its hotel and
    /// transaction, to announce.
    pub async fn release(
        &self,
        user_id: UserId,
        room_id: RoomId,
        stay: StayDates,
    ) -> Result<Option<(HotelId, i64)>, AppError> {
        let released = sqlx::query!(
            r#"DELETE FROM holds
               WHERE user_id = $1 AND room_id = $2 AND date_from = $3 AND date_to = $4
               RETURNING hotel_id AS "hotel_id: HotelId", txid_current() AS "tx!""#,
            user_id.get(),
            room_id.get(),
            stay.check_in(),
            stay.check_out(),
        )
        .fetch_optional(self.pool)
        .await?;
        Ok(released.map(|row| (row.hotel_id, row.tx)))
    }

    /// Deletes holds that expired (they already count for nothing): how many.
    pub async fn purge_expired_holds(&self) -> Result<u64, AppError> {
        let done = sqlx::query!("DELETE FROM holds WHERE expires_at <= now()")
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Cancels the user's booking `booking_id` if `allowed` says so of it (the service's rule).
    /// Someone else's booking, an unknown one, or one `allowed` refuses: `NotFound` alike, so
    /// nothing about it leaks. The row is locked between the check and the update.
    pub async fn cancel(
        &self,
        user_id: UserId,
        booking_id: BookingId,
        allowed: impl FnOnce(&Booking) -> bool,
    ) -> Result<BookingChange, AppError> {
        let mut tx = self.pool.begin().await?;
        // (Assembled from the shared booking columns, as below.)
        let current: Option<BookingRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings b
             WHERE b.id = $1 AND b.user_id = $2 FOR UPDATE"
        )))
        .bind(booking_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        match current.map(Booking::from) {
            Some(booking) if allowed(&booking) => {}
            _ => return Err(AppError::NotFound),
        }
        let row: BookingChangeRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE bookings AS b SET cancelled_at = now()
             WHERE b.id = $1
             RETURNING {BOOKING_COLUMNS}, {CHANGE_COLUMNS}"
        )))
        .bind(booking_id)
        .fetch_one(&mut *tx)
        .await?;
        notifications::queue(&mut tx, row.booking.id, NotificationKind::Cancellation).await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// The user's bookings: upcoming and current ones first (soonest first), then past ones
    /// (latest first); cancelled ones are listed as such.
    pub async fn list_for_user(
        &self,
        user_id: UserId,
        today: NaiveDate,
        media: &Media,
    ) -> Result<Vec<BookingDetails>, AppError> {
        // Assembled from the shared booking columns at run time.
        let rows: Vec<ListedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS}, h.id AS hotel_id, h.name AS hotel_name,
                    h.location AS hotel_location, r.name AS room_name,
                    r.description AS room_description, r.services, r.image_id,
                    rp.digest AS picture_digest
             FROM bookings b
             JOIN rooms r ON r.id = b.room_id
             JOIN hotels h ON h.id = r.hotel_id
             LEFT JOIN pictures rp ON rp.room_id = r.id AND rp.state = 'ready'
             WHERE b.user_id = $1
             ORDER BY b.date_to < $2, b.cancelled_at IS NOT NULL,
                      CASE WHEN b.date_to >= $2 THEN b.date_from END ASC,
                      b.date_from DESC, b.id DESC"
        )))
        .bind(user_id)
        .bind(today)
        .fetch_all(self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_details(today, media))
            .collect())
    }
}

/// A hold ending at `expires_at`, with its deadline on the server's clock.
fn hold_until(expires_at: DateTime<Utc>) -> Hold {
    Hold {
        expires_at,
        deadline: expires_at.with_timezone(&chrono::Local).time(),
    }
}

/// A room type locked for a booking or hold, with what the checks read under the lock.
struct LockedRoom {
    quantity: i32,
    /// The base price a night, whole roubles.
    price: i64,
    plan: rates::RoomRates,
}

/// Locks room type `room_id` (`FOR NO KEY UPDATE`: bookings and holds of one room type queue
/// here, in every process) and checks the hotel's rules for `stay` and `party` (any party, if
/// `None`) with its rates and restrictions read under the lock: `NotFound`, `Refused`.
async fn lock_room(
    tx: &mut PgConnection,
    room_id: RoomId,
    stay: StayDates,
    party: Option<Party>,
) -> Result<LockedRoom, AppError> {
    let room = sqlx::query!(
        "SELECT quantity, price::bigint AS \"price!\", max_adults, max_children
         FROM rooms WHERE id = $1 FOR NO KEY UPDATE",
        room_id.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let base = Money::from_roubles(room.price);
    let plan = rates::for_rooms(tx, &[(room_id, base)], stay.check_in(), stay.check_out())
        .await?
        .remove(&room_id)
        .unwrap_or_else(|| rates::RoomRates::flat(base));
    let guests = rates::occupancy(room.max_adults, room.max_children);
    if let Some(refusal) = rates::refusal(guests, &plan, stay, party) {
        return Err(AppError::Refused(refusal));
    }
    Ok(LockedRoom {
        quantity: room.quantity,
        price: room.price,
        plan,
    })
}
