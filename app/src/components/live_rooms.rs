//! Rooms left that follow other guests' bookings while a page is open (server-sent events from
//! `/live/hotels/{id}`). Without JavaScript, or when the server sends none, the page keeps
//! what it was rendered with.
use leptos::prelude::*;

use crate::model::live::RoomCounts;
use crate::model::{HotelId, RoomId, StayDates};

/// Rooms left of each of `rooms` (with what the page was rendered with) at hotel `hotel_id`
/// for `stay`, kept current while the page is open.
pub fn live_rooms_left(
    hotel_id: HotelId,
    stay: StayDates,
    rooms: Vec<(RoomId, i64)>,
) -> impl Fn(RoomId) -> Signal<i64> + Clone {
    let (counts, set_counts) = signal(None::<RoomCounts>);
    listen(hotel_id, stay, set_counts);
    let rendered = StoredValue::new(rooms);
    move |room: RoomId| {
        let initial = rendered.with_value(|rooms| {
            (rooms.iter())
                .find(|(id, _)| *id == room)
                .map_or(0, |(_, left)| *left)
        });
        Signal::derive(move || {
            counts
                .with(|counts| counts.as_ref().and_then(|counts| counts.left(room)))
                .unwrap_or(initial)
        })
    }
}

/// Opens the event stream once the page runs in the browser; closes it with the page.
#[cfg(feature = "hydrate")]
fn listen(hotel_id: HotelId, stay: StayDates, set_counts: WriteSignal<Option<RoomCounts>>) {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{EventSource, MessageEvent};

    Effect::new(move |_| {
        let url = crate::model::live::live_rooms_url(hotel_id, stay);
        let Ok(source) = EventSource::new(&url) else {
            return;
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let counts = event.data().as_string();
            if let Some(counts) = counts.as_deref().and_then(RoomCounts::parse) {
                set_counts.set(Some(counts));
            }
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let open = SendWrapper::new((source, on_message));
        on_cleanup(move || {
            let (source, _on_message) = open.take();
            source.set_onmessage(None);
            source.close();
        });
    });
}

#[cfg(not(feature = "hydrate"))]
fn listen(_: HotelId, _: StayDates, _: WriteSignal<Option<RoomCounts>>) {}
