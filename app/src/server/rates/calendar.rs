//! The inventory calendar: a hotel's room types by date for its staff, and bulk edits of prices
//! and restrictions with a preview of what they change. A cell is what search and booking would
//! see (`RoomRates::day_settings`, `booked_nights`); an edit's effect on a date is the model's
//! `CalendarEdit::apply`, the same for the preview and the save.
//!
//! How an edit is stored: a price set for a date is a single-date override (the most specific
//! setting, so it wins over every rate rule, as the manager who typed it expects); clearing it
//! brings the rules back. Restrictions are per date in meaning (closed nights, arrival days), so
//! the rows touching the edited dates are rewritten: their parts outside the dates as they were,
//! and inside them one row per run of equal days.
mod repo;

use std::collections::HashSet;

use chrono::NaiveDate;
use sqlx::PgConnection;

use self::repo::{CalendarRepo, CalendarRoom, RestrictionRows};
use super::plan::{Restriction, RoomRates};
use super::repo::rows_for_rooms;
use crate::error::{AppError, InputError};
use crate::model::calendar::{
    Calendar, CalendarCell, CalendarChange, CalendarEdit, CalendarEditForm, CalendarPreview,
    CalendarRow, DaySettings, PREVIEW_BOOKINGS, PREVIEW_CHANGES, days_after,
};
use crate::model::{HotelId, Money, RoomId};
use crate::server::audit::{self, Change, Object};
use crate::server::catalog::changes_committed;
use crate::server::staff::Staff;
use crate::server::state::AppState;

/// `days` dates of a hotel's calendar from `from`, for its staff.
pub async fn calendar(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    from: NaiveDate,
    days: u16,
) -> Result<Calendar, AppError> {
    staff.require_hotel(hotel_id)?;
    let to = days_after(from, u64::from(days)).ok_or(AppError::NotFound)?;
    let mut conn = state.db.acquire().await?;
    let (hotel_name, rooms) = CalendarRepo::rooms(&mut conn, hotel_id).await?;
    let mut rates = super::for_rooms(&mut conn, &priced(&rooms), from, to).await?;
    let sold = CalendarRepo::sold(&mut conn, hotel_id, from, to).await?;
    let rows = rooms
        .into_iter()
        .map(|room| {
            let rates = rates
                .remove(&room.id)
                .unwrap_or_else(|| RoomRates::flat(room.price));
            let cells = from
                .iter_days()
                .take(usize::from(days))
                .map(|day| CalendarCell {
                    sold: sold.get(&(room.id, day)).copied().unwrap_or(0),
                    settings: rates.day_settings(day),
                })
                .collect();
            CalendarRow {
                room_id: room.id,
                name: room.name,
                quantity: room.quantity,
                cells,
            }
        })
        .collect();
    Ok(Calendar {
        hotel_id,
        hotel_name,
        today: state.clock.today(),
        from,
        days,
        rows,
    })
}

/// The edit a form describes, checked against the booking window.
pub fn parse_edit(state: &AppState, form: &CalendarEditForm) -> Result<CalendarEdit, AppError> {
    form.parse(state.clock.window())
        .map_err(|error| AppError::Invalid(InputError::Calendar(error)))
}

/// What `edit` would change in a hotel's calendar, and the live bookings on its dates.
pub async fn preview(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    edit: &CalendarEdit,
) -> Result<CalendarPreview, AppError> {
    staff.require_hotel(hotel_id)?;
    let mut conn = state.db.acquire().await?;
    let plan = plan(&mut conn, hotel_id, edit).await?;
    let selection = &edit.selection;
    let dates: Vec<NaiveDate> = selection.dates().collect();
    let affected =
        CalendarRepo::affected(&mut conn, &selection.rooms, &dates, PREVIEW_BOOKINGS).await?;
    let total_changes = plan.changes.len();
    let mut changes = plan.changes;
    changes.truncate(PREVIEW_CHANGES);
    Ok(CalendarPreview {
        changes,
        total_changes,
        dates_changed: plan.dates_changed,
        affected,
    })
}

