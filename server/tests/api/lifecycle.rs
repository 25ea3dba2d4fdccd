//! After booking: changing dates or room type (its own nights never stand in its way, a full
//! night does, two changes racing for the last room never both win), and the signed manage
//! link (opens its booking only, signed out, until check-out; tampered or foreign ones open
//! nothing).
use app::error::AppError;
use app::i18n::Locale;
use app::model::{Booking, BookingId, RoomId, StayDates, UserId};
use app::server::bookings::{self, Actor};
use app::server::state::AppState;
use futures::future::join_all;

use crate::helpers::{TestApp, spawn_app, stay};

/// Two room types of one hotel, with `quantity` rooms each at 1000 and 3000 a night.
async fn add_rooms(app: &TestApp, quantity: i32) -> (RoomId, RoomId) {
    let ids: Vec<RoomId> = sqlx::query_scalar(
        "WITH h AS (INSERT INTO hotels (name, location, rooms_quantity)
                    VALUES ('Смена', 'Сменск', $1 * 2) RETURNING id)
         INSERT INTO rooms (hotel_id, name, price, quantity)
         SELECT id, name, price, $1 FROM h, (VALUES ('Стандарт', 1000), ('Люкс', 3000)) r(name, price)
         RETURNING id",
    )
    .bind(quantity)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    (ids[0], ids[1])
}

