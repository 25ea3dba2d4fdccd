//! `GET /metrics` in the Prometheus text format: the process's counters and histograms
//! (`app::server::metrics`: requests by route, jobs, emails, cache, bookings) and gauges read
//! at scrape time (database pool, Redis, each queue's depth and oldest job, build info).
//!
//! Who may read it: with `METRICS_TOKEN` set, only a request with `Authorization: Bearer
//! <token>`; without it, anyone outside production and nobody in production (404), so a
//! production deployment never publishes it by accident.
use std::fmt::Write;
use std::time::Instant;

use app::model::jobs::QueueFigures;
use app::server::cache::CacheStatus;
use app::server::job_queues;
use app::server::metrics::{metrics, write_value};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::health::Probes;

/// The route template a response answered (set by [`label_route`], innermost first).
#[derive(Debug, Clone)]
struct RouteLabel(String);

/// Notes the matched route template on the response, unless an inner router (a nested one
/// knows the full template) already did, and on the request's log span.
pub async fn label_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    if let Some(route) = &route {
        tracing::Span::current().record("route", route.as_str());
    }
    let mut response = next.run(request).await;
    tracing::Span::current().record("status", response.status().as_u16());
    if let Some(route) = route
        && response.extensions().get::<RouteLabel>().is_none()
    {
        response.extensions_mut().insert(RouteLabel(route));
    }
    response
}

/// Times every request and counts it by method, route template and status. Requests no route
/// matched (static files, unknown paths) share one label, so a scan cannot add label sets.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<RouteLabel>()
        .map_or_else(|| "unmatched".to_owned(), |label| label.0.clone());
    metrics()
        .http
        .get(&(method, route, response.status().as_u16()))
        .observe(started.elapsed());
    response
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<Probes>, headers: HeaderMap) -> Response {
    match (
        &state.config.metrics_token,
        state.config.app_env.is_production(),
    ) {
        (Some(token), _) if !bearer_is(&headers, token.expose()) => {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
            )
                .into_response();
        }
        (None, true) => return StatusCode::NOT_FOUND.into_response(),
        _ => {}
    }
    let mut out = String::with_capacity(16 * 1024);
    metrics().write(&mut out);
    write_gauges(&state, &mut out).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

/// Whether the request carries `Authorization: Bearer <token>` (compared in constant time).
fn bearer_is(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

async fn write_gauges(state: &Probes, out: &mut String) {
    let pool = &state.db;
    let idle = pool.num_idle() as u64;
    let size = u64::from(pool.size());
    write_value(
        out,
        "db_pool_connections_in_use",
        "gauge",
        "Connections lent out.",
        size.saturating_sub(idle),
    );
    write_value(
        out,
        "db_pool_connections_idle",
        "gauge",
        "Connections waiting in the pool.",
        idle,
    );
    write_value(
        out,
        "db_pool_connections_max",
        "gauge",
        "The pool's size limit (DB_POOL_SIZE).",
        state.config.db_pool_size,
    );
    let redis_up = matches!(state.cache.status().await, CacheStatus::Up);
    write_value(
        out,
        "redis_up",
        "gauge",
        "1 while Redis answers.",
        u8::from(redis_up),
    );
    match job_queues::figures(&state.db).await {
        Ok(queues) => write_queues(out, &queues),
        Err(error) => tracing::debug!(error = %error.chain(), "queue figures not read"),
    }
    // The version rides on a label, as Prometheus convention has it.
    let _ = writeln!(
        out,
        "# HELP build_info The running build.\n# TYPE build_info gauge\nbuild_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
}

fn write_queues(out: &mut String, queues: &[QueueFigures]) {
    let now = Utc::now();
    let name = "queue_jobs";
    let _ = writeln!(
        out,
        "# HELP {name} Jobs in each queue by state.\n# TYPE {name} gauge"
    );
    for figures in queues {
        let queue = figures.queue.as_str();
        for (state, count) in [
            ("waiting", figures.waiting),
            ("retrying", figures.retrying),
            ("given_up", figures.given_up),
        ] {
            let _ = writeln!(out, "{name}{{queue=\"{queue}\",state=\"{state}\"}} {count}");
        }
    }
    let name = "queue_oldest_job_age_seconds";
    let _ = writeln!(
        out,
        "# HELP {name} How long each queue's oldest unfinished job has waited.\n# TYPE {name} gauge"
    );
    for figures in queues {
        let age = figures
            .oldest
            .map_or(0, |oldest| (now - oldest).num_seconds().max(0));
        let _ = writeln!(out, "{name}{{queue=\"{}\"}} {age}", figures.queue.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        let mut headers = HeaderMap::new();
        assert!(!bearer_is(&headers, "s3cret"));
        headers.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(bearer_is(&headers, "s3cret"));
        assert!(!bearer_is(&headers, "s3cret2"));
        headers.insert(header::AUTHORIZATION, "Bearer s3creT".parse().unwrap());
        assert!(!bearer_is(&headers, "s3cret"));
        headers.insert(header::AUTHORIZATION, "s3cret".parse().unwrap());
        assert!(!bearer_is(&headers, "s3cret"));
    }
}
