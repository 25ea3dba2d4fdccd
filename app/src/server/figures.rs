//! A hotel's figures by month (occupancy, ADR, RevPAR, bookings, cancellations), defined in
//! `model::figures` and counted by PostgreSQL in one statement for the whole year.
mod repo;

use chrono::{Datelike, NaiveDate};

use self::repo::FiguresRepo;
use super::staff::Staff;
use super::state::AppState;
use crate::error::{AppError, InputError};
use crate::model::HotelId;
use crate::model::desk::DeskError;
use crate::model::figures::{HotelFigures, YEARS_AHEAD, YEARS_BACK};

/// The year a figures page asks for: empty is this year; else a year within
/// [`YEARS_BACK`] before and [`YEARS_AHEAD`] after it.
fn year_of(state: &AppState, raw: &str) -> Result<i32, AppError> {
    let this_year = state.clock.today().year();
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(this_year);
    }
    raw.parse::<i32>()
        .ok()
        .filter(|year| (this_year - YEARS_BACK..=this_year + YEARS_AHEAD).contains(year))
        .ok_or(AppError::Invalid(InputError::Desk(DeskError::Year)))
}

/// Hotel `hotel_id`'s figures for the year asked for (see [`year_of`]), for its staff.
pub async fn year(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    year: &str,
) -> Result<HotelFigures, AppError> {
    staff.require_hotel(hotel_id)?;
    let year = year_of(state, year)?;
    let (Some(first), Some(next)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year + 1, 1, 1),
    ) else {
        return Err(AppError::Invalid(InputError::Desk(DeskError::Year)));
    };
    let repo = FiguresRepo::new(&state.db);
    let hotel_name = repo.hotel_name(hotel_id).await?.ok_or(AppError::NotFound)?;
    let months = repo.months(hotel_id, first, next).await?;
    Ok(HotelFigures {
        hotel_id,
        hotel_name,
        year,
        total: HotelFigures::sum(first, &months),
        months,
    })
}
