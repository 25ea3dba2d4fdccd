//! Search without the cache: the catalog's static part (which hotels match a place, their room
//! types, prices and capacities) is kept in memory per place, and only availability (bookings,
//! which change all the time) is read from the database, a batch of hotels at a time.
//!
//! Before, PostgreSQL matched the place, sorted its room types and probed them one by one on
//! every search; that was most of a search's cost. The static part changes only when an admin
//! edits the catalog, and the `catalog_version` counter (moved by a trigger) tells every
//! process when to reload it, so nothing stale is used.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{Days, NaiveDate};
use tokio::sync::OnceCell;

use super::hotels::{CandidateHotel, HotelRepo};
use super::rooms::{RoomRepo, rooms_left};
use crate::error::AppError;
use crate::model::{
    BookingWindow, Hotel, HotelId, HotelSearch, LocationQuery, Money, Party, RoomId, SortOrder,
    StayDates,
};
use crate::server::rates;

/// Places kept at once; past it the index starts afresh (places are few; this bounds memory).
const MAX_PLACES: usize = 512;

/// Hotels probed per query at most: a page needs about as many hotels as it shows.
const MAX_BATCH: usize = 64;

/// The hotels of one place, by name, then id, each with its room types (base price, capacity,
/// guests, rates and restrictions from the day they were loaded on).
#[derive(Debug)]
pub struct Candidates {
    hotels: Vec<CandidateHotel>,
}

impl Candidates {
    pub fn new(hotels: Vec<CandidateHotel>) -> Self {
        Candidates { hotels }
    }

    pub(super) fn hotel_ids(&self, batch: &[usize]) -> Vec<HotelId> {
        batch.iter().map(|&h| self.hotels[h].hotel.id).collect()
    }

    /// What each room type offers for `stay` and `party`: its total for the stay, or `None`
    /// when it does not take the party or a restriction refuses the stay (the rules of the
    /// hotel page and booking, `rates::refusal`). Computed in memory, before any availability
    /// is read, so refused room types cost no probe.
    pub fn offers(&self, stay: StayDates, party: Option<Party>, sort: SortOrder) -> Offers {
        let totals: Vec<Vec<Option<Money>>> = self
            .hotels
            .iter()
            .map(|hotel| {
                hotel
                    .rooms
                    .iter()
                    .map(|room| {
                        rates::refusal(room.occupancy, &room.rates, stay, party)
                            .is_none()
                            .then(|| room.rates.stay_total(stay))
                    })
                    .collect()
            })
            .collect();
        let mut by_price = Vec::new();
        if sort == SortOrder::Price {
            for (h, rooms) in totals.iter().enumerate() {
                for (r, total) in rooms.iter().enumerate() {
                    if let Some(total) = total {
                        by_price.push((*total, h, r));
                    }
                }
            }
            let hotels = &self.hotels;
            by_price.sort_unstable_by_key(|&(total, h, r)| {
                (total, hotels[h].hotel.id, hotels[h].rooms[r].id)
            });
        }
        Offers { totals, by_price }
    }
}

/// The room types a search may offer, and what their stays cost.
pub struct Offers {
    /// Per hotel and room type: the stay's total, if the room type can be booked for it.
    totals: Vec<Vec<Option<Money>>>,
    /// The bookable room types as `(total, hotel index, room index)`, cheapest stay first
    /// (price order only).
    by_price: Vec<(Money, usize, usize)>,
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
    offers: &'a Offers,
    sort: SortOrder,
    wanted: usize,
    /// Position in the hotels (name order) or in `by_price` (price order).
    cursor: usize,
    /// Rooms left per room type (none for those the search cannot offer), once known.
    left: Vec<Option<Vec<i64>>>,
    placed: Vec<bool>,
    found: Vec<Found>,
}

impl<'a> PageWalk<'a> {
    pub fn new(
        candidates: &'a Candidates,
        offers: &'a Offers,
        sort: SortOrder,
        wanted: usize,
    ) -> Self {
        let count = candidates.hotels.len();
        // A hotel with nothing to offer needs no probe.
        let left = offers
            .totals
            .iter()
            .map(|totals| {
                totals
                    .iter()
                    .all(Option::is_none)
                    .then(|| vec![0; totals.len()])
            })
            .collect();
        PageWalk {
            candidates,
            offers,
            sort,
            wanted,
            cursor: 0,
            left,
            placed: vec![false; count],
            found: Vec::with_capacity(wanted.min(count)),
        }
    }

