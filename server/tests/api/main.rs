//! Integration tests: the real server on a random port, each test with a database of its own
//! on the local PostgreSQL (created and dropped by `helpers`), and the local Redis.
mod accounts;
mod api_v1;
mod auth;
mod back_office;
mod bookings;
mod cache;
mod calendar;
mod catalog;
mod database;
mod desk;
mod errors;
mod health;
mod helpers;
mod holds;
mod imports;
mod jobs;
mod lifecycle;
mod load;
mod mail;
mod pages;
mod pictures;
mod rates;
mod security;
mod seed;
mod server_fns;
mod slow_clients;
