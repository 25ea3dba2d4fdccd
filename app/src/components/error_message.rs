use leptos::prelude::*;

use super::catalog::{on_day, short_day};
use crate::error::{AppError, InputError};
use crate::i18n::{t_string, use_i18n};
use crate::model::accounts::AccountsError;
use crate::model::calendar::CalendarError;
use crate::model::catalog_edit::{
    CatalogField, CatalogFieldError, FieldProblem, MAX_SERVICE_CHARS, MAX_SERVICES, MAX_TEXT,
};
use crate::model::desk::DeskError;
use crate::model::jobs::JobsError;
use crate::model::{
    EmailError, GuestDetailsError, LocationError, PasswordError, StayError, StayRefusal,
};

/// Why the hotel's rules refuse a stay, in the current language ("Minimum 2 nights when
/// arriving on Friday 04.12.2026").
pub fn refusal_text(refusal: StayRefusal) -> String {
    let i18n = use_i18n();
    match refusal {
        StayRefusal::Closed { night } => {
            t_string!(i18n, refusal_closed, day = short_day(night)).to_string()
        }
        StayRefusal::ClosedToArrival { arrival } => {
            t_string!(i18n, refusal_no_arrival, day = on_day(arrival)).to_string()
        }
        StayRefusal::MinStay { arrival, nights } => {
            let count = i64::from(nights);
            t_string!(i18n, refusal_min_stay, count = count, day = on_day(arrival)).to_string()
        }
        StayRefusal::MaxStay { arrival, nights } => {
            let count = i64::from(nights);
            t_string!(i18n, refusal_max_stay, count = count, day = on_day(arrival)).to_string()
        }
        StayRefusal::TooManyGuests {
            max_adults,
            max_children,
        } => {
            let guests = max_adults + max_children;
            t_string!(i18n, refusal_guests, adults = max_adults, guests = guests).to_string()
        }
    }
}

/// A hotel's or room type's field, as its form labels it.
pub fn catalog_field_label(field: CatalogField) -> String {
    let i18n = use_i18n();
    let label = match field {
        CatalogField::Name => t_string!(i18n, field_name),
        CatalogField::Location => t_string!(i18n, field_location),
        CatalogField::Services => t_string!(i18n, field_services),
        CatalogField::RoomsQuantity | CatalogField::Quantity => t_string!(i18n, field_quantity),
        CatalogField::Description => t_string!(i18n, field_description),
        CatalogField::Price => t_string!(i18n, field_price),
        CatalogField::MaxAdults => t_string!(i18n, field_max_adults),
        CatalogField::MaxChildren => t_string!(i18n, field_max_children),
        CatalogField::SizeM2 => t_string!(i18n, field_size_m2),
        CatalogField::DoubleBeds => t_string!(i18n, field_double_beds),
        CatalogField::SingleBeds => t_string!(i18n, field_single_beds),
        CatalogField::FreeCancellationDays => t_string!(i18n, field_free_cancellation_days),
        CatalogField::TimeZone => t_string!(i18n, field_time_zone),
        CatalogField::CheckInTime => t_string!(i18n, field_check_in_time),
        CatalogField::CheckOutTime => t_string!(i18n, field_check_out_time),
        CatalogField::NameEn => t_string!(i18n, field_name_en),
        CatalogField::DescriptionEn => t_string!(i18n, field_description_en),
    };
    label.to_string()
}

