//! The front desk: the bookings of the hotels staff run (a filtered list, its CSV export, a
//! booking's page) and what staff do with them (check-in, check-out, no-show, cancel with a
//! reason). Every function asks [`Staff`] before it reads or changes anything; what may be done
//! when is [`DeskAction::allowed`], on the hotel's own calendar day.
mod export;
mod repo;

use chrono::NaiveDate;
use tokio::sync::mpsc;

use self::repo::DeskRepo;
use super::audit::{self, AuditFilter, Change, Object};
use super::notifications::{self, NotificationKind};
use super::staff::Staff;
use super::state::AppState;
use crate::error::{AppError, InputError};
use crate::model::BookingId;
use crate::model::desk::{
    BOOKINGS_PAGE, BookingFilter, BookingList, DeskAction, DeskBooking, DeskBookingPage, DeskError,
    DeskStatus, parse_reason,
};

/// One page of the bookings `staff` may see that match `filter`.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &BookingFilter,
) -> Result<BookingList, AppError> {
    if let Some(hotel_id) = filter.hotel_id {
        staff.require_hotel(hotel_id)?;
    }
    let repo = DeskRepo::new(&state.db);
    let offset = i64::from(filter.page - 1) * i64::from(BOOKINGS_PAGE);
    let mut bookings = repo
        .list(staff.hotels(), filter, i64::from(BOOKINGS_PAGE) + 1, offset)
        .await?;
    let has_more = bookings.len() > BOOKINGS_PAGE as usize;
    bookings.truncate(BOOKINGS_PAGE as usize);
    Ok(BookingList {
        bookings,
        page: filter.page,
        has_more,
        hotels: repo.hotel_names(staff.hotels()).await?,
    })
}

/// The live bookings arriving and leaving on `day` at the hotels `staff` run (at most 200
/// each way: a front desk's day, not an export).
pub async fn day(
    state: &AppState,
    staff: &Staff,
    day: NaiveDate,
) -> Result<(Vec<DeskBooking>, Vec<DeskBooking>), AppError> {
    const LIMIT: i64 = 200;
    let repo = DeskRepo::new(&state.db);
    tokio::try_join!(
        repo.day(staff.hotels(), day, repo::Edge::Arrival, LIMIT),
        repo.day(staff.hotels(), day, repo::Edge::Departure, LIMIT),
    )
}

/// Writes every booking `staff` may see that matches `filter` (its page ignored) as CSV into
/// `sink`, a chunk at a time as rows arrive from the database: memory stays bounded however
/// many there are, and the export stops when the reader goes away.
pub async fn export(
    state: &AppState,
    staff: &Staff,
    filter: &BookingFilter,
    sink: mpsc::Sender<Vec<u8>>,
) -> Result<u64, AppError> {
    if let Some(hotel_id) = filter.hotel_id {
        staff.require_hotel(hotel_id)?;
    }
    DeskRepo::new(&state.db)
        .export(staff.hotels(), filter, sink)
        .await
}

/// A booking's back-office page. Staff of other hotels learn nothing about it, not even
/// whether it exists (`Forbidden`); admins get `NotFound` for one that does not.
pub async fn booking_page(
    state: &AppState,
    staff: &Staff,
    booking_id: BookingId,
) -> Result<DeskBookingPage, AppError> {
    let repo = DeskRepo::new(&state.db);
    let Some((mut page, hotel_today)) = repo.find(booking_id, state.clock.now()).await? else {
        return Err(hidden(staff));
    };
    staff.require_hotel(page.summary.hotel_id)?;
    let filter = AuditFilter {
        object: Some(Object::Booking(booking_id)),
        ..AuditFilter::default()
    };
    (page.history, page.emails) =
        tokio::try_join!(audit::list(state, staff, &filter), repo.emails(booking_id))?;
    let summary = &page.summary;
    page.actions = crate::model::desk::actions(
        summary.status,
        summary.date_from,
        summary.date_to,
        hotel_today,
    );
    Ok(page)
}

/// What a booking the reader may not see answers: nothing for staff, not found for admins.
fn hidden(staff: &Staff) -> AppError {
    if staff.is_admin() {
        AppError::NotFound
    } else {
        AppError::Forbidden
    }
}

/// Does `action` to booking `booking_id` if the front desk's rule allows it now (`NotNow`
/// otherwise, also when another desk got there first): one transaction with the booking's
/// row locked, its audit entry, and for a cancellation the guest's email and the freed
/// nights announced to the caches. Returns the booking's status after.
pub async fn act(
    state: &AppState,
    staff: &Staff,
    booking_id: BookingId,
    action: DeskAction,
    reason: &str,
) -> Result<DeskStatus, AppError> {
    let reason = match action {
        DeskAction::Cancel => Some(parse_reason(reason).map_err(invalid)?),
        _ => None,
    };
    let mut tx = state.db.begin().await?;
    let Some(locked) = DeskRepo::lock(&mut tx, booking_id, state.clock.now()).await? else {
        return Err(hidden(staff));
    };
    staff.require_hotel(locked.hotel_id)?;
    if !action.allowed(
        locked.status,
        locked.date_from,
        locked.date_to,
        locked.hotel_today,
    ) {
        return Err(invalid(DeskError::NotNow));
    }
    let done = DeskRepo::apply(&mut tx, booking_id, action, reason.as_deref(), staff).await?;
    if action == DeskAction::Cancel {
        notifications::queue(
            &mut tx,
            booking_id,
            NotificationKind::Cancellation,
            done.sequence,
        )
        .await?;
    }
    let after = action.status_after();
    let change = Change::new(
        audit_action(action),
        Object::Booking(booking_id),
        Some(locked.hotel_id),
    )
    .before(&serde_json::json!({ "status": locked.status }))
    .after(&serde_json::json!({ "status": after, "reason": reason }));
    audit::record(&mut tx, &staff.user, change).await?;
    tx.commit().await?;
    if action == DeskAction::Cancel {
        super::metrics::metrics().cancellations.inc();
        super::catalog::booking_changed(
            state,
            locked.hotel_id,
            &[(locked.date_from, locked.date_to)],
            done.origin_tx,
        )
        .await;
    }
    tracing::info!(booking = %booking_id, action = action.as_str(), "front desk");
    Ok(after)
}

fn audit_action(action: DeskAction) -> &'static str {
    match action {
        DeskAction::CheckIn => "booking.check_in",
        DeskAction::CheckOut => "booking.check_out",
        DeskAction::NoShow => "booking.no_show",
        DeskAction::Cancel => "booking.cancel",
    }
}

fn invalid(error: DeskError) -> AppError {
    AppError::Invalid(InputError::Desk(error))
}
