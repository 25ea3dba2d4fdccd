//! The worker's queues as an admin watches them on the jobs page: how much waits, retries and
//! was given up on, the jobs given up with their last error, and what may be done to one
//! (retry it or discard it; the rule is here, the server applies it).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Given-up jobs listed per queue, newest first (the counts say how many there are in all).
pub const GIVEN_UP_SHOWN: i64 = 100;

/// A queue the worker drains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobQueue {
    /// The outbox: booking emails, reminders and room alerts.
    Emails,
    /// Uploaded pictures waiting for their sizes.
    Pictures,
}

impl JobQueue {
    pub const ALL: [JobQueue; 2] = [JobQueue::Emails, JobQueue::Pictures];

    pub fn as_str(self) -> &'static str {
        match self {
            JobQueue::Emails => "email",
            JobQueue::Pictures => "picture",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|queue| queue.as_str() == raw)
    }
}

/// How a queue stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFigures {
    pub queue: JobQueue,
    /// Not tried yet.
    pub waiting: i64,
    /// Failed at least once, to be tried again.
    pub retrying: i64,
    /// Failed for good (and not discarded).
    pub given_up: i64,
    /// When the oldest job still to do (waiting or retrying) was queued: a stuck worker shows
    /// here first.
    pub oldest: Option<DateTime<Utc>>,
}

/// A job the worker gave up on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenUpJob {
    pub queue: JobQueue,
    pub id: i64,
    /// An email's kind (`confirmation`, `room_free`, ...), or a picture's owner (`hotel`,
    /// `room`).
    pub what: String,
    /// The booking's reference, the alert's hotel or the picture's owner, by name.
    pub subject: String,
    /// The back-office page of what the job is about, if it has one.
    pub link: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub given_up_at: DateTime<Utc>,
}

/// The jobs page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsOverview {
    /// One per queue, in [`JobQueue::ALL`]'s order.
    pub queues: Vec<QueueFigures>,
    /// Per queue, the newest [`GIVEN_UP_SHOWN`] given up.
    pub given_up: Vec<GivenUpJob>,
}

/// What an admin may do to a job given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobAction {
    /// Back in its queue with a fresh set of attempts.
    Retry,
    /// Out of the given-up list for good: an email stays unsent (the booking's page still
    /// lists it), a picture goes (its owner shows none until another is uploaded).
    Discard,
}

impl JobAction {
    pub const ALL: [JobAction; 2] = [JobAction::Retry, JobAction::Discard];

    pub fn as_str(self) -> &'static str {
        match self {
            JobAction::Retry => "retry",
            JobAction::Discard => "discard",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
    }
}

/// What is wrong with an action on a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum JobsError {
    #[error("queue: email or picture")]
    Queue,
    #[error("action: retry or discard")]
    Action,
    /// The job is no longer given up on (another admin retried or discarded it, or a resend
    /// of every failed email took it).
    #[error("the job is no longer given up on")]
    NotNow,
}

impl JobsError {
    pub const ALL: [JobsError; 3] = [JobsError::Queue, JobsError::Action, JobsError::NotNow];

    /// A stable code (carried in URLs after a no-JavaScript post).
    pub fn code(self) -> &'static str {
        match self {
            JobsError::Queue => "queue",
            JobsError::Action => "action",
            JobsError::NotNow => "not_now",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|error| error.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for queue in JobQueue::ALL {
            assert_eq!(JobQueue::parse(queue.as_str()), Some(queue));
        }
        for action in JobAction::ALL {
            assert_eq!(JobAction::parse(action.as_str()), Some(action));
        }
        for error in JobsError::ALL {
            assert_eq!(JobsError::from_code(error.code()), Some(error));
        }
        assert_eq!(JobQueue::parse("emails"), None);
        assert_eq!(JobAction::parse("Retry"), None);
    }
}
