//! The back office: who may call each of its server functions (signed out, a guest, staff of
//! another hotel, the hotel's staff, an admin), the catalog edits they make (validated like the
//! CSV import, archived entries leaving search and booking), and the audit log they leave.
use serde_json::Value;

use crate::helpers::{self, TestApp, spawn_app};

/// The demo hotel the tests run (seeded with its room types) and another one.
pub const HOTEL: &str = "1";
pub const OTHER_HOTEL: &str = "2";

/// A session per role: signed out (empty), a guest, staff of another hotel, the hotel's staff,
/// an admin.
pub struct Roles {
    pub guest: String,
    pub other_staff: String,
    pub staff: String,
    pub admin: String,
}

pub async fn roles(app: &TestApp) -> Roles {
    let admin = app.admin_token("boss@example.com").await;
    let guest = app.signed_up("guest@example.com").await;
    let other_staff = app.signed_up("other@example.com").await;
    let staff = app.signed_up("staff@example.com").await;
    for (hotel, email) in [
        (HOTEL, "staff@example.com"),
        (OTHER_HOTEL, "other@example.com"),
    ] {
        let granted = app
            .server_fn_as(
                &admin,
                "grant_staff",
                &[("hotel_id", hotel), ("email", email)],
            )
            .await;
        assert!(granted.status().as_u16() < 400, "grant to {email}");
    }
    Roles {
        guest,
        other_staff,
        staff,
        admin,
    }
}

pub async fn status(app: &TestApp, token: &str, name: &str, form: &[(&str, &str)]) -> u16 {
    let response = if token.is_empty() {
        app.server_fn(name, form).await
    } else {
        app.server_fn_as(token, name, form).await
    };
    response.status().as_u16()
}

/// A successful call answers 2xx, or a redirect to where the form leads.
pub fn ok(status: u16) -> bool {
    (200..400).contains(&status)
}

fn hotel_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("location", "Алтай, Чемал".to_owned()),
        ("services", "Wi-Fi, Парковка".to_owned()),
        ("time_zone", "Asia/Barnaul".to_owned()),
        ("check_in_time", "15:00".to_owned()),
        ("check_out_time", "11:00".to_owned()),
    ]
}

fn room_form(hotel_id: &str, name: &str, price: &str) -> Vec<(&'static str, String)> {
    vec![
        ("hotel_id", hotel_id.to_owned()),
        ("name", name.to_owned()),
        ("description", "Вид на реку".to_owned()),
        ("price", price.to_owned()),
        ("services", String::new()),
        ("quantity", "3".to_owned()),
        ("max_adults", "2".to_owned()),
        ("max_children", "1".to_owned()),
        ("free_cancellation_days", "2".to_owned()),
    ]
}

fn borrowed<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub async fn room_of(app: &TestApp, hotel: &str) -> String {
    let id: i32 = sqlx::query_scalar("SELECT min(id) FROM rooms WHERE hotel_id = $1")
        .bind(hotel.parse::<i32>().unwrap())
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    id.to_string()
}

/// A server function, its form, and whether the hotel's staff may call it (admins may call all).
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, bool);

