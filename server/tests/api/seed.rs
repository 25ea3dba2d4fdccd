use server::seed::{SeedOutcome, load_demo_data};

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn demo_data_keeps_the_original_ids() {
    let app = spawn_app().await;
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM hotels), (SELECT count(*) FROM rooms),
                (SELECT count(*) FROM users), (SELECT count(*) FROM bookings)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(counts, (6, 11, 2, 3));

    let first_hotel: String = sqlx::query_scalar("SELECT name FROM hotels WHERE id = 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(first_hotel, "Cosmos Collection Altay Resort");
    let (hotel_id, quantity): (i32, i32) =
        sqlx::query_as("SELECT hotel_id, quantity FROM rooms WHERE id = 4")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((hotel_id, quantity), (2, 8));
    let services: Vec<String> = sqlx::query_scalar("SELECT services FROM hotels WHERE id = 4")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(services, ["Wi-Fi", "Парковка", "Тренажёрный зал"]);
}

#[tokio::test]
async fn loading_twice_changes_nothing() {
    let app = spawn_app().await;
    // The app loaded it at start-up.
    assert_eq!(
        load_demo_data(&app.state.db).await.unwrap(),
        SeedOutcome::AlreadyLoaded
    );
    let hotels: i64 = sqlx::query_scalar("SELECT count(*) FROM hotels")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(hotels, 6);
}

#[tokio::test]
async fn new_rows_continue_after_the_demo_ids() {
    let app = spawn_app().await;
    let id: i32 = sqlx::query_scalar(
        "INSERT INTO hotels (name, location, rooms_quantity) VALUES ('New', 'Somewhere', 1) RETURNING id",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(id, 7);
}

#[tokio::test]
async fn demo_data_is_skipped_when_switched_off() {
    let app = spawn_app_with(&[("DEMO_DATA", "false")]).await;
    let hotels: i64 = sqlx::query_scalar("SELECT count(*) FROM hotels")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(hotels, 0);
}

#[tokio::test]
async fn the_demo_shows_rates_and_restrictions_once() {
    let app = spawn_app().await;
    let counts = || async {
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM rate_rules WHERE weekdays = 48),
                    (SELECT count(*) FROM rate_rules WHERE kind = 'price'),
                    (SELECT count(*) FROM room_restrictions WHERE closed),
                    (SELECT count(*) FROM room_restrictions WHERE min_stay = 2)",
        )
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        counts
    };
    let (weekend, season, closed, min_stay) = counts().await;
    assert_eq!(
        (weekend, season, closed),
        (2, 1, 1),
        "hotel 1's two rooms, hotel 6's one"
    );
    assert!(
        (52..=53).contains(&min_stay),
        "every Friday of a year: {min_stay}"
    );
    load_demo_data(&app.state.db).await.unwrap();
    assert_eq!(counts().await, (weekend, season, closed, min_stay));
    let suite: (i16, i16) =
        sqlx::query_as("SELECT max_adults, max_children FROM rooms WHERE id = 6")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(suite, (4, 2), "the two-room suite takes four adults");
}
