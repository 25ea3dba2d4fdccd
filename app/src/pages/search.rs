use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::use_query_map;

use crate::api::hotels::search_hotels;
use crate::components::{
    Picture, RoomsLeft, SaveButton, SearchForm, ServiceList, StayTotal, catalog_text, error_text,
    set_status,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{HotelOffer, HotelSearch, Party, SearchParams, SearchResults, SortOrder};

/// `/search?location&date_from&date_to&sort&page`: hotels with a room free for the dates.
/// Everything lives in the URL, so results can be shared and the back button works.
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        query.with(|query| SearchParams {
            location: query.get("location"),
            date_from: query.get("date_from"),
            date_to: query.get("date_to"),
            sort: query.get("sort"),
            page: query.get("page"),
            adults: query.get("adults"),
            children: query.get("children"),
        })
    });
    let results = Resource::new(
        move || params.get(),
        |params| {
            search_hotels(
                params.location,
                params.date_from,
                params.date_to,
                params.sort,
                params.page,
                params.adults,
                params.children,
            )
        },
    );

    view! {
        <PageTitle text=move || t_string!(i18n, search_title).to_string()/>
        <section class="search-page">
            {move || {
                let params = params.get();
                // A party that does not parse shows the default; the results say what is wrong.
                let party = Party::parse(params.adults.as_deref(), params.children.as_deref())
                    .unwrap_or_default();
                view! {
                    <SearchForm
                        location=params.location.unwrap_or_default()
                        check_in=params.date_from
                        check_out=params.date_to
                        party
                    />
                }
            }}
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || {
                    results
                        .get()
                        .map(|result| match result {
                            Ok(found) => results_view(found).into_any(),
                            Err(error) => {
                                set_status(&error);
                                view! {
                                    <p class="form-error" role="alert" data-testid="search-error">
                                        {error_text(&error)}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

fn results_view(found: SearchResults) -> impl IntoView {
    let i18n = use_i18n();
    let search = found.search;
    let has_more = found.has_more;
    let saved_ids = found.saved;
    if found.hotels.is_empty() {
        if search.page == 1 {
            return view! {
                <div class="empty-state" data-testid="no-results">
                    <h2>{t!(i18n, search_empty_title)}</h2>
                    <p>{t!(i18n, search_empty_text)}</p>
                </div>
            }
            .into_any();
        }
        let first = HotelSearch { page: 1, ..search };
        return view! {
            <div class="empty-state" data-testid="no-results">
                <p>{t!(i18n, page_past_end)}</p>
                <a class="button" href=format!("/search?{}", first.to_query())>
                    {t!(i18n, page_first)}
                </a>
            </div>
        }
        .into_any();
    }
    let nights = search.stay.nights();
    view! {
        <div class="results-bar">
            <h1 class="results-title" data-testid="results-title">
                {t!(i18n, search_results_title, count = move || nights)}
            </h1>
            <SortLinks search=search.clone()/>
        </div>
        <ul class="hotel-list" data-testid="hotel-list">
            {found
                .hotels
                .into_iter()
                .map(|offer| {
                    let saved = saved_ids.contains(&offer.hotel.id);
                    view! { <li><HotelCard offer search=search.clone() saved/></li> }
                })
                .collect_view()}
        </ul>
        <Pagination search has_more/>
    }
    .into_any()
}

/// One hotel in the results, linking to its page for the same dates and guests (and the rest
/// of the search, for the way back).
#[component]
fn HotelCard(offer: HotelOffer, search: HotelSearch, saved: bool) -> impl IntoView {
    let i18n = use_i18n();
    let plain_name = offer.hotel.name_in(i18n.get_locale_untracked()).to_owned();
    let href = format!("/hotels/{}?{}", offer.hotel.id, search.to_query());
    let nights = search.stay.nights();
    let name = catalog_text(offer.hotel.name.clone(), offer.hotel.name_en.clone());
    view! {
        <article class="hotel-card" data-testid="hotel-card">
            <a class="hotel-card-picture" href=href.clone() tabindex="-1" aria-hidden="true">
                <Picture src=offer.picture alt="" width=400 height=200/>
            </a>
            <div class="hotel-card-body">
                <div class="hotel-title">
                    <h2 class="hotel-card-name">
                        <a href=href.clone()>{name}</a>
                    </h2>
                    <SaveButton hotel_id=offer.hotel.id saved name=plain_name/>
                </div>
                <p class="location">{offer.hotel.location}</p>
                <ServiceList services=offer.hotel.services/>
            </div>
            <div class="hotel-card-offer">
                <RoomsLeft count=offer.rooms_left/>
                <StayTotal total=offer.min_total nights from=true/>
                <a class="button button-primary" href=href>{t!(i18n, choose_room)}</a>
            </div>
        </article>
    }
    .into_any()
}

#[component]
fn SortLinks(search: HotelSearch) -> impl IntoView {
    let i18n = use_i18n();
    let link = move |sort: SortOrder| {
        let target = HotelSearch {
            sort,
            page: 1,
            ..search.clone()
        };
        let current = (search.sort == sort).then_some("true");
        (format!("/search?{}", target.to_query()), current)
    };
    let (price_href, price_current) = link(SortOrder::Price);
    let (name_href, name_current) = link(SortOrder::Name);
    view! {
        <nav class="sort-links" aria-label=move || t_string!(i18n, sort_label)>
            <span>{t!(i18n, sort_label)}</span>
            <a href=price_href aria-current=price_current>{t!(i18n, sort_price)}</a>
            <a href=name_href aria-current=name_current>{t!(i18n, sort_name)}</a>
        </nav>
    }
}

#[component]
fn Pagination(search: HotelSearch, has_more: bool) -> impl IntoView {
    let i18n = use_i18n();
    if search.page == 1 && !has_more {
        return ().into_any();
    }
    let page = search.page;
    let href = move |page: u32| {
        format!(
            "/search?{}",
            HotelSearch {
                page,
                ..search.clone()
            }
            .to_query()
        )
    };
    let previous = (page > 1).then(|| href(page - 1));
    let next = has_more.then(|| href(page + 1));
    view! {
        <nav class="pagination" aria-label=move || t_string!(i18n, pagination_label)>
            {previous.map(|href| view! { <a href=href rel="prev">{t!(i18n, page_prev)}</a> })}
            <span data-testid="page-number">{t!(i18n, page_number, page = page)}</span>
            {next.map(|href| view! { <a href=href rel="next">{t!(i18n, page_next)}</a> })}
        </nav>
    }
    .into_any()
}
