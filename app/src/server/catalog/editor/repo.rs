use chrono::{NaiveDate, NaiveTime};
use sqlx::{PgConnection, PgPool};

use super::super::rooms::layout;
use crate::error::AppError;
use crate::model::catalog_edit::{HotelDraft, RoomDraft, StaffHotel, StaffRoom};
use crate::model::{HotelId, Money, RoomId};
use crate::server::rates;

struct HotelRow {
    id: HotelId,
    name: String,
    name_en: Option<String>,
    description: Option<String>,
    description_en: Option<String>,
    location: String,
    services: Vec<String>,
    time_zone: String,
    check_in_time: NaiveTime,
    check_out_time: NaiveTime,
    archived: bool,
    room_types: i64,
    rooms: i64,
    upcoming: i64,
}

impl From<HotelRow> for StaffHotel {
    fn from(row: HotelRow) -> Self {
        StaffHotel {
            id: row.id,
            draft: HotelDraft {
                name: row.name,
                name_en: row.name_en,
                description: row.description,
                description_en: row.description_en,
                location: row.location,
                services: row.services,
                time_zone: row.time_zone,
                check_in_time: row.check_in_time,
                check_out_time: row.check_out_time,
            },
            archived: row.archived,
            room_types: row.room_types,
            rooms: row.rooms,
            upcoming_bookings: row.upcoming,
        }
    }
}

struct RoomRow {
    id: RoomId,
    hotel_id: HotelId,
    name: String,
    description: Option<String>,
    name_en: Option<String>,
    description_en: Option<String>,
    price: i64,
    services: Vec<String>,
    quantity: i32,
    max_adults: i16,
    max_children: i16,
    size_m2: Option<i16>,
    double_beds: i16,
    single_beds: i16,
    free_cancellation_days: Option<i16>,
    archived: bool,
    upcoming: i64,
}

impl RoomRow {
    fn draft(&self) -> RoomDraft {
        RoomDraft {
            name: self.name.clone(),
            description: self.description.clone(),
            name_en: self.name_en.clone(),
            description_en: self.description_en.clone(),
            price: Money::from_roubles(self.price),
            services: self.services.clone(),
            quantity: self.quantity,
            occupancy: rates::occupancy(self.max_adults, self.max_children),
            layout: layout(self.size_m2, self.double_beds, self.single_beds),
            free_cancellation_days: self.free_cancellation_days,
        }
    }
}

impl From<RoomRow> for StaffRoom {
    fn from(row: RoomRow) -> Self {
        StaffRoom {
            id: row.id,
            hotel_id: row.hotel_id,
            draft: row.draft(),
            archived: row.archived,
            upcoming_bookings: row.upcoming,
        }
    }
}

/// Most hotels one list shows (an admin of a large catalog narrows it by hotel).
const MAX_LISTED: i64 = 500;

