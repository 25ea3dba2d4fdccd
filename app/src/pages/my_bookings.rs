use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::use_query_map;

use super::auth_form::{form_query, latest_error};
use crate::api::bookings::{CancelBooking, my_bookings};
use crate::components::{BookingCard, FormError, RequireUser, SubmitButton, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::encode_component;
use crate::model::{BookingDetails, BookingId, BookingsTab, MyBookings, User};

/// `/bookings?tab&page`: the guest's bookings, a page at a time: upcoming (soonest first), or
/// past and cancelled behind their tab. `?cancel=ID` asks to confirm cancelling one (a page
/// state, so it works without JavaScript); `?booked=ID` and `?cancelled=1` say what just
/// happened.
#[component]
pub fn MyBookingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // Refetched on every change of the query: a booking or cancellation lands here, and the
    // confirmation step (`?cancel=`) is drawn from it.
    let bookings = Resource::new(
        move || query.get(),
        |query| my_bookings(query.get("tab"), query.get("page")),
    );
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
    view! {
        <PageTitle text=move || t_string!(i18n, bookings_title).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="my-bookings">
                    <h1>{t!(i18n, bookings_title)}</h1>
                    {move || notice().map(|text| view! { <p class="notice" role="status" data-testid="notice" data-focus-first>{text}</p> })}
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || {
                            bookings
                                .get()
                                .map(|result| match result {
                                    Ok(list) => bookings_view(list).into_any(),
                                    Err(error) => failed(error),
                                })
                        }}
                    </Suspense>
                </section>
            }
        }/>
    }
}

/// The tabs, the page's bookings (or that there are none) and the way to the other pages.
fn bookings_view(list: MyBookings) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    if list.upcoming + list.past == 0 {
        return view! {
            <div class="empty-state" data-testid="no-bookings">
                <p>{t!(i18n, bookings_empty)}</p>
                <a class="button button-primary" href="/">{t!(i18n, bookings_find)}</a>
            </div>
        }
        .into_any();
    }
    let (confirming, booked) = query.with_untracked(|query| {
        let id = |name: &str| query.get(name).and_then(|id| BookingId::parse(&id));
        (id("cancel"), id("booked"))
    });
    // The confirmation names the new booking's reference.
    let reference = list
        .bookings
        .iter()
        .find(|details| Some(details.booking.id) == booked)
        .map(|details| details.booking.reference.to_string());
    let (tab, page) = (list.tab, list.page);
    let empty = list.bookings.is_empty().then(|| {
        let text = match tab {
            BookingsTab::Upcoming => t_string!(i18n, bookings_none_upcoming),
            BookingsTab::Past => t_string!(i18n, bookings_none_past),
        };
        view! { <p class="empty-state" data-testid="no-bookings-here">{text}</p> }
    });
    view! {
        {reference.map(|reference| view! {
            <p class="notice" data-testid="booked-reference">
                {t!(i18n, booking_reference)}": "<strong>{reference}</strong>
            </p>
        })}
        <BookingTabs tab upcoming=list.upcoming past=list.past/>
        {empty}
        <ul class="booking-list" data-testid="booking-list">
            {list
                .bookings
                .into_iter()
                .map(|details| {
                    let asking = confirming == Some(details.booking.id);
                    view! { <li><ListedBooking details asking page/></li> }
                })
                .collect_view()}
        </ul>
        <nav class="pagination" aria-label=move || t_string!(i18n, bookings_pages)>
            {(page > 1).then(|| view! {
                <a href=tab.href(page - 1) rel="prev">{t!(i18n, page_prev)}</a>
            })}
            {(page > 1 || list.has_more).then(|| view! {
                <span data-testid="page-number">{t!(i18n, page_number, page = page)}</span>
            })}
            {list.has_more.then(|| view! {
                <a href=tab.href(page + 1) rel="next">{t!(i18n, page_next)}</a>
            })}
        </nav>
    }
    .into_any()
}

/// Upcoming, and past and cancelled, with how many each holds.
#[component]
fn BookingTabs(tab: BookingsTab, upcoming: i64, past: i64) -> impl IntoView {
    let i18n = use_i18n();
    let current = move |this: BookingsTab| (tab == this).then_some("page");
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, bookings_tabs)>
            <a
                href=BookingsTab::Upcoming.href(1)
                aria-current=current(BookingsTab::Upcoming)
                data-testid="tab-upcoming"
            >
                {t!(i18n, bookings_tab_upcoming, n = upcoming)}
            </a>
            <a
                href=BookingsTab::Past.href(1)
                aria-current=current(BookingsTab::Past)
                data-testid="tab-past"
            >
                {t!(i18n, bookings_tab_past, n = past)}
            </a>
        </nav>
    }
}

/// One booking with its actions: a link to its manage page (change dates), and its cancel
/// link, or the confirmation step when `asking`. The server decided what may be done, on its
/// clock (the browser's may be off).
#[component]
fn ListedBooking(details: BookingDetails, asking: bool, page: u32) -> impl IntoView {
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
                        <a class="button" href=cancel_href(page, id) data-testid="cancel">
                            {t!(i18n, booking_cancel)}
                        </a>
                    }
                        .into_any()
                }
            })}
        </BookingCard>
    }
}

/// Asks to confirm cancelling booking `id`, on the page of upcoming bookings it is on.
fn cancel_href(page: u32, id: BookingId) -> String {
    let list = BookingsTab::Upcoming.href(page);
    let joint = if list.contains('?') { '&' } else { '?' };
    format!("{list}{joint}cancel={id}")
}

#[component]
fn CancelConfirmation(id: BookingId) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CancelBooking>::new();
    let error = latest_error(action.value(), form_query().error);
    let pending = action.pending();
    view! {
        <ActionForm
            action
            attr:class="cancel-form"
            attr:data-testid="cancel-confirmation"
            attr:data-focus-first=""
        >
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
