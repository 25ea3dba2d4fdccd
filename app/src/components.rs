//! Reusable pieces of the layout and pages.
mod footer;
mod header;
mod language_switch;
mod search_form;

pub use footer::Footer;
pub use header::Header;
pub use language_switch::{LOCALE_ENDPOINT, LanguageSwitch};
pub use search_form::SearchForm;
