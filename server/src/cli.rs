//! `server [serve | migrate up | migrate down [VERSION] | seed | db reset | db drop]`.
use std::io::BufRead;

use app::model::{Email, Password, Role, SearchParams};
use app::server::pictures::Pictures;
use app::server::{accounts, cache::Cache, catalog, config::Config, notifications};
use leptos::config::get_configuration;

use crate::generate::{self, CatalogSize};
use crate::health::Probes;
use crate::jobs::{self, JobContext};
use crate::mail::Mailer;
use crate::probe::{self, Probe};
use crate::startup::{shutdown_signal, worker_router};
use crate::{db, http_server, listen, seed, startup::Application, startup::StartupError};

pub const USAGE: &str =
    "usage: server [serve | migrate up | migrate down [VERSION] | seed | db reset | db drop]
  serve [--no-worker] create the database if needed, migrate, load demo data, serve, and run
                     the email worker in the same process (default) unless --no-worker
  worker             run only the email worker (outbox and reminders), for scale
  migrate up         apply pending migrations
  migrate down [V]   revert the last migration, or every migration after version V (0: all)
  seed               load the demo data (once; never with APP_ENV=production)
  db reset           drop and recreate the database, migrate, load demo data
  db drop            drop the database
  create-admin EMAIL create an admin (or promote a user); password from ADMIN_PASSWORD or stdin
  set-role EMAIL R   make a user an admin or a plain user again
  disable-user EMAIL end a user's sessions and refuse their sign-ins (enable-user EMAIL undoes it)
  generate-catalog [HOTELS ROOMS_PER_HOTEL BOOKINGS]
                     add a generated catalog for load tests (default 10000 10 1000000)
  explain-search PLACE DATE_FROM DATE_TO
                     print the executed plan of a hotel search (PLACE may be empty)
  bench-pictures [RUNS]
                     time making every size of a 4000x3000 JPEG (median of RUNS, default 7)
  mail resend [ID...]
                     queue emails given up on again (the ones named, or all), with three
                     more days of retries
  healthcheck [live|ready]
                     ask this host's server for /health/live (default) or /health/ready;
                     exit 0 on 200 (the container image's health check)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve { worker: bool },
    Worker,
    MigrateUp,
    MigrateDown { target: Option<i64> },
    Seed,
    DbReset,
    DbDrop,
    CreateAdmin { email: Email },
    SetRole { email: Email, role: Role },
    GenerateCatalog { size: CatalogSize },
    ExplainSearch { params: SearchParams },
    BenchPictures { runs: usize },
    MailResend { ids: Vec<i64> },
    SetDisabled { email: Email, disabled: bool },
    Healthcheck { probe: Probe },
}

