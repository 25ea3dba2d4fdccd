//! Search and hotel pages without the cache: the catalog's static part (which hotels match a
//! place, their room types, prices, rates and capacities) is kept in memory per place and per
//! hotel, and only availability (bookings, which change all the time) is read from the
//! database, a batch of hotels at a time.
//!
//! Before, PostgreSQL matched the place, sorted its room types and probed them one by one on
//! every search; that was most of a search's cost. The static part changes only when an admin
//! edits the catalog, and the `catalog_version` counter (moved by a trigger) tells every
//! process when to reload it, so nothing stale is used.
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Days, NaiveDate, Utc};
use tokio::sync::OnceCell;

use super::hotels::{CandidateHotel, HotelAbout, HotelRepo};
use super::rooms::{BookedCounts, RoomRepo, earliest, rooms_left};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{
    BookingWindow, Hotel, HotelId, HotelSearch, LocationQuery, Money, Party, Room, RoomId,
    SortOrder, StayDates,
};
use crate::server::rates::{self, RoomRates};

/// Places kept at once; past it the index starts afresh (places are few; this bounds memory).
const MAX_PLACES: usize = 512;

/// Hotels kept at once for their pages (a few kilobytes each); past it they start afresh.
const MAX_HOTELS: usize = 16_384;

/// Hotels probed per query at most: a page needs about as many hotels as it shows.
const MAX_BATCH: usize = 64;

/// The hotels of one place, by name, then id, each with its room types (base price, capacity,
/// guests, rates and restrictions from the day they were loaded on).
#[derive(Debug)]
pub struct Candidates {
    hotels: Vec<CandidateHotel>,
    /// Where each hotel's room types start in the place's list of room types (one list, so a
    /// search keeps what it learns of each room type in flat vectors).
    first_room: Vec<usize>,
    /// Every room type as `(its cheapest possible night, hotel index, room index)`, by that
    /// price, hotel id, room id: the order in which a search by price looks at room types,
    /// pricing a stay exactly only once its turn may have come.
    by_floor: Vec<(Money, usize, usize)>,
    /// Hotel indices by English name (the English name, else the Russian one, ignoring case;
    /// then id): the order by name for a reader of English (`hotels` is the Russian order).
    by_english_name: Vec<usize>,
}

impl Candidates {
    pub fn new(hotels: Vec<CandidateHotel>) -> Self {
        let mut by_floor: Vec<(Money, usize, usize)> = hotels
            .iter()
            .enumerate()
            .flat_map(|(h, hotel)| {
                (hotel.rooms.iter().enumerate())
                    .map(move |(r, room)| (room.rates.cheapest_night(), h, r))
            })
            .collect();
        by_floor.sort_unstable_by_key(|&(floor, h, r)| {
            (floor, hotels[h].hotel.id, hotels[h].rooms[r].id)
        });
        let first_room = hotels
            .iter()
            .scan(0, |next, hotel| {
                let first = *next;
                *next += hotel.rooms.len();
                Some(first)
            })
            .collect();
        let mut by_english_name: Vec<usize> = (0..hotels.len()).collect();
        by_english_name.sort_by_cached_key(|&h| {
            let hotel = &hotels[h].hotel;
            (hotel.name_in(Locale::en).to_lowercase(), hotel.id)
        });
        Candidates {
            hotels,
            first_room,
            by_floor,
            by_english_name,
        }
    }

    /// The hotel `i`-th by name in `language`, if there are that many.
    fn by_name(&self, language: Locale, i: usize) -> Option<usize> {
        match language {
            Locale::en => self.by_english_name.get(i).copied(),
            Locale::ru => (i < self.hotels.len()).then_some(i),
        }
    }

    pub(super) fn hotel_ids(&self, batch: &[usize]) -> Vec<HotelId> {
        batch.iter().map(|&h| self.hotels[h].hotel.id).collect()
    }

    /// The key a room type is ordered by in a search by price: its stay's total, then ids.
    fn price_key(&self, total: Money, h: usize, r: usize) -> PriceKey {
        (total, self.hotels[h].hotel.id, self.hotels[h].rooms[r].id)
    }

    /// Room `r` of hotel `h` in the place's list of room types.
    fn room_index(&self, h: usize, r: usize) -> usize {
        self.first_room[h] + r
    }

    fn room_count(&self) -> usize {
        self.first_room.last().map_or(0, |&first| {
            first + self.hotels.last().map_or(0, |hotel| hotel.rooms.len())
        })
    }
}

/// A room type's place in a search by price: `(stay total, hotel id, room id)`.
type PriceKey = (Money, HotelId, RoomId);

