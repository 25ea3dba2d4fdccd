//! The inventory calendar: its cells are what guests are sold (prices, rooms left, closed and
//! restricted dates), and a bulk edit through the server functions changes exactly the chosen
//! cells, as search, the hotel page and booking then see them; the preview changes nothing and
//! lists the bookings on the edited dates; restriction rows outside an edit keep their parts.
use app::model::calendar::{Calendar, CalendarPreview};
use app::model::{HotelId, RoomId, StayRefusal};
use chrono::{Datelike, NaiveDate, Weekday};

use crate::helpers::{TestApp, add_booking, add_room_type, day, next, offer, rub, spawn_app, stay};

/// A bulk edit's form for `room` on the days `first..=last` ahead, with `fields` added (the
/// server functions take the edit as one argument: `edit[field]`).
fn edit(
    hotel: HotelId,
    room: RoomId,
    first: u64,
    last: u64,
    fields: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut form = vec![
        ("hotel_id".to_owned(), hotel.to_string()),
        ("edit[rooms]".to_owned(), room.to_string()),
        ("edit[first]".to_owned(), day(first).to_string()),
        ("edit[last]".to_owned(), day(last).to_string()),
    ];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| (format!("edit[{k}]"), (*v).to_owned())),
    );
    form
}

fn borrowed(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Saves an edit as `token`; the status.
async fn save(app: &TestApp, token: &str, form: &[(String, String)]) -> u16 {
    app.server_fn_as(token, "calendar_save", &borrowed(form))
        .await
        .status()
        .as_u16()
}

async fn preview(app: &TestApp, token: &str, form: &[(String, String)]) -> CalendarPreview {
    let response = app
        .server_fn_as(token, "calendar_preview", &borrowed(form))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

async fn calendar(app: &TestApp, token: &str, hotel: HotelId, from: u64, days: &str) -> Calendar {
    let (hotel, from) = (hotel.to_string(), day(from).to_string());
    let response = app
        .server_fn_as(
            token,
            "calendar",
            &[("hotel_id", &hotel), ("from", &from), ("days", days)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

/// The room type's restriction rows as (first date, end date, closed, min stay), in order.
async fn restrictions(
    app: &TestApp,
    room: RoomId,
) -> Vec<(NaiveDate, NaiveDate, bool, Option<i16>)> {
    sqlx::query_as(
        "SELECT date_from, date_to, closed, min_stay FROM room_restrictions
         WHERE room_id = $1 ORDER BY date_from",
    )
    .bind(room)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_weekend_price_and_a_closed_date_reach_search_pages_and_booking() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let (hotel, room) = add_room_type(&app, "Календарьград", 1000, 2, (2, 0)).await;
    let friday = next(Weekday::Fri, 2);
    // Fridays and Saturdays of three weeks cost 3000; the Tuesday after the first is closed.
    let weekend = edit(
        hotel,
        room,
        1,
        22,
        &[
            ("weekdays", "5,6"),
            ("price_action", "set"),
            ("price", "3000"),
        ],
    );
    let before = preview(&app, &admin, &weekend).await;
    assert_eq!(before.dates_changed, 6);
    assert!(
        before
            .changes
            .iter()
            .all(|run| run.after.price == rub(3000))
    );
    assert!(before.affected.is_empty());
    assert!(ok(save(&app, &admin, &weekend).await));
    let closed = edit(hotel, room, friday + 4, friday + 4, &[("sale", "close")]);
    assert!(ok(save(&app, &admin, &closed).await));

    let shown = calendar(&app, &admin, hotel, 1, "28").await;
    assert_eq!(shown.rows.len(), 1);
    for (date, cell) in shown.dates().zip(&shown.rows[0].cells) {
        let weekend = matches!(date.weekday(), Weekday::Fri | Weekday::Sat) && date <= day(22);
        let price = if weekend { 3000 } else { 1000 };
        assert_eq!(cell.settings.price, rub(price), "{date}");
        assert_eq!(cell.settings.price_set, weekend, "{date}");
        assert_eq!(cell.settings.closed, date == day(friday + 4), "{date}");
    }
    // Thursday to Sunday: 1000 + 3000 + 3000.
    let stay_offer = offer(&app, hotel, stay(friday - 1, friday + 2)).await;
    assert_eq!(stay_offer.nights, [rub(1000), rub(3000), rub(3000)]);
    assert_eq!(stay_offer.total_cost, rub(7000));
    let refused = offer(&app, hotel, stay(friday + 3, friday + 5)).await;
    assert_eq!(
        refused.refusal,
        Some(StayRefusal::Closed {
            night: day(friday + 4)
        })
    );
    let guest = app.signed_up("guest@example.com").await;
    let path = format!(
        "/api/v1/bookings?room_id={room}&date_from={}&date_to={}",
        day(friday + 3),
        day(friday + 5)
    );
    let booked = app
        .client
        .post(app.url(&path))
        .header("cookie", format!("booking_access_token={guest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status().as_u16(), 409);

    // Clearing the weekend price brings back the rate rules: a rule of +50% on every night.
    sqlx::query(
        "INSERT INTO rate_rules (room_id, date_from, date_to, kind, value)
         VALUES ($1, $2, $3, 'percent', 50)",
    )
    .bind(room)
    .bind(day(0))
    .bind(day(60))
    .execute(&app.state.db)
    .await
    .unwrap();
    let clear = edit(hotel, room, 1, 22, &[("price_action", "clear")]);
    assert!(ok(save(&app, &admin, &clear).await));
    let stay_offer = offer(&app, hotel, stay(friday - 1, friday + 2)).await;
    assert_eq!(stay_offer.total_cost, rub(4500));

    // Each save left one audit entry on the hotel's rates.
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log
         WHERE action = 'calendar.edit' AND object_kind = 'rates' AND object_id = $1",
    )
    .bind(i64::from(hotel.get()))
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 3);
}

fn ok(status: u16) -> bool {
    (200..400).contains(&status)
}

#[tokio::test]
async fn an_edit_rewrites_only_its_dates_and_the_preview_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let (hotel, room) = add_room_type(&app, "Правкоград", 1000, 2, (2, 0)).await;
    // Minimum stay 2 on the dates [5, 15).
    sqlx::query(
        "INSERT INTO room_restrictions (room_id, date_from, date_to, min_stay)
         VALUES ($1, $2, $3, 2)",
    )
    .bind(room)
    .bind(day(5))
    .bind(day(15))
    .execute(&app.state.db)
    .await
    .unwrap();
    let guest = app.signed_up_id("guest@example.com").await;
    add_booking(&app, guest, room, day(7), day(9)).await;
    add_booking(&app, guest, room, day(20), day(22)).await;

    // Dates 8 and 9: no minimum stay, closed.
    let form = edit(
        hotel,
        room,
        8,
        9,
        &[("min_action", "clear"), ("sale", "close")],
    );
    let seen = preview(&app, &admin, &form).await;
    assert_eq!(seen.dates_changed, 2);
    assert_eq!(seen.changes.len(), 1);
    assert_eq!(
        (seen.changes[0].first, seen.changes[0].last),
        (day(8), day(9))
    );
    assert_eq!(seen.changes[0].before.min_stay, Some(2));
    assert_eq!(seen.changes[0].after.min_stay, None);
    assert!(seen.changes[0].after.closed);
    // The booking holding the night of date 8 is listed; the one on 20 is not.
    let listed: Vec<_> = seen.affected.iter().map(|b| b.date_from).collect();
    assert_eq!(listed, [day(7)]);
    // The preview saved nothing.
    assert_eq!(
        restrictions(&app, room).await,
        [(day(5), day(15), false, Some(2))]
    );

    assert!(ok(save(&app, &admin, &form).await));
    assert_eq!(
        restrictions(&app, room).await,
        [
            (day(5), day(8), false, Some(2)),
            (day(8), day(10), true, None),
            (day(10), day(15), false, Some(2)),
        ]
    );
    // The booking keeps its dates and price; the calendar still counts it.
    let shown = calendar(&app, &admin, hotel, 7, "14").await;
    let sold: Vec<u32> = shown.rows[0].cells.iter().take(3).map(|c| c.sold).collect();
    assert_eq!(sold, [1, 1, 0]);
    // Saving the same edit again changes nothing and leaves no audit entry.
    assert!(ok(save(&app, &admin, &form).await));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'calendar.edit'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_bad_edit_is_refused_with_its_reason_and_another_hotels_room_is_not_found() {
    let app = spawn_app().await;
    let admin = app.admin_token("boss@example.com").await;
    let (hotel, room) = add_room_type(&app, "Ошибкоград", 1000, 2, (2, 0)).await;
    let (_, other_room) = add_room_type(&app, "Чужоград", 1000, 2, (2, 0)).await;
    // The fields added, the first and last date, and the reason the answer gives.
    type Case<'a> = (&'a [(&'a str, &'a str)], u64, u64, &'a str);
    let cases: [Case; 6] = [
        (&[("price_action", "set"), ("price", "-5")], 1, 2, "Value"),
        (
            &[("price_action", "set"), ("price", "много")],
            1,
            2,
            "Value",
        ),
        (&[("sale", "maybe")], 1, 2, "Action"),
        (&[("weekdays", "8"), ("sale", "close")], 1, 2, "Weekdays"),
        (&[], 1, 2, "NothingToChange"),
        (&[("sale", "close")], 3, 2, "Dates"),
    ];
    for (fields, first, last, code) in cases {
        let form = edit(hotel, room, first, last, fields);
        let response = app
            .server_fn_as(&admin, "calendar_save", &borrowed(&form))
            .await;
        assert_eq!(response.status().as_u16(), 422, "{fields:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["Calendar"], code, "{fields:?}");
    }
    let mut form = edit(hotel, room, 1, 2, &[("sale", "close")]);
    form[1].1 = format!("{room},{other_room}");
    assert_eq!(save(&app, &admin, &form).await, 404);
    let unknown = calendar_status(&app, &admin, hotel, "garbage").await;
    assert_eq!(unknown, 422);
    // Nothing was written for either room type.
    assert!(restrictions(&app, room).await.is_empty());
    assert!(restrictions(&app, other_room).await.is_empty());
}

async fn calendar_status(app: &TestApp, token: &str, hotel: HotelId, days: &str) -> u16 {
    app.server_fn_as(
        token,
        "calendar",
        &[("hotel_id", &hotel.to_string()), ("days", days)],
    )
    .await
    .status()
    .as_u16()
}
