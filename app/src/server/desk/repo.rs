use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use sqlx::{PgConnection, PgPool};
use tokio::sync::mpsc;

use super::export::CsvChunks;
use crate::error::{AppError, Cause};
use crate::model::desk::{
    BookingEmail, BookingFilter, BookingSort, DeskAction, DeskBooking, DeskBookingPage, DeskStatus,
};
use crate::model::{Booking, BookingId, BookingReference, HotelId, Money, RoomId};
use crate::server::bookings::{BOOKING_COLUMNS, BookingRow};
use crate::server::staff::Staff;

/// Where a booking stands, in SQL: the one definition the list's filter, its rows and the
/// booking's page share (cancelled first: it excludes the other marks).
const STATUS: &str = "CASE WHEN b.cancelled_at IS NOT NULL THEN 'cancelled'
                           WHEN b.no_show_at IS NOT NULL THEN 'no_show'
                           WHEN b.checked_out_at IS NOT NULL THEN 'checked_out'
                           WHEN b.checked_in_at IS NOT NULL THEN 'in_house'
                           ELSE 'booked' END";

/// A listed booking's columns and joins (`bookings b`, its hotel `h`, room type `r`, guest `u`).
fn desk_columns() -> String {
    format!(
        "b.id, b.reference, b.hotel_id, h.name AS hotel_name, b.room_id, r.name AS room_name,
         coalesce(b.guest_name, u.full_name) AS shown_name, u.email, b.date_from, b.date_to,
         b.total_cost, b.created_at AS booked_at, {STATUS} AS status"
    )
}

const DESK_FROM: &str = "FROM bookings b
    JOIN hotels h ON h.id = b.hotel_id
    JOIN rooms r ON r.id = b.room_id
    JOIN users u ON u.id = b.user_id";

/// A listed booking (see [`desk_columns`]).
#[derive(sqlx::FromRow)]
struct DeskRow {
    id: BookingId,
    reference: BookingReference,
    hotel_id: HotelId,
    hotel_name: String,
    room_id: RoomId,
    room_name: String,
    shown_name: Option<String>,
    email: String,
    date_from: NaiveDate,
    date_to: NaiveDate,
    total_cost: i64,
    booked_at: DateTime<Utc>,
    status: String,
}

impl TryFrom<DeskRow> for DeskBooking {
    type Error = AppError;

    fn try_from(row: DeskRow) -> Result<Self, AppError> {
        Ok(DeskBooking {
            status: status(&row.status)?,
            id: row.id,
            reference: row.reference,
            hotel_id: row.hotel_id,
            hotel_name: row.hotel_name,
            room_id: row.room_id,
            room_name: row.room_name,
            guest_name: row.shown_name,
            email: row.email,
            date_from: row.date_from,
            date_to: row.date_to,
            total_cost: Money::from_roubles(row.total_cost),
            booked_at: row.booked_at,
        })
    }
}

fn status(raw: &str) -> Result<DeskStatus, AppError> {
    DeskStatus::parse(raw).ok_or_else(|| {
        AppError::Internal(Cause::new(
            "reading a booking's status",
            format!("unknown status {raw:?}"),
        ))
    })
}

/// A booking as its back-office page reads it.
#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    desk: DeskRow,
    #[sqlx(flatten)]
    booking: BookingRow,
    checked_in_at: Option<DateTime<Utc>>,
    checked_out_at: Option<DateTime<Utc>>,
    no_show_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    cancel_reason: Option<String>,
    hotel_today: NaiveDate,
}

/// A booking locked for a front-desk action: where it stands and its hotel's day.
pub struct Locked {
    pub hotel_id: HotelId,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub status: DeskStatus,
    pub hotel_today: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct LockedRow {
    hotel_id: HotelId,
    date_from: NaiveDate,
    date_to: NaiveDate,
    status: String,
    hotel_today: NaiveDate,
}

/// What an action wrote: the booking's change count (a cancellation's email key) and the
/// transaction (its cache invalidations are logged under it).
pub struct Applied {
    pub sequence: i32,
    pub origin_tx: i64,
}

/// The ORDER BY of a sort (ids last, so pages never overlap).
fn order_by(sort: BookingSort) -> &'static str {
    match sort {
        BookingSort::CheckIn => "b.date_from, b.id",
        BookingSort::CheckInDesc => "b.date_from DESC, b.id DESC",
        BookingSort::Booked => "b.created_at DESC, b.id DESC",
        BookingSort::Total => "b.total_cost DESC, b.id",
    }
}