/// Makes `edit` in a hotel's calendar, with its audit entry; returns how many dates changed.
///
/// Concurrency: the edited room types' rows are locked (`FOR NO KEY UPDATE`, in id order) for
/// the transaction, as a booking locks its room type before reading rates. So two edits of one
/// room type run one after the other, each reading what the other wrote, and a booking made
/// meanwhile sees the calendar before or after the edit, never half of it.
pub async fn save(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    edit: &CalendarEdit,
) -> Result<usize, AppError> {
    staff.require_hotel(hotel_id)?;
    let mut tx = state.db.begin().await?;
    CalendarRepo::lock_rooms(&mut tx, hotel_id, &edit.selection.rooms).await?;
    let plan = plan(&mut tx, hotel_id, edit).await?;
    if plan.dates_changed == 0 {
        return Ok(0);
    }
    CalendarRepo::set_prices(&mut tx, &plan.set_prices).await?;
    CalendarRepo::clear_prices(&mut tx, &plan.cleared_prices).await?;
    CalendarRepo::replace_restrictions(&mut tx, &plan.restrictions).await?;
    let change = Change::new("calendar.edit", Object::Rates(hotel_id), Some(hotel_id))
        .after(&serde_json::json!({ "edit": edit, "changes": plan.changes }));
    audit::record(&mut tx, &staff.user, change).await?;
    tx.commit().await?;
    changes_committed(&state.db, &state.cache).await;
    Ok(plan.dates_changed)
}

/// What an edit does, worked out from the rows it touches.
#[derive(Debug, Default)]
struct EditPlan {
    changes: Vec<CalendarChange>,
    dates_changed: usize,
    set_prices: Vec<(RoomId, NaiveDate, Money)>,
    cleared_prices: Vec<(RoomId, NaiveDate)>,
    restrictions: Vec<RestrictionRows>,
}

async fn plan(
    conn: &mut PgConnection,
    hotel_id: HotelId,
    edit: &CalendarEdit,
) -> Result<EditPlan, AppError> {
    let selection = &edit.selection;
    let (_, rooms) = CalendarRepo::rooms(conn, hotel_id).await?;
    let rooms: Vec<CalendarRoom> = rooms
        .into_iter()
        .filter(|room| selection.rooms.contains(&room.id))
        .collect();
    // A room type of another hotel, or an archived one, is not this calendar's.
    if rooms.len() != selection.rooms.iter().collect::<HashSet<_>>().len() {
        return Err(AppError::NotFound);
    }
    let (from, to) = (
        selection.first,
        days_after(selection.last, 1).ok_or(AppError::NotFound)?,
    );
    let ids: Vec<RoomId> = rooms.iter().map(|room| room.id).collect();
    let mut rows = rows_for_rooms(conn, &ids, from, to).await?;
    let selected: HashSet<NaiveDate> = selection.dates().collect();
    let mut plan = EditPlan::default();
    for room in rooms {
        let rows = rows.remove(&room.id).unwrap_or_default();
        let old_restrictions = rows.restrictions.clone();
        let rates = RoomRates::new(room.price, rows.rules, rows.overrides, rows.restrictions);
        let days: Vec<(NaiveDate, DaySettings, DaySettings)> = from
            .iter_days()
            .take_while(|day| *day < to)
            .map(|day| {
                let before = rates.day_settings(day);
                let after = match selected.contains(&day) {
                    true => edit.apply(before, rates.unset_price(day)),
                    false => before,
                };
                (day, before, after)
            })
            .collect();
        plan.add_room(&room, &days, &old_restrictions, from, to);
    }
    Ok(plan)
}

impl EditPlan {
    /// Adds what the edit does to `room`, whose `days` (every date of `[from, to)`, before and
    /// after) and restriction rows touching those dates are given.
    fn add_room(
        &mut self,
        room: &CalendarRoom,
        days: &[(NaiveDate, DaySettings, DaySettings)],
        old_restrictions: &[Restriction],
        from: NaiveDate,
        to: NaiveDate,
    ) {
        let mut restrictions_change = false;
        for &(day, before, after) in days.iter().filter(|(_, before, after)| before != after) {
            self.dates_changed += 1;
            if after.price_set && (after.price != before.price || !before.price_set) {
                self.set_prices.push((room.id, day, after.price));
            } else if before.price_set && !after.price_set {
                self.cleared_prices.push((room.id, day));
            }
            restrictions_change |= DaySettings {
                price: Money::ZERO,
                price_set: false,
                ..before
            } != DaySettings {
                price: Money::ZERO,
                price_set: false,
                ..after
            };
            match self.changes.last_mut() {
                Some(run)
                    if run.room_id == room.id
                        && days_after(run.last, 1) == Some(day)
                        && (run.before, run.after) == (before, after) =>
                {
                    run.last = day;
                }
                _ => self.changes.push(CalendarChange {
                    room_id: room.id,
                    room_name: room.name.clone(),
                    first: day,
                    last: day,
                    before,
                    after,
                }),
            }
        }
        if restrictions_change {
            let after: Vec<(NaiveDate, DaySettings)> =
                days.iter().map(|&(day, _, after)| (day, after)).collect();
            self.restrictions.push(RestrictionRows {
                room_id: room.id,
                from,
                to,
                rows: replacement(old_restrictions, from, to, &after),
            });
        }
    }
}

