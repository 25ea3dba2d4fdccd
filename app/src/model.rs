//! Domain types shared by the wasm client and the server: plain serde types, no database knowledge.
pub mod accounts;
pub mod back_office;
pub mod booking;
pub mod calendar;
pub mod catalog_edit;
pub mod desk;
pub mod figures;
pub mod guest;
pub mod hotel;
pub mod ids;
pub mod jobs;
pub mod live;
pub mod location;
pub mod money;
pub mod navigation;
pub mod party;
pub mod picture;
pub mod refusal;
pub mod stay;
pub mod user;
pub mod wishlist;

pub use booking::{
    Booking, BookingDetails, BookingQuote, BookingReference, BookingStage, BookingsTab,
    CancellationTerms, ChangeQuote, Hold, MyBookings,
};
pub use guest::{GuestDetails, GuestDetailsError};
pub use hotel::{
    Hotel, HotelDetails, HotelOffer, HotelSearch, PageError, Room, RoomLayout, RoomOffer,
    SearchError, SearchParams, SearchResults, SortOrder, few_rooms_left, localized, localized_text,
};
pub use ids::{BookingId, HotelId, PictureId, RoomId, UserId, parse_id};

pub use location::{LocationError, LocationQuery};
pub use money::Money;
pub use party::{GuestsError, Occupancy, Party};
pub use picture::{
    HotelPictures, PictureOwner, PictureRef, PictureState, PictureStatus, UploadRefusal,
    VariantFormat,
};
pub use refusal::StayRefusal;
pub use stay::{BookingWindow, DateField, StayDates, StayError, parse_iso_date};
pub use user::{Email, EmailError, Password, PasswordError, Role, User};
