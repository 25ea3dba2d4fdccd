//! Pictures, for admins: what each hotel and room type has and how far its processing got.
//! (The upload itself is a multipart endpoint of the server: `/admin/pictures/...`.)
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::HotelPictures;

/// The hotel, its room types and their pictures, for the admin's pictures page.
#[server(endpoint = "hotel_pictures")]
pub async fn get_hotel_pictures(hotel_id: String) -> Result<HotelPictures, AppError> {
    use crate::model::HotelId;
    use crate::server::accounts::session::{app_state, require_admin};
    use crate::server::{pictures, with_status};

    require_admin().await.map_err(with_status)?;
    let hotel_id = HotelId::parse(&hotel_id).ok_or_else(|| with_status(AppError::NotFound))?;
    let state = app_state().map_err(with_status)?;
    pictures::hotel_pictures(&state, hotel_id)
        .await
        .map_err(with_status)
}
