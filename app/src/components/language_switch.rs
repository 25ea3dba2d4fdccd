use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_router::hooks::use_location;

use crate::i18n::{Locale, t, t_string, use_i18n};

/// Where the no-JavaScript form posts; the server sets the locale cookie and redirects back.
pub const LOCALE_ENDPOINT: &str = "/locale";

/// Russian / English buttons. A plain form (works without JavaScript); once hydrated, a click
/// switches the language in place without a reload.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let return_to = move || {
        crate::model::navigation::path_and_query(&location.pathname.get(), &location.search.get())
    };
    let choose = move |event: leptos::ev::SubmitEvent| {
        let chosen = event
            .submitter()
            .and_then(|button| button.get_attribute("value"))
            .and_then(|value| value.parse::<Locale>().ok());
        if let Some(locale) = chosen {
            event.prevent_default();
            i18n.set_locale(locale);
        }
    };
    let button = move |locale: Locale| {
        let current = move || i18n.get_locale() == locale;
        let label = match locale {
            Locale::ru => t!(i18n, language_ru).into_any(),
            Locale::en => t!(i18n, language_en).into_any(),
        };
        view! {
            <button
                type="submit"
                name="locale"
                value=locale.as_str()
                class:active=current
                aria-pressed=move || current().to_string()
            >
                {label}
            </button>
        }
    };
    view! {
        <form
            class="language-switch"
            method="post"
            action=LOCALE_ENDPOINT
            on:submit=choose
            aria-label=move || t_string!(i18n, language)
        >
            <input type="hidden" name="return_to" prop:value=return_to value=return_to/>
            {button(Locale::ru)}
            {button(Locale::en)}
        </form>
    }
}
