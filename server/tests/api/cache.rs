//! Redis outages: requests never fail or hang because of the cache, and it comes back by itself.
//! A TCP proxy in front of the real Redis plays the outage (refusing, or accepting and never
//! answering).
use app::i18n::Locale;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::{HotelId, HotelSearch, LocationQuery, RoomId, SortOrder, StayDates};
use app::server::{bookings, catalog};
use chrono::{Days, Local};
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::helpers::{spawn_app, spawn_app_sharing, spawn_app_with};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Up,
    /// Connections are closed at once: Redis is down.
    Down,
    /// Connections are accepted and never answered: Redis hangs.
    Stall,
}

struct RedisProxy {
    address: String,
    mode: watch::Sender<Mode>,
}

impl RedisProxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("redis://{}", listener.local_addr().unwrap());
        let (mode, watcher) = watch::channel(Mode::Up);
        let upstream = Arc::new(upstream);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut watcher = watcher.clone();
                let upstream = Arc::clone(&upstream);
                tokio::spawn(async move {
                    let mode = *watcher.borrow_and_update();
                    match mode {
                        Mode::Down => {}
                        Mode::Stall => {
                            let _ = watcher.changed().await;
                        }
                        Mode::Up => {
                            let Ok(mut server) = TcpStream::connect(upstream.as_str()).await else {
                                return;
                            };
                            // Any change of mode cuts live connections.
                            tokio::select! {
                                _ = copy_bidirectional(&mut client, &mut server) => {}
                                _ = watcher.changed() => {}
                            }
                        }
                    }
                });
            }
        });
        RedisProxy { address, mode }
    }

    fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

fn upstream() -> String {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    url.trim_start_matches("redis://")
        .trim_end_matches('/')
        .to_owned()
}

fn search() -> HotelSearch {
    let today = Local::now().date_naive();
    let day = |n| today.checked_add_days(Days::new(n)).unwrap();
    HotelSearch {
        location: Some(LocationQuery::parse("алтай").unwrap()),
        stay: StayDates::new(
            day(10),
            day(12),
            app::model::BookingWindow::from_today(today),
        )
        .unwrap(),
        party: app::model::Party::default(),
        sort: SortOrder::Price,
        page: 1,
    }
}

/// Searches and says how long it took; the answer must always be right.
async fn timed_search(app: &crate::helpers::TestApp) -> Duration {
    let started = Instant::now();
    let results = catalog::search(&app.state, &search(), app::i18n::Locale::ru)
        .await
        .unwrap();
    assert_eq!(results.hotels.len(), 3);
    started.elapsed()
}

/// A connection to the real Redis (past any proxy) and the app's keys matching `pattern`.
async fn redis_keys(
    app: &crate::helpers::TestApp,
    pattern: &str,
) -> (redis::aio::MultiplexedConnection, Vec<String>) {
    let client = redis::Client::open(format!("redis://{}", upstream())).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}{pattern}", app.config.redis_prefix))
        .query_async(&mut connection)
        .await
        .unwrap();
    (connection, keys)
}

async fn cache_entries(app: &crate::helpers::TestApp) -> usize {
    redis_keys(app, "v:*").await.1.len()
}

