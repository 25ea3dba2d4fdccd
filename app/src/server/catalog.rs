//! The catalog service: search and hotel pages, computed by the repositories and cached in
//! Redis. Pages, server functions and the HTTP API all call these functions.
//!
//! Cache correctness comes from generation counters, not from expiry: entries are stored under
//! the current values of the counters they depend on, and a booking change moves those
//! counters on, so the next read misses and recomputes. Search entries depend on the catalog
//! and on the calendar months of the stay: a booking is not listed with the hotels it does not
//! appear in (a cancellation can make a hotel appear), so a change invalidates every search
//! that touches its months, not just the searches that listed its hotel.
mod hotels;
mod invalidations;
mod rooms;
pub(super) mod search_index;

pub mod editor;
pub mod explain;
pub mod fields;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Serialize, de::DeserializeOwned};

use sqlx::PgPool;

use self::hotels::HotelRepo;
pub use self::invalidations::Delivered;
use self::invalidations::{Invalidation, InvalidationRepo};
use self::rooms::RoomRepo;
use self::search_index::Found;
pub use self::search_index::SearchIndex;
use super::cache::Cache;
use super::live;
use super::metrics::metrics;
use super::state::AppState;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::wishlist::ListedHotel;
use crate::model::{
    Hotel, HotelDetails, HotelId, HotelOffer, HotelSearch, LocationQuery, Party, PictureRef, Room,
    RoomId, RoomOffer, SearchResults, SortOrder, StayDates,
};
use crate::server::rates;
use leptos_i18n::Locale as _;

/// Entries outlive no change (generations see to that); the expiry only bounds memory.
const ENTRY_TTL: Duration = Duration::from_secs(600);

const CATALOG_GENERATION: &str = "gen:catalog";

fn hotel_generation(hotel_id: HotelId) -> String {
    format!("gen:hotel:{hotel_id}")
}

/// The generation counters of the calendar months `[from, to)` touches (one or two for a stay).
fn month_generations(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let last_night = to.pred_opt().unwrap_or(to).max(from);
    let mut months = Vec::new();
    let (mut year, mut month) = (from.year(), from.month());
    while (year, month) <= (last_night.year(), last_night.month()) {
        months.push(format!("gen:month:{year:04}-{month:02}"));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    months
}

/// The cache name of a search: every input that changes the answer, normalised (the
/// location is matched case-insensitively, so it is keyed lower-cased; the language changes
/// only the order by name).
fn search_entry_name(search: &HotelSearch, language: Locale) -> String {
    let location = search
        .location
        .as_ref()
        .map(|location| location.as_str().to_lowercase())
        .unwrap_or_default();
    format!(
        "search:{}:{}:{}+{}:{}:{}:{location}",
        search.stay.check_in(),
        search.stay.check_out(),
        search.party.adults,
        search.party.children,
        sort_key(search.sort, language),
        search.page,
    )
}

/// The order's part of a search's cache name: by name, the alphabet's too.
fn sort_key(sort: SortOrder, language: Locale) -> String {
    match sort {
        SortOrder::Name => format!("name-{}", language.as_str()),
        SortOrder::Price => sort.as_str().to_owned(),
    }
}

/// One page of hotels with a room free for the stay, for a reader of `language` (by name,
/// hotels follow its alphabet: their English names for English).
#[tracing::instrument(skip_all, fields(check_in = %search.stay.check_in(), nights = search.stay.nights(), page = search.page))]
pub async fn search(
    state: &AppState,
    search: &HotelSearch,
    language: Locale,
) -> Result<SearchResults, AppError> {
    let gens = search_generations(search.stay);
    let name = search_entry_name(search, language);
    cached(&state.cache, &gens, &name, || {
        search_uncached(state, search, language)
    })
    .await
}

/// What every search over `stay` depends on: the catalog and the months of the stay.
fn search_generations(stay: StayDates) -> Vec<String> {
    let mut gens = vec![CATALOG_GENERATION.to_owned()];
    gens.extend(month_generations(stay.check_in(), stay.check_out()));
    gens
}

async fn search_uncached(
    state: &AppState,
    search: &HotelSearch,
    language: Locale,
) -> Result<Fresh<SearchResults>, AppError> {
    let window = state.clock.window();
    let page = (state.search_index)
        .search(&state.db, search, window, language)
        .await?;
    let hotels = page
        .hotels
        .into_iter()
        .map(|found| offer(state, found))
        .collect();
    Ok(Fresh {
        value: SearchResults {
            search: search.clone(),
            hotels,
            has_more: page.has_more,
            saved: Vec::new(),
        },
        until: page.until,
    })
}

/// Every hotel with a room free for `stay` (in a place, if given; for `party`, if given),
/// cheapest stay first, not paged (the HTTP API's list, as the original's).
#[tracing::instrument(skip_all, fields(check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn available_hotels(
    state: &AppState,
    location: Option<&LocationQuery>,
    stay: StayDates,
    party: Option<Party>,
) -> Result<Vec<HotelOffer>, AppError> {
    let place = location
        .map(|location| location.as_str().to_lowercase())
        .unwrap_or_default();
    let guests = party.map_or_else(
        || "any".to_owned(),
        |p| format!("{}+{}", p.adults, p.children),
    );
    let name = format!(
        "all:{}:{}:{guests}:{place}",
        stay.check_in(),
        stay.check_out()
    );
    cached(&state.cache, &search_generations(stay), &name, || async {
        let window = state.clock.window();
        let (found, until) = state
            .search_index
            .search_all(&state.db, location, stay, party, window)
            .await?;
        let value = found.into_iter().map(|found| offer(state, found)).collect();
        Ok(Fresh { value, until })
    })
    .await
}

