//! `/admin/jobs`, for admins: how the worker's queues stand (waiting, retrying, given up, the
//! oldest waiting) and the jobs given up on with their last error, each with a form to retry
//! or discard it. The forms are plain POSTs that work without JavaScript.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::auth_form::{FormErrors, latest_error};
use crate::api::jobs::{JobAction as JobActionFn, admin_jobs};
use crate::components::{FormError, PageTitle, RequireUser, email_kind_label, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::jobs::{GivenUpJob, JobAction, JobQueue, JobsOverview, QueueFigures};

#[component]
pub fn AdminJobsPage() -> impl IntoView {
    let i18n = use_i18n();
    let act = ServerAction::<JobActionFn>::new();
    let overview = Resource::new(move || act.version().get(), |_| admin_jobs());
    view! {
        <PageTitle text=move || t_string!(i18n, jobs_title).to_string()/>
        <RequireUser admin=true children=move |_admin: User| {
            view! {
                <section class="back-office admin-jobs">
                    <p><a href="/admin">{t!(i18n, back_office_title)}</a></p>
                    <h1>{t!(i18n, jobs_title)}</h1>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || overview.get().map(|result| match result {
                            Ok(overview) => view! { <Overview overview act/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

fn queue_name(queue: JobQueue) -> String {
    let i18n = use_i18n();
    match queue {
        JobQueue::Emails => t_string!(i18n, jobs_queue_emails).to_string(),
        JobQueue::Pictures => t_string!(i18n, jobs_queue_pictures).to_string(),
    }
}

#[component]
fn Overview(overview: JobsOverview, act: ServerAction<JobActionFn>) -> impl IntoView {
    let i18n = use_i18n();
    let saved = use_query_map().with_untracked(|query| query.get("saved").is_some());
    let error = latest_error(act.value(), FormErrors::of_page().of("jobs"));
    let queues = overview
        .queues
        .into_iter()
        .map(|figures| view! { <QueueRow figures/> })
        .collect_view();
    let given_up = if overview.given_up.is_empty() {
        view! { <p class="muted" data-testid="jobs-none">{t!(i18n, jobs_none_given_up)}</p> }
            .into_any()
    } else {
        let rows = overview
            .given_up
            .into_iter()
            .map(|job| view! { <GivenUpRow job act/> })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="table" data-testid="jobs-given-up">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, jobs_queue)}</th>
                            <th scope="col">{t!(i18n, jobs_what)}</th>
                            <th scope="col">{t!(i18n, jobs_attempts)}</th>
                            <th scope="col">{t!(i18n, jobs_last_error)}</th>
                            <th scope="col">{t!(i18n, jobs_given_up_at)}</th>
                            <th scope="col">{t!(i18n, users_actions)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, users_saved)}</p> })}
        <FormError error/>
        <div class="table-scroll">
            <table class="table" data-testid="jobs-queues">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, jobs_queue)}</th>
                        <th scope="col" class="number">{t!(i18n, jobs_waiting)}</th>
                        <th scope="col" class="number">{t!(i18n, jobs_retrying)}</th>
                        <th scope="col" class="number">{t!(i18n, jobs_given_up)}</th>
                        <th scope="col">{t!(i18n, jobs_oldest)}</th>
                    </tr>
                </thead>
                <tbody>{queues}</tbody>
            </table>
        </div>
        <h2>{t!(i18n, jobs_given_up_title)}</h2>
        {given_up}
    }
}

#[component]
fn QueueRow(figures: QueueFigures) -> impl IntoView {
    let oldest = figures.oldest.map(|at| {
        view! {
            <time datetime=at.to_rfc3339()>{crate::components::utc_time(at)}</time>
        }
    });
    view! {
        <tr data-testid=format!("queue-{}", figures.queue.as_str())>
            <th scope="row">{queue_name(figures.queue)}</th>
            <td class="number" data-testid="waiting">{figures.waiting}</td>
            <td class="number" data-testid="retrying">{figures.retrying}</td>
            <td class="number" data-testid="given-up">{figures.given_up}</td>
            <td>{oldest}</td>
        </tr>
    }
}

/// A job given up on, what it is about and a form per action.
#[component]
fn GivenUpRow(job: GivenUpJob, act: ServerAction<JobActionFn>) -> impl IntoView {
    let i18n = use_i18n();
    let what = match job.queue {
        JobQueue::Emails => email_kind_label(&job.what),
        JobQueue::Pictures => match job.what.as_str() {
            "hotel" => t_string!(i18n, jobs_picture_hotel).to_string(),
            "room" => t_string!(i18n, jobs_picture_room).to_string(),
            other => other.to_owned(),
        },
    };
    let subject = match job.link {
        Some(href) => view! { <a href=href>{job.subject.clone()}</a> }.into_any(),
        None => view! { <span>{job.subject.clone()}</span> }.into_any(),
    };
    let (queue, id) = (job.queue.as_str(), job.id.to_string());
    let forms = JobAction::ALL
        .into_iter()
        .map(|action| {
            let (label, class) = match action {
                JobAction::Retry => (t_string!(i18n, jobs_retry), "button"),
                JobAction::Discard => (t_string!(i18n, jobs_discard), "button button-danger"),
            };
            let aria = format!("{label}: {} #{id}", queue_name(job.queue));
            let id = id.clone();
            view! {
                <ActionForm action=act attr:class="inline-form">
                    <input type="hidden" name="queue" value=queue/>
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="action" value=action.as_str()/>
                    <button type="submit" class=class aria-label=aria
                        data-testid=format!("job-{}", action.as_str())>
                        {label}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <tr data-testid="given-up-job" data-queue=queue data-id=job.id.to_string()>
            <td>{queue_name(job.queue)}</td>
            <td>{what} " " {subject}</td>
            <td class="number">{job.attempts}</td>
            <td class="job-error">{job.last_error.unwrap_or_default()}</td>
            <td>
                <time datetime=job.given_up_at.to_rfc3339()>
                    {crate::components::utc_time(job.given_up_at)}
                </time>
            </td>
            <td><div class="row-actions">{forms}</div></td>
        </tr>
    }
}
