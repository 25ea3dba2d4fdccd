//! Pieces of the catalog pages: pictures, service lists, prices.
use leptos::prelude::*;

use chrono::{Datelike, NaiveDate};

use crate::i18n::{t, t_string, use_i18n};
use crate::model::{Money, Occupancy, PictureRef, VariantFormat};

/// A catalog picture at a fixed aspect ratio (no layout shift), lazily loaded; a neutral
/// placeholder when there is none. Uploaded pictures come in every size, WebP first, and the
/// browser picks by `sizes` (the width the picture takes on the page).
#[component]
pub fn Picture(
    src: Option<PictureRef>,
    #[prop(into)] alt: String,
    /// Intrinsic size, for the aspect ratio.
    width: u32,
    height: u32,
    /// The `sizes` attribute: how wide the picture is shown.
    #[prop(default = "(max-width: 640px) 100vw, 400px")]
    sizes: &'static str,
    /// Load at once (the main picture of a page) rather than when scrolled near.
    #[prop(optional)]
    eager: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let loading = if eager { "eager" } else { "lazy" };
    match src {
        Some(picture) => view! {
            <picture>
                {picture
                    .srcset(VariantFormat::WebP)
                    .map(|srcset| view! { <source type="image/webp" srcset=srcset sizes=sizes/> })}
                <img
                    class="picture"
                    src=picture.src()
                    srcset=picture.srcset(VariantFormat::Jpeg)
                    sizes=picture.srcset(VariantFormat::Jpeg).map(|_| sizes)
                    alt=alt
                    width=width
                    height=height
                    loading=loading
                    decoding="async"
                />
            </picture>
        }
        .into_any(),
        None => view! {
            <div class="picture picture-missing" role="img" aria-label=move || t_string!(i18n, picture_missing)>
                <svg viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
                    <path
                        fill="currentColor"
                        d="M4 21V5l8-3 8 3v16h-6v-4h-4v4H4zm4-12h2V7H8v2zm6 0h2V7h-2v2zm-6 4h2v-2H8v2zm6 0h2v-2h-2v2z"
                    ></path>
                </svg>
            </div>
        }
        .into_any(),
    }
}

/// Amenities as a list of chips.
#[component]
pub fn ServiceList(services: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    (!services.is_empty()).then(|| {
        view! {
            <ul class="services" aria-label=move || t_string!(i18n, services_label)>
                {services.into_iter().map(|service| view! { <li>{service}</li> }).collect_view()}
            </ul>
        }
    })
}

/// "5 rooms left", pluralised.
#[component]
pub fn RoomsLeft(count: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="rooms-left" data-testid="rooms-left">
            {t!(i18n, rooms_left, count = move || count)}
        </p>
    }
}

/// The whole stay's price: "49 000 ₽ for 2 nights" (or "from ..." for the cheapest of several).
#[component]
pub fn StayTotal(total: Money, nights: i64, #[prop(optional)] from: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="stay-total" data-testid="total">
            {from.then(|| view! { <span>{t!(i18n, stay_total_from)}" "</span> })}
            <strong>{total.format()}</strong>
            " "
            <span>{t!(i18n, stay_for, count = move || nights)}</span>
        </p>
    }
}

/// "Fri 04.12": a night or a day as a guest reads it, in the page's language.
pub fn short_day(date: NaiveDate) -> String {
    let weekday = weekday_short(date.weekday().number_from_monday());
    format!("{weekday} {}", date.format("%d.%m.%Y"))
}

/// "Fri": a weekday's short name in the page's language, from 1 (Monday) to 7 (Sunday).
pub fn weekday_short(number_from_monday: u32) -> String {
    let i18n = use_i18n();
    match number_from_monday {
        1 => t_string!(i18n, weekday_short_1),
        2 => t_string!(i18n, weekday_short_2),
        3 => t_string!(i18n, weekday_short_3),
        4 => t_string!(i18n, weekday_short_4),
        5 => t_string!(i18n, weekday_short_5),
        6 => t_string!(i18n, weekday_short_6),
        _ => t_string!(i18n, weekday_short_7),
    }
    .to_string()
}

/// "on Friday 04.12.2026" ("в пятницу 04.12.2026"): the arrival day of a restriction.
pub fn on_day(date: NaiveDate) -> String {
    let i18n = use_i18n();
    let weekday = match date.weekday().number_from_monday() {
        1 => t_string!(i18n, on_weekday_1),
        2 => t_string!(i18n, on_weekday_2),
        3 => t_string!(i18n, on_weekday_3),
        4 => t_string!(i18n, on_weekday_4),
        5 => t_string!(i18n, on_weekday_5),
        6 => t_string!(i18n, on_weekday_6),
        _ => t_string!(i18n, on_weekday_7),
    };
    format!("{weekday} {}", date.format("%d.%m.%Y"))
}

/// The price of each night of a stay from `check_in`, folded away under its title (a native
/// `<details>`, so it opens without JavaScript).
#[component]
pub fn NightlyPrices(check_in: NaiveDate, nights: Vec<Money>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = check_in
        .iter_days()
        .zip(nights)
        .map(|(night, price)| {
            view! {
                <li>
                    <span>{short_day(night)}</span>
                    <span data-testid="night-price">{price.format()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="nightly-prices" data-testid="nightly-prices">
            <summary>{t!(i18n, nightly_title)}</summary>
            <ul>{rows}</ul>
        </details>
    }
}

/// "Up to 2 adults, 3 guests".
#[component]
pub fn RoomGuests(occupancy: Occupancy) -> impl IntoView {
    let i18n = use_i18n();
    let adults = occupancy.max_adults;
    let guests = occupancy.max_adults + occupancy.max_children;
    view! {
        <p class="room-guests" data-testid="room-guests">
            {t!(i18n, room_guests, adults = adults, guests = guests)}
        </p>
    }
}
