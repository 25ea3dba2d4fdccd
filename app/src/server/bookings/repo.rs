use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::manage_link::ManageLinks;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{
    Booking, BookingDetails, BookingId, BookingReference, BookingsTab, CancellationTerms,
    GuestDetails, Hold, HotelId, Money, Party, RoomId, StayDates, UserId,
};
use crate::server::notifications::{self, NotificationKind};
use crate::server::pictures::media::Media;
use crate::server::rates;
use leptos_i18n::Locale as _;

/// A `bookings` row (read with [`BOOKING_COLUMNS`]).
#[derive(sqlx::FromRow)]
pub(in crate::server) struct BookingRow {
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
    free_cancellation_until: Option<DateTime<Utc>>,
    /// The same moment on the hotel's clock.
    free_cancellation_local: Option<NaiveDateTime>,
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
            terms: CancellationTerms::from_deadline(
                row.free_cancellation_until,
                row.free_cancellation_local,
            ),
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
    /// Its change count after this change (the email's key).
    sequence: i32,
}

impl From<BookingChangeRow> for BookingChange {
    fn from(row: BookingChangeRow) -> Self {
        BookingChange {
            booking: row.booking.into(),
            hotel_id: row.hotel_id,
            origin_tx: row.origin_tx,
            old_stay: None,
        }
    }
}

/// What a booking change returns besides the booking: the change's hotel and transaction.
const CHANGE_COLUMNS: &str = "b.hotel_id, txid_current() AS origin_tx, b.sequence";

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
    hotel_name_en: Option<String>,
    room_name_en: Option<String>,
    services: Vec<String>,
    image_id: Option<i32>,
    picture_digest: Option<String>,
    /// Check-out time on the check-out day, on the hotel's clock: the manage link's end.
    check_out_at: DateTime<Utc>,
}

/// What a listed booking is shown with, decided on the server.
pub struct ListContext<'a> {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub media: &'a Media,
    pub links: &'a ManageLinks,
}

impl ListedRow {
    /// The row as the guest sees it at `context.now`.
    fn into_details(self, context: &ListContext) -> BookingDetails {
        let booking = Booking::from(self.booking);
        let manage_token = (context.now < self.check_out_at)
            .then(|| context.links.sign(booking.id, self.check_out_at));
        BookingDetails {
            stage: booking.stage(context.today),
            cancellable: booking.cancellable(context.now),
            picture: context.media.picture(self.image_id, self.picture_digest),
            manage_token,
            booking,
            hotel_id: self.hotel_id,
            hotel_name: self.hotel_name,
            hotel_location: self.hotel_location,
            room_name: self.room_name,
            room_description: self.room_description,
            hotel_name_en: self.hotel_name_en,
            room_name_en: self.room_name_en,
            services: self.services,
        }
    }
}

/// The columns of a [`ListedRow`] beyond the booking's, from `bookings b`.
const LISTED_FROM: &str = "h.id AS hotel_id, h.name AS hotel_name,
        h.location AS hotel_location, r.name AS room_name,
        r.description AS room_description, h.name_en AS hotel_name_en,
        r.name_en AS room_name_en, r.services, r.image_id,
        rp.digest AS picture_digest,
        (b.date_to + h.check_out_time) AT TIME ZONE h.time_zone AS check_out_at
    FROM bookings b
    JOIN rooms r ON r.id = b.room_id
    JOIN hotels h ON h.id = r.hotel_id
    LEFT JOIN LATERAL (
        SELECT digest FROM pictures
        WHERE room_id = r.id AND state = 'ready' ORDER BY position, id LIMIT 1
    ) rp ON true";

pub(in crate::server) const BOOKING_COLUMNS: &str =
    "b.id, b.reference, b.room_id, b.user_id, b.date_from, b.date_to,
    b.price::bigint AS price, b.night_prices, b.total_cost, b.total_days,
    b.cancelled_at IS NOT NULL AS cancelled, b.guest_name, b.guest_request,
    b.free_cancellation_until,
    b.free_cancellation_until AT TIME ZONE (SELECT time_zone FROM hotels WHERE id = b.hotel_id)
        AS free_cancellation_local";

