//! Pieces of the catalog pages: pictures, service lists, prices.
use leptos::prelude::*;

use chrono::{Datelike, NaiveDate};

use crate::format;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::model::{
    Money, Occupancy, PictureRef, RoomLayout, VariantFormat, few_rooms_left, localized,
    localized_text,
};

/// A hotel's or room type's text in the page's language, following a switch of language in
/// place: its English version in English when the staff wrote one, else its own.
pub fn catalog_text(
    own: String,
    english: Option<String>,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let i18n = use_i18n();
    move || localized(i18n.get_locale(), &own, english.as_deref()).to_owned()
}

/// [`catalog_text`] for a text that may be missing (a description).
pub fn catalog_description(
    own: Option<String>,
    english: Option<String>,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let i18n = use_i18n();
    move || localized_text(i18n.get_locale(), own.as_deref(), english.as_deref()).map(str::to_owned)
}

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

/// Amenities as a list of chips, in the page's language (see [`amenity_text`]).
#[component]
pub fn ServiceList(services: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    (!services.is_empty()).then(|| {
        view! {
            <ul class="services" aria-label=move || t_string!(i18n, services_label)>
                {services
                    .into_iter()
                    .map(|service| view! { <li>{move || amenity_text(&service)}</li> })
                    .collect_view()}
            </ul>
        }
    })
}

/// The amenities the catalog knows by name, as hotels write them (compared case-blind, with
/// `ё` as `е` and any hyphen as `-`), and the translation of each.
const KNOWN_AMENITIES: [(&str, Amenity); 15] = [
    ("wi-fi", Amenity::Wifi),
    ("wifi", Amenity::Wifi),
    ("бесплатный wi-fi", Amenity::FreeWifi),
    ("бассейн", Amenity::Pool),
    ("ванная комната", Amenity::Bathroom),
    ("кондиционер", Amenity::AirConditioning),
    ("кондиционер в номере", Amenity::AirConditioning),
    ("кондиционер (с климат-контролем)", Amenity::ClimateControl),
    ("парковка", Amenity::Parking),
    ("тренажерный зал", Amenity::Gym),
    ("холодильник", Amenity::Fridge),
    ("завтрак", Amenity::Breakfast),
    ("спа", Amenity::Spa),
    ("ресторан", Amenity::Restaurant),
    ("можно с животными", Amenity::Pets),
];

#[derive(Clone, Copy)]
enum Amenity {
    Wifi,
    FreeWifi,
    Pool,
    Bathroom,
    AirConditioning,
    ClimateControl,
    Parking,
    Gym,
    Fridge,
    Breakfast,
    Spa,
    Restaurant,
    Pets,
}

/// An amenity as the page's language names it: in Russian the hotel's own words; in English
/// the translation of an amenity the catalog knows, else the hotel's own words.
pub fn amenity_text(service: &str) -> String {
    let i18n = use_i18n();
    if i18n.get_locale() == Locale::ru {
        return service.to_owned();
    }
    let key: String = service
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ё' => 'е',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => '-',
            c => c,
        })
        .collect();
    let Some((_, amenity)) = KNOWN_AMENITIES.iter().find(|(name, _)| *name == key) else {
        return service.to_owned();
    };
    match amenity {
        Amenity::Wifi => t_string!(i18n, amenity_wifi),
        Amenity::FreeWifi => t_string!(i18n, amenity_free_wifi),
        Amenity::Pool => t_string!(i18n, amenity_pool),
        Amenity::Bathroom => t_string!(i18n, amenity_bathroom),
        Amenity::AirConditioning => t_string!(i18n, amenity_air_conditioning),
        Amenity::ClimateControl => t_string!(i18n, amenity_climate_control),
        Amenity::Parking => t_string!(i18n, amenity_parking),
        Amenity::Gym => t_string!(i18n, amenity_gym),
        Amenity::Fridge => t_string!(i18n, amenity_fridge),
        Amenity::Breakfast => t_string!(i18n, amenity_breakfast),
        Amenity::Spa => t_string!(i18n, amenity_spa),
        Amenity::Restaurant => t_string!(i18n, amenity_restaurant),
        Amenity::Pets => t_string!(i18n, amenity_pets),
    }
    .to_string()
}

/// "Only 2 rooms left" (pluralised) when few are ([`few_rooms_left`]), as counted for this stay
/// when the page was made; otherwise only that rooms are available, so the words of scarcity
/// are never used where there is none.
#[component]
pub fn RoomsLeft(count: i64) -> impl IntoView {
    let i18n = use_i18n();
    if few_rooms_left(count) {
        view! {
            <p class="rooms-left rooms-left-few" data-testid="rooms-left">
                {t!(i18n, rooms_left, count = move || count)}
            </p>
        }
        .into_any()
    } else {
        view! { <p class="rooms-left" data-testid="rooms-left">{t!(i18n, rooms_available)}</p> }
            .into_any()
    }
}

/// The whole stay's price: "49 000 ₽ for 2 nights" (or "from ..." for the cheapest of several).
#[component]
pub fn StayTotal(total: Money, nights: i64, #[prop(optional)] from: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="stay-total" data-testid="total">
            {from.then(|| view! { <span>{t!(i18n, stay_total_from)}" "</span> })}
            <strong>{money(total)}</strong>
            " "
            <span>{t!(i18n, stay_for, count = move || nights)}</span>
        </p>
    }
}

/// An amount in the page's language, following a switch of language in place.
pub fn money(amount: Money) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || format::money(amount, i18n.get_locale())
}

/// A day in the page's language (`05.12.2026` / `5 Dec 2026`), following a switch in place.
pub fn day(date: NaiveDate) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || format::date(date, i18n.get_locale())
}

/// A moment of the back office's logs in UTC, in the page's language.
pub fn utc_time(at: chrono::DateTime<chrono::Utc>) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    move || format::utc(at, i18n.get_locale())
}

/// "Fri 04.12.2026": a night or a day as a guest reads it, in the page's language.
pub fn short_day(date: NaiveDate) -> String {
    let weekday = weekday_short(date.weekday().number_from_monday());
    format!("{weekday} {}", format::date(date, use_i18n().get_locale()))
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
    format!("{weekday} {}", format::date(date, i18n.get_locale()))
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
                    <span data-testid="night-price">{money(price)}</span>
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

/// A room type's floor area and beds ("24 м² · 1 двуспальная кровать"), as far as the staff
/// said; nothing when they said neither.
#[component]
pub fn RoomLayoutLine(layout: RoomLayout) -> impl IntoView {
    let i18n = use_i18n();
    let size = layout
        .size_m2
        .map(|size| view! { <li>{t!(i18n, room_size, size = size)}</li> });
    let double = u32::from(layout.double_beds);
    let single = u32::from(layout.single_beds);
    let doubles = (double > 0)
        .then(|| view! { <li>{t!(i18n, room_double_beds, count = move || double)}</li> });
    let singles = (single > 0)
        .then(|| view! { <li>{t!(i18n, room_single_beds, count = move || single)}</li> });
    let said = layout.size_m2.is_some() || double > 0 || single > 0;
    said.then(|| {
        view! { <ul class="room-layout" data-testid="room-layout">{size}{doubles}{singles}</ul> }
    })
}
