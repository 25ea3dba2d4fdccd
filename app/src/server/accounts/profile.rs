//! A signed-in guest's own account: change the password or the email, delete it. Each asks
//! for the current password again (a borrowed session is not enough), checked and throttled
//! as a login is; a wrong one is `WrongPassword`.
use std::net::IpAddr;

use super::repo::UserRepo;
use super::{login, password};
use crate::error::AppError;
use crate::model::{Email, Password, User};
use crate::server::state::AppState;

/// Checks `current` as the password of `user`.
async fn confirm(
    state: &AppState,
    user: &User,
    current: &str,
    client: Option<IpAddr>,
) -> Result<(), AppError> {
    let email = Email::parse(&user.email).map_err(|_| AppError::Unauthorized)?;
    match login(state, &email, current, client).await {
        Ok(_) => Ok(()),
        Err(AppError::InvalidCredentials) => Err(AppError::WrongPassword),
        Err(other) => Err(other),
    }
}

/// Sets a new password: every session begun before ends (the caller signs this browser in
/// again).
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn change_password(
    state: &AppState,
    user: &User,
    current: &str,
    new: &Password,
    client: Option<IpAddr>,
) -> Result<(), AppError> {
    confirm(state, user, current, client).await?;
    let hashed = password::hash(&state.auth.hashing, new).await?;
    UserRepo::new(&state.db)
        .change_password(user.id, &hashed)
        .await
}

/// Gives the account a new email; `EmailTaken` when another account has it.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn change_email(
    state: &AppState,
    user: &User,
    current: &str,
    email: &Email,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    confirm(state, user, current, client).await?;
    UserRepo::new(&state.db).change_email(user.id, email).await
}

/// Deletes the account (see `UserRepo::delete` for what stays and what goes).
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn delete_account(
    state: &AppState,
    user: &User,
    current: &str,
    client: Option<IpAddr>,
) -> Result<(), AppError> {
    confirm(state, user, current, client).await?;
    UserRepo::new(&state.db)
        .delete(user.id, state.clock.today())
        .await?;
    tracing::info!(user = %user.id, "account deleted");
    Ok(())
}
