//! Logging: human-readable in development, JSON lines in production, written by a thread of
//! their own (`log_writer`); `RUST_LOG` overrides levels. Beside the log, two optional exporters, each on only when its variable is set:
//! traces over OTLP (`otlp`) and error reports to a Sentry-compatible endpoint (`sentry`).
mod log_writer;
mod otlp;
mod post;
mod sentry;

use app::server::config::AppEnv;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};
use url::Url;

pub use otlp::OtlpConfig;
pub use sentry::{Dsn, SentryConfig};

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";

/// What the trace exporter takes: our spans (requests, server functions, services, jobs) and
/// every SQL statement, whatever `RUST_LOG` keeps in the log.
const TRACE_FILTER: &str = "warn,server=info,app=info,sqlx::query=debug";

/// The exporters the environment asks for.
#[derive(Debug, Clone, Default)]
pub struct Exporters {
    pub otlp: Option<OtlpConfig>,
    pub sentry: Option<SentryConfig>,
}

impl Exporters {
    pub fn from_env(app_env: AppEnv) -> Result<Self, String> {
        Self::from_lookup(app_env, |name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        })
    }

    /// From OpenTelemetry's standard variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` added; `OTEL_SERVICE_NAME`, default
    /// `booking`) and `SENTRY_DSN`. A malformed value names its variable.
    pub fn from_lookup(
        app_env: AppEnv,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let traces_url = match (
            lookup("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            lookup("OTEL_EXPORTER_OTLP_ENDPOINT"),
        ) {
            (Some(url), _) => Some(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", url)),
            (None, Some(base)) => Some((
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("{}/v1/traces", base.trim_end_matches('/')),
            )),
            (None, None) => None,
        };
        let otlp = traces_url
            .map(|(variable, url)| {
                let endpoint = Url::parse(&url)
                    .map_err(|error| error.to_string())
                    .and_then(|url| post::Endpoint::parse(&url))
                    .map_err(|error| format!("{variable}: {error}"))?;
                Ok::<_, String>(OtlpConfig {
                    endpoint,
                    service_name: lookup("OTEL_SERVICE_NAME").unwrap_or_else(|| "booking".into()),
                })
            })
            .transpose()?;
        let sentry = lookup("SENTRY_DSN")
            .map(|raw| {
                let dsn = raw
                    .trim()
                    .parse::<Dsn>()
                    .map_err(|error| format!("SENTRY_DSN: {error}"))?;
                Ok::<_, String>(SentryConfig {
                    dsn,
                    environment: app_env.as_str(),
                })
            })
            .transpose()?;
        Ok(Exporters { otlp, sentry })
    }
}

pub use log_writer::Flush;

/// Installs the log and the exporters asked for; their senders run on the current runtime.
/// Keep the returned guard until exit: dropping it writes the lines still queued.
pub fn init(app_env: AppEnv, exporters: Exporters) -> Flush {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let (writer, flush) = log_writer::non_blocking(std::io::stdout());
    // Colours only for a terminal: in a pipe or a file they are bytes to format and strip.
    let log = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_writer(writer);
    let log = if app_env.is_production() {
        log.json()
            .flatten_event(true)
            .with_current_span(true)
            .with_filter(filter)
            .boxed()
    } else {
        log.compact().with_filter(filter).boxed()
    };
    let traces = exporters
        .otlp
        .map(|config| otlp::OtlpLayer::start(config).with_filter(EnvFilter::new(TRACE_FILTER)));
    let reports = exporters.sentry.map(|config| {
        sentry::report_panics();
        sentry::SentryLayer::start(config)
    });
    // A second init (tests) keeps the first subscriber: ignore the error.
    let _ = tracing_subscriber::registry()
        .with(log)
        .with(traces)
        .with(reports)
        .try_init();
    flush
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exporters(vars: &[(&str, &str)]) -> Result<Exporters, String> {
        Exporters::from_lookup(AppEnv::Production, |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn nothing_is_exported_unless_asked() {
        let none = exporters(&[]).unwrap();
        assert!(none.otlp.is_none() && none.sentry.is_none());
    }

    #[test]
    fn the_standard_variables_configure_the_exporters() {
        let both = exporters(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
            ("OTEL_SERVICE_NAME", "booking-web"),
            ("SENTRY_DSN", "https://key@sentry.example.com/3"),
        ])
        .unwrap();
        let otlp = both.otlp.unwrap();
        let expected = Url::parse("http://collector:4318/v1/traces").unwrap();
        assert_eq!(otlp.endpoint, post::Endpoint::parse(&expected).unwrap());
        assert_eq!(otlp.service_name, "booking-web");
        assert_eq!(both.sentry.unwrap().environment, "production");
        let traces_only = exporters(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4318"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://collector:4318/custom",
            ),
        ])
        .unwrap();
        let expected = Url::parse("http://collector:4318/custom").unwrap();
        assert_eq!(
            traces_only.otlp.unwrap().endpoint,
            post::Endpoint::parse(&expected).unwrap()
        );
    }

    #[test]
    fn a_malformed_value_names_its_variable() {
        let error = exporters(&[("SENTRY_DSN", "https://sentry.example.com/3")]).unwrap_err();
        assert!(error.starts_with("SENTRY_DSN: "), "{error}");
        let error = exporters(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]).unwrap_err();
        assert!(
            error.starts_with("OTEL_EXPORTER_OTLP_ENDPOINT: "),
            "{error}"
        );
    }
}
