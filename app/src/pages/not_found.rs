use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::components::A;

use crate::i18n::{t, t_string, use_i18n};

/// Shown for any path no route matches; answers with HTTP 404 when rendered on the server.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <PageTitle text=move || t_string!(i18n, not_found_title).to_string()/>
        <section class="not-found">
            <p class="not-found-code">"404"</p>
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_text)}</p>
            <A href="/" attr:class="button">{t!(i18n, not_found_home)}</A>
        </section>
    }
}