pub struct EditorRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> EditorRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        EditorRepo { pool }
    }

    /// Hotels (of `ids`, or all), with their room types, rooms and live bookings not ended by
    /// `today`; archived ones last, then by name.
    pub async fn hotels(
        &self,
        ids: Option<&[HotelId]>,
        today: NaiveDate,
    ) -> Result<Vec<StaffHotel>, AppError> {
        let ids: Option<Vec<i32>> = ids.map(|ids| ids.iter().map(|id| id.get()).collect());
        let rows = sqlx::query_as!(
            HotelRow,
            // The page of hotels first, then the counts for those alone (counting for every
            // hotel of a large catalog before the limit took a second).
            r#"SELECT h.id AS "id!: HotelId", h.name AS "name!", h.name_en,
                      h.description, h.description_en, h.location AS "location!",
                      h.services AS "services!", h.time_zone AS "time_zone!",
                      h.check_in_time AS "check_in_time!", h.check_out_time AS "check_out_time!",
                      h.archived AS "archived!",
                      r.room_types AS "room_types!", r.rooms AS "rooms!",
                      (SELECT count(*) FROM bookings b
                       WHERE b.hotel_id = h.id AND b.cancelled_at IS NULL
                         AND b.date_to > $2) AS "upcoming!"
               FROM (SELECT id, name, name_en, description, description_en, location,
                            services, time_zone, check_in_time, check_out_time,
                            archived_at IS NOT NULL AS archived
                     FROM hotels WHERE $1::int[] IS NULL OR id = ANY($1)
                     ORDER BY archived_at IS NOT NULL, name, id
                     LIMIT $3) h,
                    LATERAL (SELECT count(*) AS room_types,
                                    coalesce(sum(quantity), 0)::bigint AS rooms
                             FROM rooms WHERE hotel_id = h.id AND archived_at IS NULL) r
               ORDER BY h.archived, h.name, h.id"#,
            ids.as_deref(),
            today,
            MAX_LISTED,
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(StaffHotel::from).collect())
    }

    /// The room types of a hotel (only `room_id`, if given), archived ones last, then by base
    /// price.
    pub async fn rooms(
        &self,
        hotel_id: HotelId,
        room_id: Option<RoomId>,
        today: NaiveDate,
    ) -> Result<Vec<StaffRoom>, AppError> {
        let rows = sqlx::query_as!(
            RoomRow,
            r#"SELECT r.id AS "id: RoomId", r.hotel_id AS "hotel_id: HotelId", r.name,
                      r.description, r.name_en, r.description_en,
                      r.price::bigint AS "price!", r.services, r.quantity,
                      r.max_adults, r.max_children, r.size_m2, r.double_beds, r.single_beds,
                      r.free_cancellation_days,
                      r.archived_at IS NOT NULL AS "archived!",
                      (SELECT count(*) FROM bookings b
                       WHERE b.room_id = r.id AND b.cancelled_at IS NULL
                         AND b.date_to > $3) AS "upcoming!"
               FROM rooms r WHERE r.hotel_id = $1 AND ($2::int IS NULL OR r.id = $2)
               ORDER BY r.archived_at IS NOT NULL, r.price, r.id"#,
            hotel_id.get(),
            room_id.map(RoomId::get),
            today,
        )
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(StaffRoom::from).collect())
    }

    /// A hotel's name, archived or not.
    pub async fn hotel_name(&self, hotel_id: HotelId) -> Result<Option<String>, AppError> {
        Ok(
            sqlx::query_scalar!("SELECT name FROM hotels WHERE id = $1", hotel_id.get())
                .fetch_optional(self.pool)
                .await?,
        )
    }

    pub async fn hotel_of_room(&self, room_id: RoomId) -> Result<Option<HotelId>, AppError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT hotel_id AS "hotel_id: HotelId" FROM rooms WHERE id = $1"#,
            room_id.get()
        )
        .fetch_optional(self.pool)
        .await?)
    }

    pub async fn time_zone_known(&self, zone: &str) -> Result<bool, AppError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS "known!""#,
            zone
        )
        .fetch_one(self.pool)
        .await?)
    }

    pub async fn insert_hotel(
        tx: &mut PgConnection,
        draft: &HotelDraft,
    ) -> Result<HotelId, AppError> {
        Ok(sqlx::query_scalar!(
            r#"INSERT INTO hotels (name, location, services, rooms_quantity, time_zone,
                                   check_in_time, check_out_time, name_en, description,
                                   description_en)
               VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $9)
               RETURNING id AS "id: HotelId""#,
            draft.name,
            draft.location,
            &draft.services,
            draft.time_zone,
            draft.check_in_time,
            draft.check_out_time,
            draft.name_en,
            draft.description,
            draft.description_en,
        )
        .fetch_one(&mut *tx)
        .await?)
    }

    /// Locks the hotel for the change and returns it as it stands; `NotFound` if none.
    pub async fn lock_hotel(tx: &mut PgConnection, id: HotelId) -> Result<HotelDraft, AppError> {
        sqlx::query_as!(
            HotelDraft,
            "SELECT name, name_en, description, description_en, location, services, time_zone,
                    check_in_time, check_out_time
             FROM hotels WHERE id = $1 FOR UPDATE",
            id.get()
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)
    }

    pub async fn update_hotel(
        tx: &mut PgConnection,
        id: HotelId,
        draft: &HotelDraft,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE hotels SET name = $2, location = $3, services = $4, time_zone = $5,
                               check_in_time = $6, check_out_time = $7, name_en = $8,
                               description = $9, description_en = $10
             WHERE id = $1",
            id.get(),
            draft.name,
            draft.location,
            &draft.services,
            draft.time_zone,
            draft.check_in_time,
            draft.check_out_time,
            draft.name_en,
            draft.description,
            draft.description_en,
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Whether anything changed.
    pub async fn archive_hotel(
        tx: &mut PgConnection,
        id: HotelId,
        archived: bool,
    ) -> Result<bool, AppError> {
        let done = sqlx::query!(
            "UPDATE hotels SET archived_at = CASE WHEN $2 THEN now() END
             WHERE id = $1 AND (archived_at IS NOT NULL) <> $2",
            id.get(),
            archived
        )
        .execute(&mut *tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// `HasBookings` when any booking (of any time, cancelled ones too: they are history)
    /// names the hotel.
    pub async fn delete_hotel(tx: &mut PgConnection, id: HotelId) -> Result<(), AppError> {
        let booked = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE hotel_id = $1) AS "booked!""#,
            id.get()
        )
        .fetch_one(&mut *tx)
        .await?;
        if booked {
            return Err(AppError::HasBookings);
        }
        sqlx::query!("DELETE FROM hotels WHERE id = $1", id.get())
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    pub async fn insert_room(
        tx: &mut PgConnection,
        hotel_id: HotelId,
        draft: &RoomDraft,
    ) -> Result<RoomId, AppError> {
        Ok(sqlx::query_scalar!(
            r#"INSERT INTO rooms (hotel_id, name, description, price, services, quantity,
                                  max_adults, max_children, free_cancellation_days, name_en,
                                  description_en, size_m2, double_beds, single_beds)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
               RETURNING id AS "id: RoomId""#,
            hotel_id.get(),
            draft.name,
            draft.description,
            price_roubles(draft.price)?,
            &draft.services,
            draft.quantity,
            i16::from(draft.occupancy.max_adults),
            i16::from(draft.occupancy.max_children),
            draft.free_cancellation_days,
            draft.name_en,
            draft.description_en,
            draft.layout.size_m2.map(|size| size as i16),
            i16::from(draft.layout.double_beds),
            i16::from(draft.layout.single_beds),
        )
        .fetch_one(&mut *tx)
        .await?)
    }

    /// Locks the room type for the change and returns it as it stands; `NotFound` if none.
    pub async fn lock_room(tx: &mut PgConnection, id: RoomId) -> Result<RoomDraft, AppError> {
        let row = sqlx::query_as!(
            RoomRow,
            r#"SELECT r.id AS "id: RoomId", r.hotel_id AS "hotel_id: HotelId", r.name,
                      r.description, r.name_en, r.description_en,
                      r.price::bigint AS "price!", r.services, r.quantity,
                      r.max_adults, r.max_children, r.size_m2, r.double_beds, r.single_beds,
                      r.free_cancellation_days,
                      r.archived_at IS NOT NULL AS "archived!", 0::bigint AS "upcoming!"
               FROM rooms r WHERE r.id = $1 FOR UPDATE"#,
            id.get()
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
        Ok(row.draft())
    }

    pub async fn update_room(
        tx: &mut PgConnection,
        id: RoomId,
        draft: &RoomDraft,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE rooms SET name = $2, description = $3, price = $4, services = $5,
                              quantity = $6, max_adults = $7, max_children = $8,
                              free_cancellation_days = $9, name_en = $10, description_en = $11,
                              size_m2 = $12, double_beds = $13, single_beds = $14
             WHERE id = $1",
            id.get(),
            draft.name,
            draft.description,
            price_roubles(draft.price)?,
            &draft.services,
            draft.quantity,
            i16::from(draft.occupancy.max_adults),
            i16::from(draft.occupancy.max_children),
            draft.free_cancellation_days,
            draft.name_en,
            draft.description_en,
            draft.layout.size_m2.map(|size| size as i16),
            i16::from(draft.layout.double_beds),
            i16::from(draft.layout.single_beds),
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Whether anything changed.
    pub async fn archive_room(
        tx: &mut PgConnection,
        id: RoomId,
        archived: bool,
    ) -> Result<bool, AppError> {
        let done = sqlx::query!(
            "UPDATE rooms SET archived_at = CASE WHEN $2 THEN now() END
             WHERE id = $1 AND (archived_at IS NOT NULL) <> $2",
            id.get(),
            archived
        )
        .execute(&mut *tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// `HasBookings` when any booking names the room type.
    pub async fn delete_room(tx: &mut PgConnection, id: RoomId) -> Result<(), AppError> {
        let booked = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE room_id = $1) AS "booked!""#,
            id.get()
        )
        .fetch_one(&mut *tx)
        .await?;
        if booked {
            return Err(AppError::HasBookings);
        }
        sqlx::query!("DELETE FROM rooms WHERE id = $1", id.get())
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// Keeps the hotel's `rooms_quantity` (the original API's field) the sum of its room
    /// types on sale.
    pub async fn count_rooms(tx: &mut PgConnection, hotel_id: HotelId) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE hotels SET rooms_quantity = (
                 SELECT coalesce(sum(quantity), 0) FROM rooms
                 WHERE hotel_id = $1 AND archived_at IS NULL)
             WHERE id = $1",
            hotel_id.get()
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

/// The catalog keeps base prices in whole roubles (`integer`).
fn price_roubles(price: Money) -> Result<i32, AppError> {
    i32::try_from(price.whole_roubles())
        .map_err(|error| AppError::internal("storing a room type's price", error))
}