/// A booking made or cancelled, with what the cache and the mail need to know.
pub struct BookingChange {
    pub booking: Booking,
    pub hotel_id: HotelId,
    /// The transaction that made the change: its cache invalidations are logged under it.
    pub origin_tx: i64,
    /// The stay it had before, when the change moved it (its nights are free now).
    pub old_stay: Option<(NaiveDate, NaiveDate)>,
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
        locale: Locale,
    ) -> Result<BookingChange, AppError> {
        let mut tx = self.pool.begin().await?;
        let room = lock_room(&mut tx, room_id, stay, party).await?;
        let night_prices = whole_roubles(&room.plan.night_prices(stay));
        // One statement after the lock (each is a wait on the database): the count, the
        // insert and its confirmation email (as `notifications::queue` writes it).
        // The availability rule of search and the hotel page (`booked_nights`, see
        // `catalog::rooms`): the busiest night of the stay must have a room left, or nothing is
        // written and no row comes back. The guest's own hold for this stay becomes the
        // booking: it is deleted in the same statement, and since a statement does not see its
        // own deletion, a live one is taken off the count (it held one room on every night of
        // the stay). So a guest holding a room always gets it, and nobody else could take it
        // meanwhile. Without a guest's name the account's is taken; an account without a name
        // takes the first one given (the book page fills it in next time). The hotel and the
        // cancellation terms come from the locked room type (the table's trigger would read
        // them again). The booking's columns are shared by every statement here: assembled
        // at run time.
        let row: Option<BookingChangeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "WITH released AS (
                 DELETE FROM holds
                 WHERE user_id = $2 AND room_id = $1 AND date_from = $3 AND date_to = $4
                 RETURNING expires_at > now() AS live
             ), free AS (
                 SELECT coalesce(max(n.booked), 0)
                        - (SELECT count(*) FROM released WHERE live) < $10 AS room_left
                 FROM booked_nights($3, $4) n WHERE n.room_id = $1
             ), named AS (
                 UPDATE users SET full_name = $7
                 WHERE id = $2 AND full_name IS NULL AND $7::text IS NOT NULL
                   AND (SELECT room_left FROM free)
             ), b AS (
                 INSERT INTO bookings (room_id, user_id, date_from, date_to, price,
                                       night_prices, guest_name, guest_request, locale,
                                       hotel_id, free_cancellation_until)
                 SELECT $1, $2, $3, $4, $5, $6,
                        coalesce($7, (SELECT full_name FROM users WHERE id = $2)), $8, $9,
                        $12, $13
                 WHERE (SELECT room_left FROM free)
                 RETURNING *
             ), queued AS (
                 INSERT INTO notifications (booking_id, kind, sequence)
                 SELECT id, $11, 0 FROM b
             )
             SELECT {BOOKING_COLUMNS}, {CHANGE_COLUMNS} FROM b"
        )))
        .bind(room_id)
        .bind(user_id)
        .bind(stay.check_in())
        .bind(stay.check_out())
        .bind(i32::try_from(room.price).unwrap_or(i32::MAX))
        .bind(night_prices)
        .bind(guest.name.as_deref())
        .bind(guest.request.as_deref())
        .bind(locale.as_str())
        .bind(i64::from(room.quantity))
        .bind(NotificationKind::Confirmation.as_str())
        .bind(room.hotel_id)
        .bind(room.free_cancellation_until)
        .fetch_optional(&mut *tx)
        .await?;
        let row = row.ok_or(AppError::NoRoomsLeft)?;
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
            r#"INSERT INTO holds (user_id, room_id, date_from, date_to, expires_at, hotel_id)
               VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5), $6)
               RETURNING expires_at, hotel_id AS "hotel_id: HotelId", txid_current() AS "tx!""#,
            user_id.get(),
            room_id.get(),
            stay.check_in(),
            stay.check_out(),
            i32::try_from(minutes).unwrap_or(i32::MAX),
            room.hotel_id,
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((hold_until(held.expires_at), Some((held.hotel_id, held.tx))))
    }

    /// The user's latest live booking of room type `room_id` for exactly `stay`, if any.
    pub async fn booked_by(
        &self,
        user_id: UserId,
        room_id: RoomId,
        stay: StayDates,
    ) -> Result<Option<BookingId>, AppError> {
        // Served by the bookings' user index; a guest has few bookings.
        let id = sqlx::query_scalar::<_, BookingId>(
            "SELECT id FROM bookings
             WHERE user_id = $1 AND room_id = $2 AND date_from = $3 AND date_to = $4
               AND cancelled_at IS NULL
             ORDER BY id DESC LIMIT 1",
        )
        .bind(user_id)
        .bind(room_id)
        .bind(stay.check_in())
        .bind(stay.check_out())
        .fetch_optional(self.pool)
        .await?;
        Ok(id)
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

    /// Cancels booking `booking_id` of `owner` (or of anyone: a manage link) if its terms keep
    /// that free at `now`. Someone else's booking or an unknown one: `NotFound` alike, so
    /// nothing about it leaks; one past its terms (or cancelled): `NotCancellable`. The row is
    /// locked between the check and the update.
    pub async fn cancel(
        &self,
        booking_id: BookingId,
        owner: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<BookingChange, AppError> {
        let mut tx = self.pool.begin().await?;
        lock_cancellable(&mut tx, booking_id, owner, now).await?;
        let row: BookingChangeRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE bookings AS b SET cancelled_at = now(), sequence = sequence + 1
             WHERE b.id = $1
             RETURNING {BOOKING_COLUMNS}, {CHANGE_COLUMNS}"
        )))
        .bind(booking_id)
        .fetch_one(&mut *tx)
        .await?;
        notifications::queue(
            &mut tx,
            row.booking.id,
            NotificationKind::Cancellation,
            row.sequence,
        )
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// How many rooms of type `room_id` the busiest night of `stay` has taken, not counting
    /// booking `except` (the one being changed: its own nights do not stand in its way).
    pub async fn booked_except(
        &self,
        room_id: RoomId,
        stay: StayDates,
        except: &Booking,
    ) -> Result<i64, AppError> {
        let mut conn = self.pool.acquire().await?;
        booked_except(&mut conn, room_id, stay, except).await
    }

    /// Moves booking `booking_id` (of `owner`, or anyone's: a manage link) to room type
    /// `room_id` of the same hotel and `stay`, at the new nights' prices and terms (the
    /// table's trigger fixes those), in one
    /// transaction: its old nights are released and the new ones taken under the room type's
    /// lock (as in [`Self::create`]), with its own old nights not counted against it. Only
    /// while its terms keep cancelling free at `now` (`NotCancellable`), and a "booking changed"
    /// email is queued with it.
    pub async fn change(
        &self,
        booking_id: BookingId,
        owner: Option<UserId>,
        room_id: RoomId,
        stay: StayDates,
        now: DateTime<Utc>,
    ) -> Result<BookingChange, AppError> {
        let mut tx = self.pool.begin().await?;
        let current = lock_cancellable(&mut tx, booking_id, owner, now).await?;
        let same_hotel = sqlx::query_scalar!(
            "SELECT r.hotel_id = b.hotel_id AS \"same!\" FROM rooms r, bookings b
             WHERE r.id = $1 AND b.id = $2",
            room_id.get(),
            booking_id.get(),
        )
        .fetch_optional(&mut *tx)
        .await?;
        if same_hotel != Some(true) {
            return Err(AppError::NotFound);
        }
        let room = lock_room(&mut tx, room_id, stay, None).await?;
        if booked_except(&mut tx, room_id, stay, &current).await? >= i64::from(room.quantity) {
            return Err(AppError::NoRoomsLeft);
        }
        let night_prices = whole_roubles(&room.plan.night_prices(stay));
        let row: BookingChangeRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE bookings AS b SET room_id = $1, date_from = $3, date_to = $4, price = $5,
                 night_prices = $6, sequence = sequence + 1
             WHERE b.id = $2
             RETURNING {BOOKING_COLUMNS}, {CHANGE_COLUMNS}"
        )))
        .bind(room_id)
        .bind(booking_id)
        .bind(stay.check_in())
        .bind(stay.check_out())
        .bind(i32::try_from(room.price).unwrap_or(i32::MAX))
        .bind(night_prices)
        .fetch_one(&mut *tx)
        .await?;
        notifications::queue(&mut tx, booking_id, NotificationKind::Change, row.sequence).await?;
        tx.commit().await?;
        let mut change = BookingChange::from(row);
        change.old_stay = Some((current.date_from, current.date_to));
        Ok(change)
    }

    /// The user's bookings: upcoming and current ones first (soonest first), then past ones
    /// (latest first); cancelled ones are listed as such.
    pub async fn list_for_user(
        &self,
        user_id: UserId,
        context: &ListContext<'_>,
    ) -> Result<Vec<BookingDetails>, AppError> {
        // Assembled from the shared booking columns at run time.
        let rows: Vec<ListedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS}, {LISTED_FROM}
             WHERE b.user_id = $1
             ORDER BY b.date_to < $2, b.cancelled_at IS NOT NULL,
                      CASE WHEN b.date_to >= $2 THEN b.date_from END ASC,
                      b.date_from DESC, b.id DESC"
        )))
        .bind(user_id)
        .bind(context.today)
        .fetch_all(self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_details(context))
            .collect())
    }

    /// One page of the user's bookings on `tab`: `limit` from `offset`, upcoming soonest
    /// first, past and cancelled latest first (the tabs split as [`BookingsTab::of`] does).
    pub async fn page_for_user(
        &self,
        user_id: UserId,
        tab: BookingsTab,
        (limit, offset): (u32, u32),
        context: &ListContext<'_>,
    ) -> Result<Vec<BookingDetails>, AppError> {
        let (filter, order) = match tab {
            BookingsTab::Upcoming => (
                "b.cancelled_at IS NULL AND b.date_to > $2",
                "b.date_from, b.id",
            ),
            BookingsTab::Past => (
                "(b.cancelled_at IS NOT NULL OR b.date_to <= $2)",
                "b.date_from DESC, b.id DESC",
            ),
        };
        // Assembled from the shared columns and the tab's fixed filter at run time.
        let rows: Vec<ListedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS}, {LISTED_FROM}
             WHERE b.user_id = $1 AND {filter}
             ORDER BY {order} LIMIT $3 OFFSET $4"
        )))
        .bind(user_id)
        .bind(context.today)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_details(context))
            .collect())
    }

    /// How many of the user's bookings each tab holds: (upcoming, past and cancelled).
    pub async fn tab_counts(
        &self,
        user_id: UserId,
        today: NaiveDate,
    ) -> Result<(i64, i64), AppError> {
        let counts: (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE cancelled_at IS NULL AND date_to > $2),
                    count(*) FILTER (WHERE cancelled_at IS NOT NULL OR date_to <= $2)
             FROM bookings WHERE user_id = $1",
        )
        .bind(user_id)
        .bind(today)
        .fetch_one(self.pool)
        .await?;
        Ok(counts)
    }

    /// One booking as its guest sees it (`owner`), or whoever holds its link (`None`).
    pub async fn details(
        &self,
        booking_id: BookingId,
        owner: Option<UserId>,
        context: &ListContext<'_>,
    ) -> Result<BookingDetails, AppError> {
        let row: Option<ListedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS}, {LISTED_FROM}
             WHERE b.id = $1 AND ($2::integer IS NULL OR b.user_id = $2)"
        )))
        .bind(booking_id)
        .bind(owner)
        .fetch_optional(self.pool)
        .await?;
        Ok(row.ok_or(AppError::NotFound)?.into_details(context))
    }

    /// The cancellation terms of a booking of room type `room_id` from `check_in` made now,
    /// by the database's `cancellation_deadline` (the one bookings store).
    pub async fn terms(
        &self,
        room_id: RoomId,
        check_in: NaiveDate,
    ) -> Result<CancellationTerms, AppError> {
        let row = sqlx::query!(
            r#"SELECT d.until, d.until AT TIME ZONE h.time_zone AS local
               FROM rooms r JOIN hotels h ON h.id = r.hotel_id,
                    LATERAL (SELECT cancellation_deadline($2, r.free_cancellation_days,
                                                          h.time_zone, h.check_in_time) AS until) d
               WHERE r.id = $1"#,
            room_id.get(),
            check_in,
        )
        .fetch_optional(self.pool)
        .await?
        .ok_or(AppError::NotFound)?;
        Ok(CancellationTerms::from_deadline(row.until, row.local))
    }
}

