//! What every response and every state-changing request goes through: security headers (with
//! a per-request script nonce for the Content-Security-Policy), the cross-site request check
//! that stands in for CSRF tokens, and the panic guard.
use std::any::Any;
use std::sync::{Arc, LazyLock};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

/// The nonce the page's inline scripts carry (hydration, resolved resources); Leptos renders
/// it from context, the middleware puts the same value in the policy.
#[derive(Clone, Debug)]
pub struct ScriptNonce(pub Arc<str>);

impl ScriptNonce {
    fn new() -> Self {
        use rand::Rng;
        let value: u128 = rand::rng().random();
        ScriptNonce(Arc::from(format!("{value:032x}")))
    }
}

/// What the headers depend on, decided once at start-up.
#[derive(Clone)]
pub struct Policy {
    /// HSTS only in production: a development server on plain HTTP must stay reachable.
    pub production: bool,
    /// The origins a browser may post from: the configured `APP_URL` (behind a proxy the
    /// `Host` header may differ) besides the request's own host.
    pub app_origin: Option<String>,
}

impl Policy {
    pub fn new(production: bool, app_url: &str) -> Self {
        let app_origin = url::Url::parse(app_url)
            .ok()
            .map(|url| url.origin().ascii_serialization())
            .filter(|origin| origin != "null");
        Policy {
            production,
            app_origin,
        }
    }
}

/// `/docs` starts Swagger UI with one inline script; the policy allows exactly that script by
/// its digest.
pub fn inline_script_hash(script: &str) -> String {
    use base64::Engine as _;
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

static DOCS_SCRIPT_HASH: LazyLock<String> =
    LazyLock::new(|| inline_script_hash(crate::api_v1::openapi::DOCS_INIT_SCRIPT));

fn content_security_policy(nonce: &ScriptNonce, production: bool) -> String {
    // `cargo leptos watch` reloads the page over a websocket on another port.
    let connect = if production {
        "'self'"
    } else {
        "'self' ws: wss:"
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' {docs} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'",
        nonce = nonce.0,
        docs = *DOCS_SCRIPT_HASH,
    )
}

/// Middleware: a fresh nonce for the request, and the security headers on its response.
pub async fn headers(State(policy): State<Policy>, mut request: Request, next: Next) -> Response {
    let nonce = ScriptNonce::new();
    request.extensions_mut().insert(nonce.clone());
    // A manage link is a capability in the URL: it must leave in no Referer and stay in no cache.
    let capability = request.uri().path().starts_with("/manage/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.entry(name).or_insert(value);
        }
    };
    if capability {
        set(header::REFERRER_POLICY, "no-referrer");
        set(header::CACHE_CONTROL, "no-store");
    }
    set(
        header::CONTENT_SECURITY_POLICY,
        &content_security_policy(&nonce, policy.production),
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if policy.production {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    response
}

/// Why a request was refused as cross-site, for the log.
#[derive(Debug, PartialEq, Eq)]
pub enum CrossSite {
    FetchSite(String),
    Origin(String),
}

/// Decides whether a request is a cross-site write a browser made on a visitor's behalf.
///
/// Browsers attach cookies to cross-site form posts, so the session cookie alone does not show
/// the visitor meant it. Every browser we serve sends `Sec-Fetch-Site` (or at least `Origin`)
/// with a POST; a foreign value is refused. A request with an `Authorization` header is an API
/// client's (a page on another site cannot add one without a CORS preflight, which we never
/// grant), and a request with neither header is not from a browser: both pass.
pub fn cross_site(
    method: &Method,
    headers: &HeaderMap,
    app_origin: Option<&str>,
) -> Result<(), CrossSite> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if headers.contains_key(header::AUTHORIZATION) {
        return Ok(());
    }
    let text = |name: HeaderName| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = text(HeaderName::from_static("sec-fetch-site")) {
        return match site {
            "same-origin" | "none" => Ok(()),
            other => Err(CrossSite::FetchSite(other.to_owned())),
        };
    }
    let Some(origin) = text(header::ORIGIN) else {
        return Ok(());
    };
    let own = text(header::HOST).is_some_and(|host| {
        origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
    });
    if own || app_origin.is_some_and(|app| app.eq_ignore_ascii_case(origin)) {
        Ok(())
    } else {
        Err(CrossSite::Origin(origin.to_owned()))
    }
}

/// Middleware: refuses cross-site writes with 403 before any handler runs.
pub async fn refuse_cross_site(
    State(policy): State<Policy>,
    request: Request,
    next: Next,
) -> Response {
    match cross_site(
        request.method(),
        request.headers(),
        policy.app_origin.as_deref(),
    ) {
        Ok(()) => next.run(request).await,
        Err(reason) => {
            tracing::warn!(?reason, path = %request.uri().path(), "cross-site request refused");
            (
                StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({ "detail": "Cross-site request refused" })),
            )
                .into_response()
        }
    }
}

/// A panic while handling one request answers that request with 500 and is logged; the
/// connection and every other request go on.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(not a string)");
    tracing::error!(panic = message, "a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(serde_json::json!({ "detail": "Internal server error" })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn reads_and_own_posts_pass() {
        let own = headers(&[("sec-fetch-site", "same-origin")]);
        assert_eq!(cross_site(&Method::POST, &own, None), Ok(()));
        let foreign = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(cross_site(&Method::GET, &foreign, None), Ok(()));
        let same_host = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert_eq!(cross_site(&Method::POST, &same_host, None), Ok(()));
        let proxied = headers(&[("origin", "https://hotels.example"), ("host", "app:3000")]);
        assert_eq!(
            cross_site(&Method::POST, &proxied, Some("https://hotels.example")),
            Ok(())
        );
        assert_eq!(cross_site(&Method::DELETE, &HeaderMap::new(), None), Ok(()));
    }

    #[test]
    fn foreign_posts_are_refused() {
        let site = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(cross_site(&Method::POST, &site, None).is_err());
        let sibling = headers(&[("sec-fetch-site", "same-site")]);
        assert!(cross_site(&Method::DELETE, &sibling, None).is_err());
        let origin = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert_eq!(
            cross_site(&Method::POST, &origin, Some("http://127.0.0.1:3000")),
            Err(CrossSite::Origin("https://evil.example".into()))
        );
        let opaque = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert!(cross_site(&Method::POST, &opaque, None).is_err());
    }

    #[test]
    fn bearer_clients_are_not_browsers() {
        let api = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("authorization", "Bearer x"),
        ]);
        assert_eq!(cross_site(&Method::POST, &api, None), Ok(()));
    }

    async fn boom() -> &'static str {
        panic!("boom")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_and_the_service_goes_on() {
        use tower::ServiceExt;
        let router = axum::Router::new()
            .route("/boom", axum::routing::get(boom))
            .route("/fine", axum::routing::get(|| async { "fine" }))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                panic_response,
            ));
        let request = |path: &str| Request::builder().uri(path).body(Body::empty()).unwrap();
        let boom = router.clone().oneshot(request("/boom")).await.unwrap();
        assert_eq!(boom.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let fine = router.oneshot(request("/fine")).await.unwrap();
        assert_eq!(fine.status(), StatusCode::OK);
    }

    #[test]
    fn the_policy_names_the_nonce_and_forbids_framing() {
        let nonce = ScriptNonce(Arc::from("abc"));
        let policy = content_security_policy(&nonce, true);
        assert!(policy.contains("'nonce-abc'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("'sha256-"));
        assert!(!policy.contains("ws:"));
    }
}
