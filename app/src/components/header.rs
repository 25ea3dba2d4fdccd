use leptos::prelude::*;
use leptos_router::components::A;

use super::{AccountMenu, LanguageSwitch};
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">{t!(i18n, app_name)}</A>
            <nav class="site-nav" aria-label=move || t_string!(i18n, nav_main)>
                <A href="/">{t!(i18n, nav_home)}</A>
                <A href="/saved">{t!(i18n, nav_saved)}</A>
            </nav>
            <AccountMenu/>
            <LanguageSwitch/>
        </header>
    }
}
