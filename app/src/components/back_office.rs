//! Pieces the back office's pages share: the hotel and room type fields (rendered with their
//! current values on the server, so the forms work without JavaScript), and a change history.
use leptos::prelude::*;

use super::FieldError;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::back_office::AuditEntry;
use crate::model::catalog_edit::{HotelDraft, RoomDraft};

/// A labelled input with its inline error.
#[component]
fn Field(
    name: &'static str,
    label: String,
    value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = false)] required: bool,
    #[prop(optional)] hint: Option<String>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let described = hint.is_some().then(|| hint_id.clone());
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type=kind
                name=name
                value=value
                required=required
                aria-describedby=described
                data-testid=format!("field-{name}")
            />
        </label>
        {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
        <FieldError error field=name/>
    }
}

/// A text of several lines (a description) with its label and error.
#[component]
fn TextArea(
    name: &'static str,
    label: String,
    value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <textarea name=name rows="3" data-testid=format!("field-{name}")>{value}</textarea>
        </label>
        <FieldError error field=name/>
    }
}

/// A hotel's fields, filled with `draft` (empty for a new hotel, with the usual clock).
#[component]
pub fn HotelFields(
    draft: Option<HotelDraft>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let time = |time: Option<chrono::NaiveTime>, default: &str| {
        time.map_or_else(|| default.to_owned(), |t| t.format("%H:%M").to_string())
    };
    let d = draft.as_ref();
    view! {
        <Field name="name" label=t_string!(i18n, field_name).to_string()
            value=d.map(|d| d.name.clone()).unwrap_or_default() error required=true/>
        <Field name="name_en" label=t_string!(i18n, field_name_en).to_string()
            value=d.and_then(|d| d.name_en.clone()).unwrap_or_default() error/>
        <TextArea name="description" label=t_string!(i18n, field_description).to_string()
            value=d.and_then(|d| d.description.clone()).unwrap_or_default() error/>
        <TextArea name="description_en" label=t_string!(i18n, field_description_en).to_string()
            value=d.and_then(|d| d.description_en.clone()).unwrap_or_default() error/>
        <Field name="location" label=t_string!(i18n, field_location).to_string()
            value=d.map(|d| d.location.clone()).unwrap_or_default() error required=true/>
        <Field name="services" label=t_string!(i18n, field_services).to_string()
            value=d.map(|d| d.services.join(", ")).unwrap_or_default() error
            hint=t_string!(i18n, field_services_hint).to_string()/>
        <Field name="time_zone" label=t_string!(i18n, field_time_zone).to_string()
            value=d.map_or_else(|| "Europe/Moscow".to_owned(), |d| d.time_zone.clone()) error
            required=true/>
        <Field name="check_in_time" kind="time" label=t_string!(i18n, field_check_in_time).to_string()
            value=time(d.map(|d| d.check_in_time), "14:00") error required=true/>
        <Field name="check_out_time" kind="time" label=t_string!(i18n, field_check_out_time).to_string()
            value=time(d.map(|d| d.check_out_time), "12:00") error required=true/>
    }
}

