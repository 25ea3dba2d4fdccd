use std::collections::HashMap;

use app::server::pictures::Pictures;
use app::server::{config::Config, state::AppState};
use leptos::config::LeptosOptions;
use server::startup::Application;

/// A running app with its own database, dropped (with the database) at the end of the test.
pub struct TestApp {
    pub address: String,
    pub config: Config,
    pub state: AppState,
    pub pictures: Pictures,
    pub client: reqwest::Client,
    /// The first app of a database drops it; apps sharing it (a second "process") do not.
    owns_database: bool,
}

/// Variables a developer or CI may set to reach their PostgreSQL and Redis; everything else is
/// decided by the test.
const PASSED_THROUGH: &[&str] = &["DB_HOST", "DB_PORT", "DB_USER", "DB_PASS", "REDIS_URL"];

pub fn test_config(overrides: &[(&str, &str)]) -> Config {
    let database = format!("booking_test_{}", random_suffix());
    let mut vars: HashMap<String, String> = PASSED_THROUGH
        .iter()
        .filter_map(|name| {
            std::env::var(name)
                .ok()
                .map(|value| (name.to_string(), value))
        })
        .collect();
    vars.insert("APP_ENV".into(), "test".into());
    vars.insert("REDIS_PREFIX".into(), format!("{database}:"));
    let media = std::env::temp_dir().join(format!("{database}_media"));
    vars.insert("MEDIA_DIR".into(), media.display().to_string());
    vars.insert("DB_NAME".into(), database);
    vars.insert("JWT_SECRET_KEY".into(), "integration-test-secret".into());
    for (name, value) in overrides {
        vars.insert(name.to_string(), value.to_string());
    }
    Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration is valid")
}

fn random_suffix() -> String {
    use rand::Rng;
    let value: u64 = rand::rng().random();
    format!("{value:016x}")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    start(test_config(overrides), true, "target/site").await
}

/// An app serving the site's files (the wasm bundle, pictures, ...) from `site_root`.
pub async fn spawn_app_with_site(site_root: &str) -> TestApp {
    start(test_config(&[]), true, site_root).await
}

/// A second server on `first`'s database (another process, as far as the app can tell: its
/// own pool, cache connection and in-memory state), with the same Redis prefix.
pub async fn spawn_app_sharing(first: &TestApp, overrides: &[(&str, &str)]) -> TestApp {
    let mut config = first.config.clone();
    if let Some((_, url)) = overrides.iter().find(|(name, _)| *name == "REDIS_URL") {
        config.redis_url = Some((*url).to_owned());
    } else {
        config.redis_url = std::env::var("REDIS_URL")
            .ok()
            .or_else(|| Some("redis://127.0.0.1:6379".to_owned()));
    }
    config.demo_data = false;
    start(config, false, "target/site").await
}

async fn start(config: Config, owns_database: bool, site_root: &str) -> TestApp {
    let leptos_options = LeptosOptions::builder()
        .output_name("booking")
        .site_root(site_root)
        .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .build();
    let app = Application::build(config.clone(), leptos_options)
        .await
        .expect("the app starts");
    let address = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    let pictures = app.pictures().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        config,
        state,
        pictures,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A request that hangs fails its test instead of stalling the whole run.
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("an HTTP client"),
        owns_database,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The page at `path` as a browser reading `language` asks for it.
    pub async fn get_in(&self, path: &str, language: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept-language", language)
            .send()
            .await
            .expect("request is sent")
    }

    /// The HTML of the page at `path` in `language`.
    pub async fn html_in(&self, path: &str, language: &str) -> String {
        let response = self.get_in(path, language).await;
        response.text().await.expect("a page")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request is sent")
    }

    /// Calls a server function the way the browser does (URL-encoded form).
    pub async fn server_fn(&self, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.server_fn_request(name, form)
            .send()
            .await
            .expect("request is sent")
    }

    fn server_fn_request(&self, name: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let body = form
            .iter()
            .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.client
            .post(self.url(&format!("/api/{name}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !self.owns_database {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.config.media_dir);
        let options = self.config.database.clone();
        let redis = self.config.redis_url.clone();
        let prefix = self.config.redis_prefix.clone();
        // Drop is synchronous: clean up from a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                if let Some(url) = redis {
                    delete_keys(&url, &prefix).await;
                }
                server::db::drop_database(&options).await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "could not drop the test database {:?}",
                self.config.database.get_database()
            );
        }
    }
}

/// `raw` as an email, for calling services (which take parsed input).
pub fn email(raw: &str) -> app::model::Email {
    app::model::Email::parse(raw).expect("a valid email")
}

/// `raw` as a password, for calling services.
pub fn password(raw: &str) -> app::model::Password {
    app::model::Password::parse(raw).expect("a valid password")
}