#[tokio::test]
async fn every_server_function_checks_who_calls_it() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let room = room_of(&app, HOTEL).await;
    let other_room = room_of(&app, OTHER_HOTEL).await;
    let mut hotel = hotel_form("Берег");
    hotel.push(("hotel_id", HOTEL.to_owned()));
    let hotel = borrowed(&hotel);
    let new_hotel = hotel_form("Новый");
    let new_hotel = borrowed(&new_hotel);
    let new_room = room_form(HOTEL, "Эконом", "2500");
    let new_room = borrowed(&new_room);
    let mut edit_room = room_form(HOTEL, "Эконом", "2600");
    edit_room.push(("room_id", room.clone()));
    let edit_room = borrowed(&edit_room);
    let (first, last) = (helpers::day(3).to_string(), helpers::day(4).to_string());
    let calendar_edit = vec![
        ("hotel_id", HOTEL),
        ("edit[rooms]", room.as_str()),
        ("edit[first]", first.as_str()),
        ("edit[last]", last.as_str()),
        ("edit[price_action]", "set"),
        ("edit[price]", "4100"),
    ];
    // A guest's stay arriving today (the hotel's day), for the front desk's functions.
    let booking: i32 = sqlx::query_scalar(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         SELECT $1, u.id, (now() AT TIME ZONE h.time_zone)::date,
                (now() AT TIME ZONE h.time_zone)::date + 1, 1000
         FROM users u, hotels h WHERE u.email = 'guest@example.com' AND h.id = $2
         RETURNING id",
    )
    .bind(room.parse::<i32>().unwrap())
    .bind(HOTEL.parse::<i32>().unwrap())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let booking = booking.to_string();
    let target = app.signed_up_id("target@example.com").await.to_string();
    let picture: i32 = sqlx::query_scalar(
        "INSERT INTO pictures (hotel_id, digest, format, width, height, state)
         VALUES ($1, repeat('c', 32), 'jpeg', 10, 10, 'ready') RETURNING id",
    )
    .bind(HOTEL.parse::<i32>().unwrap())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let picture = picture.to_string();
    let cases: Vec<Case> = vec![
        ("hotel_pictures", vec![("hotel_id", HOTEL)], true),
        (
            "arrange_picture",
            vec![
                ("hotel_id", HOTEL),
                ("picture_id", &picture),
                ("action", "main"),
            ],
            true,
        ),
        ("front_desk", vec![], true),
        ("desk_bookings", vec![], true),
        ("hotel_figures", vec![("hotel_id", HOTEL)], true),
        ("desk_booking", vec![("booking_id", &booking)], true),
        (
            "desk_action",
            vec![("booking_id", &booking), ("action", "no_show")],
            true,
        ),
        ("staff_hotels", vec![], true),
        ("hotel_editor", vec![("hotel_id", HOTEL)], true),
        ("room_editor", vec![("room_id", &room)], true),
        ("audit_log", vec![("hotel_id", HOTEL)], true),
        ("calendar", vec![("hotel_id", HOTEL)], true),
        ("calendar_preview", calendar_edit.clone(), true),
        ("calendar_save", calendar_edit.clone(), true),
        ("save_hotel", hotel.clone(), true),
        ("save_room", new_room.clone(), true),
        ("save_room", edit_room.clone(), true),
        (
            "archive_room",
            vec![("room_id", &room), ("archived", "false")],
            true,
        ),
        ("save_hotel", new_hotel.clone(), false),
        (
            "archive_hotel",
            vec![("hotel_id", HOTEL), ("archived", "false")],
            false,
        ),
        ("delete_hotel", vec![("hotel_id", "999999")], false),
        (
            "grant_staff",
            vec![("hotel_id", HOTEL), ("email", "guest@example.com")],
            false,
        ),
        (
            "revoke_staff",
            vec![("hotel_id", HOTEL), ("user_id", "999999")],
            false,
        ),
        ("admin_accounts", vec![], false),
        (
            "account_action",
            vec![("user_id", &target), ("action", "disable")],
            false,
        ),
        ("admin_jobs", vec![], false),
        (
            "job_action",
            vec![("queue", "email"), ("id", "999999"), ("action", "retry")],
            false,
        ),
    ];
    for (name, form, staff_may) in &cases {
        let signed_out = status(&app, "", name, form).await;
        assert_eq!(signed_out, 401, "{name} signed out");
        let guest = status(&app, &who.guest, name, form).await;
        assert_eq!(guest, 403, "{name} as a guest");
        let other = status(&app, &who.other_staff, name, form).await;
        let global = matches!(
            *name,
            "front_desk" | "staff_hotels" | "audit_log" | "desk_bookings"
        ) && !form.iter().any(|(k, _)| *k == "hotel_id");
        if global {
            assert!(ok(other), "{name} as staff of another hotel: {other}");
        } else {
            assert_eq!(other, 403, "{name} as staff of another hotel");
        }
        let staff = status(&app, &who.staff, name, form).await;
        if *staff_may {
            assert!(ok(staff), "{name} as the hotel's staff: {staff}");
        } else {
            assert_eq!(staff, 403, "{name} as the hotel's staff");
        }
    }
    // What staff may not do, an admin may (a hotel that does not exist is simply not found).
    for (name, form, _) in cases.iter().filter(|(_, _, staff_may)| !staff_may) {
        let admin = status(&app, &who.admin, name, form).await;
        let missing = form.iter().any(|(_, v)| *v == "999999");
        if missing {
            assert!(admin == 404 || ok(admin), "{name} as an admin: {admin}");
        } else {
            assert!(ok(admin), "{name} as an admin: {admin}");
        }
    }
    // Staff of one hotel reach nothing of another, whether it exists or not.
    for (name, form) in [
        ("room_editor", vec![("room_id", other_room.as_str())]),
        ("room_editor", vec![("room_id", "999999")]),
        ("hotel_editor", vec![("hotel_id", OTHER_HOTEL)]),
        ("hotel_editor", vec![("hotel_id", "999999")]),
        ("delete_room", vec![("room_id", other_room.as_str())]),
        ("calendar", vec![("hotel_id", OTHER_HOTEL)]),
        ("calendar", vec![("hotel_id", "999999")]),
        ("hotel_figures", vec![("hotel_id", OTHER_HOTEL)]),
        ("hotel_figures", vec![("hotel_id", "999999")]),
    ] {
        assert_eq!(
            status(&app, &who.staff, name, &form).await,
            403,
            "{name} {form:?}"
        );
    }
    // Nor through their own hotel's calendar: another hotel's room type is not in it.
    let mut foreign_edit = calendar_edit.clone();
    foreign_edit[1].1 = other_room.as_str();
    assert_eq!(
        status(&app, &who.staff, "calendar_save", &foreign_edit).await,
        404
    );
    // The staff list of another hotel shows only that hotel.
    let listed: Value = app
        .server_fn_as(&who.staff, "staff_hotels", &[])
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|hotel| hotel["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1]);
}

