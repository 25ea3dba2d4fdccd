use serde::{Deserialize, Serialize};

use super::{
    HotelId, LocationError, LocationQuery, Money, PictureRef, RoomId, StayDates, StayError,
};

/// A hotel as the catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotel {
    pub id: HotelId,
    pub name: String,
    pub location: String,
    pub services: Vec<String>,
    pub rooms_quantity: i32,
    pub image_id: Option<i32>,
    /// The digest of its uploaded picture, once the sizes are made.
    #[serde(default)]
    pub picture_digest: Option<String>,
}

/// A room type of a hotel: `quantity` identical rooms at `price` (roubles) a night.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub hotel_id: HotelId,
    pub name: String,
    pub description: Option<String>,
    /// The price a night.
    pub price: Money,
    pub services: Vec<String>,
    pub quantity: i32,
    pub image_id: Option<i32>,
    /// The digest of its uploaded picture, once the sizes are made.
    #[serde(default)]
    pub picture_digest: Option<String>,
}

/// A hotel in search results: what is still free there for the stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotelOffer {
    pub hotel: Hotel,
    /// Rooms of all types free for the whole stay.
    pub rooms_left: i64,
    /// The lowest price a night among the room types still free.
    pub min_price: Money,
    /// What the cheapest free room type costs for the whole stay ("from" on the search page).
    pub min_total: Money,
    /// The hotel's picture, when it has one.
    pub picture: Option<PictureRef>,
}

/// A room type for a stay: its price for the whole stay and how many are free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomOffer {
    pub room: Room,
    pub rooms_left: i64,
    /// The whole stay's price.
    pub total_cost: Money,
    pub picture: Option<PictureRef>,
}

/// A hotel's page: the hotel and every room type for the stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotelDetails {
    pub hotel: Hotel,
    pub stay: StayDates,
    pub rooms: Vec<RoomOffer>,
    pub picture: Option<PictureRef>,
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Lowest price a night first.
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

/// A hotel search: where (optional), when, order and page (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HotelSearch {
    pub location: Option<LocationQuery>,
    pub stay: StayDates,
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
}

/// A search as it arrives: raw query-string values, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    pub location: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

impl SearchParams {
    /// The search these values ask for. A blank location searches everywhere; absent dates
    /// mean the default stay; an unknown sort falls back to the default.
    pub fn parse(&self, today: chrono::NaiveDate) -> Result<HotelSearch, SearchError> {
        let location = match self.location.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(LocationQuery::parse(raw)?),
        };
        let stay =
            StayDates::parse_or_default(self.date_from.as_deref(), self.date_to.as_deref(), today)?;
        let page = HotelSearch::parse_page(self.page.as_deref())?;
        Ok(HotelSearch {
            location,
            stay,
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
}

#[cfg(test)]
mod tests {
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
