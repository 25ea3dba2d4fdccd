use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <p>{t!(i18n, footer_about)}</p>
            <p>
                <a href="/saved" data-testid="footer-saved">{t!(i18n, nav_saved)}</a>
            </p>
            <p class="site-footer-rights">{t!(i18n, footer_rights)}</p>
        </footer>
    }
}
