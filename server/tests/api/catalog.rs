//! The catalog: search, hotel pages, availability rules, date rules, the cache.
use app::error::AppError;
use app::i18n::Locale;
use app::model::{BookingId, HotelId, HotelSearch, LocationQuery, RoomId, SortOrder, StayDates};
use app::server::cache::CacheStatus;
use app::server::{bookings, catalog, imports};
use chrono::{Local, Weekday};
use serde_json::Value;

use crate::helpers::{TestApp, day, next, spawn_app, spawn_app_with, stay};

/// Server functions carry amounts as `Money`: kopecks.
const KOPECKS: i64 = 100;
/// A hotel in its own town with room types of (price, quantity); returns the hotel and room ids.
async fn add_hotel(
    app: &TestApp,
    name: &str,
    town: &str,
    rooms: &[(i32, i32)],
) -> (HotelId, Vec<RoomId>) {
    let hotel: HotelId = sqlx::query_scalar(
        "INSERT INTO hotels (name, location, services, rooms_quantity)
         VALUES ($1, $2, '{Wi-Fi}', 0) RETURNING id",
    )
    .bind(name)
    .bind(format!("{town}, улица Тестовая, 1"))
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (price, quantity) in rooms {
        let id: RoomId = sqlx::query_scalar(
            "INSERT INTO rooms (hotel_id, name, price, quantity) VALUES ($1, 'Номер', $2, $3)
             RETURNING id",
        )
        .bind(hotel)
        .bind(price)
        .bind(quantity)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        ids.push(id);
    }
    settle_invalidations(app).await;
    (hotel, ids)
}

