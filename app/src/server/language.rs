//! The language a request speaks, for what outlives the page: a booking's emails are written
//! in the language the guest booked in. The page's own choice, as leptos_i18n makes it: the
//! locale cookie, then `Accept-Language`, then Russian.
use http::HeaderMap;
use leptos_i18n::Locale as _;

use crate::i18n::Locale;
use crate::server::accounts::cookie::cookie_value;

/// The cookie leptos_i18n reads (and writes, once a page is hydrated).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The language of a request with these headers.
pub fn locale_of(headers: &HeaderMap) -> Locale {
    cookie_locale(headers)
        .or_else(|| accepted_locale(headers))
        .unwrap_or_default()
}

/// The language of the current server function's or page's request.
pub fn current_locale() -> Locale {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|parts| locale_of(&parts.headers))
        .unwrap_or_default()
}

fn cookie_locale(headers: &HeaderMap) -> Option<Locale> {
    cookie_value(headers, LOCALE_COOKIE)?.parse().ok()
}

/// The most preferred of our languages in `Accept-Language` (`en-GB,en;q=0.9,ru;q=0.8`).
fn accepted_locale(headers: &HeaderMap) -> Option<Locale> {
    let header = headers.get(http::header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|param| param.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            let primary = tag.split('-').next()?.to_ascii_lowercase();
            let locale = Locale::get_all()
                .iter()
                .copied()
                .find(|locale| locale.as_str() == primary)?;
            (quality > 0.0).then_some((locale, quality))
        })
        // The first of the highest quality: `max_by` would take the last of equals.
        .fold(
            None,
            |best: Option<(Locale, f32)>, (locale, quality)| match best {
                Some((_, best_quality)) if best_quality >= quality => best,
                _ => Some((locale, quality)),
            },
        )
        .map(|(locale, _)| locale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(http::header::HeaderName, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_cookie_wins_then_the_browser_then_russian() {
        use http::header::{ACCEPT_LANGUAGE, COOKIE};
        let both = headers(&[
            (COOKIE, "a=1; i18n_pref_locale=en"),
            (ACCEPT_LANGUAGE, "ru"),
        ]);
        assert_eq!(locale_of(&both), Locale::en);
        assert_eq!(
            locale_of(&headers(&[(ACCEPT_LANGUAGE, "de, en-GB;q=0.9, ru;q=0.8")])),
            Locale::en
        );
        assert_eq!(
            locale_of(&headers(&[(ACCEPT_LANGUAGE, "en;q=0.5, ru-RU")])),
            Locale::ru
        );
        assert_eq!(
            locale_of(&headers(&[(ACCEPT_LANGUAGE, "en;q=0, de")])),
            Locale::ru
        );
        assert_eq!(
            locale_of(&headers(&[(COOKIE, "i18n_pref_locale=xx")])),
            Locale::ru
        );
        assert_eq!(locale_of(&HeaderMap::new()), Locale::ru);
    }
}
