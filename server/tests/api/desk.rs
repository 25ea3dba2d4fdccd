//! The front desk: the bookings list (filters, order, pages), its CSV export streamed over
//! HTTP, a booking's page, and the marks staff make (check-in, check-out, no-show, a
//! cancellation with its reason and email), each under the rule of what may be done when,
//! and each checked against who calls it.
use chrono::NaiveDate;
use serde_json::Value;

use crate::back_office::{HOTEL, OTHER_HOTEL, ok, roles, room_of, status};
use crate::helpers::{TestApp, spawn_app};

/// The hotel's own calendar day now (its time zone, not the test machine's).
async fn hotel_today(app: &TestApp, hotel: &str) -> NaiveDate {
    sqlx::query_scalar("SELECT (now() AT TIME ZONE time_zone)::date FROM hotels WHERE id = $1")
        .bind(hotel.parse::<i32>().unwrap())
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// A booking of room type `room` by the user of `email` for `nights` nights from `from`,
/// in `guest`'s name; its id.
async fn book(
    app: &TestApp,
    room: &str,
    email: &str,
    guest: &str,
    from: NaiveDate,
    nights: u64,
) -> i32 {
    sqlx::query_scalar(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price, guest_name)
         SELECT $1, id, $3, $4, 1000, $5 FROM users WHERE email = $2
         RETURNING id",
    )
    .bind(room.parse::<i32>().unwrap())
    .bind(email)
    .bind(from)
    .bind(from + chrono::Days::new(nights))
    .bind(guest)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// The demo data's bookings out of the way: the lists then hold the test's own.
async fn forget_demo_bookings(app: &TestApp) {
    sqlx::query("DELETE FROM bookings")
        .execute(&app.state.db)
        .await
        .unwrap();
}

async fn list(app: &TestApp, token: &str, filter: &[(&str, &str)]) -> Value {
    let form: Vec<(String, &str)> = filter
        .iter()
        .map(|(name, value)| (format!("filter[{name}]"), *value))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let response = app.server_fn_as(token, "desk_bookings", &form).await;
    assert_eq!(response.status().as_u16(), 200, "{filter:?}");
    response.json().await.unwrap()
}

fn references(list: &Value) -> Vec<String> {
    list["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|booking| booking["reference"].as_str().unwrap().to_owned())
        .collect()
}

fn guests(list: &Value) -> Vec<String> {
    list["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|booking| {
            booking["guest_name"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn reference_of(app: &TestApp, id: i32) -> String {
    sqlx::query_scalar("SELECT reference FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn mark(app: &TestApp, token: &str, id: i32, action: &str, reason: &str) -> u16 {
    let id = id.to_string();
    status(
        app,
        token,
        "desk_action",
        &[("booking_id", &id), ("action", action), ("reason", reason)],
    )
    .await
}

async fn page(app: &TestApp, token: &str, id: i32) -> Value {
    let response = app
        .server_fn_as(token, "desk_booking", &[("booking_id", &id.to_string())])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_list_filters_orders_and_pages() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    forget_demo_bookings(&app).await;
    let room = room_of(&app, HOTEL).await;
    let other_room = room_of(&app, OTHER_HOTEL).await;
    let today = hotel_today(&app, HOTEL).await;
    app.signed_up("anna@example.com").await;
    app.signed_up("boris@example.com").await;
    // 55 stays of Anna's, one a day from a week ahead; Boris stays once, in a month; someone
    // else's hotel has one more.
    let mut annas = Vec::new();
    for offset in 0..55 {
        let from = today + chrono::Days::new(7 + offset);
        annas.push(
            book(
                &app,
                &room,
                "anna@example.com",
                &format!("Анна {offset:02}"),
                from,
                2,
            )
            .await,
        );
    }
    let boris = book(
        &app,
        &room,
        "boris@example.com",
        "Борис Ёлкин",
        today + chrono::Days::new(30),
        3,
    )
    .await;
    book(
        &app,
        &other_room,
        "boris@example.com",
        "Чужой",
        today + chrono::Days::new(30),
        1,
    )
    .await;
    // Boris's was booked last week; one of Anna's is cancelled.
    sqlx::query("UPDATE bookings SET created_at = now() - interval '8 days' WHERE id = $1")
        .bind(boris)
        .execute(&app.state.db)
        .await
        .unwrap();
    sqlx::query("UPDATE bookings SET cancelled_at = now() WHERE id = $1")
        .bind(annas[3])
        .execute(&app.state.db)
        .await
        .unwrap();

    // The hotel's staff: their hotel only, by check-in, 50 a page.
    let first = list(&app, &who.staff, &[]).await;
    assert_eq!(first["bookings"].as_array().unwrap().len(), 50);
    assert_eq!(first["has_more"], true);
    assert_eq!(guests(&first)[0], "Анна 00");
    assert!(!guests(&first).contains(&"Чужой".to_owned()));
    let second = list(&app, &who.staff, &[("page", "2")]).await;
    assert_eq!(second["bookings"].as_array().unwrap().len(), 6);
    assert_eq!(second["has_more"], false);
    assert_eq!(second["page"], 2);
    let mut all = references(&first);
    all.extend(references(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 56, "pages neither overlap nor skip");
    // The hotels to choose from: theirs.
    assert_eq!(first["hotels"].as_array().unwrap().len(), 1);

    // By guest: a part of the email, a name in another case, or the reference however typed.
    let by_email = list(&app, &who.staff, &[("q", "BORIS@")]).await;
    assert_eq!(guests(&by_email), ["Борис Ёлкин"]);
    let by_name = list(&app, &who.staff, &[("q", "ёлкин")]).await;
    assert_eq!(guests(&by_name), ["Борис Ёлкин"]);
    let reference = reference_of(&app, boris).await;
    let typed = format!(" {}-{} ", &reference[..4], reference[4..].to_lowercase());
    let by_reference = list(&app, &who.staff, &[("q", &typed)]).await;
    assert_eq!(references(&by_reference), [reference]);

    // By stay: nights on the days asked (inclusive), whatever day the stay began.
    let day = (today + chrono::Days::new(31)).to_string();
    let staying = list(&app, &who.staff, &[("stay_from", &day), ("stay_to", &day)]).await;
    let mut names = guests(&staying);
    names.sort();
    assert_eq!(names, ["Анна 23", "Анна 24", "Борис Ёлкин"]);
    // By booked day, status and hotel.
    let week_ago = (chrono::Utc::now().date_naive() - chrono::Days::new(8)).to_string();
    let booked = list(
        &app,
        &who.staff,
        &[("booked_from", &week_ago), ("booked_to", &week_ago)],
    )
    .await;
    assert_eq!(guests(&booked), ["Борис Ёлкин"]);
    let cancelled = list(&app, &who.staff, &[("status", "cancelled")]).await;
    assert_eq!(guests(&cancelled), ["Анна 03"]);
    assert_eq!(cancelled["bookings"][0]["status"], "cancelled");
    let booked_only = list(&app, &who.staff, &[("status", "booked"), ("q", "Анна 0")]).await;
    assert_eq!(booked_only["bookings"].as_array().unwrap().len(), 9);
    // Orders: latest check-in first; newest booking first; dearest first.
    let latest = list(&app, &who.staff, &[("sort", "check_in_desc")]).await;
    assert_eq!(guests(&latest)[0], "Анна 54");
    let newest = list(&app, &who.staff, &[("sort", "booked")]).await;
    assert_eq!(guests(&newest)[0], "Анна 54");
    assert_eq!(
        guests(&newest).last().unwrap(),
        "Анна 05",
        "Boris's, oldest, is on page 2"
    );
    let dearest = list(&app, &who.staff, &[("sort", "total")]).await;
    assert_eq!(guests(&dearest)[0], "Борис Ёлкин", "three nights");

    // An admin sees both hotels; the filter narrows to one.
    let everything = list(&app, &who.admin, &[("q", "Чужой")]).await;
    assert_eq!(guests(&everything), ["Чужой"]);
    let narrowed = list(&app, &who.admin, &[("q", "Чужой"), ("hotel_id", HOTEL)]).await;
    assert!(guests(&narrowed).is_empty());
    // Staff cannot ask for another hotel's bookings; bad filters are refused in words.
    let foreign = app
        .server_fn_as(
            &who.staff,
            "desk_bookings",
            &[("filter[hotel_id]", OTHER_HOTEL)],
        )
        .await;
    assert_eq!(foreign.status().as_u16(), 403);
    for (field, value, problem) in [
        ("stay_from", "2026-02-30", "Dates"),
        ("status", "gone", "Status"),
        ("sort", "name", "Sort"),
        ("page", "0", "Page"),
        ("hotel_id", "x", "Hotel"),
    ] {
        let response = app
            .server_fn_as(
                &who.staff,
                "desk_bookings",
                &[(&format!("filter[{field}]"), value)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422, "{field}={value}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["Desk"], problem, "{field}={value}");
    }
}

#[tokio::test]
async fn the_csv_streams_every_matching_booking() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    forget_demo_bookings(&app).await;
    let room = room_of(&app, HOTEL).await;
    let today = hotel_today(&app, HOTEL).await;
    app.signed_up("guest-csv@example.com").await;
    // A year of bookings, written in one statement; one guest's name tries to be a formula.
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price, guest_name)
         SELECT $1, u.id, $2::date + (n % 360), $2::date + (n % 360) + 1, 1000,
                CASE WHEN n = 0 THEN '=HYPERLINK(\"http://evil\",\"Иван, \"\"Ваня\"\"\")'
                     ELSE 'Гость ' || n END
         FROM users u, generate_series(0, 4999) n WHERE u.email = 'guest-csv@example.com'",
    )
    .bind(room.parse::<i32>().unwrap())
    .bind(today)
    .execute(&app.state.db)
    .await
    .unwrap();
    let response = app
        .client
        .get(app.url(&format!(
            "/admin/bookings.csv?hotel_id={HOTEL}&sort=check_in"
        )))
        .header("cookie", format!("booking_access_token={}", who.staff))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"bookings-")
    );
    assert!(
        headers.get("content-length").is_none(),
        "streamed, not measured first"
    );
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 5001, "the header and every booking");
    assert!(lines[0].starts_with("\u{feff}reference,hotel_id,hotel,room_type,guest,email"));
    // The formula is defused and the quotes and comma survive.
    let evil = lines
        .iter()
        .find(|line| line.contains("HYPERLINK"))
        .expect("the formula's row");
    assert!(
        evil.contains(r#","'=HYPERLINK(""http://evil"",""Иван, """"Ваня"""""")","#),
        "{evil}"
    );
    assert!(
        lines[1].contains(&today.to_string()),
        "by check-in: {}",
        lines[1]
    );

    // Compressed (as browsers ask), the stream still ends cleanly.
    let gzipped = app
        .client
        .get(app.url("/admin/bookings.csv"))
        .header("cookie", format!("booking_access_token={}", who.staff))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let compressed = gzipped.bytes().await.expect("the whole compressed body");
    assert!(compressed.len() > 1000 && compressed.len() < body.len());

    // Who may: not the signed out, not a guest, not another hotel's staff for this hotel.
    let get = |token: String, query: &'static str| {
        let app = &app;
        async move {
            let mut request = app
                .client
                .get(app.url(&format!("/admin/bookings.csv{query}")));
            if !token.is_empty() {
                request = request.header("cookie", format!("booking_access_token={token}"));
            }
            request.send().await.unwrap().status().as_u16()
        }
    };
    assert_eq!(get(String::new(), "").await, 401);
    assert_eq!(get(who.guest.clone(), "").await, 403);
    assert_eq!(get(who.other_staff.clone(), "?hotel_id=1").await, 403);
    assert_eq!(get(who.staff.clone(), "?stay_from=soon").await, 422);
    // Another hotel's staff get their own hotel's (none here): the header alone.
    let theirs = app
        .client
        .get(app.url("/admin/bookings.csv"))
        .header(
            "cookie",
            format!("booking_access_token={}", who.other_staff),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        theirs.split("\r\n").filter(|line| !line.is_empty()).count(),
        1
    );
}

#[tokio::test]
async fn the_front_desk_marks_a_stay_by_its_rule() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let room = room_of(&app, HOTEL).await;
    let today = hotel_today(&app, HOTEL).await;
    let guest = "guest@example.com";
    let arriving = book(&app, &room, guest, "Анна", today, 2).await;
    let tomorrow = book(&app, &room, guest, "Борис", today + chrono::Days::new(1), 2).await;
    let absent = book(&app, &room, guest, "Вера", today, 1).await;
    let to_cancel = book(&app, &room, guest, "Глеб", today + chrono::Days::new(5), 2).await;

    let arrival = page(&app, &who.staff, arriving).await;
    assert_eq!(arrival["summary"]["status"], "booked");
    assert_eq!(
        arrival["actions"],
        serde_json::json!(["check_in", "no_show", "cancel"])
    );
    assert_eq!(arrival["booking"]["nights"].as_array().unwrap().len(), 2);
    // Not before the arrival day; check-out only once checked in.
    assert_eq!(mark(&app, &who.staff, tomorrow, "check_in", "").await, 409);
    assert_eq!(mark(&app, &who.staff, arriving, "check_out", "").await, 409);
    assert!(ok(mark(&app, &who.staff, arriving, "check_in", "").await));
    let in_house = page(&app, &who.staff, arriving).await;
    assert_eq!(in_house["summary"]["status"], "in_house");
    assert_eq!(in_house["actions"], serde_json::json!(["check_out"]));
    assert!(in_house["checked_in_at"].is_string());
    // The guest can no longer cancel a stay they are in (their own terms aside).
    let guest_cancel = app
        .server_fn_as(
            &who.guest,
            "cancel_booking",
            &[("booking_id", &arriving.to_string())],
        )
        .await;
    assert_eq!(guest_cancel.status().as_u16(), 409);
    assert!(ok(mark(&app, &who.staff, arriving, "check_out", "").await));
    assert_eq!(mark(&app, &who.staff, arriving, "check_out", "").await, 409);
    let history = page(&app, &who.staff, arriving).await["history"].clone();
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["booking.check_out", "booking.check_in"]);
    assert_eq!(history[0]["actor_email"], "staff@example.com");

    // A no-show from the arrival day; then nothing more.
    assert!(ok(mark(&app, &who.staff, absent, "no_show", "").await));
    let gone = page(&app, &who.staff, absent).await;
    assert_eq!(gone["summary"]["status"], "no_show");
    assert_eq!(gone["actions"], serde_json::json!([]));

    // A cancellation needs its reason, frees the nights and tells the guest.
    assert_eq!(mark(&app, &who.staff, to_cancel, "cancel", "  ").await, 422);
    assert_eq!(
        mark(&app, &who.staff, to_cancel, "cancel", &"x".repeat(501)).await,
        422
    );
    assert_eq!(mark(&app, &who.staff, to_cancel, "dance", "").await, 422);
    assert!(ok(mark(
        &app,
        &who.staff,
        to_cancel,
        "cancel",
        "Ремонт в номере"
    )
    .await));
    let cancelled = page(&app, &who.staff, to_cancel).await;
    assert_eq!(cancelled["summary"]["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "Ремонт в номере");
    let kinds: Vec<&str> = cancelled["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|email| email["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"cancellation"), "{kinds:?}");
    let (by, sequence): (Option<i32>, i32) =
        sqlx::query_as("SELECT cancelled_by, sequence FROM bookings WHERE id = $1")
            .bind(to_cancel)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let staff_id: i32 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'staff@example.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((by, sequence), (Some(staff_id), 1));

    // Who may: another hotel's staff learn nothing; an admin may; an unknown booking is 404
    // for an admin and 403 for staff.
    assert_eq!(
        mark(&app, &who.other_staff, tomorrow, "cancel", "x").await,
        403
    );
    let other = app
        .server_fn_as(
            &who.other_staff,
            "desk_booking",
            &[("booking_id", &tomorrow.to_string())],
        )
        .await;
    assert_eq!(other.status().as_u16(), 403);
    assert_eq!(mark(&app, &who.staff, 999_999, "check_in", "").await, 403);
    assert_eq!(mark(&app, &who.admin, 999_999, "check_in", "").await, 404);
    assert_eq!(mark(&app, &who.guest, tomorrow, "cancel", "x").await, 403);
    assert_eq!(mark(&app, "", tomorrow, "cancel", "x").await, 401);
    let _ = page(&app, &who.admin, tomorrow).await;
}

#[tokio::test]
async fn desks_racing_for_one_mark_make_it_once() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let room = room_of(&app, HOTEL).await;
    let today = hotel_today(&app, HOTEL).await;
    for round in 0..3 {
        let id = book(
            &app,
            &room,
            "guest@example.com",
            &format!("Гонка {round}"),
            today,
            1,
        )
        .await;
        let tries = (0..8).map(|i| {
            let token = if i % 2 == 0 { &who.staff } else { &who.admin };
            let action = if i % 3 == 0 { "no_show" } else { "check_in" };
            mark(&app, token, id, action, "")
        });
        let statuses = futures::future::join_all(tries).await;
        let won = statuses.iter().filter(|status| ok(**status)).count();
        assert_eq!(won, 1, "round {round}: {statuses:?}");
        assert!(
            statuses.iter().all(|status| ok(*status) || *status == 409),
            "{statuses:?}"
        );
        let entries: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log WHERE object_kind = 'booking' AND object_id = $1",
        )
        .bind(i64::from(id))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        assert_eq!(entries, 1);
    }
}

