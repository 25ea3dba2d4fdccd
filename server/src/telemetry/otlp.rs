//! Traces over OTLP/HTTP in its JSON encoding, when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: every span the process makes (requests, server
//! functions, services, jobs) and one per SQL statement (from sqlx's statement events, which
//! carry their duration) goes to a collector in batches. Without the variable no layer exists,
//! so tracing costs what it did.
//!
//! Spans are handed to the exporter through a bounded queue without waiting: when the
//! collector is slow or gone, spans are dropped, never requests held.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value as Json, json};
use tokio::sync::mpsc;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber, span};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

use super::post::{Endpoint, post};

/// Spans waiting for the exporter; beyond this they are dropped.
const QUEUE: usize = 8192;
/// Spans sent in one request at most.
const BATCH: usize = 512;
/// How long a span may wait for its batch.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct OtlpConfig {
    /// The traces URL (`<endpoint>/v1/traces`).
    pub endpoint: Endpoint,
    pub service_name: String,
}

/// A recorded field.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Double(f64),
}

impl Value {
    fn otlp(&self) -> Json {
        match self {
            Value::Str(value) => json!({ "stringValue": value }),
            // OTLP's JSON carries 64-bit integers as strings.
            Value::Int(value) => json!({ "intValue": value.to_string() }),
            Value::Bool(value) => json!({ "boolValue": value }),
            Value::Double(value) => json!({ "doubleValue": value }),
        }
    }
}

type Attributes = Vec<(&'static str, Value)>;

struct Recorder<'a>(&'a mut Attributes);

impl Recorder<'_> {
    fn set(&mut self, field: &Field, value: Value) {
        let name = field.name();
        match self.0.iter_mut().find(|(key, _)| *key == name) {
            Some((_, old)) => *old = value,
            None => self.0.push((name, value)),
        }
    }
}

