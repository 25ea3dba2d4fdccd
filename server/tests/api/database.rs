use server::db;
use sqlx::PgPool;

use crate::helpers::{spawn_app_with, test_config};

const NO_DEMO: &[(&str, &str)] = &[("DEMO_DATA", "false")];

async fn table_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name IN ('users', 'hotels', 'rooms', 'bookings')",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A hotel with one room type and one user, for constraint tests.
async fn minimal_catalog(pool: &PgPool) {
    sqlx::raw_sql(
        "INSERT INTO hotels (id, name, location, rooms_quantity) VALUES (1, 'H', 'Город', 1);
         INSERT INTO rooms (id, hotel_id, name, price, quantity) VALUES (1, 1, 'R', 1000, 1);
         INSERT INTO users (id, email, hashed_password) VALUES (1, 'a@b.cd', 'x');",
    )
    .execute(pool)
    .await
    .unwrap();
}

fn is_violation(error: &sqlx::Error, code: &str) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some(code))
}

#[tokio::test]
async fn migrations_go_down_and_up_again() {
    let app = spawn_app_with(NO_DEMO).await;
    assert_eq!(table_count(&app.state.db).await, 4);

    db::migrate_down(&app.state.db, Some(0)).await.unwrap();
    assert_eq!(table_count(&app.state.db).await, 0);

    db::MIGRATOR.run(&app.state.db).await.unwrap();
    assert_eq!(table_count(&app.state.db).await, 4);
}

#[tokio::test]
async fn ensure_database_creates_it_once() {
    let config = test_config(NO_DEMO);
    db::ensure_database(&config.database).await.unwrap();
    // A second call finds it and does nothing.
    db::ensure_database(&config.database).await.unwrap();
    db::drop_database(&config.database).await.unwrap();
}

#[tokio::test]
async fn a_booking_must_end_after_it_starts() {
    let app = spawn_app_with(NO_DEMO).await;
    minimal_catalog(&app.state.db).await;
    for (from, to) in [("2030-01-02", "2030-01-02"), ("2030-01-03", "2030-01-02")] {
        let error = sqlx::query(
            "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
             VALUES (1, 1, $1::date, $2::date, 1000)",
        )
        .bind(from)
        .bind(to)
        .execute(&app.state.db)
        .await
        .unwrap_err();
        assert!(is_violation(&error, "23514"), "{from}..{to}: {error}");
    }
}

#[tokio::test]
async fn prices_and_quantities_cannot_be_negative() {
    let app = spawn_app_with(NO_DEMO).await;
    minimal_catalog(&app.state.db).await;
    for statement in [
        "INSERT INTO rooms (hotel_id, name, price, quantity) VALUES (1, 'R', -1, 1)",
        "INSERT INTO rooms (hotel_id, name, price, quantity) VALUES (1, 'R', 1, -1)",
        "INSERT INTO hotels (name, location, rooms_quantity) VALUES ('H', 'L', -1)",
    ] {
        let error = sqlx::query(statement)
            .execute(&app.state.db)
            .await
            .unwrap_err();
        assert!(is_violation(&error, "23514"), "{statement}: {error}");
    }
}

#[tokio::test]
async fn emails_are_unique_in_any_letter_case() {
    let app = spawn_app_with(NO_DEMO).await;
    minimal_catalog(&app.state.db).await;
    // Stored emails are normalised; the check refuses anything else outright.
    let error = sqlx::query("INSERT INTO users (email, hashed_password) VALUES ('A@B.CD', 'x')")
        .execute(&app.state.db)
        .await
        .unwrap_err();
    assert!(is_violation(&error, "23514"), "{error}");
    let error = sqlx::query("INSERT INTO users (email, hashed_password) VALUES ('a@b.cd', 'y')")
        .execute(&app.state.db)
        .await
        .unwrap_err();
    assert!(is_violation(&error, "23505"), "{error}");
}

