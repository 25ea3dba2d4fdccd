//! The booking server: wiring of the axum app, the database set-up and the command line.
pub mod api_v1;
pub mod bench;
pub mod cli;
pub mod db;
pub mod desk_export;
pub mod generate;
pub mod health;
pub mod http_server;
pub mod jobs;
pub mod limits;
pub mod locale;
pub mod mail;
pub mod picture_routes;
pub mod security;
pub mod seed;
pub mod startup;
pub mod telemetry;
