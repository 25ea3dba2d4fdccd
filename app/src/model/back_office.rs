//! What the back office shows: the people who run a hotel, the front desk's day, and the audit
//! log. Plain serde types, like the rest of the model.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::desk::DeskBooking;
use super::{HotelId, UserId};

/// Someone granted a hotel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub user_id: UserId,
    pub email: String,
    pub granted_at: DateTime<Utc>,
}

/// A hotel the user runs, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunHotel {
    pub id: HotelId,
    pub name: String,
    pub location: String,
    pub archived: bool,
}

/// The back office's home: the hotels the user runs, and who arrives and leaves today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontDesk {
    pub today: NaiveDate,
    pub admin: bool,
    pub hotels: Vec<RunHotel>,
    pub arrivals: Vec<DeskBooking>,
    pub departures: Vec<DeskBooking>,
}

/// One field an audited change touched, its values as JSON text (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Audit entries a page lists (a full page means older ones may follow).
pub const AUDIT_PAGE: i64 = 50;

/// One staff change, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_email: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: i64,
    pub hotel_id: Option<HotelId>,
    pub changes: Vec<FieldChange>,
}
