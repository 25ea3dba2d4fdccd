//! The users page (admins): finding accounts, changing a role, disabling and enabling, with
//! or without JavaScript, each change audited; who may call it is in `back_office`'s matrix.
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

async fn accounts(app: &TestApp, admin: &str, filter: &[(&str, &str)]) -> (u16, Value) {
    let form: Vec<(String, &str)> = filter
        .iter()
        .map(|(name, value)| (format!("filter[{name}]"), *value))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let response = app.server_fn_as(admin, "admin_accounts", &form).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn emails(list: &Value) -> Vec<&str> {
    list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["email"].as_str().unwrap())
        .collect()
}

async fn act(app: &TestApp, admin: &str, user_id: i32, action: &str) -> u16 {
    let id = user_id.to_string();
    app.server_fn_as(
        admin,
        "account_action",
        &[("user_id", &id), ("action", action)],
    )
    .await
    .status()
    .as_u16()
}

async fn id_of(app: &TestApp, email: &str) -> i32 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn admins_find_accounts_by_email_name_role_and_status_a_page_at_a_time() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    app.signed_up("anna.petrova@example.com").await;
    sqlx::query("UPDATE users SET full_name = 'Анна Петрова' WHERE email LIKE 'anna.%'")
        .execute(&app.state.db)
        .await
        .unwrap();
    // 60 more accounts: two pages of 50.
    sqlx::query(
        "INSERT INTO users (email, hashed_password)
         SELECT 'bulk' || n || '@example.org', 'x' FROM generate_series(1, 60) n",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query("UPDATE users SET disabled_at = now() WHERE email = 'bulk7@example.org'")
        .execute(&app.state.db)
        .await
        .unwrap();

    let (status, list) = accounts(&app, &admin, &[("q", "PETROVA")]).await;
    assert_eq!(status, 200);
    assert_eq!(emails(&list), ["anna.petrova@example.com"]);
    let (_, by_name) = accounts(&app, &admin, &[("q", "анна")]).await;
    assert_eq!(emails(&by_name), ["anna.petrova@example.com"]);
    assert_eq!(by_name["accounts"][0]["full_name"], "Анна Петрова");

    let (_, admins) = accounts(&app, &admin, &[("role", "admin")]).await;
    assert!(emails(&admins).contains(&"boss@example.com"));
    assert!(!emails(&admins).contains(&"anna.petrova@example.com"));
    let (_, disabled) = accounts(&app, &admin, &[("status", "disabled")]).await;
    assert_eq!(emails(&disabled), ["bulk7@example.org"]);
    assert_eq!(disabled["accounts"][0]["disabled"], true);

    let (_, bulk) = accounts(&app, &admin, &[("q", "@example.org")]).await;
    assert_eq!(
        (bulk["total"].as_i64(), bulk["pages"].as_u64()),
        (Some(60), Some(2))
    );
    assert_eq!(emails(&bulk).len(), 50);
    assert_eq!(emails(&bulk)[0], "bulk60@example.org", "newest first");
    let (_, second) = accounts(&app, &admin, &[("q", "@example.org"), ("page", "2")]).await;
    assert_eq!(emails(&second).len(), 10);
    assert_eq!(emails(&second)[9], "bulk1@example.org");

    // The demo guest's bookings are counted.
    let (_, demo) = accounts(&app, &admin, &[("q", "test@test.com")]).await;
    let bookings: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id
         WHERE u.email = 'test@test.com'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(demo["accounts"][0]["bookings"].as_i64(), Some(bookings));

    for bad in [
        ("role", "root"),
        ("status", "gone"),
        ("page", "0"),
        ("page", "x"),
    ] {
        assert_eq!(accounts(&app, &admin, &[bad]).await.0, 422, "{bad:?}");
    }
    let long = "a".repeat(255);
    assert_eq!(accounts(&app, &admin, &[("q", &long)]).await.0, 422);
}

