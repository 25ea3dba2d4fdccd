//! The apalis worker: drains the email outbox (`notifications`) every second, queues the
//! check-in reminders every few minutes, makes the sizes of uploaded pictures (every second)
//! and sweeps picture files nothing names (hourly). It runs inside the server process by default and
//! alone with `server worker`; both run this code.
//!
//! Delivery: each email is claimed alone under a lease renewed while it is sent (`leases`), so
//! a slow SMTP server never lets a second worker take it, and a killed worker's email is free
//! again within the lease (20 s). After the SMTP server accepted a message, recording "sent" is
//! retried until the database answers (a restart of PostgreSQL does not resend it); only a
//! worker that dies in that gap, or a database away for longer than the lease while another
//! worker is ready, can send a second copy, and that copy carries the same `Message-ID`, so
//! mail clients show one message. A failure is retried with exponential backoff capped at
//! 30 minutes for three days (as mail servers do), then the email is marked failed: logged,
//! shown as degraded in `/health`, and put back by `server mail resend`. Nothing is dropped.
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apalis::prelude::*;
use apalis_cron::{CronScheduler, Tick};
use app::error::AppError;
use app::server::accounts::recovery;
use app::server::alerts;
use app::server::clock::Clock;
use app::server::metrics::metrics;
use app::server::notifications::{self, Notification, next_retry};
use app::server::queue::{self, JobTable};
use chrono::Utc;
use sqlx::PgPool;
use tracing::Instrument;

use crate::mail::{MailError, Mailer};
use app::server::pictures::Pictures;

/// Recording "sent" is retried this long (the database restarting) before giving up on it.
const RECORD_SENT_FOR: Duration = Duration::from_secs(10 * 60);
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

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Sends every due email, one at a time, and records each outcome: booking emails, then the
/// "a room is free" ones, then password resets.
pub async fn drain_outbox(context: &JobContext) -> Result<DrainReport, AppError> {
    let mut report = DrainReport::default();
    while let Some(notification) = notifications::claim_next(&context.db).await? {
        let claimed = Claimed {
            id: notification.id,
            kind: &notification.kind,
            attempts: notification.attempts,
            retry_until: notification.retry_until,
        };
        let span = email_span(&claimed);
        let outcome = queue::hold_while(
            &context.db,
            JobTable::Notifications,
            notification.id,
            send(context, &notification),
        )
        .instrument(span.clone())
        .await;
        record(&context.db, &claimed, outcome, &mut report)
            .instrument(span)
            .await?;
    }
    while let Some(alert) = alerts::claim_next(&context.db).await? {
        let claimed = Claimed {
            id: alert.id,
            kind: "room_free",
            attempts: alert.attempts,
            retry_until: alert.retry_until,
        };
        let span = email_span(&claimed);
        let sent = context.mailer.send_alert(&alert, &context.app_url);
        let outcome = queue::hold_while(&context.db, JobTable::Notifications, alert.id, async {
            sent.await.map_or_else(Outcome::Failed, |()| Outcome::Sent)
        })
        .instrument(span.clone())
        .await;
        record(&context.db, &claimed, outcome, &mut report)
            .instrument(span)
            .await?;
    }
    while let Some(reset) = recovery::claim_next(&context.db).await? {
        let claimed = Claimed {
            id: reset.id,
            kind: "password_reset",
            attempts: reset.attempts,
            retry_until: reset.retry_until,
        };
        let span = email_span(&claimed);
        // A link used or expired since, or an account disabled: nothing worth sending.
        let outcome = if reset.stale {
            Outcome::Skipped
        } else {
            let sent = context.mailer.send_reset(&reset, &context.app_url);
            queue::hold_while(&context.db, JobTable::Notifications, reset.id, async {
                sent.await.map_or_else(Outcome::Failed, |()| Outcome::Sent)
            })
            .instrument(span.clone())
            .await
        };
        record(&context.db, &claimed, outcome, &mut report)
            .instrument(span)
            .await?;
    }
    Ok(report)
}

