//! Accounts: register, log in, log out, who am I; forgot and reset a password; change the
//! password or email, delete the account.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::User;

/// Creates an account and signs it in; then goes to `return_to` (a local path) or home.
#[server(endpoint = "register")]
pub async fn register(
    email: String,
    password: String,
    return_to: Option<String>,
) -> Result<User, AppError> {
    use crate::model::{Email, Password};
    use crate::server::{accounts, accounts::session::app_state, forms};

    let state = app_state()?;
    let result = async {
        let (email, password) = (Email::parse(&email)?, Password::parse(&password)?);
        let user = accounts::register(&state, &email, &password).await?;
        forms::sign_in(&state, &user).await?;
        Ok(user)
    }
    .await;
    forms::finish(result, "/register", &email, return_to.as_deref())
}

/// Signs in with email and password; then goes to `return_to` (a local path) or home.
#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    return_to: Option<String>,
) -> Result<User, AppError> {
    use crate::server::{
        accounts,
        accounts::session::{app_state, client_addr},
        forms,
    };

    let state = app_state()?;
    let result = async {
        let email = crate::model::Email::parse(&email)?;
        let user = accounts::login(&state, &email, &password, client_addr()).await?;
        forms::sign_in(&state, &user).await?;
        Ok(user)
    }
    .await;
    forms::finish(result, "/login", &email, return_to.as_deref())
}

/// Signs out (works without a session too) and goes home.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{accounts, accounts::session, forms, with_status};

    let state = session::app_state()?;
    accounts::sign_out(&state, &session::current_session())
        .await
        .map_err(with_status)?;
    forms::sign_out(&state);
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user, if any.
#[server(endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<User>, AppError> {
    crate::server::accounts::session::current_user()
        .await
        .map_err(crate::server::with_status)
}

/// Asks for a password-reset email; the answer is the same whether or not the email has an
/// account. Then goes to the "check your inbox" page.
#[server(endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::server::accounts::{recovery, session};
    use crate::server::{forms, language::current_locale};

    let state = session::app_state()?;
    let result = async {
        let parsed = crate::model::Email::parse(&email)?;
        recovery::request_reset(&state, &parsed, current_locale(), session::client_addr()).await
    }
    .await;
    forms::finish(
        result,
        "/forgot-password",
        &email,
        Some("/forgot-password?sent=1"),
    )
}

/// Whether a reset link can still be used (`LinkExpired` when not): the reset page asks
/// before showing its form.
#[server(endpoint = "check_password_reset")]
pub async fn check_password_reset(token: String) -> Result<(), AppError> {
    use crate::server::{accounts::recovery, accounts::session::app_state, with_status};

    let state = app_state()?;
    recovery::check_reset(&state, &token)
        .await
        .map_err(with_status)
}

/// Sets a new password through a reset link, signs this browser in (every other session
/// ends) and goes to the profile.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<User, AppError> {
    use crate::model::{Password, navigation::with_query};
    use crate::server::accounts::{recovery, session};
    use crate::server::forms;

    let state = session::app_state()?;
    let result = async {
        let password = Password::parse(&password)?;
        let user =
            recovery::reset_password(&state, &token, &password, session::client_addr()).await?;
        forms::sign_in(&state, &user).await?;
        Ok(user)
    }
    .await;
    let form_page = with_query("/reset-password", &[("token", &token)]);
    forms::finish_form(result, &form_page, "/account?saved=reset")
}

/// Changes the signed-in user's password (the current one asked again); other sessions end,
/// this one goes on with a new cookie.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<User, AppError> {
    use crate::model::Password;
    use crate::server::accounts::{profile, session};
    use crate::server::forms;

    let state = session::app_state()?;
    let result = async {
        let user = session::require_user().await?;
        let new = Password::parse(&new_password)?;
        profile::change_password(
            &state,
            &user,
            &current_password,
            &new,
            session::client_addr(),
        )
        .await?;
        forms::sign_in(&state, &user).await?;
        Ok(user)
    }
    .await;
    forms::finish_form(result, "/account?form=password", "/account?saved=password")
}

/// Changes the signed-in user's email (the current password asked again).
#[server(endpoint = "change_email")]
pub async fn change_email(current_password: String, email: String) -> Result<User, AppError> {
    use crate::model::{Email, navigation::with_query};
    use crate::server::accounts::{profile, session};
    use crate::server::forms;

    let state = session::app_state()?;
    let result = async {
        let user = session::require_user().await?;
        let email = Email::parse(&email)?;
        profile::change_email(
            &state,
            &user,
            &current_password,
            &email,
            session::client_addr(),
        )
        .await
    }
    .await;
    let form_page = with_query("/account", &[("form", "email"), ("email", email.trim())]);
    forms::finish_form(result, &form_page, "/account?saved=email")
}

/// Deletes the signed-in user's account (the current password asked again), signs out and
/// goes home.
#[server(endpoint = "delete_account")]
pub async fn delete_account(current_password: String) -> Result<(), AppError> {
    use crate::server::accounts::{profile, session};
    use crate::server::forms;

    let state = session::app_state()?;
    let result = async {
        let user = session::require_user().await?;
        profile::delete_account(&state, &user, &current_password, session::client_addr()).await
    }
    .await;
    if result.is_ok() {
        forms::sign_out(&state);
    }
    forms::finish_form(result, "/account?form=delete", "/?account_deleted=1")
}
