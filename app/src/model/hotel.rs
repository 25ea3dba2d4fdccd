use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

use super::{
    BookingWindow, GuestsError, HotelId, LocationError, LocationQuery, Money, Occupancy, Party,
    PictureRef, RoomId, StayDates, StayError, StayRefusal,
};

/// A hotel as the catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotel {
    pub id: HotelId,
    /// The hotel's own name (Russian), as API v1 and the staff know it.
    pub name: String,
    /// Its English name, when the staff wrote one.
    #[serde(default)]
    pub name_en: Option<String>,
    pub location: String,
    pub services: Vec<String>,
    pub rooms_quantity: i32,
    pub image_id: Option<i32>,
    /// The digest of its uploaded picture, once the sizes are made.
    #[serde(default)]
    pub picture_digest: Option<String>,
}

/// A room type of a hotel: `quantity` identical rooms at a base `price` a night (rates change
/// it night by night), each for the guests `occupancy` allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub hotel_id: HotelId,
    pub name: String,
    pub description: Option<String>,
    /// The English name and description, when the staff wrote them.
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub description_en: Option<String>,
    /// The base price a night.
    pub price: Money,
    pub services: Vec<String>,
    pub quantity: i32,
    pub occupancy: Occupancy,
    /// Its floor area and beds, as far as the staff said.
    #[serde(default)]
    pub layout: RoomLayout,
    pub image_id: Option<i32>,
    /// The digest of its uploaded picture, once the sizes are made.
    #[serde(default)]
    pub picture_digest: Option<String>,
}

/// A room type's floor area and beds (none of either: not said).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomLayout {
    /// Square metres.
    pub size_m2: Option<u16>,
    pub double_beds: u8,
    pub single_beds: u8,
}

/// A catalog text for a reader of `locale`: the English version in English when the staff wrote
/// one, else the hotel's own (Russian) text.
pub fn localized<'a>(locale: Locale, own: &'a str, english: Option<&'a str>) -> &'a str {
    localized_text(locale, Some(own), english).unwrap_or(own)
}

/// [`localized`] for a text that may be missing in either language (a description): in
/// English the English one when there is one, else the own one, if any.
pub fn localized_text<'a>(
    locale: Locale,
    own: Option<&'a str>,
    english: Option<&'a str>,
) -> Option<&'a str> {
    match (locale, english) {
        (Locale::en, Some(english)) => Some(english),
        _ => own,
    }
}

impl Hotel {
    pub fn name_in(&self, locale: Locale) -> &str {
        localized(locale, &self.name, self.name_en.as_deref())
    }
}

impl Room {
    pub fn name_in(&self, locale: Locale) -> &str {
        localized(locale, &self.name, self.name_en.as_deref())
    }

    /// Its description for `locale`: the Russian one when there is no English one.
    pub fn description_in(&self, locale: Locale) -> Option<&str> {
        localized_text(
            locale,
            self.description.as_deref(),
            self.description_en.as_deref(),
        )
    }
}

/// A hotel in search results: what is still free there for the stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotelOffer {
    pub hotel: Hotel,
    /// Rooms free for the whole stay, over the room types that can be booked for it.
    pub rooms_left: i64,
    /// What the cheapest bookable room type costs for the whole stay ("from" on the search page).
    pub min_total: Money,
    /// The hotel's picture, when it has one.
    pub picture: Option<PictureRef>,
}

/// A room type for a stay: its price night by night and in all, how many are free, and why
/// it cannot be booked, if it cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomOffer {
    pub room: Room,
    /// Its quantity less the stay's busiest night.
    pub rooms_left: i64,
    /// The price of each night of the stay, from check-in.
    pub nights: Vec<Money>,
    /// The whole stay's price: the sum of `nights`.
    pub total_cost: Money,
    /// The hotel's restriction (or the party) that refuses the stay.
    pub refusal: Option<StayRefusal>,
    pub picture: Option<PictureRef>,
}

/// Rooms left at or below which pages say "only N left": few enough to matter to a guest
/// choosing now. Above it they say only that rooms are available.
pub const FEW_ROOMS_LEFT: i64 = 3;

/// Whether `rooms_left` (for a stay, more than none) are few ([`FEW_ROOMS_LEFT`]).
pub fn few_rooms_left(rooms_left: i64) -> bool {
    (1..=FEW_ROOMS_LEFT).contains(&rooms_left)
}

impl RoomOffer {
    /// Rooms that can be booked for the stay: none while a restriction refuses it.
    pub fn bookable(&self) -> i64 {
        if self.refusal.is_some() {
            0
        } else {
            self.rooms_left
        }
    }
}

/// A hotel's page: the hotel and every room type for the stay (that fits the party, if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotelDetails {
    pub hotel: Hotel,
    pub stay: StayDates,
    pub party: Option<Party>,
    pub rooms: Vec<RoomOffer>,
    /// The main picture.
    pub picture: Option<PictureRef>,
    /// The hotel's other pictures, in the staff's order.
    pub gallery: Vec<PictureRef>,
    /// What the hotel tells guests about itself, and the same in English.
    pub description: Option<String>,
    pub description_en: Option<String>,
    /// Rooms are ready from then on arrival day (the hotel's clock).
    pub check_in_time: NaiveTime,
    /// Rooms are to be left by then on departure day.
    pub check_out_time: NaiveTime,
    /// On the reader's saved list (filled per reader, never cached).
    #[serde(default)]
    pub saved: bool,
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Cheapest stay first.
    #[default]
    Price,
    Name,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Price => "price",
            SortOrder::Name => "name",
        }
    }

    /// Unknown values fall back to the default rather than failing a shared link.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "name" => SortOrder::Name,
            _ => SortOrder::Price,
        }
    }
}

