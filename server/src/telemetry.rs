//! Logging: human-readable in development, JSON lines in production. `RUST_LOG` overrides levels.
use app::server::config::AppEnv;
use tracing_subscriber::EnvFilter;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";

pub fn init(app_env: AppEnv) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // A second init (tests) keeps the first subscriber: ignore the error.
    let _ = if app_env.is_production() {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    } else {
        builder.compact().try_init()
    };
}
