//! Error reports to a Sentry-compatible endpoint, when `SENTRY_DSN` is set: every event logged
//! at ERROR (an internal failure where it leaves the server, which is what a 5xx is; a panic,
//! in a request or anywhere else) becomes a Sentry event, tagged with the request's id, route
//! and user from the spans it happened in. Reports go out through a bounded queue without
//! waiting: an unreachable endpoint costs reports, never requests.
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tokio::sync::mpsc;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber, span};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use url::Url;

use super::post::{Endpoint, post};

/// Reports waiting to be sent; beyond this they are dropped (an error storm).
const QUEUE: usize = 256;

/// A parsed `SENTRY_DSN`: `https://<public key>@<host>[:port][/path]/<project id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dsn {
    raw: String,
    public_key: String,
    envelope: Endpoint,
}

impl std::str::FromStr for Dsn {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let url = Url::parse(raw).map_err(|error| format!("not a URL: {error}"))?;
        let public_key = url.username();
        if public_key.is_empty() {
            return Err("no public key before the @".into());
        }
        let path = url.path().trim_end_matches('/');
        let (prefix, project) = path.rsplit_once('/').unwrap_or(("", path));
        if project.is_empty() || !project.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err("the path must end with the project's number".into());
        }
        let mut envelope = url.clone();
        envelope
            .set_username("")
            .and_then(|()| envelope.set_password(None))
            .map_err(|()| "cannot take the key out of the URL".to_owned())?;
        envelope.set_path(&format!("{prefix}/api/{project}/envelope/"));
        envelope.set_query(None);
        Ok(Dsn {
            raw: raw.to_owned(),
            public_key: public_key.to_owned(),
            envelope: Endpoint::parse(&envelope)?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct SentryConfig {
    pub dsn: Dsn,
    /// `production`, `development`, `test`.
    pub environment: &'static str,
}

/// What a report needs from the spans an error happened in.
#[derive(Default, Clone)]
struct Scope(BTreeMap<&'static str, String>);

/// The span fields a report is tagged with.
const SCOPE_FIELDS: [&str; 6] = ["id", "route", "user", "method", "path", "job"];

struct ScopeRecorder<'a>(&'a mut Scope);

impl Visit for ScopeRecorder<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if SCOPE_FIELDS.contains(&field.name()) {
            (self.0).0.insert(field.name(), format!("{value:?}"));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if SCOPE_FIELDS.contains(&field.name()) {
            (self.0).0.insert(field.name(), value.to_owned());
        }
    }
}

/// An error event's message and other fields.
#[derive(Default)]
struct Fields {
    message: String,
    extra: BTreeMap<&'static str, String>,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.extra.insert(field.name(), format!("{value:?}"));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.extra.insert(field.name(), value.to_owned());
        }
    }
}

/// One error, on its way out.
#[derive(Debug)]
struct Report {
    target: String,
    message: String,
    extra: BTreeMap<&'static str, String>,
    scope: BTreeMap<&'static str, String>,
    at: SystemTime,
}

pub struct SentryLayer {
    reports: mpsc::Sender<Report>,
}

impl SentryLayer {
    /// The layer, and its sender started on the current runtime.
    pub fn start(config: SentryConfig) -> Self {
        let (reports, queue) = mpsc::channel(QUEUE);
        tokio::spawn(send_reports(queue, config));
        SentryLayer { reports }
    }
}

impl<S> Layer<S> for SentryLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut scope = Scope::default();
        attrs.record(&mut ScopeRecorder(&mut scope));
        span.extensions_mut().insert(scope);
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(scope) = span.extensions_mut().get_mut::<Scope>()
        {
            values.record(&mut ScopeRecorder(scope));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if *event.metadata().level() != Level::ERROR {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        // Outermost first, so an inner span's value wins.
        let mut scope = BTreeMap::new();
        if let Some(spans) = ctx.event_scope(event) {
            for span in spans.from_root() {
                if let Some(found) = span.extensions().get::<Scope>() {
                    scope.extend(found.0.iter().map(|(key, value)| (*key, value.clone())));
                }
            }
        }
        let _ = self.reports.try_send(Report {
            target: event.metadata().target().to_owned(),
            message: fields.message,
            extra: fields.extra,
            scope,
            at: SystemTime::now(),
        });
    }
}

async fn send_reports(mut queue: mpsc::Receiver<Report>, config: SentryConfig) {
    let auth = format!(
        "Sentry sentry_version=7, sentry_key={}, sentry_client=booking/{}",
        config.dsn.public_key,
        env!("CARGO_PKG_VERSION")
    );
    while let Some(report) = queue.recv().await {
        let body = envelope(&config, &report);
        let headers = [
            ("Content-Type", "application/x-sentry-envelope"),
            ("X-Sentry-Auth", auth.as_str()),
        ];
        match post(&config.dsn.envelope, &headers, &body).await {
            Ok(status) if (200..300).contains(&status) => {}
            // Logged below ERROR, so a failing endpoint does not report about itself.
            Ok(status) => tracing::warn!(status, "the error-report endpoint refused a report"),
            Err(error) => tracing::warn!(%error, "an error report could not be sent"),
        }
    }
}

