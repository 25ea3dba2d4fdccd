//! Safe in-site navigation targets and query strings, shared by pages and server.

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

/// Percent-encodes a query-string component (everything but RFC 3986 unreserved characters).
pub fn encode_component(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(byte as char)
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

/// `path?k=v&...` with the values encoded; empty values are left out.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode_component(value)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// `path?search` as the browser shows it; the router's `search` comes without the `?`.
pub fn path_and_query(path: &str, search: &str) -> String {
    let search = search.trim_start_matches('?');
    if search.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{search}")
    }
}

/// The login page that returns to `return_to` afterwards.
/// `path` with every byte a URL may not carry as it is (beyond ASCII, spaces, controls)
/// percent-encoded: a `Location` header must be ASCII.
pub fn ascii_path(path: &str) -> String {
    let mut ascii = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_graphic() {
            ascii.push(char::from(byte));
        } else {
            ascii.push_str(&format!("%{byte:02X}"));
        }
    }
    ascii
}

pub fn login_url(return_to: &str) -> String {
    with_query("/login", &[("return_to", local_path(Some(return_to)))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_path_and_query_with_one_question_mark() {
        assert_eq!(path_and_query("/book", "room_id=9"), "/book?room_id=9");
        assert_eq!(path_and_query("/book", "?room_id=9"), "/book?room_id=9");
        assert_eq!(path_and_query("/account", ""), "/account");
    }

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

    #[test]
    fn builds_encoded_queries() {
        assert_eq!(
            with_query(
                "/login",
                &[("return_to", "/a?b=c"), ("email", ""), ("x", "я")]
            ),
            "/login?return_to=%2Fa%3Fb%3Dc&x=%D1%8F"
        );
        assert_eq!(login_url("//evil"), "/login?return_to=%2F");
    }

    #[test]
    fn a_location_is_sent_in_ascii() {
        assert_eq!(
            super::ascii_path("/search?location=Алтай край"),
            "/search?location=%D0%90%D0%BB%D1%82%D0%B0%D0%B9%20%D0%BA%D1%80%D0%B0%D0%B9"
        );
        assert_eq!(
            super::ascii_path("/search?location=%D0%90"),
            "/search?location=%D0%90"
        );
    }
}
