//! Scale-out (part of `make test`): two web processes (`serve --no-worker`) and one worker on
//! one PostgreSQL and one Redis, as a load balancer would spread a site; and a restart of a web
//! process under steady load on a socket the processes share.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{Datelike, Days, Local, Weekday};
use serde_json::{Value, json};

use crate::cluster::{Server, free_port};
use crate::scenarios::{Site, assert_each_once, site};

/// Days from today to the first Tuesday at least `from` days ahead: a stay starting then
/// meets no demo restriction (the Friday-arrival minimum stay, the closed suite).
fn tuesday_after(from: u64) -> u64 {
    let today = Local::now().date_naive();
    (from..from + 7)
        .find(|offset| {
            today
                .checked_add_days(Days::new(*offset))
                .is_some_and(|day| day.weekday() == Weekday::Tue)
        })
        .expect("a Tuesday within a week")
}

fn day(offset: u64) -> String {
    let today = Local::now().date_naive();
    today
        .checked_add_days(Days::new(offset))
        .unwrap()
        .to_string()
}

async fn rooms_left(site: &Site, server: &Server, room: i32, from: u64, to: u64) -> i64 {
    let path = format!(
        "/api/v1/hotels/1/rooms?date_from={}&date_to={}",
        day(from),
        day(to)
    );
    let rooms: Value = site
        .http
        .get(server.url(&path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    rooms
        .as_array()
        .unwrap()
        .iter()
        .find(|offer| offer["id"] == room)
        .and_then(|offer| offer["rooms_left"].as_i64())
        .unwrap()
}

async fn hotel_name(site: &Site, server: &Server) -> String {
    let hotel: Value = site
        .http
        .get(server.url("/api/v1/hotels/id/1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    hotel["name"].as_str().unwrap().to_owned()
}

async fn me(site: &Site, server: &Server, token: &str) -> u16 {
    site.http
        .get(server.url("/api/v1/auth/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Renames hotel 1 through the back office's form, as its admin; where the form sent the
/// browser (the hotel's page with `saved=1`, or the form again with the error).
async fn rename_hotel(site: &Site, server: &Server, admin: &str, name: &str) -> String {
    let hotel: Value = site
        .http
        .get(server.url("/api/v1/hotels/id/1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let services: Vec<&str> = hotel["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let form = [
        ("hotel_id", "1".to_owned()),
        ("name", name.to_owned()),
        ("location", hotel["location"].as_str().unwrap().to_owned()),
        ("services", services.join(", ")),
        ("time_zone", "Asia/Barnaul".to_owned()),
        ("check_in_time", "14:00".to_owned()),
        ("check_out_time", "12:00".to_owned()),
    ];
    // As a browser without JavaScript posts it: the answer is a redirect.
    site.http
        .post(server.url("/api/save_hotel"))
        .header("cookie", format!("booking_access_token={admin}"))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap()
        .url()
        .to_string()
}

/// Two web processes and a worker, as N web processes behind a balancer: sessions made on
/// one work on the other (and end on both), concurrent bookings through both never exceed the
/// rooms there are, each confirmation is sent once (and the worker's `/metrics` counts them),
/// and a catalog edit on one is what the other shows at once.
#[tokio::test]
#[ignore = "scale-out scenario: make test (needs the release build)"]
async fn two_web_processes_and_a_worker_serve_one_site() {
    let site = site().await;
    let a = Server::serve(&site.settings, site.settings.redis_port);
    let b = Server::serve(&site.settings, site.settings.redis_port);
    let worker = Server::worker_with_probes(&site.settings);

    // Sessions: made on A, used and ended on B, refused on A afterwards.
    let token = site.guest(&a, "session@scale.test").await;
    assert_eq!(me(&site, &b, &token).await, 200);
    let logout = site
        .http
        .post(b.url("/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(logout.status().is_success());
    assert_eq!(me(&site, &a, &token).await, 401, "a session ended on B");

    // Bookings: more guests than rooms, half through each process, all at once.
    let (room, from) = (1, tuesday_after(60));
    let to = from + 2;
    let capacity = rooms_left(&site, &a, room, from, to).await;
    assert!(capacity > 0);
    let guests = usize::try_from(capacity).unwrap() + 6;
    let mut tokens = Vec::new();
    for n in 0..guests {
        let server = if n % 2 == 0 { &a } else { &b };
        let email = format!("guest-{n}@scale.test");
        tokens.push((email.clone(), site.guest(server, &email).await));
    }
    let attempts = tokens.iter().enumerate().map(|(n, (_, token))| {
        let server = if n % 2 == 0 { &a } else { &b };
        site.book(server, token, room, from, to)
    });
    let statuses = futures::future::join_all(attempts).await;
    let booked: Vec<String> = tokens
        .iter()
        .zip(&statuses)
        .filter(|(_, status)| **status == Some(200))
        .map(|((email, _), _)| email.clone())
        .collect();
    assert_eq!(booked.len() as i64, capacity, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|status| matches!(status, Some(200 | 409))),
        "{statuses:?}"
    );
    // Neither process shows a room that is gone.
    assert_eq!(rooms_left(&site, &a, room, from, to).await, 0);
    assert_eq!(rooms_left(&site, &b, room, from, to).await, 0);

    // A catalog edit on A: B, which has the old name cached, shows the new one at once.
    let before = hotel_name(&site, &b).await;
    Server::run(
        &site.settings,
        &["create-admin", "admin@scale.test"],
        &[("ADMIN_PASSWORD", "correct horse battery")],
    );
    let admin: Value = site
        .http
        .post(a.url("/api/v1/auth/login"))
        .json(&json!({"email": "admin@scale.test", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = admin["access_token"].as_str().unwrap();
    let renamed = format!("{before} (renamed on A)");
    let saved = rename_hotel(&site, &a, admin, &renamed).await;
    assert!(
        saved.contains("saved=1"),
        "save_hotel sent the browser to {saved}"
    );
    assert_eq!(hotel_name(&site, &b).await, renamed);
    assert_eq!(hotel_name(&site, &a).await, renamed);

    // Every booking's confirmation, once, from the one worker.
    let deadline = Instant::now() + Duration::from_secs(60);
    while site.confirmations().await.len() < booked.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_each_once(&site.confirmations().await, &booked);

    // The worker, which serves no pages, answers its probes and counts what it sent.
    let ready = site
        .http
        .get(worker.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    let metrics = site
        .http
        .get(worker.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sent = metrics
        .lines()
        .find_map(|line| line.strip_prefix("emails_total{outcome=\"sent\"} "))
        .and_then(|count| count.parse::<usize>().ok());
    assert_eq!(sent, Some(booked.len()), "{metrics}");
    let page = site.http.get(worker.url("/")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 404, "a worker serves no pages");
}

/// What the load saw.
#[derive(Default)]
struct Tally {
    answered: AtomicUsize,
    failed: AtomicUsize,
}

/// Requests hotel pages and searches, each on a new connection (many clients, as through a
/// balancer), until `stop`; anything but a 200 is a failure.
async fn steady_load(port: u16, tally: Arc<Tally>, stop: Arc<AtomicBool>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let paths = [
        "/hotels/1".to_owned(),
        "/api/v1/hotels/id/2".to_owned(),
        format!(
            "/api/v1/hotels/Алтай?date_from={}&date_to={}",
            day(20),
            day(22)
        ),
    ];
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let url = format!("http://127.0.0.1:{port}{}", paths[n % paths.len()]);
        n += 1;
        match client.get(&url).send().await {
            Ok(response) if response.status().is_success() => {
                // The whole body, so a connection cut mid-answer counts as a failure.
                match response.bytes().await {
                    Ok(_) => tally.answered.fetch_add(1, Ordering::Relaxed),
                    Err(_) => tally.failed.fetch_add(1, Ordering::Relaxed),
                };
            }
            Ok(response) => {
                eprintln!("{url}: {}", response.status());
                tally.failed.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                eprintln!("{url}: {error}");
                tally.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// A login whose body trickles in over `seconds`: a request in flight while the process that
/// took it is told to stop. Its status, or the error that cut it off.
async fn slow_login(port: u16, seconds: u64) -> Result<u16, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = br#"{"email":"slow@scale.test","password":"not the right one"}"#;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|error| error.to_string())?;
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|error| error.to_string())?;
    let pause = Duration::from_millis(seconds * 1000 / body.len() as u64);
    for byte in body {
        stream
            .write_all(&[*byte])
            .await
            .map_err(|error| error.to_string())?;
        tokio::time::sleep(pause).await;
    }
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|error| error.to_string())?;
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .ok_or_else(|| format!("no status in {answer:?}"))
}

/// A restart as a supervisor does it on one host: the old and the new process share the
/// listening socket; the new one starts, the old one gets SIGTERM, stops accepting and
/// finishes what it has. Under steady load, no request fails, and a request in flight at
/// SIGTERM gets its answer.
#[tokio::test]
#[ignore = "scale-out scenario: make test (needs the release build)"]
async fn a_restart_on_a_shared_socket_fails_no_request() {
    let site = site().await;
    let socket = std::net::TcpListener::bind(("127.0.0.1", free_port())).unwrap();
    let port = socket.local_addr().unwrap().port();
    let old = Server::serve_on(&site.settings, &socket);
    let up = Instant::now();
    while reqwest::get(format!("http://127.0.0.1:{port}/health/ready"))
        .await
        .map_or(true, |response| !response.status().is_success())
    {
        assert!(up.elapsed() < Duration::from_secs(60), "the first server");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (tally, stop) = (Arc::new(Tally::default()), Arc::new(AtomicBool::new(false)));
    let load: Vec<_> = (0..4)
        .map(|_| tokio::spawn(steady_load(port, Arc::clone(&tally), Arc::clone(&stop))))
        .collect();
    // Only the old process serves yet, so it takes the slow request.
    let in_flight = tokio::spawn(slow_login(port, 4));
    tokio::time::sleep(Duration::from_secs(1)).await;

    let _new = Server::serve_on(&site.settings, &socket);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let stopped = Instant::now();
    // Waiting for the process blocks: off the runtime, so the clients go on meanwhile.
    let status = tokio::task::spawn_blocking(move || {
        let mut old = old;
        old.terminate(Duration::from_secs(25))
    })
    .await
    .unwrap();
    let stop_took = stopped.elapsed();
    assert!(
        status.is_some_and(|status| status.success()),
        "the old process exits cleanly on SIGTERM: {status:?}"
    );
    let answered_at_stop = tally.answered.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }

    let (answered, failed) = (
        tally.answered.load(Ordering::Relaxed),
        tally.failed.load(Ordering::Relaxed),
    );
    println!(
        "restart: {answered} answered, {failed} failed; the old process stopped in {stop_took:?}"
    );
    assert_eq!(failed, 0, "no request fails through a restart");
    assert!(
        answered > answered_at_stop + 10,
        "the new process serves after the old one left: {answered_at_stop} -> {answered}"
    );
    assert_eq!(
        in_flight.await.unwrap(),
        Ok(401),
        "the request in flight at SIGTERM is answered"
    );
}
