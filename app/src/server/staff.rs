//! Who runs which hotel. Admins run every hotel; hotel staff run the hotels an admin granted
//! them. The one access check of every back-office server function, page and route: each asks
//! [`Staff`] before it reads or changes anything.
mod repo;

use self::repo::StaffRepo;
use super::accounts::session::Session;
use super::audit::{self, Change, Object};
use super::state::AppState;
use crate::error::AppError;
use crate::model::back_office::{FrontDesk, StaffMember};
use crate::model::{Email, HotelId, User, UserId};

/// A signed-in user allowed into the back office, and what they may touch.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    /// `None`: every hotel (an admin).
    hotels: Option<Vec<HotelId>>,
}

impl Staff {
    pub fn is_admin(&self) -> bool {
        self.hotels.is_none()
    }

    /// The hotels they run; `None` for all of them.
    pub fn hotels(&self) -> Option<&[HotelId]> {
        self.hotels.as_deref()
    }

    /// `Forbidden` unless they run `hotel_id` (which need not exist: staff learn nothing about
    /// hotels that are not theirs, not even whether they exist).
    pub fn require_hotel(&self, hotel_id: HotelId) -> Result<(), AppError> {
        match &self.hotels {
            None => Ok(()),
            Some(hotels) if hotels.contains(&hotel_id) => Ok(()),
            Some(_) => Err(AppError::Forbidden),
        }
    }

    /// `Forbidden` unless an admin.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The back-office user of `session`: `Unauthorized` when signed out, `Forbidden` for a guest
/// (neither an admin nor granted any hotel).
pub async fn of_session(state: &AppState, session: &Session) -> Result<Staff, AppError> {
    let user = session.require_user(state).await?;
    if user.is_admin() {
        return Ok(Staff { user, hotels: None });
    }
    let hotels = StaffRepo::new(&state.db).hotels_of(user.id).await?;
    if hotels.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(Staff {
        user,
        hotels: Some(hotels),
    })
}

/// The back-office user of the current request (server functions and pages).
pub async fn current(state: &AppState) -> Result<Staff, AppError> {
    of_session(state, &super::accounts::session::current_session()).await
}

/// The people who run `hotel_id`, for its staff.
pub async fn members(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
) -> Result<Vec<StaffMember>, AppError> {
    staff.require_hotel(hotel_id)?;
    StaffRepo::new(&state.db).members(hotel_id).await
}

/// Grants the account of `email` the hotel `hotel_id` (admins only); `NotFound` when there is
/// no such account or hotel. Granting again changes nothing.
pub async fn grant(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    email: &Email,
) -> Result<UserId, AppError> {
    staff.require_admin()?;
    let mut tx = state.db.begin().await?;
    let Some((user_id, granted)) =
        StaffRepo::grant(&mut tx, hotel_id, email, staff.user.id).await?
    else {
        return Err(AppError::NotFound);
    };
    if granted {
        let change = Change::new("staff.grant", Object::Staff(user_id), Some(hotel_id))
            .after(&serde_json::json!({ "email": email.as_str(), "hotel_id": hotel_id }));
        audit::record(&mut tx, &staff.user, change).await?;
    }
    tx.commit().await?;
    Ok(user_id)
}

/// Takes hotel `hotel_id` from user `user_id` (admins only); at once, on their next request.
pub async fn revoke(
    state: &AppState,
    staff: &Staff,
    hotel_id: HotelId,
    user_id: UserId,
) -> Result<(), AppError> {
    staff.require_admin()?;
    let mut tx = state.db.begin().await?;
    if StaffRepo::revoke(&mut tx, hotel_id, user_id).await? {
        let change = Change::new("staff.revoke", Object::Staff(user_id), Some(hotel_id))
            .before(&serde_json::json!({ "hotel_id": hotel_id }));
        audit::record(&mut tx, &staff.user, change).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The back office's home: the hotels they run, and today's arrivals and departures there.
pub async fn front_desk(state: &AppState, staff: &Staff) -> Result<FrontDesk, AppError> {
    let today = state.clock.today();
    let repo = StaffRepo::new(&state.db);
    let (hotels, (arrivals, departures)) = tokio::try_join!(
        repo.run_hotels(staff.hotels()),
        super::desk::day(state, staff, today),
    )?;
    Ok(FrontDesk {
        today,
        admin: staff.is_admin(),
        hotels,
        arrivals,
        departures,
    })
}
