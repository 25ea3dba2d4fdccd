//! One module a page; each component's name ends in `Page`. The back office's pages and the
//! saved hotels are lazy routes (below): their code is loaded when one is first opened.
mod account;
mod admin_audit;
mod admin_booking;
mod admin_bookings;
mod admin_calendar;
mod admin_figures;
mod admin_home;
mod admin_hotel;
mod admin_hotels;
mod admin_jobs;
mod admin_pictures;
mod admin_room;
mod admin_users;
mod auth_form;
mod book;
mod forgot_password;
mod home;
mod hotel;
mod login;
mod manage;
mod my_bookings;
mod not_found;
mod register;
mod reset_password;
mod saved;
mod search;

pub use account::AccountPage;
use admin_audit::AdminAuditPage;
use admin_booking::AdminBookingPage;
use admin_bookings::AdminBookingsPage;
use admin_calendar::AdminCalendarPage;
use admin_figures::AdminFiguresPage;
use admin_home::AdminHomePage;
use admin_hotel::AdminHotelPage;
use admin_hotels::AdminHotelsPage;
use admin_jobs::AdminJobsPage;
use admin_pictures::AdminPicturesPage;
use admin_room::AdminRoomPage;
use admin_users::AdminUsersPage;
pub use book::BookPage;
pub use forgot_password::ForgotPasswordPage;
pub use home::HomePage;
pub use hotel::HotelPage;
pub use login::LoginPage;
pub use manage::ManagePage;
pub use my_bookings::MyBookingsPage;
pub use not_found::NotFoundPage;
pub use register::RegisterPage;
pub use reset_password::ResetPasswordPage;
use saved::SavedPage;
pub use search::SearchPage;

/// Makes each back-office page a lazy route: with `cargo leptos --split` its code (and what
/// only it uses: its server functions' client side, its components) goes to a wasm chunk of its
/// own, fetched when the page is first opened (the server's HTML preloads it), so a guest's
/// first load carries none of the back office. Without `--split` nothing changes.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("The route of [`", stringify!($page), "`], loaded when first opened.")]
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_route: Self) -> leptos::prelude::AnyView {
                leptos::prelude::IntoAny::into_any($page())
            }
        }
    )*};
}

lazy_pages! {
    AdminAudit => AdminAuditPage,
    AdminBooking => AdminBookingPage,
    AdminBookings => AdminBookingsPage,
    AdminCalendar => AdminCalendarPage,
    AdminFigures => AdminFiguresPage,
    AdminHome => AdminHomePage,
    AdminHotel => AdminHotelPage,
    AdminHotels => AdminHotelsPage,
    AdminJobs => AdminJobsPage,
    AdminPictures => AdminPicturesPage,
    AdminRoom => AdminRoomPage,
    AdminUsers => AdminUsersPage,
    Saved => SavedPage,
}
