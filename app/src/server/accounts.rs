//! Accounts: registration, login and sessions, roles, the users list. The one place their
//! rules live, for pages, server functions, the HTTP API and the CLI alike. Passwords are
//! argon2id hashes (legacy bcrypt still verifies); sessions are JWTs in an HttpOnly cookie (or a
//! Bearer header), checked once per request; failed logins are throttled. A forgotten password
//! is reset by an emailed link (`recovery`); a guest changes or deletes their own account
//! (`profile`).
pub mod admin;
pub(super) mod auth;
pub mod cookie;
pub mod jwt;
pub mod password;
pub mod profile;
pub mod recovery;
mod repo;
mod reset_repo;
pub mod session;
pub mod throttle;

use std::net::IpAddr;

use sqlx::PgPool;

pub use self::auth::Auth;
use self::password::Verified;
use self::repo::UserRepo;
use self::session::Session;
use super::state::AppState;
use crate::error::AppError;
use crate::model::{Email, Password, Role, User, UserId};

/// A new session for a user who proved who they are: the token (the API's `access_token`) and
/// the `Set-Cookie` value carrying it. Pages and the HTTP API sign in through this alone.
pub struct SignedIn {
    pub token: String,
    pub cookie: String,
}

/// Issues a session for `user`.
pub fn sign_in(state: &AppState, user: &User) -> Result<SignedIn, AppError> {
    let token = state.auth.jwt.issue(user.id)?;
    let max_age = state.auth.jwt.lifetime().as_secs();
    let cookie = cookie::session_cookie(&token, max_age, state.auth.secure_cookies);
    Ok(SignedIn { token, cookie })
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn signed_out_cookie(state: &AppState) -> String {
    cookie::cleared_cookie(state.auth.secure_cookies)
}

/// Creates an account with role `user`.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    email: &Email,
    password: &Password,
) -> Result<User, AppError> {
    let hashed = password::hash(&state.auth.hashing, password).await?;
    UserRepo::new(&state.db)
        .create(email, &hashed, Role::User)
        .await
}

/// Checks an email and password. Unknown email and wrong password fail alike, after the same
/// work (a hash verification either way), and count towards throttling. The password is the
/// one typed in, checked against the stored hash as it is (an account may predate today's
/// length rules), so it is not a [`Password`].
#[tracing::instrument(skip(state, password))]
pub async fn login(
    state: &AppState,
    email: &Email,
    password: &str,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    let throttle_key = email.as_str();
    let delay = state.auth.throttle.attempt(throttle_key, client).await?;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let credentials = UserRepo::new(&state.db).find_credentials(email).await?;
    let (user, stored) = match credentials {
        Some(found) => (Some(found.user), found.hashed_password),
        None => (None, state.auth.dummy_hash.clone()),
    };
    let verified = password::verify(&state.auth.hashing, password.to_owned(), stored).await?;
    match (user, verified) {
        (Some(user), Verified::Valid { rehash }) => {
            state.auth.throttle.succeeded(throttle_key, client).await;
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
#[tracing::instrument(skip_all)]
pub async fn sign_out(state: &AppState, session: &Session) -> Result<(), AppError> {
    match session.token() {
        Some(token) if !token.id.is_empty() => {
            // Until the session's end: a renewed token of it may outlive this one.
            let until = state.auth.jwt.session_end(token.started_at);
            UserRepo::new(&state.db)
                .revoke_session(&token.id, until)
                .await
        }
        _ => Ok(()),
    }
}

/// Disables an account (its sessions end at once and it cannot sign in) or enables it again.
#[tracing::instrument(skip(pool))]
pub async fn set_disabled(pool: &PgPool, email: &Email, disabled: bool) -> Result<User, AppError> {
    UserRepo::new(pool).set_disabled(email, disabled).await
}

/// Re-hashes a legacy (bcrypt or weaker argon2) hash after a successful login. A failure is
/// logged and the login still succeeds: the old hash keeps working.
async fn upgrade_hash(state: &AppState, user_id: UserId, password: &str) {
    let upgraded = async {
        let hashed = password::hash_str(&state.auth.hashing, password.to_owned()).await?;
        UserRepo::new(&state.db)
            .update_password_hash(user_id, &hashed)
            .await
    };
    match upgraded.await {
        Ok(()) => tracing::info!(user = %user_id, "password hash upgraded to argon2id"),
        Err(error) => {
            tracing::warn!(user = %user_id, error = %error.chain(), "could not upgrade a password hash")
        }
    }
}

/// Creates an admin, or makes an existing user an admin with the given password.
#[tracing::instrument(skip_all)]
pub async fn create_admin(
    pool: &PgPool,
    email: &Email,
    password: &Password,
) -> Result<User, AppError> {
    let hashing = password::HashingPool::new();
    let hashed = password::hash(&hashing, password).await?;
    let users = UserRepo::new(pool);
    match users.create(email, &hashed, Role::Admin).await {
        Err(AppError::EmailTaken) => {
            let user = users.set_role(email, Role::Admin).await?;
            // A new password: sessions begun with the old one end.
            users.change_password(user.id, &hashed).await?;
            Ok(user)
        }
        other => other,
    }
}

/// Sets a user's role (`server set-role`).
#[tracing::instrument(skip(pool))]
pub async fn set_role(pool: &PgPool, email: &Email, role: Role) -> Result<User, AppError> {
    UserRepo::new(pool).set_role(email, role).await
}

/// The name the account's holder goes by, if they gave one (the book page offers it).
pub async fn full_name(pool: &PgPool, user_id: UserId) -> Result<Option<String>, AppError> {
    UserRepo::new(pool).full_name(user_id).await
}

/// Forgets revocations of tokens that have expired anyway (housekeeping).
#[tracing::instrument(skip_all)]
pub async fn purge_revoked_sessions(pool: &PgPool) -> Result<u64, AppError> {
    UserRepo::new(pool).purge_revoked_sessions().await
}
