//! `/metrics`: the Prometheus text a scraper reads, its numbers moving with the work done, and
//! who may read it.
use app::server::bookings;
use chrono::{Days, Local};
use server::jobs;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::mail::{booked, jobs_for};

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    response.text().await.unwrap()
}

/// The value of the sample `series` (name and labels, exactly as written); 0 when absent.
/// Counters are the process's, shared by the tests running beside this one, so tests compare
/// before and after and expect at least their own part of a change.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |value| value.parse().expect("a number"))
}

#[tokio::test]
async fn the_numbers_move_with_requests_bookings_cache_reads_and_emails() {
    let app = spawn_app().await;
    let before = scrape(&app).await;
    let hotel_route = r#"http_request_duration_seconds_count{method="GET",route="/api/v1/hotels/id/{hotel_id}",status="200"}"#;
    let missing_route = r#"http_request_duration_seconds_count{method="GET",route="/api/v1/hotels/id/{hotel_id}",status="404"}"#;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/hotels/id/1").await.status(), 200);
    }
    assert_eq!(app.get("/api/v1/hotels/id/999999").await.status(), 404);
    // An unknown path is counted under one label, never its own.
    app.get("/no/such/page/7f3a").await;

    let booking = booked(&app, "metrics@example.com", 20).await;
    bookings::cancel(
        &app.state,
        bookings::Actor::Guest(booking.user_id),
        booking.id,
    )
    .await
    .unwrap();
    let outbox = std::env::temp_dir().join(format!("metrics-outbox-{}", std::process::id()));
    let context = jobs_for(&app, None, Some(&outbox));
    let drained = jobs::drain_outbox(&context).await.unwrap();
    std::fs::remove_dir_all(&outbox).ok();
    assert_eq!(drained.sent, 2, "the confirmation and the cancellation");

    let after = scrape(&app).await;
    assert!(
        value(&after, hotel_route) >= value(&before, hotel_route) + 3.0,
        "{after}"
    );
    assert!(value(&after, missing_route) >= value(&before, missing_route) + 1.0);
    assert!(!after.contains("7f3a"), "a raw path became a label");
    assert!(after.contains(r#"route="unmatched""#));
    let le_inf = r#"http_request_duration_seconds_bucket{method="GET",route="/api/v1/hotels/id/{hotel_id}",status="200",le="+Inf"}"#;
    assert_eq!(value(&after, le_inf), value(&after, hotel_route));
    for counter in ["bookings_total", "cancellations_total"] {
        assert!(
            value(&after, counter) >= value(&before, counter) + 1.0,
            "{counter}"
        );
    }
    let sent = r#"emails_total{outcome="sent"}"#;
    assert!(value(&after, sent) >= value(&before, sent) + 2.0);

    // The second search for the same place and dates comes from Redis.
    let hits = value(&after, "cache_hits_total");
    let misses = value(&after, "cache_misses_total");
    let today = Local::now().date_naive();
    let search = format!(
        "/api/v1/hotels/Коми?date_from={}&date_to={}",
        today + Days::new(40),
        today + Days::new(41)
    );
    for _ in 0..2 {
        assert_eq!(app.get(&search).await.status(), 200);
    }
    let last = scrape(&app).await;
    assert!(value(&last, "cache_hits_total") >= hits + 1.0, "{last}");
    assert!(value(&last, "cache_misses_total") >= misses + 1.0);

    // Gauges describe this app's own database, pool and Redis.
    assert_eq!(value(&last, "redis_up"), 1.0);
    assert!(value(&last, "db_pool_connections_max") >= 1.0);
    assert!(
        value(&last, "db_pool_connections_idle") + value(&last, "db_pool_connections_in_use")
            >= 1.0
    );
    assert_eq!(
        value(&last, r#"queue_jobs{queue="email",state="waiting"}"#),
        0.0
    );
    assert!(last.contains(r#"queue_oldest_job_age_seconds{queue="picture"} 0"#));
    assert!(last.contains(&format!(
        "build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    )));
}

#[tokio::test]
async fn queue_gauges_count_the_waiting_emails_and_their_age() {
    let app = spawn_app().await;
    booked(&app, "queued@example.com", 20).await;
    sqlx::query("UPDATE notifications SET created_at = now() - interval '90 seconds'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let text = scrape(&app).await;
    assert_eq!(
        value(&text, r#"queue_jobs{queue="email",state="waiting"}"#),
        1.0,
        "{text}"
    );
    assert!(value(&text, r#"queue_oldest_job_age_seconds{queue="email"}"#) >= 90.0);
}

#[tokio::test]
async fn a_token_guards_it_and_production_hides_it_without_one() {
    let app = spawn_app_with(&[("METRICS_TOKEN", "scrape-me")]).await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-you")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("build_info"));

    let production = spawn_app_with(&[
        ("APP_ENV", "production"),
        (
            "JWT_SECRET_KEY",
            "a-production-secret-of-more-than-32-characters",
        ),
    ])
    .await;
    assert_eq!(production.get("/metrics").await.status(), 404);
}
