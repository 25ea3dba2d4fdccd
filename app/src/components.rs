//! Reusable pieces of the layout and pages.
mod account_menu;
mod auth_fields;
mod back_office;
mod booking_card;
mod catalog;
mod error_message;
mod footer;
mod header;
mod language_switch;
mod live_rooms;
mod page_title;
mod require_user;
mod search_form;
mod wishlist;

pub use account_menu::AccountMenu;
pub use auth_fields::{EmailField, PasswordField, SubmitButton};
pub use back_office::{
    DeskBookings, DeskStatusBadge, DeskStatusText, History, HotelFields, RoomFields,
    email_kind_label,
};
pub use booking_card::{BookingCard, CancellationNote};
pub use catalog::{
    NightlyPrices, Picture, RoomGuests, RoomLayoutLine, RoomsLeft, ServiceList, StayTotal,
    catalog_description, catalog_text, day, money, on_day, short_day, utc_time, weekday_short,
};
pub use error_message::{FieldError, FormError, error_text, failed, refusal_text, set_status};
pub use footer::Footer;
pub use header::Header;
pub use language_switch::{LOCALE_ENDPOINT, LanguageSwitch};
pub use live_rooms::live_rooms_left;
pub use page_title::PageTitle;
pub use require_user::RequireUser;
pub use search_form::{GuestFields, SearchForm, drop_unnamed_fields, server_day};
pub use wishlist::{ListedHotels, SaveButton};
