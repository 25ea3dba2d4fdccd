//! Forgot password: a guest asks for a reset by email and gets a link (signed, see
//! [`SignedLinks`]) that works once, for [`RESET_LINK_LIFETIME`]. The answer is the same
//! whether or not the email has an account. Using the link sets the new password, uses up
//! every open link of the account, ends every session and clears the login slow-down.
use std::net::IpAddr;
use std::time::Duration;

use leptos_i18n::Locale as _;

use super::password;
pub use super::reset_repo::ResetNotification;
use super::reset_repo::ResetRepo;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{Email, Password, User};
use crate::server::config::Secret;
use crate::server::notifications::{self, Subject};
use crate::server::signed_links::SignedLinks;
use crate::server::state::AppState;

/// How long a reset link works.
pub const RESET_LINK_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Reset emails one account gets in an hour, however often they are asked for.
pub const RESETS_PER_HOUR: i64 = 3;

/// Signs and checks reset links.
#[derive(Clone, Debug)]
pub struct ResetLinks(SignedLinks);

impl ResetLinks {
    pub fn new(secret: &Secret) -> Self {
        ResetLinks(SignedLinks::new(secret, "password-reset-link"))
    }

    /// The token of reset `reset_id`, valid until `expires_at`.
    pub fn sign(&self, reset_id: i64, expires_at: chrono::DateTime<chrono::Utc>) -> String {
        self.0.sign(reset_id, expires_at)
    }

    /// The reset a token names, or `LinkExpired` (forged, altered or expired alike).
    fn reset_id(&self, token: &str) -> Result<i64, AppError> {
        self.0
            .verify(token.trim(), chrono::Utc::now())
            .ok_or(AppError::LinkExpired)
    }
}

/// Asks for a reset link for `email`, written in `locale`. Nothing tells whether the email
/// has an account; only too many requests from one address are refused (`TooManyAttempts`).
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    state: &AppState,
    email: &Email,
    locale: Locale,
    client: Option<IpAddr>,
) -> Result<(), AppError> {
    state.auth.throttle.reset_requested(client).await?;
    let made = ResetRepo::new(&state.db)
        .request(
            email,
            locale.as_str(),
            RESET_LINK_LIFETIME.as_secs() as i64,
            RESETS_PER_HOUR,
        )
        .await?;
    if let Some(reset) = made {
        tracing::info!(reset, "password reset queued");
    }
    Ok(())
}

/// Whether `token` is a reset link that can still be used (the page asks before showing its
/// form); `LinkExpired` otherwise.
pub async fn check_reset(state: &AppState, token: &str) -> Result<(), AppError> {
    let id = state.auth.resets.reset_id(token)?;
    match ResetRepo::new(&state.db).is_open(id).await? {
        true => Ok(()),
        false => Err(AppError::LinkExpired),
    }
}

/// Sets `password` through reset link `token`, once: the account's sessions end (the caller
/// signs this browser in) and its login slow-down is cleared. `LinkExpired` when the link is
/// forged, used or expired.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &Password,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    let id = state.auth.resets.reset_id(token)?;
    let hashed = password::hash(&state.auth.hashing, password).await?;
    let user = ResetRepo::new(&state.db)
        .use_up(id, &hashed)
        .await?
        .ok_or(AppError::LinkExpired)?;
    state.auth.throttle.succeeded(&user.email, client).await;
    tracing::info!(user = %user.id, reset = id, "password reset");
    Ok(user)
}

/// Claims the next due reset email (see `notifications::claim_next_with`).
pub async fn claim_next(db: &sqlx::PgPool) -> Result<Option<ResetNotification>, AppError> {
    let repo = ResetRepo::new(db);
    notifications::claim_next_with(db, Subject::PasswordReset, |claim| repo.reset_email(claim))
        .await
}
