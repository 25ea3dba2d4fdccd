//! The jobs page (admins): the queues' figures, the jobs given up on, and retrying or
//! discarding one, each once, audited; who may call it is in `back_office`'s matrix.
use serde_json::Value;

use crate::helpers::{TestApp, add_booking, add_room_type, day, spawn_app};

async fn overview(app: &TestApp, admin: &str) -> Value {
    let response = app.server_fn_as(admin, "admin_jobs", &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

async fn act(app: &TestApp, admin: &str, queue: &str, id: i64, action: &str) -> u16 {
    let id = id.to_string();
    app.server_fn_as(
        admin,
        "job_action",
        &[("queue", queue), ("id", &id), ("action", action)],
    )
    .await
    .status()
    .as_u16()
}

fn queue<'a>(overview: &'a Value, name: &str) -> &'a Value {
    overview["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|queue| queue["queue"] == name)
        .unwrap_or_else(|| panic!("queue {name} in {overview}"))
}

fn given_up(overview: &Value) -> Vec<(String, i64)> {
    overview["given_up"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| {
            (
                job["queue"].as_str().unwrap().to_owned(),
                job["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Two emails given up on and one waiting, of bookings of the demo guest.
async fn outbox(app: &TestApp) -> Vec<i64> {
    let guest = app.signed_up_id("jobs@example.com").await;
    let (_, room) = add_room_type(app, "Задания", 3000, 5, (2, 0)).await;
    for offset in [10, 20, 30] {
        add_booking(app, guest, room, day(offset), day(offset + 2)).await;
    }
    sqlx::query_scalar(
        "INSERT INTO notifications (booking_id, kind, attempts, last_error, failed_at)
         SELECT id, 'confirmation',
                CASE WHEN date_from < $1 THEN 40 ELSE 0 END,
                CASE WHEN date_from < $1 THEN 'smtp: 550 mailbox unavailable' END,
                CASE WHEN date_from < $1 THEN now() END
         FROM bookings WHERE room_id = $2 ORDER BY date_from
         RETURNING id",
    )
    .bind(day(25))
    .bind(room)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_admin_sees_given_up_emails_and_retries_or_discards_each_once() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let ids = outbox(&app).await;
    let (first, second) = (ids[0], ids[1]);

    let before = overview(&app, &admin).await;
    let emails = queue(&before, "Emails");
    assert_eq!(emails["given_up"], 2, "{before}");
    assert!(emails["waiting"].as_i64().unwrap() >= 1, "{before}");
    assert!(emails["oldest"].is_string(), "{before}");
    let listed: Vec<&Value> = before["given_up"].as_array().unwrap().iter().collect();
    assert_eq!(given_up(&before).len(), 2);
    let job = listed.iter().find(|job| job["id"] == first).unwrap();
    assert_eq!(job["what"], "confirmation");
    assert_eq!(job["attempts"], 40);
    assert_eq!(job["last_error"], "smtp: 550 mailbox unavailable");
    assert!(
        job["link"]
            .as_str()
            .unwrap()
            .starts_with("/admin/bookings/"),
        "{job}"
    );

    assert_eq!(act(&app, &admin, "email", first, "retry").await, 200);
    assert_eq!(
        act(&app, &admin, "email", first, "retry").await,
        409,
        "no longer given up"
    );
    let (failed, attempts, due): (bool, i32, bool) = sqlx::query_as(
        "SELECT failed_at IS NOT NULL, attempts, next_attempt_at <= now() AND retry_until > now()
         FROM notifications WHERE id = $1",
    )
    .bind(first)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        (failed, attempts, due),
        (false, 0, true),
        "back in the queue, due"
    );

    assert_eq!(act(&app, &admin, "email", second, "discard").await, 200);
    assert_eq!(act(&app, &admin, "email", second, "retry").await, 409);
    let after = overview(&app, &admin).await;
    assert_eq!(queue(&after, "Emails")["given_up"], 0, "{after}");
    assert!(given_up(&after).is_empty(), "{after}");
    // A resend of every failed email (the CLI's) leaves a discarded one alone.
    let resent = app::server::notifications::resend_failed(&app.state.db, &[])
        .await
        .unwrap();
    assert_eq!(resent, 0);
    let counts = app::server::notifications::outbox_counts(&app.state.db)
        .await
        .unwrap();
    assert_eq!(counts.failed, 0, "health no longer counts it");
    let kept: bool = sqlx::query_scalar(
        "SELECT discarded_at IS NOT NULL AND sent_at IS NULL FROM notifications WHERE id = $1",
    )
    .bind(second)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(
        kept,
        "a discarded email stays, unsent, on the booking's page"
    );

    let entries: Vec<(String, i64, Value, Value, String)> = sqlx::query_as(
        "SELECT action, object_id, before, after, actor_email FROM audit_log
         WHERE object_kind = 'email' ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let actions: Vec<(&str, i64)> = entries.iter().map(|e| (e.0.as_str(), e.1)).collect();
    assert_eq!(actions, [("job.retry", first), ("job.discard", second)]);
    assert_eq!(entries[0].2["last_error"], "smtp: 550 mailbox unavailable");
    assert_eq!(entries[0].2["state"], "given_up");
    assert_eq!(entries[1].3["state"], "discarded");
    assert_eq!(entries[0].4, "boss@example.com");
    let hotel_known: bool = sqlx::query_scalar(
        "SELECT bool_and(hotel_id IS NOT NULL) FROM audit_log WHERE object_kind = 'email'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(hotel_known, "the hotel's staff can read the entries");

    for (queue, id, action, expected) in [
        ("email", 999_999, "retry", 404),
        ("mail", first, "retry", 422),
        ("email", first, "delete", 422),
        ("picture", -1, "retry", 404),
    ] {
        assert_eq!(
            act(&app, &admin, queue, id, action).await,
            expected,
            "{queue} {id} {action}"
        );
    }
    let junk = app
        .server_fn_as(
            &admin,
            "job_action",
            &[("queue", "email"), ("id", "x"), ("action", "retry")],
        )
        .await;
    assert_eq!(junk.status().as_u16(), 404);
}

#[tokio::test]
async fn a_picture_given_up_on_is_processed_again_or_removed() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let (hotel, room) = add_room_type(&app, "Фото", 3000, 1, (2, 0)).await;
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO pictures (hotel_id, room_id, digest, format, width, height, state, error,
                               attempts, processed_at)
         VALUES ($1, NULL, repeat('a', 32), 'jpeg', 10, 10, 'failed', 'decode: truncated', 5,
                 now()),
                (NULL, $2, repeat('b', 32), 'png', 10, 10, 'failed', 'decode: bad crc', 5, now())
         RETURNING id::bigint",
    )
    .bind(hotel)
    .bind(room)
    .fetch_all(&app.state.db)
    .await
    .unwrap();

    let before = overview(&app, &admin).await;
    assert_eq!(queue(&before, "Pictures")["given_up"], 2, "{before}");
    let jobs = given_up(&before);
    assert!(jobs.contains(&("Pictures".to_owned(), ids[0])), "{before}");
    let room_job = before["given_up"]
        .as_array()
        .unwrap()
        .iter()
        .find(|job| job["id"] == ids[1])
        .unwrap();
    assert_eq!(room_job["what"], "room");
    assert_eq!(room_job["last_error"], "decode: bad crc");
    assert_eq!(room_job["link"], format!("/admin/rooms/{room}"));

    assert_eq!(act(&app, &admin, "picture", ids[0], "retry").await, 200);
    let (state, attempts, error): (String, i32, Option<String>) =
        sqlx::query_as("SELECT state, attempts, error FROM pictures WHERE id = $1")
            .bind(ids[0])
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((state.as_str(), attempts, error), ("processing", 0, None));
    assert_eq!(act(&app, &admin, "picture", ids[0], "discard").await, 409);

    assert_eq!(act(&app, &admin, "picture", ids[1], "discard").await, 200);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pictures WHERE id = $1")
        .bind(ids[1])
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let after = overview(&app, &admin).await;
    let pictures = queue(&after, "Pictures");
    assert_eq!(
        (pictures["given_up"].as_i64(), pictures["waiting"].as_i64()),
        (Some(0), Some(1)),
        "{after}"
    );
    let audited: Vec<(String, Option<i32>)> = sqlx::query_as(
        "SELECT action, hotel_id FROM audit_log WHERE object_kind = 'picture' ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            ("job.retry".to_owned(), Some(hotel.get())),
            ("job.discard".to_owned(), Some(hotel.get()))
        ]
    );
}

#[tokio::test]
async fn the_jobs_page_works_as_plain_forms_in_both_languages() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let ids = outbox(&app).await;
    let post = |id: i64| {
        let id = id.to_string();
        app.client
            .post(app.url("/api/job_action"))
            .header("accept", "text/html")
            .header("cookie", format!("booking_access_token={admin}"))
            .form(&[("queue", "email"), ("id", &id), ("action", "discard")])
            .send()
    };
    let done = post(ids[0]).await.unwrap();
    assert_eq!(done.status().as_u16(), 302);
    assert_eq!(done.headers()["location"], "/admin/jobs?saved=1");
    let refused = post(ids[0]).await.unwrap();
    let location = refused.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/admin/jobs?form=jobs&") && location.contains("not_now"),
        "{location}"
    );

    let page = |path: String, language: &'static str| {
        app.client
            .get(app.url(&path))
            .header("cookie", format!("booking_access_token={admin}"))
            .header("accept-language", language)
            .send()
    };
    let html = page("/admin/jobs".into(), "ru")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Задания") && html.contains("Брошенные"),
        "{html}"
    );
    assert_eq!(html.matches(r#"data-testid="given-up-job""#).count(), 1);
    assert!(html.contains(&format!(r#"data-id="{}""#, ids[1])));
    assert!(html.contains("smtp: 550 mailbox unavailable"));
    assert!(html.contains(r#"value="retry""#) && html.contains(r#"value="discard""#));
    let refusal = page(location, "en").await.unwrap().text().await.unwrap();
    assert!(
        refusal.contains("The job is no longer given up on"),
        "the refusal in words"
    );
    let guest = app.signed_up("nosy@example.com").await;
    assert_ne!(app.get_as(&guest, "/admin/jobs").await, 500);
    let body = app
        .client
        .get(app.url("/admin/jobs"))
        .header("cookie", format!("booking_access_token={guest}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("smtp: 550"), "a guest sees no job");
}