fn offer(state: &AppState, found: Found) -> HotelOffer {
    HotelOffer {
        min_total: found.min_total,
        picture: state
            .media
            .picture(found.hotel.image_id, found.hotel.picture_digest.clone()),
        hotel: found.hotel,
        rooms_left: found.rooms_left,
    }
}

/// A hotel and each of its room types for the stay (those that take `party`, if given);
/// `NotFound` for an unknown hotel. Room types come cheapest stay first.
#[tracing::instrument(skip_all, fields(hotel = %hotel_id, check_in = %stay.check_in(), nights = stay.nights()))]
pub async fn hotel_details(
    state: &AppState,
    hotel_id: HotelId,
    stay: StayDates,
    party: Option<Party>,
) -> Result<HotelDetails, AppError> {
    let gens = [CATALOG_GENERATION.to_owned(), hotel_generation(hotel_id)];
    let name = format!("hotel:{hotel_id}:{}:{}", stay.check_in(), stay.check_out());
    // Cached for every party; the party only filters.
    let mut details: HotelDetails = cached(&state.cache, &gens, &name, || {
        hotel_details_uncached(state, hotel_id, stay)
    })
    .await?;
    if let Some(party) = party {
        details
            .rooms
            .retain(|offer| offer.room.occupancy.fits(party));
    }
    details.party = party;
    Ok(details)
}

async fn hotel_details_uncached(
    state: &AppState,
    hotel_id: HotelId,
    stay: StayDates,
) -> Result<Fresh<HotelDetails>, AppError> {
    // The static part from memory (per catalog version), availability from the database.
    let (entry, booked) = (state.search_index)
        .hotel_for_stay(&state.db, hotel_id, stay, state.clock.window())
        .await?;
    let mut rooms: Vec<RoomOffer> = entry
        .rooms
        .iter()
        .map(|(room, plan)| {
            let nights = plan.night_prices(stay);
            let booked = booked.by_room.get(&room.id).copied().unwrap_or(0);
            RoomOffer {
                total_cost: nights.iter().copied().sum(),
                nights,
                refusal: rates::refusal(room.occupancy, plan, stay, None),
                picture: state
                    .media
                    .picture(room.image_id, room.picture_digest.clone()),
                rooms_left: rooms::rooms_left(room.quantity, booked),
                room: room.clone(),
            }
        })
        .collect();
    rooms.sort_by_key(|offer| (offer.total_cost, offer.room.id));
    let hotel = entry.hotel.clone();
    // The main picture is the first ready one (`picture_digest`); the gallery shows the rest.
    let gallery = (entry.about.gallery.iter().skip(1))
        .map(|digest| PictureRef::Sized {
            digest: digest.clone(),
        })
        .collect();
    let details = HotelDetails {
        picture: state
            .media
            .picture(hotel.image_id, hotel.picture_digest.clone()),
        gallery,
        check_in_time: entry.about.check_in_time,
        check_out_time: entry.about.check_out_time,
        description: entry.about.description.clone(),
        description_en: entry.about.description_en.clone(),
        hotel,
        stay,
        party: None,
        rooms,
        saved: false,
    };
    Ok(Fresh {
        value: details,
        until: booked.until,
    })
}

/// The hotels of `ids` as lists show them (each with its picture), in that order; unknown
/// and archived ones left out.
pub async fn listed_hotels(
    state: &AppState,
    ids: &[HotelId],
) -> Result<Vec<ListedHotel>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let hotels = HotelRepo::new(&state.db).find_many(ids).await?;
    Ok(hotels
        .into_iter()
        .map(|hotel| ListedHotel {
            picture: state
                .media
                .picture(hotel.image_id, hotel.picture_digest.clone()),
            hotel,
        })
        .collect())
}

