//! Pictures, for admins: what each hotel and room type has and how far its processing got.
//! (The upload itself is a multipart endpoint of the server: `/admin/pictures/...`.)
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::HotelPictures;

/// The hotel, its room types and their pictures, for the admin's pictures page.
#[server(endpoint = "hotel_pictures")]
pub async fn get_hotel_pictures(hotel_id: String) -> Result<HotelPictures, AppError> {
    use crate::model::{PictureOwner, parse_id};
    use crate::server::auth::session::{app_state, require_admin};
    use crate::server::db::{hotels::HotelRepo, pictures::PictureRepo, rooms::RoomRepo};
    use crate::server::with_status;

    require_admin().await.map_err(with_status)?;
    let hotel_id = parse_id(&hotel_id).ok_or_else(|| with_status(AppError::NotFound))?;
    let state = app_state().map_err(with_status)?;
    let hotel = HotelRepo::new(&state.db)
        .find(hotel_id)
        .await
        .map_err(with_status)?
        .ok_or_else(|| with_status(AppError::NotFound))?;
    let rooms = RoomRepo::new(&state.db)
        .for_hotel(hotel_id)
        .await
        .map_err(with_status)?;
    let owners: Vec<PictureOwner> = std::iter::once(PictureOwner::Hotel(hotel_id))
        .chain(rooms.iter().map(|room| PictureOwner::Room(room.id)))
        .collect();
    let pictures = PictureRepo::new(&state.db)
        .statuses(&owners)
        .await
        .map_err(with_status)?;
    Ok(HotelPictures {
        hotel,
        rooms,
        pictures,
        max_upload_bytes: state.config.upload_max_bytes,
    })
}