#[tokio::test]
async fn a_revoked_grant_ends_at_once() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let staff_id: i32 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'staff@example.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let form = [("hotel_id", HOTEL)];
    assert!(ok(status(&app, &who.staff, "hotel_editor", &form).await));
    // The session says who has a back office (the header links to it): staff and admins.
    assert!(runs_hotels(&app, &who.staff).await);
    assert!(!runs_hotels(&app, &who.guest).await);
    let revoked = status(
        &app,
        &who.admin,
        "revoke_staff",
        &[("hotel_id", HOTEL), ("user_id", &staff_id.to_string())],
    )
    .await;
    assert!(ok(revoked));
    assert_eq!(status(&app, &who.staff, "hotel_editor", &form).await, 403);
    assert_eq!(status(&app, &who.staff, "front_desk", &[]).await, 403);
    assert!(!runs_hotels(&app, &who.staff).await);
}

/// Whether the session of `token` is hotel staff, as the page's header reads it.
async fn runs_hotels(app: &TestApp, token: &str) -> bool {
    let user: Value = app
        .server_fn_as(token, "current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    user["staff"].as_bool().unwrap()
}

#[tokio::test]
async fn fields_follow_the_imports_rules_and_errors_name_the_field() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let mut form = hotel_form("");
    form.push(("hotel_id", HOTEL.to_owned()));
    let cases = [
        ("name", "  ", "name", "missing"),
        (
            "time_zone",
            "Mars/Olympus",
            "time_zone",
            "unknown_time_zone",
        ),
        ("check_in_time", "2pm", "check_in_time", "not_a_time"),
        ("services", "['unclosed", "services", "not_a_list"),
    ];
    for (field, value, expected_field, code) in cases {
        let mut form = hotel_form("Берег");
        form.push(("hotel_id", HOTEL.to_owned()));
        for pair in form.iter_mut().filter(|(k, _)| *k == field) {
            pair.1 = value.to_owned();
        }
        let response = app
            .server_fn_as(&who.staff, "save_hotel", &borrowed(&form))
            .await;
        assert_eq!(response.status().as_u16(), 422, "{field}={value}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains(expected_field) && body.contains(code),
            "{field}: {body}"
        );
    }
    let mut room = room_form(HOTEL, "Эконом", "-5");
    room.push(("room_id", String::new()));
    let refused = app
        .server_fn_as(&who.staff, "save_room", &borrowed(&room))
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("out_of_range"));
    // A yes/no field that says neither, and a page cursor that is not one, are refused.
    let archived = status(
        &app,
        &who.staff,
        "archive_room",
        &[
            ("room_id", &room_of(&app, HOTEL).await),
            ("archived", "maybe"),
        ],
    )
    .await;
    assert_eq!(archived, 422);
    let page = status(&app, &who.staff, "audit_log", &[("before", "soon")]).await;
    assert_eq!(page, 422);
    // Nothing was written.
    let name: String = sqlx::query_scalar("SELECT name FROM hotels WHERE id = 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_ne!(name, "Берег");
}

