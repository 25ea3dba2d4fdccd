//! Attacks a public booking site gets: cross-site form posts riding the guest's cookie,
//! framing, parallel password guessing, and bodies that are too large or not UTF-8.
use chrono::{Days, Local};
use futures::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, email, password, spawn_app};

fn date(offset: u64) -> String {
    Local::now()
        .date_naive()
        .checked_add_days(Days::new(offset))
        .unwrap()
        .to_string()
}

/// Demo room type 1 for two nights, as a form.
fn stay_form() -> [(&'static str, String); 4] {
    [
        ("room_id", "1".to_owned()),
        ("date_from", date(20)),
        ("date_to", date(22)),
        ("guest_name", "Anna".to_owned()),
    ]
}

async fn live_bookings(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id
         WHERE u.email = $1 AND b.cancelled_at IS NULL",
    )
    .bind(email)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// A form post as a page on `site` would make it in the guest's browser (cookie attached).
async fn post_from(
    app: &TestApp,
    site: Option<(&str, &str)>,
    token: &str,
    path: &str,
    form: &[(&str, String)],
) -> u16 {
    let mut request = app
        .client
        .post(app.url(path))
        .header("cookie", format!("booking_access_token={token}"))
        .form(form);
    if let Some((fetch_site, origin)) = site {
        request = request
            .header("sec-fetch-site", fetch_site)
            .header("origin", origin);
    }
    request.send().await.unwrap().status().as_u16()
}

const EVIL: Option<(&str, &str)> = Some(("cross-site", "https://evil.example"));

#[tokio::test]
async fn cross_site_posts_with_the_guests_cookie_are_refused() {
    let app = spawn_app().await;
    let email = "victim@example.com";
    let token = app.signed_up(email).await;
    let form = stay_form();

    assert_eq!(
        post_from(&app, EVIL, &token, "/api/create_booking", &form).await,
        403
    );
    let query = format!(
        "/api/v1/bookings?room_id=1&date_from={}&date_to={}",
        date(20),
        date(22)
    );
    assert_eq!(post_from(&app, EVIL, &token, &query, &[]).await, 403);
    // An older browser that sends only Origin.
    let mut origin_only = app
        .client
        .post(app.url("/api/create_booking"))
        .header("cookie", format!("booking_access_token={token}"))
        .header("origin", "https://evil.example");
    origin_only = origin_only.form(&form);
    assert_eq!(origin_only.send().await.unwrap().status().as_u16(), 403);
    assert_eq!(live_bookings(&app, email).await, 0, "nothing was booked");

    // The app's own pages may.
    let own = Some(("same-origin", app.address.as_str()));
    assert_eq!(
        post_from(&app, own, &token, "/api/create_booking", &form).await,
        200
    );
    assert_eq!(live_bookings(&app, email).await, 1);
    let booking: i32 = sqlx::query_scalar("SELECT max(id) FROM bookings")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let cancel = [("booking_id", booking.to_string())];
    assert_eq!(
        post_from(&app, EVIL, &token, "/api/cancel_booking", &cancel).await,
        403
    );
    assert_eq!(live_bookings(&app, email).await, 1, "not cancelled");
    let delete = app
        .client
        .delete(app.url(&format!("/api/v1/bookings/{booking}")))
        .header("cookie", format!("booking_access_token={token}"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status().as_u16(), 403);
    assert_eq!(live_bookings(&app, email).await, 1, "not cancelled");
}

#[tokio::test]
async fn bearer_api_clients_are_not_affected() {
    let app = spawn_app().await;
    let token = app.signed_up("client@example.com").await;
    let query = format!(
        "/api/v1/bookings?room_id=1&date_from={}&date_to={}",
        date(20),
        date(22)
    );
    let response = app
        .client
        .post(app.url(&query))
        .header("authorization", format!("Bearer {token}"))
        .header("origin", "https://partner.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/login",
        "/no/such/page",
        "/docs",
        "/api/v1/hotels/id/1",
        "/health",
    ] {
        let response = app.get(path).await;
        let headers = response.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let policy = header("content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert!(!header("referrer-policy").is_empty(), "{path}");
        assert!(
            header("strict-transport-security").is_empty(),
            "{path}: HSTS only in production"
        );
        if path == "/" {
            // The page's inline scripts carry the nonce the policy names.
            let nonce = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .unwrap()
                .to_owned();
            let html = response.text().await.unwrap();
            assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
        }
    }
}

#[tokio::test]
async fn parallel_password_guesses_are_counted_before_they_are_checked() {
    let app = spawn_app().await;
    app.signed_up("target@example.com").await;
    let guesses = (0..100).map(|n| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "target@example.com", "password": format!("wrong {n}")}))
            .send()
    });
    let responses: Vec<_> = join_all(guesses)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let count = |status: u16| {
        responses
            .iter()
            .filter(|response| response.status().as_u16() == status)
            .count()
    };
    assert_eq!(count(401), 10, "only the allowed attempts were checked");
    assert_eq!(count(429), 90);
    let refused = responses
        .iter()
        .find(|response| response.status().as_u16() == 429)
        .unwrap();
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn broken_bodies_get_4xx_and_create_nothing() {
    let app = spawn_app().await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(app.url("/api/register"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let form = "application/x-www-form-urlencoded";
    let huge = format!("email=a%40b.cd&password={}", "x".repeat(3 * 1024 * 1024));
    assert_eq!(
        post(huge.into_bytes(), form)
            .await
            .unwrap()
            .status()
            .as_u16(),
        413
    );
    let mangled = b"email=%FF%FE%40rel.example&password=correct+horse+battery".to_vec();
    assert_eq!(post(mangled, form).await.unwrap().status().as_u16(), 400);
    let raw = b"email=\xff\xfe@rel.example&password=correct+horse+battery".to_vec();
    assert_eq!(post(raw, form).await.unwrap().status().as_u16(), 400);
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email LIKE '%rel.example'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(users, 0, "no account from a mangled address");

    let big_json = json!({"email": "a@b.cd", "password": "x".repeat(1024 * 1024)});
    let response = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .json(&big_json)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let body: Value = response.json().await.unwrap();
    assert!(body["detail"].is_string(), "{body}");
}

async fn me(app: &TestApp, token: &str) -> u16 {
    app.client
        .get(app.url("/api/v1/auth/me"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn signing_out_ends_the_token_everywhere() {
    let app = spawn_app().await;
    let token = app.signed_up("leaving@example.com").await;
    let other_device = app.signed_up_again("leaving@example.com").await;
    assert_eq!(me(&app, &token).await, 200);
    let response = app.server_fn_as(&token, "logout", &[]).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    assert_eq!(
        me(&app, &token).await,
        401,
        "a copy of the cookie is signed out"
    );
    assert_eq!(
        app.get_as(&token, "/auth/session").await,
        401,
        "the session check agrees"
    );
    assert_eq!(
        me(&app, &other_device).await,
        200,
        "other devices stay signed in"
    );

    let response = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("authorization", format!("Bearer {other_device}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(me(&app, &other_device).await, 401);
}

#[tokio::test]
async fn a_disabled_account_or_a_new_password_ends_sessions() {
    let app = spawn_app().await;
    let token = app.signed_up("suspended@example.com").await;
    app::server::accounts::set_disabled(&app.state.db, &email("suspended@example.com"), true)
        .await
        .unwrap();
    assert_eq!(me(&app, &token).await, 401);
    let login = app
        .login("suspended@example.com", "correct horse battery")
        .await;
    assert_eq!(login.status().as_u16(), 401, "no sign-in either");
    // Disabling ends the sessions begun by the end of its second, for good: sign in after it.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app::server::accounts::set_disabled(&app.state.db, &email("suspended@example.com"), false)
        .await
        .unwrap();
    let token = crate::helpers::access_cookie(
        &app.login("suspended@example.com", "correct horse battery")
            .await,
    )
    .unwrap();
    assert_eq!(me(&app, &token).await, 200);

    // A new password (create-admin on an existing account sets one).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app::server::accounts::create_admin(
        &app.state.db,
        &email("suspended@example.com"),
        &password("another secret pass"),
    )
    .await
    .unwrap();
    assert_eq!(me(&app, &token).await, 401, "the old session ended");
    let fresh = crate::helpers::access_cookie(
        &app.login("suspended@example.com", "another secret pass")
            .await,
    )
    .unwrap();
    assert_eq!(me(&app, &fresh).await, 200);
}
