//! Pictures, for staff of a hotel: what the hotel and its room types have and how far each
//! picture's processing got, and putting them in order or deleting one. (The upload itself is
//! a multipart endpoint of the server: `/admin/pictures/...`.)
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::HotelPictures;

/// The hotel, its room types and their pictures, for the pictures page.
#[server(endpoint = "hotel_pictures")]
pub async fn get_hotel_pictures(hotel_id: String) -> Result<HotelPictures, AppError> {
    use super::back_office::edge;
    use crate::model::HotelId;
    use crate::server::{pictures, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let hotel_id = HotelId::parse(&hotel_id).ok_or(AppError::NotFound)?;
        pictures::hotel_pictures(&state, &staff, hotel_id).await
    }
    .await
    .map_err(with_status)
}

/// Makes a picture the main one, moves it one place earlier or later, or deletes it; a plain
/// post goes back to the hotel's pictures page (`hotel_id`, the page it was sent from).
#[server(endpoint = "arrange_picture")]
pub async fn arrange_picture(
    hotel_id: String,
    picture_id: String,
    action: String,
) -> Result<(), AppError> {
    use super::back_office::edge;
    use crate::model::picture::PictureArrangement;
    use crate::model::{HotelId, PictureId};
    use crate::server::{forms::finish_form, pictures};

    let page = match HotelId::parse(&hotel_id) {
        Some(hotel) => format!("/admin/hotels/{hotel}/pictures"),
        None => "/admin/hotels".to_owned(),
    };
    let result = async {
        let (state, staff) = edge::staff().await?;
        let id = PictureId::parse(&picture_id).ok_or(AppError::NotFound)?;
        let action = PictureArrangement::parse(action.trim())
            .ok_or_else(|| AppError::BadRequest("action: main, earlier, later or delete".into()))?;
        pictures::arrange(&state, &staff, id, action).await
    }
    .await;
    finish_form(
        result,
        &format!("{page}?form=pictures"),
        &format!("{page}?arranged=1"),
    )
    .map(|_| ())
}