/// Nightly prices as the bookings table keeps them: prices are whole roubles in the catalog,
/// so these are too.
fn whole_roubles(prices: &[Money]) -> Vec<i32> {
    prices
        .iter()
        .map(|price| i32::try_from(price.whole_roubles()).unwrap_or(i32::MAX))
        .collect()
}

/// Locks booking `booking_id` of `owner` (anyone's if `None`) for a cancel or a change and
/// checks that its terms allow one at `now`.
async fn lock_cancellable(
    tx: &mut PgConnection,
    booking_id: BookingId,
    owner: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Booking, AppError> {
    /// The booking, and whether the front desk has marked it (checked in or no-show): then
    /// it is the hotel's to change, not the guest's.
    #[derive(sqlx::FromRow)]
    struct Locked {
        #[sqlx(flatten)]
        booking: BookingRow,
        at_desk: bool,
    }
    let current: Option<Locked> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {BOOKING_COLUMNS},
                b.checked_in_at IS NOT NULL OR b.no_show_at IS NOT NULL AS at_desk
         FROM bookings b
         WHERE b.id = $1 AND ($2::integer IS NULL OR b.user_id = $2) FOR UPDATE"
    )))
    .bind(booking_id)
    .bind(owner)
    .fetch_optional(&mut *tx)
    .await?;
    let current = current.ok_or(AppError::NotFound)?;
    let booking = Booking::from(current.booking);
    if current.at_desk || !booking.cancellable(now) {
        return Err(AppError::NotCancellable);
    }
    Ok(booking)
}

