//! Builds the application: state, routes, middleware, listener.
use std::{io, net::SocketAddr, sync::Arc, time::Duration};

use app::{
    app::{App, shell},
    server::{
        accounts::{self, Auth, session::resolve_session},
        alerts, bookings,
        cache::Cache,
        catalog,
        config::Config,
        live::Live,
        pictures::{MediaDirError, Pictures, media::Media},
        state::AppState,
    },
};
use axum::{
    Router,
    handler::Handler,
    http::Request,
    middleware,
    routing::{get, post},
};
use leptos::{
    config::LeptosOptions,
    prelude::{provide_context, use_context},
};
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use tokio::net::TcpListener;
use tower_http::{
    LatencyUnit,
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    services::ServeDir,
    timeout::RequestBodyTimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::http_server::REQUEST_ID;
use crate::{
    api_v1, db, desk_export, health, http_server, limits, listen, live_routes, locale, metrics,
    picture_routes, security, seed,
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("Leptos configuration: {0}")]
    Leptos(String),
    #[error(transparent)]
    Listen(#[from] crate::listen::ListenError),
    #[error("server: {0}")]
    Serve(io::Error),
    #[error(transparent)]
    MediaDir(#[from] MediaDirError),
    #[error(transparent)]
    DbSetup(#[from] crate::db::DbSetupError),
    #[error("{0}")]
    Refused(String),
    /// A command's service call failed; the message carries the cause (the CLI's edge).
    #[error("{doing}: {}", .source.chain())]
    Failed {
        doing: String,
        #[source]
        source: app::error::AppError,
    },
}

impl StartupError {
    /// Maps a service's error to the failure of the command `doing`.
    pub fn failed(doing: impl Into<String>) -> impl FnOnce(app::error::AppError) -> Self {
        let doing = doing.into();
        move |source| StartupError::Failed { doing, source }
    }
}

/// A bound, ready-to-run server. Port 0 in `site_addr` picks a free port (tests).
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    pictures: Pictures,
}

impl Application {
    /// Prepares the database (create, migrate, demo data), connects Redis, and binds the listener.
    pub async fn build(
        config: Config,
        leptos_options: LeptosOptions,
    ) -> Result<Self, StartupError> {
        if config.jwt.secret_generated {
            tracing::warn!(
                "JWT_SECRET_KEY is not set: using a random key, so logins end when the server restarts"
            );
        }
        let db = db::prepare(&config).await?;
        if config.demo_data {
            seed::load_demo_data(&db).await?;
        }
        let cache = Cache::connect(config.redis_url.as_deref(), &config.redis_prefix).await;
        let auth = Auth::new(&config, cache.clone())
            .await
            .map_err(|error| StartupError::Refused(format!("authentication set-up: {error}")))?;
        let pictures = Pictures::from_config(db.clone(), cache.clone(), &config)?;
        let addr = leptos_options.site_addr;
        let media = Media::scan(std::path::Path::new(leptos_options.site_root.as_ref()));
        let live = Live::start(&cache);
        let clock = app::server::clock::Clock::system().with_horizon(config.booking_horizon_days);
        let state = AppState {
            leptos_options,
            db,
            cache,
            config: Arc::new(config),
            auth: Arc::new(auth),
            media: Arc::new(media),
            search_index: Arc::default(),
            clock,
            delivered: Default::default(),
            live,
        };
        let listener = listen::listener(addr).await?;
        Ok(Application {
            router: router(state.clone(), pictures.clone()),
            listener,
            state,
            pictures,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound TCP listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn pictures(&self) -> &Pictures {
        &self.pictures
    }

    /// Serves until SIGINT/SIGTERM, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` resolves, then lets in-flight requests finish.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        tracing::info!("listening on http://{}", self.local_addr());
        let relay = tokio::spawn(housekeeping(self.state.clone()));
        let trusted = self.state.config.trusted_proxies.clone();
        // Open live streams end with the stop, or the graceful stop would wait for them.
        let live = self.state.live.clone();
        let stop = async move {
            stop.await;
            live.close();
        };
        http_server::serve(self.listener, self.router, trusted, stop).await;
        relay.abort();
        self.state.db.close().await;
        Ok(())
    }
}

/// A standalone worker's routes (`WORKER_ADDR`): its liveness, readiness and metrics.
pub fn worker_router(probes: health::Probes) -> Router {
    Router::new()
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(metrics::scrape))
        .with_state(probes)
}

/// Every second, drops the logged cache invalidations this process delivered itself
/// (`catalog::forget_delivered`), then delivers to Redis those nobody could deliver yet (see
/// `catalog::deliver_invalidations`); every minute, drops the ones too old to matter, the
/// revocations of tokens that have expired and expired holds, and announces freed rooms to the
/// guests waiting for them (`alerts::check`).
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for round in 0u64.. {
        tick.tick().await;
        if let Err(error) = catalog::forget_delivered(&state).await {
            tracing::debug!(error = %error.chain(), "delivered invalidations left for the relay");
        }
        match catalog::deliver_invalidations(&state.db, &state.cache).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "delayed cache invalidations delivered"),
            Err(error) => {
                tracing::debug!(error = %error.chain(), "cache invalidations not delivered yet")
            }
        }
        if round % 60 == 0 {
            let purged = tokio::join!(
                catalog::purge_old_invalidations(&state.db),
                accounts::purge_revoked_sessions(&state.db),
                bookings::purge_expired_holds(&state.db),
                alerts::check(&state),
            );
            if let (Err(error), _, _, _)
            | (_, Err(error), _, _)
            | (_, _, Err(error), _)
            | (_, _, _, Err(error)) = purged
            {
                tracing::debug!(error = %error.chain(), "housekeeping not done this round");
            }
        }
    }
}

