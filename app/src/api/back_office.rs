//! The back office's server functions. Each parses its input, then asks `server::staff` who may
//! do it (inside the services it calls) before anything is read or changed. Forms post here
//! with or without JavaScript: a plain post goes back to its page, with the error if any.
// A server function takes a form's fields as its arguments (what a plain form post sends), and
// the room type form has ten.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::back_office::{AuditEntry, FrontDesk, StaffMember};
use crate::model::catalog_edit::{StaffHotel, StaffRoom};

/// A hotel's back-office page: the hotel, its room types, its staff and its latest changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotelEditor {
    pub hotel: StaffHotel,
    pub rooms: Vec<StaffRoom>,
    pub members: Vec<StaffMember>,
    pub history: Vec<AuditEntry>,
    /// Whether the reader is an admin (who may archive, delete and grant).
    pub admin: bool,
}

/// A room type's back-office page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomEditor {
    pub room: StaffRoom,
    pub hotel_name: String,
    pub history: Vec<AuditEntry>,
}

#[cfg(feature = "ssr")]
pub(super) mod edge {
    use crate::error::AppError;
    use crate::model::{BookingId, HotelId, RoomId};
    use crate::server::accounts::session::app_state;
    use crate::server::staff::{self, Staff};
    use crate::server::state::AppState;

    /// The state and the back-office user of this request.
    pub async fn staff() -> Result<(AppState, Staff), AppError> {
        let state = app_state()?;
        let staff = staff::current(&state).await?;
        Ok((state, staff))
    }

    /// An id that cannot exist names nothing.
    pub fn hotel_id(raw: &str) -> Result<HotelId, AppError> {
        HotelId::parse(raw).ok_or(AppError::NotFound)
    }

    pub fn room_id(raw: &str) -> Result<RoomId, AppError> {
        RoomId::parse(raw).ok_or(AppError::NotFound)
    }

    pub fn booking_id(raw: &str) -> Result<BookingId, AppError> {
        BookingId::parse(raw).ok_or(AppError::NotFound)
    }

    pub fn hotel_page(hotel_id: HotelId) -> String {
        format!("/admin/hotels/{hotel_id}")
    }

    pub fn room_page(room_id: RoomId) -> String {
        format!("/admin/rooms/{room_id}")
    }

    /// The page of back-office `kind` ("hotels", "rooms") a form was sent from, by its raw id.
    pub fn page(kind: &str, raw_id: &str) -> String {
        format!(
            "/admin/{kind}/{}",
            crate::model::navigation::encode_component(raw_id)
        )
    }

    /// Ends a form of `page` named `form`: back to the page saying "saved", or, a plain post
    /// that failed, back to that form with the error.
    pub fn finish<T>(result: Result<T, AppError>, page: &str, form: &str) -> Result<(), AppError> {
        crate::server::forms::finish_form(
            result,
            &format!("{page}?form={form}"),
            &format!("{page}?saved=1"),
        )
        .map(|_| ())
    }

    /// A yes/no field (a checkbox or a hidden field); anything else is refused, not read as no.
    pub fn flag(raw: &str) -> Result<bool, AppError> {
        match raw.trim() {
            "true" | "on" | "1" => Ok(true),
            "false" | "off" | "0" => Ok(false),
            other => Err(AppError::BadRequest(format!(
                "expected true or false, not {other:?}"
            ))),
        }
    }
}

/// The back office's home: the hotels the user runs, today's arrivals and departures.
#[server(endpoint = "front_desk")]
pub async fn get_front_desk() -> Result<FrontDesk, AppError> {
    use crate::server::{staff, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        staff::front_desk(&state, &staff).await
    }
    .await
    .map_err(with_status)
}

/// The hotels the user runs, with their counts.
#[server(endpoint = "staff_hotels")]
pub async fn staff_hotels() -> Result<Vec<StaffHotel>, AppError> {
    use crate::server::{catalog::editor, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        editor::hotels(&state, &staff).await
    }
    .await
    .map_err(with_status)
}

/// A hotel's back-office page.
#[server(endpoint = "hotel_editor")]
pub async fn get_hotel_editor(hotel_id: String) -> Result<HotelEditor, AppError> {
    use crate::server::audit::{self, AuditFilter};
    use crate::server::{catalog::editor, staff, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let hotel_id = edge::hotel_id(&hotel_id)?;
        let (hotel, rooms) = editor::hotel(&state, &staff, hotel_id).await?;
        let members = staff::members(&state, &staff, hotel_id).await?;
        // Every change of the hotel: its own, its room types' and its staff's.
        let filter = AuditFilter {
            hotel_id: Some(hotel_id),
            ..AuditFilter::default()
        };
        let history = audit::list(&state, &staff, &filter).await?;
        Ok(HotelEditor {
            hotel,
            rooms,
            members,
            history,
            admin: staff.is_admin(),
        })
    }
    .await
    .map_err(with_status)
}

