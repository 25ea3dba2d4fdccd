use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::components::A;

use super::auth_form::{form_query, latest_error};
use crate::components::{EmailField, FieldError, FormError, SubmitButton};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::login_url;
use crate::session::use_session;

/// Sign-up: email and a new password; signs the new account in. Works without JavaScript.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = form_query();
    let error = latest_error(session.register.value(), query.error);
    let pending = session.register.pending();
    let login = login_url(&query.return_to);
    view! {
        <PageTitle text=move || t_string!(i18n, register_title).to_string()/>
        <section class="auth-card">
            <h1>{t!(i18n, register_title)}</h1>
            <ActionForm action=session.register attr:class="auth-form" attr:novalidate=true>
                <FormError error/>
                <input type="hidden" name="return_to" value=query.return_to/>
                <EmailField error value=query.email/>
                <label class="field">
                    <span>{t!(i18n, field_password)}</span>
                    <input type="password" name="password" required autocomplete="new-password"/>
                    <small class="field-hint">{t!(i18n, field_password_hint)}</small>
                </label>
                <FieldError error field="password"/>
                <SubmitButton
                    pending
                    label=Signal::derive(move || t_string!(i18n, register_submit).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, register_pending).to_string())
                />
            </ActionForm>
            <p class="auth-switch">
                {t!(i18n, register_have_account)} " " <A href=login>{t!(i18n, nav_login)}</A>
            </p>
        </section>
    }
}
