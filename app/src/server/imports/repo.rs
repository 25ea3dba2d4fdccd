//! Bulk inserts of parsed import files, one transaction and one INSERT per file. What only the
//! database knows (does hotel 7 exist, is room type 3 free on those nights) is checked inside
//! the same transaction, with the rows it relies on locked, and reported by line.
use std::collections::HashSet;

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, Transaction};

use super::problems::{ImportError, RowError};
use super::rows::{MAX_REPORTED, NewBooking, NewHotel, NewRoom, Numbered};

pub struct ImportRepo<'a> {
    pool: &'a PgPool,
}

impl<'a> ImportRepo<'a> {
    pub fn new(pool: &'a PgPool) -> Self {
        ImportRepo { pool }
    }

    pub async fn hotels(&self, rows: &[Numbered<NewHotel>]) -> Result<Vec<i32>, ImportError> {
        let records = || rows.iter().map(|row| &row.record);
        let mut tx = self.pool.begin().await?;
        let ids = sqlx::query_scalar!(
            "INSERT INTO hotels (name, location, services, rooms_quantity, image_id, name_en,
                                 description, description_en)
             SELECT t.name, t.location,
                    ARRAY(SELECT jsonb_array_elements_text(t.services::jsonb)),
                    t.rooms_quantity, t.image_id, t.name_en, t.description, t.description_en
             FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[],
                         $7::text[], $8::text[])
                  WITH ORDINALITY AS t(name, location, services, rooms_quantity, image_id,
                                       name_en, description, description_en, n)
             ORDER BY t.n
             RETURNING id",
            &records().map(|h| h.name.clone()).collect::<Vec<_>>(),
            &records().map(|h| h.location.clone()).collect::<Vec<_>>(),
            &records()
                .map(|h| json_list(&h.services))
                .collect::<Vec<_>>(),
            &records().map(|h| h.rooms_quantity).collect::<Vec<_>>(),
            &records().map(|h| h.image_id).collect::<Vec<_>>() as &[Option<i32>],
            &records().map(|h| h.name_en.clone()).collect::<Vec<_>>() as &[Option<String>],
            &records().map(|h| h.description.clone()).collect::<Vec<_>>() as &[Option<String>],
            &records()
                .map(|h| h.description_en.clone())
                .collect::<Vec<_>>() as &[Option<String>],
        )
        .fetch_all(&mut *tx)
        .await?;
        finish(tx, ids).await
    }

    pub async fn rooms(&self, rows: &[Numbered<NewRoom>]) -> Result<Vec<i32>, ImportError> {
        let records = || rows.iter().map(|row| &row.record);
        let mut tx = self.pool.begin().await?;
        // The hotels stay until the commit (a concurrent delete waits).
        let hotels = existing(
            &mut tx,
            "hotels",
            "FOR KEY SHARE",
            records().map(|r| r.hotel_id),
        )
        .await?;
        check(unknown(rows, "hotel_id", "hotel", |r| r.hotel_id, &hotels))?;
        let ids = sqlx::query_scalar!(
            "INSERT INTO rooms (hotel_id, name, description, price, services, quantity, image_id,
                                name_en, description_en, size_m2, double_beds, single_beds)
             SELECT t.hotel_id, t.name, t.description, t.price,
                    ARRAY(SELECT jsonb_array_elements_text(t.services::jsonb)), t.quantity,
                    t.image_id, t.name_en, t.description_en, t.size_m2, t.double_beds,
                    t.single_beds
             FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[],
                         $7::int[], $8::text[], $9::text[], $10::int[], $11::int[], $12::int[])
                  WITH ORDINALITY AS t(hotel_id, name, description, price, services, quantity,
                                       image_id, name_en, description_en, size_m2, double_beds,
                                       single_beds, n)
             ORDER BY t.n
             RETURNING id",
            &records().map(|r| r.hotel_id).collect::<Vec<_>>(),
            &records().map(|r| r.name.clone()).collect::<Vec<_>>(),
            &records().map(|r| r.description.clone()).collect::<Vec<_>>() as &[Option<String>],
            &records().map(|r| r.price).collect::<Vec<_>>(),
            &records()
                .map(|r| json_list(&r.services))
                .collect::<Vec<_>>(),
            &records().map(|r| r.quantity).collect::<Vec<_>>(),
            &records().map(|r| r.image_id).collect::<Vec<_>>() as &[Option<i32>],
            &records().map(|r| r.name_en.clone()).collect::<Vec<_>>() as &[Option<String>],
            &records()
                .map(|r| r.description_en.clone())
                .collect::<Vec<_>>() as &[Option<String>],
            &records().map(|r| r.size_m2).collect::<Vec<_>>() as &[Option<i32>],
            &records().map(|r| r.double_beds).collect::<Vec<_>>(),
            &records().map(|r| r.single_beds).collect::<Vec<_>>(),
        )
        .fetch_all(&mut *tx)
        .await?;
        finish(tx, ids).await
    }

    /// Bookings never overbook, imported or not: the room types' rows are locked as a single
    /// booking locks its one (`FOR NO KEY UPDATE`, in id order against deadlocks), then the
    /// file's bookings are counted with the live ones night by night (`over_capacity`).
    pub async fn bookings(&self, rows: &[Numbered<NewBooking>]) -> Result<Vec<i32>, ImportError> {
        let records = || rows.iter().map(|row| &row.record);
        let mut tx = self.pool.begin().await?;
        let room_ids = records().map(|b| b.room_id);
        let rooms = existing(&mut tx, "rooms", "FOR NO KEY UPDATE", room_ids).await?;
        let users = existing(
            &mut tx,
            "users",
            "FOR KEY SHARE",
            records().map(|b| b.user_id),
        )
        .await?;
        let mut problems = unknown(rows, "room_id", "room type", |b| b.room_id, &rooms);
        problems.extend(unknown(rows, "user_id", "user", |b| b.user_id, &users));
        problems.sort_by_key(|problem| problem.line);
        problems.truncate(MAX_REPORTED);
        check(problems)?;
        check(over_capacity(&mut tx, rows).await?)?;
        // Without a price, a booking costs the room type's current price a night, as a new one
        // would.
        let ids = sqlx::query_scalar!(
            "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
             SELECT t.room_id, t.user_id, t.date_from, t.date_to, coalesce(t.price, r.price)
             FROM unnest($1::int[], $2::int[], $3::date[], $4::date[], $5::int[])
                  WITH ORDINALITY AS t(room_id, user_id, date_from, date_to, price, n)
             JOIN rooms r ON r.id = t.room_id
             ORDER BY t.n
             RETURNING id",
            &records().map(|b| b.room_id).collect::<Vec<_>>(),
            &records().map(|b| b.user_id).collect::<Vec<_>>(),
            &records().map(|b| b.date_from).collect::<Vec<_>>(),
            &records().map(|b| b.date_to).collect::<Vec<_>>(),
            &records().map(|b| b.price).collect::<Vec<_>>() as &[Option<i32>],
        )
        .fetch_all(&mut *tx)
        .await?;
        finish(tx, ids).await
    }
}

