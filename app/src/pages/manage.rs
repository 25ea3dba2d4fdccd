use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::auth_form::{form_query, latest_error};
use crate::api::bookings::{CancelManaged, ChangeBooking, get_change_quote, managed_booking};
use crate::components::{
    BookingCard, CancellationNote, FormError, NightlyPrices, StayTotal, SubmitButton, error_text,
    refusal_text, set_status,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{BookingDetails, ChangeQuote, Money};

/// `/manage/{token}`: the booking a manage link opens, signed in or not (the link is the
/// permission): view it, cancel it (`?cancel=1` asks to confirm), or change its dates or room
/// type (`?room_id&date_from&date_to` shows what the change costs, then confirms it). Every
/// step is a page state or a form post, so it works without JavaScript.
#[component]
pub fn ManagePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.with(|params| params.get("token").unwrap_or_default());
    // Refetched on every change of the query: a cancel or a change lands here.
    let booking = Resource::new(
        move || (token(), query.get()),
        |(token, _)| managed_booking(token),
    );
    let notice = move || {
        query.with(|query| {
            if query.get("cancelled").is_some() {
                Some(t_string!(i18n, manage_cancelled).to_string())
            } else if query.get("changed").is_some() {
                Some(t_string!(i18n, manage_changed).to_string())
            } else {
                None
            }
        })
    };
    view! {
        <PageTitle text=move || t_string!(i18n, manage_title).to_string()/>
        <section class="manage-page">
            <h1>{t!(i18n, manage_title)}</h1>
            {move || notice().map(|text| view! { <p class="notice" role="status" data-testid="notice">{text}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || {
                    booking
                        .get()
                        .map(|result| match result {
                            Ok(details) => managed_view(token(), details).into_any(),
                            Err(error) => {
                                set_status(&error);
                                view! {
                                    <p class="form-error" role="alert" data-testid="manage-error">
                                        {error_text(&error)}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

fn managed_view(token: String, details: BookingDetails) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let asking = query.with_untracked(|query| query.get("cancel").is_some());
    let cancellable = details.cancellable;
    let booking = details.booking.clone();
    let change = query.with_untracked(|query| {
        (
            query.get("room_id"),
            query.get("date_from"),
            query.get("date_to"),
        )
    });
    let page = format!("/manage/{token}");
    let actions = cancellable.then(|| {
        if asking {
            view! { <CancelManagedForm token=token.clone() page=page.clone()/> }.into_any()
        } else {
            view! {
                <a class="button" href=format!("{page}?cancel=1") data-testid="cancel">
                    {t!(i18n, booking_cancel)}
                </a>
            }
            .into_any()
        }
    });
    let change_form = cancellable.then(|| {
        let room_id = change
            .0
            .clone()
            .unwrap_or_else(|| booking.room_id.to_string());
        let date_from = change
            .1
            .clone()
            .unwrap_or_else(|| booking.date_from.to_string());
        let date_to = change
            .2
            .clone()
            .unwrap_or_else(|| booking.date_to.to_string());
        let asked = change.0.is_some() && change.1.is_some() && change.2.is_some();
        view! {
            <section class="change-booking" aria-labelledby="change-title">
                <h2 id="change-title">{t!(i18n, change_title)}</h2>
                <ChangeQuoteView token=token.clone() room_id date_from date_to asked/>
            </section>
        }
    });
    view! {
        <BookingCard details>{actions}</BookingCard>
        {change_form}
    }
}

#[component]
fn CancelManagedForm(token: String, page: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CancelManaged>::new();
    let error = latest_error(action.value(), form_query().error);
    let pending = action.pending();
    view! {
        <ActionForm action attr:class="cancel-form" attr:data-testid="cancel-confirmation">
            <p role="alert">{t!(i18n, booking_cancel_question)}</p>
            <FormError error/>
            <input type="hidden" name="token" value=token/>
            <SubmitButton
                pending
                label=Signal::derive(move || t_string!(i18n, booking_cancel_confirm).to_string())
                pending_label=Signal::derive(move || t_string!(i18n, booking_cancel_pending).to_string())
            />
            <a href=page>{t!(i18n, booking_cancel_keep)}</a>
        </ActionForm>
    }
}

/// The change form (a GET to this page: room type and dates), and once asked, what the change
/// would cost and the button that makes it.
#[component]
fn ChangeQuoteView(
    token: String,
    room_id: String,
    date_from: String,
    date_to: String,
    asked: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let request = (
        token.clone(),
        room_id.clone(),
        date_from.clone(),
        date_to.clone(),
    );
    let quote = Resource::new(
        move || request.clone(),
        |(token, room_id, date_from, date_to)| get_change_quote(token, room_id, date_from, date_to),
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {
                let token = token.clone();
                let (date_from, date_to, room_id) = (date_from.clone(), date_to.clone(), room_id.clone());
                move || {
                    let token = token.clone();
                    let (date_from, date_to, room_id) = (date_from.clone(), date_to.clone(), room_id.clone());
                    quote
                        .get()
                        .map(move |result| match result {
                            Ok(quote) => {
                                let rooms = quote.rooms.clone();
                                view! {
                                    <ChangeForm rooms room_id=quote.offer.room.id.to_string() date_from=quote.stay.check_in().to_string() date_to=quote.stay.check_out().to_string()/>
                                    {asked.then(|| view! { <ChangeOffer token=token.clone() quote/> })}
                                }
                                    .into_any()
                            }
                            Err(error) => {
                                // The current stay may not quote (under way already): only an
                                // asked-for change has an error to show.
                                view! {
                                    <ChangeForm rooms=Vec::new() room_id=room_id.clone() date_from=date_from.clone() date_to=date_to.clone()/>
                                    {asked.then(|| view! {
                                        <p class="form-error" role="alert" data-testid="change-error">{error_text(&error)}</p>
                                    })}
                                }
                                    .into_any()
                            }
                        })
                }
            }
        </Suspense>
    }
}

/// Room type and dates, sent to this page to see the price.
#[component]
fn ChangeForm(
    rooms: Vec<(crate::model::RoomId, String)>,
    room_id: String,
    date_from: String,
    date_to: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let room_field = if rooms.is_empty() {
        view! { <input type="hidden" name="room_id" value=room_id/> }.into_any()
    } else {
        let options = rooms
            .into_iter()
            .map(|(id, name)| {
                let id = id.to_string();
                let selected = id == room_id;
                view! { <option value=id selected=selected>{name}</option> }
            })
            .collect_view();
        view! {
            <label class="field">
                <span>{t!(i18n, change_room)}</span>
                <select name="room_id" data-testid="change-room">{options}</select>
            </label>
        }
        .into_any()
    };
    view! {
        <form method="get" class="change-form" data-testid="change-form">
            {room_field}
            <label class="field">
                <span>{t!(i18n, search_check_in)}</span>
                <input type="date" name="date_from" required value=date_from data-testid="change-from"/>
            </label>
            <label class="field">
                <span>{t!(i18n, search_check_out)}</span>
                <input type="date" name="date_to" required value=date_to data-testid="change-to"/>
            </label>
            <button type="submit" class="button" data-testid="change-check">{t!(i18n, change_check)}</button>
        </form>
    }
}

/// What the changed booking would cost against what it costs now, and the confirm button (or
/// why the new stay cannot be had).
#[component]
fn ChangeOffer(token: String, quote: ChangeQuote) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangeBooking>::new();
    let error = latest_error(action.value(), form_query().error);
    let pending = action.pending();
    let stay = quote.stay;
    let offer = quote.offer;
    let difference = quote.difference;
    let difference_text = move || {
        if difference > Money::ZERO {
            t_string!(
                i18n,
                change_difference_more,
                amount = crate::format::money(difference, i18n.get_locale())
            )
            .to_string()
        } else if difference < Money::ZERO {
            let saved = Money::ZERO - difference;
            t_string!(
                i18n,
                change_difference_less,
                amount = crate::format::money(saved, i18n.get_locale())
            )
            .to_string()
        } else {
            t_string!(i18n, change_difference_none).to_string()
        }
    };
    let outcome = if let Some(refusal) = offer.refusal {
        view! { <p class="refusal" role="alert" data-testid="refusal">{refusal_text(refusal)}</p> }
            .into_any()
    } else if offer.rooms_left <= 0 {
        view! { <p class="sold-out" data-testid="sold-out">{t!(i18n, sold_out)}</p> }.into_any()
    } else {
        view! {
            <ActionForm action attr:class="change-confirm">
                <FormError error/>
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="room_id" value=offer.room.id.to_string()/>
                <input type="hidden" name="date_from" value=stay.check_in().to_string()/>
                <input type="hidden" name="date_to" value=stay.check_out().to_string()/>
                <SubmitButton
                    pending
                    label=Signal::derive(move || t_string!(i18n, change_confirm).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, change_pending).to_string())
                />
            </ActionForm>
        }
            .into_any()
    };
    view! {
        <div class="change-offer" data-testid="change-offer">
            <dl class="details">
                <dt>{t!(i18n, change_now)}</dt>
                <dd data-testid="change-current">{crate::components::money(quote.current.booking.total_cost)}</dd>
                <dt>{t!(i18n, change_new)}</dt>
                <dd>
                    <StayTotal total=offer.total_cost nights=stay.nights()/>
                </dd>
            </dl>
            <NightlyPrices check_in=stay.check_in() nights=offer.nights/>
            <p class="change-difference" data-testid="change-difference">{difference_text}</p>
            <CancellationNote terms=quote.terms/>
            {outcome}
        </div>
    }
}