/// A hotel as the catalog describes it; `NotFound` for an unknown one.
#[tracing::instrument(skip_all, fields(hotel = %hotel_id))]
pub async fn hotel(state: &AppState, hotel_id: HotelId) -> Result<Hotel, AppError> {
    HotelRepo::new(&state.db)
        .find(hotel_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every room type of a hotel, cheapest first (availability aside).
#[tracing::instrument(skip_all, fields(hotel = %hotel_id))]
pub async fn room_types(state: &AppState, hotel_id: HotelId) -> Result<Vec<Room>, AppError> {
    RoomRepo::new(&state.db).for_hotel(hotel_id).await
}

/// The hotel of room type `room_id`; `NotFound` for an unknown room type.
#[tracing::instrument(skip_all, fields(room = %room_id))]
pub async fn hotel_of_room(db: &PgPool, room_id: RoomId) -> Result<HotelId, AppError> {
    RoomRepo::new(db)
        .hotel_of(room_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Place names (comma-separated parts of hotel addresses) that contain `query`, for the
/// search box: at most `limit`, alphabetically.
#[tracing::instrument(skip_all, fields(limit))]
pub async fn suggest_locations(
    state: &AppState,
    query: &LocationQuery,
    limit: i64,
) -> Result<Vec<String>, AppError> {
    HotelRepo::new(&state.db)
        .suggest_locations(query, limit)
        .await
}

/// Invalidations delivered to Redis per round.
const INVALIDATION_BATCH: i64 = 500;

/// Delivers the logged invalidations (`cache_invalidations`, written by the changes' own
/// transactions) to Redis: a booking change moves its hotel's counter and the counters of
/// the months it touches, a catalog edit the catalog's. Rows leave the log only once Redis has
/// them, so an invalidation that could not be delivered now is delivered by the next call of
/// any process. Called right after a change (the changing process then reads its own write)
/// and every second by every server process. Returns how many were delivered.
pub async fn deliver_invalidations(db: &PgPool, cache: &Cache) -> Result<usize, AppError> {
    if !cache.is_enabled() {
        return Ok(0);
    }
    let repo = InvalidationRepo::new(db);
    let mut delivered = 0;
    loop {
        let batch = repo.take(INVALIDATION_BATCH).await?;
        let count = batch.items.len();
        if count == 0 {
            return Ok(delivered);
        }
        let notice = live::notice(batch.items.iter().map(|item| item.hotel_id));
        if !cache.bump(&generations_of(&batch.items), &notice).await {
            // Dropping the batch rolls its deletion back: the rows wait for the next try.
            return Ok(delivered);
        }
        batch.delivered().await?;
        delivered += count;
        if count < INVALIDATION_BATCH as usize {
            return Ok(delivered);
        }
    }
}

/// Call after committing a change of bookings or of the catalog: delivers what it logged, so
/// the next read here already sees it. A failure is logged and left to the relay.
pub async fn changes_committed(db: &PgPool, cache: &Cache) {
    if let Err(error) = deliver_invalidations(db, cache).await {
        tracing::warn!(error = %error.chain(), "cache invalidation left for the relay");
    }
}

/// Call after committing a booking change made in transaction `origin_tx` to `stays` (the new
/// stay, and the old one of a change of dates): delivers that change alone (one Redis round
/// trip), so this guest sees it on the next read. Its log rows are dropped by the next
/// housekeeping round ([`forget_delivered`]), with every other booking's of that second, so a
/// booking waits for no second commit. The rest of the log is the relay's. Should Redis fail,
/// the relay delivers the rows.
pub async fn booking_changed(
    state: &AppState,
    hotel_id: HotelId,
    stays: &[(NaiveDate, NaiveDate)],
    origin_tx: i64,
) {
    let changes: Vec<Invalidation> = stays
        .iter()
        .map(|stay| Invalidation {
            hotel_id: Some(hotel_id),
            date_from: Some(stay.0),
            date_to: Some(stay.1),
        })
        .collect();
    let notice = live::notice([Some(hotel_id)]);
    if state.cache.bump(&generations_of(&changes), &notice).await {
        state.delivered.push(origin_tx);
    }
}

/// Drops the log rows of the changes this process delivered itself since the last call, in one
/// statement. Should it fail, the relay delivers them again (harmless) or they age out.
pub async fn forget_delivered(state: &AppState) -> Result<u64, AppError> {
    let origins = state.delivered.take();
    if origins.is_empty() {
        return Ok(0);
    }
    InvalidationRepo::new(&state.db)
        .forget_origins(&origins)
        .await
}

/// Deletes logged invalidations older than any cache entry can be (moot by then).
pub async fn purge_old_invalidations(db: &PgPool) -> Result<u64, AppError> {
    InvalidationRepo::new(db)
        .purge_older_than(ENTRY_TTL.as_secs())
        .await
}

/// The generation counters a set of invalidations moves, each once.
fn generations_of(items: &[Invalidation]) -> Vec<String> {
    let mut gens = BTreeSet::new();
    for item in items {
        match (item.hotel_id, item.date_from, item.date_to) {
            (Some(hotel_id), Some(from), Some(to)) => {
                gens.insert(hotel_generation(hotel_id));
                gens.extend(month_generations(from, to));
            }
            (Some(hotel_id), _, _) => {
                gens.insert(hotel_generation(hotel_id));
            }
            (None, _, _) => {
                gens.insert(CATALOG_GENERATION.to_owned());
            }
        }
    }
    gens.into_iter().collect()
}

/// A value read from the database, and until when it holds besides the generations: the
/// earliest expiry of a hold it counted (`None`: until a change moves the generations).
struct Fresh<T> {
    value: T,
    until: Option<DateTime<Utc>>,
}

/// The cached value of `name` under `gens`, or `compute`'s (then stored, for no longer than it
/// holds: an entry that counted a hold expires with it). Errors are not cached.
async fn cached<T, F, Fut>(
    cache: &Cache,
    gens: &[String],
    name: &str,
    compute: F,
) -> Result<T, AppError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Fresh<T>, AppError>>,
{
    let entry = cache.get_versioned(gens, name).await;
    if let Some(bytes) = entry.as_ref().and_then(|entry| entry.value.as_deref()) {
        match serde_json::from_slice(bytes) {
            Ok(value) => {
                metrics().cache_hits.inc();
                return Ok(value);
            }
            // An entry from an older build: recompute and overwrite it.
            Err(error) => tracing::debug!(%error, name, "unreadable cache entry"),
        }
    }
    metrics().cache_misses.inc();
    let Fresh { value, until } = compute().await?;
    let ttl = match until {
        Some(until) => (until - Utc::now())
            .to_std()
            .map_or(Duration::ZERO, |left| left.min(ENTRY_TTL)),
        None => ENTRY_TTL,
    };
    // The key carries the generations read *before* the database: a change committed since
    // has moved them on, so this possibly older value is never read back.
    if let Some(entry) = entry.filter(|_| !ttl.is_zero()) {
        match serde_json::to_vec(&value) {
            Ok(bytes) => cache.put(entry.key, bytes, ttl).await,
            Err(error) => tracing::warn!(%error, name, "cache entry not serialisable"),
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        crate::model::parse_iso_date(raw).unwrap()
    }

    #[test]
    fn a_stay_inside_one_month_has_one_generation() {
        assert_eq!(
            month_generations(day("2026-12-01"), day("2026-12-31")),
            ["gen:month:2026-12"]
        );
    }

    #[test]
    fn check_out_on_the_first_does_not_touch_that_month() {
        assert_eq!(
            month_generations(day("2026-11-29"), day("2026-12-01")),
            ["gen:month:2026-11"]
        );
    }

    #[test]
    fn a_stay_over_new_year_touches_both_months() {
        assert_eq!(
            month_generations(day("2026-12-30"), day("2027-01-02")),
            ["gen:month:2026-12", "gen:month:2027-01"]
        );
    }

    #[test]
    fn search_names_ignore_the_location_case() {
        let window = crate::model::BookingWindow::from_today(day("2026-11-27"));
        let stay = StayDates::new(day("2026-12-01"), day("2026-12-02"), window).unwrap();
        let search = |location: &str| HotelSearch {
            location: Some(crate::model::LocationQuery::parse(location).unwrap()),
            stay,
            party: Party::default(),
            sort: Default::default(),
            page: 1,
        };
        assert_eq!(
            search_entry_name(&search("Алтай"), Locale::ru),
            search_entry_name(&search("АЛТАЙ"), Locale::ru)
        );
    }

    #[test]
    fn the_language_names_a_search_by_name_only() {
        let window = crate::model::BookingWindow::from_today(day("2026-11-27"));
        let stay = StayDates::new(day("2026-12-01"), day("2026-12-02"), window).unwrap();
        let search = |sort| HotelSearch {
            location: None,
            stay,
            party: Party::default(),
            sort,
            page: 1,
        };
        let name = |sort, language| search_entry_name(&search(sort), language);
        assert_ne!(
            name(SortOrder::Name, Locale::ru),
            name(SortOrder::Name, Locale::en)
        );
        assert_eq!(
            name(SortOrder::Price, Locale::ru),
            name(SortOrder::Price, Locale::en)
        );
    }
}