#[tokio::test]
async fn redis_down_then_up_the_cache_comes_back_by_itself() {
    let proxy = RedisProxy::start(upstream()).await;
    let app = spawn_app_with(&[("REDIS_URL", &proxy.address)]).await;
    timed_search(&app).await;
    assert_eq!(cache_entries(&app).await, 1, "cached while Redis is up");

    proxy.set(Mode::Down);
    for _ in 0..5 {
        assert!(timed_search(&app).await < Duration::from_millis(500));
    }

    proxy.set(Mode::Up);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut other = search();
    other.sort = SortOrder::Name;
    loop {
        catalog::search(&app.state, &other, app::i18n::Locale::ru)
            .await
            .unwrap();
        if cache_entries(&app).await == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the cache did not come back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_hanging_redis_costs_a_timeout_not_a_hang() {
    let proxy = RedisProxy::start(upstream()).await;
    let app = spawn_app_with(&[("REDIS_URL", &proxy.address)]).await;
    timed_search(&app).await;
    proxy.set(Mode::Stall);
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        slowest = slowest.max(timed_search(&app).await);
    }
    assert!(
        slowest < Duration::from_millis(800),
        "slowest search {slowest:?}"
    );
}

#[tokio::test]
async fn a_redis_down_at_start_is_picked_up_later() {
    let proxy = RedisProxy::start(upstream()).await;
    proxy.set(Mode::Down);
    let app = spawn_app_with(&[("REDIS_URL", &proxy.address)]).await;
    timed_search(&app).await;
    proxy.set(Mode::Up);
    let deadline = Instant::now() + Duration::from_secs(10);
    while cache_entries(&app).await == 0 {
        assert!(Instant::now() < deadline, "the cache never connected");
        timed_search(&app).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Fills every room type of the search's first hotel for the search's stay, as bookings do
/// (the trigger logs the invalidation), and returns the hotel.
async fn fill_first_hotel(app: &crate::helpers::TestApp) -> HotelId {
    let hotels = catalog::search(&app.state, &search(), app::i18n::Locale::ru)
        .await
        .unwrap();
    let first = hotels.hotels[0].hotel.id;
    let stay = search().stay;
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         SELECT r.id, 1, $2, $3, r.price FROM rooms r, generate_series(1, r.quantity)
         WHERE r.hotel_id = $1",
    )
    .bind(first)
    .bind(stay.check_in())
    .bind(stay.check_out())
    .execute(&app.state.db)
    .await
    .unwrap();
    first
}

/// Waits (up to 5 s) until `app`'s search no longer lists `hotel`; returns how long it took.
async fn until_unlisted(app: &crate::helpers::TestApp, hotel: HotelId) -> Duration {
    let started = Instant::now();
    loop {
        let results = catalog::search(&app.state, &search(), app::i18n::Locale::ru)
            .await
            .unwrap();
        if results.hotels.iter().all(|offer| offer.hotel.id != hotel) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a stale entry still lists the full hotel {hotel}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An invalidation that cannot reach Redis stays in the database's log and is delivered
/// within seconds of Redis coming back.
#[tokio::test]
async fn an_invalidation_lost_in_an_outage_is_delivered_when_redis_is_back() {
    let proxy = RedisProxy::start(upstream()).await;
    let app = spawn_app_with(&[("REDIS_URL", &proxy.address)]).await;
    proxy.set(Mode::Down);
    let first = fill_first_hotel(&app).await;
    catalog::changes_committed(&app.state.db, &app.state.cache).await;
    proxy.set(Mode::Up);
    let took = until_unlisted(&app, first).await;
    assert!(took < Duration::from_secs(3), "{took:?}");
}

/// Two server processes on one database: Redis is partitioned from the one that makes the
/// change. The other delivers the invalidation at once, and the partitioned one serves fresh
/// availability within seconds of the partition healing.
#[tokio::test]
async fn a_partition_between_two_servers_leaves_no_stale_availability() {
    let proxy = RedisProxy::start(upstream()).await;
    let cut_off = spawn_app_with(&[("REDIS_URL", &proxy.address)]).await;
    let other = spawn_app_sharing(&cut_off, &[]).await;
    // Both have the search cached.
    assert_eq!(
        catalog::search(&cut_off.state, &search(), app::i18n::Locale::ru)
            .await
            .unwrap()
            .hotels
            .len(),
        3
    );
    assert_eq!(
        catalog::search(&other.state, &search(), app::i18n::Locale::ru)
            .await
            .unwrap()
            .hotels
            .len(),
        3
    );
    assert!(cache_entries(&cut_off).await >= 1);

    proxy.set(Mode::Down);
    let first = fill_first_hotel(&cut_off).await;
    catalog::changes_committed(&cut_off.state.db, &cut_off.state.cache).await;
    let took = until_unlisted(&other, first).await;
    assert!(took < Duration::from_secs(3), "the other server: {took:?}");

    proxy.set(Mode::Up);
    let took = until_unlisted(&cut_off, first).await;
    assert!(took < Duration::from_secs(3), "after healing: {took:?}");
    // Delivery removes the log's row after publishing, so a fresh page may be served a
    // moment before the row goes: wait for it, within the same bound.
    let started = Instant::now();
    loop {
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM cache_invalidations")
            .fetch_one(&other.state.db)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{left} invalidations neither delivered nor removed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Rooms left of the first room type of `hotel` for the search's stay, as `app` serves them.
async fn rooms_left(app: &crate::helpers::TestApp, hotel: HotelId) -> (RoomId, i64) {
    let details = catalog::hotel_details(&app.state, hotel, search().stay, None)
        .await
        .unwrap();
    (details.rooms[0].room.id, details.rooms[0].rooms_left)
}

async fn book_as_guest(app: &crate::helpers::TestApp, email: &str, room: RoomId) {
    let user = app.signed_up_id(email).await;
    bookings::book(
        &app.state,
        user,
        room,
        search().stay,
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
}

async fn logged_invalidations(app: &crate::helpers::TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM cache_invalidations")
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// The generation counter `gen:hotel:{hotel}` in Redis (none before the first change).
async fn hotel_generation(app: &crate::helpers::TestApp, hotel: HotelId) -> Option<i64> {
    let (mut connection, _) = redis_keys(app, "gen:hotel:*").await;
    redis::cmd("GET")
        .arg(format!("{}gen:hotel:{hotel}", app.config.redis_prefix))
        .query_async(&mut connection)
        .await
        .unwrap()
}

/// A booking delivers its own invalidation before answering, so the guest's next read already
/// sees it; its log row is dropped by the next housekeeping round, not delivered a second time.
#[tokio::test]
async fn a_booking_is_seen_at_once_and_delivered_once() {
    let app = spawn_app().await;
    let hotel = catalog::search(&app.state, &search(), app::i18n::Locale::ru)
        .await
        .unwrap()
        .hotels[0]
        .hotel
        .id;
    let (room, before) = rooms_left(&app, hotel).await;
    assert_eq!(rooms_left(&app, hotel).await.1, before, "cached");
    let generation = hotel_generation(&app, hotel).await;
    book_as_guest(&app, "seen-at-once@example.com", room).await;
    let answered = hotel_generation(&app, hotel).await;
    assert_ne!(answered, generation, "delivered before answering");
    assert_eq!(rooms_left(&app, hotel).await.1, before - 1);

    let started = Instant::now();
    while logged_invalidations(&app).await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "left in the log"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The relay delivering the row again would have moved the counter once more.
    assert_eq!(hotel_generation(&app, hotel).await, answered);
}

/// A booking made while Redis is partitioned from its server: the other server delivers it from
/// the log, and the partitioned one serves it within seconds of healing.
#[tokio::test]
async fn a_booking_made_during_a_partition_is_delivered_from_the_log() {
    let proxy = RedisProxy::start(upstream()).await;
    let cut_off = spawn_app_with(&[("REDIS_URL", &proxy.address)]).await;
    let other = spawn_app_sharing(&cut_off, &[]).await;
    let hotel = catalog::search(&other.state, &search(), app::i18n::Locale::ru)
        .await
        .unwrap()
        .hotels[0]
        .hotel
        .id;
    let (room, before) = rooms_left(&other, hotel).await;
    assert_eq!(rooms_left(&cut_off, hotel).await.1, before);

    proxy.set(Mode::Down);
    book_as_guest(&cut_off, "partitioned@example.com", room).await;
    for (app, when) in [(&other, "the other server"), (&cut_off, "after healing")] {
        if when == "after healing" {
            proxy.set(Mode::Up);
        }
        let started = Instant::now();
        while rooms_left(app, hotel).await.1 != before - 1 {
            assert!(started.elapsed() < Duration::from_secs(3), "{when}: stale");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test]
async fn generation_counters_expire_a_day_after_their_last_change() {
    let app = spawn_app_with(&[]).await;
    timed_search(&app).await;
    sqlx::query("INSERT INTO cache_invalidations (hotel_id) VALUES (NULL)")
        .execute(&app.state.db)
        .await
        .unwrap();
    catalog::deliver_invalidations(&app.state.db, &app.state.cache)
        .await
        .unwrap();
    let (mut connection, keys) = redis_keys(&app, "gen:*").await;
    assert!(keys.len() >= 2, "the search's generations: {keys:?}");
    for key in keys {
        let ttl: i64 = redis::cmd("TTL")
            .arg(&key)
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!((1..=86_400).contains(&ttl), "{key}: {ttl}");
    }
}