/// The list's query: `$1` the reader's hotels (none: all), `$2`..`$9` the filter, then
/// `$10` LIMIT and `$11` OFFSET. Stays match by their nights; booked days are UTC days.
fn list_sql(sort: BookingSort) -> String {
    format!(
        "SELECT {columns} {DESK_FROM}
         WHERE ($1::int[] IS NULL OR b.hotel_id = ANY($1))
           AND ($2::int IS NULL OR b.hotel_id = $2)
           AND ($3::date IS NULL OR b.date_to > $3)
           AND ($4::date IS NULL OR b.date_from <= $4)
           AND ($5::date IS NULL OR b.created_at >= $5::timestamp AT TIME ZONE 'UTC')
           AND ($6::date IS NULL OR b.created_at < ($6 + 1)::timestamp AT TIME ZONE 'UTC')
           AND ($7::text IS NULL OR {STATUS} = $7)
           AND ($8::text IS NULL OR b.reference = $9
                OR strpos(lower(u.email), lower($8)) > 0
                OR strpos(lower(coalesce(b.guest_name, u.full_name, '')), lower($8)) > 0)
         ORDER BY {order}
         LIMIT $10 OFFSET $11",
        columns = desk_columns(),
        order = order_by(sort),
    )
}

/// Which end of a stay falls on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Arrival,
    Departure,
}