/// The busiest night of `stay` for room type `room_id`, live bookings and holds counted
/// (`booked_nights`, the rule everywhere), less booking `except`'s own nights.
async fn booked_except(
    conn: &mut PgConnection,
    room_id: RoomId,
    stay: StayDates,
    except: &Booking,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT coalesce(max(n.booked - CASE WHEN n.room_id = $4 AND n.night >= $5
                                                   AND n.night < $6 AND NOT $7
                                              THEN 1 ELSE 0 END), 0) AS "booked!"
           FROM booked_nights($2, $3) n WHERE n.room_id = $1"#,
        room_id.get(),
        stay.check_in(),
        stay.check_out(),
        except.room_id.get(),
        except.date_from,
        except.date_to,
        except.cancelled,
    )
    .fetch_one(conn)
    .await?)
}

/// A hold ending at `expires_at`, with its deadline on the server's clock.
fn hold_until(expires_at: DateTime<Utc>) -> Hold {
    Hold {
        expires_at,
        deadline: expires_at.with_timezone(&chrono::Local).time(),
    }
}

/// A room type locked for a booking or hold, with what the checks read under the lock.
/// A row of [`lock_room`]'s statement: the room type's, with one of its rates rows.
#[derive(sqlx::FromRow)]
struct LockedRow {
    hotel_id: i32,
    quantity: i32,
    base_price: i64,
    max_adults: i16,
    max_children: i16,
    free_cancellation_until: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    rate: rates::RateRow,
}