/// What is wrong with a catalog field, naming the field ("Price: a whole number from 0 to …").
fn catalog_error_text(error: CatalogFieldError) -> String {
    let i18n = use_i18n();
    let (min, max) = error.field.bounds();
    let problem = match error.problem {
        FieldProblem::Missing => t_string!(i18n, problem_missing).to_string(),
        FieldProblem::TooLong => t_string!(i18n, problem_too_long, max = MAX_TEXT).to_string(),
        FieldProblem::ControlCharacters => t_string!(i18n, problem_control).to_string(),
        FieldProblem::OutOfRange => {
            t_string!(i18n, problem_range, min = min, max = max).to_string()
        }
        FieldProblem::NotAList => t_string!(i18n, problem_not_a_list).to_string(),
        FieldProblem::TooManyServices => {
            t_string!(i18n, problem_too_many_services, max = MAX_SERVICES).to_string()
        }
        FieldProblem::ServiceTooLong => {
            t_string!(i18n, problem_service_too_long, max = MAX_SERVICE_CHARS).to_string()
        }
        FieldProblem::NotATime => t_string!(i18n, problem_not_a_time).to_string(),
        FieldProblem::UnknownTimeZone => t_string!(i18n, problem_time_zone).to_string(),
    };
    format!("{}: {problem}", catalog_field_label(error.field))
}

/// The message for `error` in the current language, as plain text.
pub fn error_text(error: &AppError) -> String {
    let i18n = use_i18n();
    let text = match error {
        AppError::Invalid(input) => match input {
            InputError::Email(EmailError::Empty) => t_string!(i18n, error_email_empty),
            InputError::Email(EmailError::TooLong) => t_string!(i18n, error_email_too_long),
            InputError::Email(EmailError::Malformed) => t_string!(i18n, error_email_malformed),
            InputError::Password(PasswordError::TooLong) => {
                t_string!(i18n, error_password_too_long)
            }
            InputError::Password(PasswordError::TooShort) => {
                t_string!(i18n, error_password_too_short)
            }
            InputError::Date(_) => t_string!(i18n, error_date_malformed),
            InputError::Location(LocationError::TooLong) => {
                t_string!(i18n, error_location_too_long)
            }
            InputError::Location(_) => t_string!(i18n, error_location_invalid),
            InputError::Page(_) => t_string!(i18n, error_page_invalid),
            InputError::Guests(_) => t_string!(i18n, error_guests_invalid),
            InputError::GuestDetails(GuestDetailsError::NameMissing) => {
                t_string!(i18n, error_guest_name_missing)
            }
            InputError::GuestDetails(GuestDetailsError::NameTooLong) => {
                t_string!(i18n, error_guest_name_too_long)
            }
            InputError::GuestDetails(GuestDetailsError::RequestTooLong) => {
                t_string!(i18n, error_guest_request_too_long)
            }
            InputError::Catalog(error) => return catalog_error_text(*error),
            InputError::Calendar(error) => match error {
                CalendarError::Rooms => t_string!(i18n, calendar_error_rooms),
                CalendarError::Dates => t_string!(i18n, calendar_error_dates),
                CalendarError::OutsideWindow => t_string!(i18n, calendar_error_window),
                CalendarError::TooManyDays => t_string!(i18n, calendar_error_too_many_days),
                CalendarError::Weekdays | CalendarError::Action => {
                    t_string!(i18n, error_invalid_input)
                }
                CalendarError::NoDates => t_string!(i18n, calendar_error_no_dates),
                CalendarError::Value => t_string!(i18n, calendar_error_value),
                CalendarError::Stay => t_string!(i18n, calendar_error_stay),
                CalendarError::NothingToChange => t_string!(i18n, calendar_error_nothing),
            },
            InputError::Desk(error) => match error {
                DeskError::Hotel => t_string!(i18n, desk_error_hotel),
                DeskError::Dates => t_string!(i18n, desk_error_dates),
                DeskError::Page => t_string!(i18n, error_page_invalid),
                DeskError::Reason => t_string!(i18n, desk_error_reason),
                DeskError::NotNow => t_string!(i18n, desk_error_not_now),
                DeskError::Year => t_string!(i18n, figures_error_year),
                DeskError::Status | DeskError::Sort | DeskError::Action => {
                    t_string!(i18n, error_invalid_input)
                }
            },
            InputError::Accounts(error) => match error {
                AccountsError::Page => t_string!(i18n, error_page_invalid),
                AccountsError::OwnAccount => t_string!(i18n, users_error_own_account),
                AccountsError::NotNow => t_string!(i18n, users_error_not_now),
                AccountsError::Query
                | AccountsError::Role
                | AccountsError::Status
                | AccountsError::Action => t_string!(i18n, error_invalid_input),
            },
            InputError::Jobs(error) => match error {
                JobsError::NotNow => t_string!(i18n, jobs_error_not_now),
                JobsError::Queue | JobsError::Action => t_string!(i18n, error_invalid_input),
            },
        },
        AppError::BadRequest(_) => t_string!(i18n, error_invalid_input),
        AppError::InvalidStay(rule) => match rule {
            StayError::TooLong => t_string!(i18n, error_stay_too_long),
            StayError::CheckInPast => t_string!(i18n, error_check_in_past),
            StayError::BeyondHorizon => t_string!(i18n, error_beyond_horizon),
            _ => t_string!(i18n, search_dates_invalid),
        },
        AppError::NoRoomsLeft => t_string!(i18n, error_no_rooms_left),
        AppError::NotCancellable => t_string!(i18n, error_not_cancellable),
        AppError::HasBookings => t_string!(i18n, error_has_bookings),
        AppError::Refused(refusal) => return refusal_text(*refusal),
        AppError::EmailTaken => t_string!(i18n, error_email_taken),
        AppError::InvalidCredentials => t_string!(i18n, error_invalid_credentials),
        AppError::TooManyAttempts { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60);
            return t_string!(i18n, error_too_many_attempts, minutes = minutes).to_string();
        }
        AppError::WrongPassword => t_string!(i18n, error_wrong_password),
        AppError::LinkExpired => t_string!(i18n, error_link_expired),
        AppError::UpcomingBookings => t_string!(i18n, error_upcoming_bookings),
        AppError::Unauthorized => t_string!(i18n, error_unauthorized),
        AppError::Forbidden => t_string!(i18n, error_forbidden),
        AppError::NotFound => t_string!(i18n, error_not_found),
        AppError::Unavailable(_) => t_string!(i18n, error_unavailable),
        AppError::Internal(_) => t_string!(i18n, error_internal),
        AppError::Transport(_) => t_string!(i18n, error_network),
    };
    text.to_string()
}