/// Waits until every logged invalidation has reached Redis, whichever process delivers it (the
/// app's relay may hold a row: it stays visible until the relay commits, after its bump), so a
/// later cache assertion cannot meet a late bump of an earlier change.
async fn settle_invalidations(app: &TestApp) {
    if app.state.cache.status().await != CacheStatus::Up {
        return;
    }
    for _ in 0..500 {
        catalog::deliver_invalidations(&app.state.db, &app.state.cache)
            .await
            .unwrap();
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM cache_invalidations")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
        if left == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("cache invalidations were not delivered within 5 s");
}

/// Books `room` for `[from, to)` (days from today) as the demo user, behind the app's back.
async fn add_booking(app: &TestApp, room: RoomId, from: u64, to: u64) -> BookingId {
    sqlx::query_scalar(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES ($1, 1, $2, $3, 100) RETURNING id",
    )
    .bind(room)
    .bind(day(from))
    .bind(day(to))
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// Like [`add_booking`], but the booking's cache invalidation is taken out of the log in the
/// same transaction, so no relay can deliver it: what the cache serves stays as it was.
async fn add_unannounced_booking(app: &TestApp, room: RoomId, from: u64, to: u64) {
    let mut tx = app.state.db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES ($1, 1, $2, $3, 100)",
    )
    .bind(room)
    .bind(day(from))
    .bind(day(to))
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("DELETE FROM cache_invalidations")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Logs and delivers an invalidation of `hotel` over `[from, to)`, as a booking change does.
async fn announce(app: &TestApp, hotel: HotelId, from: u64, to: u64) {
    sqlx::query(
        "INSERT INTO cache_invalidations (hotel_id, date_from, date_to) VALUES ($1, $2, $3)",
    )
    .bind(hotel)
    .bind(day(from))
    .bind(day(to))
    .execute(&app.state.db)
    .await
    .unwrap();
    catalog::deliver_invalidations(&app.state.db, &app.state.cache)
        .await
        .unwrap();
}

async fn rooms_left(app: &TestApp, hotel: HotelId, stay: StayDates) -> Vec<i64> {
    catalog::hotel_details(&app.state, hotel, stay, None)
        .await
        .unwrap()
        .rooms
        .into_iter()
        .map(|room| room.rooms_left)
        .collect()
}

async fn search(app: &TestApp, form: &[(&str, &str)]) -> (u16, Value) {
    let response = app.server_fn("search_hotels", form).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

async fn search_for(app: &TestApp, location: &str, from: u64, to: u64) -> Value {
    let (status, body) = search(
        app,
        &[
            ("location", location),
            ("date_from", &day(from).to_string()),
            ("date_to", &day(to).to_string()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn names(results: &Value) -> Vec<String> {
    results["hotels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|offer| offer["hotel"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn search_matches_cyrillic_places_in_any_case() {
    let app = spawn_app().await;
    let results = search_for(&app, "алтай", 10, 12).await;
    let mut found = names(&results);
    found.sort();
    assert_eq!(
        found,
        ["Cosmos Collection Altay Resort", "Skala", "Ару-Кёль"]
    );
    assert_eq!(results["has_more"], false);
    let upper = search_for(&app, "АЛТАЙ", 10, 12).await;
    assert_eq!(names(&upper).len(), 3);
}

#[tokio::test]
async fn places_match_across_scripts_spellings_and_small_typos() {
    let app = spawn_app().await;
    let altai = ["Cosmos Collection Altay Resort", "Skala", "Ару-Кёль"];
    // Latin, й as и, another spelling, a town of the region, a typo: all find Altai's hotels.
    for place in [
        "Altai",
        "алтаи",
        "ALTAY",
        "Горно-Алтайск",
        "Республика Алтйа",
    ] {
        let mut found = names(&search_for(&app, place, 10, 12).await);
        found.sort();
        assert_eq!(found, altai, "{place}");
    }
    for place in ["Syktyvkar", "сыктывкр", "СЫКТЫВКАР"] {
        let found = names(&search_for(&app, place, 10, 12).await);
        assert_eq!(found.len(), 2, "{place}: {found:?}");
    }
    // A place that contains the words finds only those: no near misses mixed in.
    assert_eq!(
        names(&search_for(&app, "Сириус", 10, 12).await),
        ["Bridge Resort"]
    );
    assert!(names(&search_for(&app, "Атлантида", 10, 12).await).is_empty());
}

#[tokio::test]
async fn no_location_lists_every_hotel_with_rooms() {
    let app = spawn_app().await;
    let (status, results) = search(&app, &[]).await;
    assert_eq!(status, 200, "{results}");
    assert_eq!(
        names(&results).len(),
        6,
        "all demo hotels have rooms tomorrow"
    );
    assert_eq!(results["search"]["stay"]["check_in"], day(1).to_string());
}

#[tokio::test]
async fn a_booking_ending_on_check_in_day_does_not_block() {
    let app = spawn_app().await;
    let (hotel, rooms) = add_hotel(&app, "Край", "Тестоград", &[(1000, 1)]).await;
    add_booking(&app, rooms[0], 5, 10).await;
    assert_eq!(rooms_left(&app, hotel, stay(10, 12)).await, [1]);
    assert_eq!(
        names(&search_for(&app, "тестоград", 10, 12).await),
        ["Край"]
    );
}

#[tokio::test]
async fn a_booking_starting_on_check_out_day_does_not_block() {
    let app = spawn_app().await;
    let (hotel, rooms) = add_hotel(&app, "Край", "Тестоград", &[(1000, 1)]).await;
    add_booking(&app, rooms[0], 12, 15).await;
    assert_eq!(rooms_left(&app, hotel, stay(10, 12)).await, [1]);
    assert_eq!(
        names(&search_for(&app, "тестоград", 10, 12).await),
        ["Край"]
    );
}

#[tokio::test]
async fn the_same_range_blocks_and_a_full_hotel_is_not_listed() {
    let app = spawn_app().await;
    let (hotel, rooms) = add_hotel(&app, "Край", "Тестоград", &[(1000, 1)]).await;
    add_booking(&app, rooms[0], 10, 12).await;
    assert_eq!(rooms_left(&app, hotel, stay(10, 12)).await, [0]);
    assert_eq!(
        rooms_left(&app, hotel, stay(11, 13)).await,
        [0],
        "partial overlap"
    );
    assert_eq!(
        rooms_left(&app, hotel, stay(9, 14)).await,
        [0],
        "stay around it"
    );
    let results = search_for(&app, "тестоград", 10, 12).await;
    assert!(names(&results).is_empty());
}

#[tokio::test]
async fn a_thirty_night_booking_begun_weeks_before_check_in_still_blocks() {
    let app = spawn_app().await;
    let (hotel, rooms) = add_hotel(&app, "Долгий", "Долгоград", &[(1000, 1)]).await;
    // Check-in on day 30; the booking started 29 days before and ends the day after check-in.
    add_booking(&app, rooms[0], 1, 31).await;
    assert_eq!(rooms_left(&app, hotel, stay(30, 32)).await, [0]);
    assert!(names(&search_for(&app, "Долгоград", 30, 32).await).is_empty());
    assert_eq!(
        names(&search_for(&app, "Долгоград", 31, 32).await),
        ["Долгий"]
    );
    // Longer bookings than the stay rule allows cannot exist (the search relies on it).
    let too_long = sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES ($1, 1, $2, $3, 100)",
    )
    .bind(rooms[0])
    .bind(day(1))
    .bind(day(32))
    .execute(&app.state.db)
    .await;
    assert!(too_long.is_err());
}

/// Whether each path of the app would take one more booking of `room` for `[from, to)`: the
/// hotel page, search and the CSV import (whose booking is deleted again), which must agree.
/// Booking itself is asked by the caller, since it changes what the others see.
async fn paths_agree(
    app: &TestApp,
    hotel: HotelId,
    town: &str,
    room: RoomId,
    from: u64,
    to: u64,
) -> bool {
    let page = rooms_left(app, hotel, stay(from, to)).await[0] > 0;
    let search = !names(&search_for(app, town, from, to).await).is_empty();
    let file = format!(
        "room_id;user_id;date_from;date_to\n{room};1;{};{}\n",
        day(from),
        day(to)
    );
    let import = match imports::import(&app.state, imports::Table::Bookings, file.as_bytes()).await
    {
        Ok(report) => {
            sqlx::query("DELETE FROM bookings WHERE id = ANY($1)")
                .bind(&report.ids)
                .execute(&app.state.db)
                .await
                .unwrap();
            true
        }
        Err(error) => {
            assert!(format!("{error:?}").contains("no room left"), "{error:?}");
            false
        }
    };
    assert_eq!(
        (page, search),
        (import, import),
        "page, search and import disagree"
    );
    page
}

#[tokio::test]
async fn availability_is_counted_night_by_night_on_every_path() {
    let app = spawn_app().await;
    let guest = app.signed_up_id("nights@example.com").await;
    let (hotel, rooms) = add_hotel(&app, "Ночи", "Ночеград", &[(1000, 2)]).await;
    let room = rooms[0];
    // Nights 10 and 11 hold one booking, nights 12 and 13 another.
    add_booking(&app, room, 10, 12).await;
    add_booking(&app, room, 12, 14).await;
    settle_invalidations(&app).await;
    // Two bookings overlap [10, 14), but no night of it has more than one: a room is free.
    assert!(paths_agree(&app, hotel, "Ночеград", room, 10, 14).await);
    bookings::book(
        &app.state,
        guest,
        room,
        stay(10, 14),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    settle_invalidations(&app).await;
    // Now every night of it is full, and a stay sharing any one of them is refused everywhere.
    for (from, to) in [(10, 11), (13, 14), (9, 11), (13, 16)] {
        assert!(
            !paths_agree(&app, hotel, "Ночеград", room, from, to).await,
            "{from}..{to}"
        );
        assert_eq!(
            bookings::book(
                &app.state,
                guest,
                room,
                stay(from, to),
                None,
                &Default::default(),
                Locale::ru
            )
            .await,
            Err(AppError::NoRoomsLeft),
            "{from}..{to}"
        );
    }
    // The nights around it are free: check-out day 14 and the night before check-in.
    for (from, to) in [(14, 15), (8, 10)] {
        assert!(
            paths_agree(&app, hotel, "Ночеград", room, from, to).await,
            "{from}..{to}"
        );
    }
}

#[tokio::test]
async fn the_last_free_room_goes_to_one_guest_and_comes_back_on_cancel() {
    let app = spawn_app().await;
    let guest = app.signed_up_id("last@example.com").await;
    let (hotel, rooms) = add_hotel(&app, "Последний", "Крайград", &[(1000, 3)]).await;
    add_booking(&app, rooms[0], 10, 12).await;
    add_booking(&app, rooms[0], 11, 13).await;
    settle_invalidations(&app).await;
    assert_eq!(
        rooms_left(&app, hotel, stay(10, 13)).await,
        [1],
        "the last one"
    );
    let last = bookings::book(
        &app.state,
        guest,
        rooms[0],
        stay(10, 13),
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    settle_invalidations(&app).await;
    assert_eq!(rooms_left(&app, hotel, stay(10, 13)).await, [0]);
    assert!(names(&search_for(&app, "Крайград", 11, 12).await).is_empty());
    assert_eq!(
        bookings::book(
            &app.state,
            guest,
            rooms[0],
            stay(11, 12),
            None,
            &Default::default(),
            Locale::ru
        )
        .await,
        Err(AppError::NoRoomsLeft),
        "night 11 holds all three"
    );
    bookings::cancel(&app.state, bookings::Actor::Guest(guest), last.id)
        .await
        .unwrap();
    settle_invalidations(&app).await;
    assert_eq!(rooms_left(&app, hotel, stay(10, 13)).await, [1]);
    assert_eq!(
        names(&search_for(&app, "Крайград", 11, 12).await),
        ["Последний"]
    );
}

#[tokio::test]
async fn cancelled_bookings_free_their_room() {
    let app = spawn_app().await;
    let (hotel, rooms) = add_hotel(&app, "Край", "Тестоград", &[(1000, 1)]).await;
    let booking = add_booking(&app, rooms[0], 10, 12).await;
    sqlx::query("UPDATE bookings SET cancelled_at = now() WHERE id = $1")
        .bind(booking)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rooms_left(&app, hotel, stay(10, 12)).await, [1]);
}

#[tokio::test]
async fn hotels_sum_rooms_left_and_price_only_free_room_types() {
    let app = spawn_app().await;
    let (_, rooms) = add_hotel(&app, "Край", "Тестоград", &[(500, 1), (2000, 3), (900, 2)]).await;
    add_booking(&app, rooms[0], 10, 12).await; // the cheapest type is full
    add_booking(&app, rooms[1], 10, 11).await;
    let results = search_for(&app, "тестоград", 10, 12).await;
    let offer = &results["hotels"][0];
    assert_eq!(offer["rooms_left"], 2 + 2);
    assert_eq!(
        offer["min_total"],
        900 * 2 * KOPECKS,
        "the cheapest free type's stay, in kopecks on the wire"
    );
}

#[tokio::test]
async fn results_sort_by_price_or_name() {
    let app = spawn_app().await;
    for (name, price) in [("Бета", 3000), ("Альфа", 5000), ("Гамма", 1000)] {
        add_hotel(&app, name, "Сортоград", &[(price, 1)]).await;
    }
    let by_price = search_for(&app, "сортоград", 3, 4).await;
    assert_eq!(names(&by_price), ["Гамма", "Бета", "Альфа"]);
    let (_, by_name) = search(&app, &[("location", "Сортоград"), ("sort", "name")]).await;
    assert_eq!(names(&by_name), ["Альфа", "Бета", "Гамма"]);
}

#[tokio::test]
async fn results_come_in_pages_of_twenty() {
    let app = spawn_app().await;
    server::generate::generate_catalog(
        &app.state.db,
        server::generate::CatalogSize {
            hotels: 45,
            rooms_per_hotel: 2,
            bookings: 0,
        },
    )
    .await
    .unwrap();
    // 6 demo hotels and 45 generated ones, in both orders.
    for sort in ["price", "name"] {
        let page = async |page: &str| search(&app, &[("page", page), ("sort", sort)]).await;
        let mut seen = Vec::new();
        for number in ["1", "2"] {
            let (_, results) = page(number).await;
            assert_eq!(names(&results).len(), 20);
            assert_eq!(results["has_more"], true);
            seen.extend(names(&results));
        }
        let (_, third) = page("3").await;
        assert_eq!(names(&third).len(), 11);
        assert_eq!(third["has_more"], false);
        seen.extend(names(&third));
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 51, "every hotel once, sorted by {sort}");
        let (_, past_end) = page("4").await;
        assert_eq!(past_end["hotels"], Value::Array(vec![]));
    }
    let page = async |page: &str| search(&app, &[("page", page)]).await;
    let (status, _) = page("0").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn date_rules_are_enforced_with_precise_errors() {
    let app = spawn_app().await;
    let app = &app;
    let ask = async |from: String, to: String| {
        search(app, &[("date_from", &from), ("date_to", &to)]).await
    };
    let (status, body) = ask("2027-02-30".into(), "2027-03-02".into()).await;
    assert_eq!(
        (status, &body["Invalid"]["Date"]),
        (422, &"DateFrom".into())
    );
    let (status, body) = ask(day(5).to_string(), day(5).to_string()).await;
    assert_eq!(status, 400);
    assert_eq!(body["InvalidStay"], "CheckOutNotAfterCheckIn");
    let (status, body) = ask(day(5).to_string(), day(36).to_string()).await;
    assert_eq!((status, &body["InvalidStay"]), (400, &"TooLong".into()));
    let (status, _) = ask(day(5).to_string(), day(35).to_string()).await;
    assert_eq!(status, 200, "30 nights is allowed");
    let yesterday = Local::now().date_naive().pred_opt().unwrap();
    let (status, body) = ask(yesterday.to_string(), day(2).to_string()).await;
    assert_eq!((status, &body["InvalidStay"]), (400, &"CheckInPast".into()));
}

#[tokio::test]
async fn hotel_details_price_every_room_type_for_the_stay() {
    let app = spawn_app().await;
    let (hotel, rooms) = add_hotel(&app, "Край", "Тестоград", &[(2500, 2), (1000, 1)]).await;
    add_booking(&app, rooms[1], 20, 22).await;
    let response = app
        .server_fn(
            "get_hotel",
            &[
                ("hotel_id", &hotel.to_string()),
                ("date_from", &day(20).to_string()),
                ("date_to", &day(23).to_string()),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let details: Value = response.json().await.unwrap();
    let rooms = details["rooms"].as_array().unwrap();
    assert_eq!(rooms.len(), 2);
    assert_eq!(rooms[0]["room"]["price"], 1000 * KOPECKS, "cheapest first");
    assert_eq!(rooms[0]["rooms_left"], 0);
    assert_eq!(rooms[1]["total_cost"], 2500 * 3 * KOPECKS);
    assert_eq!(rooms[1]["rooms_left"], 2);
}

#[tokio::test]
async fn an_unknown_hotel_is_a_404_page() {
    let app = spawn_app().await;
    let response = app.get("/hotels/999999").await;
    assert_eq!(response.status().as_u16(), 404);
    let response = app.get("/hotels/not-a-number").await;
    assert_eq!(response.status().as_u16(), 404);
    let fn_response = app.server_fn("get_hotel", &[("hotel_id", "999999")]).await;
    assert_eq!(fn_response.status().as_u16(), 404);
}

#[tokio::test]
async fn pages_render_results_and_errors_on_the_server() {
    let app = spawn_app().await;
    let response = app
        .get(&format!(
            "/search?location=%D0%B0%D0%BB%D1%82%D0%B0%D0%B9&{}",
            stay(3, 5).to_query()
        ))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Ару-Кёль"), "results are in the HTML");
    assert!(html.contains("/hotels/3?"), "links carry the dates");

    let response = app
        .get("/search?date_from=2027-02-30&date_to=2027-03-02")
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("ГГГГ-ММ-ДД"));

    // Monday and Tuesday nights: the demo's weekend rate at this hotel stays out of the sum.
    let monday = next(Weekday::Mon, 3);
    let response = app
        .get(&format!(
            "/hotels/1?{}",
            stay(monday, monday + 2).to_query()
        ))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Делюкс Плюс"));
    assert!(html.contains("44\u{202f}900"), "2 nights of 22 450");
}

/// A search and a hotel page served from the cache: a booking written behind the app's back
/// is not seen (proof of a hit) until its invalidation moves the generations on.
#[tokio::test]
async fn cached_entries_are_invalidated_by_booking_changes() {
    let app = spawn_app().await;
    assert!(app.state.cache.is_enabled(), "this test needs Redis");
    let (hotel, rooms) = add_hotel(&app, "Край", "Кэшоград", &[(1000, 1)]).await;
    let search = HotelSearch {
        location: Some(LocationQuery::parse("Кэшоград").unwrap()),
        stay: stay(10, 12),
        party: app::model::Party::default(),
        sort: SortOrder::Price,
        page: 1,
    };
    assert_eq!(
        catalog::search(&app.state, &search, app::i18n::Locale::ru)
            .await
            .unwrap()
            .hotels
            .len(),
        1
    );
    let details = catalog::hotel_details(&app.state, hotel, stay(10, 12), None)
        .await
        .unwrap();
    assert_eq!(details.rooms[0].rooms_left, 1);

    add_unannounced_booking(&app, rooms[0], 10, 12).await;
    assert_eq!(
        catalog::search(&app.state, &search, app::i18n::Locale::ru)
            .await
            .unwrap()
            .hotels
            .len(),
        1,
        "a cache hit"
    );

    announce(&app, hotel, 10, 12).await;
    assert!(
        catalog::search(&app.state, &search, app::i18n::Locale::ru)
            .await
            .unwrap()
            .hotels
            .is_empty()
    );
    let details = catalog::hotel_details(&app.state, hotel, stay(10, 12), None)
        .await
        .unwrap();
    assert_eq!(details.rooms[0].rooms_left, 0);
}

#[tokio::test]
async fn bookings_in_other_months_keep_searches_cached() {
    let app = spawn_app().await;
    let (hotel, rooms) = add_hotel(&app, "Край", "Кэшоград", &[(1000, 1)]).await;
    let search = HotelSearch {
        location: Some(LocationQuery::parse("Кэшоград").unwrap()),
        stay: stay(10, 11),
        party: app::model::Party::default(),
        sort: SortOrder::Price,
        page: 1,
    };
    catalog::search(&app.state, &search, app::i18n::Locale::ru)
        .await
        .unwrap();
    add_unannounced_booking(&app, rooms[0], 10, 11).await;
    // A change 100 days away touches other months only.
    announce(&app, hotel, 100, 101).await;
    assert_eq!(
        catalog::search(&app.state, &search, app::i18n::Locale::ru)
            .await
            .unwrap()
            .hotels
            .len(),
        1,
        "still cached"
    );
}

#[tokio::test]
async fn serves_from_the_database_when_redis_is_unreachable() {
    let app = spawn_app_with(&[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    let started = std::time::Instant::now();
    let results = search_for(&app, "алтай", 10, 12).await;
    assert_eq!(names(&results).len(), 3);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

/// The stay total of each room type on the hotel page, through its server function.
async fn page_totals(app: &TestApp, hotel: HotelId, from: u64, to: u64) -> (u16, Vec<i64>) {
    let (from, to) = (day(from).to_string(), day(to).to_string());
    let id = hotel.to_string();
    let form = [
        ("hotel_id", id.as_str()),
        ("date_from", &from),
        ("date_to", &to),
    ];
    let response = app.server_fn("get_hotel", &form).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON answer");
    let totals = body["rooms"]
        .as_array()
        .map(|rooms| {
            rooms
                .iter()
                .filter_map(|room| room["total_cost"].as_i64())
                .collect()
        })
        .unwrap_or_default();
    (status, totals)
}

#[tokio::test]
async fn catalog_edits_reach_the_in_memory_search_index_at_once() {
    // Without Redis every search and hotel page goes through the index, so this sees it alone.
    let app = spawn_app_with(&[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    assert!(names(&search_for(&app, "Новоград", 10, 12).await).is_empty());
    let (hotel, rooms) = add_hotel(&app, "Новый", "Новоград", &[(4_000, 1)]).await;
    let results = search_for(&app, "новоград", 10, 12).await;
    assert_eq!(names(&results), ["Новый"]);
    assert_eq!(results["hotels"][0]["min_total"], 2 * 4_000 * KOPECKS);
    assert_eq!(
        page_totals(&app, hotel, 10, 12).await,
        (200, vec![2 * 4_000 * KOPECKS])
    );

    sqlx::query("UPDATE rooms SET price = 3500 WHERE id = $1")
        .bind(rooms[0])
        .execute(&app.state.db)
        .await
        .unwrap();
    let results = search_for(&app, "Новоград", 10, 12).await;
    assert_eq!(results["hotels"][0]["min_total"], 2 * 3_500 * KOPECKS);
    assert_eq!(
        page_totals(&app, hotel, 10, 12).await,
        (200, vec![2 * 3_500 * KOPECKS])
    );
    // A rate rule is a catalog edit too: the page prices its night at once.
    sqlx::query(
        "INSERT INTO rate_rules (room_id, date_from, date_to, kind, value)
         VALUES ($1, $2, $3, 'price', 5000)",
    )
    .bind(rooms[0])
    .bind(day(10))
    .bind(day(11))
    .execute(&app.state.db)
    .await
    .unwrap();
    let expected = (3_500 + 5_000) * KOPECKS;
    assert_eq!(
        page_totals(&app, hotel, 10, 12).await,
        (200, vec![expected])
    );
    assert_eq!(
        search_for(&app, "Новоград", 10, 12).await["hotels"][0]["min_total"],
        expected
    );

    sqlx::query("DELETE FROM hotels WHERE id = $1")
        .bind(hotel)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert!(names(&search_for(&app, "Новоград", 10, 12).await).is_empty());
    assert_eq!(page_totals(&app, hotel, 10, 12).await.0, 404);
}

#[tokio::test]
async fn the_location_search_does_not_scan_all_bookings() {
    let app = spawn_app().await;
    server::generate::generate_catalog(
        &app.state.db,
        server::generate::CatalogSize {
            hotels: 2_000,
            rooms_per_hotel: 10,
            bookings: 200_000,
        },
    )
    .await
    .unwrap();
    let search = HotelSearch {
        location: Some(LocationQuery::parse("Казань").unwrap()),
        stay: stay(30, 32),
        party: app::model::Party::default(),
        sort: SortOrder::Price,
        page: 1,
    };
    for sort in [SortOrder::Price, SortOrder::Name] {
        for location in [Some(LocationQuery::parse("Казань").unwrap()), None] {
            let search = HotelSearch {
                sort,
                location,
                ..search.clone()
            };
            let plan = catalog::explain::explain_search(&app.state.db, &search)
                .await
                .unwrap();
            assert!(!plan.contains("Seq Scan on bookings"), "{plan}");
            assert!(plan.contains("bookings_hotel_dates_idx"), "{plan}");
        }
    }
}

/// "Only N left" appears when few rooms are left for the stay, and only then; a booking that
/// takes one is seen at once.
#[tokio::test]
async fn only_a_few_rooms_left_are_called_few() {
    // Without Redis: the bookings below are written behind the app's back.
    let app = spawn_app_with(&[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    let (hotel, rooms) = add_hotel(&app, "Мало", "Малоград", &[(3_000, 3), (5_000, 9)]).await;
    let user = app.signed_up_id("few@example.com").await;
    let page = || async {
        let html = app
            .get(&format!("/hotels/{hotel}?{}", stay(10, 12).to_query()))
            .await
            .text()
            .await
            .unwrap()
            // Without the hydration markers between a number and its words.
            .replace("<!>", "");
        (
            html.contains("Осталось всего 3 номера"),
            html.contains("Остался всего 1 номер"),
            html.contains("Есть свободные номера"),
        )
    };
    assert_eq!(
        page().await,
        (true, false, true),
        "3 of 3 are few; 9 are not"
    );
    for _ in 0..2 {
        sqlx::query(
            "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
             VALUES ($1, $2, $3, $4, 3000)",
        )
        .bind(rooms[0])
        .bind(user)
        .bind(day(11))
        .bind(day(13))
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    // The busiest night of the stay (the 11th) has one room left.
    assert_eq!(page().await, (false, true, true));
}

/// The hotel page gives the hours of arrival and departure on the hotel's clock, in the page's
/// language, as the staff set them.
#[tokio::test]
async fn the_hotel_page_gives_the_hotels_hours() {
    // Without Redis: the hours below are changed behind the app's back.
    let app = spawn_app_with(&[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    let html = app.get("/hotels/1").await.text().await.unwrap();
    assert!(
        html.contains("Заезд с 14:00, выезд до 12:00 (время отеля)"),
        "{html}"
    );
    sqlx::query("UPDATE hotels SET check_in_time = '15:30', check_out_time = '11:00' WHERE id = 1")
        .execute(&app.state.db)
        .await
        .unwrap();
    let html = app.html_in("/hotels/1", "en").await;
    assert!(
        html.contains("Check-in from 15:30, check-out until 11:00 (hotel time)"),
        "{html}"
    );
}

/// By name, a reader of English gets the English alphabet (English names where the hotel has
/// one), a reader of Russian the Russian one, each cached apart.
#[tokio::test]
async fn the_order_by_name_follows_the_readers_alphabet() {
    let app = spawn_app().await;
    let (first, _) = add_hotel(&app, "Ясная поляна", "Азбукоград", &[(1000, 1)]).await;
    let (second, _) = add_hotel(&app, "Берёзка", "Азбукоград", &[(1000, 1)]).await;
    sqlx::query("UPDATE hotels SET name_en = 'Bright Glade' WHERE id = $1")
        .bind(first)
        .execute(&app.state.db)
        .await
        .unwrap();
    let search = HotelSearch {
        location: Some(LocationQuery::parse("Азбукоград").unwrap()),
        stay: stay(10, 12),
        party: app::model::Party::default(),
        sort: SortOrder::Name,
        page: 1,
    };
    let order = |language| {
        let (app, search) = (&app, &search);
        async move {
            let results = catalog::search(&app.state, search, language).await.unwrap();
            results
                .hotels
                .iter()
                .map(|offer| offer.hotel.id)
                .collect::<Vec<_>>()
        }
    };
    for _ in 0..2 {
        // The second round comes from the cache.
        assert_eq!(
            order(app::i18n::Locale::en).await,
            [first, second],
            "Bright Glade, Берёзка"
        );
        assert_eq!(
            order(app::i18n::Locale::ru).await,
            [second, first],
            "Берёзка, Ясная поляна"
        );
    }
}