/// The restriction rows that replace `old` (the rows touching `[from, to)`) once every date of
/// `[from, to)` has the settings `days`: the parts of `old` outside the dates as they were, and
/// one row per run of consecutive dates restricted alike.
fn replacement(
    old: &[Restriction],
    from: NaiveDate,
    to: NaiveDate,
    days: &[(NaiveDate, DaySettings)],
) -> Vec<Restriction> {
    let mut rows: Vec<Restriction> = Vec::new();
    for row in old {
        if row.from < from {
            rows.push(row.on(row.from, from));
        }
        if row.to > to {
            rows.push(row.on(to, row.to));
        }
    }
    let mut run: Option<Restriction> = None;
    for &(day, settings) in days {
        let next = days_after(day, 1).unwrap_or(day);
        let today = Restriction::of_settings(&settings, day, next);
        run = match (run, today) {
            (Some(open), Some(today)) if open.on(day, next) == today => {
                Some(open.on(open.from, next))
            }
            (open, today) => {
                rows.extend(open);
                today
            }
        };
    }
    rows.extend(run);
    rows
}

/// The base prices of `rooms`, as the rates service takes them.
fn priced(rooms: &[CalendarRoom]) -> Vec<(RoomId, Money)> {
    rooms.iter().map(|room| (room.id, room.price)).collect()
}

/// The calendar's first date and length from a page's query: today and two weeks unless
/// given; a `from` that is not a date, or a length the calendar does not offer, is refused.
pub fn window_of(
    state: &AppState,
    from: Option<&str>,
    days: Option<&str>,
) -> Result<(NaiveDate, u16), AppError> {
    use crate::model::calendar::{CALENDAR_SPANS, DEFAULT_SPAN};
    use crate::model::{DateField, parse_iso_date};

    let from = match from.map(str::trim).filter(|raw| !raw.is_empty()) {
        Some(raw) => {
            parse_iso_date(raw).ok_or(AppError::Invalid(InputError::Date(DateField::DateFrom)))?
        }
        None => state.clock.today(),
    };
    let days = match days.map(str::trim).filter(|raw| !raw.is_empty()) {
        Some(raw) => raw
            .parse::<u16>()
            .ok()
            .filter(|days| CALENDAR_SPANS.contains(days))
            .ok_or_else(|| AppError::BadRequest(format!("days: one of {CALENDAR_SPANS:?}")))?,
        None => DEFAULT_SPAN,
    };
    Ok((from, days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_iso_date;

    fn day(raw: &str) -> NaiveDate {
        parse_iso_date(raw).unwrap()
    }

    fn closed(from: &str, to: &str) -> Restriction {
        Restriction {
            from: day(from),
            to: day(to),
            closed: true,
            ..Restriction::default()
        }
    }

    fn settings(closed: bool, min_stay: Option<u8>) -> DaySettings {
        DaySettings {
            closed,
            min_stay,
            ..DaySettings::default()
        }
    }

    #[test]
    fn rows_outside_the_dates_keep_their_parts_and_runs_merge() {
        // Closed 01..10; the edit spans 03..07, opening 04 and 05 and setting a minimum stay
        // of 2 on 06.
        let old = [closed("2026-12-01", "2026-12-10")];
        let days = [
            (day("2026-12-03"), settings(true, None)),
            (day("2026-12-04"), settings(false, None)),
            (day("2026-12-05"), settings(false, None)),
            (day("2026-12-06"), settings(true, Some(2))),
        ];
        let rows = replacement(&old, day("2026-12-03"), day("2026-12-07"), &days);
        let min_two = Restriction {
            min_stay: Some(2),
            ..closed("2026-12-06", "2026-12-07")
        };
        assert_eq!(
            rows,
            [
                closed("2026-12-01", "2026-12-03"),
                closed("2026-12-07", "2026-12-10"),
                closed("2026-12-03", "2026-12-04"),
                min_two,
            ]
        );
    }

    #[test]
    fn equal_days_make_one_row() {
        let days: Vec<_> = day("2026-12-01")
            .iter_days()
            .take(5)
            .map(|d| (d, settings(true, None)))
            .collect();
        let rows = replacement(&[], day("2026-12-01"), day("2026-12-06"), &days);
        assert_eq!(rows, [closed("2026-12-01", "2026-12-06")]);
    }
}
