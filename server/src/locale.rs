//! `POST /locale`: the language switch for browsers without JavaScript.
use app::{i18n::Locale, model::navigation::local_path};
use axum::{
    Form,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use leptos_i18n::Locale as _;
use serde::Deserialize;

use app::server::language::LOCALE_COOKIE;
const ONE_YEAR_SECONDS: u32 = 365 * 24 * 60 * 60;

#[derive(Debug, Deserialize)]
pub struct LocaleForm {
    locale: String,
    return_to: Option<String>,
}

/// Stores the chosen locale in the cookie and sends the browser back where it was.
pub async fn set_locale(Form(form): Form<LocaleForm>) -> Response {
    let Ok(locale) = form.locale.parse::<Locale>() else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "unknown locale").into_response();
    };
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age={ONE_YEAR_SECONDS}; SameSite=Lax",
        locale.as_str()
    );
    let target = local_path(form.return_to.as_deref());
    let (Ok(cookie), Ok(target)) = (
        HeaderValue::from_str(&cookie),
        HeaderValue::from_str(target),
    ) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    (
        StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, cookie), (header::LOCATION, target)],
    )
        .into_response()
}