/// What the room types of a place offer for one search, worked out only as far as the walk
/// goes and one room type at a time: whether it can be offered at all when the walk looks at
/// its hotel, its stay's total only when the walk needs the price, so a page costs the room
/// types it looks at, not the whole place.
pub struct Offers<'a> {
    candidates: &'a Candidates,
    stay: StayDates,
    party: Option<Party>,
    /// Per room type, once looked at: whether it takes the party and no restriction refuses
    /// the stay (`rates::refusal`, the rule of the hotel page and booking).
    offered: Vec<Option<bool>>,
    /// Per room type, once priced: its stay's total (`None`: not priced, or not offered).
    totals: Vec<Option<Money>>,
    /// The bookable room types found so far as `(total, hotel index, room index)`, cheapest
    /// stay first.
    by_price: Vec<(Money, usize, usize)>,
    /// The next room type of `Candidates::by_floor` to price.
    next_floor: usize,
    /// Room types priced but not yet in `by_price`, cheapest first.
    pending: BinaryHeap<Reverse<(PriceKey, usize, usize)>>,
}

impl<'a> Offers<'a> {
    pub fn new(candidates: &'a Candidates, stay: StayDates, party: Option<Party>) -> Self {
        let rooms = candidates.room_count();
        Offers {
            candidates,
            stay,
            party,
            offered: vec![None; rooms],
            totals: vec![None; rooms],
            by_price: Vec::new(),
            next_floor: 0,
            pending: BinaryHeap::new(),
        }
    }

    /// Whether room `r` of hotel `h` can be offered for the search.
    fn offered(&mut self, h: usize, r: usize) -> bool {
        let (stay, party) = (self.stay, self.party);
        let room = &self.candidates.hotels[h].rooms[r];
        *self.offered[self.candidates.room_index(h, r)].get_or_insert_with(|| {
            rates::refusal(room.occupancy, &room.rates, stay, party).is_none()
        })
    }

    /// The stay's total of room `r` of hotel `h`, or `None` where it cannot be offered.
    fn total(&mut self, h: usize, r: usize) -> Option<Money> {
        if !self.offered(h, r) {
            return None;
        }
        let stay = self.stay;
        let rates = &self.candidates.hotels[h].rooms[r].rates;
        Some(
            *self.totals[self.candidates.room_index(h, r)]
                .get_or_insert_with(|| rates.stay_total(stay)),
        )
    }

    /// Whether hotel `h` has any room type the search can offer.
    fn offers_any(&mut self, h: usize) -> bool {
        (0..self.candidates.hotels[h].rooms.len()).any(|r| self.offered(h, r))
    }

    /// The `i`-th bookable room type by its stay's total (cheapest first, then hotel and room
    /// id), if there are that many.
    ///
    /// Room types are priced in the order of their cheapest possible night: no room type not
    /// priced yet can cost less for the stay than that night times the nights, so a priced
    /// one whose key is at most that bound is the next in order.
    fn by_price(&mut self, i: usize) -> Option<(Money, usize, usize)> {
        let nights = self.stay.nights();
        while self.by_price.len() <= i {
            let bound = self
                .candidates
                .by_floor
                .get(self.next_floor)
                .map(|&(floor, h, r)| self.candidates.price_key(floor.times(nights), h, r));
            let next_is_priced = match (self.pending.peek(), bound) {
                (Some(Reverse((key, _, _))), Some(bound)) => *key <= bound,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return None,
            };
            if next_is_priced {
                let Reverse(((total, _, _), h, r)) = self.pending.pop()?;
                self.by_price.push((total, h, r));
            } else {
                let (_, h, r) = self.candidates.by_floor[self.next_floor];
                self.next_floor += 1;
                if let Some(total) = self.total(h, r) {
                    let key = self.candidates.price_key(total, h, r);
                    self.pending.push(Reverse((key, h, r)));
                }
            }
        }
        self.by_price.get(i).copied()
    }
}

/// A hotel with a room free for the stay.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub hotel: Hotel,
    /// Rooms left over all its bookable room types.
    pub rooms_left: i64,
    /// The cheapest stay among its free, bookable room types.
    pub min_total: Money,
}

/// Walks a place's hotels in a search's order, learning availability a batch of hotels at a
/// time, until it has found `wanted` hotels with a room free or run out of hotels.
///
/// Price order is the order of each hotel's cheapest free room type for the stay: the walk goes
/// through room types by stay total and a hotel takes its place at the first one of its that is
/// free.
pub struct PageWalk<'a> {
    candidates: &'a Candidates,
    offers: Offers<'a>,
    sort: SortOrder,
    /// Whose alphabet the order by name follows.
    language: Locale,
    wanted: usize,
    /// Position in the hotels (name order) or in the offers by price (price order).
    cursor: usize,
    /// Rooms left per room type (0 for those the search cannot offer), once known.
    left: Vec<Option<Vec<i64>>>,
    placed: Vec<bool>,
    found: Vec<Found>,
}

/// Where a walk's cursor stands: a hotel and, in price order, the room type and its total.
struct Cursor {
    hotel: usize,
    room: Option<(usize, Money)>,
}

impl<'a> PageWalk<'a> {
    pub fn new(
        candidates: &'a Candidates,
        offers: Offers<'a>,
        sort: SortOrder,
        language: Locale,
        wanted: usize,
    ) -> Self {
        let count = candidates.hotels.len();
        PageWalk {
            candidates,
            offers,
            sort,
            language,
            wanted,
            cursor: 0,
            left: vec![None; count],
            placed: vec![false; count],
            found: Vec::with_capacity(wanted.min(count)),
        }
    }

