//! A generated catalog for load tests and query plans: `server generate-catalog HOTELS
//! ROOMS_PER_HOTEL BOOKINGS`. Deterministic (fixed random seed), built inside PostgreSQL with
//! `generate_series`, so a million bookings take seconds, not a million round trips.
use sqlx::{AssertSqlSafe, PgPool};

/// Sizes of a generated catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogSize {
    pub hotels: u32,
    pub rooms_per_hotel: u32,
    pub bookings: u32,
}

impl CatalogSize {
    /// The "large catalog": 10,000 hotels, 100,000 room types, 1,000,000 bookings.
    pub const LARGE: CatalogSize = CatalogSize {
        hotels: 10_000,
        rooms_per_hotel: 10,
        bookings: 1_000_000,
    };
}

/// Places the generated hotels are spread over (so a place search matches ~1/40 of them).
const PLACES: &[&str] = &[
    "Москва",
    "Санкт-Петербург",
    "Казань",
    "Сочи",
    "Калининград",
    "Екатеринбург",
    "Новосибирск",
    "Нижний Новгород",
    "Самара",
    "Ярославль",
    "Владимир",
    "Суздаль",
    "Псков",
    "Великий Новгород",
    "Мурманск",
    "Архангельск",
    "Петрозаводск",
    "Сыктывкар",
    "Кострома",
    "Тверь",
    "Тула",
    "Рязань",
    "Воронеж",
    "Ростов-на-Дону",
    "Краснодар",
    "Анапа",
    "Геленджик",
    "Кисловодск",
    "Пятигорск",
    "Махачкала",
    "Астрахань",
    "Волгоград",
    "Уфа",
    "Пермь",
    "Тюмень",
    "Омск",
    "Томск",
    "Иркутск",
    "Республика Алтай, Горно-Алтайск",
    "Владивосток",
];

