use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use super::{AuditFilter, Change, field_changes};
use crate::error::AppError;
use crate::model::back_office::AuditEntry;
use crate::model::{HotelId, User};

pub struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor_email: Option<String>,
    action: String,
    object_kind: String,
    object_id: i64,
    hotel_id: Option<HotelId>,
    before: Option<Value>,
    after: Option<Value>,
}

impl AuditRow {
    pub fn into_entry(self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at: self.at,
            actor_email: self.actor_email,
            action: self.action,
            object_kind: self.object_kind,
            object_id: self.object_id,
            hotel_id: self.hotel_id,
            changes: field_changes(self.before.as_ref(), self.after.as_ref()),
        }
    }
}

pub struct AuditRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> AuditRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        AuditRepo { pool }
    }

    pub async fn insert(
        tx: &mut PgConnection,
        actor: &User,
        change: &Change,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "INSERT INTO audit_log (actor_id, actor_email, action, object_kind, object_id,
                                    hotel_id, before, after)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            actor.id.get(),
            actor.email,
            change.action,
            change.object.kind(),
            change.object.id(),
            change.hotel_id.map(HotelId::get),
            change.before,
            change.after,
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Newest first; only entries of `hotels` when given (staff), every entry otherwise.
    pub async fn list(
        &self,
        filter: &AuditFilter,
        hotels: Option<&[HotelId]>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, AppError> {
        let hotels: Option<Vec<i32>> = hotels.map(|ids| ids.iter().map(|id| id.get()).collect());
        Ok(sqlx::query_as!(
            AuditRow,
            r#"SELECT id, at, actor_email, action, object_kind, object_id,
                      hotel_id AS "hotel_id: HotelId", before, after
               FROM audit_log
               WHERE ($1::text IS NULL OR (object_kind = $1 AND object_id = $2))
                 AND ($3::int IS NULL OR hotel_id = $3)
                 AND ($4::int[] IS NULL OR hotel_id = ANY($4))
                 AND ($5::bigint IS NULL OR id < $5)
               ORDER BY id DESC
               LIMIT $6"#,
            filter.object.map(|object| object.kind()),
            filter.object.map_or(0, |object| object.id()),
            filter.hotel_id.map(HotelId::get),
            hotels.as_deref(),
            filter.before_id,
            limit,
        )
        .fetch_all(self.pool)
        .await?)
    }
}