    /// Goes as far as what is known allows; returns the hotels (indices) to probe next, or
    /// nothing when the walk is over.
    pub fn advance(&mut self) -> Vec<usize> {
        while self.found.len() < self.wanted {
            let Some(at) = self.current() else {
                break;
            };
            match self.free(&at) {
                None => {
                    let batch = self.next_batch();
                    if !batch.is_empty() {
                        return batch;
                    }
                    // Only hotels with nothing to offer were ahead: they are settled now.
                    continue;
                }
                Some(true) if !self.placed[at.hotel] => self.place(&at),
                Some(_) => {}
            }
            self.cursor += 1;
        }
        Vec::new()
    }

    /// Records availability: `booked[room id]` live bookings on the busiest night of the stay
    /// (absent: 0) for every room type of the hotels in `batch`.
    pub fn record(&mut self, batch: &[usize], booked: &HashMap<RoomId, i64>) {
        for &h in batch {
            let rooms = &self.candidates.hotels[h].rooms;
            let left = (rooms.iter().enumerate())
                .map(|(r, room)| match self.offers.offered(h, r) {
                    true => rooms_left(room.quantity, booked.get(&room.id).copied().unwrap_or(0)),
                    false => 0,
                })
                .collect();
            self.left[h] = Some(left);
        }
    }

    /// The hotels found, in order.
    pub fn into_found(self) -> Vec<Found> {
        self.found
    }

    /// The hotel at the cursor (and by price, the room type), if the walk has not run out.
    fn current(&mut self) -> Option<Cursor> {
        match self.sort {
            SortOrder::Name => {
                let hotel = self.candidates.by_name(self.language, self.cursor)?;
                Some(Cursor { hotel, room: None })
            }
            SortOrder::Price => {
                let (total, hotel, room) = self.offers.by_price(self.cursor)?;
                Some(Cursor {
                    hotel,
                    room: Some((room, total)),
                })
            }
        }
    }

    /// Whether the cursor makes its hotel free (`None`: not probed yet). By name, a hotel is
    /// free when any room type is; by price, when the cursor's room type is.
    fn free(&self, at: &Cursor) -> Option<bool> {
        let left = self.left[at.hotel].as_ref()?;
        Some(match at.room {
            Some((room, _)) => left[room] > 0,
            None => left.iter().any(|&n| n > 0),
        })
    }

    /// Places the cursor's hotel at its cheapest free room type: by price, the cursor's own
    /// (a cheaper free one would have placed the hotel earlier in the walk); by name, the
    /// cheapest of its free room types the search can offer.
    fn place(&mut self, at: &Cursor) {
        let h = at.hotel;
        let left = self.left[h].as_deref().unwrap_or_default();
        let min_total = match at.room {
            Some((_, total)) => Some(total),
            None => (0..left.len())
                .filter(|&r| left[r] > 0)
                .filter_map(|r| self.offers.total(h, r))
                .min(),
        };
        let Some(min_total) = min_total else {
            return;
        };
        self.placed[h] = true;
        self.found.push(Found {
            hotel: self.candidates.hotels[h].hotel.clone(),
            rooms_left: left.iter().sum(),
            min_total,
        });
    }

    /// The next hotels not yet probed, in the walk's order from the cursor: about as many as
    /// are still wanted, with some to spare for hotels that turn out to be full. By name, a
    /// hotel with nothing to offer is settled on the way (no rooms left) instead of probed.
    fn next_batch(&mut self) -> Vec<usize> {
        let still_wanted = self.wanted - self.found.len();
        let size = still_wanted
            .saturating_add(still_wanted / 4 + 2)
            .min(MAX_BATCH);
        let mut batch = Vec::with_capacity(size);
        let mut i = self.cursor;
        while batch.len() < size {
            let h = match self.sort {
                SortOrder::Name => match self.candidates.by_name(self.language, i) {
                    Some(h) => h,
                    None => break,
                },
                SortOrder::Price => match self.offers.by_price(i) {
                    Some((_, h, _)) => h,
                    None => break,
                },
            };
            i += 1;
            if self.left[h].is_some() || batch.contains(&h) {
                continue;
            }
            if self.offers.offers_any(h) {
                batch.push(h);
            } else {
                self.left[h] = Some(vec![0; self.candidates.hotels[h].rooms.len()]);
            }
        }
        batch
    }
}

/// One page of hotels with a room free, whether more pages follow, and until when the page
/// holds (a hold counted expires then; `None`: until bookings or holds change).
pub struct SearchPage {
    pub hotels: Vec<Found>,
    pub has_more: bool,
    pub until: Option<DateTime<Utc>>,
}

/// A hotel as its page shows it, availability aside: the hotel, its hours and pictures, and
/// each of its room types with its rates and restrictions (from the day they were loaded on),
/// by base price.
#[derive(Debug)]
pub struct HotelEntry {
    pub hotel: Hotel,
    pub about: HotelAbout,
    pub rooms: Vec<(Room, RoomRates)>,
}