pub struct DeskRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> DeskRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        DeskRepo { pool }
    }

    /// Bookings of `hotels` (all, if `None`) matching `filter`, in its order.
    pub async fn list(
        &self,
        hotels: Option<&[HotelId]>,
        filter: &BookingFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<DeskBooking>, AppError> {
        let sql = list_sql(filter.sort);
        let rows: Vec<DeskRow> =
            bind_filter(sqlx::query_as(sqlx::AssertSqlSafe(sql)), hotels, filter)
                .bind(limit)
                .bind(offset)
                .fetch_all(self.pool)
                .await?;
        rows.into_iter().map(DeskBooking::try_from).collect()
    }

    /// The live bookings of `hotels` (all, if `None`) whose `edge` is on `day`, by hotel and
    /// room type.
    pub async fn day(
        &self,
        hotels: Option<&[HotelId]>,
        day: NaiveDate,
        edge: Edge,
        limit: i64,
    ) -> Result<Vec<DeskBooking>, AppError> {
        let ids: Option<Vec<i32>> = hotels.map(|ids| ids.iter().map(|id| id.get()).collect());
        // The column itself in the condition: arrivals read bookings_date_from_idx,
        // departures bookings_date_to_idx.
        let column = match edge {
            Edge::Arrival => "b.date_from",
            Edge::Departure => "b.date_to",
        };
        let rows: Vec<DeskRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {columns} {DESK_FROM}
             WHERE b.cancelled_at IS NULL AND {column} = $2
               AND ($1::int[] IS NULL OR b.hotel_id = ANY($1))
             ORDER BY h.name, r.name, b.id
             LIMIT $3",
            columns = desk_columns(),
        )))
        .bind(ids)
        .bind(day)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        rows.into_iter().map(DeskBooking::try_from).collect()
    }

    /// Streams every booking of `hotels` matching `filter` as CSV into `sink` (see
    /// `desk::export`); how many rows were written.
    pub async fn export(
        &self,
        hotels: Option<&[HotelId]>,
        filter: &BookingFilter,
        sink: mpsc::Sender<Vec<u8>>,
    ) -> Result<u64, AppError> {
        const CHUNK: usize = 32 * 1024;
        let sql = list_sql(filter.sort);
        let mut rows = bind_filter(
            sqlx::query_as::<_, DeskRow>(sqlx::AssertSqlSafe(sql)),
            hotels,
            filter,
        )
        .bind(None::<i64>)
        .bind(0_i64)
        .fetch(self.pool);
        let mut file = CsvChunks::new()?;
        let mut written = 0;
        while let Some(row) = rows.try_next().await? {
            file.push(&DeskBooking::try_from(row)?)?;
            written += 1;
            if file.pending() >= CHUNK && sink.send(file.take()?).await.is_err() {
                // The reader went away: stop reading.
                return Ok(written);
            }
        }
        let _ = sink.send(file.take()?).await;
        Ok(written)
    }

    /// The hotels the reader runs by name (id, name), for the list's filter; `None` when
    /// there are too many to offer as a choice (an admin of a large catalog types an id).
    pub async fn hotel_names(
        &self,
        hotels: Option<&[HotelId]>,
    ) -> Result<Option<Vec<(HotelId, String)>>, AppError> {
        const MAX_CHOICES: i64 = 200;
        let ids: Option<Vec<i32>> = hotels.map(|ids| ids.iter().map(|id| id.get()).collect());
        let rows = sqlx::query!(
            r#"SELECT id AS "id: HotelId", name FROM hotels
               WHERE $1::int[] IS NULL OR id = ANY($1)
               ORDER BY name, id LIMIT $2"#,
            ids.as_deref(),
            MAX_CHOICES + 1,
        )
        .fetch_all(self.pool)
        .await?;
        Ok((rows.len() as i64 <= MAX_CHOICES)
            .then(|| rows.into_iter().map(|row| (row.id, row.name)).collect()))
    }

    /// A booking's page with its front-desk marks (no actions, history or emails yet), and
    /// its hotel's day at `now`.
    pub async fn find(
        &self,
        booking_id: BookingId,
        now: DateTime<Utc>,
    ) -> Result<Option<(DeskBookingPage, NaiveDate)>, AppError> {
        let row: Option<PageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {columns}, {BOOKING_COLUMNS}, b.checked_in_at, b.checked_out_at,
                    b.no_show_at, b.cancelled_at, b.cancel_reason,
                    ($2::timestamptz AT TIME ZONE h.time_zone)::date AS hotel_today
             {DESK_FROM}
             WHERE b.id = $1",
            columns = desk_columns(),
        )))
        .bind(booking_id)
        .bind(now)
        .fetch_optional(self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let page = DeskBookingPage {
            summary: DeskBooking::try_from(row.desk)?,
            booking: Booking::from(row.booking),
            checked_in_at: row.checked_in_at,
            checked_out_at: row.checked_out_at,
            no_show_at: row.no_show_at,
            cancelled_at: row.cancelled_at,
            cancel_reason: row.cancel_reason,
            actions: Vec::new(),
            history: Vec::new(),
            emails: Vec::new(),
        };
        Ok(Some((page, row.hotel_today)))
    }

    /// The emails about a booking, oldest first.
    pub async fn emails(&self, booking_id: BookingId) -> Result<Vec<BookingEmail>, AppError> {
        Ok(sqlx::query_as!(
            BookingEmail,
            "SELECT kind, created_at AS queued_at, sent_at, failed_at, attempts
             FROM notifications WHERE booking_id = $1 ORDER BY id",
            booking_id.get(),
        )
        .fetch_all(self.pool)
        .await?)
    }

    /// Locks booking `booking_id` for an action (another desk or the guest waits for this
    /// transaction), with where it stands and its hotel's day at `now`.
    pub async fn lock(
        tx: &mut PgConnection,
        booking_id: BookingId,
        now: DateTime<Utc>,
    ) -> Result<Option<Locked>, AppError> {
        let row: Option<LockedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT b.hotel_id, b.date_from, b.date_to, {STATUS} AS status,
                    ($2::timestamptz AT TIME ZONE h.time_zone)::date AS hotel_today
             FROM bookings b JOIN hotels h ON h.id = b.hotel_id
             WHERE b.id = $1
             FOR NO KEY UPDATE OF b"
        )))
        .bind(booking_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        row.map(|row| {
            Ok(Locked {
                status: status(&row.status)?,
                hotel_id: row.hotel_id,
                date_from: row.date_from,
                date_to: row.date_to,
                hotel_today: row.hotel_today,
            })
        })
        .transpose()
    }

    /// Marks booking `booking_id` (locked, the action checked) by `action`; a cancellation
    /// keeps its reason and who made it and counts as a change (its email's key).
    pub async fn apply(
        tx: &mut PgConnection,
        booking_id: BookingId,
        action: DeskAction,
        reason: Option<&str>,
        staff: &Staff,
    ) -> Result<Applied, AppError> {
        let row = sqlx::query!(
            r#"UPDATE bookings SET
                   checked_in_at = CASE WHEN $2 = 'check_in' THEN now() ELSE checked_in_at END,
                   checked_out_at = CASE WHEN $2 = 'check_out' THEN now() ELSE checked_out_at END,
                   no_show_at = CASE WHEN $2 = 'no_show' THEN now() ELSE no_show_at END,
                   cancelled_at = CASE WHEN $2 = 'cancel' THEN now() ELSE cancelled_at END,
                   cancel_reason = CASE WHEN $2 = 'cancel' THEN $3 ELSE cancel_reason END,
                   cancelled_by = CASE WHEN $2 = 'cancel' THEN $4 ELSE cancelled_by END,
                   sequence = sequence + CASE WHEN $2 = 'cancel' THEN 1 ELSE 0 END
               WHERE id = $1
               RETURNING sequence, txid_current() AS "origin_tx!""#,
            booking_id.get(),
            action.as_str(),
            reason,
            staff.user.id.get(),
        )
        .fetch_one(&mut *tx)
        .await?;
        Ok(Applied {
            sequence: row.sequence,
            origin_tx: row.origin_tx,
        })
    }
}

/// Binds the reader's hotels and the filter as `$1`..`$9` of [`list_sql`].
fn bind_filter<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    hotels: Option<&[HotelId]>,
    filter: &BookingFilter,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    let hotels: Option<Vec<i32>> = hotels.map(|ids| ids.iter().map(|id| id.get()).collect());
    query
        .bind(hotels)
        .bind(filter.hotel_id.map(HotelId::get))
        .bind(filter.stay_from)
        .bind(filter.stay_to)
        .bind(filter.booked_from)
        .bind(filter.booked_to)
        .bind(filter.status.map(DeskStatus::as_str))
        .bind(filter.query.clone())
        .bind(filter.reference().map(|reference| reference.to_string()))
}