    /// Goes as far as what is known allows; returns the hotels (indices) to probe next, or
    /// nothing when the walk is over.
    pub fn advance(&mut self) -> Vec<usize> {
        while self.found.len() < self.wanted {
            let Some((hotel, free)) = self.current() else {
                break;
            };
            match free {
                None => return self.next_batch(),
                Some(true) if !self.placed[hotel] => self.place(hotel),
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
            let left = self.candidates.hotels[h]
                .rooms
                .iter()
                .zip(&self.offers.totals[h])
                .map(|(room, total)| match total {
                    Some(_) => {
                        rooms_left(room.quantity, booked.get(&room.id).copied().unwrap_or(0))
                    }
                    None => 0,
                })
                .collect();
            self.left[h] = Some(left);
        }
    }

    /// The hotels found, in order.
    pub fn into_found(self) -> Vec<Found> {
        self.found
    }

    /// The hotel at the cursor, and whether the cursor makes it free (`None`: not probed yet).
    /// By name, a hotel is free when any room type is; by price, when the cursor's room type is.
    fn current(&self) -> Option<(usize, Option<bool>)> {
        let (hotel, room) = match self.sort {
            SortOrder::Name => {
                (self.cursor < self.candidates.hotels.len()).then_some((self.cursor, None))?
            }
            SortOrder::Price => {
                let &(_, hotel, room) = self.offers.by_price.get(self.cursor)?;
                (hotel, Some(room))
            }
        };
        let free = self.left[hotel].as_ref().map(|left| match room {
            Some(room) => left[room] > 0,
            None => left.iter().any(|&n| n > 0),
        });
        Some((hotel, free))
    }

    fn place(&mut self, h: usize) {
        let left = self.left[h].as_deref().unwrap_or_default();
        let Some(min_total) = self.offers.totals[h]
            .iter()
            .zip(left)
            .filter(|(_, left)| **left > 0)
            .filter_map(|(total, _)| *total)
            .min()
        else {
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
    /// are still wanted, with some to spare for hotels that turn out to be full.
    fn next_batch(&self) -> Vec<usize> {
        let still_wanted = self.wanted - self.found.len();
        let size = still_wanted
            .saturating_add(still_wanted / 4 + 2)
            .min(MAX_BATCH);
        let unprobed = |h: &usize| self.left[*h].is_none();
        let mut batch = Vec::with_capacity(size);
        let mut take = |h: usize| {
            if unprobed(&h) && !batch.contains(&h) {
                batch.push(h);
            }
            batch.len() < size
        };
        match self.sort {
            SortOrder::Name => {
                for h in self.cursor..self.candidates.hotels.len() {
                    if !take(h) {
                        break;
                    }
                }
            }
            SortOrder::Price => {
                for &(_, h, _) in &self.offers.by_price[self.cursor..] {
                    if !take(h) {
                        break;
                    }
                }
            }
        }
        batch
    }
}

/// One page of hotels with a room free, and whether more pages follow.
pub struct SearchPage {
    pub hotels: Vec<Found>,
    pub has_more: bool,
}

type Slot = Arc<OnceCell<Arc<Candidates>>>;

/// What the candidates in memory were loaded from: the catalog's version, and the day their
/// rates start on (a new day loads them afresh, so the booking window is always covered).
type Loaded = (i64, NaiveDate);

#[derive(Default)]
struct Places {
    loaded: Option<Loaded>,
    by_place: HashMap<Option<String>, Slot>,
}

/// The in-memory candidates of every place searched lately, for the current catalog version.
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
    ) -> Result<SearchPage, AppError> {
        let size = HotelSearch::PAGE_SIZE as usize;
        let skip = search.offset() as usize;
        let candidates = self
            .candidates(db, search.location.as_ref(), window)
            .await?;
        let offers = candidates.offers(search.stay, Some(search.party), search.sort);
        // One more than the page, to know whether another page follows.
        let wanted = skip + size + 1;
        let found = walk(db, &candidates, &offers, search.sort, search.stay, wanted).await?;
        let has_more = found.len() > skip + size;
        let hotels = found.into_iter().skip(skip).take(size).collect();
        Ok(SearchPage { hotels, has_more })
    }

    /// Every hotel with a room free for `stay` (in a place, if given), cheapest first: the
    /// HTTP API lists them all, as the original did, for `party` (any, if `None`).
    pub async fn search_all(
        &self,
        db: &sqlx::PgPool,
        location: Option<&LocationQuery>,
        stay: StayDates,
        party: Option<Party>,
        window: BookingWindow,
    ) -> Result<Vec<Found>, AppError> {
        let candidates = self.candidates(db, location, window).await?;
        let offers = candidates.offers(stay, party, SortOrder::Price);
        walk(db, &candidates, &offers, SortOrder::Price, stay, usize::MAX).await
    }

    /// The candidates of a place, loaded once per catalog version and day (concurrent
    /// searches of a place not loaded yet wait for one load), with the rates and restrictions
    /// of every day a stay may hold: from today to the booking window's last check-out.
    pub async fn candidates(
        &self,
        db: &sqlx::PgPool,
        location: Option<&LocationQuery>,
        window: BookingWindow,
    ) -> Result<Arc<Candidates>, AppError> {
        let repo = HotelRepo::new(db);
        let version = repo.catalog_version().await?;
        let until = window
            .last_check_in()
            .checked_add_days(Days::new(StayDates::MAX_NIGHTS as u64))
            .unwrap_or(NaiveDate::MAX);
        let load = || async {
            let hotels = repo
                .search_candidates(location, window.today, until)
                .await?;
            Ok::<_, AppError>(Arc::new(Candidates::new(hotels)))
        };
        // Keyed like the query matches: case-insensitively.
        let place = location.map(|location| location.as_str().to_lowercase());
        let Some(slot) = self.slot((version, window.today), place) else {
            // This search read an older version than another one already did: serve it, but
            // keep nothing from it.
            return load().await;
        };
        slot.get_or_try_init(load).await.cloned()
    }

    fn slot(&self, loaded: Loaded, place: Option<String>) -> Option<Slot> {
        let mut places = self.places.lock().unwrap_or_else(PoisonError::into_inner);
        if places.loaded.is_some_and(|current| loaded < current) {
            return None;
        }
        if places.loaded != Some(loaded)
            || (places.by_place.len() >= MAX_PLACES && !places.by_place.contains_key(&place))
        {
            places.by_place.clear();
            places.loaded = Some(loaded);
        }
        Some(places.by_place.entry(place).or_default().clone())
    }
}

/// Walks `candidates` until `wanted` hotels with a room free for `stay` are found.
async fn walk(
    db: &sqlx::PgPool,
    candidates: &Candidates,
    offers: &Offers,
    sort: SortOrder,
    stay: StayDates,
    wanted: usize,
) -> Result<Vec<Found>, AppError> {
    let rooms = RoomRepo::new(db);
    let mut walk = PageWalk::new(candidates, offers, sort, wanted);
    loop {
        let batch = walk.advance();
        if batch.is_empty() {
            return Ok(walk.into_found());
        }
        let booked = rooms
            .booked_counts(&candidates.hotel_ids(&batch), stay)
            .await?;
        walk.record(&batch, &booked);
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
        let booked: HashMap<RoomId, i64> = booked
            .iter()
            .map(|(&room, &count)| (room.into(), count))
            .collect();
        let offers = candidates.offers(stay, Some(party), sort);
        let mut walk = PageWalk::new(candidates, &offers, sort, wanted);
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

    fn catalog() -> Candidates {
        // By name: Альфа(1), Бета(2), Гамма(3), Дельта(4).
        Candidates::new(vec![
            hotel(1, "Альфа", &[(10, 5_000, 1), (11, 9_000, 2)]),
            hotel(2, "Бета", &[(20, 3_000, 1)]),
            hotel(3, "Гамма", &[(30, 4_000, 2), (31, 2_000, 1)]),
            hotel(4, "Дельта", &[(40, 6_000, 3)]),
        ])
    }

    #[test]
    fn price_order_goes_by_the_stay_total_not_the_base_price() {
        let mut candidates = catalog();
        // Бета's 3,000 room costs 9,000 on Fridays and Saturdays: over Fri-Sun it is the
        // dearest stay, though its base price is the lowest but one.
        let weekend = rates::RateRule {
            id: 1,
            from: day("2026-01-01"),
            to: day("2028-01-01"),
            weekdays: Some(rates::Weekdays::FRIDAY_SATURDAY),
            change: rates::RateChange::Price(Money::from_roubles(9_000)),
        };
        let room = &mut candidates.hotels[1].rooms[0];
        room.rates = rates::RoomRates::new(room.price, vec![weekend], vec![], vec![]);
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
        let mut candidates = catalog();
        // Дельта is closed for the night; Альфа's rooms take two adults at most.
        let closed = rates::Restriction {
            from: day("2026-12-01"),
            to: day("2026-12-02"),
            closed: true,
            ..rates::Restriction::default()
        };
        let room = &mut candidates.hotels[3].rooms[0];
        room.rates = rates::RoomRates::new(room.price, vec![], vec![], vec![closed]);
        for room in &mut candidates.hotels[2].rooms {
            room.occupancy.max_adults = 3;
        }
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
