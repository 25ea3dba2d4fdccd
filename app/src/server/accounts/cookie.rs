//! The access-token cookie, named as in the original project.
use http::HeaderMap;

pub const ACCESS_COOKIE: &str = "booking_access_token";

/// `Set-Cookie` value that stores `token` for `max_age_secs`.
pub fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{ACCESS_COOKIE}={token}; HttpOnly; Path=/; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}

/// `Set-Cookie` value that removes the token.
pub fn cleared_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

/// The value of the request's cookie `name`, if it has a non-empty one.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// The token from the session cookie (a browser).
pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, ACCESS_COOKIE)
}

/// The token from the cookie, or from `Authorization: Bearer` (API clients).
pub fn token_from(headers: &HeaderMap) -> Option<&str> {
    cookie_token(headers).or_else(|| {
        headers
            .get(http::header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn finds_the_token_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            HeaderValue::from_static("i18n_pref_locale=en; booking_access_token=abc.def.ghi; x=1"),
        );
        assert_eq!(token_from(&headers), Some("abc.def.ghi"));
    }

    #[test]
    fn accepts_a_bearer_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer t0k"),
        );
        assert_eq!(token_from(&headers), Some("t0k"));
    }

    #[test]
    fn the_cookie_is_http_only_and_lax() {
        let cookie = session_cookie("t", 1800, false);
        assert_eq!(
            cookie,
            "booking_access_token=t; HttpOnly; Path=/; SameSite=Lax; Max-Age=1800"
        );
        assert!(session_cookie("t", 1800, true).ends_with("; Secure"));
        assert!(cleared_cookie(false).contains("Max-Age=0"));
    }
}
