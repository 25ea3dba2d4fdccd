use serde_json::Value;

use crate::helpers::spawn_app;

async fn suggestions(app: &crate::helpers::TestApp, query: &str) -> (u16, Value) {
    let response = app
        .server_fn("suggest_locations", &[("query", query)])
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn suggests_places_case_insensitively_in_cyrillic() {
    let app = spawn_app().await;
    let (status, body) = suggestions(&app, "АЛТ").await;
    assert_eq!(status, 200);
    let places: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(places.contains(&"Республика Алтай"), "{places:?}");
    assert!(places.iter().all(|p| p.to_lowercase().contains("алт")));
}

#[tokio::test]
async fn suggests_places_typed_in_latin_or_with_a_typo() {
    let app = spawn_app().await;
    for typed in ["Altai", "алтаи", "Горно-Алтайск"] {
        let (status, body) = suggestions(&app, typed).await;
        assert_eq!(status, 200);
        assert_eq!(body[0], "Республика Алтай", "{typed}: {body}");
    }
    let (_, body) = suggestions(&app, "Syktyvkar").await;
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .any(|place| place == "Сыктывкар"),
        "{body}"
    );
}

#[tokio::test]
async fn like_wildcards_are_taken_literally() {
    let app = spawn_app().await;
    let (status, body) = suggestions(&app, "%").await;
    assert_eq!(status, 200);
    assert_eq!(body, Value::Array(vec![]));
}

#[tokio::test]
async fn an_overlong_query_is_a_422_naming_the_field() {
    let app = spawn_app().await;
    let (status, body) = suggestions(&app, &"я".repeat(101)).await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"]["Location"], "TooLong", "{body}");
}
