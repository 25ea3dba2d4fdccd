use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::use_query_map;

use super::auth_form::{form_query, latest_error};
use crate::api::bookings::{CreateBooking, ReleaseHold, get_booking_quote};
use crate::components::{
    CancellationNote, FieldError, FormError, NightlyPrices, Picture, RequireUser, ServiceList,
    StayTotal, SubmitButton, catalog_text, error_text, live_rooms_left, refusal_text, set_status,
};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::with_query;
use crate::model::{BookingQuote, GuestDetails, Hold, RoomId, StayDates, User};

/// `/book?room_id&date_from&date_to&adults&children`: what the stay costs night by night, and
/// the button that books it (or why the hotel's rules refuse it). Signed-out guests log in
/// first and come back here. Works without JavaScript.
#[component]
pub fn BookPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let request = move || {
        query.with(|query| {
            (
                query.get("room_id").unwrap_or_default(),
                query.get("date_from").unwrap_or_default(),
                query.get("date_to").unwrap_or_default(),
                query.get("adults"),
                query.get("children"),
                query.get("another"),
            )
        })
    };
    let quote = Resource::new(
        request,
        |(room_id, date_from, date_to, adults, children, another)| {
            get_booking_quote(room_id, date_from, date_to, adults, children, another)
        },
    );
    view! {
        <PageTitle text=move || t_string!(i18n, book_title).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="book-page">
                    <h1>{t!(i18n, book_title)}</h1>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || {
                            quote
                                .get()
                                .map(|result| match result {
                                    Ok(quote) => quote_view(quote).into_any(),
                                    Err(error) => book_error_view(&error).into_any(),
                                })
                        }}
                    </Suspense>
                </section>
            }
        }/>
    }
}

/// Why the stay cannot be shown (an unknown room, dates or guests that do not parse), and the
/// way on: back to the search, keeping the dates and guests the link had.
fn book_error_view(error: &AppError) -> impl IntoView {
    let i18n = use_i18n();
    set_status(error);
    let text = match error {
        AppError::NotFound => t_string!(i18n, book_room_missing).to_string(),
        error => error_text(error),
    };
    let search = use_query_map().with_untracked(|query| {
        let kept = ["date_from", "date_to", "adults", "children"]
            .map(|name| (name, query.get(name).unwrap_or_default()));
        let pairs = kept.each_ref().map(|(name, value)| (*name, value.as_str()));
        with_query("/search", &pairs)
    });
    view! {
        <p class="form-error" role="alert" data-testid="book-error">{text}</p>
        <a class="button" href=search data-testid="book-error-search">{t!(i18n, book_find_other)}</a>
    }
}

fn quote_view(quote: BookingQuote) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateBooking>::new();
    let error = latest_error(action.value(), form_query().error);
    let pending = action.pending();
    let stay = quote.stay;
    let party = quote.party;
    let room = quote.offer.room;
    // A room held for the guest can be booked (the hold is theirs even when it was the last).
    let hold = quote.hold;
    // Follows other guests' bookings while the page is open.
    let left = live_rooms_left(
        quote.hotel.id,
        stay,
        vec![(room.id, quote.offer.rooms_left)],
    )(room.id);
    let held = hold.is_some();
    let free = Memo::new(move |_| held || left.get() > 0);
    let refusal = quote.offer.refusal;
    // After a failed post without JavaScript the form comes back with what was typed.
    let typed = use_query_map()
        .with_untracked(|query| (query.get("guest_name"), query.get("guest_request")));
    let guest_name = typed.0.or(quote.account_name).unwrap_or_default();
    let guest_request = typed.1.unwrap_or_default();
    let hotel_href = format!(
        "/hotels/{}?{}&{}",
        quote.hotel.id,
        stay.to_query(),
        party.to_query()
    );
    let alt = room.name_in(i18n.get_locale_untracked()).to_owned();
    let room_name = catalog_text(room.name.clone(), room.name_en.clone());
    let hotel_name = catalog_text(quote.hotel.name, quote.hotel.name_en);
    // Type-erased: the summary's nested view type is too deep for the wasm build otherwise.
    let summary = view! {
        <article class="booking-summary" data-testid="booking-summary">
            <Picture src=quote.offer.picture alt width=400 height=200/>
            <div>
                <h2>{room_name}</h2>
                <p>
                    <a href=hotel_href>{hotel_name}</a>
                    ", "
                    <span class="location">{quote.hotel.location}</span>
                </p>
                <ServiceList services=room.services/>
                <dl class="details">
                    <dt>{t!(i18n, search_check_in)}</dt>
                    <dd data-testid="check-in">{crate::components::day(stay.check_in())}</dd>
                    <dt>{t!(i18n, search_check_out)}</dt>
                    <dd data-testid="check-out">{crate::components::day(stay.check_out())}</dd>
                    <dt>{t!(i18n, book_guests)}</dt>
                    <dd data-testid="guests">
                        {t!(i18n, book_guests_value, adults = party.adults, children = party.children)}
                    </dd>
                </dl>
                <StayTotal total=quote.offer.total_cost nights=stay.nights()/>
                <NightlyPrices check_in=stay.check_in() nights=quote.offer.nights/>
                <CancellationNote terms=quote.terms/>
            </div>
        </article>
    }
    .into_any();
    view! {
        {summary}
        {if let Some(booking_id) = quote.booked {
            let another = format!(
                "/book?room_id={}&{}&{}&another=1",
                room.id,
                stay.to_query(),
                party.to_query()
            );
            view! {
                <div class="notice booked-notice" role="status" data-testid="already-booked" data-focus-first>
                    <p>{t!(i18n, book_already_booked)}</p>
                    <a class="button button-primary" href=format!("/bookings?booked={booking_id}")>
                        {t!(i18n, book_see_booking)}
                    </a>
                    " "
                    <a class="button" href=another data-testid="book-another">
                        {t!(i18n, book_another)}
                    </a>
                </div>
            }
                .into_any()
        } else if let Some(refusal) = refusal {
            view! { <p class="refusal" role="alert" data-testid="refusal">{refusal_text(refusal)}</p> }
                .into_any()
        } else {
            let form = move || {
                let (guest_name, guest_request) = (guest_name.clone(), guest_request.clone());
                view! {
                    {hold.map(|hold| view! { <HoldNotice hold/> })}
                    <ActionForm action attr:class="book-form">
                        <FormError error/>
                        <input type="hidden" name="room_id" value=room.id.to_string()/>
                        <input type="hidden" name="date_from" value=stay.check_in().to_string()/>
                        <input type="hidden" name="date_to" value=stay.check_out().to_string()/>
                        <input type="hidden" name="adults" value=party.adults.to_string()/>
                        <input type="hidden" name="children" value=party.children.to_string()/>
                        <GuestDetailsFields error name=guest_name request=guest_request/>
                        <SubmitButton
                            pending
                            label=Signal::derive(move || t_string!(i18n, book_confirm).to_string())
                            pending_label=Signal::derive(move || t_string!(i18n, book_pending).to_string())
                        />
                    </ActionForm>
                    {hold.map(|_| view! { <ReleaseForm room_id=room.id stay/> })}
                }
                .into_any()
            };
            let sold_out = move || {
                view! { <p class="sold-out" data-testid="sold-out">{t!(i18n, sold_out)}</p> }
                    .into_any()
            };
            (move || if free.get() { form() } else { sold_out() }).into_any()
        }}
    }
}

