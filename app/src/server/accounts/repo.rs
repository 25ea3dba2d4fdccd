use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::error::AppError;
use crate::model::accounts::{Account, AccountFilter};
use crate::model::{Email, Role, User, UserId};

/// A `users` row as stored (the hash never leaves this module but through `Credentials`).
struct UserRow {
    id: UserId,
    email: String,
    role: String,
}

impl TryFrom<UserRow> for User {
    type Error = AppError;

    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        let role = Role::parse(&row.role).ok_or_else(|| {
            AppError::internal(
                "reading a user's role",
                format!("user {} has the unknown role {:?}", row.id, row.role),
            )
        })?;
        Ok(User {
            id: row.id,
            email: row.email,
            role,
            staff: false,
        })
    }
}

/// A user from the columns of a `users` row (see `reset_repo`).
pub(super) fn user_from(id: UserId, email: String, role: String) -> Result<User, AppError> {
    User::try_from(UserRow { id, email, role })
}

/// A `users` row with its counts, as the users page lists it.
struct AccountRow {
    id: UserId,
    email: String,
    full_name: Option<String>,
    role: String,
    disabled: bool,
    created_at: DateTime<Utc>,
    hotels: i64,
    bookings: i64,
}

impl TryFrom<AccountRow> for Account {
    type Error = AppError;

    fn try_from(row: AccountRow) -> Result<Self, Self::Error> {
        let user = User::try_from(UserRow {
            id: row.id,
            email: row.email,
            role: row.role,
        })?;
        Ok(Account {
            id: user.id,
            email: user.email,
            full_name: row.full_name,
            role: user.role,
            disabled: row.disabled,
            created_at: row.created_at,
            hotels: row.hotels,
            bookings: row.bookings,
        })
    }
}

struct CredentialsRow {
    id: UserId,
    email: String,
    role: String,
    hashed_password: String,
}

/// A user with the stored password hash, for login only.
pub struct Credentials {
    pub user: User,
    pub hashed_password: String,
}

