//! One module a page; each component's name ends in `Page`.
mod account;
mod admin_pictures;
mod admin_users;
mod auth_form;
mod book;
mod home;
mod hotel;
mod login;
mod manage;
mod my_bookings;
mod not_found;
mod register;
mod search;

pub use account::AccountPage;
pub use admin_pictures::AdminPicturesPage;
pub use admin_users::AdminUsersPage;
pub use book::BookPage;
pub use home::HomePage;
pub use hotel::HotelPage;
pub use login::LoginPage;
pub use manage::ManagePage;
pub use my_bookings::MyBookingsPage;
pub use not_found::NotFoundPage;
pub use register::RegisterPage;
pub use search::SearchPage;