#[tokio::test]
async fn total_cost_and_days_are_derived() {
    let app = spawn_app_with(NO_DEMO).await;
    minimal_catalog(&app.state.db).await;
    let (days, cost): (i32, i64) = sqlx::query_as(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES (1, 1, '2030-02-27', '2030-03-02', 2500)
         RETURNING total_days, total_cost",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(days, 3);
    assert_eq!(cost, 7500);
}

#[tokio::test]
async fn a_booking_s_hotel_and_terms_follow_its_room_type_whoever_writes_it() {
    let app = spawn_app_with(NO_DEMO).await;
    let db = &app.state.db;
    minimal_catalog(db).await;
    sqlx::raw_sql(
        "INSERT INTO hotels (id, name, location, rooms_quantity, time_zone, check_in_time)
         VALUES (2, 'Другой', 'Город', 1, 'Asia/Novosibirsk', '15:00');
         INSERT INTO rooms (id, hotel_id, name, price, quantity, free_cancellation_days)
         VALUES (2, 2, 'R', 1000, 1, 3);",
    )
    .execute(db)
    .await
    .unwrap();
    // A writer that leaves the hotel out gets the room type's hotel and its terms for the stay
    // (3 days before check-in, at the hotel's check-in time on its clock).
    let (hotel, deadline): (i32, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES (2, 1, '2030-02-10', '2030-02-12', 1000)
         RETURNING hotel_id, free_cancellation_until",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(hotel, 2);
    assert_eq!(
        deadline.map(|at| at.to_rfc3339()).as_deref(),
        Some("2030-02-07T08:00:00+00:00")
    );
    // Nobody can file a booking or a hold under another hotel than its room type's.
    for sql in [
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price, hotel_id)
         VALUES (2, 1, '2030-02-10', '2030-02-12', 1000, 1)",
        "INSERT INTO holds (room_id, user_id, date_from, date_to, expires_at, hotel_id)
         VALUES (2, 1, '2030-02-10', '2030-02-12', now() + interval '5 minutes', 1)",
    ] {
        let error = sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(db)
            .await
            .unwrap_err();
        assert!(is_violation(&error, "23503"), "{error}");
    }
    // Deleting a live hold makes cached pages stale; deleting an expired one (it counts for
    // nothing already) logs nothing. (In a transaction: the app's relay sees none of it.)
    let logged_by_deleting = async |expires: &str| -> i64 {
        let mut tx = db.begin().await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "INSERT INTO holds (room_id, user_id, date_from, date_to, expires_at)
             VALUES (2, 1, '2030-03-01', '2030-03-02', now() + interval '{expires}');
             DELETE FROM cache_invalidations; DELETE FROM holds;"
        )))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query_scalar("SELECT count(*) FROM cache_invalidations WHERE hotel_id = 2")
            .fetch_one(&mut *tx)
            .await
            .unwrap()
    };
    assert_eq!(logged_by_deleting("5 minutes").await, 1);
    assert_eq!(logged_by_deleting("-5 minutes").await, 0);
}

#[tokio::test]
async fn references_are_distinct_readable_and_follow_every_writer() {
    let app = spawn_app_with(NO_DEMO).await;
    let db = &app.state.db;
    // A permutation: the first two million ids (years of bookings) never share a code.
    let (codes, distinct, readable): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT code),
                count(*) FILTER (WHERE code ~ '^[2-9A-HJ-NP-Z]{8}$')
         FROM (SELECT booking_reference(i) AS code FROM generate_series(1, 2000000) i) c",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!((distinct, readable), (codes, codes));
    // Neighbouring bookings share no visible pattern.
    let (first, second): (String, String) =
        sqlx::query_as("SELECT booking_reference(41), booking_reference(42)")
            .fetch_one(db)
            .await
            .unwrap();
    let same = first
        .chars()
        .zip(second.chars())
        .filter(|(a, b)| a == b)
        .count();
    assert!(same < 4, "{first} {second}");
    // Any writer's booking gets one (here plain SQL), and the Rust side reads it back.
    minimal_catalog(db).await;
    let (id, reference): (i32, app::model::BookingReference) = sqlx::query_as(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES (1, 1, '2030-02-27', '2030-03-02', 2500) RETURNING id, reference",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let expected: String = sqlx::query_scalar("SELECT booking_reference($1)")
        .bind(i64::from(id))
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(reference.as_str(), expected);
}

#[tokio::test]
async fn deleting_a_hotel_removes_its_rooms_and_bookings() {
    let app = spawn_app_with(NO_DEMO).await;
    minimal_catalog(&app.state.db).await;
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES (1, 1, '2030-01-01', '2030-01-02', 1000)",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query("DELETE FROM hotels WHERE id = 1")
        .execute(&app.state.db)
        .await
        .unwrap();
    let left: i64 =
        sqlx::query_scalar("SELECT (SELECT count(*) FROM rooms) + (SELECT count(*) FROM bookings)")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(left, 0);
}
