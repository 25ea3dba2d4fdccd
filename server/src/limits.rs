//! Bounds on what one client may make the server hold: request bodies of server functions
//! (size, encoding, completeness) and, in `startup`, connections and their timeouts.
use std::time::Duration;

use axum::{
    body::Body,
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures::StreamExt;
use tracing::Instrument;

/// The largest server-function body: forms and small JSON; pictures have their own route.
pub const MAX_SERVER_FN_BODY: usize = 2 * 1024 * 1024;
/// A request's headers must arrive within this (a half-sent request is closed after it), and
/// an idle keep-alive connection is closed after it too.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A whole request body must arrive within this (uploads of 10 MB included, at 200 KB/s).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections served at once (fewer under a low open-file limit); more are answered 503 at
/// once (the process keeps file descriptors for its database, Redis and files whatever
/// clients do).
pub const MAX_CONNECTIONS: usize = 4096;

/// A page render that has not produced its answer by then is abandoned and started again.
pub const PAGE_RENDER_TIMEOUT: Duration = Duration::from_secs(4);
const PAGE_RENDER_ATTEMPTS: usize = 2;

/// Why a server-function body was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body is larger than {MAX_SERVER_FN_BODY} bytes")]
    TooLarge,
    #[error("the body was cut off")]
    Incomplete,
    #[error("the form is not valid UTF-8")]
    NotUtf8,
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        let status = match self {
            BodyError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::Incomplete | BodyError::NotUtf8 => StatusCode::BAD_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}

/// Middleware for server functions: reads the body whole within [`MAX_SERVER_FN_BODY`] and,
/// for URL-encoded forms, checks that every decoded value is UTF-8, so a broken body is a 413 or
/// 400 here instead of a 500 (or a lossily decoded email address) inside.
pub async fn server_fn_body(request: Request, next: Next) -> Response {
    if !is_server_fn(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match read_limited(body, MAX_SERVER_FN_BODY).await {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if is_form && !form_is_utf8(&bytes) {
        return BodyError::NotUtf8.into_response();
    }
    // A span per call, named for the function (their routes say little: one each, by hash).
    let name = parts.uri.path().trim_start_matches("/api/").to_owned();
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .instrument(tracing::info_span!("server_fn", name))
        .await
}

/// Middleware for pages: a render that stalls is abandoned after [`PAGE_RENDER_TIMEOUT`] and
/// rendered again; a second stall answers 503 with `Retry-After`.
///
/// Under concurrent load Leptos 0.8.23 occasionally never finishes an async (`SsrMode::Async`)
/// page: a wake-up between its resources and `Suspense` is lost (leptos-rs/leptos#4851 and
/// relatives; the lost-wake-up fix in 0.8.23 narrowed it but about 1 in 2,000 renders still
/// stalls here when other work runs at the same time). The stall can come before the answer or
/// after it, in the resources' data that follows the page's HTML, so an HTML page is read whole
/// within the deadline: a stall in the body would otherwise reach the client as a page cut off.
/// The whole page is rendered before the first byte is sent anyway, so starting again is
/// invisible to the guest and costs nothing when renders do not stall. Pages read only, so a
/// second render is safe. Other answers (the CSV export, files) pass through as they stream.
pub async fn page_render_watchdog(request: Request, next: Next) -> Response {
    if !is_page(&request) {
        return next.run(request).await;
    }
    let (parts, _) = request.into_parts();
    for attempt in 1..=PAGE_RENDER_ATTEMPTS {
        let render = whole_page(
            next.clone()
                .run(Request::from_parts(parts.clone(), Body::empty())),
        );
        match tokio::time::timeout(PAGE_RENDER_TIMEOUT, render).await {
            Ok(response) => return response,
            Err(_) => {
                tracing::warn!(path = %parts.uri.path(), attempt, "page render stalled; abandoned")
            }
        }
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "1")],
        "The page could not be rendered; please try again.",
    )
        .into_response()
}

/// The largest page read whole by [`page_render_watchdog`]; pages are tens of kilobytes.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// The answer, with an HTML body read whole (anything else as it is).
async fn whole_page(answer: impl Future<Output = Response>) -> Response {
    let response = answer.await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
        Err(error) => {
            tracing::error!(%error, "a page could not be read whole");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Pages: reads outside the APIs and the static and media files.
fn is_page(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) && !["/api/", "/media/", "/pkg/", "/docs/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// Server functions live under `/api/` (the HTTP API under `/api/v1/` has its own limits).
fn is_server_fn(request: &Request) -> bool {
    let path = request.uri().path();
    path.starts_with("/api/") && !path.starts_with("/api/v1/")
}

async fn read_limited(body: Body, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Incomplete)?;
        if bytes.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Whether every name and value of a URL-encoded form decodes to UTF-8.
pub fn form_is_utf8(form: &[u8]) -> bool {
    form.split(|&byte| byte == b'&' || byte == b'=')
        .all(|part| percent_decode(part).is_some_and(|decoded| String::from_utf8(decoded).is_ok()))
}

/// `%XX` escapes and `+` decoded; `None` for a malformed escape.
fn percent_decode(part: &[u8]) -> Option<Vec<u8>> {
    let mut decoded = Vec::with_capacity(part.len());
    let mut bytes = part.iter();
    while let Some(&byte) = bytes.next() {
        match byte {
            b'%' => {
                let high = hex(*bytes.next()?)?;
                let low = hex(*bytes.next()?)?;
                decoded.push(high << 4 | low);
            }
            b'+' => decoded.push(b' '),
            other => decoded.push(other),
        }
    }
    Some(decoded)
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|value| value as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_must_decode_to_utf8() {
        assert!(form_is_utf8(b"email=a%40b.cd&password=x+y"));
        assert!(form_is_utf8("email=%D0%B0%40b.cd".as_bytes()));
        assert!(form_is_utf8(b""));
        assert!(!form_is_utf8(b"email=%FF%FE%40rel.example"));
        assert!(!form_is_utf8(b"email=%F"));
        assert!(!form_is_utf8(b"email=\xff"));
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused() {
        let body = Body::from(vec![b'a'; 11]);
        assert_eq!(read_limited(body, 10).await, Err(BodyError::TooLarge));
        let body = Body::from(vec![b'a'; 10]);
        assert_eq!(read_limited(body, 10).await.map(|b| b.len()), Ok(10));
    }
}
