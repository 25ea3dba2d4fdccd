//! The front desk's server functions: the bookings list, a booking's page, and the actions
//! (check-in, check-out, no-show, cancel). Each asks `server::desk`, which checks on the server
//! that the reader runs the booking's hotel. The CSV export is a plain route
//! (`/admin/bookings.csv`, the server's `desk_export`), so it can stream.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::desk::{BookingFilterForm, BookingList, DeskBookingPage};

/// One page of the bookings the reader may see, filtered.
#[server(endpoint = "desk_bookings")]
pub async fn desk_bookings(
    #[server(default)] filter: BookingFilterForm,
) -> Result<BookingList, AppError> {
    use super::back_office::edge;
    use crate::error::InputError;
    use crate::server::{desk, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let filter = filter
            .parse()
            .map_err(|error| AppError::Invalid(InputError::Desk(error)))?;
        desk::list(&state, &staff, &filter).await
    }
    .await
    .map_err(with_status)
}

/// A booking's back-office page.
#[server(endpoint = "desk_booking")]
pub async fn desk_booking(booking_id: String) -> Result<DeskBookingPage, AppError> {
    use super::back_office::edge;
    use crate::server::{desk, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let booking_id = edge::booking_id(&booking_id)?;
        desk::booking_page(&state, &staff, booking_id).await
    }
    .await
    .map_err(with_status)
}

/// Checks a booking in or out, marks a no-show, or cancels it (`reason` required); a plain
/// post goes back to the booking's page.
#[server(endpoint = "desk_action")]
pub async fn mark_booking(
    booking_id: String,
    action: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::back_office::edge;
    use crate::error::InputError;
    use crate::model::desk::{DeskAction, DeskError};
    use crate::server::desk;

    let page = edge::page("bookings", &booking_id);
    let result = async {
        let (state, staff) = edge::staff().await?;
        let booking_id = edge::booking_id(&booking_id)?;
        let action = DeskAction::parse(action.trim())
            .ok_or(AppError::Invalid(InputError::Desk(DeskError::Action)))?;
        desk::act(&state, &staff, booking_id, action, &reason).await
    }
    .await;
    edge::finish(result, &page, "desk")
}

/// A hotel's figures by month for `year` (empty: this year).
#[server(endpoint = "hotel_figures")]
pub async fn hotel_figures(
    hotel_id: String,
    #[server(default)] year: String,
) -> Result<crate::model::figures::HotelFigures, AppError> {
    use super::back_office::edge;
    use crate::server::{figures, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let hotel_id = edge::hotel_id(&hotel_id)?;
        figures::year(&state, &staff, hotel_id, &year).await
    }
    .await
    .map_err(with_status)
}