/// A room type's back-office page.
#[server(endpoint = "room_editor")]
pub async fn get_room_editor(room_id: String) -> Result<RoomEditor, AppError> {
    use crate::server::audit::{self, AuditFilter, Object};
    use crate::server::{catalog::editor, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        let room_id = edge::room_id(&room_id)?;
        let (room, hotel_name) = editor::room(&state, &staff, room_id).await?;
        let filter = AuditFilter {
            object: Some(Object::Room(room_id)),
            ..AuditFilter::default()
        };
        let history = audit::list(&state, &staff, &filter).await?;
        Ok(RoomEditor {
            room,
            hotel_name,
            history,
        })
    }
    .await
    .map_err(with_status)
}

/// Creates a hotel (no `hotel_id`, admins) or changes one (its staff); then to its page.
#[server(endpoint = "save_hotel")]
pub async fn save_hotel(
    hotel_id: Option<String>,
    name: String,
    #[server(default)] name_en: String,
    #[server(default)] description: String,
    #[server(default)] description_en: String,
    location: String,
    services: String,
    time_zone: String,
    check_in_time: String,
    check_out_time: String,
) -> Result<(), AppError> {
    use crate::error::InputError;
    use crate::server::{catalog::editor, catalog::fields::HotelForm, forms};

    let form_page = match hotel_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => edge::page("hotels", id),
        None => "/admin/hotels".to_owned(),
    };
    let result = async {
        let (state, staff) = edge::staff().await?;
        let draft = HotelForm {
            name: &name,
            name_en: &name_en,
            description: &description,
            description_en: &description_en,
            location: &location,
            services: &services,
            time_zone: &time_zone,
            check_in_time: &check_in_time,
            check_out_time: &check_out_time,
        }
        .parse()
        .map_err(|error| AppError::Invalid(InputError::Catalog(error)))?;
        match hotel_id.as_deref().filter(|id| !id.is_empty()) {
            Some(id) => {
                let id = edge::hotel_id(id)?;
                editor::update_hotel(&state, &staff, id, &draft).await?;
                Ok(id)
            }
            None => editor::create_hotel(&state, &staff, &draft).await,
        }
    }
    .await;
    let done = match &result {
        Ok(id) => format!("{}?saved=1", edge::hotel_page(*id)),
        Err(_) => form_page.clone(),
    };
    forms::finish_form(result, &form_page, &done).map(|_| ())
}

/// Archives a hotel or brings it back (`archived` = "true" / "false"; admins).
#[server(endpoint = "archive_hotel")]
pub async fn archive_hotel(hotel_id: String, archived: String) -> Result<(), AppError> {
    use crate::server::catalog::editor;

    let page = edge::page("hotels", &hotel_id);
    let result = async {
        let (state, staff) = edge::staff().await?;
        let id = edge::hotel_id(&hotel_id)?;
        editor::set_hotel_archived(&state, &staff, id, edge::flag(&archived)?).await
    }
    .await;
    edge::finish(result, &page, "archive")
}

/// Deletes a hotel that never had a booking (admins); then to the hotels.
#[server(endpoint = "delete_hotel")]
pub async fn delete_hotel(hotel_id: String) -> Result<(), AppError> {
    use crate::server::{catalog::editor, forms};

    let page = edge::page("hotels", &hotel_id);
    let result = async {
        let (state, staff) = edge::staff().await?;
        let id = edge::hotel_id(&hotel_id)?;
        editor::delete_hotel(&state, &staff, id).await
    }
    .await;
    forms::finish_form(
        result,
        &format!("{page}?form=archive"),
        "/admin/hotels?deleted=1",
    )
}

