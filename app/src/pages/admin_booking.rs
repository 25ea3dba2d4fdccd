//! `/admin/bookings/{id}`: one booking for its hotel's staff: the guest, the stay night by
//! night, where it stands, what may be marked now (check-in, check-out, no-show, a cancellation
//! with its reason), its history and the emails the guest was sent.
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::auth_form::{FormErrors, latest_error};
use crate::api::desk::{MarkBooking, desk_booking};
use crate::components::{
    CancellationNote, DeskStatusBadge, FormError, History, PageTitle, RequireUser,
    email_kind_label, failed,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::desk::{BookingEmail, DeskAction, DeskBookingPage, MAX_REASON_CHARS};

#[component]
pub fn AdminBookingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|params| params.get("id").unwrap_or_default());
    let mark = ServerAction::<MarkBooking>::new();
    let page = Resource::new(
        move || (id(), mark.version().get()),
        |(id, _)| desk_booking(id),
    );
    view! {
        <PageTitle text=move || t_string!(i18n, back_office_bookings).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office">
                    <p><a href="/admin/bookings">{t!(i18n, back_office_bookings)}</a></p>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || page.get().map(|result| match result {
                            Ok(page) => view! { <Booking page mark/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

#[component]
fn Booking(page: DeskBookingPage, mark: ServerAction<MarkBooking>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = page.summary;
    let booking = page.booking;
    let reference = summary.reference.to_string();
    let saved = use_query_map().with_untracked(|query| query.get("saved").is_some());
    let locale = i18n.get_locale();
    let stay = format!(
        "{} – {}",
        crate::format::date(summary.date_from, locale),
        crate::format::date(summary.date_to, locale)
    );
    let at =
        |at: Option<chrono::DateTime<chrono::Utc>>| at.map(|at| crate::format::utc(at, locale));
    let marks = [
        (
            t_string!(i18n, desk_checked_in_at).to_string(),
            at(page.checked_in_at),
        ),
        (
            t_string!(i18n, desk_checked_out_at).to_string(),
            at(page.checked_out_at),
        ),
        (
            t_string!(i18n, desk_no_show_at).to_string(),
            at(page.no_show_at),
        ),
        (
            t_string!(i18n, desk_cancelled_at).to_string(),
            at(page.cancelled_at),
        ),
        (
            t_string!(i18n, desk_cancel_reason_label).to_string(),
            page.cancel_reason,
        ),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|value| view! { <dt>{label}</dt><dd>{value}</dd> }))
    .collect_view();
    let hotel_href = format!("/admin/hotels/{}", summary.hotel_id);
    let nights = summary
        .date_from
        .iter_days()
        .zip(booking.nights.iter())
        .map(|(night, price)| {
            view! {
                <tr>
                    <td>{crate::components::day(night)}</td>
                    <td class="number">{crate::components::money(*price)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>
            {t!(i18n, desk_booking_title, reference = reference.clone())}" "
            <DeskStatusBadge status=summary.status/>
        </h1>
        {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, desk_done)}</p> })}
        <dl class="facts" data-testid="booking-facts">
            <dt>{t!(i18n, booking_guest)}</dt>
            <dd data-testid="desk-guest">{summary.guest_name.unwrap_or_default()}</dd>
            <dt>{t!(i18n, desk_email)}</dt>
            <dd>{summary.email}</dd>
            {booking.guest.request.map(|request| view! {
                <dt>{t!(i18n, booking_guest_request)}</dt>
                <dd>{request}</dd>
            })}
            <dt>{t!(i18n, desk_room)}</dt>
            <dd><a href=hotel_href>{summary.hotel_name}</a>", "{summary.room_name}</dd>
            <dt>{t!(i18n, desk_stay)}</dt>
            <dd data-testid="desk-stay">{stay}</dd>
            <dt>{t!(i18n, office_bookings_total)}</dt>
            <dd data-testid="desk-total">{crate::components::money(summary.total_cost)}</dd>
            <dt>{t!(i18n, desk_terms)}</dt>
            <dd><CancellationNote terms=booking.terms/></dd>
            <dt>{t!(i18n, desk_booked_at)}</dt>
            <dd>{crate::components::utc_time(summary.booked_at)}</dd>
            {marks}
        </dl>
        <section aria-labelledby="actions-title">
            <h2 id="actions-title">{t!(i18n, desk_actions)}</h2>
            <Actions booking_id=summary.id.to_string() actions=page.actions mark/>
        </section>
        <section aria-labelledby="nights-title">
            <h2 id="nights-title">{t!(i18n, desk_nights)}</h2>
            <div class="table-scroll">
                <table class="table" data-testid="desk-nights">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, desk_night)}</th>
                            <th scope="col">{t!(i18n, desk_price)}</th>
                        </tr>
                    </thead>
                    <tbody>{nights}</tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="emails-title">
            <h2 id="emails-title">{t!(i18n, desk_emails)}</h2>
            <Emails emails=page.emails/>
        </section>
        <section aria-labelledby="history-title">
            <h2 id="history-title">{t!(i18n, history_title)}</h2>
            <History entries=page.history/>
        </section>
    }
}

