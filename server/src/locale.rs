//! `POST /locale`: the language switch for browsers without JavaScript.
use app::i18n::Locale;
use axum::{
    Form,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use leptos_i18n::Locale as _;
use serde::Deserialize;

/// The cookie leptos_i18n reads (and writes, once the page is hydrated).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";
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

/// `path` when it stays on this site, "/" otherwise: never an open redirect.
pub fn local_path(path: Option<&str>) -> &str {
    match path {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn keeps_local_paths() {
        assert_eq!(local_path(Some("/search?location=x")), "/search?location=x");
    }

    #[test]
    fn refuses_other_sites() {
        for path in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/a\r\nb",
        ] {
            assert_eq!(local_path(Some(path)), "/", "{path}");
        }
        assert_eq!(local_path(None), "/");
    }
}