async fn guest(app: &TestApp, name: &str) -> UserId {
    sqlx::query_scalar("INSERT INTO users (email, hashed_password) VALUES ($1, 'x') RETURNING id")
        .bind(format!("{name}@example.com"))
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn book(state: &AppState, user: UserId, room: RoomId, stay: StayDates) -> Booking {
    bookings::book(
        state,
        user,
        room,
        stay,
        None,
        &Default::default(),
        Locale::en,
    )
    .await
    .unwrap()
}

/// The busiest night's count of live bookings of `room` (night by night, in SQL).
async fn busiest_night(app: &TestApp, room: RoomId) -> i64 {
    sqlx::query_scalar(
        "SELECT coalesce(max(c), 0) FROM (
             SELECT count(*) AS c FROM bookings b,
                  generate_series(b.date_from, b.date_to - 1, interval '1 day') n
             WHERE b.room_id = $1 AND b.cancelled_at IS NULL GROUP BY n) t",
    )
    .bind(room)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn emails(app: &TestApp, booking: BookingId, kind: &str) -> Vec<i32> {
    sqlx::query_scalar(
        "SELECT sequence FROM notifications WHERE booking_id = $1 AND kind = $2 ORDER BY sequence",
    )
    .bind(booking)
    .bind(kind)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_change_at_full_occupancy_keeps_its_own_nights_and_meets_the_others() {
    let app = spawn_app().await;
    let (standard, suite) = add_rooms(&app, 1).await;
    let (ann, bob) = (guest(&app, "ann").await, guest(&app, "bob").await);
    let mine = book(&app.state, ann, standard, stay(5, 8)).await;
    book(&app.state, bob, standard, stay(10, 12)).await;

    // Every night of [5, 8) is full, by this very booking: moving by a night within it is free.
    let quote =
        bookings::change_quote(&app.state, Actor::Guest(ann), mine.id, standard, stay(6, 9))
            .await
            .unwrap();
    assert_eq!(quote.offer.rooms_left, 1, "its own nights do not count");
    assert_eq!(quote.difference.whole_roubles(), 0);
    let changed = bookings::change(&app.state, Actor::Guest(ann), mine.id, standard, stay(6, 9))
        .await
        .unwrap();
    assert_eq!(
        (changed.date_from, changed.date_to),
        (stay(6, 9).check_in(), stay(6, 9).check_out())
    );
    assert_eq!(changed.reference, mine.reference, "the same booking");

    // Night 10 is Bob's: no change may take it.
    assert_eq!(
        bookings::change(
            &app.state,
            Actor::Guest(ann),
            mine.id,
            standard,
            stay(9, 11)
        )
        .await,
        Err(AppError::NoRoomsLeft)
    );
    let quote = bookings::change_quote(
        &app.state,
        Actor::Guest(ann),
        mine.id,
        standard,
        stay(9, 11),
    )
    .await
    .unwrap();
    assert_eq!(quote.offer.rooms_left, 0);

    // To the suite: three times dearer, its nights taken, the standard's released.
    let quote = bookings::change_quote(&app.state, Actor::Guest(ann), mine.id, suite, stay(6, 9))
        .await
        .unwrap();
    assert_eq!(quote.difference.whole_roubles(), 3 * 3000 - 3 * 1000);
    let moved = bookings::change(&app.state, Actor::Guest(ann), mine.id, suite, stay(6, 9))
        .await
        .unwrap();
    assert_eq!(moved.room_id, suite);
    assert_eq!(moved.total_cost.whole_roubles(), 9000);
    assert_eq!(busiest_night(&app, standard).await, 1, "Bob's alone");
    assert_eq!(busiest_night(&app, suite).await, 1);
    assert_eq!(
        emails(&app, mine.id, "change").await,
        vec![1, 2],
        "one email per change"
    );

    // Someone else's booking is not found; a cancelled one cannot change.
    assert_eq!(
        bookings::change(&app.state, Actor::Guest(bob), mine.id, suite, stay(6, 8)).await,
        Err(AppError::NotFound)
    );
    bookings::cancel(&app.state, Actor::Guest(ann), mine.id)
        .await
        .unwrap();
    assert_eq!(
        bookings::change(&app.state, Actor::Guest(ann), mine.id, suite, stay(6, 8)).await,
        Err(AppError::NotCancellable)
    );
    assert_eq!(emails(&app, mine.id, "cancellation").await, vec![3]);
}

#[tokio::test]
async fn changes_racing_for_the_last_room_never_both_win() {
    let app = spawn_app().await;
    let (standard, _) = add_rooms(&app, 1).await;
    for round in 0..3u64 {
        let base = 20 * round;
        let mut moves = Vec::new();
        // Eight guests on eight separate nights, all moving onto the same free night.
        for i in 0..8u64 {
            let user = guest(&app, &format!("racer{round}-{i}")).await;
            let booking = book(
                &app.state,
                user,
                standard,
                stay(base + 2 + 2 * i, base + 3 + 2 * i),
            )
            .await;
            moves.push((user, booking.id));
        }
        let target = stay(base + 1, base + 2);
        let results = join_all(moves.iter().map(|(user, id)| {
            bookings::change(&app.state, Actor::Guest(*user), *id, standard, target)
        }))
        .await;
        let won = results.iter().filter(|result| result.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {results:?}");
        assert!(
            results
                .iter()
                .all(|result| matches!(result, Ok(_) | Err(AppError::NoRoomsLeft)))
        );
        assert_eq!(busiest_night(&app, standard).await, 1, "round {round}");
    }
}

#[tokio::test]
async fn the_manage_link_opens_its_booking_signed_out_and_nothing_else() {
    let app = spawn_app().await;
    let (standard, _) = add_rooms(&app, 2).await;
    let ann = app.signed_up_id("manager@example.com").await;
    let mine = book(&app.state, ann, standard, stay(5, 7)).await;
    let other = book(&app.state, ann, standard, stay(8, 9)).await;
    let listed = bookings::list(&app.state, ann).await.unwrap();
    let token = listed
        .iter()
        .find(|details| details.booking.id == mine.id)
        .and_then(|details| details.manage_token.clone())
        .expect("an upcoming booking has a link");

    let page = app.get(&format!("/manage/{token}")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(mine.reference.as_str()),
        "signed out, the booking shows"
    );
    assert!(!html.contains(other.reference.as_str()));

    // Another booking's id under this signature, a changed signature, a key of another
    // server, an expired link: all open nothing.
    let (_, rest) = token.split_once('.').unwrap();
    let foreign = format!("{}.{rest}", other.id);
    let mut flipped = token.clone();
    let last = flipped.pop().unwrap();
    flipped.push(if last == '0' { '1' } else { '0' });
    let stranger = bookings::ManageLinks::new(&app::server::config::Secret::new("other"))
        .sign(mine.id, chrono::Utc::now() + chrono::Duration::days(30));
    let expired = app
        .state
        .auth
        .links
        .sign(mine.id, chrono::Utc::now() - chrono::Duration::seconds(1));
    for bad in [
        &foreign,
        &flipped,
        &stranger,
        &expired,
        &"garbage".to_owned(),
    ] {
        let page = app.get(&format!("/manage/{bad}")).await;
        assert_eq!(page.status(), 404, "{bad}");
        let html = page.text().await.unwrap();
        assert!(!html.contains(mine.reference.as_str()), "{bad}");
        let cancel = app.server_fn("cancel_managed", &[("token", bad)]).await;
        assert_eq!(cancel.status(), 404, "{bad}");
    }
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bookings WHERE cancelled_at IS NULL AND id IN ($1, $2)",
    )
    .bind(mine.id)
    .bind(other.id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(live, 2, "nothing was cancelled by a bad link");

    // The link changes and cancels its booking, signed out.
    let (from, to) = (
        stay(6, 8).check_in().to_string(),
        stay(6, 8).check_out().to_string(),
    );
    let room = standard.to_string();
    let change = [
        ("token", token.as_str()),
        ("room_id", &room),
        ("date_from", &from),
        ("date_to", &to),
    ];
    assert_eq!(app.server_fn("change_booking", &change).await.status(), 200);
    let cancel = app.server_fn("cancel_managed", &[("token", &token)]).await;
    assert_eq!(cancel.status(), 200);
    let state: (String, bool) = sqlx::query_as(
        "SELECT date_from::text, cancelled_at IS NOT NULL FROM bookings WHERE id = $1",
    )
    .bind(mine.id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(state, (from, true));
}

#[tokio::test]
async fn a_full_hotel_offers_to_tell_a_guest_when_a_room_frees_up() {
    let app = spawn_app().await;
    let (standard, suite) = add_rooms(&app, 1).await;
    let owner = guest(&app, "taker").await;
    let nights = stay(5, 7);
    book(&app.state, owner, standard, nights).await;
    book(&app.state, owner, suite, nights).await;
    let hotel: i32 = sqlx::query_scalar("SELECT hotel_id FROM rooms WHERE id = $1")
        .bind(standard)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let (from, to) = (
        nights.check_in().to_string(),
        nights.check_out().to_string(),
    );
    let page = format!("/hotels/{hotel}?date_from={from}&date_to={to}");
    let token = app.signed_up("waiting@example.com").await;
    let html = |cookie: Option<String>| {
        let mut request = app.client.get(app.url(&page));
        if let Some(token) = cookie {
            request = request.header("cookie", format!("booking_access_token={token}"));
        }
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(html(None).await.contains("data-testid=\"alert-login\""));
    assert!(
        html(Some(token.clone()))
            .await
            .contains("data-testid=\"alert-subscribe\"")
    );

    let hotel_id = hotel.to_string();
    let form = [
        ("hotel_id", hotel_id.as_str()),
        ("date_from", &from),
        ("date_to", &to),
    ];
    assert_eq!(
        app.server_fn("subscribe_alert", &form).await.status(),
        401,
        "signed in only"
    );
    let bad = [
        ("hotel_id", "12&x=1"),
        ("date_from", "soon?"),
        ("date_to", &to),
    ];
    let refused = app.server_fn_as(&token, "subscribe_alert", &bad).await;
    assert_eq!(
        refused.status(),
        404,
        "an id that cannot exist is an unknown hotel"
    );
    let subscribed = app.server_fn_as(&token, "subscribe_alert", &form).await;
    assert_eq!(subscribed.status(), 200);
    let alerts: Vec<(i16, i16, String)> = sqlx::query_as(
        "SELECT adults, children, locale FROM room_alerts WHERE hotel_id = $1 AND notified_at IS NULL",
    )
    .bind(hotel)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(alerts, vec![(2, 0, "ru".to_owned())]);
    // Free rooms offer nothing of the kind.
    let free = app
        .get(&format!(
            "/hotels/{hotel}?date_from={}&date_to={}",
            stay(9, 10).check_in(),
            stay(9, 10).check_out()
        ))
        .await;
    assert!(!free.text().await.unwrap().contains("alert-offer"));
}
