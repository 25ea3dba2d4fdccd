//! Live availability: an open page's event stream hears bookings made through another server
//! process, and changes made behind every app's back (through the invalidation relay).
use std::time::{Duration, Instant};

use app::i18n::Locale;
use app::model::{HotelId, RoomId, StayDates};
use app::server::bookings;

use crate::helpers::{
    TestApp, add_booking, add_room_type, spawn_app, spawn_app_sharing, spawn_app_with, stay,
};

/// An open event stream, read event by event.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(app: &TestApp, hotel: HotelId, stay: StayDates) -> Events {
        let url = app.url(&app::model::live::live_rooms_url(hotel, stay));
        let response = app.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(kind, "text/event-stream");
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The data of the next event (keep-alive comments skipped), within `limit`.
    async fn next(&mut self, limit: Duration) -> String {
        tokio::time::timeout(limit, async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let event: String = self.buffer.drain(..end + 2).collect();
                    let data: Vec<&str> = (event.lines())
                        .filter_map(|line| line.strip_prefix("data:"))
                        .map(str::trim_start)
                        .collect();
                    if !data.is_empty() {
                        return data.join("\n");
                    }
                    continue;
                }
                let chunk = self
                    .response
                    .chunk()
                    .await
                    .unwrap()
                    .expect("the stream goes on");
                self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
            }
        })
        .await
        .expect("an event in time")
    }
}

fn counts(room: RoomId, left: i64) -> String {
    format!("{room}:{left}")
}

#[tokio::test]
async fn a_page_on_one_process_hears_a_booking_made_on_another_within_a_second() {
    let booked_on = spawn_app().await;
    let watched_on = spawn_app_sharing(&booked_on, &[]).await;
    let (hotel, room) = add_room_type(&booked_on, "Живоград", 3000, 2, (2, 0)).await;
    let guest = booked_on.signed_up_id("live@example.com").await;
    let stay = stay(40, 43);
    let mut events = Events::open(&watched_on, hotel, stay).await;
    assert_eq!(events.next(Duration::from_secs(5)).await, counts(room, 2));

    let booked_at = Instant::now();
    let booking = bookings::book(
        &booked_on.state,
        guest,
        room,
        stay,
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    assert_eq!(events.next(Duration::from_secs(1)).await, counts(room, 1));
    let heard_after = booked_at.elapsed();

    bookings::cancel(&booked_on.state, bookings::Actor::Guest(guest), booking.id)
        .await
        .unwrap();
    assert_eq!(events.next(Duration::from_secs(1)).await, counts(room, 2));
    println!("heard the booking after {heard_after:?}");
}

#[tokio::test]
async fn a_change_behind_the_apps_back_reaches_the_page_through_the_relay() {
    let app = spawn_app().await;
    let (hotel, room) = add_room_type(&app, "Тихоград", 3000, 1, (2, 0)).await;
    let guest = app.signed_up_id("relay@example.com").await;
    let stay = stay(50, 52);
    let mut events = Events::open(&app, hotel, stay).await;
    assert_eq!(events.next(Duration::from_secs(5)).await, counts(room, 1));
    // A script's insert: logged by the trigger, delivered by the relay's next round.
    add_booking(&app, guest, room, stay.check_in(), stay.check_out()).await;
    assert_eq!(events.next(Duration::from_secs(3)).await, counts(room, 0));
}

#[tokio::test]
async fn other_hotels_and_other_dates_send_nothing() {
    let app = spawn_app().await;
    let (hotel, room) = add_room_type(&app, "Одноград", 3000, 2, (2, 0)).await;
    let (_, other_room) = add_room_type(&app, "Другоград", 3000, 2, (2, 0)).await;
    let guest = app.signed_up_id("quiet@example.com").await;
    let mut events = Events::open(&app, hotel, stay(60, 62)).await;
    assert_eq!(events.next(Duration::from_secs(5)).await, counts(room, 2));
    // Another hotel's booking, and this hotel's for other dates: the rooms shown stay as they are.
    for (room, dates) in [(other_room, stay(60, 62)), (room, stay(70, 72))] {
        bookings::book(
            &app.state,
            guest,
            room,
            dates,
            None,
            &Default::default(),
            Locale::ru,
        )
        .await
        .unwrap();
    }
    let quiet = tokio::time::timeout(
        Duration::from_millis(800),
        events.next(Duration::from_secs(2)),
    )
    .await;
    assert!(
        quiet.is_err(),
        "an event for nothing that changed: {quiet:?}"
    );
}

#[tokio::test]
async fn unknown_hotels_and_bad_dates_are_refused_and_without_redis_the_browser_stops() {
    let app = spawn_app().await;
    let (hotel, _) = add_room_type(&app, "Строгоград", 3000, 2, (2, 0)).await;
    let dates = stay(10, 11).to_query();
    for (path, status) in [
        (format!("/live/hotels/999999?{dates}"), 404),
        ("/live/hotels/x".to_owned(), 404),
        (
            format!("/live/hotels/{hotel}?date_from=garbage&date_to=2030-01-02"),
            422,
        ),
        (
            format!("/live/hotels/{hotel}?date_from=2099-01-01&date_to=2099-01-02"),
            400,
        ),
    ] {
        assert_eq!(app.get(&path).await.status(), status, "{path}");
    }
    let without_redis = spawn_app_with(&[("REDIS_URL", "")]).await;
    let (hotel, _) = add_room_type(&without_redis, "Безредисово", 3000, 2, (2, 0)).await;
    let response = without_redis.get(&format!("/live/hotels/{hotel}")).await;
    // 204: EventSource gives up instead of retrying every few seconds.
    assert_eq!(response.status(), 204);
}
