//! Saved and recently viewed hotels: the hearts, the saved page and the home page's list.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::wishlist::GuestLists;

/// Saves hotel `hotel_id` (`saved` = "true") or takes it off the saved list, for the account
/// or, signed out, this browser. A plain form post (no JavaScript) then goes back to
/// `return_to`. Returns whether the hotel is saved now.
#[server(endpoint = "set_hotel_saved")]
pub async fn set_hotel_saved(
    hotel_id: String,
    saved: String,
    return_to: Option<String>,
) -> Result<bool, AppError> {
    use crate::model::HotelId;
    use crate::model::wishlist::GuestList;
    use crate::server::{accounts::session::app_state, catalog, forms, wishlist};

    let result = async {
        let state = app_state()?;
        let hotel_id = HotelId::parse(&hotel_id).ok_or(AppError::NotFound)?;
        let on = saved == "true";
        // Only hotels guests can see are kept.
        catalog::hotel(&state, hotel_id).await?;
        let headers = forms::request_headers();
        let keeper = wishlist::Keeper::of(signed_in().await, &headers);
        if let Some(cookie) = wishlist::set(&state, keeper, GuestList::Saved, hotel_id, on).await? {
            forms::set_cookie(&cookie)?;
        }
        Ok::<_, AppError>(on)
    }
    .await;
    forms::stay_on(result, return_to.as_deref())
}

/// The reader's saved and recently viewed hotels.
#[server(endpoint = "guest_lists")]
pub async fn get_guest_lists() -> Result<GuestLists, AppError> {
    use crate::server::{accounts::session::app_state, forms, wishlist, with_status};

    let state = app_state().map_err(with_status)?;
    let headers = forms::request_headers();
    let keeper = wishlist::Keeper::of(signed_in().await, &headers);
    wishlist::lists(&state, keeper).await.map_err(with_status)
}

/// The signed-in reader, if any (an unreadable session counts as signed out here: the lists
/// are a convenience and never refuse a page).
#[cfg(feature = "ssr")]
async fn signed_in() -> Option<crate::model::UserId> {
    let user = crate::server::accounts::session::current_user().await;
    user.ok().flatten().map(|user| user.id)
}

/// Which of `hotels` the reader saved (none when that cannot be read: the page still shows).
#[cfg(feature = "ssr")]
pub async fn saved_of(
    state: &crate::server::state::AppState,
    hotels: impl Iterator<Item = crate::model::HotelId>,
) -> Vec<crate::model::HotelId> {
    use crate::model::wishlist::GuestList;
    use crate::server::{forms, wishlist};

    let headers = forms::request_headers();
    let keeper = wishlist::Keeper::of(signed_in().await, &headers);
    match wishlist::ids(state, keeper, GuestList::Saved).await {
        Ok(saved) => hotels.filter(|hotel| saved.contains(*hotel)).collect(),
        Err(error) => {
            error.log();
            Vec::new()
        }
    }
}

/// Notes that the reader viewed `hotel` (top of their recently viewed) and answers whether
/// they saved it. Failures are logged: the hotel page shows regardless.
#[cfg(feature = "ssr")]
pub async fn viewed(state: &crate::server::state::AppState, hotel: crate::model::HotelId) -> bool {
    use crate::model::wishlist::GuestList;
    use crate::server::{forms, wishlist};

    let headers = forms::request_headers();
    let keeper = wishlist::Keeper::of(signed_in().await, &headers);
    let noted = wishlist::set(state, keeper, GuestList::Viewed, hotel, true).await;
    match noted {
        Ok(Some(cookie)) => {
            if let Err(error) = forms::set_cookie(&cookie) {
                error.log();
            }
        }
        Ok(None) => {}
        Err(error) => error.log(),
    }
    match wishlist::ids(state, keeper, GuestList::Saved).await {
        Ok(saved) => saved.contains(hotel),
        Err(error) => {
            error.log();
            false
        }
    }
}