/// A hotel search: where (optional), when, for whom, order and page (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HotelSearch {
    pub location: Option<LocationQuery>,
    pub stay: StayDates,
    pub party: Party,
    pub sort: SortOrder,
    pub page: u32,
}

impl HotelSearch {
    /// Results a page; also the most an API caller can ask for.
    pub const PAGE_SIZE: u32 = 20;
    /// Deep pages are refused: nobody reads page 500, and OFFSET makes them costly.
    pub const MAX_PAGE: u32 = 250;

    /// The page number from a query parameter: absent or blank is page 1; anything but
    /// 1..=MAX_PAGE is an error.
    pub fn parse_page(raw: Option<&str>) -> Result<u32, PageError> {
        match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
            None => Ok(1),
            Some(raw) => match raw.parse::<u32>() {
                Ok(page) if (1..=Self::MAX_PAGE).contains(&page) => Ok(page),
                Ok(_) => Err(PageError::OutOfRange),
                Err(_) => Err(PageError::Malformed),
            },
        }
    }

    pub fn offset(&self) -> u32 {
        (self.page - 1) * Self::PAGE_SIZE
    }

    /// The query string of this search, for links (sorting, pages, sharing).
    pub fn to_query(&self) -> String {
        let mut query = String::new();
        if let Some(location) = &self.location {
            query.push_str("location=");
            query.push_str(&super::navigation::encode_component(location.as_str()));
            query.push('&');
        }
        query.push_str(&self.stay.to_query());
        query.push('&');
        query.push_str(&self.party.to_query());
        if self.sort != SortOrder::default() {
            query.push_str("&sort=");
            query.push_str(self.sort.as_str());
        }
        if self.page > 1 {
            query.push_str(&format!("&page={}", self.page));
        }
        query
    }
}

/// A page number that is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PageError {
    #[error("not a page number")]
    Malformed,
    #[error("pages go from 1 to {}", HotelSearch::MAX_PAGE)]
    OutOfRange,
}

impl PageError {
    pub const ALL: [PageError; 2] = [PageError::Malformed, PageError::OutOfRange];

    pub fn code(self) -> &'static str {
        match self {
            PageError::Malformed => "malformed",
            PageError::OutOfRange => "out_of_range",
        }
    }
}

/// Why a search's query string does not parse, by its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Location(#[from] LocationError),
    #[error(transparent)]
    Stay(#[from] StayError),
    #[error(transparent)]
    Page(#[from] PageError),
    #[error(transparent)]
    Guests(#[from] GuestsError),
}

/// A search as it arrives: raw query-string values, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    pub location: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub adults: Option<String>,
    pub children: Option<String>,
}

impl SearchParams {
    /// The search these values ask for. A blank location searches everywhere; absent dates
    /// mean the default stay, absent guests two adults; an unknown sort falls back to the default.
    pub fn parse(&self, window: BookingWindow) -> Result<HotelSearch, SearchError> {
        let location = match self.location.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(LocationQuery::parse(raw)?),
        };
        let stay = StayDates::parse_or_default(
            self.date_from.as_deref(),
            self.date_to.as_deref(),
            window,
        )?;
        let page = HotelSearch::parse_page(self.page.as_deref())?;
        let party = Party::parse(self.adults.as_deref(), self.children.as_deref())?;
        Ok(HotelSearch {
            location,
            stay,
            party,
            sort: SortOrder::parse(self.sort.as_deref().unwrap_or_default()),
            page,
        })
    }
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The search as the server understood it (defaults filled in), for links.
    pub search: HotelSearch,
    pub hotels: Vec<HotelOffer>,
    /// Whether a next page has more hotels. (No total count: counting every match would cost
    /// far more than finding one page.)
    pub has_more: bool,
    /// The hotels of the page on the reader's saved list (filled per reader, never cached).
    #[serde(default)]
    pub saved: Vec<HotelId>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_few_rooms_left_are_few() {
        assert!(
            !super::few_rooms_left(0),
            "none left is sold out, not scarce"
        );
        assert!(super::few_rooms_left(1));
        assert!(super::few_rooms_left(super::FEW_ROOMS_LEFT));
        assert!(!super::few_rooms_left(super::FEW_ROOMS_LEFT + 1));
    }

    use super::*;

    #[test]
    fn page_parameter_is_bounded() {
        assert_eq!(HotelSearch::parse_page(None), Ok(1));
        assert_eq!(HotelSearch::parse_page(Some("3")), Ok(3));
        assert_eq!(
            HotelSearch::parse_page(Some("0")),
            Err(PageError::OutOfRange)
        );
        assert_eq!(
            HotelSearch::parse_page(Some("9999")),
            Err(PageError::OutOfRange)
        );
        assert_eq!(
            HotelSearch::parse_page(Some("x")),
            Err(PageError::Malformed)
        );
    }

    #[test]
    fn unknown_sort_falls_back_to_price() {
        assert_eq!(SortOrder::parse("name"), SortOrder::Name);
        assert_eq!(SortOrder::parse("DROP TABLE"), SortOrder::Price);
    }
}
