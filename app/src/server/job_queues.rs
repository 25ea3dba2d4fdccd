//! The jobs page's work, for admins: how the worker's queues stand, and retrying or
//! discarding a job given up on. Each action is one transaction with its audit entry; the
//! queues' own rules (what a retry resets, what a discard keeps) live with the queues
//! (`notifications`, `pictures`).
mod repo;

pub use self::repo::DueWaits;

use serde_json::json;
use sqlx::PgConnection;

use self::repo::JobQueueRepo;
use super::audit::{self, Change, Object};
use super::staff::Staff;
use super::state::AppState;
use super::{catalog, notifications, pictures};
use crate::error::{AppError, InputError};
use crate::model::jobs::{
    GIVEN_UP_SHOWN, JobAction, JobQueue, JobsError, JobsOverview, QueueFigures,
};
use crate::model::{HotelId, PictureId};

/// Every queue's figures and the newest jobs given up on in each.
pub async fn overview(state: &AppState, staff: &Staff) -> Result<JobsOverview, AppError> {
    staff.require_admin()?;
    let repo = JobQueueRepo::new(&state.db);
    let (queues, failed_emails, failed_pictures) = tokio::try_join!(
        figures(&state.db),
        repo.given_up_emails(GIVEN_UP_SHOWN),
        repo.given_up_pictures(GIVEN_UP_SHOWN),
    )?;
    Ok(JobsOverview {
        queues,
        given_up: failed_emails.into_iter().chain(failed_pictures).collect(),
    })
}

/// Every queue's figures (the jobs page, with its admin check, and metrics).
pub async fn figures(db: &sqlx::PgPool) -> Result<Vec<QueueFigures>, AppError> {
    let repo = JobQueueRepo::new(db);
    let (emails, pictures) = tokio::try_join!(repo.email_figures(), repo.picture_figures())?;
    Ok(vec![emails, pictures])
}

/// How long each queue's oldest due job has waited (readiness: is a worker taking jobs?).
pub async fn due_waits(db: &sqlx::PgPool) -> Result<DueWaits, AppError> {
    JobQueueRepo::new(db).due_waits().await
}

/// Retries or discards job `id` of `queue`, which must be given up on: `NotNow` (409) when it
/// is not (any more: another admin, or a resend of every failed email, got there first).
pub async fn act(
    state: &AppState,
    staff: &Staff,
    queue: JobQueue,
    id: i64,
    action: JobAction,
) -> Result<(), AppError> {
    staff.require_admin()?;
    let mut tx = state.db.begin().await?;
    let Some((object, hotel_id, before)) = settle(&mut tx, queue, id, action).await? else {
        // Gone (a discarded picture) or never there: not found; there but not given up on
        // (any more): a conflict.
        return Err(if JobQueueRepo::exists(&mut tx, queue, id).await? {
            AppError::Invalid(InputError::Jobs(JobsError::NotNow))
        } else {
            AppError::NotFound
        });
    };
    let before = with_state(before, "given_up");
    let after = json!({ "state": if action == JobAction::Retry { "queued" } else { "discarded" } });
    let change = Change::new(audit_action(action), object, hotel_id)
        .before(&before)
        .after(&after);
    audit::record(&mut tx, &staff.user, change).await?;
    tx.commit().await?;
    if queue == JobQueue::Pictures {
        // A picture's state is part of the catalog pages keep.
        catalog::changes_committed(&state.db, &state.cache).await;
    }
    tracing::info!(
        queue = queue.as_str(),
        job = id,
        action = action.as_str(),
        "job settled"
    );
    Ok(())
}

/// Retries or discards the job within `tx`: what it was, for the audit entry; `None` when it is
/// not given up on.
async fn settle(
    tx: &mut PgConnection,
    queue: JobQueue,
    id: i64,
    action: JobAction,
) -> Result<Option<(Object, Option<HotelId>, serde_json::Value)>, AppError> {
    Ok(match queue {
        JobQueue::Emails => match action {
            JobAction::Retry => notifications::resend_one(tx, id).await?,
            JobAction::Discard => notifications::discard(tx, id).await?,
        }
        .map(|email| {
            let before = json!({
                "kind": email.kind, "attempts": email.attempts, "last_error": email.last_error,
            });
            (Object::Email(email.id), email.hotel_id, before)
        }),
        JobQueue::Pictures => {
            let Some(id) = i32::try_from(id).ok().filter(|id| *id > 0) else {
                return Ok(None);
            };
            match action {
                JobAction::Retry => pictures::retry_failed(tx, PictureId::from(id)).await?,
                JobAction::Discard => pictures::discard_failed(tx, PictureId::from(id)).await?,
            }
            .map(|picture| (Object::Picture(picture.id), picture.hotel_id, json!({})))
        }
    })
}

fn with_state(mut value: serde_json::Value, state: &str) -> serde_json::Value {
    if let Some(fields) = value.as_object_mut() {
        fields.insert("state".to_owned(), json!(state));
    }
    value
}

fn audit_action(action: JobAction) -> &'static str {
    match action {
        JobAction::Retry => "job.retry",
        JobAction::Discard => "job.discard",
    }
}
