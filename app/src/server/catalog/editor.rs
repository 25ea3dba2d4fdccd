//! The back office's writes to the catalog: hotels and room types created, edited, archived
//! and deleted by their staff. Every function checks [`Staff`] first, writes its change and its
//! audit entry in one transaction, then delivers the cache invalidation the change logged (the
//! search index follows the catalog version the same triggers move).
mod repo;

use sqlx::PgConnection;

use self::repo::EditorRepo;
use super::changes_committed;
use crate::error::{AppError, InputError};
use crate::model::catalog_edit::{
    CatalogField, CatalogFieldError, FieldProblem, HotelDraft, RoomDraft, StaffHotel, StaffRoom,
};
use crate::model::{HotelId, RoomId};
use crate::server::audit::{self, Change, Object};
use crate::server::staff::Staff;
use crate::server::state::AppState;

/// The hotels `staff` run, archived ones last.
pub async fn hotels(state: &AppState, staff: &Staff) -> Result<Vec<StaffHotel>, AppError> {
    EditorRepo::new(&state.db)
        .hotels(staff.hotels(), state.clock.today())
        .await
}

/// A hotel and its room types, for its staff.
pub async fn hotel(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
) -> Result<(StaffHotel, Vec<StaffRoom>), AppError> {
    staff.require_hotel(hotel_id)?;
    let repo = EditorRepo::new(&state.db);
    let today = state.clock.today();
    let hotel = repo
        .hotels(Some(&[hotel_id]), today)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let rooms = repo.rooms(hotel_id, None, today).await?;
    Ok((hotel, rooms))
}

/// One room type and its hotel's name, for its hotel's staff (`Forbidden` for anyone else,
/// whether it exists or not).
pub async fn room(
    state: &AppState,
    staff: &Staff,
    room_id: RoomId,
) -> Result<(StaffRoom, String), AppError> {
    let hotel_id = hotel_of_room(state, staff, room_id).await?;
    let repo = EditorRepo::new(&state.db);
    let room = repo
        .rooms(hotel_id, Some(room_id), state.clock.today())
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let hotel_name = repo.hotel_name(hotel_id).await?.ok_or(AppError::NotFound)?;
    Ok((room, hotel_name))
}

/// Creates a hotel (admins only).
pub async fn create_hotel(
    state: &AppState,
    staff: &Staff,
    draft: &HotelDraft,
) -> Result<HotelId, AppError> {
    staff.require_admin()?;
    check_time_zone(state, draft).await?;
    let mut tx = state.db.begin().await?;
    let id = EditorRepo::insert_hotel(&mut tx, draft).await?;
    let change = Change::new("hotel.create", Object::Hotel(id), Some(id)).after(draft);
    finish(state, tx, staff, change).await?;
    Ok(id)
}

/// Changes a hotel (its staff).
pub async fn update_hotel(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    draft: &HotelDraft,
) -> Result<(), AppError> {
    staff.require_hotel(hotel_id)?;
    check_time_zone(state, draft).await?;
    let mut tx = state.db.begin().await?;
    let before = EditorRepo::lock_hotel(&mut tx, hotel_id).await?;
    if before == *draft {
        return Ok(());
    }
    EditorRepo::update_hotel(&mut tx, hotel_id, draft).await?;
    let change = Change::new("hotel.update", Object::Hotel(hotel_id), Some(hotel_id))
        .before(&before)
        .after(draft);
    finish(state, tx, staff, change).await
}

/// Archives a hotel (it leaves search and booking; its bookings stay) or brings it back
/// (admins only).
pub async fn set_hotel_archived(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    archived: bool,
) -> Result<(), AppError> {
    staff.require_admin()?;
    let mut tx = state.db.begin().await?;
    EditorRepo::lock_hotel(&mut tx, hotel_id).await?;
    if !EditorRepo::archive_hotel(&mut tx, hotel_id, archived).await? {
        return Ok(());
    }
    let action = if archived {
        "hotel.archive"
    } else {
        "hotel.restore"
    };
    let change = Change::new(action, Object::Hotel(hotel_id), Some(hotel_id))
        .before(&serde_json::json!({ "archived": !archived }))
        .after(&serde_json::json!({ "archived": archived }));
    finish(state, tx, staff, change).await
}

/// Deletes a hotel that never had a booking (admins only); `HasBookings` otherwise: archive it.
pub async fn delete_hotel(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
) -> Result<(), AppError> {
    staff.require_admin()?;
    let mut tx = state.db.begin().await?;
    let before = EditorRepo::lock_hotel(&mut tx, hotel_id).await?;
    EditorRepo::delete_hotel(&mut tx, hotel_id).await?;
    let change =
        Change::new("hotel.delete", Object::Hotel(hotel_id), Some(hotel_id)).before(&before);
    finish(state, tx, staff, change).await
}

