//! The audit log: every change staff make (who, when, what, before and after), written in the
//! same transaction as the change itself, so there is no change without its entry and no entry
//! without its change. Append-only in the database (a trigger refuses rewriting it).
mod repo;

use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;

use self::repo::AuditRepo;
use super::staff::Staff;
use super::state::AppState;
use crate::error::AppError;
use crate::model::back_office::{AUDIT_PAGE, AuditEntry, FieldChange};
use crate::model::{BookingId, HotelId, PictureId, RoomId, User, UserId};

/// What a change was made to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    Hotel(HotelId),
    Room(RoomId),
    /// A staff grant, by the user granted.
    Staff(UserId),
    /// A hotel's prices and restrictions (the inventory calendar).
    Rates(HotelId),
    /// A booking (the front desk's marks and cancellations).
    Booking(BookingId),
    /// An account (its role, disabled or not).
    User(UserId),
    /// An email of the outbox (retried or discarded on the jobs page).
    Email(i64),
    /// An uploaded picture (retried or discarded on the jobs page).
    Picture(PictureId),
}

impl Object {
    pub fn kind(self) -> &'static str {
        match self {
            Object::Hotel(_) => "hotel",
            Object::Room(_) => "room",
            Object::Staff(_) => "staff",
            Object::Rates(_) => "rates",
            Object::Booking(_) => "booking",
            Object::User(_) => "user",
            Object::Email(_) => "email",
            Object::Picture(_) => "picture",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Object::Hotel(id) => id.get().into(),
            Object::Room(id) => id.get().into(),
            Object::Staff(id) => id.get().into(),
            Object::Rates(id) => id.get().into(),
            Object::Booking(id) => id.get().into(),
            Object::User(id) => id.get().into(),
            Object::Email(id) => id,
            Object::Picture(id) => id.get().into(),
        }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub object: Object,
    /// The hotel it belongs to: whose staff may read the entry.
    pub hotel_id: Option<HotelId>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    pub fn new(action: &'static str, object: Object, hotel_id: Option<HotelId>) -> Self {
        Change {
            action,
            object,
            hotel_id,
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

/// Records `change` by `actor` in the transaction that makes it.
pub async fn record(tx: &mut PgConnection, actor: &User, change: Change) -> Result<(), AppError> {
    AuditRepo::insert(tx, actor, &change).await
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub object: Option<Object>,
    pub hotel_id: Option<HotelId>,
    /// Entries before this id (the next page); `None`: the newest.
    pub before_id: Option<i64>,
}

/// The newest entries matching `filter` that `staff` may read: an admin reads everything, hotel
/// staff the entries of their hotels.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, AppError> {
    if let Some(hotel_id) = filter.hotel_id {
        staff.require_hotel(hotel_id)?;
    }
    let rows = AuditRepo::new(&state.db)
        .list(filter, staff.hotels(), AUDIT_PAGE)
        .await?;
    Ok(rows.into_iter().map(repo::AuditRow::into_entry).collect())
}

/// The fields that differ between two JSON objects (or values), in key order.
pub fn field_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let as_object = |value: Option<&Value>| match value {
        Some(Value::Object(map)) => Some(map.clone()),
        Some(other) => {
            let mut map = serde_json::Map::new();
            map.insert("value".to_owned(), other.clone());
            Some(map)
        }
        None => None,
    };
    let (before, after) = (as_object(before), as_object(after));
    let (b, a) = (
        before.as_ref().unwrap_or(&empty),
        after.as_ref().unwrap_or(&empty),
    );
    let mut fields: Vec<&String> = b.keys().chain(a.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter(|field| b.get(*field) != a.get(*field))
        .map(|field| FieldChange {
            field: field.clone(),
            before: b.get(field).map(Value::to_string),
            after: a.get(field).map(Value::to_string),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_fields_that_differ_are_changes() {
        let before = json!({ "name": "Скала", "price": 4350, "services": ["Wi-Fi"] });
        let after = json!({ "name": "Скала", "price": 4500, "quantity": 3, "services": ["Wi-Fi"] });
        let changes = field_changes(Some(&before), Some(&after));
        assert_eq!(
            changes,
            [
                FieldChange {
                    field: "price".into(),
                    before: Some("4350".into()),
                    after: Some("4500".into())
                },
                FieldChange {
                    field: "quantity".into(),
                    before: None,
                    after: Some("3".into())
                },
            ]
        );
        assert_eq!(
            field_changes(None, Some(&json!({ "a": 1 })))[0].before,
            None
        );
        assert!(field_changes(Some(&before), Some(&before)).is_empty());
    }
}
