//! Forgot password, change password and email, delete the account: through the server
//! functions as the browser calls them, with the reset email sent by the real worker to a
//! real SMTP server (maildev).
use crate::helpers::{TestApp, access_cookie, day, spawn_app, stay};
use crate::mail::{MailDev, free_port, jobs_for};
use server::jobs;

const PASSWORD: &str = "correct horse battery";

/// Asks for a reset of `email` and returns the status.
async fn forgot(app: &TestApp, email: &str) -> u16 {
    app.server_fn("forgot_password", &[("email", email)])
        .await
        .status()
        .as_u16()
}

/// Sends the queued emails through maildev and returns the token of the newest reset link.
async fn reset_token(app: &TestApp, maildev: &MailDev) -> String {
    let jobs = jobs_for(app, Some(maildev.smtp_port), None);
    jobs::drain_outbox(&jobs).await.unwrap();
    let emails = maildev.emails().await;
    let text = emails.last().expect("a reset email")["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, rest) = text.split_once("/reset-password?token=").expect("a link");
    rest.split_whitespace().next().unwrap().to_owned()
}

/// Calls server function `name` as the session `token`; the status.
async fn status_as(app: &TestApp, token: &str, name: &str, form: &[(&str, &str)]) -> u16 {
    app.server_fn_as(token, name, form).await.status().as_u16()
}

async fn reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.server_fn(
        "reset_password",
        &[("token", token), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app().await;
    let maildev = MailDev::start_on(free_port());
    let old_session = app.signed_up("forgetful@example.com").await;

    assert_eq!(forgot(&app, "Forgetful@Example.com").await, 200);
    assert_eq!(forgot(&app, "nobody@example.com").await, 200, "same answer");
    assert_eq!(forgot(&app, "not an email").await, 422);
    let token = reset_token(&app, &maildev).await;
    let emails = maildev.emails().await;
    assert_eq!(emails.len(), 1, "only the account's email is sent");
    assert_eq!(emails[0]["to"][0]["address"], "forgetful@example.com");
    assert_eq!(emails[0]["subject"], "Смена пароля");

    let check = |token: String| {
        let app = &app;
        async move {
            app.server_fn("check_password_reset", &[("token", &token)])
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(check(token.clone()).await, 200);
    // A session starts at a whole second: let the reset fall in a later one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(reset(&app, &token, "short").await.status().as_u16(), 422);
    let done = reset(&app, &token, "a brand new password").await;
    assert_eq!(done.status().as_u16(), 200);
    let session = access_cookie(&done).expect("signed in");
    assert_eq!(
        app.whoami(&session).await.as_deref(),
        Some("forgetful@example.com")
    );
    assert_eq!(app.whoami(&old_session).await, None, "old sessions end");
    assert_eq!(
        app.login("forgetful@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.login("forgetful@example.com", "a brand new password")
            .await
            .status()
            .as_u16(),
        200
    );

    // Once only, and a forged link is refused without a second thought.
    assert_eq!(
        reset(&app, &token, "yet another password")
            .await
            .status()
            .as_u16(),
        410
    );
    assert_eq!(check(token.clone()).await, 410);
    let (id, _) = token.split_once('.').unwrap();
    let forged = format!("{id}.9999999999.00000000000000000000000000000000");
    assert_eq!(
        reset(&app, &forged, "yet another password")
            .await
            .status()
            .as_u16(),
        410
    );
}

#[tokio::test]
async fn resets_are_limited_and_stale_ones_are_not_sent() {
    let app = spawn_app().await;
    let outbox = std::env::temp_dir().join(format!("booking-resets-{}", free_port()));
    let jobs = jobs_for(&app, None, Some(&outbox));
    app.signed_up("limits@example.com").await;
    for _ in 0..5 {
        assert_eq!(forgot(&app, "limits@example.com").await, 200);
    }
    let resets: i64 = sqlx::query_scalar("SELECT count(*) FROM password_resets")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(resets, 3, "three an hour per account");
    // One address asking over and over is refused.
    for _ in 5..10 {
        forgot(&app, "someone@example.com").await;
    }
    assert_eq!(forgot(&app, "someone@example.com").await, 429);

    // One link expired, one used up (by using the third) before the worker ran.
    sqlx::query(
        "UPDATE password_resets SET created_at = now() - interval '2 hours',
             expires_at = now() - interval '1 hour' WHERE id = (SELECT min(id) FROM password_resets)",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let newest: i64 = sqlx::query_scalar("SELECT max(id) FROM password_resets")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let expires = chrono::Utc::now() + chrono::Duration::minutes(30);
    let token = app.state.auth.resets.sign(newest, expires);
    assert_eq!(
        reset(&app, &token, "a brand new password")
            .await
            .status()
            .as_u16(),
        200
    );
    let report = jobs::drain_outbox(&jobs).await.unwrap();
    assert_eq!(report.sent, 0, "{report:?}");
    let files = std::fs::read_dir(&outbox).map_or(0, |dir| dir.count());
    assert_eq!(files, 0, "no email written");
    let pending: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE sent_at IS NULL AND failed_at IS NULL",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(pending, 0, "settled, not retried");
}

#[tokio::test]
async fn plain_form_posts_come_back_with_the_outcome() {
    let app = spawn_app().await;
    let session = app.signed_up("plain@example.com").await;
    let post = |name: &str, form: &[(&str, &str)]| {
        app.client
            .post(app.url(&format!("/api/{name}")))
            .header("accept", "text/html")
            .header("cookie", format!("booking_access_token={session}"))
            .form(form)
            .send()
    };
    let location = |response: reqwest::Response| {
        assert_eq!(response.status().as_u16(), 302);
        response.headers()["location"].to_str().unwrap().to_owned()
    };
    let sent = post("forgot_password", &[("email", "plain@example.com")])
        .await
        .unwrap();
    assert_eq!(location(sent), "/forgot-password?sent=1");
    let expired = post(
        "reset_password",
        &[("token", "1.2.3"), ("password", "long enough pw")],
    )
    .await
    .unwrap();
    assert_eq!(
        location(expired),
        "/reset-password?token=1.2.3&error=link_expired"
    );
    let wrong = post(
        "change_password",
        &[
            ("current_password", "wrong password"),
            ("new_password", "long enough pw"),
        ],
    )
    .await
    .unwrap();
    let back = location(wrong);
    assert_eq!(back, "/account?form=password&error=wrong_password");
    let page = app
        .client
        .get(app.url(&back))
        .header("cookie", format!("booking_access_token={session}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"current_password-error\""),
        "the error under its field"
    );
    assert!(page.contains("Текущий пароль неверен"));
    let changed = post(
        "change_password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "long enough pw"),
        ],
    )
    .await
    .unwrap();
    assert!(
        access_cookie(&changed).is_some(),
        "this browser stays signed in"
    );
    assert_eq!(location(changed), "/account?saved=password");
}

#[tokio::test]
async fn change_password_and_email_keep_this_session_only() {
    let app = spawn_app().await;
    let here = app.signed_up("mover@example.com").await;
    let elsewhere = app.signed_up_again("mover@example.com").await;
    app.signed_up("taken@example.com").await;
    // A session starts at a whole second: let the change fall in a later one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    let new_password = ("new_password", "another good one");
    let wrong = [("current_password", "wrong password"), new_password];
    assert_eq!(status_as(&app, &here, "change_password", &wrong).await, 403);
    let right = [("current_password", PASSWORD), new_password];
    let changed = app.server_fn_as(&here, "change_password", &right).await;
    assert_eq!(changed.status().as_u16(), 200);
    let here = access_cookie(&changed).expect("a new cookie");
    assert_eq!(
        app.whoami(&here).await.as_deref(),
        Some("mover@example.com")
    );
    assert_eq!(app.whoami(&elsewhere).await, None, "other sessions end");

    for (email, current, expected) in [
        ("Taken@example.com", "another good one", 409),
        ("nope", "another good one", 422),
        ("new@example.com", PASSWORD, 403),
        ("New@Example.com", "another good one", 200),
    ] {
        let form = [("email", email), ("current_password", current)];
        assert_eq!(
            status_as(&app, &here, "change_email", &form).await,
            expected,
            "{email}"
        );
    }
    assert_eq!(app.whoami(&here).await.as_deref(), Some("new@example.com"));
    assert_eq!(
        app.login("new@example.com", "another good one")
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        app.login("mover@example.com", "another good one")
            .await
            .status()
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn deleting_an_account_anonymises_it_and_frees_the_email() {
    let app = spawn_app().await;
    let user_id = app.signed_up_id("leaving@example.com").await;
    let session = app.signed_up_again("leaving@example.com").await;
    let wrong = [("current_password", "wrong password")];
    assert_eq!(
        status_as(&app, &session, "delete_account", &wrong).await,
        403
    );
    let right = [("current_password", PASSWORD)];

    // A stay to come stops it; once that stay is in the past, the account goes.
    let booking = app::server::bookings::book(
        &app.state,
        user_id,
        9.into(),
        stay(5, 7),
        None,
        &app::model::GuestDetails {
            name: Some("Анна Петрова".into()),
            request: Some("Тихий номер".into()),
        },
        app::i18n::Locale::ru,
    )
    .await
    .unwrap();
    assert_eq!(
        status_as(&app, &session, "delete_account", &right).await,
        409
    );
    sqlx::query("UPDATE bookings SET date_from = $2, date_to = $3 WHERE id = $1")
        .bind(booking.id.get())
        .bind(day(0) - chrono::Duration::days(5))
        .bind(day(0) - chrono::Duration::days(3))
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        status_as(&app, &session, "delete_account", &right).await,
        200
    );
    assert_eq!(app.whoami(&session).await, None);

    let (email, disabled, deleted_at): (String, bool, bool) = sqlx::query_as(
        "SELECT email, disabled_at IS NOT NULL, deleted_at IS NOT NULL FROM users WHERE id = $1",
    )
    .bind(user_id.get())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(email, format!("deleted-{user_id}@deleted.invalid"));
    assert!(disabled && deleted_at);
    let (name, request): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT guest_name, guest_request FROM bookings WHERE id = $1")
            .bind(booking.id.get())
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        (name, request),
        (None, None),
        "the booking is kept, anonymised"
    );
    let unsent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE sent_at IS NULL AND discarded_at IS NULL",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(unsent, 0, "its emails are discarded");
    assert_eq!(
        app.login("leaving@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.register("leaving@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        200
    );

    let admin = app.admin_token("boss@example.com").await;
    let refused = status_as(&app, &admin, "delete_account", &right).await;
    assert_eq!(refused, 403, "an admin is not deleted this way");
}
