use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::wishlist::get_guest_lists;
use crate::components::{ListedHotels, SearchForm};
use crate::i18n::{t, use_i18n};
use crate::session::refresh_user_when;

/// The landing page: the hotel search form.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let deleted = use_query_map().with_untracked(|query| query.get("account_deleted").is_some());
    // Signed out by the deletion: the header's copy of the user is stale.
    if deleted {
        refresh_user_when(|| true);
    }
    view! {
        <section class="hero">
            {deleted
                .then(|| {
                    view! {
                        <p class="notice" role="status" data-testid="account-deleted">
                            {t!(i18n, home_account_deleted)}
                        </p>
                    }
                })}
            <h1>{t!(i18n, home_title)}</h1>
            <p class="hero-subtitle">{t!(i18n, home_subtitle)}</p>
            <SearchForm/>
        </section>
        <RecentlyViewed/>
    }
}

/// The hotels this guest looked at lately, each a way back to its page (nothing when none).
#[component]
fn RecentlyViewed() -> impl IntoView {
    let i18n = use_i18n();
    let lists = Resource::new(|| (), |_| get_guest_lists());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                lists
                    .get()
                    .and_then(Result::ok)
                    .filter(|lists| !lists.viewed.is_empty())
                    .map(|lists| {
                        view! {
                            <section
                                class="recently-viewed"
                                aria-labelledby="viewed-title"
                                data-testid="recently-viewed"
                            >
                                <h2 id="viewed-title">{t!(i18n, viewed_title)}</h2>
                                <ListedHotels hotels=lists.viewed/>
                            </section>
                        }
                    })
            }}
        </Suspense>
    }
}
