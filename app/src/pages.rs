//! One module a page; each component's name ends in `Page`.
mod account;
mod admin_users;
mod auth_form;
mod home;
mod hotel;
mod login;
mod not_found;
mod register;
mod search;

pub use account::AccountPage;
pub use admin_users::AdminUsersPage;
pub use home::HomePage;
pub use hotel::HotelPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use register::RegisterPage;
pub use search::SearchPage;
