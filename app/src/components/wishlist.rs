//! The heart that saves a hotel, and the cards of the saved and recently viewed lists.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::{Picture, catalog_text};
use crate::api::wishlist::SetHotelSaved;
use crate::i18n::{t_string, use_i18n};
use crate::model::HotelId;
use crate::model::navigation::path_and_query;
use crate::model::wishlist::ListedHotel;

/// Saves hotel `hotel_id` (named `name`, for screen readers) or takes it off the saved list:
/// a plain form, so it works without JavaScript (the server sends the browser back to this
/// page); hydrated, it toggles in place.
#[component]
pub fn SaveButton(hotel_id: HotelId, saved: bool, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let action = ServerAction::<SetHotelSaved>::new();
    // What the last answer said, else what the page was rendered with.
    let saved = Signal::derive(move || match action.value().get() {
        Some(Ok(now)) => now,
        _ => saved,
    });
    let here = move || path_and_query(&location.pathname.get(), &location.search.get());
    let label = move || {
        let name = name.clone();
        if saved.get() {
            t_string!(i18n, saved_hotel, name = name).to_string()
        } else {
            t_string!(i18n, save_hotel, name = name).to_string()
        }
    };
    view! {
        <ActionForm action attr:class="save-form">
            <input type="hidden" name="hotel_id" value=hotel_id.to_string()/>
            <input type="hidden" name="saved" value=move || (!saved.get()).to_string()/>
            <input type="hidden" name="return_to" value=here/>
            <button
                type="submit"
                class="save-button"
                aria-pressed=move || saved.get().to_string()
                aria-label=label.clone()
                title=label
                data-testid="save-hotel"
                data-saved=move || saved.get().to_string()
                disabled=move || action.pending().get()
            >
                <span aria-hidden="true">{move || if saved.get() { "♥" } else { "♡" }}</span>
            </button>
        </ActionForm>
    }
}

/// Hotels of a list as small cards linking to their pages (tomorrow, one night).
#[component]
pub fn ListedHotels(hotels: Vec<ListedHotel>, #[prop(optional)] hearts: bool) -> impl IntoView {
    let i18n = use_i18n();
    let cards = hotels
        .into_iter()
        .map(|listed| {
            let hotel = listed.hotel;
            let href = format!("/hotels/{}", hotel.id);
            let alt = hotel.name_in(i18n.get_locale_untracked()).to_owned();
            let plain_name = alt.clone();
            let name = catalog_text(hotel.name, hotel.name_en);
            view! {
                <li class="listed-hotel" data-testid="listed-hotel">
                    <a class="listed-hotel-picture" href=href.clone() tabindex="-1" aria-hidden="true">
                        <Picture src=listed.picture alt width=400 height=200/>
                    </a>
                    <div class="listed-hotel-body">
                        <h3><a href=href>{name}</a></h3>
                        <p class="location">{hotel.location}</p>
                    </div>
                    {hearts.then(|| view! { <SaveButton hotel_id=hotel.id saved=true name=plain_name/> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="listed-hotels">{cards}</ul> }
}
