use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::use_query_map;

use super::auth_form::{form_query, latest_error};
use crate::api::bookings::{CancelBooking, my_bookings};
use crate::components::{
    FormError, NightlyPrices, Picture, RequireUser, ServiceList, StayTotal, SubmitButton,
    error_text, set_status,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{BookingDetails, BookingId, BookingStage, User};

/// `/bookings`: the guest's bookings, upcoming first. `?cancel=ID` asks to confirm cancelling
/// one (a page state, so it works without JavaScript); `?booked=ID` and `?cancelled=1` say
/// what just happened.
#[component]
pub fn MyBookingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // Refetched on every change of the query: a booking or cancellation lands here.
    let bookings = Resource::new(move || query.get(), |_| my_bookings());
    let notice = move || {
        query.with(|query| {
            if query.get("booked").is_some() {
                Some(t_string!(i18n, bookings_booked).to_string())
            } else if query.get("cancelled").is_some() {
                Some(t_string!(i18n, bookings_cancelled).to_string())
            } else {
                None
            }
        })
    };
    let confirming =
        move || query.with(|query| query.get("cancel").and_then(|id| BookingId::parse(&id)));
    view! {
        <PageTitle text=move || t_string!(i18n, bookings_title).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="my-bookings">
                    <h1>{t!(i18n, bookings_title)}</h1>
                    {move || notice().map(|text| view! { <p class="notice" role="status" data-testid="notice">{text}</p> })}
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || {
                            bookings
                                .get()
                                .map(|result| match result {
                                    Ok(list) if list.is_empty() => {
                                        view! {
                                            <div class="empty-state" data-testid="no-bookings">
                                                <p>{t!(i18n, bookings_empty)}</p>
                                                <a class="button button-primary" href="/">{t!(i18n, bookings_find)}</a>
                                            </div>
                                        }
                                            .into_any()
                                    }
                                    Ok(list) => {
                                        let confirming = confirming();
                                        let booked = query
                                            .with(|query| query.get("booked").and_then(|id| BookingId::parse(&id)));
                                        // The confirmation names the new booking's reference.
                                        let reference = list
                                            .iter()
                                            .find(|details| Some(details.booking.id) == booked)
                                            .map(|details| details.booking.reference.to_string());
                                        view! {
                                            {reference.map(|reference| view! {
                                                <p class="notice" data-testid="booked-reference">
                                                    {t!(i18n, booking_reference)}": "<strong>{reference}</strong>
                                                </p>
                                            })}
                                            <ul class="booking-list" data-testid="booking-list">
                                                {list
                                                    .into_iter()
                                                    .map(|details| {
                                                        let asking = confirming == Some(details.booking.id);
                                                        view! { <li><BookingCard details asking/></li> }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                            .into_any()
                                    }
                                    Err(error) => {
                                        set_status(&error);
                                        view! { <p class="form-error" role="alert">{error_text(&error)}</p> }.into_any()
                                    }
                                })
                        }}
                    </Suspense>
                </section>
            }
        }/>
    }
}

/// One booking; its cancel link, or the confirmation step when `asking`.
#[component]
fn BookingCard(details: BookingDetails, asking: bool) -> impl IntoView {
    let i18n = use_i18n();
    // The server decided both on its own calendar day: the browser's clock may be off.
    let cancellable = details.cancellable;
    let booking = details.booking;
    let status = match details.stage {
        BookingStage::Cancelled => Some(t_string!(i18n, booking_status_cancelled).to_string()),
        BookingStage::Past => Some(t_string!(i18n, booking_status_past).to_string()),
        BookingStage::Upcoming => None,
    };
    let hotel_href = format!("/hotels/{}", details.hotel_id);
    let id = booking.id;
    view! {
        <article class="booking-card" data-testid="booking-card" data-booking-id=id.get()>
            <Picture src=details.picture alt=details.room_name.clone() width=400 height=200/>
            <div class="booking-card-body">
                <h2><a href=hotel_href>{details.hotel_name}</a></h2>
                <p class="room-name" data-testid="room-name">{details.room_name}</p>
                <p class="booking-reference">
                    {t!(i18n, booking_reference)}": "
                    <strong data-testid="booking-reference">{booking.reference.to_string()}</strong>
                </p>
                <p class="location">{details.hotel_location}</p>
                <p class="booking-dates" data-testid="booking-dates">
                    {booking.date_from.format("%d.%m.%Y").to_string()}
                    " — "
                    {booking.date_to.format("%d.%m.%Y").to_string()}
                </p>
                <ServiceList services=details.services/>
                {booking.guest.name.clone().map(|name| view! {
                    <p class="booking-guest">{t!(i18n, booking_guest)}": "<span data-testid="guest-name">{name}</span></p>
                })}
                {booking.guest.request.clone().map(|request| view! {
                    <p class="booking-request">
                        {t!(i18n, booking_guest_request)}": "<span data-testid="guest-request">{request}</span>
                    </p>
                })}
            </div>
            <div class="booking-card-offer">
                {status.map(|text| view! { <p class="booking-status" data-testid="booking-status">{text}</p> })}
                <StayTotal total=booking.total_cost nights=i64::from(booking.total_days)/>
                <NightlyPrices check_in=booking.date_from nights=booking.nights.clone()/>
                {cancellable.then(|| {
                    if asking {
                        view! { <CancelConfirmation id/> }.into_any()
                    } else {
                        view! {
                            <a class="button" href=format!("/bookings?cancel={id}") data-testid="cancel">
                                {t!(i18n, booking_cancel)}
                            </a>
                        }
                            .into_any()
                    }
                })}
            </div>
        </article>
    }
    .into_any()
}

#[component]
fn CancelConfirmation(id: BookingId) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CancelBooking>::new();
    let error = latest_error(action.value(), form_query().error);
    let pending = action.pending();
    view! {
        <ActionForm action attr:class="cancel-form" attr:data-testid="cancel-confirmation">
            <p role="alert">{t!(i18n, booking_cancel_question)}</p>
            <FormError error/>
            <input type="hidden" name="booking_id" value=id.to_string()/>
            <SubmitButton
                pending
                label=Signal::derive(move || t_string!(i18n, booking_cancel_confirm).to_string())
                pending_label=Signal::derive(move || t_string!(i18n, booking_cancel_pending).to_string())
            />
            <a href="/bookings">{t!(i18n, booking_cancel_keep)}</a>
        </ActionForm>
    }
}
