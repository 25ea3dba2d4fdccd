//! The email worker against a real SMTP server (maildev from npm, started per test): the
//! confirmation arrives once, SMTP down then up delivers after recovery, give-up is recorded,
//! reminders are chosen by date, and without SMTP the outbox gets `.eml` files.
use app::i18n::Locale;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::server::notifications;
use app::server::{alerts, bookings};
use serde_json::Value;
use server::jobs::{self, JobContext};
use server::mail::Mailer;

use crate::helpers::{TestApp, day, spawn_app, test_config};

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// A maildev process on its own ports, killed when dropped.
pub(crate) struct MailDev {
    process: Child,
    pub(crate) smtp_port: u16,
    web_port: u16,
}

impl MailDev {
    pub(crate) fn start_on(smtp_port: u16) -> Self {
        let binary = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../end2end/node_modules/.bin/maildev"
        );
        let web_port = free_port();
        let process = Command::new(binary)
            .args(["--ip", "127.0.0.1", "--smtp", &smtp_port.to_string()])
            .args(["--web", &web_port.to_string(), "--silent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("maildev ({binary}) starts (run `make npm-deps`): {error}")
            });
        let maildev = MailDev {
            process,
            smtp_port,
            web_port,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", smtp_port)).is_err()
            || std::net::TcpStream::connect(("127.0.0.1", web_port)).is_err()
        {
            assert!(Instant::now() < deadline, "maildev did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        maildev
    }

    pub(crate) async fn emails(&self) -> Vec<Value> {
        reqwest::get(format!("http://127.0.0.1:{}/email", self.web_port))
            .await
            .expect("maildev answers")
            .json()
            .await
            .expect("a JSON list")
    }
}

impl Drop for MailDev {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

pub(crate) fn jobs_for(
    app: &TestApp,
    smtp_port: Option<u16>,
    outbox: Option<&std::path::Path>,
) -> JobContext {
    let port = smtp_port.map(|port| port.to_string());
    let outbox = outbox.map(|dir| dir.display().to_string());
    let mut vars = vec![];
    if let Some(port) = &port {
        vars.extend([
            ("SMTP_HOST", "127.0.0.1"),
            ("SMTP_PORT", port.as_str()),
            ("SMTP_TLS", "none"),
        ]);
    }
    if let Some(outbox) = &outbox {
        vars.push(("MAIL_OUTBOX_DIR", outbox.as_str()));
    }
    let config = test_config(&vars);
    JobContext {
        db: app.state.db.clone(),
        mailer: Mailer::from_config(&config).expect("a mailer"),
        app_url: "http://booking.test".into(),
        pictures: app.pictures.clone(),
    }
}

/// Signs up `email` and books demo room 9 (Palace, 5 000 a night) for two nights.
pub(crate) async fn booked(app: &TestApp, email: &str, from: u64) -> app::model::Booking {
    let user = app.signed_up_id(email).await;
    let stay = app::model::StayDates::new(
        day(from),
        day(from + 2),
        app::model::BookingWindow::from_today(day(0)),
    )
    .unwrap();
    let room = app::model::RoomId::from(9);
    let guest = app::model::GuestDetails {
        name: Some("Анна <Петрова>".into()),
        request: Some("Поздний заезд".into()),
    };
    bookings::book(&app.state, user, room, stay, None, &guest, Locale::ru)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_confirmation_arrives_once_with_the_booking_details() {
    let app = spawn_app().await;
    let maildev = MailDev::start_on(free_port());
    let jobs = jobs_for(&app, Some(maildev.smtp_port), None);
    let booking = booked(&app, "guest@example.com", 10).await;

    let report = jobs::drain_outbox(&jobs).await.unwrap();
    assert_eq!(report.sent, 1);
    let emails = maildev.emails().await;
    assert_eq!(emails.len(), 1);
    let email = &emails[0];
    assert_eq!(email["subject"], "Подтверждение бронирования");
    assert_eq!(email["to"][0]["address"], "guest@example.com");
    let text = email["text"].as_str().unwrap();
    let from = day(10).format("%d.%m.%Y").to_string();
    let to = day(12).format("%d.%m.%Y").to_string();
    assert!(text.contains(&format!("с {from} по {to}")), "{text}");
    assert!(text.contains("Palace"), "{text}");
    assert!(
        text.contains("Номер стандарт с 2 односпальными кроватями"),
        "{text}"
    );
    assert!(text.contains("Ночей: 2"), "{text}");
    let reference = format!("Номер бронирования: {}", booking.reference);
    assert!(text.contains(&reference), "{text}");
    assert!(text.contains("10\u{202f}000"), "{text}");
    assert!(text.contains("http://booking.test/bookings"), "{text}");
    assert!(text.contains("Гость: Анна <Петрова>"), "{text}");
    assert!(text.contains("Пожелания: Поздний заезд"), "{text}");
    let html = email["html"].as_str().unwrap();
    assert!(html.contains("<table>"));
    assert!(html.contains("Анна &lt;Петрова&gt;"), "{html}");

    let again = jobs::drain_outbox(&jobs).await.unwrap();
    assert_eq!(again.sent, 0, "sent state is recorded: never twice");
    assert_eq!(maildev.emails().await.len(), 1);
}

#[tokio::test]
async fn smtp_down_then_up_delivers_after_recovery() {
    let app = spawn_app().await;
    let port = free_port();
    let jobs = jobs_for(&app, Some(port), None);
    booked(&app, "later@example.com", 10).await;

    let report = jobs::drain_outbox(&jobs).await.unwrap();
    assert_eq!((report.sent, report.retried), (0, 1), "nothing listens yet");
    let counts = notifications::outbox_counts(&app.state.db).await.unwrap();
    assert_eq!((counts.pending, counts.failed), (1, 0));

    let maildev = MailDev::start_on(port);
    // Skip the backoff wait rather than sleeping through it.
    sqlx::query("UPDATE notifications SET next_attempt_at = now()")
        .execute(&app.state.db)
        .await
        .unwrap();
    let report = jobs::drain_outbox(&jobs).await.unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(maildev.emails().await.len(), 1);
}

#[tokio::test]
async fn an_email_is_retried_for_days_then_given_up_shown_and_resent() {
    let app = spawn_app().await;
    let port = free_port();
    let jobs = jobs_for(&app, Some(port), None);
    booked(&app, "never@example.com", 10).await;
    // Far more failures than the old give-up (6 attempts, about a minute) are still retried.
    for _ in 0..12 {
        due_now(&app).await;
        let report = jobs::drain_outbox(&jobs).await.unwrap();
        assert_eq!((report.retried, report.failed), (1, 0));
    }
    let next_in: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM next_attempt_at - now())::float8 FROM notifications",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(
        (1700.0..=1800.0).contains(&next_in),
        "backoff capped at 30 min: {next_in}"
    );

    // Three days later the next failure is the last.
    sqlx::query("UPDATE notifications SET retry_until = now() + interval '1 minute'")
        .execute(&app.state.db)
        .await
        .unwrap();
    due_now(&app).await;
    assert_eq!(jobs::drain_outbox(&jobs).await.unwrap().failed, 1);
    let counts = notifications::outbox_counts(&app.state.db).await.unwrap();
    assert_eq!((counts.pending, counts.failed), (0, 1));
    let error: Option<String> = sqlx::query_scalar("SELECT last_error FROM notifications")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(error.is_some_and(|error| error.contains("delivery failed")));
    let health: Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(health["status"], "degraded", "{health}");

    // Staff resend it once the mail server is back: it arrives once, health is ok again.
    let maildev = MailDev::start_on(port);
    let resent = notifications::resend_failed(&app.state.db, &[])
        .await
        .unwrap();
    assert_eq!(resent, 1);
    assert_eq!(jobs::drain_outbox(&jobs).await.unwrap().sent, 1);
    assert_eq!(maildev.emails().await.len(), 1);
    let health: Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(health["status"], "ok", "{health}");
}

/// Skips the backoff wait rather than sleeping through it.
async fn due_now(app: &TestApp) {
    sqlx::query("UPDATE notifications SET next_attempt_at = now()")
        .execute(&app.state.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn reminders_are_chosen_by_check_in_day_once_and_never_for_cancelled_bookings() {
    let app = spawn_app().await;
    let tomorrow = booked(&app, "one@example.com", 1).await.id;
    let in_three_days = booked(&app, "three@example.com", 3).await.id;
    booked(&app, "two@example.com", 2).await;
    let cancelled = booked(&app, "cancel@example.com", 1).await.id;
    sqlx::query("UPDATE bookings SET cancelled_at = now() WHERE id = $1")
        .bind(cancelled)
        .execute(&app.state.db)
        .await
        .unwrap();

    let db = &app.state.db;
    assert_eq!(notifications::queue_reminders(db, day(0)).await.unwrap(), 2);
    assert_eq!(
        notifications::queue_reminders(db, day(0)).await.unwrap(),
        0,
        "idempotent"
    );
    let mut reminders: Vec<(app::model::BookingId, String)> = sqlx::query_as(
        "SELECT booking_id, kind FROM notifications WHERE kind LIKE 'reminder%' ORDER BY kind",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    reminders.sort();
    let mut expected = vec![
        (tomorrow, "reminder_1_day".to_owned()),
        (in_three_days, "reminder_3_days".to_owned()),
    ];
    expected.sort();
    assert_eq!(reminders, expected);
}

#[tokio::test]
async fn without_smtp_the_emails_become_eml_files() {
    let app = spawn_app().await;
    let dir = std::env::temp_dir().join(format!("booking-outbox-{}", free_port()));
    let jobs = jobs_for(&app, None, Some(&dir));
    booked(&app, "files@example.com", 10).await;
    let report = jobs::drain_outbox(&jobs).await.unwrap();
    assert_eq!(report.sent, 1);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().into_string().unwrap();
    assert!(name.ends_with("-confirmation.eml"), "{name}");
    let raw = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(raw.contains("To: files@example.com"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The apalis workers themselves (what `server` and `server worker` run): the outbox is drained
/// on schedule, and a shutdown stops them.
#[tokio::test]
async fn the_worker_sends_on_its_schedule_and_stops_on_shutdown() {
    let app = spawn_app().await;
    let maildev = MailDev::start_on(free_port());
    let jobs = jobs_for(&app, Some(maildev.smtp_port), None);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(jobs::run(jobs, async move {
        let _ = stopped.await;
    }));
    booked(&app, "scheduled@example.com", 10).await;

    let deadline = Instant::now() + Duration::from_secs(15);
    while maildev.emails().await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "the worker did not send the email"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.send(()).unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(25), worker).await;
    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "the worker stops cleanly"
    );
}

/// An iCalendar text's properties by name (lines unfolded, parameters dropped), checking the
/// rules a calendar client relies on: CRLF, no line over 75 octets.
fn ics_properties(ics: &str) -> std::collections::HashMap<String, String> {
    for line in ics.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "CRLF: {line:?}");
        assert!(
            line.trim_end_matches("\r\n").len() <= 75,
            "folded: {line:?}"
        );
    }
    ics.replace("\r\n ", "")
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            let name = name.split(';').next()?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The `.ics` attached to maildev's email `email`.
async fn invite(maildev: &MailDev, email: &Value) -> String {
    let attachment = &email["attachments"][0];
    assert_eq!(
        attachment["contentType"]
            .as_str()
            .map(|t| t.starts_with("text/calendar")),
        Some(true),
        "{email}"
    );
    let url = format!(
        "http://127.0.0.1:{}/email/{}/attachment/{}",
        maildev.web_port,
        email["id"].as_str().unwrap(),
        attachment["generatedFileName"].as_str().unwrap()
    );
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn booked_changed_cancelled_one_calendar_event_in_the_guests_language() {
    let app = spawn_app().await;
    let maildev = MailDev::start_on(free_port());
    let jobs = jobs_for(&app, Some(maildev.smtp_port), None);
    let user = app.signed_up_id("calendar@example.com").await;
    let window = app::model::BookingWindow::from_today(day(0));
    let stay = |from, to| app::model::StayDates::new(day(from), day(to), window).unwrap();
    let room = app::model::RoomId::from(9);
    let guest = app::model::GuestDetails::default();
    let booking = bookings::book(
        &app.state,
        user,
        room,
        stay(10, 12),
        None,
        &guest,
        Locale::en,
    )
    .await
    .unwrap();
    jobs::drain_outbox(&jobs).await.unwrap();
    let actor = bookings::Actor::Guest(user);
    bookings::change(&app.state, actor, booking.id, room, stay(11, 14))
        .await
        .unwrap();
    jobs::drain_outbox(&jobs).await.unwrap();
    bookings::cancel(&app.state, actor, booking.id)
        .await
        .unwrap();
    jobs::drain_outbox(&jobs).await.unwrap();

    let emails = maildev.emails().await;
    let subjects: Vec<&str> = emails
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        ["Booking confirmed", "Booking changed", "Booking cancelled"]
    );
    let mut invites = Vec::new();
    for email in &emails {
        assert!(email["html"].as_str().unwrap().contains("lang=\"en\""));
        invites.push(ics_properties(&invite(&maildev, email).await));
    }
    let uid = format!("booking-{}@booking.local", booking.reference);
    let field = |i: usize, name: &str| invites[i].get(name).cloned().unwrap_or_default();
    for invite in &invites {
        assert_eq!(invite.get("UID"), Some(&uid), "one event: {invite:?}");
    }
    assert_eq!(
        (0..3).map(|i| field(i, "METHOD")).collect::<Vec<_>>(),
        ["REQUEST", "REQUEST", "CANCEL"]
    );
    assert_eq!(
        (0..3).map(|i| field(i, "SEQUENCE")).collect::<Vec<_>>(),
        ["0", "1", "2"],
        "each version newer than the last"
    );
    // Palace is in Moscow (UTC+3): check-in at 14:00 is 11:00 UTC, check-out at 12:00 is 09:00.
    let utc = |offset: u64, time: &str| format!("{}T{time}Z", day(offset).format("%Y%m%d"));
    assert_eq!(field(0, "DTSTART"), utc(10, "110000"));
    assert_eq!(field(1, "DTSTART"), utc(11, "110000"));
    assert_eq!(field(1, "DTEND"), utc(14, "090000"));
    assert!(field(0, "LOCATION").contains("Palace"), "{:?}", invites[0]);
    assert_eq!(field(2, "STATUS"), "CANCELLED");
}

#[tokio::test]
async fn a_freed_room_is_announced_once_to_each_guest_waiting_for_it() {
    let app = spawn_app().await;
    let maildev = MailDev::start_on(free_port());
    let jobs = jobs_for(&app, Some(maildev.smtp_port), None);
    // A hotel of its own with one room, taken for the stay by a booking and then by a hold.
    let (hotel, room): (app::model::HotelId, app::model::RoomId) = sqlx::query_as(
        "WITH h AS (INSERT INTO hotels (name, location, rooms_quantity)
                    VALUES ('Полный', 'Занятск', 1) RETURNING id)
         INSERT INTO rooms (hotel_id, name, price, quantity) SELECT id, 'Единственный', 1000, 1
         FROM h RETURNING hotel_id, id",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let window = app::model::BookingWindow::from_today(day(0));
    let stay = app::model::StayDates::new(day(5), day(7), window).unwrap();
    let party = app::model::Party::default();
    let owner = app.signed_up_id("owner@example.com").await;
    let booking = bookings::book(
        &app.state,
        owner,
        room,
        stay,
        None,
        &Default::default(),
        Locale::ru,
    )
    .await
    .unwrap();
    let (ann, bob) = (
        app.signed_up_id("ann@example.com").await,
        app.signed_up_id("bob@example.com").await,
    );
    alerts::subscribe(&app.state, ann, hotel, stay, party, Locale::ru)
        .await
        .unwrap();
    alerts::subscribe(&app.state, bob, hotel, stay, party, Locale::en)
        .await
        .unwrap();
    // A subscription for a check-in already past ends.
    sqlx::query(
        "INSERT INTO room_alerts (user_id, hotel_id, date_from, date_to, adults, children)
         VALUES ($1, $2, current_date - 1, current_date + 1, 2, 0)",
    )
    .bind(ann)
    .bind(hotel)
    .execute(&app.state.db)
    .await
    .unwrap();
    assert_eq!(alerts::check(&app.state).await.unwrap(), 0, "still full");

    // The cancellation frees the room, but a hold takes it at once: nothing to announce yet.
    let holder = app.signed_up_id("holder@example.com").await;
    bookings::cancel(&app.state, bookings::Actor::Guest(owner), booking.id)
        .await
        .unwrap();
    let held = bookings::hold(&app.state, holder, room, stay, party, false)
        .await
        .unwrap();
    assert!(held.hold.is_some());
    assert_eq!(alerts::check(&app.state).await.unwrap(), 0, "held");
    // The hold expires: the room is free, and both waiting guests are told, once.
    sqlx::query("UPDATE holds SET expires_at = now() - interval '1 second'")
        .execute(&app.state.db)
        .await
        .unwrap();
    // A cached page that counted the hold is kept no longer than the hold lasts (holds.rs tests
    // that); the clock cannot jump here, so the entry is let go as its expiry would.
    let dates = (stay.check_in(), stay.check_out());
    app::server::catalog::booking_changed(&app.state, hotel, &[dates], 0).await;
    let checks = futures::future::join_all((0..4).map(|_| alerts::check(&app.state))).await;
    let announced: u64 = checks.into_iter().map(Result::unwrap).sum();
    assert_eq!(
        announced, 2,
        "two subscriptions, each announced by one of four checks"
    );
    assert_eq!(alerts::check(&app.state).await.unwrap(), 0);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM room_alerts WHERE user_id = $1")
        .bind(ann)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(left, 1, "the past one ended");

    let report = jobs::drain_outbox(&jobs).await.unwrap();
    assert_eq!(
        report.sent, 4,
        "the owner's confirmation and cancellation, and the two alerts"
    );
    assert_eq!(jobs::drain_outbox(&jobs).await.unwrap().sent, 0);
    let emails = maildev.emails().await;
    let to = |address: &str| {
        emails
            .iter()
            .find(|email| email["to"][0]["address"] == address)
            .unwrap_or_else(|| panic!("an email to {address}"))
    };
    assert_eq!(
        to("ann@example.com")["subject"],
        "Освободился номер в отеле Полный"
    );
    assert_eq!(to("bob@example.com")["subject"], "A room is free at Полный");
    let link = format!(
        "http://booking.test/book?room_id={room}&date_from={}&date_to={}&adults=2&children=0",
        day(5),
        day(7)
    );
    assert!(
        to("bob@example.com")["text"]
            .as_str()
            .unwrap()
            .contains(&link),
        "{}",
        to("bob@example.com")["text"]
    );
}
