//! The accept loop: HTTP/1.1 connections with a header-read (and keep-alive idle) timeout, at
//! most [`MAX_CONNECTIONS`] at once (fewer under a low open-file limit), and a graceful stop. axum's own `serve` has no timeouts, so
//! half-sent requests used to hold their connections (and file descriptors) for as long as
//! the client liked, until accepting failed with "Too many open files".
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use app::server::client_addr::TrustedProxies;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, header};
use futures::TryFutureExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, TryAcquireError};
use tower::ServiceExt;

use crate::limits::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS};

/// File descriptors kept back from clients: the database and Redis pools, picture files, mail
/// and the listener need theirs whatever clients do.
const RESERVED_FDS: usize = 256;

/// The fewest connections served at once, whatever the open-file limit.
const MIN_CONNECTIONS: usize = 16;

/// Connections to serve at once: [`MAX_CONNECTIONS`], or fewer when the process may open fewer
/// files, so that reaching the limit never leaves the pools or `accept` without descriptors.
pub async fn connection_limit() -> usize {
    let limits = tokio::fs::read_to_string("/proc/self/limits").await;
    let open_files = limits.ok().as_deref().and_then(open_files_limit);
    match open_files {
        Some(open_files) => open_files
            .saturating_sub(RESERVED_FDS)
            .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS),
        None => MAX_CONNECTIONS,
    }
}

/// The soft "Max open files" of a `/proc/<pid>/limits` text (`None`: unlimited or unknown).
fn open_files_limit(limits: &str) -> Option<usize> {
    let line = limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))?;
    line.split_whitespace().next()?.parse().ok()
}

/// Connections being turned away at once; beyond that they are closed without an answer.
const TURNED_AWAY_AT_ONCE: usize = 64;

/// What a connection beyond the limit gets, at once: waiting in the listen backlog behind
/// stalled clients could take minutes, a 503 lets the client retry when slots are free.
const BUSY_ANSWER: &str = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\n\
    Content-Type: text/plain; charset=utf-8\r\nContent-Length: 25\r\nConnection: close\r\n\r\n\
    Server busy, retry soon.\n";

/// Answers [`BUSY_ANSWER`] and closes, within a second.
fn turn_away(mut stream: TcpStream, turning_away: &Arc<Semaphore>) {
    let Ok(permit) = Arc::clone(turning_away).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let answer = async {
            stream.write_all(BUSY_ANSWER.as_bytes()).await?;
            stream.shutdown().await
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), answer).await;
        drop(permit);
    });
}

/// The request's client (what `ConnectInfo` carries for every handler): the peer, or the
/// address a trusted proxy names. An `x-request-id` from anyone else is dropped, so a client
/// cannot pick the id its lines are logged under.
fn the_client<B>(
    trusted: &TrustedProxies,
    peer: SocketAddr,
    request: &mut hyper::Request<B>,
) -> SocketAddr {
    if !trusted.trusts(peer.ip()) {
        request.headers_mut().remove(REQUEST_ID);
        return peer;
    }
    let forwarded = request
        .headers()
        .get_all(X_FORWARDED_FOR)
        .iter()
        .filter_map(|value| value.to_str().ok());
    SocketAddr::new(trusted.client(peer.ip(), forwarded), peer.port())
}

/// The request id header: answered on every response, logged on every line.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// After an accept error (the process out of file descriptors, say) accepting pauses this long,
/// so the loop does not spin while connections close and free some.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// Serves `router` on `listener` until `stop` resolves, then waits for open connections to
/// finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    trusted: TrustedProxies,
    stop: impl Future<Output = ()> + Send + 'static,
) {
    let trusted = Arc::new(trusted);
    let draining = Arc::new(AtomicBool::new(false));
    let limit = connection_limit().await;
    tracing::info!(connections = limit, "accepting");
    let permits = Arc::new(Semaphore::new(limit));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    // Hyper starts this timer whenever it waits for a request head, so it bounds both a
    // half-sent request and an idle keep-alive connection.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let mut stop = std::pin::pin!(stop);
    let turning_away = Arc::new(Semaphore::new(TURNED_AWAY_AT_ONCE));
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed; pausing");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let permit = match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::NoPermits) => {
                turn_away(stream, &turning_away);
                continue;
            }
            Err(TryAcquireError::Closed) => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let trusted = Arc::clone(&trusted);
        let draining = Arc::clone(&draining);
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let client = the_client(&trusted, remote, &mut request);
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(client));
            let draining = Arc::clone(&draining);
            router
                .clone()
                .oneshot(request.map(Body::new))
                .map_ok(move |mut response| {
                    if draining.load(Ordering::Relaxed) {
                        // Stopping: this connection's client must not send another request.
                        response
                            .headers_mut()
                            .insert(header::CONNECTION, HeaderValue::from_static("close"));
                    }
                    response
                })
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    // Connections accepted just before the stop may not have sent their request yet, and
    // keep-alive clients may be about to reuse theirs: for a moment they are still served,
    // each answer saying `Connection: close`, and only then are idle connections closed.
    draining.store(true, Ordering::Relaxed);
    if permits.available_permits() < limit {
        tokio::time::sleep(DRAIN).await;
    }
    graceful.shutdown().await;
}

/// How long a stopping server still serves the connections it has (see [`serve`]).
const DRAIN: Duration = Duration::from_secs(1);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_soft_open_files_limit() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units
Max processes             94000                94000                processes
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
";
        assert_eq!(open_files_limit(limits), Some(1024));
        assert_eq!(
            open_files_limit(
                "Max open files            unlimited            unlimited            files"
            ),
            None
        );
        assert_eq!(open_files_limit(""), None);
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client_and_the_request_id() {
        let trusted: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let request = || {
            hyper::Request::builder()
                .header("x-forwarded-for", "203.0.113.9")
                .header("x-request-id", "chosen-by-the-client")
                .body(())
                .unwrap()
        };
        let mut proxied = request();
        let client = the_client(&trusted, "10.0.0.2:4000".parse().unwrap(), &mut proxied);
        assert_eq!(client, "203.0.113.9:4000".parse().unwrap());
        assert!(proxied.headers().contains_key("x-request-id"));
        let mut direct = request();
        let client = the_client(&trusted, "198.51.100.1:4000".parse().unwrap(), &mut direct);
        assert_eq!(client, "198.51.100.1:4000".parse().unwrap());
        assert!(!direct.headers().contains_key("x-request-id"));
    }

    #[test]
    fn the_busy_answer_is_well_formed() {
        let (head, body) = BUSY_ANSWER.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
    }
}
