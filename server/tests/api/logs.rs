//! A request's log lines: each carries the request's id (the one answered in `x-request-id`),
//! its route template and, when signed in, the user's id.
use serde_json::Value;

use crate::helpers::{Captured, spawn_app};

#[tokio::test]
async fn a_requests_lines_carry_its_id_route_and_user() {
    // Production's format (JSON lines with the current span), on this test's thread: the test
    // runtime runs the app's tasks here too.
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_max_level(tracing::Level::INFO)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = spawn_app().await;
    let token = app.signed_up("logged@example.com").await;
    let user: i32 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'logged@example.com'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let response = app
        .client
        .get(app.url("/api/v1/hotels/id/3"))
        .header("cookie", format!("booking_access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let anonymous = app.get("/api/v1/hotels/id/4").await;
    let anonymous_id = anonymous.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();

    let lines = captured.json_lines();
    let of = |id: &str| -> Vec<Value> {
        lines
            .iter()
            .filter(|line| line["span"]["id"] == id)
            .cloned()
            .collect()
    };
    let signed_in = of(&id);
    assert!(!signed_in.is_empty(), "no line of request {id}: {lines:?}");
    for line in &signed_in {
        assert_eq!(
            line["span"]["route"], "/api/v1/hotels/id/{hotel_id}",
            "{line}"
        );
        assert_eq!(line["span"]["user"], user, "{line}");
        assert_eq!(line["span"]["path"], "/api/v1/hotels/id/3", "{line}");
    }
    let signed_out = of(&anonymous_id);
    assert!(!signed_out.is_empty());
    for line in &signed_out {
        assert_eq!(
            line["span"]["route"], "/api/v1/hotels/id/{hotel_id}",
            "{line}"
        );
        assert_eq!(line["span"]["user"], Value::Null, "{line}");
    }
}
