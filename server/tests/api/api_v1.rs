//! The original's REST contract under /api/v1: field names, statuses and error shapes.
use std::collections::HashSet;

use app::model::BookingReference;
use chrono::{Days, Local};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn day(offset: u64) -> String {
    Local::now()
        .date_naive()
        .checked_add_days(Days::new(offset))
        .unwrap()
        .to_string()
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.get(&format!("/api/v1{path}")).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn hotels_in_a_place_list_rooms_left_with_the_original_fields() {
    let app = spawn_app().await;
    let (status, body) = get(
        &app,
        &format!("/hotels/алтай?date_from={}&date_to={}", day(10), day(12)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let hotels = body.as_array().unwrap();
    assert_eq!(hotels.len(), 3, "case-insensitive, unlike the original");
    let mut keys: Vec<&str> = hotels[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "id",
            "image_id",
            "location",
            "name",
            "rooms_left",
            "rooms_quantity",
            "services"
        ]
    );
    assert!(
        hotels
            .iter()
            .all(|hotel| hotel["rooms_left"].as_i64() > Some(0))
    );
    let (status, body) = get(
        &app,
        &format!("/hotels/Нигде?date_from={}&date_to={}", day(10), day(12)),
    )
    .await;
    assert_eq!((status, body), (200, Value::Array(vec![])));
}

#[tokio::test]
async fn bad_dates_get_the_original_statuses_and_error_shapes() {
    let app = spawn_app().await;
    let (status, body) = get(&app, "/hotels/Алтай").await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["type"], "missing");
    assert_eq!(
        body["detail"][0]["loc"],
        serde_json::json!(["query", "date_from"])
    );
    assert_eq!(
        body["detail"][1]["loc"],
        serde_json::json!(["query", "date_to"])
    );

    let (status, body) = get(
        &app,
        "/hotels/Алтай?date_from=2024-02-30&date_to=2024-03-02",
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"][0]["loc"],
        serde_json::json!(["query", "date_from"])
    );
    assert_eq!(body["detail"][0]["input"], "2024-02-30");

    let reversed = format!("/hotels/Алтай?date_from={}&date_to={}", day(12), day(10));
    let (status, body) = get(&app, &reversed).await;
    assert_eq!(status, 400);
    assert!(body["detail"].is_string(), "{body}");

    let too_long = format!("/hotels/Алтай?date_from={}&date_to={}", day(1), day(40));
    assert_eq!(get(&app, &too_long).await.0, 400);
}

#[tokio::test]
async fn one_hotel_and_its_rooms_for_a_stay() {
    let app = spawn_app().await;
    let (status, hotel) = get(&app, "/hotels/id/1").await;
    assert_eq!(status, 200);
    assert_eq!(hotel["id"], 1);
    assert!(hotel.get("rooms_left").is_none());
    assert_eq!(
        get(&app, "/hotels/id/999").await,
        (404, serde_json::json!({"detail": "Not found"}))
    );
    let (status, body) = get(&app, "/hotels/id/abc").await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"][0]["loc"],
        serde_json::json!(["path", "hotel_id"])
    );

    // Hotel 2 keeps flat prices in the demo data (hotel 1 has a weekend rate), so the total
    // is the nightly price times the nights whatever weekdays the stay falls on.
    let (status, rooms) = get(
        &app,
        &format!("/hotels/2/rooms?date_from={}&date_to={}", day(10), day(13)),
    )
    .await;
    assert_eq!(status, 200, "{rooms}");
    assert!(!rooms.as_array().unwrap().is_empty());
    for room in rooms.as_array().unwrap() {
        assert_eq!(room["hotel_id"], 2);
        assert_eq!(
            room["total_cost"].as_i64(),
            room["price"].as_i64().map(|price| price * 3)
        );
        assert!(room["rooms_left"].as_i64() <= room["quantity"].as_i64());
    }
    let unknown = format!(
        "/hotels/999/rooms?date_from={}&date_to={}",
        day(10),
        day(13)
    );
    assert_eq!(get(&app, &unknown).await.0, 404);
}