/// Filled once by the first reader; concurrent readers wait for that one load.
type Slot<T> = Arc<OnceCell<Arc<T>>>;

/// What the entries in memory were loaded from: the catalog's version, and the day their
/// rates start on (a new day loads them afresh, so the booking window is always covered).
type Loaded = (i64, NaiveDate);

#[derive(Default)]
struct Places {
    loaded: Option<Loaded>,
    by_place: HashMap<Option<String>, Slot<Candidates>>,
    by_hotel: HashMap<HotelId, Slot<HotelEntry>>,
}

/// The slot of `key`, made empty if new; a full map starts afresh (this bounds memory).
fn bounded_slot<K: Eq + Hash, T>(map: &mut HashMap<K, Slot<T>>, key: K, max: usize) -> Slot<T> {
    if map.len() >= max && !map.contains_key(&key) {
        map.clear();
    }
    map.entry(key).or_default().clone()
}

/// The in-memory candidates of every place searched lately and the hotels shown lately, for
/// the current catalog version.
#[derive(Default)]
pub struct SearchIndex {
    places: Mutex<Places>,
}

impl SearchIndex {
    /// One page of `search`: candidates from memory, availability from the database.
    pub async fn search(
        &self,
        db: &sqlx::PgPool,
        search: &HotelSearch,
        window: BookingWindow,
        language: Locale,
    ) -> Result<SearchPage, AppError> {
        let size = HotelSearch::PAGE_SIZE as usize;
        let skip = search.offset() as usize;
        // One more than the page, to know whether another page follows.
        let wanted = skip + size + 1;
        let place = SearchedPlace {
            location: search.location.as_ref(),
            stay: search.stay,
            party: Some(search.party),
            sort: search.sort,
            language,
        };
        let (found, until) = self.walk_place(db, place, wanted, window).await?;
        let has_more = found.len() > skip + size;
        let hotels = found.into_iter().skip(skip).take(size).collect();
        Ok(SearchPage {
            hotels,
            has_more,
            until,
        })
    }

    /// Every hotel with a room free for `stay` (in a place, if given), cheapest first: the
    /// HTTP API lists them all, as the original did, for `party` (any, if `None`); and until
    /// when the list holds.
    pub async fn search_all(
        &self,
        db: &sqlx::PgPool,
        location: Option<&LocationQuery>,
        stay: StayDates,
        party: Option<Party>,
        window: BookingWindow,
    ) -> Result<(Vec<Found>, Option<DateTime<Utc>>), AppError> {
        let place = SearchedPlace {
            location,
            stay,
            party,
            sort: SortOrder::Price,
            // Not by name: any.
            language: Locale::ru,
        };
        self.walk_place(db, place, usize::MAX, window).await
    }

    /// Walks a place's candidates until `wanted` hotels with a room free are found. The
    /// candidates kept in memory are taken as they are, and each availability query reads the
    /// catalog's version in its own snapshot: when it moved, they are loaded again and the walk
    /// starts over. So a search costs its availability queries alone, and never mixes an old
    /// catalog with new bookings.
    async fn walk_place(
        &self,
        db: &sqlx::PgPool,
        place: SearchedPlace<'_>,
        wanted: usize,
        window: BookingWindow,
    ) -> Result<(Vec<Found>, Option<DateTime<Utc>>), AppError> {
        let mut attempts = 1;
        loop {
            let (candidates, version) = self.candidates(db, place.location, window).await?;
            let offers = Offers::new(&candidates, place.stay, place.party);
            // The last try takes what it reads, as it would have a moment earlier.
            let expected = (attempts < ATTEMPTS).then_some(version);
            let walked = walk(db, &candidates, expected, offers, place, wanted).await?;
            match walked {
                Current::Yes(found) => return Ok(found),
                Current::Moved(now) => self.saw((now, window.today)),
            }
            attempts += 1;
        }
    }

    /// The candidates of a place and the catalog version they were loaded under: from memory
    /// when it holds them for today, else loaded once per catalog version and day (concurrent
    /// searches of a place not loaded yet wait for one load), with the rates and restrictions
    /// of every day a stay may hold: from today to the booking window's last check-out.
    pub async fn candidates(
        &self,
        db: &sqlx::PgPool,
        location: Option<&LocationQuery>,
        window: BookingWindow,
    ) -> Result<(Arc<Candidates>, i64), AppError> {
        // Keyed like the query matches: case-insensitively.
        let place = location.map(|location| location.as_str().to_lowercase());
        if let Some(kept) = self.kept(window.today, |places| places.by_place.get(&place)) {
            return Ok(kept);
        }
        let (loaded, until) = current(db, window).await?;
        let load = || async {
            let hotels = HotelRepo::new(db)
                .search_candidates(location, window.today, until)
                .await?;
            Ok::<_, AppError>(Arc::new(Candidates::new(hotels)))
        };
        let slot = self
            .places(loaded)
            .map(|mut places| bounded_slot(&mut places.by_place, place, MAX_PLACES));
        let Some(slot) = slot else {
            // This search read an older version than another one already did: serve it, but
            // keep nothing from it.
            return Ok((load().await?, loaded.0));
        };
        Ok((slot.get_or_try_init(load).await?.clone(), loaded.0))
    }