#[tokio::test]
async fn a_new_hotel_and_room_type_are_found_by_guests_until_archived() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let created = app
        .server_fn_as(
            &who.admin,
            "save_hotel",
            &borrowed(&hotel_form("Чемальская заимка")),
        )
        .await;
    assert!(ok(created.status().as_u16()));
    let hotel_id: i32 =
        sqlx::query_scalar("SELECT id FROM hotels WHERE name = 'Чемальская заимка'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let hotel = hotel_id.to_string();
    let room = app
        .server_fn_as(
            &who.admin,
            "save_room",
            &borrowed(&room_form(&hotel, "Шале", "7000")),
        )
        .await;
    assert!(ok(room.status().as_u16()));
    let (from, to) = (crate::helpers::day(20), crate::helpers::day(22));
    let search = |app: &TestApp| {
        let path = format!("/api/v1/hotels/Чемал?date_from={from}&date_to={to}");
        let app_url = app.url(&path);
        let client = app.client.clone();
        async move {
            let body: Value = client
                .get(app_url)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body.as_array()
                .unwrap()
                .iter()
                .filter_map(|hotel| hotel["name"].as_str().map(String::from))
                .collect::<Vec<_>>()
        }
    };
    assert!(search(&app).await.contains(&"Чемальская заимка".to_owned()));
    let quantity: i32 = sqlx::query_scalar("SELECT rooms_quantity FROM hotels WHERE id = $1")
        .bind(hotel_id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(quantity, 3, "the hotel's rooms follow its room types");

    let archived = status(
        &app,
        &who.admin,
        "archive_hotel",
        &[("hotel_id", &hotel), ("archived", "true")],
    )
    .await;
    assert!(ok(archived));
    assert!(!search(&app).await.contains(&"Чемальская заимка".to_owned()));
    assert_eq!(
        app.get(&format!("/api/v1/hotels/id/{hotel}"))
            .await
            .status()
            .as_u16(),
        404
    );
    // Still the staff's, and bookable again once restored.
    assert!(ok(status(
        &app,
        &who.admin,
        "hotel_editor",
        &[("hotel_id", &hotel)]
    )
    .await));
    let restored = status(
        &app,
        &who.admin,
        "archive_hotel",
        &[("hotel_id", &hotel), ("archived", "false")],
    )
    .await;
    assert!(ok(restored));
    assert!(search(&app).await.contains(&"Чемальская заимка".to_owned()));
}

#[tokio::test]
async fn an_archived_room_type_is_not_sold_and_a_booked_one_cannot_be_deleted() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let room = room_of(&app, HOTEL).await;
    let guest = app.signed_up("traveller@example.com").await;
    // Three nights: no demo restriction refuses them.
    let (from, to) = (crate::helpers::day(30), crate::helpers::day(33));
    let book = |token: String, room: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url(&format!(
                    "/api/v1/bookings?room_id={room}&date_from={from}&date_to={to}"
                )))
                .header("cookie", format!("booking_access_token={token}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(book(guest.clone(), room.clone()).await, 200);
    assert_eq!(
        status(&app, &who.staff, "delete_room", &[("room_id", &room)]).await,
        409,
        "a booked room type is archived, not deleted"
    );
    let archived = status(
        &app,
        &who.staff,
        "archive_room",
        &[("room_id", &room), ("archived", "true")],
    )
    .await;
    assert!(ok(archived));
    assert_eq!(book(guest.clone(), room.clone()).await, 404);
    let upcoming: Value = app
        .server_fn_as(&guest, "my_bookings", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        upcoming["bookings"].as_array().unwrap().len(),
        1,
        "the booking stays"
    );

    // A room type never booked goes for good.
    let created = app
        .server_fn_as(
            &who.staff,
            "save_room",
            &borrowed(&room_form(HOTEL, "Мансарда", "3000")),
        )
        .await;
    assert!(ok(created.status().as_u16()));
    let fresh: i32 = sqlx::query_scalar("SELECT id FROM rooms WHERE name = 'Мансарда'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(ok(status(
        &app,
        &who.staff,
        "delete_room",
        &[("room_id", &fresh.to_string())]
    )
    .await));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM rooms WHERE id = $1")
        .bind(fresh)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn every_change_is_in_the_append_only_audit_log() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let room = room_of(&app, HOTEL).await;
    let price_before: i32 = sqlx::query_scalar("SELECT price FROM rooms WHERE id = $1")
        .bind(room.parse::<i32>().unwrap())
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let mut form = room_form(HOTEL, "Стандарт плюс", "9999");
    form.push(("room_id", room.clone()));
    assert!(ok(app
        .server_fn_as(&who.staff, "save_room", &borrowed(&form))
        .await
        .status()
        .as_u16()));
    let editor: Value = app
        .server_fn_as(&who.staff, "room_editor", &[("room_id", &room)])
        .await
        .json()
        .await
        .unwrap();
    let entry = &editor["history"][0];
    assert_eq!(entry["action"], "room.update");
    assert_eq!(entry["actor_email"], "staff@example.com");
    let price = entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["field"] == "price")
        .expect("the price change");
    assert_eq!(price["before"], (i64::from(price_before) * 100).to_string());
    assert_eq!(price["after"], "999900");

    // The hotel's page lists its room types' changes too.
    let hotel: Value = app
        .server_fn_as(&who.staff, "hotel_editor", &[("hotel_id", HOTEL)])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        hotel["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["action"] == "room.update"
                && entry["object_id"] == room.parse::<i64>().unwrap()),
        "{hotel}"
    );

    // Staff of another hotel see none of it; the log cannot be rewritten.
    let theirs: Value = app
        .server_fn_as(&who.other_staff, "audit_log", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|entry| entry["hotel_id"] != 1),
        "{theirs}"
    );
    for statement in [
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let refused = sqlx::query(statement).execute(&app.state.db).await;
        assert!(refused.is_err(), "{statement} is refused");
    }
}

