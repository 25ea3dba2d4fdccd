//! Saved and recently viewed hotels: kept in cookies signed out, by the account signed in,
//! moved on sign-in; through the service and the server function a heart posts to.
use app::model::HotelId;
use app::model::wishlist::{GuestList, HotelIds};
use app::server::wishlist::{self, Keeper};
use http::HeaderMap;

use crate::helpers::{TestApp, access_cookie, add_room_type, spawn_app};

/// `n` hotels of their own.
async fn hotels(app: &TestApp, n: usize) -> Vec<HotelId> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            add_room_type(app, &format!("Списково{i}"), 1000, 1, (2, 0))
                .await
                .0,
        );
    }
    ids
}

/// The request headers of a browser holding `cookies` (`Set-Cookie` values or `name=value`).
fn browser(cookies: &[&str]) -> HeaderMap {
    let pairs: Vec<&str> = (cookies.iter())
        .map(|cookie| cookie.split(';').next().unwrap_or_default())
        .collect();
    let mut headers = HeaderMap::new();
    headers.insert("cookie", pairs.join("; ").parse().unwrap());
    headers
}

#[tokio::test]
async fn a_browser_keeps_its_lists_in_cookies_and_hands_them_to_the_account_on_sign_in() {
    let app = spawn_app().await;
    let hotel = hotels(&app, 3).await;
    let empty = HeaderMap::new();
    let cookie = wishlist::set(
        &app.state,
        Keeper::Browser(&empty),
        GuestList::Saved,
        hotel[0],
        true,
    )
    .await
    .unwrap()
    .expect("a cookie for the browser");
    assert!(
        cookie.starts_with(&format!("saved_hotels={}; HttpOnly;", hotel[0])),
        "{cookie}"
    );
    let holding = browser(&[&cookie, &format!("viewed_hotels={}.{}", hotel[2], hotel[1])]);
    let saved = wishlist::ids(&app.state, Keeper::Browser(&holding), GuestList::Saved)
        .await
        .unwrap();
    assert_eq!(saved.ids(), [hotel[0]]);

    // The account already saved another: the browser's go on top, and its cookies are emptied.
    let user = app.signed_up_id("lists@example.com").await;
    wishlist::set(
        &app.state,
        Keeper::Account(user),
        GuestList::Saved,
        hotel[1],
        true,
    )
    .await
    .unwrap();
    let cleared = wishlist::adopt(&app.state, user, &holding).await.unwrap();
    assert_eq!(cleared.len(), 2);
    assert!(
        cleared.iter().all(|cookie| cookie.contains("Max-Age=0")),
        "{cleared:?}"
    );
    let account = Keeper::Account(user);
    let saved = wishlist::ids(&app.state, account, GuestList::Saved)
        .await
        .unwrap();
    assert_eq!(saved.ids(), [hotel[0], hotel[1]]);
    let viewed = wishlist::ids(&app.state, account, GuestList::Viewed)
        .await
        .unwrap();
    assert_eq!(viewed.ids(), [hotel[2], hotel[1]]);

    let lists = wishlist::lists(&app.state, account).await.unwrap();
    assert!(lists.signed_in);
    let names: Vec<&str> = lists
        .viewed
        .iter()
        .map(|listed| listed.hotel.name.as_str())
        .collect();
    assert_eq!(names, ["Отель Списково2", "Отель Списково1"]);
}

#[tokio::test]
async fn an_account_keeps_the_newest_up_to_the_cap_and_forgets_hidden_hotels() {
    let app = spawn_app().await;
    let hotel = hotels(&app, 10).await;
    let user = app.signed_up_id("capped@example.com").await;
    let account = Keeper::Account(user);
    for &id in &hotel {
        wishlist::set(&app.state, account, GuestList::Viewed, id, true)
            .await
            .unwrap();
    }
    // Viewed again: back on top.
    wishlist::set(&app.state, account, GuestList::Viewed, hotel[4], true)
        .await
        .unwrap();
    let viewed = wishlist::ids(&app.state, account, GuestList::Viewed)
        .await
        .unwrap();
    let expected = [4, 9, 8, 7, 6, 5, 3, 2].map(|i| hotel[i]);
    assert_eq!(viewed.ids(), expected);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM guest_list_hotels WHERE user_id = $1")
        .bind(user)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        rows,
        GuestList::Viewed.cap() as i64,
        "rows beyond the cap are deleted"
    );

    // An archived hotel stays listed in the table but is not shown.
    sqlx::query("UPDATE hotels SET archived_at = now() WHERE id = $1")
        .bind(hotel[9])
        .execute(&app.state.db)
        .await
        .unwrap();
    let lists = wishlist::lists(&app.state, account).await.unwrap();
    let shown: Vec<HotelId> = lists.viewed.iter().map(|listed| listed.hotel.id).collect();
    assert_eq!(shown, [4, 8, 7, 6, 5, 3, 2].map(|i| hotel[i]));
}

#[tokio::test]
async fn the_heart_posts_without_javascript_and_comes_back_to_the_page() {
    let app = spawn_app().await;
    let hotel = hotels(&app, 1).await[0];
    let response = app
        .client
        .post(app.url("/api/set_hotel_saved"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(format!(
            "hotel_id={hotel}&saved=true&return_to=%2Fsearch%3Flocation%3D%D0%90"
        ))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/search?location=%D0%90");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with(&format!("saved_hotels={hotel};")),
        "{cookie}"
    );

    // Somewhere else than this site: home instead.
    let elsewhere = app
        .client
        .post(app.url("/api/set_hotel_saved"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(format!(
            "hotel_id={hotel}&saved=false&return_to=https%3A%2F%2Fevil.example"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.headers()["location"], "/");

    // An unknown hotel is refused, and nothing is kept.
    let unknown = app
        .server_fn(
            "set_hotel_saved",
            &[("hotel_id", "999999"), ("saved", "true")],
        )
        .await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn signing_in_moves_the_browsers_hearts_to_the_account() {
    let app = spawn_app().await;
    let hotel = hotels(&app, 2).await;
    app.signed_up("mover@example.com").await;
    let saved = HotelIds::of([hotel[1], hotel[0]], GuestList::Saved).to_cookie_value();
    let response = app
        .client
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("saved_hotels={saved}"))
        .body("email=mover%40example.com&password=correct+horse+battery")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cleared: Vec<&str> = (response.headers().get_all("set-cookie").iter())
        .filter_map(|value| value.to_str().ok())
        .filter(|value| value.starts_with("saved_hotels=;"))
        .collect();
    assert_eq!(cleared.len(), 1, "the browser's list is emptied");
    let token = access_cookie(&response).unwrap();
    let lists = app.server_fn_as(&token, "guest_lists", &[]).await;
    let lists: serde_json::Value = lists.json().await.unwrap();
    let ids: Vec<i64> = (lists["saved"].as_array().unwrap().iter())
        .map(|listed| listed["hotel"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [hotel[1].get() as i64, hotel[0].get() as i64]);
    assert_eq!(lists["signed_in"], true);
}
