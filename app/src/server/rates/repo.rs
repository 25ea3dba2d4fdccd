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

/// The rules, overrides and restrictions of `room_ids` that touch the dates `[from, to)`: three
/// index range reads, whatever the number of room types (no query per room type).
pub async fn rows_for_rooms(
    conn: &mut PgConnection,
    room_ids: &[RoomId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<RoomId, RoomRows>, AppError> {
    let ids: Vec<i32> = room_ids.iter().map(|id| id.get()).collect();
    let mut rooms: HashMap<RoomId, RoomRows> = HashMap::new();
    let rules = sqlx::query!(
        r#"SELECT room_id AS "room_id: RoomId", id, date_from, date_to, weekdays, kind, value
           FROM rate_rules
           WHERE room_id = ANY($1) AND date_to > $2 AND date_from < $3"#,
        &ids,
        from,
        to,
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rules {
        let change = match row.kind.as_str() {
            "percent" => RateChange::Percent(row.value),
            "amount" => RateChange::Amount(Money::from_roubles(row.value.into())),
            "price" => RateChange::Price(Money::from_roubles(row.value.into())),
            other => {
                let problem = format!("rate rule {} has an unknown kind {other:?}", row.id);
                return Err(AppError::Internal(Cause::new(
                    "reading rate rules",
                    problem,
                )));
            }
        };
        rooms.entry(row.room_id).or_default().rules.push(RateRule {
            id: row.id,
            from: row.date_from,
            to: row.date_to,
            weekdays: row.weekdays.and_then(Weekdays::from_bits),
            change,
        });
    }
    let overrides = sqlx::query!(
        r#"SELECT room_id AS "room_id: RoomId", night, price::bigint AS "price!"
           FROM rate_overrides
           WHERE room_id = ANY($1) AND night >= $2 AND night < $3"#,
        &ids,
        from,
        to,
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in overrides {
        let price = Money::from_roubles(row.price);
        rooms
            .entry(row.room_id)
            .or_default()
            .overrides
            .push((row.night, price));
    }
    let restrictions = sqlx::query!(
        r#"SELECT room_id AS "room_id: RoomId", date_from, date_to, closed, closed_to_arrival,
                  min_stay, max_stay
           FROM room_restrictions
           WHERE room_id = ANY($1) AND date_to > $2 AND date_from < $3"#,
        &ids,
        from,
        to,
    )
    .fetch_all(&mut *conn)
    .await?;
    let nights = |value: Option<i16>| value.and_then(|n| u8::try_from(n).ok());
    for row in restrictions {
        rooms
            .entry(row.room_id)
            .or_default()
            .restrictions
            .push(Restriction {
                from: row.date_from,
                to: row.date_to,
                closed: row.closed,
                closed_to_arrival: row.closed_to_arrival,
                min_stay: nights(row.min_stay),
                max_stay: nights(row.max_stay),
            });
    }
    Ok(rooms)
}