/// Adds a room type to a hotel (its staff).
pub async fn create_room(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    draft: &RoomDraft,
) -> Result<RoomId, AppError> {
    staff.require_hotel(hotel_id)?;
    let mut tx = state.db.begin().await?;
    EditorRepo::lock_hotel(&mut tx, hotel_id).await?;
    let id = EditorRepo::insert_room(&mut tx, hotel_id, draft).await?;
    EditorRepo::count_rooms(&mut tx, hotel_id).await?;
    let change = Change::new("room.create", Object::Room(id), Some(hotel_id)).after(draft);
    finish(state, tx, staff, change).await?;
    Ok(id)
}

/// Changes a room type (its hotel's staff). Bookings keep the prices and terms they were made
/// with; fewer rooms than are booked on some night is allowed (the hotel may overbook on
/// purpose) but nothing more is sold until enough are free.
pub async fn update_room(
    state: &AppState,
    staff: &Staff,
    room_id: RoomId,
    draft: &RoomDraft,
) -> Result<(), AppError> {
    let hotel_id = hotel_of_room(state, staff, room_id).await?;
    let mut tx = state.db.begin().await?;
    let before = EditorRepo::lock_room(&mut tx, room_id).await?;
    if before == *draft {
        return Ok(());
    }
    EditorRepo::update_room(&mut tx, room_id, draft).await?;
    EditorRepo::count_rooms(&mut tx, hotel_id).await?;
    let change = Change::new("room.update", Object::Room(room_id), Some(hotel_id))
        .before(&before)
        .after(draft);
    finish(state, tx, staff, change).await
}

/// Archives a room type or brings it back (its hotel's staff).
pub async fn set_room_archived(
    state: &AppState,
    staff: &Staff,
    room_id: RoomId,
    archived: bool,
) -> Result<(), AppError> {
    let hotel_id = hotel_of_room(state, staff, room_id).await?;
    let mut tx = state.db.begin().await?;
    EditorRepo::lock_room(&mut tx, room_id).await?;
    if !EditorRepo::archive_room(&mut tx, room_id, archived).await? {
        return Ok(());
    }
    EditorRepo::count_rooms(&mut tx, hotel_id).await?;
    let action = if archived {
        "room.archive"
    } else {
        "room.restore"
    };
    let change = Change::new(action, Object::Room(room_id), Some(hotel_id))
        .before(&serde_json::json!({ "archived": !archived }))
        .after(&serde_json::json!({ "archived": archived }));
    finish(state, tx, staff, change).await
}

/// Deletes a room type that never had a booking (its hotel's staff); `HasBookings` otherwise.
/// Returns its hotel.
pub async fn delete_room(
    state: &AppState,
    staff: &Staff,
    room_id: RoomId,
) -> Result<HotelId, AppError> {
    let hotel_id = hotel_of_room(state, staff, room_id).await?;
    let mut tx = state.db.begin().await?;
    let before = EditorRepo::lock_room(&mut tx, room_id).await?;
    EditorRepo::delete_room(&mut tx, room_id).await?;
    EditorRepo::count_rooms(&mut tx, hotel_id).await?;
    let change = Change::new("room.delete", Object::Room(room_id), Some(hotel_id)).before(&before);
    finish(state, tx, staff, change).await?;
    Ok(hotel_id)
}

/// The hotel of `room_id` if `staff` run it: `Forbidden` when they do not (whether or not the
/// room type exists), `NotFound` for an admin asking for one that does not.
async fn hotel_of_room(
    state: &AppState,
    staff: &Staff,
    room_id: RoomId,
) -> Result<HotelId, AppError> {
    match EditorRepo::new(&state.db).hotel_of_room(room_id).await? {
        Some(hotel_id) => staff.require_hotel(hotel_id).map(|()| hotel_id),
        None if staff.is_admin() => Err(AppError::NotFound),
        None => Err(AppError::Forbidden),
    }
}

/// A time zone PostgreSQL knows (the column's CHECK would refuse another, less clearly).
async fn check_time_zone(state: &AppState, draft: &HotelDraft) -> Result<(), AppError> {
    if EditorRepo::new(&state.db)
        .time_zone_known(&draft.time_zone)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::Invalid(InputError::Catalog(CatalogFieldError {
            field: CatalogField::TimeZone,
            problem: FieldProblem::UnknownTimeZone,
        })))
    }
}

/// Records `change`, commits, and delivers the cache invalidation it logged.
async fn finish(
    state: &AppState,
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    staff: &Staff,
    change: Change,
) -> Result<(), AppError> {
    let conn: &mut PgConnection = &mut tx;
    audit::record(conn, &staff.user, change).await?;
    tx.commit().await?;
    changes_committed(&state.db, &state.cache).await;
    Ok(())
}
