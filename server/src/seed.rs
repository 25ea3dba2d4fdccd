//! The demo data of the original project (`seed/*.json`), loaded once into an empty catalog.
//!
//! Ids follow file order (hotels 1..6, rooms 1..11, users 1..2, bookings 1..3), as the original's
//! clients and tests expect.
use sqlx::PgPool;

const HOTELS: &str = include_str!("../seed/hotels.json");
const ROOMS: &str = include_str!("../seed/rooms.json");
const USERS: &str = include_str!("../seed/users.json");
const BOOKINGS: &str = include_str!("../seed/bookings.json");

const SEED_NAME: &str = "demo-v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded,
    AlreadyLoaded,
}

/// Loads the demo data in one transaction, unless it was loaded before.
pub async fn load_demo_data(pool: &PgPool) -> Result<SeedOutcome, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // The marker row is taken first: a concurrent loader waits on it, then sees it and stops.
    let claimed =
        sqlx::query("INSERT INTO seed_history (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
            .bind(SEED_NAME)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if claimed == 0 {
        tx.rollback().await?;
        return Ok(SeedOutcome::AlreadyLoaded);
    }
    for (statement, data) in [
        (INSERT_HOTELS, HOTELS),
        (INSERT_ROOMS, ROOMS),
        (INSERT_USERS, USERS),
        (INSERT_BOOKINGS, BOOKINGS),
    ] {
        sqlx::query(statement).bind(data).execute(&mut *tx).await?;
    }
    // New rows continue after the explicit ids.
    sqlx::raw_sql(RESET_SEQUENCES).execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!("loaded the demo data");
    Ok(SeedOutcome::Loaded)
}

const INSERT_HOTELS: &str = "
    INSERT INTO hotels (id, name, location, services, rooms_quantity, image_id)
    SELECT e.idx::int, e.doc->>'name', e.doc->>'location',
           ARRAY(SELECT jsonb_array_elements_text(e.doc->'services')),
           (e.doc->>'rooms_quantity')::int, (e.doc->>'image_id')::int
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const INSERT_ROOMS: &str = "
    INSERT INTO rooms (id, hotel_id, name, description, price, services, quantity, image_id)
    SELECT e.idx::int, (e.doc->>'hotel_id')::int, e.doc->>'name', e.doc->>'description',
           (e.doc->>'price')::int,
           ARRAY(SELECT jsonb_array_elements_text(e.doc->'services')),
           (e.doc->>'quantity')::int, (e.doc->>'image_id')::int
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const INSERT_USERS: &str = "
    INSERT INTO users (id, email, hashed_password)
    SELECT e.idx::int, lower(btrim(e.doc->>'email')), e.doc->>'hashed_password'
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const INSERT_BOOKINGS: &str = "
    INSERT INTO bookings (id, room_id, user_id, date_from, date_to, price)
    SELECT e.idx::int, (e.doc->>'room_id')::int, (e.doc->>'user_id')::int,
           (e.doc->>'date_from')::date, (e.doc->>'date_to')::date, (e.doc->>'price')::int
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const RESET_SEQUENCES: &str = "
    SELECT setval(pg_get_serial_sequence('hotels', 'id'), coalesce(max(id), 0) + 1, false) FROM hotels;
    SELECT setval(pg_get_serial_sequence('rooms', 'id'), coalesce(max(id), 0) + 1, false) FROM rooms;
    SELECT setval(pg_get_serial_sequence('users', 'id'), coalesce(max(id), 0) + 1, false) FROM users;
    SELECT setval(pg_get_serial_sequence('bookings', 'id'), coalesce(max(id), 0) + 1, false) FROM bookings;";