    /// A hotel and its room types with their rates, and its availability for `stay`: like a
    /// search's walk, the entry kept in memory is taken as it is and loaded again only when
    /// the availability query finds the catalog moved on. `NotFound` for an unknown hotel.
    pub async fn hotel_for_stay(
        &self,
        db: &sqlx::PgPool,
        hotel_id: HotelId,
        stay: StayDates,
        window: BookingWindow,
    ) -> Result<(Arc<HotelEntry>, BookedCounts), AppError> {
        let mut attempts = 1;
        loop {
            let (entry, version) = self.hotel(db, hotel_id, window).await?;
            let booked = RoomRepo::new(db).booked_counts(&[hotel_id], stay).await?;
            // The last try takes what it reads, as it would have a moment earlier.
            if booked.catalog_version == version || attempts >= ATTEMPTS {
                return Ok((entry, booked));
            }
            self.saw((booked.catalog_version, window.today));
            attempts += 1;
        }
    }

    /// A hotel and its room types with their rates, and the catalog version they were loaded
    /// under: from memory when it holds them for today, else loaded once per catalog version
    /// and day like a place's candidates; `NotFound` for an unknown hotel.
    async fn hotel(
        &self,
        db: &sqlx::PgPool,
        hotel_id: HotelId,
        window: BookingWindow,
    ) -> Result<(Arc<HotelEntry>, i64), AppError> {
        if let Some(kept) = self.kept(window.today, |places| places.by_hotel.get(&hotel_id)) {
            return Ok(kept);
        }
        let (loaded, until) = current(db, window).await?;
        let load = || async {
            let entry = load_hotel(db, hotel_id, window.today, until).await?;
            Ok::<_, AppError>(Arc::new(entry))
        };
        let slot = self
            .places(loaded)
            .map(|mut places| bounded_slot(&mut places.by_hotel, hotel_id, MAX_HOTELS));
        let Some(slot) = slot else {
            return Ok((load().await?, loaded.0));
        };
        Ok((slot.get_or_try_init(load).await?.clone(), loaded.0))
    }

    /// What memory holds ready for `today` in the slot `find` picks, with the catalog version
    /// it was loaded under.
    fn kept<T>(
        &self,
        today: NaiveDate,
        find: impl FnOnce(&Places) -> Option<&Slot<T>>,
    ) -> Option<(Arc<T>, i64)> {
        let places = self.places.lock().unwrap_or_else(PoisonError::into_inner);
        let (version, day) = places.loaded?;
        let value = find(&places).filter(|_| day == today)?.get()?.clone();
        Some((value, version))
    }

    /// An availability query read the catalog at `loaded`: entries of an older version go.
    fn saw(&self, loaded: Loaded) {
        drop(self.places(loaded));
    }

    /// The entries in memory, emptied first if they were loaded from an older version or day
    /// than `loaded`; `None` if `loaded` itself is older than what they hold.
    fn places(&self, loaded: Loaded) -> Option<MutexGuard<'_, Places>> {
        let mut places = self.places.lock().unwrap_or_else(PoisonError::into_inner);
        if places.loaded.is_some_and(|current| loaded < current) {
            return None;
        }
        if places.loaded != Some(loaded) {
            places.by_place.clear();
            places.by_hotel.clear();
            places.loaded = Some(loaded);
        }
        Some(places)
    }
}

/// What entries may be kept under now (the catalog's version, today), and the last night a
/// stay in the booking window may hold, which their rates must reach.
async fn current(
    db: &sqlx::PgPool,
    window: BookingWindow,
) -> Result<(Loaded, NaiveDate), AppError> {
    let version = HotelRepo::new(db).catalog_version().await?;
    let until = window
        .last_check_in()
        .checked_add_days(Days::new(StayDates::MAX_NIGHTS as u64))
        .unwrap_or(NaiveDate::MAX);
    Ok(((version, window.today), until))
}

/// Reads a hotel, its room types and their rates on `[from, to)`.
async fn load_hotel(
    db: &sqlx::PgPool,
    hotel_id: HotelId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HotelEntry, AppError> {
    let hotels = HotelRepo::new(db);
    let hotel = hotels.find(hotel_id).await?.ok_or(AppError::NotFound)?;
    let about = hotels.about(hotel_id).await?;
    let rooms = RoomRepo::new(db).for_hotel(hotel_id).await?;
    let bases: Vec<(RoomId, Money)> = rooms.iter().map(|room| (room.id, room.price)).collect();
    let mut conn = db.acquire().await?;
    let mut plans = rates::for_rooms(&mut conn, &bases, from, to).await?;
    let rooms = rooms
        .into_iter()
        .map(|room| {
            let plan = plans
                .remove(&room.id)
                .unwrap_or_else(|| RoomRates::flat(room.price));
            (room, plan)
        })
        .collect();
    Ok(HotelEntry {
        hotel,
        about,
        rooms,
    })
}

/// What a search walks: a place's candidates for a stay and party, in an order.
#[derive(Clone, Copy)]
struct SearchedPlace<'a> {
    location: Option<&'a LocationQuery>,
    stay: StayDates,
    party: Option<Party>,
    sort: SortOrder,
    language: Locale,
}