impl Command {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let args: Vec<String> = args.into_iter().collect();
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        match words.as_slice() {
            [] | ["serve"] => Ok(Command::Serve { worker: true }),
            ["serve", "--no-worker"] => Ok(Command::Serve { worker: false }),
            ["worker"] => Ok(Command::Worker),
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
            ["create-admin", email] => Ok(Command::CreateAdmin {
                email: email_arg(email)?,
            }),
            ["set-role", email, role] => Ok(Command::SetRole {
                role: Role::parse(role)
                    .ok_or_else(|| format!("set-role: '{role}' is not user or admin\n{USAGE}"))?,
                email: email_arg(email)?,
            }),
            ["generate-catalog"] => Ok(Command::GenerateCatalog {
                size: CatalogSize::LARGE,
            }),
            ["generate-catalog", hotels, rooms_per_hotel, bookings] => {
                let number = |raw: &str| {
                    raw.parse::<u32>()
                        .map_err(|_| format!("generate-catalog: '{raw}' is not a count\n{USAGE}"))
                };
                Ok(Command::GenerateCatalog {
                    size: CatalogSize {
                        hotels: number(hotels)?,
                        rooms_per_hotel: number(rooms_per_hotel)?,
                        bookings: number(bookings)?,
                    },
                })
            }
            ["explain-search", location, date_from, date_to] => Ok(Command::ExplainSearch {
                params: SearchParams {
                    location: Some(location.to_string()),
                    date_from: Some(date_from.to_string()),
                    date_to: Some(date_to.to_string()),
                    ..SearchParams::default()
                },
            }),
            ["bench-pictures"] => Ok(Command::BenchPictures { runs: 7 }),
            ["bench-pictures", runs] => match runs.parse::<usize>() {
                Ok(runs) if runs > 0 => Ok(Command::BenchPictures { runs }),
                _ => Err(format!("bench-pictures: '{runs}' is not a count\n{USAGE}")),
            },
            ["disable-user", email] => Ok(Command::SetDisabled {
                email: email_arg(email)?,
                disabled: true,
            }),
            ["enable-user", email] => Ok(Command::SetDisabled {
                email: email_arg(email)?,
                disabled: false,
            }),
            ["mail", "resend", ids @ ..] => ids
                .iter()
                .map(|raw| match raw.parse::<i64>() {
                    Ok(id) if id > 0 => Ok(id),
                    _ => Err(format!("mail resend: '{raw}' is not an email id\n{USAGE}")),
                })
                .collect::<Result<_, _>>()
                .map(|ids| Command::MailResend { ids }),
            ["healthcheck"] => Ok(Command::Healthcheck { probe: Probe::Live }),
            ["healthcheck", which] => Probe::parse(which)
                .map(|probe| Command::Healthcheck { probe })
                .ok_or_else(|| format!("healthcheck: '{which}' is not live or ready\n{USAGE}")),
            ["help" | "--help" | "-h"] => Err(USAGE.to_owned()),
            _ => Err(format!("unknown command: {}\n{USAGE}", words.join(" "))),
        }
    }

    pub async fn run(self, config: Config) -> Result<(), StartupError> {
        match self {
            Command::Serve { worker } => {
                let leptos_options = get_configuration(None)
                    .map_err(|error| StartupError::Leptos(error.to_string()))?
                    .leptos_options;
                let app = Application::build(config.clone(), leptos_options).await?;
                if !worker {
                    return app.run_until_stopped().await.map_err(StartupError::Serve);
                }
                let jobs = job_context(app.state().db.clone(), app.pictures().clone(), &config)?;
                let stop = Stop::on_signal();
                let (served, worked) =
                    tokio::join!(app.run_until(stop.wait()), jobs::run(jobs, stop.wait()));
                worked.map_err(|error| StartupError::Refused(format!("worker: {error}")))?;
                served.map_err(StartupError::Serve)
            }
            Command::Worker => {
                let pool = db::prepare(&config).await?;
                let cache = Cache::connect(config.redis_url.as_deref(), &config.redis_prefix).await;
                let pictures = Pictures::from_config(pool.clone(), cache.clone(), &config)?;
                let jobs = job_context(pool.clone(), pictures, &config)?;
                let listener = match config.worker_addr {
                    Some(addr) => Some(listen::listener(addr).await?),
                    None => None,
                };
                let stop = Stop::on_signal();
                let probes = Probes {
                    db: pool.clone(),
                    cache,
                    config: std::sync::Arc::new(config.clone()),
                };
                let answer_probes = async {
                    if let Some(listener) = listener {
                        tracing::info!("worker probes on http://{:?}", listener.local_addr());
                        let trusted = config.trusted_proxies.clone();
                        http_server::serve(listener, worker_router(probes), trusted, stop.wait())
                            .await;
                    }
                };
                let (worked, ()) = tokio::join!(jobs::run(jobs, stop.wait()), answer_probes);
                worked.map_err(|error| StartupError::Refused(format!("worker: {error}")))?;
                pool.close().await;
                Ok(())
            }
            Command::Healthcheck { probe } => {
                let site_addr = get_configuration(None)
                    .map_err(|error| StartupError::Leptos(error.to_string()))?
                    .leptos_options
                    .site_addr;
                probe::check(site_addr, probe)
                    .await
                    .map_err(StartupError::Refused)
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
            Command::GenerateCatalog { size } => {
                if config.app_env.is_production() {
                    return Err(StartupError::Refused(
                        "generate-catalog is refused when APP_ENV=production".into(),
                    ));
                }
                let pool = db::prepare(&config).await?;
                let started = std::time::Instant::now();
                generate::generate_catalog(&pool, size).await?;
                println!(
                    "generated {} hotels, {} room types, {} bookings in {:.1} s",
                    size.hotels,
                    u64::from(size.hotels) * u64::from(size.rooms_per_hotel),
                    size.bookings,
                    started.elapsed().as_secs_f64()
                );
                pool.close().await;
                Ok(())
            }
            Command::BenchPictures { runs } => {
                let report = tokio::task::spawn_blocking(move || crate::bench::pictures::run(runs))
                    .await
                    .map_err(|error| StartupError::Refused(format!("bench-pictures: {error}")))?
                    .map_err(|error| StartupError::Refused(format!("bench-pictures: {error}")))?;
                let millis: Vec<String> = report
                    .runs
                    .iter()
                    .map(|run| format!("{:.0}", run.as_secs_f64() * 1000.0))
                    .collect();
                println!(
                    "4000x3000 JPEG ({} KiB) -> 4 sizes x WebP+JPEG: median {:.0} ms (runs: {} ms); peak RSS {} MiB",
                    report.source_bytes / 1024,
                    report.median().as_secs_f64() * 1000.0,
                    millis.join(", "),
                    report
                        .peak_rss_kib
                        .map_or("?".into(), |kib| (kib / 1024).to_string()),
                );
                println!(
                    "  of which decoding the original: median {:.0} ms",
                    report.decode.as_secs_f64() * 1000.0
                );
                for size in &report.sizes {
                    println!(
                        "  {} wide {:?}: {} KiB, SSIM {:.4} against the uncompressed size",
                        size.width,
                        size.format,
                        size.bytes / 1024,
                        size.ssim
                    );
                }
                Ok(())
            }
            Command::ExplainSearch { params } => {
                let search = params
                    .parse(app::server::clock::Clock::system().window())
                    .map_err(|error| StartupError::Refused(format!("explain-search: {error}")))?;
                let pool = db::prepare(&config).await?;
                let plan = catalog::explain::explain_search(&pool, &search)
                    .await
                    .map_err(StartupError::failed("explain-search"))?;
                println!("{plan}");
                pool.close().await;
                Ok(())
            }
            Command::CreateAdmin { email } => {
                let password = admin_password()?;
                let pool = db::prepare(&config).await?;
                let admin = accounts::create_admin(&pool, &email, &password)
                    .await
                    .map_err(StartupError::failed("create-admin"))?;
                println!("{} is an admin (user {})", admin.email, admin.id);
                Ok(())
            }
            Command::SetDisabled { email, disabled } => {
                let pool = db::prepare(&config).await?;
                let user = accounts::set_disabled(&pool, &email, disabled)
                    .await
                    .map_err(StartupError::failed(email.to_string()))?;
                let state = if disabled { "disabled" } else { "enabled" };
                println!("{} (user {}) is {state}", user.email, user.id);
                pool.close().await;
                Ok(())
            }
            Command::MailResend { ids } => {
                let pool = db::prepare(&config).await?;
                let queued = notifications::resend_failed(&pool, &ids)
                    .await
                    .map_err(StartupError::failed("mail resend"))?;
                println!("{queued} email(s) queued again");
                pool.close().await;
                Ok(())
            }
            Command::SetRole { email, role } => {
                let pool = db::prepare(&config).await?;
                let user = accounts::set_role(&pool, &email, role)
                    .await
                    .map_err(StartupError::failed(format!("set-role {email}")))?;
                println!("{} is now {}", user.email, user.role.as_str());
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

/// An email argument, parsed here like any other edge parses it.
fn email_arg(raw: &str) -> Result<Email, String> {
    Email::parse(raw).map_err(|error| format!("{raw}: {error}\n{USAGE}"))
}

/// `ADMIN_PASSWORD`, or the first line of standard input (never a command-line argument, which
/// other users of the machine could see).
fn admin_password() -> Result<Password, StartupError> {
    let parse = |raw: &str| {
        Password::parse(raw).map_err(|error| StartupError::Refused(format!("password: {error}")))
    };
    if let Ok(password) = std::env::var("ADMIN_PASSWORD") {
        return parse(&password);
    }
    eprintln!("password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| StartupError::Refused(format!("cannot read the password: {error}")))?;
    parse(line.trim_end_matches(['\r', '\n']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command, String> {
        Command::parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn no_arguments_serve_with_the_worker() {
        assert_eq!(parse(""), Ok(Command::Serve { worker: true }));
        assert_eq!(
            parse("serve --no-worker"),
            Ok(Command::Serve { worker: false })
        );
        assert_eq!(parse("worker"), Ok(Command::Worker));
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
    fn set_role_takes_a_known_role() {
        assert_eq!(
            parse("set-role a@b.cd admin"),
            Ok(Command::SetRole {
                email: Email::parse("a@b.cd").unwrap(),
                role: Role::Admin
            })
        );
        assert!(parse("set-role a@b.cd root").is_err());
        assert!(parse("set-role not-an-email admin").is_err());
    }

    #[test]
    fn healthcheck_asks_live_unless_told_ready() {
        assert_eq!(
            parse("healthcheck"),
            Ok(Command::Healthcheck { probe: Probe::Live })
        );
        assert_eq!(
            parse("healthcheck ready"),
            Ok(Command::Healthcheck {
                probe: Probe::Ready
            })
        );
        assert!(parse("healthcheck dead").is_err());
    }

    #[test]
    fn unknown_commands_show_the_usage() {
        let error = parse("frobnicate").unwrap_err();
        assert!(error.contains("unknown command: frobnicate"));
        assert!(error.contains("usage:"));
    }
}

fn job_context(
    db: sqlx::PgPool,
    pictures: Pictures,
    config: &Config,
) -> Result<JobContext, StartupError> {
    let mailer = Mailer::from_config(config)
        .map_err(|error| StartupError::Refused(format!("mail: {error}")))?;
    Ok(JobContext {
        db,
        mailer,
        app_url: config.app_url.as_str().into(),
        pictures,
    })
}

/// One SIGINT/SIGTERM shared by the HTTP server and the worker.
#[derive(Clone)]
struct Stop(tokio::sync::watch::Receiver<bool>);

impl Stop {
    fn on_signal() -> Self {
        let (sender, receiver) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = sender.send(true);
        });
        Stop(receiver)
    }

    fn wait(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut receiver = self.0.clone();
        async move {
            let _ = receiver.wait_for(|stopped| *stopped).await;
        }
    }
}
