use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::components::A;

use super::auth_form::{form_query, latest_error};
use crate::components::{EmailField, FieldError, FormError, SubmitButton};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::with_query;
use crate::session::use_session;

/// Email and password; comes back to `return_to` after signing in. Works without JavaScript.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = form_query();
    let error = latest_error(session.login.value(), query.error);
    let pending = session.login.pending();
    let register = with_query("/register", &[("return_to", &query.return_to)]);
    view! {
        <PageTitle text=move || t_string!(i18n, login_title).to_string()/>
        <section class="auth-card">
            <h1>{t!(i18n, login_title)}</h1>
            <ActionForm action=session.login attr:class="auth-form" attr:novalidate=true>
                <FormError error/>
                <input type="hidden" name="return_to" value=query.return_to/>
                <EmailField error value=query.email/>
                <label class="field">
                    <span>{t!(i18n, field_password)}</span>
                    <input
                        type="password"
                        name="password"
                        required
                        autocomplete="current-password"
                    />
                </label>
                <FieldError error field="password"/>
                <p class="auth-forgot">
                    <A href="/forgot-password">{t!(i18n, login_forgot)}</A>
                </p>
                <SubmitButton
                    pending
                    label=Signal::derive(move || t_string!(i18n, login_submit).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, login_pending).to_string())
                />
            </ActionForm>
            <p class="auth-switch">
                {t!(i18n, login_no_account)} " " <A href=register>{t!(i18n, nav_register)}</A>
            </p>
        </section>
    }
}
