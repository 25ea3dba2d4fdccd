//! `/admin`: the back office's home. The hotels the user runs, and who arrives and leaves today.
use leptos::prelude::*;

use crate::api::back_office::get_front_desk;
use crate::components::{DeskBookings, PageTitle, RequireUser, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::back_office::FrontDesk;

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let desk = Resource::new(|| (), |_| get_front_desk());
    view! {
        <PageTitle text=move || t_string!(i18n, back_office_title).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office">
                    <h1>{t!(i18n, back_office_title)}</h1>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || desk.get().map(|result| match result {
                            Ok(desk) => view! { <Desk desk/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

#[component]
fn Desk(desk: FrontDesk) -> impl IntoView {
    let i18n = use_i18n();
    let today = crate::format::date(desk.today, i18n.get_locale());
    let hotels = desk
        .hotels
        .into_iter()
        .map(|hotel| {
            let href = format!("/admin/hotels/{}", hotel.id);
            view! {
                <li>
                    <a href=href>{hotel.name}</a>
                    " · "{hotel.location}
                    {hotel.archived.then(|| view! { " " <span class="badge">{t!(i18n, archived)}</span> })}
                </li>
            }
        })
        .collect_view();
    let admin_links = desk.admin.then(|| {
        view! {
            <li><a href="/admin/users">{t!(i18n, nav_users)}</a></li>
            <li><a href="/admin/jobs">{t!(i18n, jobs_title)}</a></li>
        }
    });
    view! {
        <nav aria-label=move || t_string!(i18n, back_office_title).to_string() class="back-office-nav">
            <ul class="inline-list">
                <li><a href="/admin/hotels">{t!(i18n, back_office_hotels)}</a></li>
                <li><a href="/admin/bookings">{t!(i18n, back_office_bookings)}</a></li>
                <li><a href="/admin/audit">{t!(i18n, audit_title)}</a></li>
                {admin_links}
            </ul>
        </nav>
        <h2>{t!(i18n, back_office_your_hotels)}</h2>
        <ul class="hotel-links" data-testid="desk-hotels">{hotels}</ul>
        <h2>{t!(i18n, desk_arrivals, day = today.clone())}</h2>
        <DeskBookings bookings=desk.arrivals testid="arrivals"/>
        <h2>{t!(i18n, desk_departures, day = today)}</h2>
        <DeskBookings bookings=desk.departures testid="departures"/>
    }
}
