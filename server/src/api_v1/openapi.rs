//! The OpenAPI 3.1 document of the HTTP API, generated from the handlers' annotations and the
//! answer types, served at `/api/v1/openapi.json`.
use std::sync::LazyLock;

use axum::Json;
use chrono::NaiveDate;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{auth, bookings, hotels, imports};

struct SessionSchemes;

impl Modify for SessionSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("booking_access_token"))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Бронирование отелей: HTTP API v1",
        description = "The original FastAPI project's contract under /api/v1, answering correctly where the original did not (see each route)."
    ),
    paths(
        auth::register, auth::login, auth::logout, auth::me,
        hotels::search, hotels::get, hotels::rooms,
        bookings::list, bookings::book, bookings::cancel,
        crate::picture_routes::api_upload, imports::import,
    ),
    // Schemas that only parameters name are not collected from the paths.
    components(schemas(imports::ImportTable)),
    modifiers(&SessionSchemes),
    tags((name = "auth"), (name = "hotels"), (name = "bookings"), (name = "admin"))
)]
pub struct ApiDoc;

/// The document, built once (at the first request), with stay examples from that day.
pub static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    add_stay_examples(&mut document, app::server::clock::Clock::system().today());
    document
});

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<&'static Value> {
    Json(&DOCUMENT)
}

/// Examples a stay can really be booked for (two nights, two weeks ahead), so "Try it out" in
/// `/docs` and generated tests start from a request that works; a fixed date would soon be
/// in the past.
fn add_stay_examples(document: &mut Value, today: NaiveDate) {
    let check_in = today + chrono::Days::new(14);
    let check_out = check_in + chrono::Days::new(2);
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let parameters = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|operations| operations.values_mut())
        .filter_map(|operation| operation.get_mut("parameters"))
        .filter_map(Value::as_array_mut)
        .flatten();
    for parameter in parameters {
        let example = match parameter.get("name").and_then(Value::as_str) {
            Some("date_from") => check_in,
            Some("date_to") => check_out,
            _ => continue,
        };
        parameter["example"] = Value::String(example.to_string());
    }
}

/// `GET /docs`: Swagger UI over the document, as FastAPI's users know it. Its script and styles
/// ship with the app (`public/docs/`, from npm's swagger-ui-dist), so it works offline; the
/// online validator badge is off.
pub async fn docs_page() -> axum::response::Html<&'static str> {
    axum::response::Html(DOCS_PAGE)
}

/// Starts Swagger UI (a macro, so `concat!` can put it in the page).
macro_rules! docs_init_script {
    () => {
        r##"
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true
});
"##
    };
}

/// The page's one inline script; the Content-Security-Policy allows it by its digest.
pub const DOCS_INIT_SCRIPT: &str = docs_init_script!();

const DOCS_PAGE: &str = concat!(
    r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Бронирование отелей: HTTP API v1</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>"##,
    docs_init_script!(),
    r##"</script>
</body>
</html>
"##
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stay_parameters_get_examples_two_weeks_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
        let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap();
        add_stay_examples(&mut document, today);
        let booking = &document["paths"]["/api/v1/bookings"]["post"]["parameters"];
        let example = |name: &str| {
            booking
                .as_array()
                .unwrap()
                .iter()
                .find(|parameter| parameter["name"] == name)
                .unwrap()["example"]
                .clone()
        };
        assert_eq!(example("date_from"), "2027-01-13");
        assert_eq!(example("date_to"), "2027-01-15");
        assert_eq!(example("room_id"), 1);
    }
}