/// One email's span: its lines (and trace) name the outbox row and its kind.
fn email_span(claimed: &Claimed<'_>) -> tracing::Span {
    tracing::info_span!(
        "job",
        job = "email",
        id = claimed.id,
        kind = claimed.kind,
        attempt = claimed.attempts + 1
    )
}

/// The outbox row an email was claimed from: what recording its outcome needs.
struct Claimed<'a> {
    id: i64,
    kind: &'a str,
    attempts: i32,
    retry_until: chrono::DateTime<Utc>,
}

/// What became of one email.
enum Outcome {
    Sent,
    /// A reminder for a booking cancelled or changed after it was queued (a changed booking is
    /// reminded of its new dates under its new sequence), or a reset link no longer usable:
    /// rightly never sent.
    Skipped,
    Failed(MailError),
}

async fn send(context: &JobContext, notification: &Notification) -> Outcome {
    let stale = notification.cancelled || notification.sequence < notification.current_sequence;
    if stale && notification.kind.starts_with("reminder") {
        return Outcome::Skipped;
    }
    match context.mailer.send(notification, &context.app_url).await {
        Ok(()) => Outcome::Sent,
        Err(error) => Outcome::Failed(error),
    }
}

async fn record(
    db: &PgPool,
    claimed: &Claimed<'_>,
    outcome: Outcome,
    report: &mut DrainReport,
) -> Result<(), AppError> {
    match outcome {
        Outcome::Sent => {
            tracing::info!(notification = claimed.id, kind = claimed.kind, "email sent");
            report.sent += 1;
            metrics().emails.get(&"sent").inc();
            record_sent(db, claimed.id).await
        }
        Outcome::Skipped => {
            metrics().emails.get(&"skipped").inc();
            record_sent(db, claimed.id).await
        }
        Outcome::Failed(error) => {
            let retry = (!error.is_permanent())
                .then(|| next_retry(claimed.attempts, claimed.retry_until, Utc::now()))
                .flatten();
            record_failure(db, claimed, &error, retry, report).await
        }
    }
}

/// Marks the email sent, retrying while the database is away: the message has left, and a
/// row left unmarked would be sent again once its lease ran out.
async fn record_sent(db: &PgPool, id: i64) -> Result<(), AppError> {
    let started = Instant::now();
    let mut wait = Duration::from_millis(100);
    loop {
        match notifications::mark_sent(db, id).await {
            Ok(()) => return Ok(()),
            Err(error) if started.elapsed() < RECORD_SENT_FOR => {
                tracing::warn!(notification = id, error = %error.chain(), "email sent but not recorded yet; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
            Err(error) => {
                tracing::error!(notification = id, error = %error.chain(), "email sent but never recorded: it may be sent again (same Message-ID)");
                return Err(error);
            }
        }
    }
}

async fn record_failure(
    db: &PgPool,
    claimed: &Claimed<'_>,
    error: &MailError,
    retry: Option<i64>,
    report: &mut DrainReport,
) -> Result<(), AppError> {
    match retry {
        Some(secs) => {
            tracing::warn!(notification = claimed.id, attempt = claimed.attempts, retry_in_secs = secs, %error, "email not sent, will retry");
            report.retried += 1;
            metrics().emails.get(&"retried").inc();
        }
        None => {
            tracing::error!(notification = claimed.id, kind = claimed.kind, attempts = claimed.attempts, %error, "email failed for good");
            report.failed += 1;
            metrics().emails.get(&"failed").inc();
        }
    }
    notifications::mark_failed(db, claimed.id, &error.to_string(), retry).await
}

/// The edge of a job run that began at `started`: timed and counted by outcome (metrics), and a
/// failure's cause is logged here, once, then handed to apalis.
fn finished(
    job: &'static str,
    started: Instant,
    result: Result<(), AppError>,
) -> Result<(), BoxDynError> {
    let outcome = if result.is_ok() { "ok" } else { "error" };
    metrics()
        .jobs
        .get(&(job, outcome))
        .observe(started.elapsed());
    result.map_err(|error| {
        error.log();
        error.into()
    })
}

async fn drain_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    let started = Instant::now();
    finished(
        "email-outbox",
        started,
        drain_outbox(&context).await.map(drop),
    )
}

async fn reminders_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    let started = Instant::now();
    let queued = notifications::queue_reminders(&context.db, Clock::system().today()).await;
    if let Ok(queued @ 1..) = queued {
        tracing::info!(queued, "check-in reminders queued");
    }
    finished("check-in-reminders", started, queued.map(drop))
}