pub struct UserRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> UserRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        UserRepo { pool }
    }

    /// Adds a user; `EmailTaken` when the email (in any letter case) has an account.
    pub async fn create(
        &self,
        email: &Email,
        hashed_password: &str,
        role: Role,
    ) -> Result<User, AppError> {
        let row = sqlx::query_as!(
            UserRow,
            r#"INSERT INTO users (email, hashed_password, role) VALUES ($1, $2, $3)
               RETURNING id AS "id: UserId", email, role"#,
            email.as_str(),
            hashed_password,
            role.as_str(),
        )
        .fetch_one(self.pool)
        .await;
        match row {
            Ok(row) => row.try_into(),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(AppError::EmailTaken)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The user of a session that has not ended: the account exists and is not disabled, the
    /// session began (`started_at`: renewals keep it) after the last password change
    /// (`sessions_since`), and it was not
    /// revoked by signing out. One indexed query, as a plain lookup by id was.
    pub async fn find_by_session(
        &self,
        user_id: UserId,
        started_at: i64,
        token_id: &str,
    ) -> Result<Option<User>, AppError> {
        let Some(row) = sqlx::query!(
            r#"SELECT id AS "id: UserId", email, role,
                      EXISTS (SELECT 1 FROM hotel_staff s WHERE s.user_id = users.id) AS "staff!"
               FROM users
               WHERE id = $1 AND disabled_at IS NULL
                 AND (sessions_since IS NULL OR sessions_since <= to_timestamp($2))
                 AND NOT EXISTS (SELECT 1 FROM revoked_sessions WHERE jti = $3)"#,
            user_id.get(),
            started_at as f64,
            token_id,
        )
        .fetch_optional(self.pool)
        .await?
        else {
            return Ok(None);
        };
        let (id, email, role) = (row.id, row.email, row.role);
        let user = User::try_from(UserRow { id, email, role })?;
        Ok(Some(User {
            staff: row.staff,
            ..user
        }))
    }

    /// Ends the session of the token `token_id` (until `expires_at`, when it would end anyway).
    pub async fn revoke_session(&self, token_id: &str, expires_at: i64) -> Result<(), AppError> {
        sqlx::query!(
            "INSERT INTO revoked_sessions (jti, expires_at) VALUES ($1, to_timestamp($2))
             ON CONFLICT (jti) DO NOTHING",
            token_id,
            expires_at as f64,
        )
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Forgets revocations of tokens that have expired by now.
    pub async fn purge_revoked_sessions(&self) -> Result<u64, AppError> {
        let done = sqlx::query!("DELETE FROM revoked_sessions WHERE expires_at < now()")
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// The name the account's holder goes by, if they gave one (see `bookings`).
    pub async fn full_name(&self, id: UserId) -> Result<Option<String>, AppError> {
        Ok(
            sqlx::query_scalar!("SELECT full_name FROM users WHERE id = $1", id.get())
                .fetch_optional(self.pool)
                .await?
                .flatten(),
        )
    }

    /// Sets a new password hash and ends every session begun before (a password change).
    /// Sessions are compared at whole seconds, as tokens carry them.
    pub async fn change_password(&self, id: UserId, hashed_password: &str) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE users SET hashed_password = $2, sessions_since = date_trunc('second', now())
             WHERE id = $1",
            id.get(),
            hashed_password,
        )
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Disables (or enables again) an account: a disabled one cannot sign in and its sessions
    /// end at once, for good (enabling it does not bring them back: sessions that began by the
    /// end of this second are over). `NotFound` when nobody has that email.
    pub async fn set_disabled(&self, email: &Email, disabled: bool) -> Result<User, AppError> {
        sqlx::query_as!(
            UserRow,
            r#"UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END,
                   sessions_since = CASE WHEN $2 AND disabled_at IS NULL THEN date_trunc('second', now()) + interval '1 second'
                                         ELSE sessions_since END
               WHERE lower(email) = $1 RETURNING id AS "id: UserId", email, role"#,
            email.as_str(),
            disabled,
        )
        .fetch_optional(self.pool)
        .await?
        .ok_or(AppError::NotFound)?
        .try_into()
    }

    /// Credentials for signing in; a disabled account has none.
    pub async fn find_credentials(&self, email: &Email) -> Result<Option<Credentials>, AppError> {
        let row = sqlx::query_as!(
            CredentialsRow,
            r#"SELECT id AS "id: UserId", email, role, hashed_password FROM users
               WHERE lower(email) = $1 AND disabled_at IS NULL"#,
            email.as_str(),
        )
        .fetch_optional(self.pool)
        .await?;
        row.map(|row| {
            let user = UserRow {
                id: row.id,
                email: row.email,
                role: row.role,
            };
            Ok(Credentials {
                user: user.try_into()?,
                hashed_password: row.hashed_password,
            })
        })
        .transpose()
    }

    /// Replaces the hash of the same password (a stronger one after login): sessions go on.
    pub async fn update_password_hash(
        &self,
        id: UserId,
        hashed_password: &str,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE users SET hashed_password = $2 WHERE id = $1",
            id.get(),
            hashed_password,
        )
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Changes a user's role; `NotFound` when nobody has that email.
    pub async fn set_role(&self, email: &Email, role: Role) -> Result<User, AppError> {
        sqlx::query_as!(
            UserRow,
            r#"UPDATE users SET role = $2 WHERE lower(email) = $1
               RETURNING id AS "id: UserId", email, role"#,
            email.as_str(),
            role.as_str(),
        )
        .fetch_optional(self.pool)
        .await?
        .ok_or(AppError::NotFound)?
        .try_into()
    }

    /// One page of the accounts matching `filter`, newest first, and how many match in all.
    pub async fn search(
        &self,
        filter: &AccountFilter,
        limit: i64,
    ) -> Result<(Vec<Account>, i64), AppError> {
        let offset = i64::from(filter.page.saturating_sub(1)) * limit;
        let (q, role) = (filter.q.as_deref(), filter.role.map(Role::as_str));
        let total = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM users u
               WHERE ($1::text IS NULL OR strpos(u.email, $1) > 0
                      OR strpos(lower(coalesce(u.full_name, '')), $1) > 0)
                 AND ($2::text IS NULL OR u.role = $2)
                 AND ($3::bool IS NULL OR (u.disabled_at IS NOT NULL) = $3)"#,
            q,
            role,
            filter.disabled,
        )
        .fetch_one(self.pool)
        .await?;
        let rows = sqlx::query_as!(
            AccountRow,
            r#"SELECT u.id AS "id: UserId", u.email, u.full_name, u.role,
                      u.disabled_at IS NOT NULL AS "disabled!", u.created_at,
                      (SELECT count(*) FROM hotel_staff s WHERE s.user_id = u.id) AS "hotels!",
                      (SELECT count(*) FROM bookings b WHERE b.user_id = u.id) AS "bookings!"
               FROM users u
               WHERE ($1::text IS NULL OR strpos(u.email, $1) > 0
                      OR strpos(lower(coalesce(u.full_name, '')), $1) > 0)
                 AND ($2::text IS NULL OR u.role = $2)
                 AND ($3::bool IS NULL OR (u.disabled_at IS NOT NULL) = $3)
               ORDER BY u.id DESC LIMIT $4 OFFSET $5"#,
            q,
            role,
            filter.disabled,
            limit,
            offset,
        )
        .fetch_all(self.pool)
        .await?;
        let accounts = rows
            .into_iter()
            .map(Account::try_from)
            .collect::<Result<_, _>>()?;
        Ok((accounts, total))
    }

    /// Account `id`, its row locked until the transaction ends (two admins acting at once
    /// take turns, and the second sees what the first did).
    pub async fn lock_account(
        tx: &mut PgConnection,
        id: UserId,
    ) -> Result<Option<Account>, AppError> {
        sqlx::query_as!(
            AccountRow,
            r#"SELECT u.id AS "id: UserId", u.email, u.full_name, u.role,
                      u.disabled_at IS NOT NULL AS "disabled!", u.created_at,
                      (SELECT count(*) FROM hotel_staff s WHERE s.user_id = u.id) AS "hotels!",
                      (SELECT count(*) FROM bookings b WHERE b.user_id = u.id) AS "bookings!"
               FROM users u WHERE u.id = $1 FOR NO KEY UPDATE"#,
            id.get(),
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(Account::try_from)
        .transpose()
    }

    /// Stores an account's role and whether it is disabled (keeping when it was disabled); a
    /// disabling ends the account's sessions for good, as [`UserRepo::set_disabled`] does.
    pub async fn store_account(tx: &mut PgConnection, account: &Account) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE users SET role = $2,
                 disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) END,
                 sessions_since = CASE WHEN $3 AND disabled_at IS NULL THEN date_trunc('second', now()) + interval '1 second'
                                       ELSE sessions_since END
             WHERE id = $1",
            account.id.get(),
            account.role.as_str(),
            account.disabled,
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Gives account `id` the email `email`; `EmailTaken` when another account has it.
    pub async fn change_email(&self, id: UserId, email: &Email) -> Result<User, AppError> {
        let row = sqlx::query_as!(
            UserRow,
            r#"UPDATE users SET email = $2 WHERE id = $1 AND disabled_at IS NULL
               RETURNING id AS "id: UserId", email, role"#,
            id.get(),
            email.as_str(),
        )
        .fetch_optional(self.pool)
        .await;
        match row {
            Ok(Some(row)) => row.try_into(),
            Ok(None) => Err(AppError::Unauthorized),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(AppError::EmailTaken)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Deletes account `id` as a guest asks: refused for an admin (`Forbidden`) and while a
    /// live booking ends after `today` (`UpcomingBookings`). The row stays, as bookings point
    /// at it, emptied of what identifies the guest and never able to sign in again; the
    /// guest's names and requests leave their bookings; alerts, reset links, holds and staff
    /// places go; emails not sent yet are discarded with the reason. The account's row is
    /// locked first: a booking being made for it meanwhile is waited for, then counted.
    pub async fn delete(&self, id: UserId, today: chrono::NaiveDate) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await?;
        let role = sqlx::query_scalar!(
            "SELECT role FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
            id.get(),
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::Unauthorized)?;
        if role == Role::Admin.as_str() {
            return Err(AppError::Forbidden);
        }
        let upcoming = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM bookings
                              WHERE user_id = $1 AND cancelled_at IS NULL AND date_to > $2)
               AS "upcoming!""#,
            id.get(),
            today,
        )
        .fetch_one(&mut *tx)
        .await?;
        if upcoming {
            return Err(AppError::UpcomingBookings);
        }
        sqlx::query!(
            "UPDATE notifications SET failed_at = now(), discarded_at = now(),
                 last_error = 'the account was deleted', locked_until = NULL
             WHERE sent_at IS NULL AND failed_at IS NULL
               AND booking_id IN (SELECT id FROM bookings WHERE user_id = $1)",
            id.get(),
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE bookings SET guest_name = NULL, guest_request = NULL WHERE user_id = $1",
            id.get(),
        )
        .execute(&mut *tx)
        .await?;
        for statement in [
            "DELETE FROM room_alerts WHERE user_id = $1",
            "DELETE FROM password_resets WHERE user_id = $1",
            "DELETE FROM holds WHERE user_id = $1",
            "DELETE FROM hotel_staff WHERE user_id = $1",
            "DELETE FROM guest_list_hotels WHERE user_id = $1",
        ] {
            sqlx::query(statement)
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query!(
            "UPDATE users SET email = 'deleted-' || id || '@deleted.invalid', hashed_password = '',
                 full_name = NULL, disabled_at = coalesce(disabled_at, now()), deleted_at = now(),
                 sessions_since = date_trunc('second', now()) + interval '1 second'
             WHERE id = $1",
            id.get(),
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
