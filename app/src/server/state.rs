use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use super::accounts::auth::Auth;
use super::catalog::Delivered;
use super::catalog::search_index::SearchIndex;
use super::live::Live;
use super::{cache::Cache, clock::Clock, config::Config, pictures::media::Media};

/// Everything a request needs, built once at start-up and shared by handlers, pages and
/// server functions (provided to Leptos as context).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: PgPool,
    pub cache: Cache,
    pub config: Arc<Config>,
    pub auth: Arc<Auth>,
    pub media: Arc<Media>,
    pub search_index: Arc<SearchIndex>,
    /// "Today" for every date rule.
    pub clock: Clock,
    /// Booking changes whose cache invalidations this process delivered (their log rows go in
    /// the next housekeeping round).
    pub delivered: Delivered,
    /// Open pages' live availability (see [`super::live`]).
    pub live: Live,
}