/// Adds `size` hotels, room types and bookings (with guests to own them), then vacuums and
/// analyses the tables. Works on any database: ids continue after the existing rows.
pub async fn generate_catalog(pool: &PgPool, size: CatalogSize) -> Result<(), sqlx::Error> {
    let places = PLACES
        .iter()
        .map(|place| format!("'{}'", place.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(",");
    let CatalogSize {
        hotels,
        rooms_per_hotel,
        bookings,
    } = size;
    let script = format!(
        "BEGIN;
         SELECT setseed(0.42);
         CREATE TEMP TABLE generated_hotels (id INTEGER) ON COMMIT DROP;
         INSERT INTO users (email, hashed_password)
         SELECT 'guest' || g || '@generated.example', 'generated-user-cannot-log-in'
         FROM generate_series(1, 1000) g
         ON CONFLICT DO NOTHING;
         WITH inserted AS (
             INSERT INTO hotels (name, location, services, rooms_quantity)
             SELECT (ARRAY['Отель','Гостиница','Парк-отель','Апарт-отель','Гостевой дом'])[1 + g % 5]
                        || ' ' || (ARRAY['Северный','Центральный','Речной','Лесной','Старый город',
                                         'Панорама','Уют','Визит','Маяк','Берег'])[1 + (g / 5) % 10]
                        || ' №' || g,
                    p.places[1 + g % array_length(p.places, 1)] || ', улица '
                        || (ARRAY['Ленина','Мира','Садовая','Набережная','Школьная','Лесная'])[1 + (g / 7) % 6]
                        || ', ' || (1 + g % 120),
                    (ARRAY['Wi-Fi','Парковка','Бассейн','Спа','Тренажёрный зал','Кондиционер в номере'])[1:1 + g % 6],
                    0
             FROM generate_series(1, {hotels}) g, (SELECT ARRAY[{places}] AS places) p
             RETURNING id
         )
         INSERT INTO generated_hotels SELECT id FROM inserted;
         CREATE TEMP TABLE generated_rooms ON COMMIT DROP AS
         WITH inserted AS (
             INSERT INTO rooms (hotel_id, name, description, price, services, quantity,
                                max_adults, max_children)
             SELECT h.id,
                    (ARRAY['Стандарт','Улучшенный','Делюкс','Семейный','Люкс','Студия','Эконом',
                           'Двухместный','Одноместный','Апартаменты'])[1 + (k - 1) % 10],
                    'Номер для генерированного каталога.',
                    1500 + (abs(hashint4(h.id * 31 + k)) % 280) * 100,
                    ARRAY['Wi-Fi'],
                    1 + abs(hashint4(h.id * 17 + k)) % 8,
                    -- Single rooms take one guest, family rooms and apartments more.
                    CASE (k - 1) % 10 WHEN 8 THEN 1 WHEN 9 THEN 4 ELSE 2 END,
                    CASE (k - 1) % 10 WHEN 8 THEN 0 WHEN 3 THEN 2 WHEN 9 THEN 2 ELSE 1 END
             FROM generated_hotels h, generate_series(1, {rooms_per_hotel}) k
             RETURNING id, hotel_id, price, quantity
         )
         SELECT row_number() OVER (ORDER BY id) AS n, id, price FROM inserted;
         -- Rates and restrictions as a real catalog has them, so the benchmarks pay their cost:
         -- every room type 15% dearer on Friday and Saturday nights; a third with a summer
         -- season; a tenth with single-date prices; one in twenty with a minimum stay on
         -- Friday arrivals for four months; a tenth closed for a few nights in the next year.
         INSERT INTO rate_rules (room_id, date_from, date_to, weekdays, kind, value)
         SELECT id, current_date - 180, current_date + 730, 48, 'percent', 15 FROM generated_rooms;
         INSERT INTO rate_rules (room_id, date_from, date_to, weekdays, kind, value)
         SELECT id, current_date + 150, current_date + 240, NULL, 'percent', 25
         FROM generated_rooms WHERE n % 3 = 0;
         INSERT INTO rate_overrides (room_id, night, price)
         SELECT id, current_date + (abs(hashint4(id * 7 + k)) % 365), price + 1000
         FROM generated_rooms, generate_series(1, 3) k WHERE n % 10 = 1
         ON CONFLICT DO NOTHING;
         INSERT INTO room_restrictions (room_id, date_from, date_to, min_stay)
         SELECT id, d::date, d::date + 1, 2
         FROM generated_rooms,
              generate_series(current_date, current_date + 120, interval '1 day') AS d
         WHERE n % 20 = 2 AND extract(isodow FROM d) = 5;
         INSERT INTO room_restrictions (room_id, date_from, date_to, closed)
         SELECT id, current_date + s, current_date + s + 3, true
         FROM (SELECT id, n, abs(hashint4(id * 13)) % 365 AS s FROM generated_rooms) r
         WHERE n % 10 = 3;
         UPDATE hotels h SET rooms_quantity = q.total
         FROM (SELECT hotel_id, sum(quantity) AS total FROM rooms
               WHERE hotel_id IN (SELECT id FROM generated_hotels) GROUP BY hotel_id) q
         WHERE h.id = q.hotel_id;
         -- Check-ins from half a year ago to a year ahead, 1 to 14 nights.
         INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
         SELECT r.id, u.id, b.day, b.day + b.nights, r.price
         FROM (
             SELECT 1 + floor(random() * (SELECT count(*) FROM generated_rooms))::bigint AS n,
                    1 + floor(random() * 1000)::int AS guest,
                    current_date - 180 + floor(random() * 545)::int AS day,
                    1 + floor(random() * 14)::int AS nights
             FROM generate_series(1, {bookings})
         ) b
         JOIN generated_rooms r ON r.n = b.n
         JOIN users u ON u.email = 'guest' || b.guest || '@generated.example';
         COMMIT;"
    );
    sqlx::raw_sql(AssertSqlSafe(script)).execute(pool).await?;
    // Statistics for the planner, the visibility map for index-only scans, and the trigram
    // index's pending list merged, as autovacuum would do a while after a bulk load.
    for table in [
        "hotels",
        "rooms",
        "bookings",
        "users",
        "rate_rules",
        "rate_overrides",
        "room_restrictions",
    ] {
        sqlx::raw_sql(AssertSqlSafe(format!("VACUUM ANALYZE {table}")))
            .execute(pool)
            .await?;
    }
    Ok(())
}
