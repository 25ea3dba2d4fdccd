//! The inventory calendar's reads and writes; what they mean is `calendar.rs`'s.
use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::error::AppError;
use crate::model::calendar::AffectedBooking;
use crate::model::{BookingId, BookingReference, HotelId, Money, RoomId};
use crate::server::rates::Restriction;

/// A room type on the calendar.
#[derive(Debug, Clone)]
pub struct CalendarRoom {
    pub id: RoomId,
    pub name: String,
    pub quantity: u32,
    pub price: Money,
}

/// The restriction rows of one room type that replace those touching `[from, to)`.
#[derive(Debug, Clone)]
pub struct RestrictionRows {
    pub room_id: RoomId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<Restriction>,
}

pub struct CalendarRepo;

impl CalendarRepo {
    /// A hotel's name and its room types on sale (not archived), cheapest first; `NotFound`
    /// for no such hotel.
    pub async fn rooms(
        conn: &mut PgConnection,
        hotel_id: HotelId,
    ) -> Result<(String, Vec<CalendarRoom>), AppError> {
        let rows = sqlx::query!(
            r#"SELECT h.name AS hotel_name, r.id AS "id?: RoomId", r.name AS "name?",
                      r.quantity AS "quantity?", r.price::bigint AS "price?"
               FROM hotels h
               LEFT JOIN rooms r ON r.hotel_id = h.id AND r.archived_at IS NULL
               WHERE h.id = $1
               ORDER BY r.price, r.id"#,
            hotel_id.get(),
        )
        .fetch_all(&mut *conn)
        .await?;
        let hotel_name = rows
            .first()
            .map(|row| row.hotel_name.clone())
            .ok_or(AppError::NotFound)?;
        let rooms = rows
            .into_iter()
            .filter_map(|row| {
                Some(CalendarRoom {
                    id: row.id?,
                    name: row.name?,
                    quantity: u32::try_from(row.quantity?).unwrap_or(0),
                    price: Money::from_roubles(row.price?),
                })
            })
            .collect();
        Ok((hotel_name, rooms))
    }

