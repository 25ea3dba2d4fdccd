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

use super::cookie::{ACCESS_COOKIE, cookie_token, session_cookie, token_from};
use super::jwt::SessionToken;
use super::repo::UserRepo;
use crate::error::AppError;
use crate::model::User;
use crate::server::state::AppState;

/// What the request's token says, plus the user row once loaded.
#[derive(Clone, Default)]
pub struct Session {
    token: Option<SessionToken>,
    user: Arc<OnceCell<Option<User>>>,
}

impl Session {
    pub fn new(token: Option<SessionToken>) -> Self {
        Session {
            token,
            user: Arc::default(),
        }
    }

    /// The request's valid (signed, unexpired) token, if any.
    pub fn token(&self) -> Option<&SessionToken> {
        self.token.as_ref()
    }

    /// The signed-in user. A valid token counts as signed out when its session ended: signed
    /// out, password changed since, account disabled or deleted.
    pub async fn user(&self, state: &AppState) -> Result<Option<User>, AppError> {
        let Some(token) = &self.token else {
            return Ok(None);
        };
        self.user
            .get_or_try_init(|| async {
                UserRepo::new(&state.db)
                    .find_by_session(token.user_id, token.started_at, &token.id)
                    .await
            })
            .await
            .cloned()
    }

    /// The signed-in user, or `Unauthorized`.
    pub async fn require_user(&self, state: &AppState) -> Result<User, AppError> {
        self.user(state).await?.ok_or(AppError::Unauthorized)
    }

    /// The signed-in admin: `Unauthorized` for nobody, `Forbidden` for anyone else. The one
    /// admin check of pages, server functions, the HTTP API and the upload routes.
    pub async fn require_admin(&self, state: &AppState) -> Result<User, AppError> {
        let user = self.require_user(state).await?;
        if user.is_admin() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Middleware: reads the token once and leaves a [`Session`] in the request extensions. A
/// browser's session slides: when its cookie's token is past half its life, the response
/// carries a fresh one of the same session (unless the response signs in or out itself), so a
/// guest in the middle of a checkout is never signed out while active. API clients (Bearer)
/// sign in again instead.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = token_from(request.headers()).and_then(|token| state.auth.jwt.verify(token));
    let renewal = token
        .as_ref()
        .filter(|_| cookie_token(request.headers()).is_some())
        .and_then(|token| {
            state
                .auth
                .jwt
                .renewal(token, chrono::Utc::now().timestamp())
        });
    if let Some(token) = &token {
        // The request's log lines name who made it (the request span leaves room for it).
        tracing::Span::current().record("user", token.user_id.get());
    }
    request.extensions_mut().insert(Session::new(token));
    let mut response = next.run(request).await;
    match renewal {
        Some(Ok(renewed)) if !sets_session_cookie(&response) => {
            let cookie = session_cookie(
                &renewed.token,
                renewed.max_age_secs,
                state.auth.secure_cookies,
            );
            if let Ok(value) = http::HeaderValue::from_str(&cookie) {
                response
                    .headers_mut()
                    .append(http::header::SET_COOKIE, value);
            }
        }
        Some(Err(error)) => error.log(),
        _ => {}
    }
    response
}

/// Whether the response signs in or out itself (its cookie wins).
fn sets_session_cookie(response: &Response) -> bool {
    response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.starts_with(&format!("{ACCESS_COOKIE}=")))
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
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("reading the shared state", "no AppState in the context"))
}

/// The session of the current request, for server functions and pages.
pub fn current_session() -> Session {
    request_parts()
        .and_then(|parts| parts.extensions.get::<Session>().cloned())
        .unwrap_or_default()
}

/// The signed-in user of the current request, for server functions and pages.
pub async fn current_user() -> Result<Option<User>, AppError> {
    let state = app_state()?;
    current_session().user(&state).await
}

/// The signed-in user of the current request, or `Unauthorized`.
pub async fn require_user() -> Result<User, AppError> {
    current_session().require_user(&app_state()?).await
}

/// The signed-in admin of the current request (see [`Session::require_admin`]).
pub async fn require_admin() -> Result<User, AppError> {
    current_session().require_admin(&app_state()?).await
}
