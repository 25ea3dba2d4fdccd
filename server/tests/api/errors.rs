//! An internal failure: the client learns its category, the log its cause, once, where the
//! error leaves the server (a page, a server function with or without JavaScript, an HTTP API
//! response).
use chrono::{Days, Local};

use crate::helpers::{Captured, spawn_app};

#[tokio::test]
async fn an_internal_failure_is_logged_once_with_its_cause_and_never_sent() {
    let app = spawn_app().await;
    let token = app.signed_up("edge@example.com").await;
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    sqlx::query("ALTER TABLE bookings RENAME TO bookings_elsewhere")
        .execute(&app.state.db)
        .await
        .unwrap();
    let day = |offset| {
        Local::now()
            .date_naive()
            .checked_add_days(Days::new(offset))
            .unwrap()
            .to_string()
    };
    let (from, to) = (day(20), day(22));
    let cause = r#"relation "bookings" does not exist"#;

    let api = app
        .get(&format!(
            "/api/v1/hotels/1/rooms?date_from={from}&date_to={to}"
        ))
        .await;
    assert_eq!(api.status(), 500);
    let server_fn = app
        .server_fn(
            "get_hotel",
            &[("hotel_id", "1"), ("date_from", &from), ("date_to", &to)],
        )
        .await;
    assert_eq!(server_fn.status(), 500);
    let page = app
        .get(&format!("/hotels/1?date_from={from}&date_to={to}"))
        .await;
    assert_eq!(page.status(), 500);

    // A plain HTML form post (JavaScript off) goes back to its page with the error's category.
    let form = app
        .client
        .post(app.url("/api/create_booking"))
        .header("accept", "text/html")
        .header("cookie", format!("booking_access_token={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "room_id=1&date_from={from}&date_to={to}&guest_name=Anna"
        ))
        .send()
        .await
        .unwrap();
    assert!(form.status().is_redirection(), "{}", form.status());
    let back = form.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("error=internal"), "{back}");

    for body in [
        api.text().await.unwrap(),
        server_fn.text().await.unwrap(),
        page.text().await.unwrap(),
    ] {
        assert!(
            !body.contains("does not exist"),
            "the cause stays home: {body}"
        );
    }
    let logged = logs.text();
    let failures: Vec<&str> = logged
        .lines()
        .filter(|line| line.contains("request failed"))
        .collect();
    assert_eq!(failures.len(), 4, "once per request:\n{logged}");
    for line in failures {
        assert!(line.contains(cause), "with its cause: {line}");
        assert!(
            line.contains("a database call failed at app/src/server/"),
            "and where: {line}"
        );
    }
}
