use std::process::ExitCode;

use app::server::config::Config;
use server::{cli::Command, memory, telemetry};

fn main() -> ExitCode {
    memory::tune_allocator();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("error: the async runtime did not start: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let command = match Command::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    // A missing .env is normal; a malformed one is worth one line. Test harnesses set
    // APP_ENV=test and everything else explicitly: a developer's .env must not redirect them.
    let under_test = std::env::var("APP_ENV").is_ok_and(|env| env == "test");
    if !under_test
        && let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("configuration error: .env: {error}");
        return ExitCode::from(78);
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(78);
        }
    };
    let exporters = match telemetry::Exporters::from_env(config.app_env) {
        Ok(exporters) => exporters,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(78);
        }
    };
    let _flush_logs_at_exit = telemetry::init(config.app_env, exporters);
    match command.run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
