//! Accounts: register, log in, log out, who am I, and the admin's user list.
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
        forms::sign_in(&state, &user)?;
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
        forms::sign_in(&state, &user)?;
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
