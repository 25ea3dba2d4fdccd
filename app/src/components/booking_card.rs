//! A booking as the guest sees it (my bookings, the manage page), and cancellation terms in words.
use leptos::prelude::*;

use super::{NightlyPrices, Picture, ServiceList, StayTotal, catalog_text};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{BookingDetails, BookingStage, CancellationTerms, localized};

/// One booking: hotel, room, reference, dates, guest, price night by night, terms; `children`
/// are its actions (cancel, change), shown beside the price.
#[component]
pub fn BookingCard(details: BookingDetails, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let booking = details.booking;
    let status = match details.stage {
        BookingStage::Cancelled => Some(t_string!(i18n, booking_status_cancelled).to_string()),
        BookingStage::Past => Some(t_string!(i18n, booking_status_past).to_string()),
        BookingStage::Upcoming => None,
    };
    // Terms matter only while the stay is ahead.
    let terms = (details.stage == BookingStage::Upcoming)
        .then(|| view! { <CancellationNote terms=booking.terms open=details.cancellable/> });
    let hotel_href = format!("/hotels/{}", details.hotel_id);
    let alt = localized(
        i18n.get_locale_untracked(),
        &details.room_name,
        details.room_name_en.as_deref(),
    )
    .to_owned();
    let hotel_name = catalog_text(details.hotel_name, details.hotel_name_en);
    let room_name = catalog_text(details.room_name, details.room_name_en);
    view! {
        <article class="booking-card" data-testid="booking-card" data-booking-id=booking.id.get()>
            <Picture src=details.picture alt width=400 height=200/>
            <div class="booking-card-body">
                <h2><a href=hotel_href>{hotel_name}</a></h2>
                <p class="room-name" data-testid="room-name">{room_name}</p>
                <p class="booking-reference">
                    {t!(i18n, booking_reference)}": "
                    <strong data-testid="booking-reference">{booking.reference.to_string()}</strong>
                </p>
                <p class="location">{details.hotel_location}</p>
                <p class="booking-dates" data-testid="booking-dates">
                    {super::day(booking.date_from)}
                    " — "
                    {super::day(booking.date_to)}
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
                {terms}
                {children()}
            </div>
        </article>
    }
    .into_any()
}

/// "Free cancellation until 14.12.2026, 14:00 (hotel time)", or that it ended (`open` false: the
/// server found the deadline past), or "Non-refundable".
#[component]
pub fn CancellationNote(
    terms: CancellationTerms,
    #[prop(default = true)] open: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match terms {
        CancellationTerms::FreeUntil { local, .. } => {
            let deadline = crate::format::date_time(local, i18n.get_locale());
            if open {
                t_string!(i18n, terms_free_until, deadline = deadline.clone()).to_string()
            } else {
                t_string!(i18n, terms_ended, deadline = deadline.clone()).to_string()
            }
        }
        CancellationTerms::NonRefundable => t_string!(i18n, terms_non_refundable).to_string(),
    };
    let free = open && matches!(terms, CancellationTerms::FreeUntil { .. });
    view! {
        <p class="cancellation-terms" class:free=free data-testid="cancellation-terms">{text}</p>
    }
}