/// Tries of a search or hotel page while the catalog moves under it; the last one answers
/// with what it read (as it would have a moment earlier).
const ATTEMPTS: u32 = 3;

/// A walk's hotels and until when they hold, or the catalog version an availability query
/// read when it was not the candidates' (the walk stopped there).
enum Current {
    Yes((Vec<Found>, Option<DateTime<Utc>>)),
    Moved(i64),
}

/// Walks `candidates` until `wanted` hotels with a room free for the stay are found; returns
/// them and until when that holds (the earliest expiry of a hold counted), or stops as soon as
/// an availability query reads another catalog version than `expected` (if given).
async fn walk(
    db: &sqlx::PgPool,
    candidates: &Candidates,
    expected: Option<i64>,
    offers: Offers<'_>,
    place: SearchedPlace<'_>,
    wanted: usize,
) -> Result<Current, AppError> {
    let rooms = RoomRepo::new(db);
    let mut walk = PageWalk::new(candidates, offers, place.sort, place.language, wanted);
    let mut until = None;
    let mut checked = false;
    loop {
        let batch = walk.advance();
        if batch.is_empty() {
            // A walk that had nothing to probe (a place with no hotel to offer) reads the
            // version alone: a hotel added there since must be found.
            if let Some(version) = expected.filter(|_| !checked) {
                let now = HotelRepo::new(db).catalog_version().await?;
                if now != version {
                    return Ok(Current::Moved(now));
                }
            }
            return Ok(Current::Yes((walk.into_found(), until)));
        }
        let booked = rooms
            .booked_counts(&candidates.hotel_ids(&batch), place.stay)
            .await?;
        if expected.is_some_and(|version| version != booked.catalog_version) {
            return Ok(Current::Moved(booked.catalog_version));
        }
        checked = true;
        until = earliest(until, booked.until);
        walk.record(&batch, &booked.by_room);
    }
}

#[cfg(test)]
mod tests {
    use super::super::hotels::CandidateRoom;
    use super::*;

    /// Hotel `id` named `name` with room types `(room id, price, quantity)`.
    fn hotel(id: i32, name: &str, rooms: &[(i32, i64, i32)]) -> CandidateHotel {
        let mut rooms: Vec<CandidateRoom> = rooms
            .iter()
            .map(|&(id, price, quantity)| CandidateRoom {
                id: id.into(),
                price: Money::from_roubles(price),
                quantity,
                occupancy: crate::model::Occupancy {
                    max_adults: 2,
                    max_children: 1,
                },
                rates: rates::RoomRates::flat(Money::from_roubles(price)),
            })
            .collect();
        rooms.sort_by_key(|room| (room.price, room.id));
        CandidateHotel {
            hotel: Hotel {
                id: id.into(),
                name: name.into(),
                name_en: None,
                location: "Алтай".into(),
                services: vec![],
                rooms_quantity: rooms.iter().map(|room| room.quantity).sum(),
                image_id: None,
                picture_digest: None,
            },
            rooms,
        }
    }

    fn day(raw: &str) -> NaiveDate {
        crate::model::parse_iso_date(raw).unwrap()
    }

    /// One night, Tuesday 1 December 2026.
    fn one_night() -> StayDates {
        StayDates::new(
            day("2026-12-01"),
            day("2026-12-02"),
            BookingWindow::UNBOUNDED,
        )
        .unwrap()
    }

    /// Runs a walk to the end against `booked`, counting the probes.
    fn run(
        candidates: &Candidates,
        sort: SortOrder,
        wanted: usize,
        booked: &HashMap<i32, i64>,
    ) -> (Vec<(i32, i64, i64)>, usize) {
        run_for(
            candidates,
            one_night(),
            Party::default(),
            sort,
            wanted,
            booked,
        )
    }

    /// Runs a walk for `stay` and `party` to the end, against `booked`, counting the probes;
    /// the hotels found as (id, stay total, rooms left).
    fn run_for(
        candidates: &Candidates,
        stay: StayDates,
        party: Party,
        sort: SortOrder,
        wanted: usize,
        booked: &HashMap<i32, i64>,
    ) -> (Vec<(i32, i64, i64)>, usize) {
        let search = (stay, party, sort, Locale::ru);
        run_in(candidates, search, wanted, booked)
    }