/// The `booking_access_token` value a response sets, if any.
pub fn access_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix("booking_access_token="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

impl TestApp {
    /// Calls a server function with the session cookie `token`.
    pub async fn server_fn_as(
        &self,
        token: &str,
        name: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.server_fn_request(name, form)
            .header("cookie", format!("booking_access_token={token}"))
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn register(&self, email: &str, password: &str) -> reqwest::Response {
        self.server_fn("register", &[("email", email), ("password", password)])
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.server_fn("login", &[("email", email), ("password", password)])
            .await
    }

    /// Registers and returns the session token.
    pub async fn signed_up(&self, email: &str) -> String {
        let response = self.register(email, "correct horse battery").await;
        assert_eq!(response.status().as_u16(), 200, "registration of {email}");
        access_cookie(&response).expect("a session cookie")
    }

    /// Registers `email` and returns the new user's id.
    pub async fn signed_up_id(&self, email: &str) -> app::model::UserId {
        self.signed_up(email).await;
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.state.db)
            .await
            .unwrap()
    }

    /// Signs in again as `email` (registered by [`TestApp::signed_up`]): a second session.
    pub async fn signed_up_again(&self, email: &str) -> String {
        access_cookie(&self.login(email, "correct horse battery").await).expect("a session cookie")
    }

    /// GETs `path` with the session cookie `token`; the status.
    pub async fn get_as(&self, token: &str, path: &str) -> u16 {
        self.client
            .get(self.url(path))
            .header("cookie", format!("booking_access_token={token}"))
            .send()
            .await
            .expect("request is sent")
            .status()
            .as_u16()
    }

    /// Creates the admin `email` (see `server create-admin`) and returns its session token.
    pub async fn admin_token(&self, email: &str) -> String {
        let password = "correct horse battery";
        app::server::accounts::create_admin(
            &self.state.db,
            &self::email(email),
            &self::password(password),
        )
        .await
        .expect("the admin is created");
        access_cookie(&self.login(email, password).await).expect("a session cookie")
    }

    /// The email of the user the token signs in, or `None`.
    pub async fn whoami(&self, token: &str) -> Option<String> {
        let response = self.server_fn_as(token, "current_user", &[]).await;
        let body: serde_json::Value = response.json().await.expect("JSON");
        body["email"].as_str().map(String::from)
    }
}

/// Removes the test's Redis keys (they would expire anyway; tests leave nothing behind).
async fn delete_keys(url: &str, prefix: &str) {
    let Ok(client) = redis::Client::open(url) else {
        return;
    };
    let Ok(mut connection) = client.get_multiplexed_async_connection().await else {
        return;
    };
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut connection)
        .await
        .unwrap_or_default();
    if !keys.is_empty() {
        let _: redis::RedisResult<()> = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut connection)
            .await;
    }
}

/// The local date `offset` days from today.
pub fn day(offset: u64) -> chrono::NaiveDate {
    chrono::Local::now()
        .date_naive()
        .checked_add_days(chrono::Days::new(offset))
        .unwrap()
}

/// The stay from `from` to `to` days from today, in the booking window that starts today.
pub fn stay(from: u64, to: u64) -> app::model::StayDates {
    app::model::StayDates::new(
        day(from),
        day(to),
        app::model::BookingWindow::from_today(day(0)),
    )
    .unwrap()
}

/// A hotel in `town` with one room type of `quantity` rooms at `price` a night for up to
/// `adults` adults and `children` children.
pub async fn add_room_type(
    app: &TestApp,
    town: &str,
    price: i32,
    quantity: i32,
    (adults, children): (i16, i16),
) -> (app::model::HotelId, app::model::RoomId) {
    sqlx::query_as(
        "WITH h AS (INSERT INTO hotels (name, location, rooms_quantity)
                    VALUES ('Отель ' || $1, $1 || ', улица Ночная, 1', $3) RETURNING id)
         INSERT INTO rooms (hotel_id, name, price, quantity, max_adults, max_children)
         SELECT id, 'Номер', $2, $3, $4, $5 FROM h
         RETURNING hotel_id, id",
    )
    .bind(town)
    .bind(price)
    .bind(quantity)
    .bind(adults)
    .bind(children)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// The hotel page's offer of the hotel's one room type for `stay`.
pub async fn offer(
    app: &TestApp,
    hotel: app::model::HotelId,
    stay: app::model::StayDates,
) -> app::model::RoomOffer {
    let details = app::server::catalog::hotel_details(&app.state, hotel, stay, None)
        .await
        .unwrap();
    details.rooms.into_iter().next().expect("the room type")
}

pub fn rub(roubles: i64) -> app::model::Money {
    app::model::Money::from_roubles(roubles)
}

/// The first day at least `from` days ahead that falls on `weekday`, as an offset.
pub fn next(weekday: chrono::Weekday, from: u64) -> u64 {
    use chrono::Datelike;
    (from..from + 7)
        .find(|&offset| day(offset).weekday() == weekday)
        .unwrap()
}

/// Books `room` for the days `[from, to)` behind the app's back (no rules checked).
pub async fn add_booking(
    app: &TestApp,
    user: app::model::UserId,
    room: app::model::RoomId,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) {
    sqlx::query(
        "INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         VALUES ($1, $2, $3, $4, 100)",
    )
    .bind(room)
    .bind(user)
    .bind(from)
    .bind(to)
    .execute(&app.state.db)
    .await
    .unwrap();
}

/// Log output kept in memory: a `tracing_subscriber` writer for tests that read what was
/// logged (set as the test thread's default; the app's tasks run on that thread too).
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The lines that are JSON (production's format).
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
