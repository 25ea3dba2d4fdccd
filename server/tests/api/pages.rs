use crate::helpers::{spawn_app, spawn_app_with_site};

async fn page(
    app: &crate::helpers::TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn home_page_is_server_rendered_in_russian_by_default() {
    let app = spawn_app().await;
    let (status, html) = page(&app, "/", &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("Найдите, где остановиться"), "{html}");
    assert!(html.contains(r#"lang="ru""#));
    assert!(html.contains(r#"name="date_from""#), "{html}");
    // The browser takes "today" for the search form from the server, never from its own clock.
    let today = chrono::Local::now().date_naive();
    assert!(
        html.contains(&format!(r#"<meta name="server-day" content="{today}">"#)),
        "{html}"
    );
    assert!(
        html.contains(&format!(r#"name="date_from" required min="{today}""#)),
        "{html}"
    );
    assert!(
        html.contains("/pkg/booking.js"),
        "the page loads the wasm bundle"
    );
}

#[tokio::test]
async fn accept_language_picks_english() {
    let app = spawn_app().await;
    let (_, html) = page(&app, "/", &[("accept-language", "en-US,en;q=0.9")]).await;
    assert!(html.contains("Find a place to stay"));
    assert!(html.contains(r#"lang="en""#));
}

#[tokio::test]
async fn the_locale_cookie_wins_over_accept_language() {
    let app = spawn_app().await;
    let (_, html) = page(
        &app,
        "/",
        &[
            ("accept-language", "ru-RU"),
            ("cookie", "i18n_pref_locale=en"),
        ],
    )
    .await;
    assert!(html.contains("Find a place to stay"));
}

#[tokio::test]
async fn unknown_paths_get_the_404_page() {
    let app = spawn_app().await;
    let (status, html) = page(&app, "/no/such/page", &[]).await;
    assert_eq!(status, 404);
    assert!(html.contains("Страница не найдена"));
}

#[tokio::test]
async fn the_language_form_sets_the_cookie_and_goes_back() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/locale"))
        .form(&[("locale", "en"), ("return_to", "/some/page?x=1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/some/page?x=1");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("i18n_pref_locale=en;"), "{cookie}");
}

#[tokio::test]
async fn the_language_form_never_redirects_off_site() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/locale"))
        .form(&[("locale", "ru"), ("return_to", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/");
}

#[tokio::test]
async fn an_unknown_locale_is_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/locale"))
        .form(&[("locale", "xx")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
}

/// A page is read whole before its first byte is sent (a render that stalls after its answer is
/// started again instead of reaching the guest cut off), so an uncompressed page has a length.
#[tokio::test]
async fn pages_are_sent_whole_with_their_length() {
    let app = spawn_app().await;
    for path in ["/", "/hotels/1", "/bookings", "/no/such/page"] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "identity")
            .send()
            .await
            .unwrap();
        let length = response
            .headers()
            .get("content-length")
            .unwrap_or_else(|| panic!("{path}: no content-length"))
            .to_str()
            .unwrap()
            .parse::<usize>()
            .unwrap();
        let body = response.bytes().await.unwrap();
        assert_eq!(body.len(), length, "{path}");
        assert!(body.starts_with(b"<!DOCTYPE html>"), "{path}");
    }
}

#[tokio::test]
async fn responses_carry_a_request_id_and_are_compressed() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(response.headers()["content-encoding"], "br");
}

/// A site file is answered as itself while other requests set their own status and cookies.
/// Leptos's file handler built a file's response under whatever owner its thread held last,
/// so a file could take a concurrent page's 422 (seen: the wasm's loader, breaking hydration)
/// or a concurrent sign-in's `Set-Cookie`; the site's own `ServeDir` answers files now.
#[tokio::test]
async fn site_files_keep_their_own_status_and_headers_beside_other_requests() {
    let site = std::env::temp_dir().join(format!("booking-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/probe.js"), "export const probe = 1;\n").unwrap();
    let app = spawn_app_with_site(site.to_str().unwrap()).await;
    let app = &app;

    let file = || async move {
        let response = app.get("/pkg/probe.js").await;
        let status = response.status().as_u16();
        let cookie = response.headers().get("set-cookie").cloned();
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        (status, cookie, kind, body)
    };
    let others = |round: usize| async move {
        let bad = app
            .get("/search?date_from=2027-02-30&date_to=2027-03-02")
            .await;
        assert_eq!(bad.status().as_u16(), 422);
        let email = format!("files-{round}@example.com");
        let joined = app.register(&email, "correct horse battery").await;
        assert!(
            joined.headers().get("set-cookie").is_some(),
            "the sign-up sets its cookie"
        );
    };
    let rounds = (0..24).map(|round| futures::future::join3(file(), others(round), file()));
    for (first, (), second) in futures::future::join_all(rounds).await {
        for (status, cookie, kind, body) in [first, second] {
            assert_eq!(status, 200);
            assert_eq!(
                cookie, None,
                "a file never carries another response's cookie"
            );
            assert!(kind.contains("javascript"), "{kind}");
            assert_eq!(body, "export const probe = 1;\n");
        }
    }
    // A miss falls through to the app's 404 page.
    let (status, html) = page(app, "/pkg/no-such.js", &[]).await;
    assert_eq!(status, 404);
    assert!(html.contains("Страница не найдена"));
    std::fs::remove_dir_all(&site).ok();
}