fn unix_seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs_f64()
}

/// One event in Sentry's envelope format: a header line, an item header line, the event.
fn envelope(config: &SentryConfig, report: &Report) -> Vec<u8> {
    let event_id = format!("{:032x}", rand::random::<u128>());
    let mut tags = serde_json::Map::new();
    for (key, value) in &report.scope {
        let name = match *key {
            "id" => "request_id",
            other => other,
        };
        if *key != "user" {
            tags.insert(name.to_owned(), json!(value));
        }
    }
    let mut event = json!({
        "event_id": event_id,
        "timestamp": unix_seconds(report.at),
        "platform": "other",
        "level": if report.target == "panic" { "fatal" } else { "error" },
        "logger": report.target,
        "release": format!("booking@{}", env!("CARGO_PKG_VERSION")),
        "environment": config.environment,
        "message": { "formatted": report.message },
        "tags": tags,
        "extra": report.extra,
    });
    if let Some(user) = report.scope.get("user") {
        event["user"] = json!({ "id": user });
    }
    if let (Some(method), Some(path)) = (report.scope.get("method"), report.scope.get("path")) {
        event["request"] = json!({ "method": method, "url": path });
    }
    let payload = serde_json::to_vec(&event).unwrap_or_default();
    let header = json!({ "event_id": event_id, "dsn": config.dsn.raw, "sent_at": unix_seconds(SystemTime::now()) });
    let item =
        json!({ "type": "event", "content_type": "application/json", "length": payload.len() });
    let mut body = Vec::with_capacity(payload.len() + 256);
    for part in [serde_json::to_vec(&header), serde_json::to_vec(&item)] {
        body.extend(part.unwrap_or_default());
        body.push(b'\n');
    }
    body.extend(payload);
    body.push(b'\n');
    body
}

/// Panics anywhere are logged at ERROR (`target: "panic"`), so they are reported like other
/// errors; the default hook still prints them.
pub fn report_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(target: "panic", location = ?info.location(), "panicked: {info}");
        default(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn a_dsn_names_its_key_and_envelope_endpoint() {
        let dsn: Dsn = "https://abc123@o1.ingest.example.com/42".parse().unwrap();
        assert_eq!(dsn.public_key, "abc123");
        let expected = Url::parse("https://o1.ingest.example.com/api/42/envelope/").unwrap();
        assert_eq!(dsn.envelope, Endpoint::parse(&expected).unwrap());
        let local: Dsn = "http://key@127.0.0.1:9000/sentry/7".parse().unwrap();
        let expected = Url::parse("http://127.0.0.1:9000/sentry/api/7/envelope/").unwrap();
        assert_eq!(local.envelope, Endpoint::parse(&expected).unwrap());
        assert!("https://o1.ingest.example.com/42".parse::<Dsn>().is_err());
        assert!("https://key@example.com/project".parse::<Dsn>().is_err());
        assert!("not a dsn".parse::<Dsn>().is_err());
    }

    #[test]
    fn an_error_in_a_request_is_reported_with_its_request_id() {
        let (reports, mut queue) = mpsc::channel(8);
        let subscriber = tracing_subscriber::registry().with(SentryLayer { reports });
        tracing::subscriber::with_default(subscriber, || {
            let request = tracing::info_span!(
                "request",
                id = "req-1",
                method = "GET",
                path = "/hotels/1",
                route = tracing::field::Empty,
                user = tracing::field::Empty
            );
            let _entered = request.enter();
            request.record("route", "/hotels/{id}");
            request.record("user", 7);
            tracing::warn!("not an error");
            tracing::error!(cause = "connection refused", "searching failed");
        });
        let report = queue.try_recv().unwrap();
        assert!(queue.try_recv().is_err(), "only the error is reported");
        assert_eq!(report.message, "searching failed");
        assert_eq!(report.extra["cause"], "connection refused");
        assert_eq!(report.scope["id"], "req-1");
        assert_eq!(report.scope["route"], "/hotels/{id}");

        let config = SentryConfig {
            dsn: "http://key@127.0.0.1:9/1".parse().unwrap(),
            environment: "test",
        };
        let body = envelope(&config, &report);
        let lines: Vec<Json> = body
            .split(|byte| *byte == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1]["type"], "event");
        let event = &lines[2];
        assert_eq!(event["event_id"], lines[0]["event_id"]);
        assert_eq!(event["tags"]["request_id"], "req-1");
        assert_eq!(event["tags"]["route"], "/hotels/{id}");
        assert_eq!(event["user"]["id"], "7");
        assert_eq!(event["request"]["url"], "/hotels/1");
        assert_eq!(event["level"], "error");
    }
}
