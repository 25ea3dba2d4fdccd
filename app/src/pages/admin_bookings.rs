//! `/admin/bookings`: the bookings of the hotels the reader runs, filtered by hotel, stay and
//! booked dates, status and guest or reference, in the chosen order, 50 a page, with a link to
//! the same list as CSV. The filter is a plain GET form: the URL is the list.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::desk::desk_bookings;
use crate::components::{DeskBookings, DeskStatusText, PageTitle, RequireUser, error_text};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::desk::{BookingFilterForm, BookingList, BookingSort, DeskStatus};
use crate::model::navigation::with_query;
use crate::model::{HotelId, User};

const PAGE: &str = "/admin/bookings";

#[component]
pub fn AdminBookingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let form = move || query.with(|query| BookingFilterForm::from_fields(|name| query.get(name)));
    let list = Resource::new(form, desk_bookings);
    view! {
        <PageTitle text=move || t_string!(i18n, back_office_bookings).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office">
                    <p><a href="/admin">{t!(i18n, back_office_title)}</a></p>
                    <h1>{t!(i18n, back_office_bookings)}</h1>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || list.get().map(|result| {
                            let form = form();
                            match result {
                                Ok(list) => view! { <Listed form list/> }.into_any(),
                                Err(error) => view! {
                                    <FilterForm form=form.clone() hotels=None/>
                                    <p class="form-error" role="alert">{error_text(&error)}</p>
                                }
                                .into_any(),
                            }
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

#[component]
fn Listed(form: BookingFilterForm, list: BookingList) -> impl IntoView {
    let i18n = use_i18n();
    let carried = form.set_fields();
    let csv = with_query(&format!("{PAGE}.csv"), &carried);
    let page_link = |page: u32| {
        let page = page.to_string();
        let mut pairs = carried.clone();
        pairs.push(("page", &page));
        with_query(PAGE, &pairs)
    };
    let previous = (list.page > 1).then(|| {
        view! { <a href=page_link(list.page - 1) rel="prev">{t!(i18n, office_bookings_previous)}</a> }
    });
    let next = list.has_more.then(|| {
        view! { <a href=page_link(list.page + 1) rel="next">{t!(i18n, office_bookings_next)}</a> }
    });
    let page = list.page;
    view! {
        <FilterForm form=form.clone() hotels=list.hotels/>
        <p><a href=csv rel="external" download data-testid="bookings-csv">{t!(i18n, office_bookings_csv)}</a></p>
        <DeskBookings bookings=list.bookings testid="bookings-table"/>
        <nav class="pager" aria-label=move || t_string!(i18n, office_bookings_page, page = page).to_string()>
            {previous}
            <span>{t!(i18n, office_bookings_page, page = page)}</span>
            {next}
        </nav>
    }
}

/// The filter: a GET form to this page, filled with the URL's values.
#[component]
fn FilterForm(form: BookingFilterForm, hotels: Option<Vec<(HotelId, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let hotel = match hotels {
        Some(hotels) => {
            let current = form.hotel_id.clone();
            let options = hotels
                .into_iter()
                .map(|(id, name)| {
                    let id = id.to_string();
                    let selected = id == current;
                    view! { <option value=id selected=selected>{name}</option> }
                })
                .collect_view();
            view! {
                <label class="field">
                    <span>{t!(i18n, office_bookings_hotel)}</span>
                    <select name="hotel_id" data-testid="filter-hotel">
                        <option value="">{t!(i18n, office_bookings_all_hotels)}</option>
                        {options}
                    </select>
                </label>
            }
            .into_any()
        }
        None => view! {
            <label class="field">
                <span>{t!(i18n, office_bookings_hotel_id)}</span>
                <input type="number" name="hotel_id" min="1" value=form.hotel_id.clone()
                    data-testid="filter-hotel"/>
            </label>
        }
        .into_any(),
    };
    let date = move |name: &'static str, label: String, value: String| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input type="date" name=name value=value data-testid=format!("filter-{name}")/>
            </label>
        }
    };
    let statuses = DeskStatus::ALL
        .into_iter()
        .map(|status| {
            let selected = status.as_str() == form.status;
            view! {
                <option value=status.as_str() selected=selected>
                    <DeskStatusText status/>
                </option>
            }
        })
        .collect_view();
    let sorts = BookingSort::ALL
        .into_iter()
        .map(|sort| {
            let selected = sort.as_str() == form.sort;
            let label = match sort {
                BookingSort::CheckIn => t_string!(i18n, office_bookings_sort_check_in),
                BookingSort::CheckInDesc => t_string!(i18n, office_bookings_sort_check_in_desc),
                BookingSort::Booked => t_string!(i18n, office_bookings_sort_booked),
                BookingSort::Total => t_string!(i18n, office_bookings_sort_total),
            };
            view! { <option value=sort.as_str() selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action=PAGE class="filter-form bookings-filter" data-testid="bookings-filter">
            {hotel}
            {date("stay_from", t_string!(i18n, office_bookings_stay_from).to_string(), form.stay_from.clone())}
            {date("stay_to", t_string!(i18n, office_bookings_stay_to).to_string(), form.stay_to.clone())}
            {date("booked_from", t_string!(i18n, office_bookings_booked_from).to_string(), form.booked_from.clone())}
            {date("booked_to", t_string!(i18n, office_bookings_booked_to).to_string(), form.booked_to.clone())}
            <label class="field">
                <span>{t!(i18n, office_bookings_status)}</span>
                <select name="status" data-testid="filter-status">
                    <option value="">{t!(i18n, office_bookings_any_status)}</option>
                    {statuses}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, office_bookings_query)}</span>
                <input type="search" name="q" value=form.q.clone() data-testid="filter-q"/>
            </label>
            <label class="field">
                <span>{t!(i18n, office_bookings_sort)}</span>
                <select name="sort" data-testid="filter-sort">{sorts}</select>
            </label>
            <button type="submit" class="button">{t!(i18n, office_bookings_show)}</button>
        </form>
    }
}
