//! Registration and login: the one place their rules live, for pages, server functions and
//! the HTTP API alike.
use std::net::IpAddr;

use sqlx::PgPool;

use super::auth::password::{self, Verified};
use super::auth::session::Session;
use super::db::users::UserRepo;
use super::state::AppState;
use crate::error::AppError;
use crate::model::{Email, Password, Role, User};

/// Creates an account with role `user`.
pub async fn register(state: &AppState, email: &str, password: &str) -> Result<User, AppError> {
    let email = Email::parse(email).map_err(|error| AppError::invalid("email", error.code()))?;
    let password =
        Password::parse(password).map_err(|error| AppError::invalid("password", error.code()))?;
    let hashed = password::hash(&state.auth.hashing, &password).await?;
    UserRepo::new(&state.db)
        .create(&email, &hashed, Role::User)
        .await
}

/// Checks an email and password. Unknown email and wrong password fail alike, after the same
/// work (a hash verification either way), and count towards throttling.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    let throttle_key = email.trim().to_lowercase();
    let delay = state.auth.throttle.attempt(&throttle_key, client).await?;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let credentials = match Email::parse(email) {
        Ok(email) => UserRepo::new(&state.db).find_credentials(&email).await?,
        Err(_) => None,
    };
    let (user, stored) = match credentials {
        Some(found) => (Some(found.user), found.hashed_password),
        None => (None, state.auth.dummy_hash.clone()),
    };
    let verified = password::verify(&state.auth.hashing, password.to_owned(), stored).await?;
    match (user, verified) {
        (Some(user), Verified::Valid { rehash }) => {
            state.auth.throttle.succeeded(&throttle_key, client).await;
            if rehash {
                upgrade_hash(state, user.id, password).await;
            }
            Ok(user)
        }
        _ => Err(AppError::InvalidCredentials),
    }
}

/// Ends the request's session for good: its token is revoked, so a copy of it (a stolen
/// cookie, another tab) is signed out too. Signing out without a session is fine.
pub async fn sign_out(state: &AppState, session: &Session) -> Result<(), AppError> {
    match session.token() {
        Some(token) if !token.id.is_empty() => {
            UserRepo::new(&state.db)
                .revoke_session(&token.id, token.expires_at)
                .await
        }
        _ => Ok(()),
    }
}

/// Disables an account (its sessions end at once and it cannot sign in) or enables it again.
pub async fn set_disabled(pool: &PgPool, email: &str, disabled: bool) -> Result<User, AppError> {
    let email = Email::parse(email).map_err(|error| AppError::invalid("email", error.code()))?;
    UserRepo::new(pool).set_disabled(&email, disabled).await
}

/// Re-hashes a legacy (bcrypt or weaker argon2) hash after a successful login. A failure is
/// logged and the login still succeeds: the old hash keeps working.
async fn upgrade_hash(state: &AppState, user_id: i32, password: &str) {
    let upgraded = async {
        let hashed = password::hash_str(&state.auth.hashing, password.to_owned()).await?;
        UserRepo::new(&state.db)
            .update_password_hash(user_id, &hashed)
            .await
    };
    match upgraded.await {
        Ok(()) => tracing::info!(user = user_id, "password hash upgraded to argon2id"),
        Err(error) => tracing::warn!(user = user_id, %error, "could not upgrade a password hash"),
    }
}

/// Creates an admin, or makes an existing user an admin with the given password.
pub async fn create_admin(pool: &PgPool, email: &str, password: &str) -> Result<User, AppError> {
    let hashing = password::HashingPool::new();
    let email = Email::parse(email).map_err(|error| AppError::invalid("email", error.code()))?;
    let password =
        Password::parse(password).map_err(|error| AppError::invalid("password", error.code()))?;
    let hashed = password::hash(&hashing, &password).await?;
    let users = UserRepo::new(pool);
    match users.create(&email, &hashed, Role::Admin).await {
        Err(AppError::EmailTaken) => {
            let user = users.set_role(&email, Role::Admin).await?;
            // A new password: sessions begun with the old one end.
            users.change_password(user.id, &hashed).await?;
            Ok(user)
        }
        other => other,
    }
}
