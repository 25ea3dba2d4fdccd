//! Booking: no overbooking under concurrency, the email queued atomically, ownership, dates.
use app::error::{AppError, Cause};
use app::i18n::Locale;
use app::model::RoomId;
use app::model::{BookingStage, CancellationTerms};
use app::server::clock::Clock;
use app::server::state::AppState;
use app::server::{bookings, catalog};
use chrono::{Local, NaiveDate, TimeZone};
use futures::future::join_all;
use serde_json::Value;

use crate::helpers::{TestApp, day, spawn_app, stay};

fn date(offset: u64) -> String {
    day(offset).to_string()
}

/// A room type with `quantity` rooms at 1000 a night in a hotel of its own; returns its id.
async fn add_room(app: &TestApp, quantity: i32) -> RoomId {
    sqlx::query_scalar(
        "WITH h AS (INSERT INTO hotels (name, location, rooms_quantity)
                    VALUES ('Тест', 'Бронеград', $1) RETURNING id)
         INSERT INTO rooms (hotel_id, name, price, quantity) SELECT id, 'Номер', 1000, $1 FROM h
         RETURNING id",
    )
    .bind(quantity)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn count(app: &TestApp, sql: &str, id: impl Into<i32>) -> i64 {
    let id: i32 = id.into();
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn twenty_concurrent_bookings_for_three_rooms_never_overbook() {
    let app = spawn_app().await;
    let user = app.signed_up_id("many@example.com").await;
    for round in 0..5 {
        let room = add_room(&app, 3).await;
        let attempts = (0..20).map(|_| {
            let state = app.state.clone();
            tokio::spawn(async move {
                bookings::book(
                    &state,
                    user,
                    room,
                    stay(10, 12),
                    None,
                    &Default::default(),
                    Locale::ru,
                )
                .await
            })
        });
        let results: Vec<_> = join_all(attempts)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let booked = results.iter().filter(|result| result.is_ok()).count();
        let refused = results
            .iter()
            .filter(|result| matches!(result, Err(AppError::NoRoomsLeft)))
            .count();
        assert_eq!((booked, refused), (3, 17), "round {round}: {results:?}");
        let stored = count(
            &app,
            "SELECT count(*) FROM bookings WHERE room_id = $1",
            room,
        )
        .await;
        assert_eq!(stored, 3, "round {round}");
    }
}

#[tokio::test]
async fn concurrent_http_bookings_get_409_once_full() {
    let app = spawn_app().await;
    let token = app.signed_up("http@example.com").await;
    let room = add_room(&app, 2).await.to_string();
    let form = [
        ("room_id", room.as_str()),
        ("date_from", &date(5)),
        ("date_to", &date(7)),
        ("guest_name", "Anna"),
    ];
    let requests = (0..10).map(|_| app.server_fn_as(&token, "create_booking", &form));
    let statuses: Vec<u16> = join_all(requests)
        .await
        .iter()
        .map(|response| response.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        8,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_booking_queues_exactly_one_confirmation_and_a_refusal_none() {
    let app = spawn_app().await;
    let user = app.signed_up_id("mail@example.com").await;
    let room = add_room(&app, 1).await;
    let booking = bookings::book(
        &app.state,
        user,
        room,
        stay(3, 4),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    assert_eq!(booking.price, app::model::Money::from_roubles(1000));
    assert_eq!(
        (booking.total_days, booking.total_cost),
        (1, app::model::Money::from_roubles(1000))
    );
    let refused = bookings::book(
        &app.state,
        user,
        room,
        stay(3, 4),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await;
    assert_eq!(refused, Err(AppError::NoRoomsLeft));
    let queued = count(
        &app,
        "SELECT count(*) FROM notifications n JOIN bookings b ON b.id = n.booking_id
         WHERE b.room_id = $1 AND n.kind = 'confirmation'",
        room,
    )
    .await;
    assert_eq!(queued, 1);
}

/// If queueing the email fails, the booking is rolled back with it: never a booking without
/// its email, never an email for a booking that does not exist.
#[tokio::test]
async fn a_failed_enqueue_rolls_the_booking_back() {
    let app = spawn_app().await;
    let user = app.signed_up_id("atomic@example.com").await;
    let room = add_room(&app, 5).await;
    sqlx::query("ALTER TABLE notifications ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")
        .execute(&app.state.db)
        .await
        .unwrap();
    let result = bookings::book(
        &app.state,
        user,
        room,
        stay(3, 4),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await;
    assert_eq!(result, Err(AppError::Internal(Cause::NONE)));
    let stored = count(
        &app,
        "SELECT count(*) FROM bookings WHERE room_id = $1",
        room,
    )
    .await;
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn booking_applies_the_date_rules_and_knows_its_rooms() {
    let app = spawn_app().await;
    let token = app.signed_up("dates@example.com").await;
    let room = add_room(&app, 5).await.to_string();
    let book = async |room: &str, from: String, to: String| {
        let response = app
            .server_fn_as(
                &token,
                "create_booking",
                &[
                    ("room_id", room),
                    ("date_from", &from),
                    ("date_to", &to),
                    ("guest_name", "Anna"),
                ],
            )
            .await;
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    let (status, body) = book(&room, date(5), date(5)).await;
    assert_eq!(
        (status, &body["InvalidStay"]),
        (400, &"CheckOutNotAfterCheckIn".into())
    );
    let (status, body) = book(&room, date(5), date(40)).await;
    assert_eq!((status, &body["InvalidStay"]), (400, &"TooLong".into()));
    let (status, body) = book(&room, "2027-02-30".into(), date(5)).await;
    assert_eq!(
        (status, &body["Invalid"]["Date"]),
        (422, &"DateFrom".into())
    );
    let yesterday = Local::now().date_naive().pred_opt().unwrap().to_string();
    let (status, body) = book(&room, yesterday, date(2)).await;
    assert_eq!((status, &body["InvalidStay"]), (400, &"CheckInPast".into()));
    let (status, _) = book("999999", date(3), date(4)).await;
    assert_eq!(status, 404, "an unknown room type");
    let (status, _) = book("-1", date(3), date(4)).await;
    assert_eq!(status, 404, "an id that cannot exist");
    let unknown = bookings::book(
        &app.state,
        app.signed_up_id("x@example.com").await,
        999_999.into(),
        stay(3, 4),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await;
    assert_eq!(unknown, Err(AppError::NotFound));
}

#[tokio::test]
async fn booking_needs_a_session() {
    let app = spawn_app().await;
    let response = app
        .server_fn(
            "create_booking",
            &[
                ("room_id", "1"),
                ("date_from", &date(3)),
                ("date_to", &date(4)),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn nobody_sees_or_cancels_another_guests_booking() {
    let app = spawn_app().await;
    let owner = app.signed_up_id("owner@example.com").await;
    let stranger_token = app.signed_up("stranger@example.com").await;
    let room = add_room(&app, 2).await;
    let booking = bookings::book(
        &app.state,
        owner,
        room,
        stay(8, 9),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();

    let response = app.server_fn_as(&stranger_token, "my_bookings", &[]).await;
    let listed: Value = response.json().await.unwrap();
    assert_eq!(listed["bookings"], Value::Array(vec![]));
    assert_eq!(
        (listed["upcoming"].as_i64(), listed["past"].as_i64()),
        (Some(0), Some(0))
    );

    let response = app
        .server_fn_as(
            &stranger_token,
            "cancel_booking",
            &[("booking_id", &booking.id.to_string())],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let unknown = app
        .server_fn_as(
            &stranger_token,
            "cancel_booking",
            &[("booking_id", "999999")],
        )
        .await;
    assert_eq!(
        unknown.status().as_u16(),
        404,
        "the same answer as for an unknown id"
    );
    let live = count(
        &app,
        "SELECT count(*) FROM bookings WHERE id = $1 AND cancelled_at IS NULL",
        booking.id,
    )
    .await;
    assert_eq!(live, 1);
}

#[tokio::test]
async fn cancelling_frees_the_room_queues_an_email_and_refreshes_the_cache() {
    let app = spawn_app().await;
    let owner = app.signed_up_id("cancel@example.com").await;
    let room = add_room(&app, 1).await;
    let hotel = catalog::hotel_of_room(&app.state.db, room).await.unwrap();
    let stay = stay(8, 9);
    let booking = bookings::book(
        &app.state,
        owner,
        room,
        stay,
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    let full = catalog::hotel_details(&app.state, hotel, stay, None)
        .await
        .unwrap();
    assert_eq!(
        full.rooms[0].rooms_left, 0,
        "the booking refreshed the cached page"
    );

    bookings::cancel(&app.state, bookings::Actor::Guest(owner), booking.id)
        .await
        .unwrap();
    let free = catalog::hotel_details(&app.state, hotel, stay, None)
        .await
        .unwrap();
    assert_eq!(free.rooms[0].rooms_left, 1);
    let again = bookings::cancel(&app.state, bookings::Actor::Guest(owner), booking.id).await;
    assert_eq!(again, Err(AppError::NotCancellable), "cancelled once");
    let mails = count(
        &app,
        "SELECT count(*) FROM notifications WHERE booking_id = $1 AND kind = 'cancellation'",
        booking.id,
    )
    .await;
    assert_eq!(mails, 1);
    let listed = bookings::list(&app.state, owner).await.unwrap();
    assert!(listed[0].booking.cancelled);
}

#[tokio::test]
async fn my_bookings_lists_upcoming_first() {
    let app = spawn_app().await;
    let owner = app.signed_up_id("order@example.com").await;
    let room = add_room(&app, 5).await;
    let later = bookings::book(
        &app.state,
        owner,
        room,
        stay(20, 22),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    let sooner = bookings::book(
        &app.state,
        owner,
        room,
        stay(2, 3),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES ($1, $2, $3, $4, 1000)",
    )
    .bind(room)
    .bind(owner)
    .bind(Local::now().date_naive() - chrono::Days::new(10))
    .bind(Local::now().date_naive() - chrono::Days::new(8))
    .execute(&app.state.db)
    .await
    .unwrap();
    let listed = bookings::list(&app.state, owner).await.unwrap();
    let ids: Vec<app::model::BookingId> = listed.iter().map(|details| details.booking.id).collect();
    assert_eq!(&ids[..2], &[sooner.id, later.id]);
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].hotel_name, "Тест");
}

#[tokio::test]
async fn my_bookings_come_a_page_at_a_time_upcoming_apart_from_past_and_cancelled() {
    let app = spawn_app().await;
    let owner = app.signed_up_id("pages@example.com").await;
    let token = app.signed_up_again("pages@example.com").await;
    let room = add_room(&app, 50).await;
    // 23 upcoming stays, one a day; one past; one cancelled.
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         SELECT $1, $2, current_date + d, current_date + d + 1, 1000
         FROM generate_series(1, 23) d",
    )
    .bind(room)
    .bind(owner)
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price, cancelled_at)
         VALUES ($1, $2, current_date - 9, current_date - 8, 1000, NULL),
                ($1, $2, current_date + 30, current_date + 31, 1000, now())",
    )
    .bind(room)
    .bind(owner)
    .execute(&app.state.db)
    .await
    .unwrap();
    let page = async |tab: &str, page: &str| -> Value {
        let form = [("tab", tab), ("page", page)];
        let response = app.server_fn_as(&token, "my_bookings", &form).await;
        assert_eq!(response.status().as_u16(), 200);
        response.json().await.unwrap()
    };
    let first = page("", "").await;
    let starts = |list: &Value| -> Vec<String> {
        list["bookings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|details| details["booking"]["date_from"].as_str().unwrap().to_owned())
            .collect()
    };
    let first_starts = starts(&first);
    assert_eq!(first_starts.len(), 20);
    assert!(first_starts.is_sorted(), "soonest first");
    assert_eq!(first["has_more"], Value::Bool(true));
    assert_eq!(
        (first["upcoming"].as_i64(), first["past"].as_i64()),
        (Some(23), Some(2))
    );
    let second = page("upcoming", "2").await;
    assert_eq!(starts(&second).len(), 3);
    assert_eq!(second["has_more"], Value::Bool(false));
    assert!(starts(&second)[0] > first_starts[19]);
    let past = page("past", "1").await;
    let past_starts = starts(&past);
    assert_eq!(past_starts.len(), 2);
    assert!(
        past_starts[0] > past_starts[1],
        "latest first: the cancelled one ahead"
    );
    assert_eq!(
        past["bookings"][0]["booking"]["cancelled"],
        Value::Bool(true)
    );
    // Beyond the last page: an empty page, not an error; a page that is no page: 422.
    assert_eq!(starts(&page("upcoming", "9").await).len(), 0);
    let bad = app
        .server_fn_as(&token, "my_bookings", &[("page", "0")])
        .await;
    assert_eq!(bad.status().as_u16(), 422);
}

/// The app's state with its clock stopped at `h:m:s` of `day`, server time.
fn at(app: &TestApp, day: NaiveDate, h: u32, m: u32, s: u32) -> AppState {
    let local = Local
        .from_local_datetime(&day.and_hms_opt(h, m, s).unwrap())
        .earliest()
        .unwrap();
    let mut state = app.state.clone();
    state.clock = Clock::stopped_at(local.to_utc());
    state
}

#[tokio::test]
async fn cancelling_closes_at_the_deadline_on_the_hotels_clock() {
    let app = spawn_app().await;
    let guest = app.signed_up_id("deadline@example.com").await;
    let room = add_room(&app, 2).await;
    // Vladivostok is UTC+10 all year: far from any server's zone in these tests.
    sqlx::query(
        "UPDATE hotels SET time_zone = 'Asia/Vladivostok', check_in_time = '14:00'
         WHERE id = (SELECT hotel_id FROM rooms WHERE id = $1)",
    )
    .bind(room)
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query("UPDATE rooms SET free_cancellation_days = 2 WHERE id = $1")
        .bind(room)
        .execute(&app.state.db)
        .await
        .unwrap();
    let booking = bookings::book(
        &app.state,
        guest,
        room,
        stay(5, 7),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    // 14:00 in Vladivostok two days before check-in is 04:00 UTC that day.
    let deadline = (booking.date_from - chrono::Days::new(2))
        .and_hms_opt(4, 0, 0)
        .unwrap()
        .and_utc();
    let CancellationTerms::FreeUntil { until, local } = booking.terms else {
        panic!("free cancellation: {:?}", booking.terms);
    };
    assert_eq!(until, deadline);
    assert_eq!(
        local,
        (booking.date_from - chrono::Days::new(2))
            .and_hms_opt(14, 0, 0)
            .unwrap()
    );
    let stopped = |instant: chrono::DateTime<chrono::Utc>| {
        let mut state = app.state.clone();
        state.clock = Clock::stopped_at(instant);
        state
    };
    let last_second = stopped(deadline - chrono::Duration::seconds(1));
    let on_time = stopped(deadline);

    // What the page shows (decided on the server) and what cancelling does agree, either side.
    let listed = bookings::list(&on_time, guest).await.unwrap();
    assert!(!listed[0].cancellable, "from the deadline on");
    assert_eq!(
        bookings::cancel(&on_time, bookings::Actor::Guest(guest), booking.id).await,
        Err(AppError::NotCancellable)
    );
    let listed = bookings::list(&last_second, guest).await.unwrap();
    assert!(listed[0].cancellable, "until the second before");
    bookings::cancel(&last_second, bookings::Actor::Guest(guest), booking.id)
        .await
        .unwrap();
    let listed = bookings::list(&last_second, guest).await.unwrap();
    assert_eq!(listed[0].stage, BookingStage::Cancelled);
    assert!(!listed[0].cancellable);
}

#[tokio::test]
async fn a_non_refundable_booking_is_never_cancelled() {
    let app = spawn_app().await;
    let guest = app.signed_up_id("strict@example.com").await;
    let room = add_room(&app, 2).await;
    sqlx::query("UPDATE rooms SET free_cancellation_days = NULL WHERE id = $1")
        .bind(room)
        .execute(&app.state.db)
        .await
        .unwrap();
    let booking = bookings::book(
        &app.state,
        guest,
        room,
        stay(20, 22),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    assert_eq!(booking.terms, CancellationTerms::NonRefundable);
    assert_eq!(
        bookings::cancel(&app.state, bookings::Actor::Guest(guest), booking.id).await,
        Err(AppError::NotCancellable)
    );
}

#[tokio::test]
async fn a_stay_turns_past_at_the_midnight_starting_its_check_out_day() {
    let app = spawn_app().await;
    let guest = app.signed_up_id("checkout@example.com").await;
    let room = add_room(&app, 2).await;
    let booking = bookings::book(
        &app.state,
        guest,
        room,
        stay(3, 5),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    let last_night = booking.date_to.pred_opt().unwrap();
    let stage = async |state: AppState| bookings::list(&state, guest).await.unwrap()[0].stage;
    assert_eq!(
        stage(at(&app, last_night, 23, 59, 59)).await,
        BookingStage::Upcoming
    );
    assert_eq!(
        stage(at(&app, booking.date_to, 0, 0, 0)).await,
        BookingStage::Past
    );
}

#[tokio::test]
async fn the_guest_staying_and_their_request_are_kept_and_the_name_is_offered_next_time() {
    let app = spawn_app().await;
    let token = app.signed_up("named@example.com").await;
    let room = add_room(&app, 5).await.to_string();
    let post = async |fields: &[(&str, &str)]| {
        let (from, to) = (date(5), date(7));
        let mut form = vec![
            ("room_id", room.as_str()),
            ("date_from", from.as_str()),
            ("date_to", to.as_str()),
        ];
        form.extend_from_slice(fields);
        let response = app.server_fn_as(&token, "create_booking", &form).await;
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    let quote = async || {
        let (from, to) = (date(5), date(7));
        let form = [
            ("room_id", room.as_str()),
            ("date_from", from.as_str()),
            ("date_to", to.as_str()),
        ];
        let response = app.server_fn_as(&token, "booking_quote", &form).await;
        response.json::<Value>().await.unwrap()["account_name"].clone()
    };
    assert_eq!(quote().await, Value::Null, "a new account has no name yet");

    // The page requires the name; every field's rule answers under its own name.
    let (status, body) = post(&[("guest_name", "  ")]).await;
    assert_eq!(
        (status, &body["Invalid"]["GuestDetails"]),
        (422, &"NameMissing".into())
    );
    let long_name = "Я".repeat(101);
    let (status, body) = post(&[("guest_name", &long_name)]).await;
    assert_eq!(
        (status, &body["Invalid"]["GuestDetails"]),
        (422, &"NameTooLong".into())
    );
    let long_request = "ё".repeat(1001);
    let (status, body) = post(&[("guest_name", "Anna"), ("guest_request", &long_request)]).await;
    assert_eq!(
        (status, &body["Invalid"]["GuestDetails"]),
        (422, &"RequestTooLong".into())
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM bookings WHERE room_id = $1")
        .bind(room.parse::<i32>().unwrap())
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing was booked on bad input");

    let (status, booking) = post(&[
        ("guest_name", " Анна   Петрова "),
        ("guest_request", "Поздний заезд,\r\nоколо 23:00"),
    ])
    .await;
    assert_eq!(status, 200, "{booking}");
    assert_eq!(booking["guest"]["name"], "Анна Петрова");
    assert_eq!(booking["guest"]["request"], "Поздний заезд,\nоколо 23:00");
    assert_eq!(
        quote().await,
        "Анна Петрова",
        "the account took the first name given"
    );

    // Booking for someone else keeps the account's name; the API without a name uses it.
    let (_, other) = post(&[("guest_name", "Борис")]).await;
    assert_eq!(other["guest"]["name"], "Борис");
    assert_eq!(quote().await, "Анна Петрова");
    let api_book = async |extra: &str| {
        let query = format!(
            "room_id={room}&date_from={}&date_to={}{extra}",
            date(8),
            date(9)
        );
        app.client
            .post(app.url(&format!("/api/v1/bookings?{query}")))
            .header("cookie", format!("booking_access_token={token}"))
            .send()
            .await
            .unwrap()
    };
    let api = api_book("").await;
    assert_eq!(api.status(), 200);
    let api: Value = api.json().await.unwrap();
    assert_eq!(
        (&api["guest_name"], &api["guest_request"]),
        (&"Анна Петрова".into(), &Value::Null)
    );
    let too_long = api_book(&format!("&guest_name={long_name}")).await;
    assert_eq!(too_long.status(), 422);
    let problem: Value = too_long.json().await.unwrap();
    assert_eq!(
        problem["detail"][0]["loc"],
        serde_json::json!(["query", "guest_name"])
    );
}
