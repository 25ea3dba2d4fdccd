//! What the login and sign-up pages share: the error to show and where to go afterwards.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;
use crate::model::navigation::local_path;

/// Query parameters a no-JavaScript form post comes back with.
pub struct FormQuery {
    pub error: Option<AppError>,
    pub email: String,
    pub return_to: String,
}

pub fn form_query() -> FormQuery {
    let query = use_query_map().get_untracked();
    let error = query.get("error").and_then(|code| {
        AppError::from_query(
            &code,
            query.get("field"),
            query.get("reason"),
            query.get("retry_after").and_then(|secs| secs.parse().ok()),
        )
    });
    FormQuery {
        error,
        email: query.get("email").unwrap_or_default(),
        return_to: local_path(query.get("return_to").as_deref()).to_owned(),
    }
}

/// The error to show: the latest submission's, else the one the page was loaded with.
pub fn latest_error<T>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    initial: Option<AppError>,
) -> Signal<Option<AppError>> {
    Signal::derive(move || match value.get() {
        Some(Err(error)) => Some(error),
        Some(Ok(_)) => None,
        None => initial.clone(),
    })
}

/// The error a plain form post came back with, and which of a page's forms sent it (`?form=`;
/// none: the page's main form), so only that form shows it.
#[derive(Debug, Clone)]
pub struct FormErrors {
    error: Option<AppError>,
    form: String,
}

impl FormErrors {
    pub fn of_page() -> Self {
        let form = use_query_map()
            .with_untracked(|query| query.get("form"))
            .unwrap_or_default();
        FormErrors {
            error: form_query().error,
            form,
        }
    }

    /// The error for form `name` ("": the page's main form).
    pub fn of(&self, name: &str) -> Option<AppError> {
        (self.form == name).then(|| self.error.clone()).flatten()
    }
}
