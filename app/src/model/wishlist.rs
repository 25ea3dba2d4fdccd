//! Hotels a guest keeps: the ones saved (the hearts) and the ones viewed lately. Signed out,
//! a browser keeps them in cookies; signed in, the account does (they move there on sign-in).
use serde::{Deserialize, Serialize};

use super::{Hotel, HotelId, PictureRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuestList {
    Saved,
    Viewed,
}

impl GuestList {
    pub const ALL: [GuestList; 2] = [GuestList::Saved, GuestList::Viewed];

    /// Hotels kept at most; the oldest go first.
    pub const fn cap(self) -> usize {
        match self {
            GuestList::Saved => 50,
            GuestList::Viewed => 8,
        }
    }

    /// The cookie a browser keeps the list in while signed out.
    pub const fn cookie(self) -> &'static str {
        match self {
            GuestList::Saved => "saved_hotels",
            GuestList::Viewed => "viewed_hotels",
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            GuestList::Saved => "saved",
            GuestList::Viewed => "viewed",
        }
    }
}

/// Hotel ids, newest first, each once, at most a list's cap: as a cookie keeps them
/// (`12.5.7`: only digits and dots, nothing a cookie must escape).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HotelIds(Vec<HotelId>);

impl HotelIds {
    /// Reads a cookie's value leniently: what is not an id is skipped (the browser's cookie is
    /// the guest's to tamper with; at worst they lose an entry).
    pub fn parse(raw: &str, list: GuestList) -> Self {
        HotelIds::of(raw.split('.').filter_map(HotelId::parse), list)
    }

    /// `ids`, newest first, each once, at most the list's cap.
    pub fn of(ids: impl IntoIterator<Item = HotelId>, list: GuestList) -> Self {
        let mut kept = HotelIds::default();
        for id in ids {
            if !kept.0.contains(&id) && kept.0.len() < list.cap() {
                kept.0.push(id);
            }
        }
        kept
    }

    pub fn to_cookie_value(&self) -> String {
        let ids: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        ids.join(".")
    }

    pub fn ids(&self) -> &[HotelId] {
        &self.0
    }

    pub fn contains(&self, id: HotelId) -> bool {
        self.0.contains(&id)
    }

    /// Puts `id` first (moving it if listed), dropping the oldest beyond the cap.
    pub fn put(&mut self, id: HotelId, list: GuestList) {
        self.remove(id);
        self.0.insert(0, id);
        self.0.truncate(list.cap());
    }

    pub fn remove(&mut self, id: HotelId) {
        self.0.retain(|listed| *listed != id);
    }
}

/// A hotel of a list, as the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedHotel {
    pub hotel: Hotel,
    pub picture: Option<PictureRef>,
}

/// A guest's lists, newest first, and where they are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GuestLists {
    pub saved: Vec<ListedHotel>,
    pub viewed: Vec<ListedHotel>,
    /// Kept by the account (else by this browser).
    pub signed_in: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(raw: &[i32]) -> Vec<HotelId> {
        raw.iter().copied().map(HotelId::from).collect()
    }

    #[test]
    fn a_cookie_is_read_leniently_once_each_and_capped() {
        let read = HotelIds::parse("12.5.x.12..-3.7", GuestList::Saved);
        assert_eq!(read.ids(), ids(&[12, 5, 7]));
        assert_eq!(read.to_cookie_value(), "12.5.7");
        let many: Vec<String> = (1..=20).map(|id| id.to_string()).collect();
        let viewed = HotelIds::parse(&many.join("."), GuestList::Viewed);
        assert_eq!(viewed.ids(), ids(&[1, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(HotelIds::parse("", GuestList::Saved), HotelIds::default());
    }

    #[test]
    fn the_newest_goes_first_and_the_oldest_out() {
        let mut viewed = HotelIds::parse("1.2.3.4.5.6.7.8", GuestList::Viewed);
        viewed.put(HotelId::from(5), GuestList::Viewed);
        assert_eq!(viewed.ids(), ids(&[5, 1, 2, 3, 4, 6, 7, 8]));
        viewed.put(HotelId::from(9), GuestList::Viewed);
        assert_eq!(viewed.ids(), ids(&[9, 5, 1, 2, 3, 4, 6, 7]));
        viewed.remove(HotelId::from(1));
        assert!(!viewed.contains(HotelId::from(1)));
        assert!(viewed.contains(HotelId::from(9)));
    }
}
