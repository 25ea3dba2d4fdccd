use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::use_query_map;

use super::auth_form::{form_query, latest_error};
use crate::api::bookings::{CancelBooking, my_bookings};
use crate::components::{BookingCard, FormError, RequireUser, SubmitButton, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::encode_component;
use crate::model::{BookingDetails, BookingId, User};

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
                                                        view! { <li><ListedBooking details asking/></li> }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                            .into_any()
                                    }
                                    Err(error) => failed(error),
                                })
                        }}
                    </Suspense>
                </section>
            }
        }/>
    }
}

/// One booking with its actions: a link to its manage page (change dates), and its cancel
/// link, or the confirmation step when `asking`. The server decided what may be done, on its
/// clock (the browser's may be off).
#[component]
fn ListedBooking(details: BookingDetails, asking: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = details.booking.id;
    let cancellable = details.cancellable;
    let manage = details
        .manage_token
        .clone()
        .filter(|_| cancellable)
        .map(|token| format!("/manage/{}", encode_component(&token)));
    view! {
        <BookingCard details>
            {manage.map(|href| view! {
                <a class="button" href=href data-testid="manage">{t!(i18n, booking_change)}</a>
            })}
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
        </BookingCard>
    }
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
