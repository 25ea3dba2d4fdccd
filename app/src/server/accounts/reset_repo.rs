//! Password resets and their emails in the outbox.
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::{Email, User, UserId};
use crate::server::notifications::Claim;

/// A reset email the worker has claimed, with what it says.
#[derive(Debug, Clone)]
pub struct ResetNotification {
    /// The outbox row.
    pub id: i64,
    pub attempts: i32,
    pub retry_until: DateTime<Utc>,
    pub reset_id: i64,
    pub email: String,
    pub locale: String,
    pub expires_at: DateTime<Utc>,
    /// Used, expired or its account disabled since it was asked for: not worth sending.
    pub stale: bool,
}

pub struct ResetRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> ResetRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        ResetRepo { pool }
    }

    /// Adds a reset for the account of `email` and queues its email, in one transaction; does
    /// nothing when no account that can sign in has that email, or when it had `per_hour`
    /// resets in the last hour. The account's row is locked first, so parallel requests
    /// count each other. Returns the reset's id, if one was made.
    pub async fn request(
        &self,
        email: &Email,
        locale: &str,
        lifetime_secs: i64,
        per_hour: i64,
    ) -> Result<Option<i64>, AppError> {
        let mut tx = self.pool.begin().await?;
        let Some(user_id) = sqlx::query_scalar!(
            "SELECT id FROM users WHERE lower(email) = $1 AND disabled_at IS NULL FOR UPDATE",
            email.as_str(),
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let id = sqlx::query_scalar!(
            "INSERT INTO password_resets (user_id, locale, expires_at)
             SELECT $1, $2, now() + make_interval(secs => $3)
             WHERE (SELECT count(*) FROM password_resets
                    WHERE user_id = $1 AND created_at > now() - interval '1 hour') < $4
             RETURNING id",
            user_id,
            locale,
            lifetime_secs as f64,
            per_hour,
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            // The email is worth trying only while its link works.
            sqlx::query!(
                "INSERT INTO notifications (password_reset_id, kind, retry_until)
                 SELECT id, 'password_reset', expires_at FROM password_resets WHERE id = $1",
                id,
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Whether reset `id` can still be used.
    pub async fn is_open(&self, id: i64) -> Result<bool, AppError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (
                   SELECT 1 FROM password_resets p JOIN users u ON u.id = p.user_id
                   WHERE p.id = $1 AND p.used_at IS NULL AND p.expires_at > now()
                     AND u.disabled_at IS NULL) AS "open!""#,
            id,
        )
        .fetch_one(self.pool)
        .await?)
    }

    /// Uses reset `id` up and sets its account's password, in one statement: only one request
    /// can use a reset (the guarded update of `used_at`), every other open reset of the account
    /// is used up with it, and every session begun before ends. `None` when the reset is used,
    /// expired or its account disabled.
    pub async fn use_up(&self, id: i64, hashed_password: &str) -> Result<Option<User>, AppError> {
        let row = sqlx::query!(
            r#"WITH used AS (
                   UPDATE password_resets SET used_at = now()
                   WHERE id = $1 AND used_at IS NULL AND expires_at > now()
                   RETURNING user_id
               ), others AS (
                   UPDATE password_resets p SET used_at = now()
                   FROM used WHERE p.user_id = used.user_id AND p.used_at IS NULL AND p.id <> $1
               )
               UPDATE users u SET hashed_password = $2,
                   sessions_since = date_trunc('second', now())
               FROM used
               WHERE u.id = used.user_id AND u.disabled_at IS NULL
               RETURNING u.id AS "id: UserId", u.email, u.role"#,
            id,
            hashed_password,
        )
        .fetch_optional(self.pool)
        .await?;
        row.map(|row| super::repo::user_from(row.id, row.email, row.role))
            .transpose()
    }

    /// The reset email `claim` stands for; `None` when the reset is gone.
    pub async fn reset_email(&self, claim: Claim) -> Result<Option<ResetNotification>, AppError> {
        let row = sqlx::query!(
            r#"SELECT u.email, p.locale, p.expires_at,
                      (p.used_at IS NOT NULL OR p.expires_at <= now()
                       OR u.disabled_at IS NOT NULL) AS "stale!"
               FROM password_resets p JOIN users u ON u.id = p.user_id
               WHERE p.id = $1"#,
            claim.subject_id,
        )
        .fetch_optional(self.pool)
        .await?;
        Ok(row.map(|row| ResetNotification {
            id: claim.id,
            attempts: claim.attempts,
            retry_until: claim.retry_until,
            reset_id: claim.subject_id,
            email: row.email,
            locale: row.locale,
            expires_at: row.expires_at,
            stale: row.stale,
        }))
    }
}