async fn pictures_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    let started = Instant::now();
    finished(
        "picture-sizes",
        started,
        context.pictures.process_due().await.map(drop),
    )
}

async fn sweep_tick(_tick: Tick, context: Data<JobContext>) -> Result<(), BoxDynError> {
    let started = Instant::now();
    let removed = context.pictures.sweep().await;
    if let Ok(removed @ 1..) = removed {
        tracing::info!(removed, "unreferenced picture files removed");
    }
    finished("picture-sweep", started, removed.map(drop))
}

fn schedule(expression: &str) -> cron::Schedule {
    // The expressions are constants of this file; a test parses them.
    cron::Schedule::from_str(expression).expect("a valid cron expression")
}

/// Registers a worker that runs `handler` on `schedule` with the job context. (A macro: the
/// worker's type, which `Monitor::register` needs spelled out in full, stays inferred.)
macro_rules! every {
    ($monitor:expr, $name:literal, $schedule:expr, $context:expr, $handler:path) => {{
        let context = $context.clone();
        $monitor.register(move |_| {
            WorkerBuilder::new($name)
                .backend(CronScheduler::new(schedule($schedule)))
                .data(context.clone())
                .build($handler)
        })
    }};
}

/// Runs the outbox and reminder workers until `shutdown` resolves; in-flight emails finish
/// first (apalis waits for running jobs).
pub async fn run(
    context: JobContext,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), BoxDynError> {
    // One line per job kind: its name, its schedule, its handler.
    let monitor = Monitor::new();
    let monitor = every!(monitor, "email-outbox", DRAIN_SCHEDULE, context, drain_tick);
    let monitor = every!(
        monitor,
        "check-in-reminders",
        REMINDER_SCHEDULE,
        context,
        reminders_tick
    );
    let monitor = every!(
        monitor,
        "picture-sizes",
        PICTURES_SCHEDULE,
        context,
        pictures_tick
    );
    let monitor = every!(
        monitor,
        "picture-sweep",
        SWEEP_SCHEDULE,
        context,
        sweep_tick
    );
    monitor
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
    use app::server::notifications::retry_delay;

    #[test]
    fn schedules_parse() {
        schedule(DRAIN_SCHEDULE);
        schedule(REMINDER_SCHEDULE);
        schedule(PICTURES_SCHEDULE);
        schedule(SWEEP_SCHEDULE);
    }

    #[test]
    fn retries_back_off_up_to_half_an_hour() {
        assert_eq!(retry_delay(1), 30);
        assert_eq!(retry_delay(2), 60);
        assert_eq!(retry_delay(6), 960);
        assert_eq!(retry_delay(7), 1800);
        assert_eq!(retry_delay(500), 1800);
    }

    #[test]
    fn an_email_is_retried_for_three_days() {
        let queued = Utc::now();
        let retry_until = queued + chrono::Duration::days(3);
        // Tries at the scheduled times: 30 s, 1 min, ... then every 30 min.
        let (mut now, mut tries, mut attempts) = (queued, 0, 0);
        loop {
            attempts += 1;
            tries += 1;
            match next_retry(attempts, retry_until, now) {
                Some(delay) => now += chrono::Duration::seconds(delay),
                None => break,
            }
        }
        let lasted = now - queued;
        assert!(lasted > chrono::Duration::hours(71), "{lasted}");
        assert!(lasted <= chrono::Duration::days(3));
        assert!((140..160).contains(&tries), "{tries} attempts");
    }
}
