//! The current user, resolved at most once per request and shared by pages, server functions
//! and HTTP handlers. The token is checked for every request (cheap); the user row is loaded
//! only when something asks for it.
use std::{net::SocketAddr, sync::Arc};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use tokio::sync::OnceCell;

use super::cookie::token_from;
use crate::error::AppError;
use crate::model::User;
use crate::server::{db::users::UserRepo, state::AppState};

/// What the request's token says, plus the user row once loaded.
#[derive(Clone, Default)]
pub struct Session {
    user_id: Option<i32>,
    user: Arc<OnceCell<Option<User>>>,
}

impl Session {
    pub fn new(user_id: Option<i32>) -> Self {
        Session {
            user_id,
            user: Arc::default(),
        }
    }

    /// Whether the request carries a valid token (without asking the database).
    pub fn has_valid_token(&self) -> bool {
        self.user_id.is_some()
    }

    /// The signed-in user. A valid token of a deleted user counts as signed out.
    pub async fn user(&self, state: &AppState) -> Result<Option<User>, AppError> {
        let Some(id) = self.user_id else {
            return Ok(None);
        };
        self.user
            .get_or_try_init(|| async { UserRepo::new(&state.db).find_by_id(id).await })
            .await
            .cloned()
    }
}

/// Middleware: reads the token once and leaves a [`Session`] in the request extensions.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let user_id = token_from(request.headers()).and_then(|token| state.auth.jwt.verify(token));
    request.extensions_mut().insert(Session::new(user_id));
    next.run(request).await
}

/// The request the current server function or page serves.
fn request_parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The client address of the current request, when known.
pub fn client_addr() -> Option<std::net::IpAddr> {
    request_parts()?
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or(AppError::Internal)
}

/// The signed-in user of the current request, for server functions and pages.
pub async fn current_user() -> Result<Option<User>, AppError> {
    let state = app_state()?;
    let session = request_parts()
        .and_then(|parts| parts.extensions.get::<Session>().cloned())
        .unwrap_or_default();
    session.user(&state).await
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> Result<User, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// A signed-in admin, or `Unauthorized` / `Forbidden`.
pub async fn require_admin() -> Result<User, AppError> {
    let user = require_user().await?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}
