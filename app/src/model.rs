//! Domain types shared by the wasm client and the server: plain serde types, no database knowledge.
pub mod location;
pub mod navigation;
pub mod user;

pub use location::{LocationError, LocationQuery};
pub use user::{Email, EmailError, Password, PasswordError, Role, User};
