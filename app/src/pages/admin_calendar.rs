//! `/admin/hotels/{id}/calendar`: a hotel's inventory calendar for its staff. A grid of room
//! types by date (rooms sold and left, the night's price, closed and restricted marks), paged
//! by two weeks to two months; under it the bulk edit form. The form is a plain GET to this
//! page (it works without JavaScript): with `preview` in the URL the page shows what the edit
//! would change and the bookings on those dates, and a form that saves it. With JavaScript,
//! dragging over the grid selects room types and dates into the form.
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::auth_form::{FormErrors, latest_error};
use crate::api::calendar::{SaveCalendar, get_calendar, preview_calendar};
use crate::components::{
    FormError, PageTitle, RequireUser, SubmitButton, error_text, failed, short_day, weekday_short,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::calendar::{
    CALENDAR_SPANS, Calendar, CalendarEditForm, CalendarPreview, DaySettings, MAX_NIGHT_PRICE,
    MAX_STAY_NIGHTS, days_after,
};
use crate::model::navigation::with_query;

#[component]
pub fn AdminCalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|params| params.get("id").unwrap_or_default());
    let window = move || {
        query.with(|query| {
            let given = |key| query.get(key).filter(|value| !value.is_empty());
            (given("from"), given("days"))
        })
    };
    let save = ServerAction::<SaveCalendar>::new();
    let calendar = Resource::new(
        move || (id(), window(), save.version().get()),
        |(id, (from, days), _)| get_calendar(id, from, days),
    );
    let edit = Memo::new(move |_| {
        query.with(|query| {
            CalendarEditForm::from_fields(|name| query.get_all(name).unwrap_or_default())
        })
    });
    let previewing = Memo::new(move |_| query.with(|query| query.get("preview").is_some()));
    let preview = Resource::new(
        move || (id(), edit.get(), previewing.get()),
        |(id, form, previewing)| async move {
            if !previewing {
                return None;
            }
            Some(preview_calendar(id, form).await)
        },
    );
    view! {
        <PageTitle text=move || t_string!(i18n, calendar_title).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office calendar-page">
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || calendar.get().map(|result| match result {
                            Ok(calendar) => view! { <CalendarView calendar edit/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                    <Suspense fallback=|| ()>
                        {move || preview.get().flatten().map(|result| view! {
                            <Preview result edit=edit.get_untracked() hotel_id=id() save/>
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

/// The calendar's path for hotel `hotel_id` with `pairs` in its query.
fn calendar_url(hotel_id: &str, pairs: &[(&str, &str)]) -> String {
    with_query(&format!("/admin/hotels/{hotel_id}/calendar"), pairs)
}

#[component]
fn CalendarView(calendar: Calendar, edit: Memo<CalendarEditForm>) -> impl IntoView {
    let i18n = use_i18n();
    let hotel_id = calendar.hotel_id.to_string();
    let saved = use_query_map().with_untracked(|query| query.get("saved"));
    let rooms: Vec<(String, String)> = calendar
        .rows
        .iter()
        .map(|row| (row.room_id.to_string(), row.name.clone()))
        .collect();
    let days = calendar.days;
    let first = calendar.dates().next();
    let last = calendar.dates().last();
    view! {
        <p><a href=format!("/admin/hotels/{hotel_id}")>{calendar.hotel_name.clone()}</a></p>
        <h1>{t!(i18n, calendar_title)}</h1>
        {saved.map(|count| view! {
            <p class="notice" role="status" data-testid="calendar-saved">
                {t!(i18n, calendar_saved, count = move || count.clone())}
            </p>
        })}
        <Pager hotel_id=hotel_id.clone() from=calendar.from days/>
        <Legend/>
        {if calendar.rows.is_empty() {
            view! { <p class="muted">{t!(i18n, back_office_no_rooms)}</p> }.into_any()
        } else {
            view! { <Grid calendar edit/> }.into_any()
        }}
        // Drawn again when the URL's edit changes (a drag selects into it).
        {move || view! { <EditForm rooms=rooms.clone() days first last edit=edit.get()/> }}
    }
}

/// Earlier and later pages, and the page's length.
#[component]
fn Pager(hotel_id: String, from: NaiveDate, days: u16) -> impl IntoView {
    let i18n = use_i18n();
    let step = |forward: bool| {
        let date = if forward {
            days_after(from, u64::from(days))
        } else {
            from.checked_sub_days(chrono::Days::new(u64::from(days)))
        };
        date.map(|date| date.to_string()).unwrap_or_default()
    };
    let days_text = days.to_string();
    let earlier = calendar_url(&hotel_id, &[("from", &step(false)), ("days", &days_text)]);
    let later = calendar_url(&hotel_id, &[("from", &step(true)), ("days", &days_text)]);
    let from = from.to_string();
    let spans = CALENDAR_SPANS
        .iter()
        .map(|span| {
            let href = calendar_url(&hotel_id, &[("from", &from), ("days", &span.to_string())]);
            let current = (*span == days).then_some("page");
            view! { <li><a href=href aria-current=current>{t!(i18n, calendar_days, count = *span)}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="calendar-pager" aria-label=move || t_string!(i18n, calendar_pages).to_string()>
            <ul class="inline-list">
                <li><a href=earlier rel="prev">{t!(i18n, calendar_earlier)}</a></li>
                <li><a href=calendar_url(&hotel_id, &[("days", &days_text)])>{t!(i18n, calendar_today)}</a></li>
                <li><a href=later rel="next">{t!(i18n, calendar_later)}</a></li>
                {spans}
            </ul>
        </nav>
    }
}

#[component]
fn Legend() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="calendar-legend muted">
            {t!(i18n, calendar_legend)}
        </p>
    }
}

/// A drag over the grid: where it started and where it is, as (row, column).
type Drag = Option<((usize, usize), (usize, usize))>;

fn in_drag(drag: Drag, row: usize, column: usize) -> bool {
    drag.is_some_and(|((r0, c0), (r1, c1))| {
        (r0.min(r1)..=r0.max(r1)).contains(&row) && (c0.min(c1)..=c0.max(c1)).contains(&column)
    })
}

#[component]
fn Grid(calendar: Calendar, edit: Memo<CalendarEditForm>) -> impl IntoView {
    let i18n = use_i18n();
    let dates: Vec<NaiveDate> = calendar.dates().collect();
    let selection = Memo::new(move |_| edit.with(|form| form.selection().ok()));
    let drag = RwSignal::new(Drag::None);
    // The URL a finished drag selects; the navigation happens in an effect (in the browser).
    let selected_url = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(url) = selected_url.get() {
            navigate(&url, NavigateOptions::default());
        }
    });
    let room_ids: Vec<String> = calendar
        .rows
        .iter()
        .map(|row| row.room_id.to_string())
        .collect();
    let hotel_id = calendar.hotel_id.to_string();
    let (from, days) = (calendar.from.to_string(), calendar.days.to_string());
    let finish = {
        let dates = dates.clone();
        move || {
            let Some(((r0, c0), (r1, c1))) = drag.get_untracked() else {
                return;
            };
            drag.set(None);
            let (first, last) = (dates[c0.min(c1)].to_string(), dates[c0.max(c1)].to_string());
            let mut pairs: Vec<(&str, &str)> = vec![("from", &from), ("days", &days)];
            pairs.extend(
                room_ids[r0.min(r1)..=r0.max(r1)]
                    .iter()
                    .map(|id| ("rooms", id.as_str())),
            );
            pairs.extend([("first", first.as_str()), ("last", last.as_str())]);
            selected_url.set(Some(calendar_url(&hotel_id, &pairs)));
        }
    };
    let finish = StoredValue::new(finish);
    let head = dates
        .iter()
        .map(|date| {
            let weekend = date.weekday().number_from_monday() >= 6;
            view! {
                <th scope="col" class:weekend=weekend>
                    {weekday_short(date.weekday().number_from_monday())}<br/>{date.format("%d.%m").to_string()}
                </th>
            }
        })
        .collect_view();
    let rows = calendar
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let (room_id, quantity) = (row.room_id, row.quantity);
            let cells = row
                .cells
                .iter()
                .zip(&dates)
                .enumerate()
                .map(|(c, (cell, date))| {
                    let day = *date;
                    let left = row.left(cell);
                    let selected = move || {
                        let dragging = drag.get();
                        if dragging.is_some() {
                            in_drag(dragging, r, c)
                        } else {
                            selection.with(|s| s.as_ref().is_some_and(|s| s.contains(room_id, day)))
                        }
                    };
                    view! {
                        <td
                            class=cell_class(&cell.settings, left)
                            class:selected=selected
                            data-cell=format!("{room_id}:{day}")
                            on:pointerdown=move |event| {
                                event.prevent_default();
                                drag.set(Some(((r, c), (r, c))));
                            }
                            on:pointerenter=move |_| {
                                drag.update(|drag| {
                                    if let Some((_, at)) = drag {
                                        *at = (r, c);
                                    }
                                })
                            }
                            on:pointerup=move |_| finish.with_value(|finish| finish())
                        >
                            <Cell settings=cell.settings sold=cell.sold left/>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/admin/rooms/{room_id}")>{row.name.clone()}</a>
                        <span class="muted">" · "{t!(i18n, calendar_rooms, count = move || i64::from(quantity))}</span>
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll calendar-scroll" role="region" tabindex="0"
            aria-label=move || t_string!(i18n, calendar_title).to_string()>
            <table class="calendar-grid" data-testid="calendar-grid">
                <thead>
                    <tr><th scope="col">{t!(i18n, calendar_room_type)}</th>{head}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn cell_class(settings: &DaySettings, left: u32) -> &'static str {
    if settings.closed {
        "cell closed"
    } else if left == 0 {
        "cell full"
    } else if settings.restricted() {
        "cell restricted"
    } else {
        "cell"
    }
}

/// A cell's content: the night's price (bold when set for the date), sold/left, and marks.
#[component]
fn Cell(settings: DaySettings, sold: u32, left: u32) -> impl IntoView {
    let i18n = use_i18n();
    let mark = |symbol: String, label: String| {
        view! {
            <span class="mark" aria-hidden="true">{symbol}</span>
            <span class="visually-hidden">{label}</span>
        }
    };
    view! {
        <span class="cell-price" class:set=settings.price_set>{crate::components::money(settings.price)}</span>
        <span class="cell-stock">{format!("{sold}/{left}")}</span>
        {settings.closed.then(|| mark("✕".into(), t_string!(i18n, calendar_closed).to_string()))}
        {settings.closed_to_arrival.then(|| mark("↛".into(), t_string!(i18n, calendar_no_arrival).to_string()))}
        {settings.min_stay.map(|n| mark(format!("≥{n}"), t_string!(i18n, calendar_min_stay, count = i64::from(n)).to_string()))}
        {settings.max_stay.map(|n| mark(format!("≤{n}"), t_string!(i18n, calendar_max_stay, count = i64::from(n)).to_string()))}
    }
}

/// A `<select>` of `options` (value, label) named `name` with `current` chosen.
fn select(
    name: &'static str,
    current: &str,
    options: Vec<(&'static str, String)>,
) -> impl IntoView + use<> {
    let options = options
        .into_iter()
        .map(|(value, label)| {
            let chosen = value == current || (current.is_empty() && value == "keep");
            view! { <option value=value selected=chosen>{label}</option> }
        })
        .collect_view();
    view! { <select name=name>{options}</select> }
}

/// The bulk edit: which room types and dates, what to change; "Preview" reloads this page
/// with the edit in the URL.
#[component]
fn EditForm(
    rooms: Vec<(String, String)>,
    days: u16,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    edit: CalendarEditForm,
) -> impl IntoView {
    let i18n = use_i18n();
    let from = use_query_map().with_untracked(|query| query.get("from").unwrap_or_default());
    let chosen_rooms: Vec<&str> = edit.rooms.split(',').collect();
    let room_boxes = rooms
        .into_iter()
        .map(|(id, name)| {
            let checked = chosen_rooms.contains(&id.as_str());
            view! {
                <label class="check">
                    <input type="checkbox" name="rooms" value=id checked=checked/>
                    {name}
                </label>
            }
        })
        .collect_view();
    let chosen_days: Vec<&str> = edit.weekdays.split(',').collect();
    let weekday_boxes = (1..=7u32)
        .map(|day| {
            let value = day.to_string();
            let checked = chosen_days.contains(&value.as_str());
            view! {
                <label class="check">
                    <input type="checkbox" name="weekdays" value=value checked=checked/>
                    {weekday_short(day)}
                </label>
            }
        })
        .collect_view();
    let or_default = |value: &str, default: Option<NaiveDate>| {
        if value.is_empty() {
            default.map(|date| date.to_string()).unwrap_or_default()
        } else {
            value.to_owned()
        }
    };
    let keep = move || t_string!(i18n, calendar_keep).to_string();
    let numbers = move || {
        vec![
            ("keep", keep()),
            ("set", t_string!(i18n, calendar_set).to_string()),
            ("clear", t_string!(i18n, calendar_clear).to_string()),
        ]
    };
    let toggles = move || {
        vec![
            ("keep", keep()),
            ("open", t_string!(i18n, calendar_open).to_string()),
            ("close", t_string!(i18n, calendar_close).to_string()),
        ]
    };
    view! {
        <section class="form-card" aria-labelledby="calendar-edit-title">
            <h2 id="calendar-edit-title">{t!(i18n, calendar_edit_title)}</h2>
            <form method="get" class="calendar-form" data-testid="calendar-form">
                <input type="hidden" name="from" value=from/>
                <input type="hidden" name="days" value=days.to_string()/>
                <input type="hidden" name="preview" value="1"/>
                <fieldset>
                    <legend>{t!(i18n, back_office_room_types)}</legend>
                    {room_boxes}
                </fieldset>
                <div class="field-row">
                    <label class="field">
                        <span>{t!(i18n, calendar_first)}</span>
                        <input type="date" name="first" required value=or_default(&edit.first, first)/>
                    </label>
                    <label class="field">
                        <span>{t!(i18n, calendar_last)}</span>
                        <input type="date" name="last" required value=or_default(&edit.last, last)/>
                    </label>
                </div>
                <fieldset>
                    <legend>{t!(i18n, calendar_weekdays)}</legend>
                    {weekday_boxes}
                </fieldset>
                <div class="field-row">
                    <label class="field">
                        <span>{t!(i18n, calendar_price)}</span>
                        {select("price_action", &edit.price_action, numbers())}
                    </label>
                    <label class="field">
                        <span>{t!(i18n, calendar_price_value)}</span>
                        <input type="number" name="price" min="0" max=MAX_NIGHT_PRICE.to_string()
                            inputmode="numeric" value=edit.price.clone()/>
                    </label>
                </div>
                <div class="field-row">
                    <label class="field">
                        <span>{t!(i18n, calendar_sale)}</span>
                        {select("sale", &edit.sale, toggles())}
                    </label>
                    <label class="field">
                        <span>{t!(i18n, calendar_arrival)}</span>
                        {select("arrival", &edit.arrival, toggles())}
                    </label>
                </div>
                <div class="field-row">
                    <label class="field">
                        <span>{t!(i18n, calendar_min)}</span>
                        {select("min_action", &edit.min_action, numbers())}
                    </label>
                    <label class="field">
                        <span>{t!(i18n, calendar_min_nights)}</span>
                        <input type="number" name="min_stay" min="1" max=MAX_STAY_NIGHTS.to_string()
                            inputmode="numeric" value=edit.min_stay.clone()/>
                    </label>
                </div>
                <div class="field-row">
                    <label class="field">
                        <span>{t!(i18n, calendar_max)}</span>
                        {select("max_action", &edit.max_action, numbers())}
                    </label>
                    <label class="field">
                        <span>{t!(i18n, calendar_max_nights)}</span>
                        <input type="number" name="max_stay" min="1" max=MAX_STAY_NIGHTS.to_string()
                            inputmode="numeric" value=edit.max_stay.clone()/>
                    </label>
                </div>
                <button type="submit" class="button button-primary" data-testid="calendar-preview-button">
                    {t!(i18n, calendar_preview)}
                </button>
            </form>
        </section>
    }
}

/// A day's settings in words: "4 500 ₽ (set for the date), closed, minimum 2 nights".
fn settings_text(settings: &DaySettings) -> String {
    let i18n = use_i18n();
    let price = crate::format::money(settings.price, i18n.get_locale());
    let mut parts = vec![price.clone()];
    if settings.price_set {
        parts[0] = t_string!(i18n, calendar_price_set, price = price).to_string();
    }
    if settings.closed {
        parts.push(t_string!(i18n, calendar_closed).to_string());
    }
    if settings.closed_to_arrival {
        parts.push(t_string!(i18n, calendar_no_arrival).to_string());
    }
    if let Some(n) = settings.min_stay {
        parts.push(t_string!(i18n, calendar_min_stay, count = i64::from(n)).to_string());
    }
    if let Some(n) = settings.max_stay {
        parts.push(t_string!(i18n, calendar_max_stay, count = i64::from(n)).to_string());
    }
    parts.join(", ")
}

fn dates_text(first: NaiveDate, last: NaiveDate) -> String {
    if first == last {
        short_day(first)
    } else {
        format!("{} – {}", short_day(first), short_day(last))
    }
}

/// What the edit in the URL would change, the bookings on its dates, and the form saving it.
#[component]
fn Preview(
    result: Result<CalendarPreview, crate::error::AppError>,
    edit: CalendarEditForm,
    hotel_id: String,
    save: ServerAction<SaveCalendar>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel = {
        let from = use_query_map().with_untracked(|query| query.get("from").unwrap_or_default());
        calendar_url(&hotel_id, &[("from", &from)])
    };
    let body = match result {
        Err(error) => {
            view! { <p class="form-error" role="alert">{error_text(&error)}</p> }.into_any()
        }
        Ok(preview) => view! { <PreviewBody preview edit hotel_id save/> }.into_any(),
    };
    view! {
        <section class="form-card calendar-preview" aria-labelledby="calendar-preview-title"
            data-testid="calendar-preview">
            <h2 id="calendar-preview-title">{t!(i18n, calendar_preview_title)}</h2>
            {body}
            <p><a href=cancel>{t!(i18n, calendar_cancel)}</a></p>
        </section>
    }
}

#[component]
fn PreviewBody(
    preview: CalendarPreview,
    edit: CalendarEditForm,
    hotel_id: String,
    save: ServerAction<SaveCalendar>,
) -> impl IntoView {
    let i18n = use_i18n();
    let initial = FormErrors::of_page();
    let error = latest_error(save.value(), initial.of("calendar"));
    let more = preview.total_changes.saturating_sub(preview.changes.len());
    let changes = preview
        .changes
        .into_iter()
        .map(|change| {
            view! {
                <tr>
                    <td>{change.room_name}</td>
                    <td>{dates_text(change.first, change.last)}</td>
                    <td>{settings_text(&change.before)}</td>
                    <td>{settings_text(&change.after)}</td>
                </tr>
            }
        })
        .collect_view();
    let affected = if preview.affected.is_empty() {
        view! { <p class="muted">{t!(i18n, calendar_no_bookings)}</p> }.into_any()
    } else {
        let rows = preview
            .affected
            .into_iter()
            .map(|booking| {
                view! {
                    <tr>
                        <td>{booking.reference.to_string()}</td>
                        <td>{booking.guest_name.unwrap_or_default()}" "<span class="muted">{booking.email}</span></td>
                        <td>{booking.room_name}</td>
                        <td>{format!("{} – {}", short_day(booking.date_from), short_day(booking.date_to))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p>{t!(i18n, calendar_bookings_keep)}</p>
            <div class="table-scroll">
                <table class="table" data-testid="calendar-affected">
                    <thead><tr>
                        <th scope="col">{t!(i18n, calendar_reference)}</th>
                        <th scope="col">{t!(i18n, calendar_guest)}</th>
                        <th scope="col">{t!(i18n, calendar_room_type)}</th>
                        <th scope="col">{t!(i18n, calendar_stay)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let changed = preview.dates_changed;
    let changed_count = i64::try_from(changed).unwrap_or(i64::MAX);
    // The save sends the edit previewed: the struct argument's fields as `edit[name]`.
    let hidden = edit
        .fields()
        .map(|(name, value)| {
            view! { <input type="hidden" name=format!("edit[{name}]") value=value.to_owned()/> }
        })
        .into_iter()
        .collect_view();
    view! {
        <p data-testid="calendar-changed">{t!(i18n, calendar_dates_change, count = move || changed_count)}</p>
        {(changed > 0).then(|| view! {
            <div class="table-scroll">
                <table class="table" data-testid="calendar-changes">
                    <thead><tr>
                        <th scope="col">{t!(i18n, calendar_room_type)}</th>
                        <th scope="col">{t!(i18n, calendar_dates)}</th>
                        <th scope="col">{t!(i18n, calendar_now)}</th>
                        <th scope="col">{t!(i18n, calendar_after)}</th>
                    </tr></thead>
                    <tbody>{changes}</tbody>
                </table>
            </div>
        })}
        {(more > 0).then(|| view! { <p class="muted">{t!(i18n, calendar_more, count = i64::try_from(more).unwrap_or(i64::MAX))}</p> })}
        <h3>{t!(i18n, calendar_bookings_title)}</h3>
        {affected}
        {(changed > 0).then(|| view! {
            <ActionForm action=save attr:data-testid="calendar-save-form">
                <FormError error/>
                <input type="hidden" name="hotel_id" value=hotel_id/>
                {hidden}
                <SubmitButton
                    pending=save.pending()
                    label=Signal::derive(move || t_string!(i18n, save).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, saving).to_string())
                />
            </ActionForm>
        })}
    }
}
