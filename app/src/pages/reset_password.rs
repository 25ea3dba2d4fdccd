use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::auth_form::{form_query, latest_error};
use crate::api::auth::ResetPassword;
use crate::api::auth::check_password_reset;
use crate::components::{FormError, PageTitle, PasswordField, SubmitButton, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::refresh_user_when;

/// The page of an emailed reset link: a new password, once. A used, expired or altered link
/// says so (410) and offers a new one. Works without JavaScript.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_query_map()
        .with_untracked(|query| query.get("token"))
        .unwrap_or_default();
    let check = {
        let token = token.clone();
        Resource::new(|| (), move |_| check_password_reset(token.clone()))
    };
    view! {
        <PageTitle text=move || t_string!(i18n, reset_title).to_string()/>
        <section class="auth-card">
            <h1>{t!(i18n, reset_title)}</h1>
            <Suspense>
                {move || {
                    let token = token.clone();
                    check
                        .get()
                        .map(|checked| match checked {
                            Ok(()) => view! { <ResetForm token/> }.into_any(),
                            Err(error) => {
                                view! {
                                    {failed(error)}
                                    <p class="auth-switch">
                                        <A href="/forgot-password">{t!(i18n, reset_ask_again)}</A>
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn ResetForm(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ResetPassword>::new();
    refresh_user_when(move || matches!(action.value().get(), Some(Ok(_))));
    let error = latest_error(action.value(), form_query().error);
    view! {
        <ActionForm action attr:class="auth-form" attr:novalidate=true>
            <FormError error/>
            <input type="hidden" name="token" value=token/>
            <PasswordField
                error
                name="password"
                autocomplete="new-password"
                label=Signal::derive(move || t_string!(i18n, reset_new_password).to_string())
                hint=Signal::derive(move || t_string!(i18n, field_password_hint).to_string())
            />
            <SubmitButton
                pending=action.pending()
                label=Signal::derive(move || t_string!(i18n, reset_submit).to_string())
                pending_label=Signal::derive(move || t_string!(i18n, reset_pending).to_string())
            />
        </ActionForm>
    }
}