/// All routes: health, locale switch, server functions, pages, static files and the 404 page.
pub fn router(state: AppState, pictures: Pictures) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let provide_state = move || {
        provide_context(context_state.clone());
        provide_request_nonce();
    };
    let policy = security::Policy::new(state.config.app_env.is_production(), &state.config.app_url);
    let server_fn_state = state.clone();
    let leptos_options = state.leptos_options.clone();

    Router::new()
        .route("/health", get(health::health))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(metrics::scrape))
        .route("/auth/session", get(health::session))
        .route(app::components::LOCALE_ENDPOINT, post(locale::set_locale))
        .route(
            "/api/{*fn_name}",
            post(move |request| {
                let state = server_fn_state.clone();
                handle_server_fns_with_context(move || provide_context(state.clone()), request)
            }),
        )
        .nest(
            "/api/v1",
            api_v1::routes().layer(middleware::from_fn(metrics::label_route)),
        )
        .route("/docs", get(api_v1::openapi::docs_page))
        .merge(picture_routes::routes(state.clone(), pictures.clone()))
        .merge(desk_export::routes())
        .merge(live_routes::routes())
        .nest_service(
            app::model::picture::PICTURES_URL_PATH,
            picture_routes::serve(pictures.store.pictures_dir()),
        )
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let leptos_options = leptos_options.clone();
            move || shell(leptos_options.clone())
        })
        // The site's files (the wasm bundle and its chunks, precompressed, and `public/`), then
        // the 404 page for anything else. Files are served here rather than by Leptos's file
        // handler: that one builds a reactive owner under whatever owner the worker thread last
        // ran, so a file's answer could take another request's status and headers (a 422 on
        // `booking.js` broke hydration in the browser tests; a `Set-Cookie` would be worse).
        .fallback_service(
            ServeDir::new(leptos_options.site_root.as_ref())
                .precompressed_br()
                .precompressed_gzip()
                .call_fallback_on_method_not_allowed(true)
                .fallback(
                    leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                        provide_state,
                        shell,
                    )
                    .with_state(state.clone()),
                ),
        )
        .layer(middleware::from_fn(metrics::label_route))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            resolve_session,
        ))
        // Server functions are routed by `leptos_routes_with_context` (one route each), so
        // their body rules wrap the whole router and pick them out by path.
        .layer(middleware::from_fn(limits::server_fn_body))
        .layer(middleware::from_fn(limits::page_render_watchdog))
        .layer(CatchPanicLayer::custom(security::panic_response))
        .layer(RequestBodyTimeoutLayer::new(limits::BODY_TIMEOUT))
        .layer(middleware::from_fn_with_state(
            policy.clone(),
            security::refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(policy, security::headers))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-");
                    // `route` and `user` are filled in once known (`metrics::label_route`,
                    // `resolve_session`).
                    tracing::info_span!(
                        "request",
                        id,
                        method = %request.method(),
                        path = %request.uri().path(),
                        route = tracing::field::Empty,
                        user = tracing::field::Empty,
                        status = tracing::field::Empty,
                    )
                })
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn(metrics::track))
        .with_state(state)
}

/// Hands Leptos the request's script nonce (set by [`security::headers`]), so the page's inline
/// scripts carry the value its Content-Security-Policy names.
fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<security::ScriptNonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// SIGINT or SIGTERM; afterwards the process exits within 20 s whatever still runs.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
    // Give the graceful shutdown a bound so a stuck connection cannot hold the process.
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(20)).await;
        tracing::warn!("in-flight requests did not finish in 20 s; exiting");
        std::process::exit(1);
    });
}