/// A booking as the figures test writes it: room, check-in, check-out, nightly prices, booked
/// at, cancelled at, no-show.
type Stay = (
    app::model::RoomId,
    NaiveDate,
    NaiveDate,
    Vec<i32>,
    String,
    Option<String>,
    bool,
);

#[tokio::test]
async fn figures_match_what_plain_sql_counts() {
    use app::model::figures::HotelFigures;
    use chrono::Datelike;

    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let guest = app.signed_up_id("guest@example.com").await;
    // Four rooms on sale (the other hotel's bookings must not count).
    let (hotel, room) = crate::helpers::add_room_type(&app, "Фигурово", 1000, 4, (2, 0)).await;
    let (_, elsewhere) = crate::helpers::add_room_type(&app, "Другое", 1000, 4, (2, 0)).await;
    let year = chrono::Utc::now().year();
    let d = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day).unwrap();
    let at = |month: u32, day: u32| format!("{year}-{month:02}-{day:02} 12:00:00+00");
    // (room, from, to, nightly prices, booked at, cancelled at, no-show)
    let stays: Vec<Stay> = vec![
        // Across January and February: 2 nights in each.
        (
            room,
            d(1, 30),
            d(2, 3),
            vec![1000, 1200, 1500, 1500],
            at(1, 5),
            None,
            false,
        ),
        // Cancelled in March: no nights, one cancellation.
        (
            room,
            d(3, 10),
            d(3, 12),
            vec![2000, 2000],
            at(2, 20),
            Some(at(3, 1)),
            false,
        ),
        // A no-show's nights were sold.
        (room, d(3, 20), d(3, 21), vec![3000], at(3, 2), None, true),
        // Into next year: only the last two nights of December count.
        (
            room,
            d(12, 30),
            NaiveDate::from_ymd_opt(year + 1, 1, 2).unwrap(),
            vec![5000, 5000, 7000],
            at(11, 30),
            None,
            false,
        ),
        // Another hotel.
        (
            elsewhere,
            d(3, 1),
            d(3, 5),
            vec![9000; 4],
            at(2, 1),
            None,
            false,
        ),
    ];
    for (room, from, to, nights, booked, cancelled, no_show) in &stays {
        sqlx::query(
            "INSERT INTO bookings (room_id, user_id, date_from, date_to, price, night_prices,
                                   created_at, cancelled_at, no_show_at)
             VALUES ($1, $2, $3, $4, 1000, $5, $6::timestamptz, $7::timestamptz,
                     CASE WHEN $8 THEN now() END)",
        )
        .bind(room)
        .bind(guest)
        .bind(from)
        .bind(to)
        .bind(nights)
        .bind(booked)
        .bind(cancelled)
        .bind(no_show)
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    let response = app
        .server_fn_as(
            &admin,
            "hotel_figures",
            &[
                ("hotel_id", &hotel.to_string()),
                ("year", &year.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let figures: HotelFigures = response.json().await.unwrap();
    assert_eq!(figures.months.len(), 12);

    // The same numbers, counted the plain way: every day of the year against every booking
    // covering it; rooms times days; bookings and cancellations by their month (the hotel is
    // on Moscow time, so noon UTC stays in its day).
    let expected: Vec<(i32, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT m.month, m.available, m.sold, m.revenue,
                (SELECT count(*) FROM bookings x WHERE x.hotel_id = $1
                   AND extract(year FROM x.created_at) = $2
                   AND extract(month FROM x.created_at) = m.month) AS made,
                (SELECT count(*) FROM bookings x WHERE x.hotel_id = $1
                   AND extract(year FROM x.cancelled_at) = $2
                   AND extract(month FROM x.cancelled_at) = m.month) AS cancelled
         FROM (SELECT extract(month FROM d)::int AS month,
                      4 * count(DISTINCT d) AS available,
                      count(b.id) AS sold,
                      coalesce(sum(b.night_prices[d::date - b.date_from + 1]), 0)::bigint
                          AS revenue
               FROM generate_series(make_date($2, 1, 1), make_date($2, 12, 31),
                                    interval '1 day') d
               LEFT JOIN bookings b ON b.hotel_id = $1 AND b.cancelled_at IS NULL
                                   AND b.date_from <= d AND d < b.date_to
               GROUP BY 1) m
         ORDER BY 1",
    )
    .bind(hotel)
    .bind(year)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    for (month, plain) in figures.months.iter().zip(&expected) {
        let (_, available, sold, revenue, made, cancelled) = *plain;
        assert_eq!(
            (
                month.available,
                month.sold,
                month.revenue.whole_roubles(),
                month.bookings,
                month.cancellations
            ),
            (available, sold, revenue, made, cancelled),
            "{}",
            month.month
        );
    }
    // And by hand, where it matters.
    let month = |m: usize| figures.months[m - 1];
    assert_eq!((month(1).sold, month(1).revenue.whole_roubles()), (2, 2200));
    assert_eq!((month(2).sold, month(2).revenue.whole_roubles()), (2, 3000));
    assert_eq!(
        month(2).available,
        4 * i64::from(d(3, 1).pred_opt().unwrap().day())
    );
    assert_eq!(
        (month(3).sold, month(3).cancellations, month(3).bookings),
        (1, 1, 1)
    );
    assert_eq!(
        (month(12).sold, month(12).revenue.whole_roubles()),
        (2, 10_000)
    );
    assert_eq!(month(12).occupancy_permille(), 16, "2 of 124 room-nights");
    assert_eq!(month(12).adr(), Some(crate::helpers::rub(5000)));
    assert_eq!(figures.total.sold, 7);
    assert_eq!(
        figures.total.revenue.whole_roubles(),
        2200 + 3000 + 3000 + 10_000
    );
    // Staff of another hotel learn nothing; a year out of range is refused.
    let response = app
        .server_fn_as(
            &admin,
            "hotel_figures",
            &[("hotel_id", &hotel.to_string()), ("year", "1990")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
}
