//! Database lifecycle: create it if missing, connect, migrate up and down, drop.
use std::time::Duration;

use app::server::config::{Config, is_plain_identifier};
use sqlx::{
    AssertSqlSafe, Connection, Executor, PgConnection, PgPool,
    migrate::{MigrateError, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
};

/// Why the database could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] MigrateError),
    #[error("database name '{0}' must be letters, digits, '_' or '-'")]
    BadName(String),
}

/// The reversible migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Creates the database if needed, connects, and applies pending migrations.
pub async fn prepare(config: &Config) -> Result<PgPool, DbSetupError> {
    ensure_database(&config.database).await?;
    let pool = connect(config).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

pub async fn connect(config: &Config) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(config.db_pool_size)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(config.database.clone())
        .await
}

/// Whether every migration this binary knows has been applied (a newer one, applied for the
/// next release before its processes start, is fine: migrations keep the previous release
/// working).
pub async fn migrated(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let Some(expected) = MIGRATOR.iter().map(|migration| migration.version).max() else {
        return Ok(true);
    };
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?;
    Ok(applied.is_some_and(|applied| applied >= expected))
}

/// Reverts the latest migration, or every migration newer than `target`.
pub async fn migrate_down(pool: &PgPool, target: Option<i64>) -> Result<(), MigrateError> {
    let target = match target {
        Some(target) => target,
        None => {
            let applied: Vec<i64> = sqlx::query_scalar(
                "SELECT version FROM _sqlx_migrations ORDER BY version DESC LIMIT 2",
            )
            .fetch_all(pool)
            .await
            .map_err(MigrateError::Execute)?;
            applied.get(1).copied().unwrap_or(0)
        }
    };
    MIGRATOR.undo(pool, target).await
}

/// A connection to the server's maintenance database, to create or drop ours.
async fn maintenance_connection(options: &PgConnectOptions) -> Result<PgConnection, sqlx::Error> {
    match PgConnection::connect_with(&options.clone().database("postgres")).await {
        Ok(connection) => Ok(connection),
        Err(_) => PgConnection::connect_with(&options.clone().database("template1")).await,
    }
}

fn database_name(options: &PgConnectOptions) -> Result<&str, DbSetupError> {
    let name = options.get_database().unwrap_or("postgres");
    // The name goes into DDL, which takes no parameters: only plain names get there.
    if is_plain_identifier(name) {
        Ok(name)
    } else {
        Err(DbSetupError::BadName(name.to_owned()))
    }
}

pub async fn ensure_database(options: &PgConnectOptions) -> Result<(), DbSetupError> {
    let name = database_name(options)?;
    let mut connection = maintenance_connection(options).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut connection)
            .await?;
    if !exists {
        let create = format!("CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0");
        match connection.execute(AssertSqlSafe(create)).await {
            Ok(_) => tracing::info!(database = name, "created the database"),
            // Another process created it between our check and our CREATE.
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42P04") => {}
            Err(error) => return Err(error.into()),
        }
    }
    connection.close().await?;
    Ok(())
}

pub async fn drop_database(options: &PgConnectOptions) -> Result<(), DbSetupError> {
    let name = database_name(options)?;
    let mut connection = maintenance_connection(options).await?;
    let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    connection.execute(AssertSqlSafe(drop)).await?;
    connection.close().await?;
    tracing::info!(database = name, "dropped the database");
    Ok(())
}
