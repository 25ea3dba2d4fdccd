//! One module a page; each component's name ends in `Page`.
mod home;
mod not_found;

pub use home::HomePage;
pub use not_found::NotFoundPage;
