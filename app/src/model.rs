//! Domain types shared by the wasm client and the server: plain serde types, no database knowledge.
pub mod location;

pub use location::{LocationError, LocationQuery};
