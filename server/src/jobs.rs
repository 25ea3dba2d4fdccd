//! The apalis worker: drains the email outbox (`notifications`) every second, queues the
//! check-in reminders every few minutes, makes the sizes of uploaded pictures (every second)
//! and sweeps picture files nothing names (hourly). It runs inside the server process by default and
//! alone with `server worker`; both run this code.
//!
//! Delivery is at least once, and once under normal operation: a claimed row is leased, the
//! email sent, then the row marked sent. Only a crash between sending and marking repeats an
//! email (after the lease runs out). A failure is retried with exponential backoff and, after
//! [`MAX_ATTEMPTS`], marked failed (logged, and counted in `/health`), never dropped silently.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use apalis::prelude::*;
use apalis_cron::{CronScheduler, Tick};
use app::server::db::notifications::{Notification, NotificationRepo};
use sqlx::PgPool;

use crate::mail::{MailError, Mailer};
use crate::pictures::Pictures;

/// Attempts before an email is given up on.
pub const MAX_ATTEMPTS: i32 = 6;
/// Emails claimed per tick.
const BATCH: i64 = 20;
/// How long a claim holds before another worker may take the row (a crashed worker's claim).
const LEASE_SECS: i64 = 120;
/// The outbox is looked at every second; reminders are queued every five minutes.
const DRAIN_SCHEDULE: &str = "* * * * * *";
const REMINDER_SCHEDULE: &str = "0 */5 * * * *";
/// Uploaded pictures are looked for every second; unreferenced files are swept every hour.
const PICTURES_SCHEDULE: &str = "* * * * * *";
const SWEEP_SCHEDULE: &str = "0 17 * * * *";

/// What the jobs need.
#[derive(Clone)]
pub struct JobContext {
    pub db: PgPool,
    pub mailer: Mailer,
    pub app_url: Arc<str>,
    pub pictures: Pictures,
}

/// The wait before retry `attempt` (1-based): 2, 4, 8, 16, 32 s; `None` when attempts are used up.
pub fn retry_delay(attempt: i32) -> Option<i64> {
    (attempt < MAX_ATTEMPTS).then(|| 1i64 << attempt.clamp(1, 20))
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Sends every due email (in batches) and records each outcome.
pub async fn drain_outbox(context: &JobContext) -> Result<DrainReport, app::error::AppError> {
    let repo = NotificationRepo::new(&context.db);
    let mut report = DrainReport::default();
    loop {
        let claimed = repo.claim_due(BATCH, LEASE_SECS).await?;
        if claimed.is_empty() {
            return Ok(report);
        }
        for notification in &claimed {
            deliver(context, &repo, notification, &mut report).await?;
        }
    }
}

async fn deliver(
    context: &JobContext,
    repo: &NotificationRepo<'_>,
    notification: &Notification,
    report: &mut DrainReport,
) -> Result<(), app::error::AppError> {
    // A reminder for a booking cancelled after it was queued is simply not sent.
    if notification.cancelled && notification.kind.starts_with("reminder") {
        return repo.mark_sent(notification.id).await;
    }
    match context.mailer.send(notification, &context.app_url).await {
        Ok(()) => {
            tracing::info!(notification = notification.id, kind = %notification.kind, booking = notification.booking_id, "email sent");
            report.sent += 1;
            repo.mark_sent(notification.id).await
        }
        Err(error) => {
            let retry = (!error.is_permanent())
                .then(|| retry_delay(notification.attempts))
                .flatten();
            record_failure(repo, notification, &error, retry, report).await
        }
    }
}

async fn record_failure(
    repo: &NotificationRepo<'_>,
    notification: &Notification,
    error: &MailError,
    retry: Option<i64>,
    report: &mut DrainReport,
) -> Result<(), app::error::AppError> {
    match retry {
        Some(secs) => {
            tracing::warn!(notification = notification.id, attempt = notification.attempts, retry_in_secs = secs, %error, "email not sent, will retry");
            report.retried += 1;
        }
        None => {
            tracing::error!(notification = notification.id, kind = %notification.kind, booking = notification.booking_id, attempts = notification.attempts, %error, "email failed for good");
            report.failed += 1;
        }
    }
    repo.mark_failed(notification.id, &error.to_string(), retry)
        .await
}

async fn drain_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    drain_outbox(&context).await?;
    Ok(())
}

async fn reminders_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    let queued = NotificationRepo::new(&context.db)
        .queue_reminders(app::server::today())
        .await?;
    if queued > 0 {
        tracing::info!(queued, "check-in reminders queued");
    }
    Ok(())
}

async fn pictures_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    context.pictures.process_due().await?;
    Ok(())
}

async fn sweep_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    let removed = context.pictures.sweep().await?;
    if removed > 0 {
        tracing::info!(removed, "unreferenced picture files removed");
    }
    Ok(())
}

fn schedule(expression: &str) -> cron::Schedule {
    // The expressions are constants of this file; a test parses them.
    cron::Schedule::from_str(expression).expect("a valid cron expression")
}

/// Runs the outbox and reminder workers until `shutdown` resolves; in-flight emails finish
/// first (apalis waits for running jobs).
pub async fn run(
    context: JobContext,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), BoxDynError> {
    let drain_context = context.clone();
    let pictures_context = context.clone();
    let sweep_context = context.clone();
    Monitor::new()
        .register(move |_| {
            WorkerBuilder::new("email-outbox")
                .backend(CronScheduler::new(schedule(DRAIN_SCHEDULE)))
                .data(drain_context.clone())
                .build(drain_tick)
        })
        .register(move |_| {
            WorkerBuilder::new("check-in-reminders")
                .backend(CronScheduler::new(schedule(REMINDER_SCHEDULE)))
                .data(context.clone())
                .build(reminders_tick)
        })
        .register(move |_| {
            WorkerBuilder::new("picture-sizes")
                .backend(CronScheduler::new(schedule(PICTURES_SCHEDULE)))
                .data(pictures_context.clone())
                .build(pictures_tick)
        })
        .register(move |_| {
            WorkerBuilder::new("picture-sweep")
                .backend(CronScheduler::new(schedule(SWEEP_SCHEDULE)))
                .data(sweep_context.clone())
                .build(sweep_tick)
        })
        .shutdown_timeout(Duration::from_secs(20))
        .run_with_signal(async move {
            shutdown.await;
            Ok(())
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse() {
        schedule(DRAIN_SCHEDULE);
        schedule(REMINDER_SCHEDULE);
        schedule(PICTURES_SCHEDULE);
        schedule(SWEEP_SCHEDULE);
    }

    #[test]
    fn retries_back_off_then_stop() {
        assert_eq!(retry_delay(1), Some(2));
        assert_eq!(retry_delay(5), Some(32));
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
    }
}
