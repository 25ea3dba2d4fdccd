//! Holds during checkout: a held room counts like a booking until it expires, becomes the
//! guest's booking without a second race, is found again, released, and never shown as a
//! booking; hundreds of guests racing for the last rooms from two processes never overbook.
use app::error::AppError;
use app::i18n::Locale;
use app::model::{Party, RoomId, StayDates, UserId};
use app::server::state::AppState;
use app::server::{bookings, catalog};
use futures::future::join_all;
use serde_json::Value;

use crate::helpers::{TestApp, day, spawn_app, spawn_app_sharing, stay};

/// A room type with `quantity` rooms in a hotel of its own: (hotel, room).
async fn add_room(app: &TestApp, quantity: i32) -> (app::model::HotelId, RoomId) {
    sqlx::query_as(
        "WITH h AS (INSERT INTO hotels (name, location, rooms_quantity)
                    VALUES ('Холд', 'Холдинск', $1) RETURNING id)
         INSERT INTO rooms (hotel_id, name, price, quantity) SELECT id, 'Номер', 1000, $1 FROM h
         RETURNING hotel_id, id",
    )
    .bind(quantity)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// `count` guests, made in SQL (no password hashing: they never sign in over HTTP).
async fn guests(app: &TestApp, count: i32) -> Vec<UserId> {
    sqlx::query_scalar(
        "INSERT INTO users (email, hashed_password)
         SELECT 'holder' || i || '@example.com', 'x' FROM generate_series(1, $1) i
         RETURNING id",
    )
    .bind(count)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

async fn hold(state: &AppState, user: UserId, room: RoomId, stay: StayDates) -> Option<String> {
    let quote = bookings::hold(state, user, room, stay, Party::default(), false)
        .await
        .unwrap();
    quote.hold.map(|hold| hold.expires_at.to_rfc3339())
}

async fn book(
    state: &AppState,
    user: UserId,
    room: RoomId,
    stay: StayDates,
) -> Result<(), AppError> {
    bookings::book(
        state,
        user,
        room,
        stay,
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .map(|_| ())
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_held_room_is_taken_by_nobody_else_and_becomes_the_holders_booking() {
    let app = spawn_app().await;
    let (_, room) = add_room(&app, 1).await;
    let users = guests(&app, 2).await;
    let (holder, other) = (users[0], users[1]);
    let nights = stay(10, 12);

    let first = hold(&app.state, holder, room, nights).await;
    assert!(first.is_some(), "the free room is held");
    assert_eq!(
        hold(&app.state, holder, room, nights).await,
        first,
        "coming back finds the same hold, not a longer one"
    );
    assert_eq!(
        hold(&app.state, other, room, nights).await,
        None,
        "nothing left to hold"
    );
    assert_eq!(
        book(&app.state, other, room, nights).await,
        Err(AppError::NoRoomsLeft)
    );
    // An overlapping stay is refused too: the hold takes its nights.
    assert_eq!(
        book(&app.state, other, room, stay(11, 13)).await,
        Err(AppError::NoRoomsLeft)
    );

    book(&app.state, holder, room, nights).await.unwrap();
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM holds").await,
        0,
        "the hold became the booking"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM bookings WHERE cancelled_at IS NULL AND hotel_id > 6"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn coming_back_after_booking_finds_the_booking_not_a_new_hold() {
    let app = spawn_app().await;
    let (_, room) = add_room(&app, 3).await;
    let guest = guests(&app, 1).await[0];
    let nights = stay(10, 12);
    assert!(hold(&app.state, guest, room, nights).await.is_some());
    book(&app.state, guest, room, nights).await.unwrap();
    let booking: i32 = sqlx::query_scalar("SELECT id FROM bookings WHERE user_id = $1")
        .bind(guest)
        .fetch_one(&app.state.db)
        .await
        .unwrap();

    // The browser's back button: the same room type and dates show the booking, hold nothing.
    let back = bookings::hold(&app.state, guest, room, nights, Party::default(), false)
        .await
        .unwrap();
    assert_eq!(back.booked.map(|id| id.get()), Some(booking));
    assert!(back.hold.is_none());
    assert_eq!(scalar(&app, "SELECT count(*) FROM holds").await, 0);
    // Other dates are another stay; asking for another room holds one.
    let other = bookings::hold(
        &app.state,
        guest,
        room,
        stay(12, 13),
        Party::default(),
        false,
    )
    .await
    .unwrap();
    assert!(other.booked.is_none() && other.hold.is_some());
    let another = bookings::hold(&app.state, guest, room, nights, Party::default(), true)
        .await
        .unwrap();
    assert!(another.booked.is_none() && another.hold.is_some());
    // A cancelled booking is no booking to show.
    sqlx::query("UPDATE bookings SET cancelled_at = now() WHERE id = $1")
        .bind(booking)
        .execute(&app.state.db)
        .await
        .unwrap();
    let after = bookings::hold(&app.state, guest, room, nights, Party::default(), false)
        .await
        .unwrap();
    assert!(after.booked.is_none() && after.hold.is_some());
}

#[tokio::test]
async fn an_expired_or_released_hold_is_free_at_once_on_every_path() {
    let app = spawn_app().await;
    let (hotel, room) = add_room(&app, 1).await;
    let users = guests(&app, 3).await;
    let nights = stay(10, 12);
    let rooms_left = async || {
        catalog::hotel_details(&app.state, hotel, nights, None)
            .await
            .unwrap()
            .rooms[0]
            .rooms_left
    };

    assert!(hold(&app.state, users[0], room, nights).await.is_some());
    assert_eq!(rooms_left().await, 0, "the hotel page counts the hold");
    // Expired a moment ago: nothing has run since, yet every path sees the room free.
    sqlx::query("UPDATE holds SET expires_at = now() - interval '1 second'")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert!(
        hold(&app.state, users[1], room, nights).await.is_some(),
        "held by the next guest"
    );
    assert_eq!(
        book(&app.state, users[0], room, nights).await,
        Err(AppError::NoRoomsLeft),
        "an expired hold gives its holder nothing"
    );

    bookings::release(&app.state, users[1], room, nights)
        .await
        .unwrap();
    assert_eq!(
        rooms_left().await,
        1,
        "released: free on the (cached) page at once"
    );
    book(&app.state, users[2], room, nights).await.unwrap();

    // The housekeeping task deletes expired holds, and only those.
    sqlx::query("INSERT INTO holds (user_id, room_id, date_from, date_to, expires_at) VALUES ($1, $2, $3, $4, now() - interval '1 minute')")
        .bind(users[0])
        .bind(room)
        .bind(day(20))
        .bind(day(21))
        .execute(&app.state.db)
        .await
        .unwrap();
    assert!(
        hold(&app.state, users[0], room, stay(30, 31))
            .await
            .is_some()
    );
    // (The first guest's expired hold is still there: their refused booking changed nothing.)
    // The app's own housekeeping may purge at the same moment: count what is left, not what
    // this call removed.
    let purged = bookings::purge_expired_holds(&app.state.db).await.unwrap();
    assert!(purged <= 2, "{purged}");
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM holds WHERE expires_at <= now()").await,
        0,
        "the expired ones are gone"
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM holds").await,
        1,
        "the live one stays"
    );
}

#[tokio::test]
async fn a_cached_page_that_counted_a_hold_lasts_no_longer_than_the_hold() {
    let app = spawn_app().await;
    let (hotel, room) = add_room(&app, 1).await;
    let users = guests(&app, 1).await;
    let nights = stay(10, 12);
    // A hold about to expire (a guest's last seconds).
    sqlx::query("INSERT INTO holds (user_id, room_id, date_from, date_to, expires_at) VALUES ($1, $2, $3, $4, now() + interval '2 seconds')")
        .bind(users[0])
        .bind(room)
        .bind(nights.check_in())
        .bind(nights.check_out())
        .execute(&app.state.db)
        .await
        .unwrap();
    catalog::deliver_invalidations(&app.state.db, &app.state.cache)
        .await
        .unwrap();
    let search = app::model::HotelSearch {
        location: Some(app::model::LocationQuery::parse("Холдинск").unwrap()),
        stay: nights,
        party: Party::default(),
        sort: app::model::SortOrder::Price,
        page: 1,
    };
    let listed = async || {
        catalog::search(&app.state, &search, app::i18n::Locale::ru)
            .await
            .unwrap()
            .hotels
            .len()
    };
    let left = async || {
        catalog::hotel_details(&app.state, hotel, nights, None)
            .await
            .unwrap()
            .rooms[0]
            .rooms_left
    };
    assert_eq!(
        (listed().await, left().await),
        (0, 0),
        "held: full, and now cached"
    );
    tokio::time::sleep(std::time::Duration::from_millis(2_300)).await;
    assert_eq!(
        (listed().await, left().await),
        (1, 1),
        "the entries ended with the hold"
    );
}

#[tokio::test]
async fn holds_are_never_shown_as_bookings() {
    let app = spawn_app().await;
    let token = app.signed_up("holder@example.com").await;
    let user: UserId =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'holder@example.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let (_, room) = add_room(&app, 2).await;
    assert!(hold(&app.state, user, room, stay(10, 12)).await.is_some());
    assert!(bookings::list(&app.state, user).await.unwrap().is_empty());
    let api: Value = app
        .client
        .get(app.url("/api/v1/bookings"))
        .header("cookie", format!("booking_access_token={token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api, serde_json::json!([]));
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM notifications").await,
        0,
        "no email for a hold"
    );
}

#[tokio::test]
async fn hundreds_of_guests_racing_from_two_processes_hold_each_room_once() {
    let first = spawn_app().await;
    let second = spawn_app_sharing(&first, &[]).await;
    let (_, room) = add_room(&first, 3).await;
    let users = guests(&first, 200).await;
    for round in 0..3u64 {
        let nights = stay(10 + 3 * round, 12 + 3 * round);
        let holds = users.iter().enumerate().map(|(i, &user)| {
            let state = if i % 2 == 0 {
                first.state.clone()
            } else {
                second.state.clone()
            };
            async move { (user, hold(&state, user, room, nights).await.is_some()) }
        });
        let holders: Vec<UserId> = join_all(holds)
            .await
            .into_iter()
            .filter_map(|(user, held)| held.then_some(user))
            .collect();
        assert_eq!(
            holders.len(),
            3,
            "round {round}: each room held by one guest"
        );
        // Everyone tries to book: only the holders get a room.
        let attempts = users.iter().enumerate().map(|(i, &user)| {
            let state = if i % 2 == 0 {
                second.state.clone()
            } else {
                first.state.clone()
            };
            async move { (user, book(&state, user, room, nights).await) }
        });
        let booked: Vec<UserId> = join_all(attempts)
            .await
            .into_iter()
            .filter_map(|(user, result)| match result {
                Ok(()) => Some(user),
                Err(AppError::NoRoomsLeft) => None,
                Err(other) => panic!("unexpected {other:?}"),
            })
            .collect();
        let mut expected = holders.clone();
        expected.sort();
        let mut got = booked.clone();
        got.sort();
        assert_eq!(
            got, expected,
            "round {round}: the holders, and only they, booked"
        );
    }
    let over = scalar(
        &first,
        "SELECT count(*) FROM (
             SELECT b.room_id, n.night FROM bookings b,
                    generate_series(b.date_from, b.date_to - 1, interval '1 day') n(night)
             WHERE b.cancelled_at IS NULL GROUP BY 1, 2
             HAVING count(*) > (SELECT quantity FROM rooms r WHERE r.id = b.room_id)) o",
    )
    .await;
    assert_eq!(over, 0, "no night over capacity");
}