/// A form per action the booking allows now; a cancellation asks for its reason.
#[component]
fn Actions(
    booking_id: String,
    actions: Vec<DeskAction>,
    mark: ServerAction<MarkBooking>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = latest_error(mark.value(), FormErrors::of_page().of("desk"));
    if actions.is_empty() {
        return view! {
            <FormError error/>
            <p class="muted">{t!(i18n, desk_no_actions)}</p>
        }
        .into_any();
    }
    let forms = actions
        .into_iter()
        .map(|action| {
            let booking_id = booking_id.clone();
            let label = match action {
                DeskAction::CheckIn => t_string!(i18n, desk_check_in),
                DeskAction::CheckOut => t_string!(i18n, desk_check_out),
                DeskAction::NoShow => t_string!(i18n, desk_no_show),
                DeskAction::Cancel => t_string!(i18n, desk_cancel),
            };
            let reason = (action == DeskAction::Cancel).then(|| {
                view! {
                    <label class="field">
                        <span>{t!(i18n, desk_cancel_reason)}</span>
                        <textarea name="reason" rows="2" required maxlength=MAX_REASON_CHARS
                            data-testid="desk-reason"></textarea>
                    </label>
                }
            });
            let class = if action == DeskAction::Cancel {
                "button button-danger"
            } else {
                "button"
            };
            view! {
                <ActionForm action=mark attr:class="desk-action">
                    <input type="hidden" name="booking_id" value=booking_id/>
                    <input type="hidden" name="action" value=action.as_str()/>
                    {reason}
                    <button type="submit" class=class data-testid=format!("desk-{}", action.as_str())>
                        {label}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <FormError error/>
        <div class="desk-actions">{forms}</div>
    }
    .into_any()
}

#[component]
fn Emails(emails: Vec<BookingEmail>) -> impl IntoView {
    let i18n = use_i18n();
    if emails.is_empty() {
        return view! { <p class="muted">{t!(i18n, desk_emails_none)}</p> }.into_any();
    }
    let rows = emails
        .into_iter()
        .map(|email| {
            let kind = email_kind_label(&email.kind);
            let state = match (email.sent_at, email.failed_at) {
                (Some(at), _) => format!(
                    "{} {}",
                    t_string!(i18n, desk_email_sent),
                    crate::format::utc(at, i18n.get_locale())
                ),
                (None, Some(_)) => t_string!(i18n, desk_email_failed).to_string(),
                (None, None) => {
                    t_string!(i18n, desk_email_pending, attempts = email.attempts).to_string()
                }
            };
            view! {
                <tr>
                    <td>{kind}</td>
                    <td>{crate::components::utc_time(email.queued_at)}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="desk-emails">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, desk_email_kind)}</th>
                        <th scope="col">{t!(i18n, history_when)}</th>
                        <th scope="col">{t!(i18n, desk_email_state)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
