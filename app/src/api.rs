//! Server functions, one module a domain. Each parses its input, then calls server-only code.
pub mod accounts;
pub mod auth;
pub mod back_office;
pub mod bookings;
pub mod calendar;
pub mod desk;
pub mod hotels;
pub mod jobs;
pub mod pictures;
pub mod wishlist;
