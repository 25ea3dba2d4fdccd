use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with};

async fn health_of(app: &crate::helpers::TestApp) -> (u16, Value) {
    let response = app.get("/health").await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("health is JSON"))
}

#[tokio::test]
async fn reports_database_and_redis_up() {
    let app = spawn_app().await;
    let (status, body) = health_of(&app).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "up");
    assert_eq!(body["redis"], "up");
    assert_eq!(body["emails"]["pending"], 0);
    assert_eq!(body["emails"]["failed"], 0);
}

#[tokio::test]
async fn is_503_without_the_database() {
    let app = spawn_app().await;
    app.state.db.close().await;
    let (status, body) = health_of(&app).await;
    assert_eq!(status, 503);
    assert_eq!(body["status"], "down");
    assert_eq!(body["database"], "down");
}

#[tokio::test]
async fn serves_without_redis_and_says_so() {
    // Nothing listens on port 1: the app must start anyway, with caching off.
    let app = spawn_app_with(&[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    let (status, body) = health_of(&app).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["redis"], "down");
    assert_eq!(app.get("/").await.status(), 200);
}

#[tokio::test]
async fn an_empty_redis_url_switches_caching_off() {
    let app = spawn_app_with(&[("REDIS_URL", "")]).await;
    let (status, body) = health_of(&app).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["redis"], "disabled");
}

#[tokio::test]
async fn live_answers_even_without_the_database() {
    let app = spawn_app().await;
    app.state.db.close().await;
    let response = app.get("/health/live").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "live");
}

async fn readiness(app: &crate::helpers::TestApp) -> (u16, Value) {
    let response = app.get("/health/ready").await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("readiness is JSON"))
}

#[tokio::test]
async fn ready_when_migrated_and_a_worker_takes_jobs() {
    let app = spawn_app().await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["migrated"], true);
    assert_eq!(body["redis"], "up");
    assert_eq!(body["queues"]["emails"], Value::Null);
    assert_eq!(body["problems"], serde_json::json!([]));
}

#[tokio::test]
async fn not_ready_while_a_due_email_waits_for_minutes_and_ready_once_taken() {
    let app = spawn_app().await;
    // A reminder of demo booking 1, due ten minutes ago and untouched: no worker runs.
    sqlx::query(
        "INSERT INTO notifications (booking_id, kind, next_attempt_at)
         VALUES (1, 'reminder_1_day', now() - interval '10 minutes')",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "not_ready");
    assert!(body["queues"]["emails"].as_i64().unwrap() >= 600, "{body}");
    assert_eq!(
        body["problems"],
        serde_json::json!(["no worker is taking jobs"])
    );

    // A worker holds it under a lease: being worked on is not stuck.
    sqlx::query("UPDATE notifications SET locked_until = now() + interval '1 minute'")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(readiness(&app).await.0, 200);
    // Waiting for a retry later is not stuck either; due a minute ago is within bounds.
    sqlx::query(
        "UPDATE notifications SET locked_until = NULL, next_attempt_at = now() - interval '1 minute'",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["queues"]["emails"].as_i64().unwrap() >= 60, "{body}");
}

#[tokio::test]
async fn not_ready_without_this_releases_migrations_or_the_database() {
    let app = spawn_app().await;
    sqlx::query(
        "UPDATE _sqlx_migrations SET success = false
         WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["migrated"], false);
    assert_eq!(
        body["problems"],
        serde_json::json!(["migrations not applied"])
    );

    app.state.db.close().await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503);
    assert_eq!(body["database"], "down");
    assert_eq!(
        body["problems"],
        serde_json::json!(["database unreachable"])
    );
}

#[tokio::test]
async fn ready_without_redis_and_says_so() {
    let app = spawn_app_with(&[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["redis"], "down");
}
