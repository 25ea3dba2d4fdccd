//! Reads the rows of rates and restrictions; what they mean is `plan.rs`'s.
use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::plan::{RateChange, RateRule, Restriction, Weekdays};
use crate::error::{AppError, Cause};
use crate::model::{Money, RoomId};

/// The rows of some room types that touch a window of dates.
#[derive(Default)]
pub struct RoomRows {
    pub rules: Vec<RateRule>,
    pub overrides: Vec<(NaiveDate, Money)>,
    pub restrictions: Vec<Restriction>,
}

/// The rules, overrides and restrictions that touch the dates `[$2, $3)` of the room types
/// `rooms` names (an SQL condition on `room_id`): three index range reads, whatever the number
/// of room types. One text for every reader; [`RateRow`] reads its rows.
pub(in crate::server) fn rate_rows_sql(rooms: &str) -> String {
    format!(
        "SELECT room_id, 'rule' AS part, id, date_from, date_to, weekdays, kind, value,
                false AS closed, false AS closed_to_arrival, NULL::smallint AS min_stay,
                NULL::smallint AS max_stay
         FROM rate_rules
         WHERE {rooms} AND date_to > $2 AND date_from < $3
         UNION ALL
         SELECT room_id, 'override', NULL::bigint, night, night + 1, NULL::smallint, 'price',
                price, false, false, NULL::smallint, NULL::smallint
         FROM rate_overrides
         WHERE {rooms} AND night >= $2 AND night < $3
         UNION ALL
         SELECT room_id, 'restriction', id, date_from, date_to, NULL::smallint, NULL::text,
                NULL::integer, closed, closed_to_arrival, min_stay, max_stay
         FROM room_restrictions
         WHERE {rooms} AND date_to > $2 AND date_from < $3"
    )
}

/// A row of [`rate_rows_sql`]. Its columns are nullable so that a `LEFT JOIN` of it (a room
/// type without rates: one row of NULLs) reads too; a row without `part` is no rate.
#[derive(sqlx::FromRow)]
pub(in crate::server) struct RateRow {
    room_id: Option<RoomId>,
    part: Option<String>,
    id: Option<i64>,
    date_from: Option<NaiveDate>,
    date_to: Option<NaiveDate>,
    weekdays: Option<i16>,
    kind: Option<String>,
    value: Option<i32>,
    closed: Option<bool>,
    closed_to_arrival: Option<bool>,
    min_stay: Option<i16>,
    max_stay: Option<i16>,
}

/// The rules, overrides and restrictions of `room_ids` that touch the dates `[from, to)`, in one
/// statement.
pub async fn rows_for_rooms(
    conn: &mut PgConnection,
    room_ids: &[RoomId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<RoomId, RoomRows>, AppError> {
    static SQL: LazyLock<String> = LazyLock::new(|| rate_rows_sql("room_id = ANY($1)"));
    let ids: Vec<i32> = room_ids.iter().map(|id| id.get()).collect();
    let rows: Vec<RateRow> = sqlx::query_as(sqlx::AssertSqlSafe(SQL.as_str()))
        .bind(ids)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
    by_room(rows)
}

/// Rate rows grouped by room type, as the plan reads them.
pub(in crate::server) fn by_room(
    rows: impl IntoIterator<Item = RateRow>,
) -> Result<HashMap<RoomId, RoomRows>, AppError> {
    let nights = |value: Option<i16>| value.and_then(|n| u8::try_from(n).ok());
    let mut rooms: HashMap<RoomId, RoomRows> = HashMap::new();
    for row in rows {
        let (Some(room_id), Some(part), Some(from), Some(to)) =
            (row.room_id, row.part, row.date_from, row.date_to)
        else {
            continue;
        };
        let room = rooms.entry(room_id).or_default();
        let value = row.value.unwrap_or_default();
        match part.as_str() {
            "rule" => room.rules.push(RateRule {
                id: row.id.unwrap_or_default(),
                from,
                to,
                weekdays: row.weekdays.and_then(Weekdays::from_bits),
                change: change(row.kind.as_deref(), value)?,
            }),
            "override" => room
                .overrides
                .push((from, Money::from_roubles(value.into()))),
            _ => room.restrictions.push(Restriction {
                from,
                to,
                closed: row.closed.unwrap_or_default(),
                closed_to_arrival: row.closed_to_arrival.unwrap_or_default(),
                min_stay: nights(row.min_stay),
                max_stay: nights(row.max_stay),
            }),
        }
    }
    Ok(rooms)
}

/// A rule's change from its `kind` and `value` columns (the table's CHECK allows these three).
fn change(kind: Option<&str>, value: i32) -> Result<RateChange, AppError> {
    match kind {
        Some("percent") => Ok(RateChange::Percent(value)),
        Some("amount") => Ok(RateChange::Amount(Money::from_roubles(value.into()))),
        Some("price") => Ok(RateChange::Price(Money::from_roubles(value.into()))),
        other => {
            let problem = format!("a rate rule of unknown kind {other:?}");
            Err(AppError::Internal(Cause::new(
                "reading rate rules",
                problem,
            )))
        }
    }
}