    /// Rooms held per room type and night of `[from, to)` (the availability rule's count).
    pub async fn sold(
        conn: &mut PgConnection,
        hotel_id: HotelId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<HashMap<(RoomId, NaiveDate), u32>, AppError> {
        let rows = sqlx::query!(
            r#"SELECT n.room_id AS "room_id!: RoomId", n.night AS "night!",
                      n.booked AS "booked!"
               FROM booked_nights($2, $3) n WHERE n.hotel_id = $1"#,
            hotel_id.get(),
            from,
            to,
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let sold = u32::try_from(row.booked).unwrap_or(u32::MAX);
                ((row.room_id, row.night), sold)
            })
            .collect())
    }

    /// Locks `rooms` of `hotel_id` for an edit, in id order (as a booking locks its room type).
    pub async fn lock_rooms(
        tx: &mut PgConnection,
        hotel_id: HotelId,
        rooms: &[RoomId],
    ) -> Result<(), AppError> {
        let ids: Vec<i32> = rooms.iter().map(|id| id.get()).collect();
        sqlx::query!(
            "SELECT id FROM rooms WHERE hotel_id = $1 AND id = ANY($2)
             ORDER BY id FOR NO KEY UPDATE",
            hotel_id.get(),
            &ids,
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok(())
    }

    /// Live bookings of `rooms` holding any of the nights `dates`, by arrival; at most `limit`.
    pub async fn affected(
        conn: &mut PgConnection,
        rooms: &[RoomId],
        dates: &[NaiveDate],
        limit: i64,
    ) -> Result<Vec<AffectedBooking>, AppError> {
        let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
            return Ok(Vec::new());
        };
        let ids: Vec<i32> = rooms.iter().map(|id| id.get()).collect();
        // A booking lasts at most 30 nights: one holding a night from `first` on arrives
        // less than 30 days before it, which bounds the index range.
        let rows = sqlx::query!(
            r#"SELECT b.id AS "id: BookingId", b.reference AS "reference: BookingReference",
                      r.name AS room_name, coalesce(b.guest_name, u.full_name) AS guest_name,
                      u.email, b.date_from, b.date_to
               FROM bookings b
               JOIN rooms r ON r.id = b.room_id
               JOIN users u ON u.id = b.user_id
               WHERE b.room_id = ANY($1) AND b.cancelled_at IS NULL
                 AND b.date_to > $2 AND b.date_from <= $3 AND b.date_from > $2 - 31
                 AND EXISTS (SELECT 1 FROM unnest($4::date[]) AS d(night)
                             WHERE d.night >= b.date_from AND d.night < b.date_to)
               ORDER BY b.date_from, b.id
               LIMIT $5"#,
            &ids,
            first,
            last,
            dates,
            limit,
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| AffectedBooking {
                id: row.id,
                reference: row.reference,
                room_name: row.room_name,
                guest_name: row.guest_name,
                email: row.email,
                date_from: row.date_from,
                date_to: row.date_to,
            })
            .collect())
    }

    /// Sets the price of each (room type, night), in one statement.
    pub async fn set_prices(
        tx: &mut PgConnection,
        prices: &[(RoomId, NaiveDate, Money)],
    ) -> Result<(), AppError> {
        if prices.is_empty() {
            return Ok(());
        }
        let rooms: Vec<i32> = prices.iter().map(|(room, ..)| room.get()).collect();
        let nights: Vec<NaiveDate> = prices.iter().map(|(_, night, _)| *night).collect();
        // The calendar takes whole roubles within the column's range (MAX_NIGHT_PRICE).
        let roubles: Vec<i32> = prices
            .iter()
            .map(|(.., price)| i32::try_from(price.whole_roubles()).unwrap_or(i32::MAX))
            .collect();
        sqlx::query!(
            "INSERT INTO rate_overrides (room_id, night, price)
             SELECT * FROM unnest($1::int[], $2::date[], $3::int[])
             ON CONFLICT (room_id, night) DO UPDATE SET price = EXCLUDED.price",
            &rooms,
            &nights,
            &roubles,
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Removes the price set for each (room type, night), in one statement.
    pub async fn clear_prices(
        tx: &mut PgConnection,
        nights: &[(RoomId, NaiveDate)],
    ) -> Result<(), AppError> {
        if nights.is_empty() {
            return Ok(());
        }
        let rooms: Vec<i32> = nights.iter().map(|(room, _)| room.get()).collect();
        let days: Vec<NaiveDate> = nights.iter().map(|(_, night)| *night).collect();
        sqlx::query!(
            "DELETE FROM rate_overrides o
             USING unnest($1::int[], $2::date[]) AS d(room_id, night)
             WHERE o.room_id = d.room_id AND o.night = d.night",
            &rooms,
            &days,
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Replaces each room type's restriction rows touching its dates with the given ones: one
    /// delete and one insert for all of them.
    pub async fn replace_restrictions(
        tx: &mut PgConnection,
        replaced: &[RestrictionRows],
    ) -> Result<(), AppError> {
        if replaced.is_empty() {
            return Ok(());
        }
        let rooms: Vec<i32> = replaced.iter().map(|r| r.room_id.get()).collect();
        let froms: Vec<NaiveDate> = replaced.iter().map(|r| r.from).collect();
        let tos: Vec<NaiveDate> = replaced.iter().map(|r| r.to).collect();
        sqlx::query!(
            "DELETE FROM room_restrictions x
             USING unnest($1::int[], $2::date[], $3::date[]) AS d(room_id, date_from, date_to)
             WHERE x.room_id = d.room_id AND x.date_to > d.date_from
               AND x.date_from < d.date_to",
            &rooms,
            &froms,
            &tos,
        )
        .execute(&mut *tx)
        .await?;
        let rows: Vec<(RoomId, &Restriction)> = replaced
            .iter()
            .flat_map(|r| r.rows.iter().map(move |row| (r.room_id, row)))
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let nights = |n: Option<u8>| n.map(i16::from);
        sqlx::query!(
            "INSERT INTO room_restrictions
                 (room_id, date_from, date_to, closed, closed_to_arrival, min_stay, max_stay)
             SELECT * FROM unnest($1::int[], $2::date[], $3::date[], $4::bool[], $5::bool[],
                                  $6::smallint[], $7::smallint[])",
            &rows.iter().map(|(id, _)| id.get()).collect::<Vec<_>>(),
            &rows.iter().map(|(_, r)| r.from).collect::<Vec<_>>(),
            &rows.iter().map(|(_, r)| r.to).collect::<Vec<_>>(),
            &rows.iter().map(|(_, r)| r.closed).collect::<Vec<_>>(),
            &rows
                .iter()
                .map(|(_, r)| r.closed_to_arrival)
                .collect::<Vec<_>>(),
            &rows
                .iter()
                .map(|(_, r)| nights(r.min_stay))
                .collect::<Vec<_>>() as &[Option<i16>],
            &rows
                .iter()
                .map(|(_, r)| nights(r.max_stay))
                .collect::<Vec<_>>() as &[Option<i16>],
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}
