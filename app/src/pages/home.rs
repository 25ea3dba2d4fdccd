use leptos::prelude::*;

use crate::components::SearchForm;
use crate::i18n::{t, use_i18n};

/// The landing page: the hotel search form.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="hero">
            <h1>{t!(i18n, home_title)}</h1>
            <p class="hero-subtitle">{t!(i18n, home_subtitle)}</p>
            <SearchForm/>
        </section>
    }
}
