//! Data-mapper repositories: SQL lives here and maps rows to the shared `model` types.
pub mod hotels;
pub mod rooms;
pub mod users;