/// Who stays and what they ask of the hotel, with their errors.
#[component]
fn GuestDetailsFields(
    error: Signal<Option<AppError>>,
    name: String,
    request: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let max_name = GuestDetails::MAX_NAME.to_string();
    let max_request = GuestDetails::MAX_REQUEST.to_string();
    view! {
        <label class="field">
            <span>{t!(i18n, book_guest_name)}</span>
            <input
                name="guest_name"
                required
                maxlength=max_name
                autocomplete="name"
                value=name
                data-testid="guest-name"
            />
        </label>
        <FieldError error field="guest_name"/>
        <label class="field">
            <span>{t!(i18n, book_guest_request)}</span>
            <textarea
                name="guest_request"
                rows="3"
                maxlength=max_request
                aria-describedby="guest-request-hint"
                data-testid="guest-request"
            >
                {request}
            </textarea>
        </label>
        <p class="field-hint" id="guest-request-hint">{t!(i18n, book_guest_request_hint)}</p>
        <FieldError error field="guest_request"/>
    }
}

/// Until when the room is held: the deadline as text (so it works without JavaScript) and, in
/// the browser, the minutes and seconds left, then that the hold has ended.
#[component]
fn HoldNotice(hold: Hold) -> impl IntoView {
    let i18n = use_i18n();
    let deadline = hold.deadline.format("%H:%M").to_string();
    let left = RwSignal::new(None::<i64>);
    count_down(hold, left);
    view! {
        <div class="hold-notice" role="status" data-testid="hold">
            <p>{t!(i18n, book_hold_until, time = deadline)}</p>
            {move || match left.get() {
                Some(seconds) if seconds > 0 => {
                    let clock = format!("{}:{:02}", seconds / 60, seconds % 60);
                    view! {
                        <p class="hold-left" data-testid="hold-left">
                            {t!(i18n, book_hold_left, time = clock)}
                        </p>
                    }
                        .into_any()
                }
                Some(_) => {
                    view! {
                        <p class="hold-expired" role="alert" data-testid="hold-expired">
                            {t!(i18n, book_hold_expired)}
                        </p>
                    }
                        .into_any()
                }
                None => ().into_any(),
            }}
        </div>
    }
}

/// Keeps `left` at the seconds until `hold` ends, once a second (in the browser only, from
/// the first tick: the page hydrates to exactly what the server rendered).
fn count_down(hold: Hold, left: RwSignal<Option<i64>>) {
    #[cfg(feature = "hydrate")]
    {
        let tick = move || {
            let seconds = (hold.expires_at - chrono::Utc::now()).num_seconds().max(0);
            left.set(Some(seconds));
        };
        let handle = set_interval_with_handle(tick, std::time::Duration::from_secs(1));
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (hold, left);
}

/// Lets go of the held room and goes back to the hotel's rooms.
#[component]
fn ReleaseForm(room_id: RoomId, stay: StayDates) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ReleaseHold>::new();
    view! {
        <ActionForm action attr:class="release-form">
            <input type="hidden" name="room_id" value=room_id.to_string()/>
            <input type="hidden" name="date_from" value=stay.check_in().to_string()/>
            <input type="hidden" name="date_to" value=stay.check_out().to_string()/>
            <button type="submit" class="button" data-testid="release">
                {t!(i18n, book_release)}
            </button>
        </ActionForm>
    }
}
