//! The inventory calendar's server functions: read a hotel's calendar, preview a bulk edit,
//! save it. The page sends the same edit fields to the preview and the save; each call checks
//! on the server that the user runs the hotel.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::calendar::{Calendar, CalendarEditForm, CalendarPreview};

/// `days` (14, 28 or 60) dates of a hotel's calendar from `from` (default: today, two weeks).
#[server(endpoint = "calendar")]
pub async fn get_calendar(
    hotel_id: String,
    from: Option<String>,
    days: Option<String>,
) -> Result<Calendar, AppError> {
    use super::back_office::edge;
    use crate::server::{rates::calendar, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let hotel_id = edge::hotel_id(&hotel_id)?;
        staff.require_hotel(hotel_id)?;
        let (from, days) = calendar::window_of(&state, from.as_deref(), days.as_deref())?;
        calendar::calendar(&state, &staff, hotel_id, from, days).await
    }
    .await
    .map_err(with_status)
}

/// What a bulk edit of a hotel's calendar would change, and the bookings on its dates.
#[server(endpoint = "calendar_preview")]
pub async fn preview_calendar(
    hotel_id: String,
    #[server(default)] edit: CalendarEditForm,
) -> Result<CalendarPreview, AppError> {
    use super::back_office::edge;
    use crate::server::{rates::calendar, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let hotel_id = edge::hotel_id(&hotel_id)?;
        staff.require_hotel(hotel_id)?;
        let edit = calendar::parse_edit(&state, &edit)?;
        calendar::preview(&state, &staff, hotel_id, &edit).await
    }
    .await
    .map_err(with_status)
}

/// Makes a bulk edit of a hotel's calendar; then to the calendar at its first date.
#[server(endpoint = "calendar_save")]
pub async fn save_calendar(
    hotel_id: String,
    #[server(default)] edit: CalendarEditForm,
) -> Result<(), AppError> {
    use super::back_office::edge;
    use crate::model::navigation::with_query;
    use crate::server::{forms, rates::calendar};

    let page = format!("{}/calendar", edge::page("hotels", &hotel_id));
    // A plain post that failed goes back to its preview, the edit and the error in the URL.
    let mut back: Vec<(&str, &str)> = vec![("preview", "1"), ("form", "calendar")];
    back.extend(edit.fields());
    let back = with_query(&page, &back);
    let result = async {
        let (state, staff) = edge::staff().await?;
        let hotel_id = edge::hotel_id(&hotel_id)?;
        staff.require_hotel(hotel_id)?;
        let parsed = calendar::parse_edit(&state, &edit)?;
        let changed = calendar::save(&state, &staff, hotel_id, &parsed).await?;
        Ok((parsed.selection.first, changed))
    }
    .await;
    let done = match &result {
        // The room types stay ticked for the next edit.
        Ok((first, changed)) => with_query(
            &page,
            &[
                ("from", &first.to_string()),
                ("saved", &changed.to_string()),
                ("rooms", &edit.rooms),
            ],
        ),
        Err(_) => page.clone(),
    };
    forms::finish_form(result, &back, &done).map(|_| ())
}