/// A room type's fields, filled with `draft` (sensible defaults for a new one).
#[component]
pub fn RoomFields(
    draft: Option<RoomDraft>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = draft.as_ref();
    let number = |value: Option<i64>, default: i64| value.unwrap_or(default).to_string();
    let description = d.and_then(|d| d.description.clone()).unwrap_or_default();
    let description_en = d.and_then(|d| d.description_en.clone()).unwrap_or_default();
    view! {
        <Field name="name" label=t_string!(i18n, field_name).to_string()
            value=d.map(|d| d.name.clone()).unwrap_or_default() error required=true/>
        <TextArea name="description" label=t_string!(i18n, field_description).to_string()
            value=description error/>
        <Field name="name_en" label=t_string!(i18n, field_name_en).to_string()
            value=d.and_then(|d| d.name_en.clone()).unwrap_or_default() error/>
        <TextArea name="description_en" label=t_string!(i18n, field_description_en).to_string()
            value=description_en error/>
        <Field name="price" kind="number" label=t_string!(i18n, field_price).to_string()
            value=number(d.map(|d| d.price.whole_roubles()), 0) error required=true/>
        <Field name="quantity" kind="number" label=t_string!(i18n, field_quantity).to_string()
            value=number(d.map(|d| i64::from(d.quantity)), 1) error required=true/>
        <Field name="max_adults" kind="number" label=t_string!(i18n, field_max_adults).to_string()
            value=number(d.map(|d| i64::from(d.occupancy.max_adults)), 2) error required=true/>
        <Field name="max_children" kind="number" label=t_string!(i18n, field_max_children).to_string()
            value=number(d.map(|d| i64::from(d.occupancy.max_children)), 1) error required=true/>
        <Field name="size_m2" kind="number" label=t_string!(i18n, field_size_m2).to_string()
            value=d.and_then(|d| d.layout.size_m2).map(|size| size.to_string()).unwrap_or_default()
            error/>
        <Field name="double_beds" kind="number" label=t_string!(i18n, field_double_beds).to_string()
            value=number(d.map(|d| i64::from(d.layout.double_beds)), 0) error/>
        <Field name="single_beds" kind="number" label=t_string!(i18n, field_single_beds).to_string()
            value=number(d.map(|d| i64::from(d.layout.single_beds)), 0) error/>
        <Field name="services" label=t_string!(i18n, field_services).to_string()
            value=d.map(|d| d.services.join(", ")).unwrap_or_default() error
            hint=t_string!(i18n, field_services_hint).to_string()/>
        <Field name="free_cancellation_days" kind="number"
            label=t_string!(i18n, field_free_cancellation_days).to_string()
            value=match d {
                Some(d) => d.free_cancellation_days.map(|days| days.to_string()).unwrap_or_default(),
                None => "0".to_owned(),
            }
            error hint=t_string!(i18n, field_free_cancellation_hint).to_string()/>
    }
}