    /// [`run_for`] for a reader of `language`.
    fn run_in(
        candidates: &Candidates,
        (stay, party, sort, language): (StayDates, Party, SortOrder, Locale),
        wanted: usize,
        booked: &HashMap<i32, i64>,
    ) -> (Vec<(i32, i64, i64)>, usize) {
        let booked: HashMap<RoomId, i64> = booked
            .iter()
            .map(|(&room, &count)| (room.into(), count))
            .collect();
        let offers = Offers::new(candidates, stay, Some(party));
        let mut walk = PageWalk::new(candidates, offers, sort, language, wanted);
        let mut probes = 0;
        loop {
            let batch = walk.advance();
            if batch.is_empty() {
                break;
            }
            probes += 1;
            walk.record(&batch, &booked);
        }
        let found = walk
            .into_found()
            .into_iter()
            .map(|found| {
                let price = found.min_total.whole_roubles();
                (found.hotel.id.get(), price, found.rooms_left)
            })
            .collect();
        (found, probes)
    }

    fn catalog_hotels() -> Vec<CandidateHotel> {
        // By name: Альфа(1), Бета(2), Гамма(3), Дельта(4).
        vec![
            hotel(1, "Альфа", &[(10, 5_000, 1), (11, 9_000, 2)]),
            hotel(2, "Бета", &[(20, 3_000, 1)]),
            hotel(3, "Гамма", &[(30, 4_000, 2), (31, 2_000, 1)]),
            hotel(4, "Дельта", &[(40, 6_000, 3)]),
        ]
    }

    fn catalog() -> Candidates {
        Candidates::new(catalog_hotels())
    }

    #[test]
    fn by_name_a_reader_of_english_gets_the_english_alphabet() {
        let mut hotels = catalog_hotels();
        hotels[0].hotel.name_en = Some("Zenith".into());
        // Case does not count; hotels without an English name go by their own.
        hotels[2].hotel.name_en = Some("aurora".into());
        let candidates = Candidates::new(hotels);
        let ids = |language| {
            let search = (one_night(), Party::default(), SortOrder::Name, language);
            let (found, _) = run_in(&candidates, search, 10, &HashMap::new());
            found.iter().map(|found| found.0).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(Locale::en),
            [3, 1, 2, 4],
            "aurora, Zenith, Бета, Дельта"
        );
        assert_eq!(ids(Locale::ru), [1, 2, 3, 4], "Альфа, Бета, Гамма, Дельта");
        // A page further on keeps the same order.
        let search = (one_night(), Party::default(), SortOrder::Name, Locale::en);
        let (first_two, _) = run_in(&candidates, search, 2, &HashMap::new());
        assert_eq!(first_two.iter().map(|f| f.0).collect::<Vec<_>>(), [3, 1]);
    }

    #[test]
    fn price_order_goes_by_the_stay_total_not_the_base_price() {
        let mut hotels = catalog_hotels();
        // Бета's 3,000 room costs 9,000 on Fridays and Saturdays: over Fri-Sun it is the
        // dearest stay, though its base price is the lowest but one.
        let weekend = rates::RateRule {
            id: 1,
            from: day("2026-01-01"),
            to: day("2028-01-01"),
            weekdays: Some(rates::Weekdays::FRIDAY_SATURDAY),
            change: rates::RateChange::Price(Money::from_roubles(9_000)),
        };
        let room = &mut hotels[1].rooms[0];
        room.rates = rates::RoomRates::new(room.price, vec![weekend], vec![], vec![]);
        let candidates = Candidates::new(hotels);
        let friday_to_sunday = StayDates::new(
            day("2026-12-04"),
            day("2026-12-06"),
            BookingWindow::UNBOUNDED,
        )
        .unwrap();
        let (found, _) = run_for(
            &candidates,
            friday_to_sunday,
            Party::default(),
            SortOrder::Price,
            10,
            &HashMap::new(),
        );
        let order: Vec<(i32, i64)> = found.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(order, [(3, 4_000), (1, 10_000), (4, 12_000), (2, 18_000)]);
    }

    #[test]
    fn room_types_the_search_cannot_offer_are_never_probed() {
        let mut hotels = catalog_hotels();
        // Дельта is closed for the night; Альфа's rooms take two adults at most.
        let closed = rates::Restriction {
            from: day("2026-12-01"),
            to: day("2026-12-02"),
            closed: true,
            ..rates::Restriction::default()
        };
        let room = &mut hotels[3].rooms[0];
        room.rates = rates::RoomRates::new(room.price, vec![], vec![], vec![closed]);
        for room in &mut hotels[2].rooms {
            room.occupancy.max_adults = 3;
        }
        let candidates = Candidates::new(hotels);
        let three = Party {
            adults: 3,
            children: 0,
        };
        let (found, probes) = run_for(
            &candidates,
            one_night(),
            three,
            SortOrder::Name,
            10,
            &HashMap::new(),
        );
        assert_eq!(found, [(3, 2_000, 3)], "only Гамма takes three adults");
        assert_eq!(probes, 1);
    }

