//! `server [serve | migrate up | migrate down [VERSION] | seed | db reset | db drop]`.
use app::server::config::Config;
use leptos::config::get_configuration;

use crate::{db, seed, startup::Application, startup::StartupError};

pub const USAGE: &str =
    "usage: server [serve | migrate up | migrate down [VERSION] | seed | db reset | db drop]
  serve              create the database if needed, migrate, load demo data, serve (default)
  migrate up         apply pending migrations
  migrate down [V]   revert the last migration, or every migration after version V (0: all)
  seed               load the demo data (once; never with APP_ENV=production)
  db reset           drop and recreate the database, migrate, load demo data
  db drop            drop the database";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    MigrateUp,
    MigrateDown { target: Option<i64> },
    Seed,
    DbReset,
    DbDrop,
}

impl Command {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let args: Vec<String> = args.into_iter().collect();
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        match words.as_slice() {
            [] | ["serve"] => Ok(Command::Serve),
            ["migrate"] | ["migrate", "up"] => Ok(Command::MigrateUp),
            ["migrate", "down"] => Ok(Command::MigrateDown { target: None }),
            ["migrate", "down", version] => version
                .parse()
                .map(|target| Command::MigrateDown {
                    target: Some(target),
                })
                .map_err(|_| format!("migrate down: '{version}' is not a version number\n{USAGE}")),
            ["seed"] => Ok(Command::Seed),
            ["db", "reset"] => Ok(Command::DbReset),
            ["db", "drop"] => Ok(Command::DbDrop),
            ["help" | "--help" | "-h"] => Err(USAGE.to_owned()),
            _ => Err(format!("unknown command: {}\n{USAGE}", words.join(" "))),
        }
    }

    pub async fn run(self, config: Config) -> Result<(), StartupError> {
        match self {
            Command::Serve => {
                let leptos_options = get_configuration(None)
                    .map_err(|error| StartupError::Leptos(error.to_string()))?
                    .leptos_options;
                let app = Application::build(config, leptos_options).await?;
                app.run_until_stopped().await.map_err(StartupError::Serve)
            }
            Command::MigrateUp => {
                let pool = db::prepare(&config).await?;
                pool.close().await;
                Ok(())
            }
            Command::MigrateDown { target } => {
                let pool = db::connect(&config).await?;
                db::migrate_down(&pool, target).await?;
                pool.close().await;
                Ok(())
            }
            Command::Seed => {
                if !config.demo_data {
                    return Err(StartupError::Refused(
                        "demo data is off (DEMO_DATA=false or APP_ENV=production)".into(),
                    ));
                }
                let pool = db::prepare(&config).await?;
                seed::load_demo_data(&pool).await?;
                pool.close().await;
                Ok(())
            }
            Command::DbReset => {
                if config.app_env.is_production() {
                    return Err(StartupError::Refused(
                        "db reset is refused when APP_ENV=production".into(),
                    ));
                }
                db::drop_database(&config.database).await?;
                let pool = db::prepare(&config).await?;
                if config.demo_data {
                    seed::load_demo_data(&pool).await?;
                }
                pool.close().await;
                Ok(())
            }
            Command::DbDrop => {
                if config.app_env.is_production() {
                    return Err(StartupError::Refused(
                        "db drop is refused when APP_ENV=production".into(),
                    ));
                }
                db::drop_database(&config.database).await?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command, String> {
        Command::parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn no_arguments_serve() {
        assert_eq!(parse(""), Ok(Command::Serve));
    }

    #[test]
    fn migrate_down_takes_an_optional_version() {
        assert_eq!(
            parse("migrate down"),
            Ok(Command::MigrateDown { target: None })
        );
        assert_eq!(
            parse("migrate down 0"),
            Ok(Command::MigrateDown { target: Some(0) })
        );
        assert!(parse("migrate down latest").is_err());
    }

    #[test]
    fn unknown_commands_show_the_usage() {
        let error = parse("frobnicate").unwrap_err();
        assert!(error.contains("unknown command: frobnicate"));
        assert!(error.contains("usage:"));
    }
}