impl Visit for Recorder<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field, Value::Str(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field, Value::Int(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(field, Value::Int(i64::try_from(value).unwrap_or(i64::MAX)));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.set(field, Value::Bool(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.set(field, Value::Double(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.set(field, Value::Str(format!("{value:?}")));
    }
}

/// A span while it is open, kept in its extensions.
struct Open {
    trace_id: u128,
    span_id: u64,
    parent: Option<u64>,
    start: SystemTime,
    attributes: Attributes,
    error: bool,
}

/// What OTLP calls the span's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Internal = 1,
    Server = 2,
    Client = 3,
}

/// A finished span, on its way to the collector.
#[derive(Debug)]
struct Finished {
    trace_id: u128,
    span_id: u64,
    parent: Option<u64>,
    name: &'static str,
    kind: Kind,
    start: SystemTime,
    end: SystemTime,
    attributes: Attributes,
    error: bool,
}

pub struct OtlpLayer {
    spans: mpsc::Sender<Finished>,
}

impl OtlpLayer {
    /// The layer, and its exporter started on the current runtime.
    pub fn start(config: OtlpConfig) -> Self {
        let (spans, queue) = mpsc::channel(QUEUE);
        tokio::spawn(export(queue, config));
        OtlpLayer { spans }
    }

    fn hand_over(&self, span: Finished) {
        // Full or closed: this span is lost, the request goes on.
        let _ = self.spans.try_send(span);
    }
}

fn new_id<T>() -> T
where
    rand::distr::StandardUniform: rand::distr::Distribution<T>,
{
    rand::random()
}

impl<S> Layer<S> for OtlpLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let parent = span.parent().and_then(|parent| {
            let extensions = parent.extensions();
            extensions
                .get::<Open>()
                .map(|open| (open.trace_id, open.span_id))
        });
        let mut attributes = Attributes::new();
        attrs.record(&mut Recorder(&mut attributes));
        span.extensions_mut().insert(Open {
            trace_id: parent.map_or_else(new_id::<u128>, |(trace, _)| trace),
            span_id: new_id::<u64>(),
            parent: parent.map(|(_, span_id)| span_id),
            start: SystemTime::now(),
            attributes,
            error: false,
        });
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(open) = span.extensions_mut().get_mut::<Open>()
        {
            values.record(&mut Recorder(&mut open.attributes));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        let Some(open) = extensions.get_mut::<Open>() else {
            return;
        };
        if *event.metadata().level() == Level::ERROR {
            open.error = true;
        }
        if event.metadata().target() == "sqlx::query" {
            let (trace_id, parent) = (open.trace_id, open.span_id);
            drop(extensions);
            self.hand_over(statement(event, trace_id, parent));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let Some(open) = span.extensions_mut().remove::<Open>() else {
            return;
        };
        let kind = if open.parent.is_none() && span.name() == "request" {
            Kind::Server
        } else {
            Kind::Internal
        };
        self.hand_over(Finished {
            trace_id: open.trace_id,
            span_id: open.span_id,
            parent: open.parent,
            name: span.name(),
            kind,
            start: open.start,
            end: SystemTime::now(),
            attributes: open.attributes,
            error: open.error,
        });
    }
}

/// A span for one SQL statement: sqlx reports each when it finished, with its duration.
fn statement(event: &Event<'_>, trace_id: u128, parent: u64) -> Finished {
    let mut fields = Attributes::new();
    event.record(&mut Recorder(&mut fields));
    let elapsed = fields.iter().find_map(|(key, value)| match (key, value) {
        (&"elapsed_secs", Value::Double(seconds)) => Duration::try_from_secs_f64(*seconds).ok(),
        _ => None,
    });
    let end = SystemTime::now();
    let attributes = fields
        .into_iter()
        .filter(|(key, _)| {
            matches!(
                *key,
                "db.statement" | "summary" | "rows_affected" | "rows_returned"
            )
        })
        .chain([("db.system", Value::Str("postgresql".into()))])
        .collect();
    Finished {
        trace_id,
        span_id: new_id::<u64>(),
        parent: Some(parent),
        name: "sql",
        kind: Kind::Client,
        start: elapsed
            .and_then(|elapsed| end.checked_sub(elapsed))
            .unwrap_or(end),
        end,
        attributes,
        error: false,
    }
}

/// Sends the queued spans in batches, each at most [`FLUSH_EVERY`] after its first span.
async fn export(mut queue: mpsc::Receiver<Finished>, config: OtlpConfig) {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let Some(first) = queue.recv().await else {
            return;
        };
        batch.push(first);
        let flush_at = tokio::time::Instant::now() + FLUSH_EVERY;
        while batch.len() < BATCH {
            match tokio::time::timeout_at(flush_at, queue.recv()).await {
                Ok(Some(span)) => batch.push(span),
                Ok(None) | Err(_) => break,
            }
        }
        let body = encode(&config.service_name, &batch);
        batch.clear();
        let headers = [("Content-Type", "application/json")];
        match post(&config.endpoint, &headers, &body).await {
            Ok(status) if (200..300).contains(&status) => {}
            Ok(status) => tracing::debug!(status, "the trace collector refused a batch"),
            Err(error) => tracing::debug!(%error, "the trace collector did not take a batch"),
        }
    }
}

fn unix_nanos(time: SystemTime) -> String {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos())
        .to_string()
}

/// Our field names, as OpenTelemetry's conventions name them.
fn attribute_name(field: &'static str) -> &'static str {
    match field {
        "method" => "http.request.method",
        "path" => "url.path",
        "route" => "http.route",
        "status" => "http.response.status_code",
        "id" => "request.id",
        "user" => "enduser.id",
        other => other,
    }
}

/// An `ExportTraceServiceRequest` in OTLP's JSON encoding.
fn encode(service_name: &str, spans: &[Finished]) -> Vec<u8> {
    let spans: Vec<Json> = spans
        .iter()
        .map(|span| {
            let attributes: Vec<Json> = span
                .attributes
                .iter()
                .map(|(key, value)| json!({ "key": attribute_name(key), "value": value.otlp() }))
                .collect();
            json!({
                "traceId": format!("{:032x}", span.trace_id),
                "spanId": format!("{:016x}", span.span_id),
                "parentSpanId": span.parent.map(|parent| format!("{parent:016x}")).unwrap_or_default(),
                "name": span.name,
                "kind": span.kind as u8,
                "startTimeUnixNano": unix_nanos(span.start),
                "endTimeUnixNano": unix_nanos(span.end),
                "attributes": attributes,
                // 2: error, 0: unset.
                "status": { "code": if span.error { 2 } else { 0 } },
            })
        })
        .collect();
    let request = json!({
        "resourceSpans": [{
            "resource": { "attributes": [
                { "key": "service.name", "value": { "stringValue": service_name } },
                { "key": "service.version", "value": { "stringValue": env!("CARGO_PKG_VERSION") } },
            ]},
            "scopeSpans": [{ "scope": { "name": "booking" }, "spans": spans }],
        }]
    });
    serde_json::to_vec(&request).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    /// The layer's spans, straight from its queue.
    fn traced(work: impl FnOnce()) -> Vec<Finished> {
        let (spans, mut queue) = mpsc::channel(64);
        let subscriber = tracing_subscriber::registry().with(OtlpLayer { spans });
        tracing::subscriber::with_default(subscriber, work);
        let mut finished = Vec::new();
        while let Ok(span) = queue.try_recv() {
            finished.push(span);
        }
        finished
    }

    #[test]
    fn child_spans_share_the_trace_and_name_their_parent() {
        let spans = traced(|| {
            let request =
                tracing::info_span!("request", method = "GET", route = tracing::field::Empty);
            let _entered = request.enter();
            request.record("route", "/hotels/{id}");
            tracing::info_span!("search", place = "Алтай").in_scope(|| {
                tracing::debug!(
                    target: "sqlx::query",
                    summary = "select …",
                    db.statement = "SELECT 1",
                    elapsed_secs = 0.002_f64,
                );
                tracing::error!("the database went away");
            });
        });
        let names: Vec<&str> = spans.iter().map(|span| span.name).collect();
        assert_eq!(names, ["sql", "search", "request"]);
        let (sql, search, request) = (&spans[0], &spans[1], &spans[2]);
        assert!(spans.iter().all(|span| span.trace_id == request.trace_id));
        assert_eq!(request.parent, None);
        assert_eq!(request.kind, Kind::Server);
        assert_eq!(search.parent, Some(request.span_id));
        assert_eq!(sql.parent, Some(search.span_id));
        assert_eq!(sql.kind, Kind::Client);
        let took = sql.end.duration_since(sql.start).unwrap();
        assert!(took >= Duration::from_millis(1), "{took:?}");
        assert!(search.error && !request.error);
        assert!(
            request
                .attributes
                .contains(&("route", Value::Str("/hotels/{id}".into())))
        );

        let body: Json = serde_json::from_slice(&encode("booking", &spans)).unwrap();
        let encoded = &body["resourceSpans"][0]["scopeSpans"][0]["spans"];
        assert_eq!(encoded[2]["traceId"].as_str().unwrap().len(), 32);
        assert_eq!(encoded[2]["kind"], 2);
        assert_eq!(encoded[1]["status"]["code"], 2);
        assert_eq!(encoded[1]["parentSpanId"], encoded[2]["spanId"]);
        let route = encoded[2]["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|attribute| attribute["key"] == "http.route")
            .unwrap();
        assert_eq!(route["value"]["stringValue"], "/hotels/{id}");
    }
}