    /// A catalog of `count` hotels with two room types each, priced by rules and overrides
    /// drawn from a fixed sequence.
    fn priced_catalog(count: i32) -> Candidates {
        let mut seed: u64 = 42;
        let mut next = move |below: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % below
        };
        let hotels = (1..=count)
            .map(|id| {
                let rooms = [
                    (id * 10, 1_000 + next(50) as i64 * 100, 1),
                    (id * 10 + 1, 2_000, 2),
                ];
                let mut hotel = hotel(id, &format!("Отель {id:04}"), &rooms);
                for room in &mut hotel.rooms {
                    let change = match next(3) {
                        0 => rates::RateChange::Percent(next(200) as i32 - 90),
                        1 => rates::RateChange::Amount(Money::from_roubles(
                            next(3_000) as i64 - 1_000,
                        )),
                        _ => rates::RateChange::Price(Money::from_roubles(next(5_000) as i64)),
                    };
                    let from = day("2026-12-01") + chrono::Days::new(next(10));
                    let rule = rates::RateRule {
                        id: next(1_000) as i64,
                        from,
                        to: from + chrono::Days::new(1 + next(5)),
                        weekdays: rates::Weekdays::from_bits(next(128) as i16),
                        change,
                    };
                    let night = (
                        day("2026-12-01") + chrono::Days::new(next(8)),
                        Money::from_roubles(next(4_000) as i64),
                    );
                    room.rates = rates::RoomRates::new(room.price, vec![rule], vec![night], vec![]);
                }
                hotel
            })
            .collect();
        Candidates::new(hotels)
    }

    #[test]
    fn the_lazy_price_order_is_the_full_sort() {
        let candidates = priced_catalog(300);
        let stay = StayDates::new(
            day("2026-12-02"),
            day("2026-12-06"),
            BookingWindow::UNBOUNDED,
        )
        .unwrap();
        let mut everything: Vec<PriceKey> = candidates
            .hotels
            .iter()
            .flat_map(|hotel| {
                hotel
                    .rooms
                    .iter()
                    .map(|room| (room.rates.stay_total(stay), hotel.hotel.id, room.id))
            })
            .collect();
        everything.sort();
        let mut offers = Offers::new(&candidates, stay, None);
        let lazy: Vec<PriceKey> = (0..)
            .map_while(|i| offers.by_price(i))
            .map(|(total, h, r)| candidates.price_key(total, h, r))
            .collect();
        assert_eq!(lazy, everything);
    }

    #[test]
    fn price_order_goes_by_the_cheapest_free_room() {
        // Гамма's 2,000 room is full, so it is placed at 4,000, after Бета's 3,000.
        let booked = HashMap::from([(31, 1)]);
        let (found, _) = run(&catalog(), SortOrder::Price, 10, &booked);
        assert_eq!(
            found,
            [(2, 3_000, 1), (3, 4_000, 2), (1, 5_000, 3), (4, 6_000, 3)]
        );
    }

    #[test]
    fn full_hotels_are_left_out_in_either_order() {
        let booked = HashMap::from([(20, 1), (40, 5)]);
        let (by_price, _) = run(&catalog(), SortOrder::Price, 10, &booked);
        let (by_name, _) = run(&catalog(), SortOrder::Name, 10, &booked);
        assert_eq!(by_price, [(3, 2_000, 3), (1, 5_000, 3)]);
        assert_eq!(by_name, [(1, 5_000, 3), (3, 2_000, 3)]);
    }

    #[test]
    fn rooms_left_counts_every_free_room_type() {
        let booked = HashMap::from([(10, 1), (11, 1)]);
        let (found, _) = run(&catalog(), SortOrder::Name, 1, &booked);
        assert_eq!(found, [(1, 9_000, 1)]);
    }

    #[test]
    fn a_walk_stops_when_it_has_enough() {
        let many: Vec<CandidateHotel> = (1..=1_000)
            .map(|id| hotel(id, &format!("Отель {id:04}"), &[(id, i64::from(id), 1)]))
            .collect();
        let candidates = Candidates::new(many);
        let (found, probes) = run(&candidates, SortOrder::Price, 21, &HashMap::new());
        assert_eq!(found.len(), 21);
        assert_eq!(probes, 1, "one batch is enough when nothing is booked");
        assert_eq!(found[0], (1, 1, 1));
    }

    #[test]
    fn a_walk_probes_further_when_hotels_are_full() {
        let many: Vec<CandidateHotel> = (1..=100)
            .map(|id| hotel(id, &format!("Отель {id:03}"), &[(id, i64::from(id), 1)]))
            .collect();
        let candidates = Candidates::new(many);
        // The first 50 hotels are full.
        let booked: HashMap<i32, i64> = (1..=50).map(|id| (id, 1)).collect();
        let (found, probes) = run(&candidates, SortOrder::Name, 21, &booked);
        assert_eq!(found.first().map(|f| f.0), Some(51));
        assert_eq!(found.len(), 21);
        assert!(probes > 1);
    }

    #[test]
    fn a_walk_for_everything_lists_every_free_hotel() {
        let booked = HashMap::from([(20, 1)]);
        let (found, _) = run(&catalog(), SortOrder::Price, usize::MAX, &booked);
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn an_empty_place_finds_nothing_without_probing() {
        let (found, probes) = run(
            &Candidates::new(vec![]),
            SortOrder::Price,
            21,
            &HashMap::new(),
        );
        assert!(found.is_empty());
        assert_eq!(probes, 0);
    }
}
