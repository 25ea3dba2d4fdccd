use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::auth_form::{FormErrors, latest_error};
use crate::api::auth::{ChangeEmail, ChangePassword, DeleteAccount};
use crate::components::{
    EmailField, FormError, PageTitle, PasswordField, RequireUser, SubmitButton,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{Role, User};
use crate::session::refresh_user_when;

/// The signed-in user's profile: who they are, and forms to change the email or the password
/// and to delete the account, each asking for the current password. Works without JavaScript
/// (a plain post comes back with `?saved=` or `?form=` and the error).
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let actions = AccountActions {
        change_email: ServerAction::new(),
        change_password: ServerAction::new(),
        delete_account: ServerAction::new(),
    };
    refresh_user_when(move || matches!(actions.change_email.value().get(), Some(Ok(_))));
    provide_context(actions);
    view! {
        <PageTitle text=move || t_string!(i18n, account_title).to_string()/>
        <RequireUser children=move |user: User| {
            view! {
                <section class="account">
                    <h1>{t!(i18n, account_title)}</h1>
                    <SavedNotice/>
                    <Details user=user.clone()/>
                    <ChangeEmailForm/>
                    <ChangePasswordForm/>
                    {(user.role != Role::Admin).then(|| view! { <DeleteAccountForm/> })}
                </section>
            }
        }/>
    }
}

/// The forms' actions, shared by the forms and the notice.
#[derive(Clone, Copy)]
struct AccountActions {
    change_email: ServerAction<ChangeEmail>,
    change_password: ServerAction<ChangePassword>,
    delete_account: ServerAction<DeleteAccount>,
}

fn use_actions() -> AccountActions {
    expect_context::<AccountActions>()
}

/// What the last change did (`?saved=`), or what this page's forms just did with JavaScript.
#[component]
fn SavedNotice() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_actions();
    let query = use_query_map();
    let saved = move || {
        let done = |value: Option<Result<User, _>>| matches!(value, Some(Ok(_)));
        if done(session.change_email.value().get()) {
            return Some("email".to_owned());
        }
        if done(session.change_password.value().get()) {
            return Some("password".to_owned());
        }
        query.read().get("saved")
    };
    move || {
        let text = match saved()?.as_str() {
            "email" => t_string!(i18n, account_saved_email),
            "password" => t_string!(i18n, account_saved_password),
            "reset" => t_string!(i18n, account_saved_reset),
            _ => return None,
        };
        Some(view! { <p class="notice" role="status" data-testid="account-saved">{text}</p> })
    }
}

#[component]
fn Details(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let changed = use_actions().change_email;
    let email = move || match changed.value().get() {
        Some(Ok(changed)) => changed.email,
        _ => user.email.clone(),
    };
    let role = match user.role {
        Role::Admin => t!(i18n, role_admin).into_any(),
        Role::User => t!(i18n, role_user).into_any(),
    };
    view! {
        <dl class="details">
            <dt>{t!(i18n, account_email)}</dt>
            <dd data-testid="profile-email">{email}</dd>
            <dt>{t!(i18n, account_role)}</dt>
            <dd>{role}</dd>
        </dl>
    }
}

/// The current password, asked again by every form here.
#[component]
fn CurrentPassword(#[prop(into)] error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PasswordField
            error
            name="current_password"
            autocomplete="current-password"
            label=Signal::derive(move || t_string!(i18n, account_current_password).to_string())
        />
    }
}

fn pending_label() -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || t_string!(i18n, account_pending).to_string())
}

#[component]
fn ChangeEmailForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = use_actions().change_email;
    let initial = FormErrors::of_page();
    let error = latest_error(action.value(), initial.of("email"));
    let typed = use_query_map()
        .with_untracked(|query| query.get("email"))
        .unwrap_or_default();
    view! {
        <section class="account-form" aria-labelledby="change-email-title">
            <h2 id="change-email-title">{t!(i18n, account_change_email)}</h2>
            <ActionForm action attr:class="auth-form" attr:novalidate=true>
                <FormError error/>
                <EmailField error value=typed label=Signal::derive(move || t_string!(i18n, account_new_email).to_string())/>
                <CurrentPassword error/>
                <SubmitButton
                    pending=action.pending()
                    label=Signal::derive(move || t_string!(i18n, account_change_email_submit).to_string())
                    pending_label=pending_label()
                />
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = use_actions().change_password;
    let initial = FormErrors::of_page();
    let error = latest_error(action.value(), initial.of("password"));
    view! {
        <section class="account-form" aria-labelledby="change-password-title">
            <h2 id="change-password-title">{t!(i18n, account_change_password)}</h2>
            <ActionForm action attr:class="auth-form" attr:novalidate=true>
                <FormError error/>
                <CurrentPassword error/>
                <PasswordField
                    error
                    name="new_password"
                    field="password"
                    autocomplete="new-password"
                    label=Signal::derive(move || t_string!(i18n, reset_new_password).to_string())
                    hint=Signal::derive(move || t_string!(i18n, field_password_hint).to_string())
                />
                <SubmitButton
                    pending=action.pending()
                    label=Signal::derive(move || t_string!(i18n, account_change_password_submit).to_string())
                    pending_label=pending_label()
                />
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteAccountForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = use_actions().delete_account;
    let initial = FormErrors::of_page();
    let error = latest_error(action.value(), initial.of("delete"));
    view! {
        <section class="account-form account-delete" aria-labelledby="delete-account-title">
            <h2 id="delete-account-title">{t!(i18n, account_delete)}</h2>
            <p>{t!(i18n, account_delete_lead)}</p>
            <ActionForm action attr:class="auth-form" attr:novalidate=true>
                <FormError error/>
                <CurrentPassword error/>
                <button
                    type="submit"
                    class="button button-danger"
                    disabled=move || action.pending().get()
                >
                    {t!(i18n, account_delete_submit)}
                </button>
            </ActionForm>
        </section>
    }
}
