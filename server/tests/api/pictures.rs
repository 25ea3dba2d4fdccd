//! Pictures: uploads refused or accepted, the sizes the worker makes, serving, ordering and
//! deleting. Pictures are made here with the `image` crate; refusals use hand-made bad files.
use std::io::Cursor;
use std::path::Path;

use app::model::picture::{PICTURE_WIDTHS, picture_height};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// Posts `bytes` as the `file` field to `path`, as the page's script does (JSON answers).
async fn upload(app: &TestApp, token: Option<&str>, path: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("photo.jpg"),
    );
    let mut request = app
        .client
        .post(app.url(path))
        .header("accept", "application/json")
        .multipart(form);
    if let Some(token) = token {
        request = request.header("cookie", format!("booking_access_token={token}"));
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// An `width` x `height` picture, left half red and right half blue, encoded as `format`.
fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    });
    let mut bytes = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut bytes, format)
        .unwrap();
    bytes.into_inner()
}

/// A JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6).
fn rotated_jpeg(width: u32, height: u32) -> Vec<u8> {
    let jpeg = picture(width, height, ImageFormat::Jpeg);
    // APP1 "Exif": a little-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend([1, 0]); // one entry
    tiff.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]); // tag, SHORT, count 1, value 6
    tiff.extend([0, 0, 0, 0]); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let length = (app1.len() + 2) as u16;
    let mut bytes = jpeg[..2].to_vec(); // SOI
    bytes.extend([0xFF, 0xE1]);
    bytes.extend(length.to_be_bytes());
    bytes.extend(app1);
    bytes.extend(&jpeg[2..]);
    bytes
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small PNG whose header claims 100,000 x 100,000 pixels (a decompression bomb's header).
fn png_bomb() -> Vec<u8> {
    let mut png = picture(8, 8, ImageFormat::Png);
    // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC follows 13 bytes on.
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// Every file under the media directory (uploads, originals, sizes).
fn media_files(app: &TestApp) -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["uploads", "originals", "pictures"] {
        let Ok(entries) = std::fs::read_dir(app.config.media_dir.join(dir)) else {
            continue;
        };
        for entry in entries {
            files.push(format!(
                "{dir}/{}",
                entry.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    files.sort();
    files
}

async fn picture_state(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT state FROM pictures WHERE id = $1")
        .bind(id as i32)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// Checks every size of `digest` exists with the right dimensions and format.
fn assert_every_size(media: &Path, digest: &str) {
    for width in PICTURE_WIDTHS {
        for (extension, format) in [("webp", ImageFormat::WebP), ("jpg", ImageFormat::Jpeg)] {
            let path = media.join(format!(
                "pictures/{digest}-{width}x{}.{extension}",
                picture_height(width)
            ));
            let bytes =
                std::fs::read(&path).unwrap_or_else(|_| panic!("{} exists", path.display()));
            assert_eq!(
                image::guess_format(&bytes).unwrap(),
                format,
                "{}",
                path.display()
            );
            let decoded = image::load_from_memory(&bytes).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (width, picture_height(width))
            );
        }
    }
}

#[tokio::test]
async fn jpeg_png_and_webp_uploads_become_every_size() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    let uploads = [
        (
            "/admin/pictures/hotels/1",
            picture(1600, 1200, ImageFormat::Jpeg),
        ),
        (
            "/admin/pictures/hotels/2",
            picture(640, 480, ImageFormat::Png),
        ),
        (
            "/admin/pictures/rooms/1",
            picture(900, 300, ImageFormat::WebP),
        ),
    ];
    let mut digests = Vec::new();
    for (path, bytes) in uploads {
        let (status, body) = upload(&app, Some(&token), path, bytes).await;
        assert_eq!(status, 201, "{path}: {body}");
        assert_eq!(body["state"], "processing");
        digests.push((
            body["id"].as_i64().unwrap(),
            body["digest"].as_str().unwrap().to_owned(),
        ));
    }
    let report = app.pictures.process_due().await.unwrap();
    assert_eq!(report.ready, 3);
    for (id, digest) in &digests {
        assert_eq!(picture_state(&app, *id).await, "ready");
        assert_every_size(&app.config.media_dir, digest);
    }
    // Processing the same uploads again changes nothing.
    sqlx::query("UPDATE pictures SET state = 'processing'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let files = media_files(&app);
    assert_eq!(app.pictures.process_due().await.unwrap().ready, 3);
    assert_eq!(media_files(&app), files);
}

#[tokio::test]
async fn exif_orientation_is_applied() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    let (status, body) = upload(
        &app,
        Some(&token),
        "/admin/pictures/hotels/1",
        rotated_jpeg(600, 200),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // Displayed upright the picture is 200 x 600 with red on top and blue below.
    assert_eq!(
        (body["width"].as_i64(), body["height"].as_i64()),
        (Some(600), Some(200))
    );
    app.pictures.process_due().await.unwrap();
    let digest = body["digest"].as_str().unwrap();
    let small = image::open(
        app.config
            .media_dir
            .join(format!("pictures/{digest}-200x100.jpg")),
    )
    .unwrap()
    .to_rgb8();
    let (top, bottom) = (small.get_pixel(100, 5), small.get_pixel(100, 95));
    assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom is blue: {bottom:?}"
    );
}

#[tokio::test]
async fn bad_files_are_refused_and_nothing_is_kept() {
    let app = spawn_app_with(&[("UPLOAD_MAX_BYTES", "200000")]).await;
    let token = app.admin_token("boss@example.com").await;
    let jpeg = picture(400, 300, ImageFormat::Jpeg);
    let noise: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: [(&str, Vec<u8>, u16, &str); 5] = [
        (
            "text named .jpg",
            b"not a picture at all, just text".to_vec(),
            415,
            "not_a_picture",
        ),
        (
            "truncated JPEG",
            jpeg[..jpeg.len() / 2].to_vec(),
            422,
            "damaged",
        ),
        ("PNG bomb", png_bomb(), 422, "too_many_pixels"),
        ("over the size limit", noise, 413, "too_large"),
        ("empty file", Vec::new(), 422, "no_file"),
    ];
    for (case, bytes, expected, code) in cases {
        let (status, body) = upload(&app, Some(&token), "/admin/pictures/hotels/1", bytes).await;
        assert_eq!(status, expected, "{case}: {body}");
        assert_eq!(body["code"], code, "{case}");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|detail| !detail.is_empty())
        );
    }
    assert_eq!(media_files(&app), Vec::<String>::new());
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM pictures")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn only_admins_upload() {
    let app = spawn_app().await;
    let jpeg = picture(400, 300, ImageFormat::Jpeg);
    let (status, _) = upload(&app, None, "/admin/pictures/hotels/1", jpeg.clone()).await;
    assert_eq!(status, 401);
    let guest = app.signed_up("guest@example.com").await;
    let (status, body) = upload(&app, Some(&guest), "/admin/pictures/hotels/1", jpeg.clone()).await;
    assert_eq!(status, 403, "{body}");
    let admin = app.admin_token("boss@example.com").await;
    let (status, _) = upload(
        &app,
        Some(&admin),
        "/admin/pictures/hotels/999",
        jpeg.clone(),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = upload(&app, Some(&admin), "/admin/pictures/users/1", jpeg).await;
    assert_eq!(status, 404);
    assert_eq!(media_files(&app), Vec::<String>::new());
}

#[tokio::test]
async fn a_plain_form_post_returns_to_the_admin_page() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    let post = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("x.png"),
        );
        app.client
            .post(app.url("/admin/pictures/rooms/3"))
            .header("cookie", format!("booking_access_token={token}"))
            .multipart(form)
            .send()
    };
    let accepted = post(picture(300, 200, ImageFormat::Png)).await.unwrap();
    assert_eq!(accepted.status().as_u16(), 303);
    assert_eq!(
        accepted.headers()["location"],
        "/admin/hotels/2/pictures?uploaded=1"
    );
    let refused = post(b"text".to_vec()).await.unwrap();
    assert_eq!(refused.status().as_u16(), 303);
    assert_eq!(
        refused.headers()["location"],
        "/admin/hotels/2/pictures?error=not_a_picture"
    );
}

