//! Reads the rows of rates and restrictions; what they mean is `plan.rs`'s.
use std::collections::HashMap;

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

/// The rules, overrides and restrictions of `room_ids` that touch the dates `[from, to)`, in one
/// statement (a booking reads them while it holds its room type's lock, so one round trip, not
/// three) of three index range reads, whatever the number of room types.
pub async fn rows_for_rooms(
    conn: &mut PgConnection,
    room_ids: &[RoomId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<RoomId, RoomRows>, AppError> {
    let ids: Vec<i32> = room_ids.iter().map(|id| id.get()).collect();
    let rows = sqlx::query!(
        r#"SELECT room_id AS "room_id!: RoomId", 'rule' AS "part!", id AS "id?",
                  date_from AS "date_from!", date_to AS "date_to!", weekdays AS "weekdays?",
                  kind AS "kind?", value AS "value?", false AS "closed!",
                  false AS "closed_to_arrival!", NULL::smallint AS "min_stay?",
                  NULL::smallint AS "max_stay?"
           FROM rate_rules
           WHERE room_id = ANY($1) AND date_to > $2 AND date_from < $3
           UNION ALL
           SELECT room_id, 'override', NULL::bigint, night, night + 1, NULL::smallint, 'price',
                  price, false, false, NULL::smallint, NULL::smallint
           FROM rate_overrides
           WHERE room_id = ANY($1) AND night >= $2 AND night < $3
           UNION ALL
           SELECT room_id, 'restriction', id, date_from, date_to, NULL::smallint, NULL::text,
                  NULL::integer, closed, closed_to_arrival, min_stay, max_stay
           FROM room_restrictions
           WHERE room_id = ANY($1) AND date_to > $2 AND date_from < $3"#,
        &ids,
        from,
        to,
    )
    .fetch_all(&mut *conn)
    .await?;
    let nights = |value: Option<i16>| value.and_then(|n| u8::try_from(n).ok());
    let mut rooms: HashMap<RoomId, RoomRows> = HashMap::new();
    for row in rows {
        let room = rooms.entry(row.room_id).or_default();
        let value = row.value.unwrap_or_default();
        match row.part.as_str() {
            "rule" => room.rules.push(RateRule {
                id: row.id.unwrap_or_default(),
                from: row.date_from,
                to: row.date_to,
                weekdays: row.weekdays.and_then(Weekdays::from_bits),
                change: change(row.kind.as_deref(), value)?,
            }),
            "override" => room
                .overrides
                .push((row.date_from, Money::from_roubles(value.into()))),
            _ => room.restrictions.push(Restriction {
                from: row.date_from,
                to: row.date_to,
                closed: row.closed,
                closed_to_arrival: row.closed_to_arrival,
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