async fn post_json(app: &TestApp, path: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1{path}")))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("request is sent")
}

/// Registers through the API and returns the access token of a login.
async fn api_user(app: &TestApp, email: &str) -> String {
    let body = format!(r#"{{"email": "{email}", "password": "correct horse battery"}}"#);
    assert_eq!(post_json(app, "/auth/register", &body).await.status(), 200);
    let login = post_json(app, "/auth/login", &body).await;
    assert_eq!(login.status(), 200);
    let json: Value = login.json().await.unwrap();
    json["access_token"].as_str().unwrap().to_owned()
}

fn authed(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
) -> reqwest::RequestBuilder {
    app.client
        .request(method, app.url(&format!("/api/v1{path}")))
        .header("cookie", format!("booking_access_token={token}"))
}

#[tokio::test]
async fn register_login_me_logout_follow_the_contract() {
    let app = spawn_app().await;
    let body = r#"{"email": "api@example.com", "password": "correct horse battery"}"#;
    let registered = post_json(&app, "/auth/register", body).await;
    assert_eq!(registered.status(), 200);
    assert_eq!(registered.json::<Value>().await.unwrap(), Value::Null);
    let again = post_json(&app, "/auth/register", &body.replace("api@", "API@")).await;
    assert_eq!(again.status(), 409);
    assert!(again.json::<Value>().await.unwrap()["detail"].is_string());

    let bad = post_json(
        &app,
        "/auth/register",
        r#"{"email": "nope", "password": "short"}"#,
    )
    .await;
    assert_eq!(bad.status(), 422);
    let detail = bad.json::<Value>().await.unwrap()["detail"].clone();
    assert_eq!(detail[0]["loc"], serde_json::json!(["body", "email"]));
    let missing = post_json(&app, "/auth/register", "{}").await;
    let detail = missing.json::<Value>().await.unwrap()["detail"].clone();
    assert_eq!(detail.as_array().unwrap().len(), 2);
    assert_eq!(detail[1]["loc"], serde_json::json!(["body", "password"]));
    assert_eq!(
        post_json(&app, "/auth/register", "{not json")
            .await
            .status(),
        422
    );
    let typed = post_json(&app, "/auth/login", r#"{"email": 5, "password": "x"}"#).await;
    assert_eq!(typed.status(), 422);
    let malformed = post_json(
        &app,
        "/auth/login",
        r#"{"email": "not-an-email", "password": "x"}"#,
    )
    .await;
    assert_eq!(
        malformed.status(),
        422,
        "a malformed email, as register answers"
    );
    let problem: Value = malformed.json().await.unwrap();
    assert_eq!(
        problem["detail"][0]["loc"],
        serde_json::json!(["body", "email"])
    );

    let login = post_json(&app, "/auth/login", body).await;
    assert_eq!(login.status(), 200);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("booking_access_token=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let token = login.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = post_json(&app, "/auth/login", &body.replace("battery", "staple")).await;
    assert_eq!(wrong.status(), 401);

    let me = authed(&app, reqwest::Method::GET, "/auth/me", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["email"], "api@example.com");
    assert!(me.get("hashed_password").is_none());
    let bearer = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 200);
    assert_eq!(app.get("/api/v1/auth/me").await.status(), 401);
    let logout = post_json(&app, "/auth/logout", "").await;
    assert_eq!(logout.status(), 200);
    assert!(
        logout.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
}

/// `GET /api/v1/bookings` as the holder of `token`.
async fn listed_bookings(app: &TestApp, token: &str) -> Vec<Value> {
    authed(app, reqwest::Method::GET, "/bookings", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn bookings_are_made_listed_and_cancelled_without_overbooking() {
    let app = spawn_app().await;
    let guest = api_user(&app, "guest@example.com").await;
    let other = api_user(&app, "other@example.com").await;
    let book = |token: &str, query: String| {
        authed(
            &app,
            reqwest::Method::POST,
            &format!("/bookings?{query}"),
            token,
        )
        .send()
    };
    let stay = format!("date_from={}&date_to={}", day(20), day(22));
    // Room 4 has 8 rooms: the 9th booking of the same nights is refused (the original's test).
    let (mut ids, mut references) = (Vec::new(), Vec::new());
    for _ in 0..8 {
        let response = book(&guest, format!("room_id=4&{stay}")).await.unwrap();
        assert_eq!(response.status(), 200);
        let booking: Value = response.json().await.unwrap();
        assert_eq!(booking["total_days"], 2);
        assert_eq!(
            booking["total_cost"].as_i64(),
            booking["price"].as_i64().map(|p| p * 2)
        );
        ids.push(booking["id"].as_i64().unwrap());
        references.push(booking["reference"].as_str().unwrap().to_owned());
    }
    // Each booking has its own reference, of the unambiguous alphabet, kept in the list.
    assert!(
        references
            .iter()
            .all(|r| BookingReference::parse(r).is_some_and(|p| p.as_str() == r)),
        "{references:?}"
    );
    assert_eq!(references.iter().collect::<HashSet<_>>().len(), 8);
    let full = book(&other, format!("room_id=4&{stay}")).await.unwrap();
    assert_eq!(full.status(), 409);
    assert_eq!(
        book(&guest, format!("room_id=999&{stay}"))
            .await
            .unwrap()
            .status(),
        404
    );
    let reversed = format!("room_id=4&date_from={}&date_to={}", day(22), day(20));
    assert_eq!(book(&guest, reversed).await.unwrap().status(), 400);
    let missing = book(&guest, "room_id=4".into()).await.unwrap();
    assert_eq!(missing.status(), 422);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["detail"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let signed_out = app
        .client
        .post(app.url(&format!("/api/v1/bookings?room_id=4&{stay}")))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 401);

    let list = listed_bookings(&app, &guest).await;
    assert_eq!(list.len(), 8);
    assert!(list[0]["name"].is_string());
    let listed: HashSet<_> = list
        .iter()
        .map(|b| b["reference"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, references.iter().cloned().collect());

    let malformed = authed(&app, reqwest::Method::DELETE, "/bookings/abc", &guest)
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 422);
    let id = ids[0];
    let others = authed(
        &app,
        reqwest::Method::DELETE,
        &format!("/bookings/{id}"),
        &other,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(others.status(), 404, "someone else's booking is not found");
    let cancelled = authed(
        &app,
        reqwest::Method::DELETE,
        &format!("/bookings/{id}"),
        &guest,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(cancelled.status(), 204);
    let listed = listed_bookings(&app, &guest).await;
    assert_eq!(listed.len(), 7);
    assert!(
        listed.iter().all(|booking| booking["id"] != id),
        "a cancelled booking leaves the API's list: {listed:?}"
    );
    let now_free = book(&other, format!("room_id=4&{stay}")).await.unwrap();
    assert_eq!(now_free.status(), 200);
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = spawn_app().await;
    let (status, doc) = get(&app, "/openapi.json").await;
    assert_eq!(status, 200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let mut routes: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        [
            "DELETE /api/v1/bookings/{booking_id}",
            "GET /api/v1/auth/me",
            "GET /api/v1/bookings",
            "GET /api/v1/hotels/id/{hotel_id}",
            "GET /api/v1/hotels/{hotel_id}/rooms",
            "GET /api/v1/hotels/{location}",
            "POST /api/v1/auth/login",
            "POST /api/v1/auth/logout",
            "POST /api/v1/auth/register",
            "POST /api/v1/bookings",
            "POST /api/v1/images/hotels",
            "POST /api/v1/import/{table}",
        ]
    );
    // Every referenced schema is defined.
    let text = doc.to_string();
    for name in [
        "HotelInfo",
        "HotelWithRoomsLeft",
        "RoomForStay",
        "BookingOut",
        "Problem",
        "Detail",
        "ImportDone",
        "RowProblems",
        "ImportTable",
    ] {
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{name} in {text}"
        );
    }
}

#[tokio::test]
async fn the_docs_page_uses_the_document_and_assets_shipped_with_the_app() {
    let app = spawn_app().await;
    let page = app.get("/docs").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"url: "/api/v1/openapi.json""#));
    assert!(html.contains(r#"src="/docs/swagger-ui-bundle.js""#));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from elsewhere"
    );
}

#[tokio::test]
async fn the_cached_hotel_list_follows_bookings_at_once() {
    let app = spawn_app().await;
    let guest = api_user(&app, "list@example.com").await;
    let path = format!("/hotels/Алтай?date_from={}&date_to={}", day(40), day(42));
    let rooms_left = |list: &Value, id: i64| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|hotel| hotel["id"] == id)
            .map(|hotel| hotel["rooms_left"].as_i64().unwrap())
    };
    let (_, before) = get(&app, &path).await;
    let (_, cached) = get(&app, &path).await;
    assert_eq!(before, cached);
    let booked = authed(
        &app,
        reqwest::Method::POST,
        &format!(
            "/bookings?room_id=4&date_from={}&date_to={}",
            day(40),
            day(42)
        ),
        &guest,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(booked.status(), 200);
    let (_, after) = get(&app, &path).await;
    assert_eq!(
        rooms_left(&after, 2),
        rooms_left(&before, 2).map(|left| left - 1)
    );
}

#[tokio::test]
async fn signed_out_callers_bad_tokens_and_repeated_failures_get_the_documented_statuses() {
    let app = spawn_app().await;
    let token = api_user(&app, "tokens@example.com").await;
    let user_id = app.state.auth.jwt.verify(&token).unwrap().user_id;
    let an_hour_ago = chrono::Utc::now().timestamp() - 3600;
    let expired = app.state.auth.jwt.issue_at(user_id, an_hour_ago).unwrap();
    let mut tampered = token.clone();
    tampered.replace_range(tampered.len() - 3.., "AAA");
    for bad in [expired.as_str(), tampered.as_str(), "garbage"] {
        let me = authed(&app, reqwest::Method::GET, "/auth/me", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 401, "{bad}");
        assert!(me.json::<Value>().await.unwrap()["detail"].is_string());
    }
    for (method, path) in [
        (reqwest::Method::GET, "/bookings"),
        (reqwest::Method::DELETE, "/bookings/1"),
    ] {
        let response = app
            .client
            .request(method, app.url(&format!("/api/v1{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }

    let wrong = r#"{"email": "tokens@example.com", "password": "not the password"}"#;
    for _ in 0..10 {
        assert_eq!(post_json(&app, "/auth/login", wrong).await.status(), 401);
    }
    let right = r#"{"email": "tokens@example.com", "password": "correct horse battery"}"#;
    let refused = post_json(&app, "/auth/login", right).await;
    assert_eq!(
        refused.status(),
        429,
        "even the right password, for a while"
    );
    assert!(refused.json::<Value>().await.unwrap()["detail"].is_string());
}

#[tokio::test]
async fn the_picture_upload_route_refuses_guests_and_non_pictures() {
    let app = spawn_app_with(&[("UPLOAD_MAX_BYTES", "1000")]).await;
    let upload = |token: String, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("photo.jpg"),
        );
        app.client
            .post(app.url("/api/v1/images/hotels?name=1"))
            .header("cookie", format!("booking_access_token={token}"))
            .multipart(form)
            .send()
    };
    let guest = api_user(&app, "guest@example.com").await;
    let status = |response: reqwest::Response| response.status().as_u16();
    assert_eq!(status(upload(guest, b"x".to_vec()).await.unwrap()), 403);
    let admin = app.admin_token("boss@example.com").await;
    let text = upload(admin.clone(), b"not a picture".to_vec())
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    assert!(text.json::<Value>().await.unwrap()["detail"].is_string());
    assert_eq!(status(upload(admin, vec![0xFF; 5000]).await.unwrap()), 413);
}