#[tokio::test]
async fn pages_show_ready_pictures_in_every_size_served_for_good() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    let (_, body) = upload(
        &app,
        Some(&token),
        "/admin/pictures/hotels/1",
        picture(1200, 600, ImageFormat::Jpeg),
    )
    .await;
    let digest = body["digest"].as_str().unwrap().to_owned();
    let page = app.get("/hotels/1").await.text().await.unwrap();
    assert!(!page.contains(&digest), "not shown while processing");

    app.pictures.process_due().await.unwrap();
    let page = app.get("/hotels/1").await.text().await.unwrap();
    assert!(
        page.contains(&format!("/media/pictures/{digest}-2000x1000.webp 2000w")),
        "srcset on the hotel page"
    );
    assert!(page.contains(r#"width="1000" height="500""#));
    let search = app
        .get("/search?location=%D0%90%D0%BB%D1%82%D0%B0%D0%B9")
        .await
        .text()
        .await
        .unwrap();
    assert!(search.contains(&format!("/media/pictures/{digest}-400x200.webp 400w")));
    assert!(search.contains(r#"loading="lazy""#));

    let served = app
        .get(&format!("/media/pictures/{digest}-1000x500.webp"))
        .await;
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.headers()["content-type"], "image/webp");
    assert_eq!(
        served.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let jpeg = app
        .get(&format!("/media/pictures/{digest}-200x100.jpg"))
        .await;
    assert_eq!(jpeg.headers()["content-type"], "image/jpeg");
    assert_eq!(app.get("/media/originals/x").await.status().as_u16(), 404);
}

#[tokio::test]
async fn the_hotel_page_shows_every_ready_picture_in_the_staffs_order() {
    let app = spawn_app().await;
    let token = app.admin_token("gallery@example.com").await;
    let mut digests = Vec::new();
    for width in [800, 900, 1000] {
        let bytes = picture(width, 400, ImageFormat::Png);
        let (_, body) = upload(&app, Some(&token), "/admin/pictures/hotels/1", bytes).await;
        digests.push(body["digest"].as_str().unwrap().to_owned());
    }
    let page = app.get("/hotels/1").await.text().await.unwrap();
    assert!(
        !page.contains(r#"data-testid="gallery""#),
        "none ready: no gallery"
    );
    app.pictures.process_due().await.unwrap();

    // The main picture in the header, the other two in the gallery in their order, each
    // linked at its largest size.
    let page = app.get("/hotels/1").await.text().await.unwrap();
    let (header, gallery) = (header_of(&page), gallery_of(&page));
    assert!(header.contains(&digests[0]), "{header}");
    let at = |digest: &str| gallery.find(digest).expect("in the gallery");
    assert!(!gallery.contains(&digests[0]));
    assert!(at(&digests[1]) < at(&digests[2]), "in the staff's order");
    assert!(gallery.contains(&format!(
        r#"href="/media/pictures/{}-2000x1000.jpg""#,
        digests[1]
    )));
    assert!(
        gallery.contains("фото 2 из 3"),
        "alt texts count the photos"
    );

    // The third made the main one: it moves to the header, the first joins the gallery.
    let order = hotel_order(&app, 1).await;
    assert_eq!(arrange(&app, &token, "1", order[2].0, "main").await, 200);
    let page = app.get("/hotels/1").await.text().await.unwrap();
    let (header, gallery) = (header_of(&page), gallery_of(&page));
    assert!(header.contains(&digests[2]), "{header}");
    let at = |digest: &str| gallery.find(digest).expect("in the gallery");
    assert!(at(&digests[0]) < at(&digests[1]));
    assert!(!gallery.contains(&digests[2]));
}

/// The hotel page's header (name and main picture).
fn header_of(page: &str) -> &str {
    between(page, r#"class="hotel-header""#, "</header>")
}

/// The hotel page's gallery.
fn gallery_of(page: &str) -> &str {
    between(page, r#"data-testid="gallery""#, "</ul>")
}

/// The part of `page` from `start` to the first `end` after it.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {page}"));
    let rest = &page[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Does `action` to picture `id` of hotel `hotel` as `token`; the status.
async fn arrange(app: &TestApp, token: &str, hotel: &str, id: i64, action: &str) -> u16 {
    app.server_fn_as(
        token,
        "arrange_picture",
        &[
            ("hotel_id", hotel),
            ("picture_id", &id.to_string()),
            ("action", action),
        ],
    )
    .await
    .status()
    .as_u16()
}

/// The pictures of hotel `hotel` in order: (id, digest).
async fn hotel_order(app: &TestApp, hotel: i32) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT id::bigint, digest FROM pictures WHERE hotel_id = $1 ORDER BY position, id",
    )
    .bind(hotel)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn deleted_pictures_leave_no_files_unless_another_names_them() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    let (_, first) = upload(
        &app,
        Some(&token),
        "/admin/pictures/hotels/1",
        picture(800, 400, ImageFormat::Png),
    )
    .await;
    app.pictures.process_due().await.unwrap();
    let first_id = first["id"].as_i64().unwrap();
    let first = first["digest"].as_str().unwrap().to_owned();
    // The same content for a room: the files are shared, and must survive the hotel's change.
    let (_, shared) = upload(
        &app,
        Some(&token),
        "/admin/pictures/rooms/1",
        picture(800, 400, ImageFormat::Png),
    )
    .await;
    assert_eq!(shared["digest"], first.as_str());
    let (_, second) = upload(
        &app,
        Some(&token),
        "/admin/pictures/hotels/1",
        picture(800, 400, ImageFormat::Jpeg),
    )
    .await;
    let second = second["digest"].as_str().unwrap().to_owned();
    app.pictures.process_due().await.unwrap();
    let has = |digest: &str| media_files(&app).iter().any(|file| file.contains(digest));
    assert_eq!(
        hotel_order(&app, 1).await.len(),
        2,
        "a second picture is added"
    );

    assert_eq!(arrange(&app, &token, "1", first_id, "delete").await, 200);
    assert!(has(&first), "still the room's picture");
    assert_eq!(
        arrange(&app, &token, "1", first_id, "delete").await,
        404,
        "deleted already"
    );
    let room_picture = shared["id"].as_i64().unwrap();
    assert_eq!(
        arrange(&app, &token, "2", room_picture, "delete").await,
        200
    );
    assert!(!has(&first), "nothing names the first picture any more");

    // Deleting a hotel deletes its rows (cascade); the sweep removes the files.
    sqlx::query("DELETE FROM hotels WHERE id = 1")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(app.pictures.sweep().await.unwrap(), 1);
    assert!(!has(&second));
    assert_eq!(media_files(&app), Vec::<String>::new());
}

#[tokio::test]
async fn staff_order_a_hotels_pictures_and_the_first_ready_one_is_shown() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    let mut digests = Vec::new();
    for width in [600, 602, 604] {
        let (status, body) = upload(
            &app,
            Some(&token),
            "/admin/pictures/hotels/2",
            picture(width, 300, ImageFormat::Jpeg),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        digests.push(body["digest"].as_str().unwrap().to_owned());
    }
    app.pictures.process_due().await.unwrap();
    let order = hotel_order(&app, 2).await;
    let ids: Vec<i64> = order.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        order.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>(),
        digests,
        "in upload order"
    );
    let shown = |digest: String| {
        let app = &app;
        async move {
            let search = app
                .get("/search?location=%D0%90%D0%BB%D1%82%D0%B0%D0%B9")
                .await
                .text()
                .await
                .unwrap();
            search.contains(&format!("/media/pictures/{digest}-400x200.webp"))
        }
    };
    assert!(shown(digests[0].clone()).await, "the first is the main one");

    assert_eq!(arrange(&app, &token, "2", ids[2], "main").await, 200);
    assert_eq!(hotel_order(&app, 2).await[0].0, ids[2]);
    assert!(
        shown(digests[2].clone()).await,
        "search shows the new main picture at once"
    );
    assert!(!shown(digests[0].clone()).await);
    assert_eq!(arrange(&app, &token, "2", ids[0], "later").await, 200);
    assert_eq!(
        arrange(&app, &token, "2", ids[0], "later").await,
        200,
        "last already: nothing changes"
    );
    assert_eq!(arrange(&app, &token, "2", ids[1], "earlier").await, 200);
    let now: Vec<i64> = hotel_order(&app, 2)
        .await
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(now, [ids[1], ids[2], ids[0]]);
    assert_eq!(arrange(&app, &token, "2", ids[1], "sideways").await, 422);

    // A picture not ready yet is not the main one, even first.
    let (_, fourth) = upload(
        &app,
        Some(&token),
        "/admin/pictures/hotels/2",
        picture(606, 300, ImageFormat::Png),
    )
    .await;
    let fourth_id = fourth["id"].as_i64().unwrap();
    assert_eq!(arrange(&app, &token, "2", fourth_id, "main").await, 200);
    assert!(shown(digests[1].clone()).await, "the first ready one");

    let entries: Vec<(String, Value)> = sqlx::query_as(
        "SELECT action, after FROM audit_log WHERE object_kind = 'picture' ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let actions: Vec<&str> = entries.iter().map(|(action, _)| action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "picture.upload",
            "picture.upload",
            "picture.upload",
            "picture.main",
            "picture.later",
            "picture.earlier",
            "picture.upload",
            "picture.main"
        ]
    );
    assert_eq!(entries[3].1["position"], 0);
}

#[tokio::test]
async fn a_hotel_keeps_at_most_twenty_pictures_and_only_its_staff_change_them() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    sqlx::query(
        "INSERT INTO pictures (hotel_id, digest, format, width, height, state, position)
         SELECT 3, md5(n::text), 'jpeg', 10, 10, 'ready', n FROM generate_series(0, 19) n",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let (status, body) = upload(
        &app,
        Some(&token),
        "/admin/pictures/hotels/3",
        picture(300, 200, ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "too_many");
    assert!(
        !media_files(&app)
            .iter()
            .any(|file| file.starts_with("originals")),
        "nothing of it is kept"
    );

    let staff = app.signed_up("staff@example.com").await;
    let other = app.signed_up("other@example.com").await;
    for (hotel, email) in [("3", "staff@example.com"), ("2", "other@example.com")] {
        let granted = app
            .server_fn_as(
                &token,
                "grant_staff",
                &[("hotel_id", hotel), ("email", email)],
            )
            .await;
        assert!(granted.status().as_u16() < 400);
    }
    let first = hotel_order(&app, 3).await[0].0;
    assert_eq!(arrange(&app, &other, "3", first, "delete").await, 403);
    let (status, _) = upload(
        &app,
        Some(&other),
        "/admin/pictures/hotels/3",
        picture(300, 200, ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 403, "staff of another hotel");
    assert_eq!(arrange(&app, &staff, "3", first, "delete").await, 200);
    let (status, body) = upload(
        &app,
        Some(&staff),
        "/admin/pictures/hotels/3",
        picture(300, 200, ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 201, "the hotel's staff, with room again: {body}");
    let order = hotel_order(&app, 3).await;
    assert_eq!(order.len(), 20);
    assert_eq!(order[19].0, body["id"].as_i64().unwrap(), "added last");
    let positions: Vec<i32> =
        sqlx::query_scalar("SELECT position FROM pictures WHERE hotel_id = 3 ORDER BY position")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(positions, (0..20).collect::<Vec<i32>>(), "renumbered");
}

#[tokio::test]
async fn the_admin_page_lists_pictures_and_their_state() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    upload(
        &app,
        Some(&token),
        "/admin/pictures/hotels/2",
        picture(500, 250, ImageFormat::Png),
    )
    .await;
    let response = app
        .server_fn_as(&token, "hotel_pictures", &[("hotel_id", "2")])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["pictures"][0]["state"], "processing");
    assert_eq!(body["pictures"][0]["owner"]["Hotel"], 2);
    assert!(!body["rooms"].as_array().unwrap().is_empty());
    let guest = app.signed_up("guest@example.com").await;
    let refused = app
        .server_fn_as(&guest, "hotel_pictures", &[("hotel_id", "2")])
        .await;
    assert_eq!(refused.status().as_u16(), 403);
}

#[tokio::test]
async fn the_original_upload_route_is_served_for_admins_only() {
    let app = spawn_app().await;
    let token = app.admin_token("boss@example.com").await;
    let jpeg = picture(800, 600, ImageFormat::Jpeg);
    let (status, body) = upload(
        &app,
        Some(&token),
        "/api/v1/images/hotels?name=2",
        jpeg.clone(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["owner"]["Hotel"], 2);
    let (status, _) = upload(&app, None, "/api/v1/images/hotels?name=2", jpeg.clone()).await;
    assert_eq!(status, 401, "the original needed no auth; we do");
    let (status, body) = upload(&app, Some(&token), "/api/v1/images/hotels", jpeg.clone()).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"][0]["loc"],
        serde_json::json!(["query", "name"])
    );
    let (status, _) = upload(&app, Some(&token), "/api/v1/images/hotels?name=999", jpeg).await;
    assert_eq!(status, 404);
}
