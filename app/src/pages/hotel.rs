use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::NotFoundPage;
use crate::api::hotels::{SubscribeAlert, get_hotel};
use crate::components::{
    GuestFields, NightlyPrices, Picture, RoomGuests, RoomLayoutLine, RoomsLeft, SaveButton,
    ServiceList, StayTotal, catalog_description, catalog_text, drop_unnamed_fields, error_text,
    live_rooms_left, refusal_text, set_status,
};
use crate::error::AppError;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::{login_url, with_query};
use crate::model::{
    Hotel, HotelDetails, HotelId, HotelSearch, LocationQuery, Party, PictureRef, RoomOffer,
    SortOrder, StayDates,
};

/// `/hotels/:id?date_from&date_to&adults&children`: the hotel, and each room type that takes
/// the guests with its price night by night, total and free rooms for the dates, with a way to
/// book the free ones (or why the hotel's rules refuse the dates). Unknown hotel: the 404 page.
#[component]
pub fn HotelPage() -> impl IntoView {
    let i18n = use_i18n();
    let path = use_params_map();
    let query = use_query_map();
    let request = Memo::new(move |_| {
        (
            path.with(|path| path.get("id").unwrap_or_default()),
            query.with(|query| query.get("date_from")),
            query.with(|query| query.get("date_to")),
            query.with(|query| query.get("adults")),
            query.with(|query| query.get("children")),
        )
    });
    let details = Resource::new(
        move || request.get(),
        |(id, date_from, date_to, adults, children)| {
            get_hotel(id, date_from, date_to, adults, children)
        },
    );

    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || {
                details
                    .get()
                    .map(|result| match result {
                        Ok(details) => hotel_view(details).into_any(),
                        Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                        Err(error) => {
                            set_status(&error);
                            let (hotel_id, date_from, date_to, adults, children) =
                                request.get_untracked();
                            let party = Party::parse(adults.as_deref(), children.as_deref())
                                .unwrap_or_default();
                            let place = query.with_untracked(|query| query.get("location"));
                            // The dates or guests did not parse: the hotel itself is fine.
                            let input = matches!(error, AppError::Invalid(_) | AppError::InvalidStay(_));
                            view! {
                                <PageTitle text=move || t_string!(i18n, hotel_title).to_string()/>
                                <article class="hotel-page">
                                    {back_to_results(results_without_stay())}
                                    {input.then(|| view! { <HeaderWithoutStay hotel_id=hotel_id.clone()/> })}
                                    <section class="stay-dates" aria-labelledby="stay-dates-title">
                                        <h2 id="stay-dates-title">{t!(i18n, hotel_dates)}</h2>
                                        <p class="form-error" role="alert" data-testid="hotel-error">
                                            {error_text(&error)}
                                        </p>
                                        <DatesForm
                                            hotel_id
                                            date_from=date_from.unwrap_or_default()
                                            date_to=date_to.unwrap_or_default()
                                            party
                                            place
                                        />
                                    </section>
                                </article>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

/// The search results this hotel was chosen from: the search's place, order and page ride along
/// in the hotel's URL (the hotel ignores them), so "back to results" returns to them, for the
/// dates and guests now on the page.
fn results_search(stay: StayDates, party: Party) -> HotelSearch {
    use_query_map().with_untracked(|query| HotelSearch {
        location: query
            .get_str("location")
            .and_then(|raw| LocationQuery::parse(raw).ok()),
        stay,
        party,
        sort: query
            .get_str("sort")
            .map(SortOrder::parse)
            .unwrap_or_default(),
        page: HotelSearch::parse_page(query.get_str("page")).unwrap_or(1),
    })
}

/// The hotel's name, place, hours, services and picture.
fn hotel_header(details: &HotelDetails) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let hotel = details.hotel.clone();
    let alt = hotel.name_in(i18n.get_locale_untracked()).to_owned();
    let name = catalog_text(hotel.name, hotel.name_en);
    let check_in = format::time_of_day(details.check_in_time);
    let check_out = format::time_of_day(details.check_out_time);
    let hours = move || {
        let (check_in, check_out) = (check_in.clone(), check_out.clone());
        t_string!(
            i18n,
            hotel_hours,
            check_in = check_in,
            check_out = check_out
        )
        .to_string()
    };
    let picture = details.picture.clone();
    let heart = view! { <SaveButton hotel_id=hotel.id saved=details.saved name=alt.clone()/> };
    view! {
        <header class="hotel-header">
            <div class="hotel-header-text">
                <div class="hotel-title">
                    <h1 data-testid="hotel-name">{name}</h1>
                    {heart}
                </div>
                <p class="location">{hotel.location}</p>
                <p class="hotel-hours" data-testid="hotel-hours">{hours}</p>
                <ServiceList services=hotel.services/>
                <AdminPicturesLink hotel_id=hotel.id/>
            </div>
            <Picture
                src=picture
                alt=alt
                width=1000
                height=500
                sizes="(max-width: 1040px) 100vw, 1000px"
                eager=true
            />
        </header>
    }
}

/// The hotel's other pictures in the staff's order: a strip that scrolls sideways (a swipe a
/// picture on a phone), each a plain link to the picture at full size (no JavaScript needed).
fn gallery(pictures: Vec<PictureRef>, hotel: Hotel) -> impl IntoView {
    let i18n = use_i18n();
    // With the main picture above it.
    let total = pictures.len() + 1;
    (!pictures.is_empty()).then(|| {
        let items = pictures
            .into_iter()
            .enumerate()
            .map(|(i, picture)| {
                let name = hotel.name_in(i18n.get_locale_untracked()).to_owned();
                let n = i + 2;
                let alt = t_string!(i18n, gallery_photo, name = name, n = n, total = total);
                let href = picture.largest();
                view! {
                    <li>
                        <a href=href data-testid="gallery-photo">
                            <Picture
                                src=Some(picture)
                                alt=alt.to_string()
                                width=400
                                height=200
                                sizes="(max-width: 640px) 80vw, 320px"
                            />
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="gallery" aria-label=move || t_string!(i18n, gallery_label)>
                <ul class="gallery-strip" data-testid="gallery">{items}</ul>
            </section>
        }
    })
}

/// The hotel's header when the page's dates or guests could not be read: the hotel is still
/// there (loaded for the default stay), above the error and the form to put them right.
#[component]
fn HeaderWithoutStay(hotel_id: String) -> impl IntoView {
    let hotel = Resource::new(
        || (),
        move |_| get_hotel(hotel_id.clone(), None, None, None, None),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || {
                hotel
                    .get()
                    .and_then(Result::ok)
                    .map(|details| hotel_header(&details))
            }}
        </Suspense>
    }
}

/// The way back to the search results.
fn back_to_results(href: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="breadcrumbs">
            <a href=href>{t!(i18n, hotel_back)}</a>
        </nav>
    }
}

/// The results to go back to when the page's dates did not parse: the place and guests only.
fn results_without_stay() -> String {
    use_query_map().with_untracked(|query| {
        let kept = ["location", "adults", "children"]
            .map(|name| (name, query.get(name).unwrap_or_default()));
        let pairs = kept.each_ref().map(|(name, value)| (*name, value.as_str()));
        with_query("/search", &pairs)
    })
}

/// For admins: the way to this hotel's pictures.
#[component]
fn AdminPicturesLink(hotel_id: HotelId) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    view! {
        <Transition fallback=|| ()>
            {move || {
                session
                    .user
                    .get()
                    .and_then(|user| user.ok().flatten())
                    .filter(|user| user.is_admin())
                    .map(|_| {
                        view! {
                            <a href=format!("/admin/hotels/{hotel_id}/pictures") data-testid="edit-pictures">
                                {t!(i18n, pictures_edit)}
                            </a>
                        }
                    })
            }}
        </Transition>
    }
}

fn hotel_view(details: HotelDetails) -> impl IntoView {
    let i18n = use_i18n();
    let header = hotel_header(&details);
    let description = catalog_description(details.description, details.description_en);
    let description = move || {
        description().map(|text| {
            view! { <p class="hotel-description" data-testid="hotel-description">{text}</p> }
        })
    };
    let hotel = details.hotel;
    let stay = details.stay;
    let party = details.party.unwrap_or_default();
    let document_title = catalog_text(hotel.name.clone(), hotel.name_en.clone());
    let search = results_search(stay, party);
    let place = search
        .location
        .as_ref()
        .map(|place| place.as_str().to_owned());
    let search_href = format!("/search?{}", search.to_query());
    // Room types that take the party, none of them bookable: the guest may ask to be told.
    let full = !details.rooms.is_empty() && details.rooms.iter().all(|offer| offer.bookable() == 0);
    let rendered = (details.rooms.iter())
        .map(|offer| (offer.room.id, offer.rooms_left))
        .collect();
    let left_of = live_rooms_left(hotel.id, stay, rendered);
    view! {
        <PageTitle text=document_title/>
        <article class="hotel-page">
            {back_to_results(search_href)}
            {header}
            {gallery(details.gallery, hotel.clone())}
            {description}
            <section class="stay-dates" aria-labelledby="stay-dates-title">
                <h2 id="stay-dates-title">{t!(i18n, hotel_dates)}</h2>
                <DatesForm
                    hotel_id=hotel.id.to_string()
                    date_from=stay.check_in().to_string()
                    date_to=stay.check_out().to_string()
                    party
                    place
                    sort=search.sort.as_str().to_owned()
                />
            </section>
            <section class="rooms" aria-labelledby="rooms-title">
                <h2 id="rooms-title">{t!(i18n, hotel_rooms)}</h2>
                {details.rooms.is_empty().then(|| view! {
                    <p class="empty-state" data-testid="no-rooms">
                        {t!(
                            i18n,
                            hotel_no_rooms_for_party,
                            adults = party.adults,
                            children = party.children
                        )}
                    </p>
                })}
                {full.then(|| view! { <AlertOffer hotel_id=hotel.id stay party/> })}
                <ul class="room-list" data-testid="room-list">
                    {details
                        .rooms
                        .into_iter()
                        .map(|offer| {
                            let left = left_of(offer.room.id);
                            view! { <li><RoomCard offer stay party left/></li> }
                        })
                        .collect_view()}
                </ul>
            </section>
        </article>
    }
}

/// "Tell me when a room frees up": the subscribe button for a signed-in guest (a plain form:
/// works without JavaScript), the way to log in for others; after subscribing, that it is done.
#[component]
fn AlertOffer(hotel_id: HotelId, stay: StayDates, party: Party) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let action = ServerAction::<SubscribeAlert>::new();
    let done = use_query_map().with_untracked(|query| query.get("alert").is_some());
    let here = format!(
        "/hotels/{hotel_id}?{}&{}",
        stay.to_query(),
        party.to_query()
    );
    view! {
        <div class="alert-offer" data-testid="alert-offer">
            {if done {
                view! { <p class="notice" role="status" data-testid="alert-done">{t!(i18n, alert_subscribed)}</p> }
                    .into_any()
            } else {
                view! {
                    <p>{t!(i18n, alert_offer)}</p>
                    <Transition fallback=|| ()>
                        {
                            let here = here.clone();
                            move || {
                                let signed_in = session
                                    .user
                                    .get()
                                    .and_then(|user| user.ok().flatten())
                                    .is_some();
                                if signed_in {
                                    view! {
                                        <ActionForm action attr:class="alert-form">
                                            <input type="hidden" name="hotel_id" value=hotel_id.to_string()/>
                                            <input type="hidden" name="date_from" value=stay.check_in().to_string()/>
                                            <input type="hidden" name="date_to" value=stay.check_out().to_string()/>
                                            <input type="hidden" name="adults" value=party.adults.to_string()/>
                                            <input type="hidden" name="children" value=party.children.to_string()/>
                                            <button type="submit" class="button" data-testid="alert-subscribe">
                                                {t!(i18n, alert_subscribe)}
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <a class="button" href=login_url(&here) data-testid="alert-login">
                                            {t!(i18n, alert_login)}
                                        </a>
                                    }
                                        .into_any()
                                }
                            }
                        }
                    </Transition>
                }
                    .into_any()
            }}
        </div>
    }
}

/// One room type: what it is, what the stay costs night by night, how many are free (`left`,
/// following other guests' bookings), and "Book" (or why the hotel's rules refuse these dates).
#[component]
fn RoomCard(offer: RoomOffer, stay: StayDates, party: Party, left: Signal<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let room = offer.room;
    let book_href = format!(
        "/book?room_id={}&{}&{}",
        room.id,
        stay.to_query(),
        party.to_query()
    );
    let refusal = offer.refusal;
    let alt = room.name_in(i18n.get_locale_untracked()).to_owned();
    let name = catalog_text(room.name.clone(), room.name_en.clone());
    let described = room.clone();
    let description = move || {
        described
            .description_in(i18n.get_locale())
            .map(|text| view! { <p class="description">{text.to_owned()}</p> })
    };
    view! {
        <article class="room-card" data-testid="room-card" data-room-id=room.id.get()>
            <Picture src=offer.picture alt width=400 height=200/>
            <div class="room-card-body">
                <h3>{name}</h3>
                {description}
                <ServiceList services=room.services/>
                <RoomGuests occupancy=room.occupancy/>
                <RoomLayoutLine layout=room.layout/>
            </div>
            <div class="room-card-offer">
                <StayTotal total=offer.total_cost nights=stay.nights()/>
                <NightlyPrices check_in=stay.check_in() nights=offer.nights/>
                {move || match (refusal, left.get()) {
                    (Some(refusal), _) => view! {
                        <p class="refusal" data-testid="refusal">{refusal_text(refusal)}</p>
                    }
                        .into_any(),
                    (None, 0) => view! {
                        <p class="sold-out" data-testid="sold-out">{t!(i18n, sold_out)}</p>
                    }
                        .into_any(),
                    (None, left) => view! {
                        <RoomsLeft count=left/>
                        <a class="button button-primary" href=book_href.clone() data-testid="book">
                            {t!(i18n, book)}
                        </a>
                    }
                        .into_any(),
                }}
            </div>
        </article>
    }
    .into_any()
}

/// Check-in, check-out and guests for this hotel; submitting reloads the page for them, keeping
/// the place searched for (for "back to results").
#[component]
fn DatesForm(
    hotel_id: String,
    date_from: String,
    date_to: String,
    party: Party,
    place: Option<String>,
    /// The results' order, kept for the way back (their page is not: other dates, other pages).
    #[prop(optional)]
    sort: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Form
            method="GET"
            action=format!("/hotels/{hotel_id}")
            on_form_data=drop_unnamed_fields()
            attr:class="dates-form"
        >
            <label class="field">
                <span>{t!(i18n, search_check_in)}</span>
                <input type="date" name="date_from" required value=date_from/>
            </label>
            <label class="field">
                <span>{t!(i18n, search_check_out)}</span>
                <input type="date" name="date_to" required value=date_to/>
            </label>
            <GuestFields party/>
            {place.map(|place| view! { <input type="hidden" name="location" value=place/> })}
            {sort.map(|sort| view! { <input type="hidden" name="sort" value=sort/> })}
            <button type="submit" class="button">{t!(i18n, hotel_change_dates)}</button>
        </Form>
    }
}
