//! Traces and error reports leave a real server process for a small local receiver (an OTLP
//! collector's and a Sentry endpoint's stand-in: it takes POSTs and keeps them), part of
//! `make scale`.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::cluster::Server;
use crate::scenarios::site;

/// A POST the receiver took.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: String,
    body: Vec<u8>,
}

/// Takes every POST on a port of its own and answers 200.
#[derive(Clone, Default)]
struct Receiver(Arc<Mutex<Vec<Received>>>);

impl Receiver {
    async fn start() -> (Self, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let receiver = Receiver::default();
        let kept = receiver.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    if let Some(received) = read_post(&mut stream).await {
                        kept.0.lock().unwrap().push(received);
                    }
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                });
            }
        });
        (receiver, port)
    }

    fn received(&self, path: &str) -> Vec<Received> {
        let all = self.0.lock().unwrap();
        all.iter()
            .filter(|post| post.path == path)
            .cloned()
            .collect()
    }
}

async fn read_post(stream: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
        if let Some(end) = data.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    }
    let path = head.split_whitespace().nth(1)?.to_owned();
    Some(Received {
        path,
        headers: head,
        body: data[head_end..head_end + length].to_vec(),
    })
}

/// Every span of every batch received.
fn spans(batches: &[Received]) -> Vec<Value> {
    batches
        .iter()
        .flat_map(|batch| {
            let request: Value = serde_json::from_slice(&batch.body).unwrap();
            request["resourceSpans"][0]["scopeSpans"][0]["spans"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

fn attribute<'a>(span: &'a Value, key: &str) -> Option<&'a Value> {
    span["attributes"]
        .as_array()?
        .iter()
        .find(|attribute| attribute["key"] == key)
        .map(|attribute| &attribute["value"])
}

async fn until<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A page request is traced with its SQL statements (one trace), a server function has its
/// own span, and a request that fails with 503 while PostgreSQL is away is reported to the
/// Sentry endpoint with the request id it answered.
#[tokio::test]
#[ignore = "scale-out scenario: make test (needs the release build)"]
async fn traces_and_error_reports_reach_their_receivers() {
    let site = site().await;
    let (receiver, port) = Receiver::start().await;
    let otlp = format!("http://127.0.0.1:{port}");
    let dsn = format!("http://public-key@127.0.0.1:{port}/42");
    let server = Server::serve_with_env(
        &site.settings,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &otlp),
            ("OTEL_SERVICE_NAME", "booking-test"),
            ("SENTRY_DSN", &dsn),
        ],
    );

    let page = site.http.get(server.url("/hotels/1")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let search = site
        .http
        .post(server.url("/api/search_hotels"))
        .form(&[("location", "Алтай")])
        .send()
        .await
        .unwrap();
    assert!(search.status().is_success() || search.status().is_redirection());

    let (request, statements) = until("a traced page request with its SQL", || {
        let spans = spans(&receiver.received("/v1/traces"));
        let request = spans.iter().find(|span| {
            span["name"] == "request"
                && attribute(span, "http.route")
                    .is_some_and(|route| route["stringValue"] == "/hotels/{id}")
        })?;
        let statements: Vec<Value> = spans
            .iter()
            .filter(|span| span["name"] == "sql" && span["traceId"] == request["traceId"])
            .cloned()
            .collect();
        (!statements.is_empty()).then(|| (request.clone(), statements))
    })
    .await;
    assert_eq!(request["kind"], 2, "a request is a server span");
    assert_eq!(request["parentSpanId"], "");
    assert!(attribute(&statements[0], "db.statement").is_some());
    let batches = receiver.received("/v1/traces");
    assert!(
        batches[0]
            .headers
            .to_ascii_lowercase()
            .contains("content-type: application/json")
    );
    let resource = serde_json::from_slice::<Value>(&batches[0].body).unwrap();
    assert_eq!(
        resource["resourceSpans"][0]["resource"]["attributes"][0]["value"]["stringValue"],
        "booking-test"
    );
    until("a server function's span", || {
        spans(&receiver.received("/v1/traces"))
            .into_iter()
            .find(|span| {
                span["name"] == "server_fn"
                    && attribute(span, "name")
                        .is_some_and(|name| name["stringValue"] == "search_hotels")
            })
    })
    .await;
    assert!(
        receiver.received("/api/42/envelope/").is_empty(),
        "nothing failed yet, so nothing is reported"
    );

    // PostgreSQL away: an uncached read fails with 503, and that failure is reported.
    site.postgres.stop();
    let failed = site
        .http
        .get(server.url("/api/v1/hotels/id/3"))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status().as_u16(), 503);
    let request_id = failed.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let report = until("an error report", || {
        receiver
            .received("/api/42/envelope/")
            .into_iter()
            .find(|report| String::from_utf8_lossy(&report.body).contains(&request_id))
    })
    .await;
    assert!(
        report.headers.contains("sentry_key=public-key"),
        "{}",
        report.headers
    );
    let lines: Vec<Value> = report
        .body
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    assert_eq!(lines[1]["type"], "event");
    assert_eq!(lines[2]["tags"]["request_id"], request_id.as_str());
    assert_eq!(lines[2]["tags"]["route"], "/api/v1/hotels/id/{hotel_id}");
    assert_eq!(lines[2]["environment"], "test");
}
