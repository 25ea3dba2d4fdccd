//! Redis outages: requests never fail or hang because of the cache, and it comes back by itself.
//! A TCP proxy in front of the real Redis plays the outage (refusing, or accepting and never
//! answering).
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::{HotelSearch, LocationQuery, SortOrder, StayDates};
use app::server::catalog;
use chrono::{Days, Local};
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::helpers::spawn_app_with;

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
        stay: StayDates::new(day(10), day(12), today).unwrap(),
        sort: SortOrder::Price,
        page: 1,
    }
}

/// Searches and says how long it took; the answer must always be right.
async fn timed_search(app: &crate::helpers::TestApp) -> Duration {
    let started = Instant::now();
    let results = catalog::search(&app.state, &search()).await.unwrap();
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
        catalog::search(&app.state, &other).await.unwrap();
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

/// An invalidation that cannot reach Redis must not let this process serve the stale entry
/// once Redis is back.
#[tokio::test]
async fn an_invalidation_lost_in_an_outage_is_delivered_before_the_next_read() {
    let proxy = RedisProxy::start(upstream()).await;
    let app = spawn_app_with(&[("REDIS_URL", &proxy.address)]).await;
    let hotels = catalog::search(&app.state, &search()).await.unwrap();
    let first = hotels.hotels[0].hotel.id;
    let room: i32 = sqlx::query_scalar("SELECT id FROM rooms WHERE hotel_id = $1 LIMIT 1")
        .bind(first)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    // Fill every room type of the first hotel, then announce it while Redis is down.
    let stay = search().stay;
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         SELECT r.id, 1, $2, $3, r.price FROM rooms r, generate_series(1, r.quantity)
         WHERE r.hotel_id = (SELECT hotel_id FROM rooms WHERE id = $1)",
    )
    .bind(room)
    .bind(stay.check_in())
    .bind(stay.check_out())
    .execute(&app.state.db)
    .await
    .unwrap();
    proxy.set(Mode::Down);
    catalog::bookings_changed(&app.state.cache, first, stay.check_in(), stay.check_out()).await;
    proxy.set(Mode::Up);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let fresh = catalog::search(&app.state, &search()).await.unwrap();
    assert!(
        fresh.hotels.iter().all(|offer| offer.hotel.id != first),
        "the full hotel is not listed from a stale entry"
    );
}

#[tokio::test]
async fn generation_counters_expire_a_day_after_their_last_change() {
    let app = spawn_app_with(&[]).await;
    timed_search(&app).await;
    catalog::catalog_changed(&app.state.cache).await;
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