/// The text of the first element after `marker` (an attribute of its tag) in a page.
fn element_text<'a>(html: &'a str, marker: &str) -> &'a str {
    let after = &html[html.find(marker).expect(marker)..];
    let start = after.find('>').unwrap() + 1;
    let end = after[start..].find('<').unwrap();
    &after[start..start + end]
}

#[tokio::test]
async fn english_names_show_in_english_and_fall_back_to_the_hotels_own() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let mut hotel = hotel_form("Чемальская заимка");
    hotel.push(("name_en", "Chemal Lodge".to_owned()));
    assert!(ok(status(
        &app,
        &who.admin,
        "save_hotel",
        &borrowed(&hotel)
    )
    .await));
    let hotel_id: i32 =
        sqlx::query_scalar("SELECT id FROM hotels WHERE name = 'Чемальская заимка'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let id = hotel_id.to_string();
    let mut room = room_form(&id, "Шале", "7000");
    // No English description: the Russian one is shown in English too.
    room.push(("name_en", " Chalet ".to_owned()));
    room.push(("description_en", "   ".to_owned()));
    assert!(ok(
        status(&app, &who.admin, "save_room", &borrowed(&room)).await
    ));
    let stored: (Option<String>, Option<String>) =
        sqlx::query_as("SELECT name_en, description_en FROM rooms WHERE hotel_id = $1")
            .bind(hotel_id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(stored, (Some("Chalet".to_owned()), None));

    let (from, to) = (crate::helpers::day(20), crate::helpers::day(22));
    let path = format!("/hotels/{id}?date_from={from}&date_to={to}");
    let page = |language: &'static str| app.html_in(&path, language);
    let english = page("en").await;
    assert_eq!(
        element_text(&english, "data-testid=\"hotel-name\""),
        "Chemal Lodge"
    );
    assert!(
        english.contains("<title>Chemal Lodge"),
        "the page title too"
    );
    assert_eq!(element_text(&english, "<h3"), "Chalet");
    assert_eq!(
        element_text(&english, "class=\"description\""),
        "Вид на реку"
    );
    let russian = page("ru").await;
    assert_eq!(
        element_text(&russian, "data-testid=\"hotel-name\""),
        "Чемальская заимка"
    );
    assert_eq!(element_text(&russian, "<h3"), "Шале");

    // API v1 keeps the original's fields: the hotel's own name.
    let api: Value = app
        .get(&format!("/api/v1/hotels/id/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["name"], "Чемальская заимка");

    // Emptied, the English name is gone and English pages show the hotel's own.
    let mut cleared = hotel_form("Чемальская заимка");
    cleared.push(("hotel_id", id.clone()));
    cleared.push(("name_en", " ".to_owned()));
    assert!(ok(status(
        &app,
        &who.admin,
        "save_hotel",
        &borrowed(&cleared)
    )
    .await));
    let english = page("en").await;
    assert_eq!(
        element_text(&english, "data-testid=\"hotel-name\""),
        "Чемальская заимка"
    );

    // A control character is refused, naming the field.
    let mut bad = hotel_form("Чемальская заимка");
    bad.push(("hotel_id", id.clone()));
    bad.push(("name_en", "Chemal\u{7}".to_owned()));
    let response = app
        .server_fn_as(&who.admin, "save_hotel", &borrowed(&bad))
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("name_en"));
}

/// A hotel's description, written in the back office in Russian and English, is on its page in
/// the page's language (the own one where there is no English one); blank means none.
#[tokio::test]
async fn hotel_descriptions_show_in_the_pages_language() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let mut hotel = hotel_form("Усадьба у Катуни");
    hotel.push(("description", " Дом у реки.\nБаня и сад. ".to_owned()));
    hotel.push(("description_en", "A house by the river.".to_owned()));
    assert!(ok(status(
        &app,
        &who.admin,
        "save_hotel",
        &borrowed(&hotel)
    )
    .await));
    let id: i32 = sqlx::query_scalar("SELECT id FROM hotels WHERE name = 'Усадьба у Катуни'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let path = format!("/hotels/{id}");
    let page = |language: &'static str| app.html_in(&path, language);
    let marker = "data-testid=\"hotel-description\"";
    assert_eq!(
        element_text(&page("ru").await, marker),
        "Дом у реки.\nБаня и сад."
    );
    assert_eq!(
        element_text(&page("en").await, marker),
        "A house by the river."
    );

    // Without an English one, English pages show the own; without either, none at all.
    let mut edited = hotel_form("Усадьба у Катуни");
    edited.push(("hotel_id", id.to_string()));
    edited.push(("description", "Дом у реки.".to_owned()));
    edited.push(("description_en", " ".to_owned()));
    assert!(ok(status(
        &app,
        &who.admin,
        "save_hotel",
        &borrowed(&edited)
    )
    .await));
    assert_eq!(element_text(&page("en").await, marker), "Дом у реки.");
    edited.retain(|(name, _)| *name != "description");
    assert!(ok(status(
        &app,
        &who.admin,
        "save_hotel",
        &borrowed(&edited)
    )
    .await));
    assert!(!page("ru").await.contains(marker));

    // A control character is refused, naming the field.
    let mut bad = edited.clone();
    bad.retain(|(name, _)| *name != "description_en");
    bad.push(("description_en", "Bell\u{7}".to_owned()));
    let response = app
        .server_fn_as(&who.admin, "save_hotel", &borrowed(&bad))
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("description_en"));
}

/// A room type's floor area and beds, set in the back office, are on its card in the page's
/// language; what the staff did not say is not shown, and out-of-bounds values are refused.
#[tokio::test]
async fn room_sizes_and_beds_show_on_the_room_card() {
    let app = spawn_app().await;
    let who = roles(&app).await;
    let mut room = room_form(HOTEL, "Семейный", "6000");
    room.push(("size_m2", " 28 ".to_owned()));
    room.push(("double_beds", "1".to_owned()));
    room.push(("single_beds", "2".to_owned()));
    assert!(ok(
        status(&app, &who.staff, "save_room", &borrowed(&room)).await
    ));
    let id: i32 = sqlx::query_scalar("SELECT id FROM rooms WHERE name = 'Семейный'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let app = &app;
    let card = |language: &'static str| {
        let path = format!("/hotels/{HOTEL}");
        async move {
            let html = app.html_in(&path, language).await;
            let start = html
                .find(&format!("data-room-id=\"{id}\""))
                .expect("the card");
            let card = &html[start..];
            // Without the hydration markers between a number and its words.
            card[..card.find("</article>").unwrap()].replace("<!>", "")
        }
    };
    let russian = card("ru").await;
    for text in ["28 м²", "1 двуспальная кровать", "2 односпальные кровати"]
    {
        assert!(russian.contains(text), "{text}: {russian}");
    }
    let english = card("en").await;
    for text in ["28 m²", "1 double bed", "2 single beds"] {
        assert!(english.contains(text), "{text}: {english}");
    }

    // Emptied, nothing is said of them.
    let mut edited = room_form(HOTEL, "Семейный", "6000");
    edited.push(("room_id", id.to_string()));
    assert!(ok(
        status(app, &who.staff, "save_room", &borrowed(&edited)).await
    ));
    assert!(!card("ru").await.contains("data-testid=\"room-layout\""));

    for (field, value) in [
        ("size_m2", "4"),
        ("double_beds", "11"),
        ("single_beds", "-1"),
    ] {
        let mut bad = edited.clone();
        bad.push((field, value.to_owned()));
        let response = app
            .server_fn_as(&who.staff, "save_room", &borrowed(&bad))
            .await;
        assert_eq!(response.status().as_u16(), 422, "{field}={value}");
        assert!(response.text().await.unwrap().contains(field));
    }
}
