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
