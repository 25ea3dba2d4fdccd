//! Live availability: what an open hotel or book page is sent when its rooms change.
use super::{HotelId, RoomId, StayDates};

/// Rooms left for one stay, per room type of a hotel: the data of one server-sent event.
/// Written as `id:left` pairs separated by spaces (`"12:3 14:0"`): short on the wire, and the
/// browser reads it without a JSON parser in the bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomCounts(pub Vec<(RoomId, i64)>);

impl RoomCounts {
    pub fn to_event_data(&self) -> String {
        let pairs: Vec<String> = (self.0.iter())
            .map(|(room, left)| format!("{room}:{left}"))
            .collect();
        pairs.join(" ")
    }

    /// `None` for anything [`Self::to_event_data`] does not write.
    pub fn parse(data: &str) -> Option<Self> {
        let pairs = data.split_whitespace().map(|pair| {
            let (room, left) = pair.split_once(':')?;
            let room = RoomId::from(room.parse::<i32>().ok()?);
            let left = left.parse::<i64>().ok().filter(|left| *left >= 0)?;
            Some((room, left))
        });
        pairs.collect::<Option<Vec<_>>>().map(RoomCounts)
    }

    /// Rooms left of `room`, if the event names it.
    pub fn left(&self, room: RoomId) -> Option<i64> {
        self.0
            .iter()
            .find(|(id, _)| *id == room)
            .map(|(_, left)| *left)
    }
}

/// The address of the event stream of hotel `hotel_id`'s rooms for `stay`.
pub fn live_rooms_url(hotel_id: HotelId, stay: StayDates) -> String {
    format!("/live/hotels/{hotel_id}?{}", stay.to_query())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_survive_the_wire() {
        let counts = RoomCounts(vec![(RoomId::from(12), 3), (RoomId::from(14), 0)]);
        assert_eq!(counts.to_event_data(), "12:3 14:0");
        assert_eq!(RoomCounts::parse("12:3 14:0"), Some(counts.clone()));
        assert_eq!(counts.left(RoomId::from(14)), Some(0));
        assert_eq!(counts.left(RoomId::from(15)), None);
        assert_eq!(RoomCounts::parse(""), Some(RoomCounts::default()));
    }

    #[test]
    fn anything_else_is_refused() {
        for data in ["12", "12:x", "x:1", "12:-1", "12:3,14:0", ":"] {
            assert_eq!(RoomCounts::parse(data), None, "{data}");
        }
    }
}
