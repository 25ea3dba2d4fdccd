//! `/admin/hotels`: the hotels the user runs, with what hangs on each, and (admins) the form
//! that adds one.
use leptos::prelude::*;

use super::auth_form::{form_query, latest_error};
use crate::api::back_office::{SaveHotel, staff_hotels};
use crate::components::{FormError, HotelFields, PageTitle, RequireUser, SubmitButton, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::catalog_edit::StaffHotel;

#[component]
pub fn AdminHotelsPage() -> impl IntoView {
    let i18n = use_i18n();
    let hotels = Resource::new(|| (), |_| staff_hotels());
    view! {
        <PageTitle text=move || t_string!(i18n, back_office_hotels).to_string()/>
        <RequireUser children=move |user: User| {
            let admin = user.is_admin();
            view! {
                <section class="back-office">
                    <p><a href="/admin">{t!(i18n, back_office_title)}</a></p>
                    <h1>{t!(i18n, back_office_hotels)}</h1>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || hotels.get().map(|result| match result {
                            Ok(hotels) => view! { <HotelTable hotels/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                    {admin.then(|| view! { <NewHotelForm/> })}
                </section>
            }
        }/>
    }
}

#[component]
fn HotelTable(hotels: Vec<StaffHotel>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = hotels
        .into_iter()
        .map(|hotel| {
            let href = format!("/admin/hotels/{}", hotel.id);
            view! {
                <tr class:archived=hotel.archived>
                    <td>
                        <a href=href>{hotel.draft.name}</a>
                        {hotel.archived.then(|| view! { " " <span class="badge">{t!(i18n, archived)}</span> })}
                    </td>
                    <td>{hotel.draft.location}</td>
                    <td class="number">{hotel.room_types}</td>
                    <td class="number">{hotel.rooms}</td>
                    <td class="number">{hotel.upcoming_bookings}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="staff-hotels">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, field_name)}</th>
                        <th scope="col">{t!(i18n, field_location)}</th>
                        <th scope="col">{t!(i18n, back_office_room_types)}</th>
                        <th scope="col">{t!(i18n, back_office_rooms)}</th>
                        <th scope="col">{t!(i18n, back_office_upcoming)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn NewHotelForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveHotel>::new();
    let error = latest_error(action.value(), form_query().error);
    view! {
        <section class="form-card" aria-labelledby="new-hotel-title">
            <h2 id="new-hotel-title">{t!(i18n, back_office_new_hotel)}</h2>
            <ActionForm action attr:data-testid="new-hotel-form">
                <FormError error/>
                <HotelFields draft=None error/>
                <SubmitButton
                    pending=action.pending()
                    label=Signal::derive(move || t_string!(i18n, back_office_create).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, saving).to_string())
                />
            </ActionForm>
        </section>
    }
}
