//! "Tell me when a room frees up": a signed-in guest subscribes on a hotel page that has no room
//! left for their stay and party; the housekeeping check (every minute, in every server process)
//! finds subscriptions whose hotel has a room that fits again (a cancellation, a change or an
//! expired hold freed it: the same availability rule as the page) and queues one email each, with
//! a link that books that room. Subscriptions whose check-in has passed end.
mod repo;

use std::collections::HashMap;

pub use self::repo::AlertNotification;
use self::repo::AlertRepo;
use super::catalog;
use super::notifications::{self, Subject};
use super::state::AppState;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{HotelId, Party, StayDates, UserId};

/// Subscribes the user to hotel `hotel_id` for `stay` and `party` (again, if an earlier
/// subscription was announced already: a new one). Their emails speak `locale`.
#[tracing::instrument(skip(state))]
pub async fn subscribe(
    state: &AppState,
    user_id: UserId,
    hotel_id: HotelId,
    stay: StayDates,
    party: Party,
    locale: Locale,
) -> Result<(), AppError> {
    AlertRepo::new(&state.db)
        .subscribe(user_id, hotel_id, stay, party, locale)
        .await
}

/// One round of the check: ends past subscriptions, then announces every open one whose hotel
/// has a room for its stay and party now. Returns how many were announced. Several processes
/// may run it at once: a subscription is announced by exactly one (see `AlertRepo::announce`).
pub async fn check(state: &AppState) -> Result<u64, AppError> {
    let repo = AlertRepo::new(&state.db);
    let today = state.clock.today();
    repo.end_past(today).await?;
    // One availability read per hotel, stay and party, however many guests wait for it.
    let mut waiting: HashMap<(HotelId, StayDates, Party), Vec<i64>> = HashMap::new();
    for alert in repo.open(today).await? {
        let Ok(stay) = StayDates::new(alert.date_from, alert.date_to, state.clock.window()) else {
            continue;
        };
        waiting
            .entry((alert.hotel_id, stay, alert.party))
            .or_default()
            .push(alert.id);
    }
    let mut announced = 0;
    for ((hotel_id, stay, party), ids) in waiting {
        let details = match catalog::hotel_details(state, hotel_id, stay, Some(party)).await {
            Ok(details) => details,
            Err(AppError::NotFound) => continue,
            Err(error) => return Err(error),
        };
        // Room types come cheapest first: the cheapest one free is offered.
        if let Some(offer) = details.rooms.iter().find(|offer| offer.bookable() > 0) {
            announced += repo.announce(&ids, offer.room.id).await?;
        }
    }
    if announced > 0 {
        tracing::info!(announced, "freed rooms announced");
    }
    Ok(announced)
}

/// Claims the next due "a room is free" email (see `notifications::claim_next_with`).
pub async fn claim_next(db: &sqlx::PgPool) -> Result<Option<AlertNotification>, AppError> {
    let repo = AlertRepo::new(db);
    notifications::claim_next_with(db, Subject::Alert, |claim| repo.alert_email(claim)).await
}
