//! The jobs page's server functions, for admins: the queues' figures with the jobs given up
//! on, and retrying or discarding one. Each asks `server::job_queues`, which checks on the
//! server that the reader is an admin.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::jobs::JobsOverview;

/// Every queue's figures and the newest jobs given up on.
#[server(endpoint = "admin_jobs")]
pub async fn admin_jobs() -> Result<JobsOverview, AppError> {
    use super::back_office::edge;
    use crate::server::{job_queues, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        job_queues::overview(&state, &staff).await
    }
    .await
    .map_err(with_status)
}

/// Retries or discards a job given up on; a plain post goes back to the jobs page.
#[server(endpoint = "job_action")]
pub async fn job_action(queue: String, id: String, action: String) -> Result<(), AppError> {
    use super::back_office::edge;
    use crate::error::InputError;
    use crate::model::jobs::{JobAction, JobQueue, JobsError};
    use crate::server::{forms::finish_form, job_queues};

    let result = async {
        let (state, staff) = edge::staff().await?;
        staff.require_admin()?;
        let invalid = |error| AppError::Invalid(InputError::Jobs(error));
        let queue = JobQueue::parse(queue.trim()).ok_or_else(|| invalid(JobsError::Queue))?;
        let action = JobAction::parse(action.trim()).ok_or_else(|| invalid(JobsError::Action))?;
        let id = id.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
        job_queues::act(&state, &staff, queue, id, action).await
    }
    .await;
    finish_form(result, "/admin/jobs?form=jobs", "/admin/jobs?saved=1").map(|_| ())
}