/// Which of `ids` exist in `table`, locking those rows with `lock` until the commit.
async fn existing(
    tx: &mut Transaction<'_, Postgres>,
    table: &'static str,
    lock: &'static str,
    ids: impl Iterator<Item = i32>,
) -> Result<HashSet<i32>, ImportError> {
    let mut ids: Vec<i32> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    // One statement for three tables and two lock strengths: assembled from constants.
    let query = format!("SELECT id FROM {table} WHERE id = ANY($1) ORDER BY id {lock}");
    let found: Vec<i32> = sqlx::query_scalar(sqlx::AssertSqlSafe(query))
        .bind(ids)
        .fetch_all(&mut **tx)
        .await?;
    Ok(found.into_iter().collect())
}

/// A problem for each row whose `id_of` is not among `found`.
fn unknown<T>(
    rows: &[Numbered<T>],
    column: &'static str,
    what: &str,
    id_of: impl Fn(&T) -> i32,
    found: &HashSet<i32>,
) -> Vec<RowError> {
    rows.iter()
        .filter(|row| !found.contains(&id_of(&row.record)))
        .take(MAX_REPORTED)
        .map(|row| {
            let id = id_of(&row.record);
            RowError {
                line: row.line,
                column: Some(column),
                message: format!("there is no {what} with id {id}"),
                input: Some(id.to_string()),
            }
        })
        .collect()
}

/// The first imported booking, in file order, that finds its room type full on some night:
/// per room type and night, the live bookings already holding a room then (`booked_nights`,
/// the app's one availability rule) plus the file's bookings up to this one must fit in
/// `quantity`.
async fn over_capacity(
    tx: &mut Transaction<'_, Postgres>,
    rows: &[Numbered<NewBooking>],
) -> Result<Vec<RowError>, ImportError> {
    let column = |field: fn(&NewBooking) -> NaiveDate| -> Vec<NaiveDate> {
        rows.iter().map(|row| field(&row.record)).collect()
    };
    let found = sqlx::query!(
        r#"WITH nights AS (
               SELECT t.line, t.room_id, t.date_from + i AS night
               FROM unnest($1::bigint[], $2::int[], $3::date[], $4::date[])
                    AS t(line, room_id, date_from, date_to)
               CROSS JOIN LATERAL generate_series(0, t.date_to - t.date_from - 1) AS i
           ), ranked AS (
               SELECT line, room_id, night,
                      row_number() OVER (PARTITION BY room_id, night ORDER BY line) AS nth
               FROM nights
           )
           SELECT DISTINCT ON (k.room_id, k.night)
                  k.line AS "line!", k.room_id AS "room_id!", k.night AS "night!"
           FROM ranked k
           JOIN rooms r ON r.id = k.room_id
           WHERE k.nth + coalesce((SELECT n.booked FROM booked_nights(k.night, k.night + 1) n
                                   WHERE n.room_id = k.room_id), 0) > r.quantity
           ORDER BY k.room_id, k.night, k.line"#,
        &rows.iter().map(|row| row.line as i64).collect::<Vec<_>>(),
        &rows
            .iter()
            .map(|row| row.record.room_id)
            .collect::<Vec<_>>(),
        &column(|booking| booking.date_from),
        &column(|booking| booking.date_to),
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut found: Vec<(i64, i32, NaiveDate)> = found
        .into_iter()
        .map(|row| (row.line, row.room_id, row.night))
        .collect();
    let mut problems: Vec<RowError> = Vec::new();
    found.sort_by_key(|(line, _, night)| (*line, *night));
    for (line, room_id, night) in found {
        let line = line as u64;
        // One problem per line: its first full night.
        if problems.last().is_some_and(|last| last.line == line) {
            continue;
        }
        problems.push(RowError {
            line,
            column: None,
            message: format!("room type {room_id} has no room left on the night of {night}"),
            input: None,
        });
    }
    problems.truncate(MAX_REPORTED);
    Ok(problems)
}

fn check(problems: Vec<RowError>) -> Result<(), ImportError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Rows(problems))
    }
}

/// Commits and returns the new ids in file order (ids grow in insertion order).
async fn finish(tx: Transaction<'_, Postgres>, mut ids: Vec<i32>) -> Result<Vec<i32>, ImportError> {
    tx.commit().await?;
    ids.sort_unstable();
    Ok(ids)
}

fn json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}
