use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::auth_form::{form_query, latest_error};
use crate::api::auth::ForgotPassword;
use crate::components::{EmailField, FormError, PageTitle, SubmitButton};
use crate::i18n::{t, t_string, use_i18n};

/// "Forgot your password?": asks for the account's email and sends a reset link. The answer
/// is the same whether or not the email has an account. Works without JavaScript.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ForgotPassword>::new();
    let query = form_query();
    let error = latest_error(action.value(), query.error);
    let typed = query.email;
    let url = use_query_map();
    let sent =
        move || matches!(action.value().get(), Some(Ok(()))) || url.read().get("sent").is_some();
    view! {
        <PageTitle text=move || t_string!(i18n, forgot_title).to_string()/>
        <section class="auth-card">
            <h1>{t!(i18n, forgot_title)}</h1>
            <Show
                when=sent
                fallback=move || {
                    let typed = typed.clone();
                    view! {
                        <p>{t!(i18n, forgot_lead)}</p>
                        <ActionForm action attr:class="auth-form" attr:novalidate=true>
                            <FormError error/>
                            <EmailField error value=typed/>
                            <SubmitButton
                                pending=action.pending()
                                label=Signal::derive(move || t_string!(i18n, forgot_submit).to_string())
                                pending_label=Signal::derive(move || {
                                    t_string!(i18n, forgot_pending).to_string()
                                })
                            />
                        </ActionForm>
                    }
                }
            >
                <p class="notice" role="status" data-testid="reset-sent">{t!(i18n, forgot_sent)}</p>
            </Show>
            <p class="auth-switch">
                <A href="/login">{t!(i18n, forgot_back)}</A>
            </p>
        </section>
    }
}