/// Adds a room type to hotel `hotel_id` (no `room_id`) or changes one; then to the hotel.
#[server(endpoint = "save_room")]
pub async fn save_room(
    hotel_id: String,
    room_id: Option<String>,
    name: String,
    description: String,
    #[server(default)] name_en: String,
    #[server(default)] description_en: String,
    price: String,
    services: String,
    quantity: String,
    max_adults: String,
    max_children: String,
    free_cancellation_days: String,
    #[server(default)] size_m2: String,
    #[server(default)] double_beds: String,
    #[server(default)] single_beds: String,
) -> Result<(), AppError> {
    use crate::error::InputError;
    use crate::server::{catalog::editor, catalog::fields::RoomForm, forms};

    let room_id = room_id.filter(|id| !id.is_empty());
    let form_page = match &room_id {
        Some(id) => edge::page("rooms", id),
        None => format!("{}?form=room", edge::page("hotels", &hotel_id)),
    };
    let result = async {
        let (state, staff) = edge::staff().await?;
        let draft = RoomForm {
            name: &name,
            description: &description,
            name_en: &name_en,
            description_en: &description_en,
            price: &price,
            services: &services,
            quantity: &quantity,
            max_adults: &max_adults,
            max_children: &max_children,
            free_cancellation_days: &free_cancellation_days,
            size_m2: &size_m2,
            double_beds: &double_beds,
            single_beds: &single_beds,
        }
        .parse()
        .map_err(|error| AppError::Invalid(InputError::Catalog(error)))?;
        match &room_id {
            Some(id) => {
                let id = edge::room_id(id)?;
                editor::update_room(&state, &staff, id, &draft).await?;
                Ok(edge::room_page(id))
            }
            None => {
                let hotel = edge::hotel_id(&hotel_id)?;
                editor::create_room(&state, &staff, hotel, &draft).await?;
                Ok(edge::hotel_page(hotel))
            }
        }
    }
    .await;
    let done = match &result {
        Ok(page) => format!("{page}?saved=1"),
        Err(_) => form_page.clone(),
    };
    forms::finish_form(result, &form_page, &done).map(|_| ())
}

/// Archives a room type or brings it back (its hotel's staff).
#[server(endpoint = "archive_room")]
pub async fn archive_room(room_id: String, archived: String) -> Result<(), AppError> {
    use crate::server::catalog::editor;

    let page = edge::page("rooms", &room_id);
    let result = async {
        let (state, staff) = edge::staff().await?;
        let id = edge::room_id(&room_id)?;
        editor::set_room_archived(&state, &staff, id, edge::flag(&archived)?).await
    }
    .await;
    edge::finish(result, &page, "archive")
}

/// Deletes a room type that never had a booking; then to its hotel.
#[server(endpoint = "delete_room")]
pub async fn delete_room(room_id: String) -> Result<(), AppError> {
    use crate::server::{catalog::editor, forms};

    let page = edge::page("rooms", &room_id);
    let result = async {
        let (state, staff) = edge::staff().await?;
        let id = edge::room_id(&room_id)?;
        editor::delete_room(&state, &staff, id).await
    }
    .await;
    let done = match &result {
        Ok(hotel_id) => format!("{}?saved=1", edge::hotel_page(*hotel_id)),
        Err(_) => page.clone(),
    };
    forms::finish_form(result, &format!("{page}?form=archive"), &done).map(|_| ())
}

/// Grants the account of `email` hotel `hotel_id` (admins).
#[server(endpoint = "grant_staff")]
pub async fn grant_staff(hotel_id: String, email: String) -> Result<(), AppError> {
    use crate::error::InputError;
    use crate::model::Email;
    use crate::server::staff;

    let page = edge::page("hotels", &hotel_id);
    let result = async {
        let (state, who) = edge::staff().await?;
        let id = edge::hotel_id(&hotel_id)?;
        let email =
            Email::parse(&email).map_err(|error| AppError::Invalid(InputError::Email(error)))?;
        staff::grant(&state, &who, id, &email).await
    }
    .await;
    edge::finish(result, &page, "grant")
}

/// Takes hotel `hotel_id` from user `user_id` (admins).
#[server(endpoint = "revoke_staff")]
pub async fn revoke_staff(hotel_id: String, user_id: String) -> Result<(), AppError> {
    use crate::model::UserId;
    use crate::server::staff;

    let page = edge::page("hotels", &hotel_id);
    let result = async {
        let (state, who) = edge::staff().await?;
        let id = edge::hotel_id(&hotel_id)?;
        let user = UserId::parse(&user_id).ok_or(AppError::NotFound)?;
        staff::revoke(&state, &who, id, user).await
    }
    .await;
    edge::finish(result, &page, "grant")
}

/// The audit log, newest first: every entry (admins) or their hotels' (staff); narrowed to
/// one hotel when `hotel_id` is given; older than entry `before` for the next page.
#[server(endpoint = "audit_log")]
pub async fn audit_log(
    hotel_id: Option<String>,
    before: Option<String>,
) -> Result<Vec<AuditEntry>, AppError> {
    use crate::server::audit::{self, AuditFilter};
    use crate::server::with_status;

    async {
        let (state, staff) = edge::staff().await?;
        let filter = AuditFilter {
            object: None,
            hotel_id: match hotel_id.as_deref().filter(|id| !id.is_empty()) {
                Some(id) => Some(edge::hotel_id(id)?),
                None => None,
            },
            before_id: match before
                .as_deref()
                .map(str::trim)
                .filter(|raw| !raw.is_empty())
            {
                Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                    AppError::BadRequest("before: expected an entry id".to_owned())
                })?),
                None => None,
            },
        };
        audit::list(&state, &staff, &filter).await
    }
    .await
    .map_err(with_status)
}
