//! The admin's CSV import, `POST /api/v1/import/{hotels|rooms|bookings}`: every row checked, the
//! failing lines named, a file stored whole or not at all, and no overbooking.
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn import_bytes(
    app: &TestApp,
    token: Option<&str>,
    table: &str,
    file: Vec<u8>,
) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file).file_name(format!("{table}.csv")),
    );
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/import/{table}")))
        .multipart(form);
    if let Some(token) = token {
        request = request.header("cookie", format!("booking_access_token={token}"));
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn import(app: &TestApp, token: &str, table: &str, csv: &str) -> (u16, Value) {
    import_bytes(app, Some(token), table, csv.as_bytes().to_vec()).await
}

async fn counts(app: &TestApp) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM hotels), (SELECT count(*) FROM rooms),
                (SELECT count(*) FROM bookings)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// The `loc`s of a 422's problems.
fn locs(body: &Value) -> Vec<Value> {
    body["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("a problem list: {body}"))
        .iter()
        .map(|problem| problem["loc"].clone())
        .collect()
}

async fn hotels_in(app: &TestApp, place: &str, from: &str, to: &str) -> Vec<(i64, i64)> {
    let response = app
        .get(&format!(
            "/api/v1/hotels/{place}?date_from={from}&date_to={to}"
        ))
        .await;
    assert_eq!(response.status(), 200);
    let list: Value = response.json().await.unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|hotel| {
            (
                hotel["id"].as_i64().unwrap(),
                hotel["rooms_left"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn hotels_rooms_and_bookings_import_in_file_order_and_show_at_once() {
    let app = spawn_app().await;
    let token = app.admin_token("importer@example.com").await;
    // Inside the booking window, which the hotel list checks.
    let in_days = |days| (chrono::Local::now().date_naive() + chrono::Days::new(days)).to_string();
    let (from, to) = (&in_days(100), &in_days(102));
    assert!(hotels_in(&app, "Выдуманск", from, to).await.is_empty());

    let (status, body) = import(
        &app,
        &token,
        "hotels",
        "name;location;services;rooms_quantity;image_id\n\
         Северная;Выдуманск, Полярная 1;\"['Wi-Fi', 'Парковка']\";10;\n\
         Южная;Выдуманск, Тёплая 2;Wi-Fi, Бассейн;5;3\n",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body,
        json!({"table": "hotels", "imported": 2, "ids": [7, 8]})
    );
    let hotel: Value = app.get("/api/v1/hotels/id/7").await.json().await.unwrap();
    assert_eq!(hotel["name"], "Северная");
    assert_eq!(hotel["services"], json!(["Wi-Fi", "Парковка"]));
    assert_eq!(hotel["image_id"], Value::Null);

    let (status, body) = import(
        &app,
        &token,
        "rooms",
        "hotel_id;name;description;price;services;quantity;image_id\n\
         7;Стандарт;Окна во двор;4200;[];1;\n\
         8;Люкс;;9900;\"[\"\"Wi-Fi\"\"]\";1;\n",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let rooms: Vec<i64> = serde_json::from_value(body["ids"].clone()).unwrap();
    assert_eq!(rooms.len(), 2);
    // The list cached before the import is not served: both new hotels are there.
    assert_eq!(
        hotels_in(&app, "Выдуманск", from, to).await,
        [(7, 1), (8, 1)]
    );

    let bookings = format!(
        "room_id;user_id;date_from;date_to;price\n\
         {};1;{from};{to};\n\
         {};2;2023-06-01;2023-06-05;3000\n",
        rooms[0], rooms[1]
    );
    let (status, body) = import(&app, &token, "bookings", &bookings).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["imported"], 2);
    // The first hotel's only room is taken now; a past booking of the second does not matter.
    assert_eq!(hotels_in(&app, "Выдуманск", from, to).await, [(8, 1)]);
    let prices: Vec<(i32, i64)> =
        sqlx::query_as("SELECT price, total_cost FROM bookings WHERE id = ANY($1) ORDER BY id")
            .bind(serde_json::from_value::<Vec<i32>>(body["ids"].clone()).unwrap())
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        prices,
        [(4200, 8400), (3000, 12000)],
        "no price: the room's"
    );
}

#[tokio::test]
async fn a_file_with_bad_rows_is_refused_whole_with_every_line_named() {
    let app = spawn_app().await;
    let token = app.admin_token("importer@example.com").await;
    let before = counts(&app).await;
    let (status, body) = import(
        &app,
        &token,
        "hotels",
        "name;location;services;rooms_quantity;image_id\n\
         Хорошая;Сочи;;3;\n\
         ;Сочи;;3;\n\
         Плохая;Сочи;;many;\n\
         Короткая;Сочи\n",
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        locs(&body),
        [
            json!(["body", "file", 3, "name"]),
            json!(["body", "file", 4, "rooms_quantity"]),
            json!(["body", "file", 5]),
        ]
    );
    assert_eq!(body["detail"][1]["input"], "many");
    assert!(
        body["detail"][1]["msg"]
            .as_str()
            .unwrap()
            .starts_with("line 4, rooms_quantity:"),
        "{body}"
    );
    assert_eq!(counts(&app).await, before, "not even the good row is kept");

    let (status, body) = import(
        &app,
        &token,
        "hotels",
        "name,location,rooms_quantity\nA,B,1\n",
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(locs(&body), [json!(["body", "file", 1])]);
    assert!(body["detail"][0]["msg"].as_str().unwrap().contains("';'"));
    let (status, body) = import_bytes(
        &app,
        Some(&token),
        "hotels",
        b"name;location;rooms_quantity\n\xff;B;1\n".to_vec(),
    )
    .await;
    assert_eq!(
        (status, locs(&body)),
        (422, vec![json!(["body", "file", 2])])
    );
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn rows_must_name_existing_hotels_rooms_and_users() {
    let app = spawn_app().await;
    let token = app.admin_token("importer@example.com").await;
    let before = counts(&app).await;
    let (status, body) = import(
        &app,
        &token,
        "rooms",
        "hotel_id;name;price;quantity\n1;Новый;100;1\n999;Потерянный;100;1\n",
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(locs(&body), [json!(["body", "file", 3, "hotel_id"])]);
    assert!(
        body["detail"][0]["msg"]
            .as_str()
            .unwrap()
            .contains("no hotel with id 999")
    );

    let (status, body) = import(
        &app,
        &token,
        "bookings",
        "room_id;user_id;date_from;date_to\n999;1;2031-01-01;2031-01-02\n1;999;2031-01-01;2031-01-02\n",
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        locs(&body),
        [
            json!(["body", "file", 2, "room_id"]),
            json!(["body", "file", 3, "user_id"]),
        ]
    );
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn imported_bookings_never_overbook() {
    let app = spawn_app().await;
    let token = app.admin_token("importer@example.com").await;
    let (status, body) = import(
        &app,
        &token,
        "rooms",
        "hotel_id;name;price;quantity\n1;Одна;1000;1\n",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let room = body["ids"][0].as_i64().unwrap();
    let file = |stays: &[(&str, &str)]| {
        let mut csv = "room_id;user_id;date_from;date_to\n".to_owned();
        for (from, to) in stays {
            csv.push_str(&format!("{room};1;{from};{to}\n"));
        }
        csv
    };
    // Two stays of one file that share the night of the 11th: the second one is refused.
    let (status, body) = import(
        &app,
        &token,
        "bookings",
        &file(&[("2031-01-10", "2031-01-12"), ("2031-01-11", "2031-01-13")]),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(locs(&body), [json!(["body", "file", 3])]);
    assert!(
        body["detail"][0]["msg"]
            .as_str()
            .unwrap()
            .contains("night of 2031-01-11"),
        "{body}"
    );

    let stays = [("2031-01-10", "2031-01-12")];
    assert_eq!(import(&app, &token, "bookings", &file(&stays)).await.0, 201);
    // Ending on its check-in day and starting on its check-out day do not conflict.
    let around = [("2031-01-05", "2031-01-10"), ("2031-01-12", "2031-01-14")];
    assert_eq!(
        import(&app, &token, "bookings", &file(&around)).await.0,
        201
    );
    let (status, body) = import(
        &app,
        &token,
        "bookings",
        &file(&[("2031-01-11", "2031-01-12")]),
    )
    .await;
    assert_eq!(status, 422, "a booking already there counts: {body}");
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM bookings WHERE room_id = $1")
        .bind(room as i32)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(live, 3);
}

#[tokio::test]
async fn only_admins_import_and_bad_requests_get_precise_statuses() {
    let app = spawn_app().await;
    let csv = b"name;location;rooms_quantity\nA;B;1\n".to_vec();
    let (status, _) = import_bytes(&app, None, "hotels", csv.clone()).await;
    assert_eq!(status, 401, "the original needed no auth; we do");
    let guest = app.signed_up("guest@example.com").await;
    let (status, _) = import_bytes(&app, Some(&guest), "hotels", csv.clone()).await;
    assert_eq!(status, 403);

    let token = app.admin_token("importer@example.com").await;
    let (status, body) = import_bytes(&app, Some(&token), "users", csv.clone()).await;
    assert_eq!((status, locs(&body)), (422, vec![json!(["path", "table"])]));

    let no_file = reqwest::multipart::Form::new().text("other", "x");
    let response = app
        .client
        .post(app.url("/api/v1/import/hotels"))
        .header("cookie", format!("booking_access_token={token}"))
        .multipart(no_file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(locs(&body), [json!(["body", "file"])]);

    let response = app
        .client
        .post(app.url("/api/v1/import/hotels"))
        .header("cookie", format!("booking_access_token={token}"))
        .json(&json!({"name": "A"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422, "not a multipart body");

    let mut huge = csv.clone();
    huge.resize(9 * 1024 * 1024, b'x');
    let (status, _) = import_bytes(&app, Some(&token), "hotels", huge).await;
    assert_eq!(status, 413);
    assert_eq!(counts(&app).await.0, 6);
}
