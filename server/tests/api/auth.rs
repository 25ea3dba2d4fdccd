use app::server::accounts;
use serde_json::Value;

use crate::helpers::{access_cookie, email, password, spawn_app, spawn_app_with};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn registering_signs_the_user_in() {
    let app = spawn_app().await;
    let response = app.register("  New.User@Example.COM ", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "no Secure outside production: {cookie}"
    );
    let token = access_cookie(&response).unwrap();
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["email"], "new.user@example.com");
    assert_eq!(user["role"], "user");
    assert!(user.get("hashed_password").is_none());
    assert_eq!(
        app.whoami(&token).await.as_deref(),
        Some("new.user@example.com")
    );
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id() {
    let app = spawn_app().await;
    app.signed_up("hash@example.com").await;
    let stored: String =
        sqlx::query_scalar("SELECT hashed_password FROM users WHERE email = 'hash@example.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
}

#[tokio::test]
async fn the_same_email_in_another_case_is_already_registered() {
    let app = spawn_app().await;
    app.signed_up("twice@example.com").await;
    let response = app.register("TWICE@Example.com", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, Value::String("EmailTaken".into()));
}

#[tokio::test]
async fn bad_registrations_name_the_field() {
    let app = spawn_app().await;
    let long = "x".repeat(129);
    for (email, password, field, reason) in [
        ("not-an-email", PASSWORD, "Email", "Malformed"),
        ("", PASSWORD, "Email", "Empty"),
        ("a@b.cd", "short", "Password", "TooShort"),
        ("a@b.cd", long.as_str(), "Password", "TooLong"),
    ] {
        let response = app.register(email, password).await;
        assert_eq!(response.status().as_u16(), 422, "{email} / {password}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"][field], reason, "{body}");
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'a@b.cd'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn login_works_and_wrong_credentials_get_one_answer() {
    let app = spawn_app().await;
    app.signed_up("login@example.com").await;

    let ok = app.login("LOGIN@example.com", PASSWORD).await;
    assert_eq!(ok.status().as_u16(), 200);
    let token = access_cookie(&ok).unwrap();
    assert_eq!(
        app.whoami(&token).await.as_deref(),
        Some("login@example.com")
    );

    let wrong_password = app.login("login@example.com", "wrong password!").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;
    assert_eq!(wrong_password.status().as_u16(), 401);
    assert_eq!(unknown_email.status().as_u16(), 401);
    assert!(access_cookie(&wrong_password).is_none());
    assert_eq!(
        wrong_password.text().await.unwrap(),
        unknown_email.text().await.unwrap()
    );
}

#[tokio::test]
async fn the_legacy_bcrypt_user_logs_in_and_is_rehashed() {
    let app = spawn_app().await;
    let response = app.login("test@test.com", "test").await;
    assert_eq!(response.status().as_u16(), 200);
    let stored: String =
        sqlx::query_scalar("SELECT hashed_password FROM users WHERE email = 'test@test.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    // The new hash works too.
    assert_eq!(
        app.login("test@test.com", "test").await.status().as_u16(),
        200
    );
}

#[tokio::test]
async fn logout_clears_the_cookie() {
    let app = spawn_app().await;
    let token = app.signed_up("bye@example.com").await;
    let response = app.server_fn_as(&token, "logout", &[]).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("booking_access_token=;"), "{cookie}");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    // Logging out without a session is fine too.
    let response = app.server_fn("logout", &[]).await;
    assert!(response.status().is_success() || response.status().is_redirection());
}

#[tokio::test]
async fn bad_tokens_count_as_signed_out() {
    let app = spawn_app().await;
    let token = app.signed_up("tokens@example.com").await;
    let user_id: app::model::UserId =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'tokens@example.com'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();

    let mut tampered = token.clone();
    tampered.replace_range(tampered.len() - 3.., "AAA");
    let an_hour_ago = chrono::Utc::now().timestamp() - 3600;
    let expired = app.state.auth.jwt.issue_at(user_id, an_hour_ago).unwrap();
    let payload = token.split('.').nth(1).unwrap();
    let alg_none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");

    for bad in [
        tampered.as_str(),
        expired.as_str(),
        alg_none.as_str(),
        "garbage",
    ] {
        assert_eq!(app.whoami(bad).await, None, "{bad}");
    }
    assert!(app.whoami(&token).await.is_some());
}

#[tokio::test]
async fn a_deleted_users_token_counts_as_signed_out() {
    let app = spawn_app().await;
    let token = app.signed_up("gone@example.com").await;
    sqlx::query("DELETE FROM users WHERE email = 'gone@example.com'")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(app.whoami(&token).await, None);
}

#[tokio::test]
async fn only_admins_list_users() {
    let app = spawn_app().await;
    let anonymous = app.server_fn("admin_accounts", &[]).await;
    assert_eq!(anonymous.status().as_u16(), 401);

    let user = app.signed_up("plain@example.com").await;
    assert_eq!(
        app.server_fn_as(&user, "admin_accounts", &[])
            .await
            .status()
            .as_u16(),
        403
    );

    accounts::create_admin(
        &app.state.db,
        &email("boss@example.com"),
        &password(PASSWORD),
    )
    .await
    .unwrap();
    let admin = access_cookie(&app.login("boss@example.com", PASSWORD).await).unwrap();
    let response = app.server_fn_as(&admin, "admin_accounts", &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    let list: Value = response.json().await.unwrap();
    let users = list["accounts"].as_array().unwrap();
    let emails: Vec<&str> = users.iter().filter_map(|u| u["email"].as_str()).collect();
    assert!(emails.contains(&"test@test.com") && emails.contains(&"boss@example.com"));
}

#[tokio::test]
async fn create_admin_promotes_an_existing_user() {
    let app = spawn_app().await;
    let old_token = app.signed_up("promote@example.com").await;
    // Sessions end by the second of the password change: let this one begin a second before.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let admin = accounts::create_admin(
        &app.state.db,
        &email("Promote@example.com"),
        &password("a new password"),
    )
    .await
    .unwrap();
    assert!(admin.is_admin());
    let signed_in = app.login("promote@example.com", "a new password").await;
    assert_eq!(signed_in.status().as_u16(), 200);
    let token = crate::helpers::access_cookie(&signed_in).expect("a session cookie");
    let list = |token: String| {
        let app = &app;
        async move {
            app.server_fn_as(&token, "admin_accounts", &[])
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(list(token).await, 200);
    assert_eq!(
        list(old_token).await,
        401,
        "the new password ends the old session"
    );
}

async fn hammer(app: &crate::helpers::TestApp, email: &str, times: usize) {
    for _ in 0..times {
        let status = app.login(email, "wrong password!").await.status().as_u16();
        assert_eq!(status, 401);
    }
}

#[tokio::test]
async fn repeated_failures_are_refused_for_a_while() {
    let app = spawn_app().await;
    app.signed_up("target@example.com").await;
    hammer(&app, "target@example.com", 10).await;
    // Even the right password is refused now, from this address.
    let response = app.login("target@example.com", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 429);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["TooManyAttempts"]["retry_after_secs"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Other accounts are not locked out.
    assert_eq!(
        app.login("test@test.com", "test").await.status().as_u16(),
        200
    );
}

/// Logs in to `app` from the local address `from` (any of 127.0.0.0/8 reaches the server).
async fn login_from(
    app: &crate::helpers::TestApp,
    from: [u8; 4],
    email: &str,
    password: &str,
) -> u16 {
    let client = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(from))
        .build()
        .unwrap();
    let body = format!(
        "email={}&password={}",
        crate::helpers::encode(email),
        crate::helpers::encode(password)
    );
    client
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request is sent")
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_guesser_is_refused_not_the_owner_from_their_own_address() {
    let app = spawn_app().await;
    app.signed_up("owner@example.com").await;
    let attacker = [127, 0, 0, 2];
    for _ in 0..10 {
        let status = login_from(&app, attacker, "owner@example.com", "wrong password!").await;
        assert_eq!(status, 401);
    }
    assert_eq!(
        login_from(&app, attacker, "owner@example.com", PASSWORD).await,
        429,
        "the guessing address is refused, even with the right password"
    );
    assert_eq!(
        login_from(&app, [127, 0, 0, 3], "owner@example.com", PASSWORD).await,
        200,
        "the owner, elsewhere, gets in"
    );
}

#[tokio::test]
async fn throttling_works_without_redis() {
    let app = spawn_app_with(&[("REDIS_URL", "")]).await;
    hammer(&app, "test@test.com", 10).await;
    assert_eq!(
        app.login("test@test.com", "test").await.status().as_u16(),
        429
    );
}

#[tokio::test]
async fn a_plain_form_post_is_redirected_with_the_outcome() {
    let app = spawn_app().await;
    let form = |password: &'static str| {
        app.client
            .post(app.url("/api/login"))
            .header("accept", "text/html")
            .form(&[
                ("email", "test@test.com"),
                ("password", password),
                ("return_to", "/account"),
            ])
    };
    let failed = form("wrong password!").send().await.unwrap();
    assert_eq!(failed.status().as_u16(), 302);
    assert_eq!(
        failed.headers()["location"],
        "/login?error=invalid_credentials&email=test%40test.com&return_to=%2Faccount"
    );
    let succeeded = form("test").send().await.unwrap();
    assert_eq!(succeeded.status().as_u16(), 302);
    assert_eq!(succeeded.headers()["location"], "/account");
    assert!(access_cookie(&succeeded).is_some());
}

#[tokio::test]
async fn protected_pages_redirect_to_login_and_back() {
    let app = spawn_app().await;
    // As a browser navigates (the Accept header is what makes it a real 302).
    let response = app
        .client
        .get(app.url("/account"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    assert_eq!(
        response.headers()["location"],
        "/login?return_to=%2Faccount"
    );

    let token = app.signed_up("page@example.com").await;
    let page = app
        .client
        .get(app.url("/account"))
        .header("cookie", format!("booking_access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("page@example.com"));

    let admin_page = app
        .client
        .get(app.url("/admin/users"))
        .header("cookie", format!("booking_access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(admin_page.status().as_u16(), 403);
}

#[tokio::test]
async fn the_session_check_answers_from_the_token_alone() {
    let app = spawn_app().await;
    assert_eq!(app.get("/auth/session").await.status().as_u16(), 401);
    let token = app.signed_up("ping@example.com").await;
    let response = app
        .client
        .get(app.url("/auth/session"))
        .header("cookie", format!("booking_access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
}

#[tokio::test]
async fn the_server_rendered_header_shows_the_signed_in_email() {
    let app = spawn_app().await;
    let token = app.signed_up("header@example.com").await;
    let html = app
        .client
        .get(app.url("/"))
        .header("cookie", format!("booking_access_token={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Rendered in place, not streamed in later by a script: it works without JavaScript.
    assert!(html.contains(r#"data-testid="account-email""#), "{html}");
    assert!(html.contains("header@example.com"));
}

/// A session begun `minutes_ago` for `user` (its token, as the browser's cookie holds it).
fn session_begun(
    app: &crate::helpers::TestApp,
    user: app::model::UserId,
    minutes_ago: i64,
) -> String {
    let issued_at = chrono::Utc::now().timestamp() - minutes_ago * 60;
    app.state.auth.jwt.issue_at(user, issued_at).unwrap()
}

/// "My bookings" with the session cookie `token`, as a browser asks for it.
async fn page_as(app: &crate::helpers::TestApp, token: &str) -> reqwest::Response {
    app.client
        .get(app.url("/bookings"))
        .header("cookie", format!("booking_access_token={token}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_active_session_slides_as_one_session() {
    let app = spawn_app().await;
    let user = app.signed_up_id("slide@example.com").await;
    let jwt = &app.state.auth.jwt;
    // 20 of its 30 minutes gone: the next page renews it.
    let old = session_begun(&app, user, 20);
    let page = page_as(&app, &old).await;
    assert_eq!(page.status(), 200);
    let fresh = access_cookie(&page).expect("a renewed cookie");
    let (before, after) = (jwt.verify(&old).unwrap(), jwt.verify(&fresh).unwrap());
    assert_eq!(after.id, before.id, "the same session");
    assert_eq!(after.started_at, before.started_at);
    assert!(after.expires_at >= before.expires_at + 19 * 60, "{after:?}");
    assert_eq!(
        app.whoami(&fresh).await.as_deref(),
        Some("slide@example.com")
    );

    // A token in its first half is kept; Bearer clients are never renewed.
    let kept = page_as(&app, &fresh).await;
    assert_eq!(access_cookie(&kept), None);
    let bearer = app
        .client
        .get(app.url("/api/v1/bookings"))
        .bearer_auth(&old)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 200);
    assert_eq!(access_cookie(&bearer), None);

    // Signing out with the new token ends the old one too: one session.
    app.server_fn_as(&fresh, "logout", &[]).await;
    assert_eq!(app.whoami(&old).await, None);
    assert_eq!(app.whoami(&fresh).await, None);
}

#[tokio::test]
async fn a_renewed_session_still_ends_with_a_password_change() {
    let app = spawn_app().await;
    let user = app.signed_up_id("renewed@example.com").await;
    let old = session_begun(&app, user, 20);
    let page = page_as(&app, &old).await;
    let fresh = access_cookie(&page).expect("a renewed cookie");
    // The password changes after the session began (a second's margin: the check is by second).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    accounts::create_admin(
        &app.state.db,
        &email("renewed@example.com"),
        &password("a new password"),
    )
    .await
    .unwrap();
    assert_eq!(
        app.whoami(&fresh).await,
        None,
        "renewal does not make the session newer"
    );
}