struct LockedRoom {
    hotel_id: i32,
    quantity: i32,
    /// The base price a night, whole roubles.
    price: i64,
    plan: rates::RoomRates,
    /// The room type's cancellation terms for the stay (NULL: non-refundable), by the one
    /// definition of the deadline (`cancellation_deadline`).
    free_cancellation_until: Option<DateTime<Utc>>,
}

/// Locks room type `room_id` (`FOR NO KEY UPDATE`: bookings and holds of one room type queue
/// here, in every process) and checks the hotel's rules for `stay` and `party` (any party, if
/// `None`): `NotFound` (also for an archived room type or hotel: no longer sold), `Refused`.
///
/// The rates and restrictions come with the lock, in one round trip: as they were when the
/// statement began, before any wait for the lock. A calendar edit is one transaction, so it is
/// seen whole or not at all; one committed while this booking waited was concurrent with it,
/// and the booking counts as made just before it (they share no row but the lock). The room
/// type's own row (quantity, base price, archived) is read as locked, the newest.
async fn lock_room(
    tx: &mut PgConnection,
    room_id: RoomId,
    stay: StayDates,
    party: Option<Party>,
) -> Result<LockedRoom, AppError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT r.hotel_id, r.quantity, r.price::bigint AS base_price, r.max_adults,
                    r.max_children,
                    cancellation_deadline($2, r.free_cancellation_days, h.time_zone,
                                          h.check_in_time) AS free_cancellation_until,
                    rate.*
             FROM rooms r JOIN hotels h ON h.id = r.hotel_id
             LEFT JOIN LATERAL ({}) rate ON true
             WHERE r.id = $1 AND r.archived_at IS NULL AND h.archived_at IS NULL
             FOR NO KEY UPDATE OF r",
            rates::rate_rows_sql("room_id = r.id")
        )
    });
    let rows: Vec<LockedRow> = sqlx::query_as(sqlx::AssertSqlSafe(SQL.as_str()))
        .bind(room_id)
        .bind(stay.check_in())
        .bind(stay.check_out())
        .fetch_all(&mut *tx)
        .await?;
    let room = rows.first().ok_or(AppError::NotFound)?;
    let (hotel_id, quantity, price) = (room.hotel_id, room.quantity, room.base_price);
    let guests = rates::occupancy(room.max_adults, room.max_children);
    let free_cancellation_until = room.free_cancellation_until;
    let base = Money::from_roubles(price);
    let plan = rates::from_rows(room_id, base, rows.into_iter().map(|row| row.rate))?;
    if let Some(refusal) = rates::refusal(guests, &plan, stay, party) {
        return Err(AppError::Refused(refusal));
    }
    Ok(LockedRoom {
        hotel_id,
        quantity,
        price,
        plan,
        free_cancellation_until,
    })
}