/// Changes: when, who, what, and each field before and after; with `objects`, what each was
/// made to, linked (the audit log's page lists many objects).
#[component]
pub fn History(entries: Vec<AuditEntry>, #[prop(optional)] objects: bool) -> impl IntoView {
    let i18n = use_i18n();
    if entries.is_empty() {
        return view! { <p class="muted">{t!(i18n, history_empty)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="table history" data-testid="history">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, history_when)}</th>
                        <th scope="col">{t!(i18n, history_who)}</th>
                        {objects.then(|| view! { <th scope="col">{t!(i18n, history_object)}</th> })}
                        <th scope="col">{t!(i18n, history_what)}</th>
                        <th scope="col">{t!(i18n, history_changes)}</th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|entry| view! { <HistoryRow entry objects/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Where an object of the audit log is edited, if it has a page.
fn object_page(kind: &str, id: i64, hotel_id: Option<crate::model::HotelId>) -> Option<String> {
    match kind {
        "hotel" => Some(format!("/admin/hotels/{id}")),
        "room" => Some(format!("/admin/rooms/{id}")),
        "staff" => hotel_id.map(|hotel| format!("/admin/hotels/{hotel}")),
        "rates" => Some(format!("/admin/hotels/{id}/calendar")),
        "booking" => Some(format!("/admin/bookings/{id}")),
        "email" | "picture" => Some("/admin/jobs".to_owned()),
        _ => None,
    }
}

#[component]
fn HistoryRow(entry: AuditEntry, objects: bool) -> impl IntoView {
    let object = objects.then(|| {
        let label = format!("{} #{}", entry.object_kind, entry.object_id);
        let cell = match object_page(&entry.object_kind, entry.object_id, entry.hotel_id) {
            Some(href) => view! { <a href=href>{label}</a> }.into_any(),
            None => label.into_any(),
        };
        view! { <td>{cell}</td> }
    });
    let changes = entry
        .changes
        .into_iter()
        .map(|change| {
            let before = change.before.unwrap_or_else(|| "—".to_owned());
            let after = change.after.unwrap_or_else(|| "—".to_owned());
            view! {
                <li>
                    <code>{change.field}</code>": "<del>{before}</del>" → "<ins>{after}</ins>
                </li>
            }
        })
        .collect_view();
    view! {
        <tr>
            <td>
                <time datetime=entry.at.to_rfc3339()>{super::utc_time(entry.at)}</time>
            </td>
            <td>{entry.actor_email.unwrap_or_default()}</td>
            {object}
            <td>
                <code>{entry.action}</code>
            </td>
            <td>
                <ul class="changes">{changes}</ul>
            </td>
        </tr>
    }
}

/// Where a booking stands at the front desk, in words.
/// An outbox email's kind as staff read it (the booking and jobs pages).
pub fn email_kind_label(kind: &str) -> String {
    let i18n = use_i18n();
    match kind {
        "confirmation" => t_string!(i18n, email_kind_confirmation).to_string(),
        "cancellation" => t_string!(i18n, email_kind_cancellation).to_string(),
        "change" => t_string!(i18n, email_kind_change).to_string(),
        "reminder_3_days" => t_string!(i18n, email_kind_reminder_3_days).to_string(),
        "reminder_1_day" => t_string!(i18n, email_kind_reminder_1_day).to_string(),
        "room_free" => t_string!(i18n, email_kind_room_free).to_string(),
        "password_reset" => t_string!(i18n, email_kind_password_reset).to_string(),
        other => other.to_owned(),
    }
}

#[component]
pub fn DeskStatusText(status: crate::model::desk::DeskStatus) -> impl IntoView {
    use crate::model::desk::DeskStatus;
    let i18n = use_i18n();
    move || match status {
        DeskStatus::Booked => t_string!(i18n, desk_status_booked),
        DeskStatus::InHouse => t_string!(i18n, desk_status_in_house),
        DeskStatus::CheckedOut => t_string!(i18n, desk_status_checked_out),
        DeskStatus::NoShow => t_string!(i18n, desk_status_no_show),
        DeskStatus::Cancelled => t_string!(i18n, desk_status_cancelled),
    }
}

/// The same as a badge.
#[component]
pub fn DeskStatusBadge(status: crate::model::desk::DeskStatus) -> impl IntoView {
    view! {
        <span class=format!("badge status-{}", status.as_str()) data-testid="desk-status">
            <DeskStatusText status/>
        </span>
    }
}

/// Bookings as the front desk lists them, each linked to its page.
#[component]
pub fn DeskBookings(
    bookings: Vec<crate::model::desk::DeskBooking>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    if bookings.is_empty() {
        return view! { <p class="muted" data-testid=testid>{t!(i18n, office_bookings_none)}</p> }
            .into_any();
    }
    let rows = bookings
        .into_iter()
        .map(|booking| {
            let href = format!("/admin/bookings/{}", booking.id);
            let (from, to) = (super::day(booking.date_from), super::day(booking.date_to));
            let stay = move || format!("{} – {}", from(), to());
            view! {
                <tr data-testid="booking-row">
                    <td><a href=href><code>{booking.reference.to_string()}</code></a></td>
                    <td>{booking.guest_name.unwrap_or_default()}<br/><small>{booking.email}</small></td>
                    <td>{booking.hotel_name}<br/><small>{booking.room_name}</small></td>
                    <td>{stay}</td>
                    <td class="number">{super::money(booking.total_cost)}</td>
                    <td><DeskStatusBadge status=booking.status/></td>
                    <td>{super::utc_time(booking.booked_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" tabindex="0"
            aria-label=move || t_string!(i18n, back_office_bookings).to_string()>
            <table class="table" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, desk_reference)}</th>
                        <th scope="col">{t!(i18n, desk_guest)}</th>
                        <th scope="col">{t!(i18n, desk_room)}</th>
                        <th scope="col">{t!(i18n, desk_stay)}</th>
                        <th scope="col">{t!(i18n, office_bookings_total)}</th>
                        <th scope="col">{t!(i18n, office_bookings_status)}</th>
                        <th scope="col">{t!(i18n, office_bookings_booked_at)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
