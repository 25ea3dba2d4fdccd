//! Data-mapper repositories: SQL lives here and maps rows to the shared `model` types.
pub mod bookings;
pub mod hotels;
pub mod imports;
pub mod invalidations;
pub mod leases;
pub mod notifications;
pub mod pictures;
pub mod rooms;
pub mod users;