#[tokio::test]
async fn disabling_ends_every_session_at_once_and_enabling_lets_the_user_back() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let cookie = app.signed_up("guest@example.com").await;
    let second = app.signed_up_again("guest@example.com").await;
    let guest = id_of(&app, "guest@example.com").await;
    assert_eq!(app.get_as(&cookie, "/bookings").await, 200);

    assert_eq!(act(&app, &admin, guest, "disable").await, 200);
    for token in [&cookie, &second] {
        assert_eq!(app.whoami(token).await, None, "the session ended");
        let api = app
            .client
            .get(app.url("/api/v1/bookings"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(api.status().as_u16(), 401, "the API refuses it too");
    }
    let login = app
        .login("guest@example.com", "correct horse battery")
        .await;
    assert_eq!(
        login.status().as_u16(),
        401,
        "a disabled account cannot sign in"
    );
    // Again: it already is disabled (another admin got there first).
    assert_eq!(act(&app, &admin, guest, "disable").await, 409);

    // Sessions begun by the end of the disabling's second are over: sign in after it.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(act(&app, &admin, guest, "enable").await, 200);
    assert_eq!(app.whoami(&cookie).await, None, "ended sessions stay ended");
    let again = app.signed_up_again("guest@example.com").await;
    assert_eq!(
        app.whoami(&again).await.as_deref(),
        Some("guest@example.com")
    );

    let entries: Vec<(String, Value, Value, String)> = sqlx::query_as(
        "SELECT action, before, after, actor_email FROM audit_log
         WHERE object_kind = 'user' AND object_id = $1 ORDER BY id",
    )
    .bind(i64::from(guest))
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let actions: Vec<&str> = entries.iter().map(|entry| entry.0.as_str()).collect();
    assert_eq!(actions, ["user.disable", "user.enable"]);
    assert_eq!(entries[0].1["disabled"], false);
    assert_eq!(entries[0].2["disabled"], true);
    assert_eq!(entries[0].3, "boss@example.com");
}

#[tokio::test]
async fn a_new_admin_is_one_at_the_next_request_and_nobody_changes_their_own_account() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let boss = id_of(&app, "boss@example.com").await;
    let token = app.signed_up("deputy@example.com").await;
    let deputy = id_of(&app, "deputy@example.com").await;
    assert_eq!(accounts(&app, &token, &[]).await.0, 403);

    assert_eq!(act(&app, &admin, deputy, "make_admin").await, 200);
    let (status, list) = accounts(&app, &token, &[("q", "boss")]).await;
    assert_eq!(status, 200, "the same session is an admin's now");
    assert_eq!(list["accounts"][0]["role"], "admin");

    // Neither can lock themselves out or step down; the other can demote them.
    for action in ["disable", "make_guest"] {
        let own = app
            .server_fn_as(
                &admin,
                "account_action",
                &[("user_id", &boss.to_string()), ("action", action)],
            )
            .await;
        assert_eq!(own.status().as_u16(), 422);
        let body: Value = own.json().await.unwrap();
        assert_eq!(body["Invalid"]["Accounts"], "OwnAccount", "{body}");
    }
    assert_eq!(act(&app, &token, boss, "make_guest").await, 200);
    assert_eq!(accounts(&app, &admin, &[]).await.0, 403, "demoted at once");

    assert_eq!(act(&app, &token, deputy + 1000, "disable").await, 404);
    assert_eq!(act(&app, &token, boss, "delete").await, 422);
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(boss)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(role, "user");
}

#[tokio::test]
async fn the_users_page_works_as_plain_forms() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    app.signed_up("plain@example.com").await;
    let plain = id_of(&app, "plain@example.com").await.to_string();
    let boss = id_of(&app, "boss@example.com").await.to_string();
    let post = |user_id: &str, action: &str| {
        app.client
            .post(app.url("/api/account_action"))
            .header("accept", "text/html")
            .header("cookie", format!("booking_access_token={admin}"))
            .form(&[
                ("user_id", user_id),
                ("action", action),
                ("filter[q]", "plain@"),
                ("filter[status]", "active"),
            ])
            .send()
    };
    let done = post(&plain, "disable").await.unwrap();
    assert_eq!(done.status().as_u16(), 302);
    assert_eq!(
        done.headers()["location"],
        "/admin/users?q=plain%40&status=active&saved=1"
    );
    let refused = post(&boss, "disable").await.unwrap();
    assert_eq!(refused.status().as_u16(), 302);
    let location = refused.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/admin/users?q=plain%40&status=active&form=accounts&")
            && location.contains("own_account"),
        "{location}"
    );

    let page = |path: &str, language: &str| {
        app.client
            .get(app.url(path))
            .header("cookie", format!("booking_access_token={admin}"))
            .header("accept-language", language)
            .send()
    };
    let listed = page("/admin/users?q=plain%40", "ru").await.unwrap();
    assert_eq!(listed.status().as_u16(), 200);
    let html = listed.text().await.unwrap();
    assert!(html.contains("plain@example.com") && html.contains("account-disabled"));
    assert!(html.contains(r#"value="enable""#), "the enable form");
    assert_eq!(
        html.matches(r#"data-testid="user-row""#).count(),
        1,
        "filtered"
    );
    let refusal = page(location, "en").await.unwrap().text().await.unwrap();
    assert!(
        refusal.contains("Your own account is changed by another administrator."),
        "the refusal in words: {location} {}",
        &refusal[refusal.find("<main").unwrap_or(0)..]
    );
    let own_row = page("/admin/users?q=boss", "en")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(own_row.contains("boss@example.com"));
    assert!(
        !own_row.contains(r#"value="disable""#),
        "no forms for one's own account"
    );
}