/// Sets the HTTP status of a page rendered on the server to `error`'s (no-op in the browser),
/// so a page showing an error is not a "200 OK" to crawlers and scripts.
pub fn set_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    crate::server::set_response_status(error);
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

/// The field an error belongs to, if it belongs to one.
pub fn error_field(error: &AppError) -> Option<&str> {
    match error {
        // These name a whole form (a bulk edit, a desk action, an account action), not an input:
        // the form's alert shows them.
        AppError::Invalid(
            InputError::Calendar(_)
            | InputError::Desk(_)
            | InputError::Accounts(_)
            | InputError::Jobs(_),
        ) => None,
        AppError::Invalid(input) => Some(input.field()),
        AppError::EmailTaken => Some("email"),
        AppError::WrongPassword => Some("current_password"),
        _ => None,
    }
}

/// What a page shows when its data could not be had: the message, with the response's status
/// set from the error (on the server).
pub fn failed(error: AppError) -> AnyView {
    set_status(&error);
    view! { <p class="form-error" role="alert">{error_text(&error)}</p> }.into_any()
}

/// An alert for errors that belong to no single field.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|error| error_field(error).is_none())
            .map(|error| view! { <p class="form-error" role="alert">{error_text(&error)}</p> })
    }
}

/// The message under one input, when the error is about it.
#[component]
pub fn FieldError(
    #[prop(into)] error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|error| error_field(error) == Some(field))
            .map(|error| {
                view! {
                    <p class="field-error" id=format!("{field}-error") role="alert">
                        {error_text(&error)}
                    </p>
                }
            })
    }
}
