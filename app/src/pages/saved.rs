use leptos::prelude::*;

use crate::api::wishlist::get_guest_lists;
use crate::components::{ListedHotels, PageTitle, error_text, set_status};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::login_url;
use crate::model::wishlist::GuestLists;

/// `/saved`: the hotels the guest saved (the hearts), newest first, each with its heart to take
/// it off; signed out, those this browser keeps, with the way to keep them in an account.
#[component]
pub fn SavedPage() -> impl IntoView {
    let i18n = use_i18n();
    let lists = Resource::new(|| (), |_| get_guest_lists());
    view! {
        <PageTitle text=move || t_string!(i18n, saved_title).to_string()/>
        <section class="saved-page">
            <h1>{t!(i18n, saved_title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || {
                    lists
                        .get()
                        .map(|result| match result {
                            Ok(lists) => saved_view(lists).into_any(),
                            Err(error) => {
                                set_status(&error);
                                view! {
                                    <p class="form-error" role="alert">{error_text(&error)}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

fn saved_view(lists: GuestLists) -> impl IntoView {
    let i18n = use_i18n();
    let browser_note = (!lists.signed_in).then(|| {
        view! {
            <p class="notice" data-testid="saved-in-browser">
                {t!(i18n, saved_in_browser)}
                " "
                <a href=login_url("/saved")>{t!(i18n, saved_sign_in)}</a>
            </p>
        }
    });
    let saved = if lists.saved.is_empty() {
        view! { <p class="empty-state" data-testid="saved-empty">{t!(i18n, saved_empty)}</p> }
            .into_any()
    } else {
        view! { <ListedHotels hotels=lists.saved hearts=true/> }.into_any()
    };
    view! {
        {browser_note}
        {saved}
    }
}
