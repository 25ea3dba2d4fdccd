//! The demo data of the original project (`seed/*.json`), loaded once into an empty catalog.
//!
//! Ids follow file order (hotels 1..6, rooms 1..11, users 1..2, bookings 1..3), as the original's
//! clients and tests expect. Our copy of the rooms also says whom each takes (`max_adults`,
//! `max_children`), which the original did not know.
use sqlx::PgPool;

const HOTELS: &str = include_str!("../seed/hotels.json");
const ROOMS: &str = include_str!("../seed/rooms.json");
const USERS: &str = include_str!("../seed/users.json");
const BOOKINGS: &str = include_str!("../seed/bookings.json");

const SEED_NAME: &str = "demo-v1";
/// The demo's rates and restrictions, loaded once (also into demo data loaded before them).
const RATES_SEED_NAME: &str = "demo-rates-v1";
/// The demo hotels' clocks and cancellation terms, likewise.
const TERMS_SEED_NAME: &str = "demo-terms-v1";
/// The demo catalog's English names and descriptions, likewise.
const ENGLISH_SEED_NAME: &str = "demo-english-v1";
/// The demo hotels' descriptions and room types' sizes and beds, likewise.
const DETAILS_SEED_NAME: &str = "demo-details-v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded,
    AlreadyLoaded,
}

/// Loads the demo data in one transaction, unless it was loaded before; then the demo's rates
/// and restrictions, its hotels' clocks and cancellation terms, and its English names, likewise.
pub async fn load_demo_data(pool: &PgPool) -> Result<SeedOutcome, sqlx::Error> {
    let outcome = load_catalog(pool).await?;
    load_once(pool, RATES_SEED_NAME, DEMO_RATES).await?;
    load_once(pool, TERMS_SEED_NAME, DEMO_TERMS).await?;
    load_once(pool, ENGLISH_SEED_NAME, DEMO_ENGLISH).await?;
    load_once(pool, DETAILS_SEED_NAME, DEMO_DETAILS).await?;
    Ok(outcome)
}

/// Takes the marker row `name` in `tx`: false if it was taken before. A concurrent loader waits
/// on it, then sees it and stops.
async fn claim(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let claimed =
        sqlx::query("INSERT INTO seed_history (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    Ok(claimed == 1)
}

async fn load_catalog(pool: &PgPool) -> Result<SeedOutcome, sqlx::Error> {
    let mut tx = pool.begin().await?;
    if !claim(&mut tx, SEED_NAME).await? {
        tx.rollback().await?;
        return Ok(SeedOutcome::AlreadyLoaded);
    }
    for (statement, data) in [
        (INSERT_HOTELS, HOTELS),
        (INSERT_ROOMS, ROOMS),
        (INSERT_USERS, USERS),
        (INSERT_BOOKINGS, BOOKINGS),
    ] {
        sqlx::query(statement).bind(data).execute(&mut *tx).await?;
    }
    // New rows continue after the explicit ids.
    sqlx::raw_sql(RESET_SEQUENCES).execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!("loaded the demo data");
    Ok(SeedOutcome::Loaded)
}

/// Runs `statements` once per database: the first loader claims `name`, later ones skip.
async fn load_once(pool: &PgPool, name: &str, statements: &'static str) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    if !claim(&mut tx, name).await? {
        tx.rollback().await?;
        return Ok(());
    }
    sqlx::raw_sql(statements).execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!(name, "loaded demo data");
    Ok(())
}

/// The Altai hotels (1 to 3) keep Altai's time, UTC+7 (Barnaul's zone): their deadlines are on
/// their clock. Bridge Resort (hotel 6) cancels free until 3 days before check-in; Ару-Кёль's
/// suite (room 6) is non-refundable. The rest keep the default: free until check-in day, 14:00.
const DEMO_TERMS: &str = "
    UPDATE hotels SET time_zone = 'Asia/Barnaul' WHERE id IN (1, 2, 3);
    UPDATE rooms SET free_cancellation_days = 3 WHERE hotel_id = 6;
    UPDATE rooms SET free_cancellation_days = NULL WHERE id = 6;";

/// Rates and restrictions that show what the catalog can do, on dates relative to the day they
/// are loaded: Cosmos Collection (hotel 1) charges 20% more on Friday and Saturday nights and
/// takes Friday arrivals for two nights at least in its terrace room; Bridge Resort (hotel 6)
/// has a New Year season at a set price; Ару-Кёль's suite (room 6) is closed for three nights
/// two months ahead. Rooms of the demo's tests (hotels 2 to 5 otherwise) keep flat prices.
const DEMO_RATES: &str = "
    -- Weekend nights (Friday, Saturday) 20% dearer at Cosmos Collection, for two years.
    INSERT INTO rate_rules (room_id, date_from, date_to, weekdays, kind, value)
    SELECT id, current_date, current_date + 730, 48, 'percent', 20 FROM rooms WHERE hotel_id = 1;
    -- The New Year season at Bridge Resort: 12 000 roubles a night, 28 December to 8 January.
    INSERT INTO rate_rules (room_id, date_from, date_to, weekdays, kind, value)
    SELECT r.id, s.season, s.season + 12, NULL, 'price', 12000
    FROM rooms r,
         (SELECT make_date(extract(year FROM current_date + 25)::int, 12, 28) AS season) s
    WHERE r.hotel_id = 6;
    -- Friday arrivals stay two nights at least in Cosmos Collection's terrace room.
    INSERT INTO room_restrictions (room_id, date_from, date_to, min_stay)
    SELECT 1, d::date, d::date + 1, 2
    FROM generate_series(current_date, current_date + 365, interval '1 day') AS d
    WHERE extract(isodow FROM d) = 5 AND EXISTS (SELECT 1 FROM rooms WHERE id = 1);
    -- Ару-Кёль's suite is closed for three nights two months ahead (works, say).
    INSERT INTO room_restrictions (room_id, date_from, date_to, closed)
    SELECT id, current_date + 60, current_date + 63, true FROM rooms WHERE id = 6;";

/// What each demo hotel's page tells guests about it, in Russian and English, and each demo room
/// type's floor area and beds (from its name where it says). Only rows that still have the
/// demo's name and nothing said yet: a demo catalog edited since keeps its words.
const DEMO_DETAILS: &str = "
    UPDATE hotels SET description = d.description, description_en = d.description_en
    FROM (VALUES
        (1, 'Cosmos Collection Altay Resort',
            'Курортный отель в сосновом лесу у реки Катунь: бассейн, спа и прогулки по горным тропам.',
            'A resort in a pine forest by the Katun river: a pool, a spa and walks on mountain trails.'),
        (2, 'Skala',
            'Небольшая гостиница у скал Барангола, в пяти минутах от берега Катуни.',
            'A small hotel by the cliffs of Barangol, five minutes from the bank of the Katun.'),
        (3, 'Ару-Кёль',
            'Деревянные домики на берегу Телецкого озера, с причалом и видом на горы.',
            'Wooden houses on the shore of Lake Teletskoye, with a pier and a view of the mountains.'),
        (4, 'Гостиница Сыктывкар',
            'Городская гостиница в центре Сыктывкара, рядом с набережной и театрами.',
            'A city hotel in the centre of Syktyvkar, near the embankment and the theatres.'),
        (5, 'Palace',
            'Классический отель в центре города: завтраки, тренажёрный зал и тихие номера.',
            'A classic hotel in the city centre: breakfasts, a gym and quiet rooms.'),
        (6, 'Bridge Resort',
            'Курорт у моря в Сириусе, рядом с Олимпийским парком и набережной.',
            'A seaside resort in Sirius, near the Olympic Park and the promenade.'))
        AS d(id, name, description, description_en)
    WHERE hotels.id = d.id AND hotels.name = d.name AND hotels.description IS NULL;
    UPDATE rooms SET size_m2 = d.size_m2, double_beds = d.double_beds, single_beds = d.single_beds
    FROM (VALUES
        (1, 'Улучшенный с террасой и видом на озеро', 30, 1, 0),
        (2, 'Делюкс Плюс', 35, 1, 0),
        (3, 'Номер на 2-х человек', 20, 1, 0),
        (4, 'Номер на 3-х человек', 26, 1, 1),
        (5, 'Номер полулюкс семейный с 1 двуспальной кроватью', 40, 1, 0),
        (6, '2-комнатный номер люкс комфорт', 55, 1, 1),
        (7, 'Стандарт двухместный', 18, 0, 2),
        (8, 'Стандарт улучшенный ПЛЮС', 22, 1, 0),
        (9, 'Номер стандарт с 2 односпальными кроватями (с завтраком)', 20, 0, 2),
        (10, 'Номер полулюкс премиум (с завтраком)', 32, 1, 0),
        (11, 'Стандарт (типовой корпус)', 19, 1, 0))
        AS d(id, name, size_m2, double_beds, single_beds)
    WHERE rooms.id = d.id AND rooms.name = d.name AND rooms.size_m2 IS NULL
      AND rooms.double_beds = 0 AND rooms.single_beds = 0;";

/// English names of the demo hotels with a Russian name (those with a Latin one keep it), and
/// of every demo room type, with the descriptions the Russian rooms have. Only rows that still
/// have the demo's Russian name and no English one: a demo catalog edited since keeps its words.
const DEMO_ENGLISH: &str = "
    UPDATE hotels SET name_en = n.name_en
    FROM (VALUES (3, 'Ару-Кёль', 'Aru-Kol'), (4, 'Гостиница Сыктывкар', 'Hotel Syktyvkar'))
        AS n(id, name, name_en)
    WHERE hotels.id = n.id AND hotels.name = n.name AND hotels.name_en IS NULL;
    UPDATE rooms SET name_en = n.name_en, description_en = n.description_en
    FROM (VALUES
        (1, 'Улучшенный с террасой и видом на озеро', 'Superior room with terrace and lake view',
            'An incredibly beautiful room.'),
        (2, 'Делюкс Плюс', 'Deluxe Plus', 'The best room in the hotel.'),
        (3, 'Номер на 2-х человек', 'Double room', 'Indescribable beauty.'),
        (4, 'Номер на 3-х человек', 'Triple room', NULL),
        (5, 'Номер полулюкс семейный с 1 двуспальной кроватью',
            'Family junior suite with a double bed', NULL),
        (6, '2-комнатный номер люкс комфорт', 'Two-room comfort suite', NULL),
        (7, 'Стандарт двухместный', 'Standard double', NULL),
        (8, 'Стандарт улучшенный ПЛЮС', 'Superior standard PLUS', NULL),
        (9, 'Номер стандарт с 2 односпальными кроватями (с завтраком)',
            'Standard twin room (breakfast included)', NULL),
        (10, 'Номер полулюкс премиум (с завтраком)', 'Premium junior suite (breakfast included)',
            NULL),
        (11, 'Стандарт (типовой корпус)', 'Standard (main building)', NULL)
    ) AS n(id, name, name_en, description_en)
    WHERE rooms.id = n.id AND rooms.name = n.name AND rooms.name_en IS NULL;";

const INSERT_HOTELS: &str = "
    INSERT INTO hotels (id, name, location, services, rooms_quantity, image_id)
    SELECT e.idx::int, e.doc->>'name', e.doc->>'location',
           ARRAY(SELECT jsonb_array_elements_text(e.doc->'services')),
           (e.doc->>'rooms_quantity')::int, (e.doc->>'image_id')::int
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const INSERT_ROOMS: &str = "
    INSERT INTO rooms (id, hotel_id, name, description, price, services, quantity, image_id,
                       max_adults, max_children)
    SELECT e.idx::int, (e.doc->>'hotel_id')::int, e.doc->>'name', e.doc->>'description',
           (e.doc->>'price')::int,
           ARRAY(SELECT jsonb_array_elements_text(e.doc->'services')),
           (e.doc->>'quantity')::int, (e.doc->>'image_id')::int,
           coalesce((e.doc->>'max_adults')::smallint, 2),
           coalesce((e.doc->>'max_children')::smallint, 1)
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const INSERT_USERS: &str = "
    INSERT INTO users (id, email, hashed_password)
    SELECT e.idx::int, lower(btrim(e.doc->>'email')), e.doc->>'hashed_password'
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const INSERT_BOOKINGS: &str = "
    INSERT INTO bookings (id, room_id, user_id, date_from, date_to, price)
    SELECT e.idx::int, (e.doc->>'room_id')::int, (e.doc->>'user_id')::int,
           (e.doc->>'date_from')::date, (e.doc->>'date_to')::date, (e.doc->>'price')::int
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, idx)
    ON CONFLICT DO NOTHING";

const RESET_SEQUENCES: &str = "
    SELECT setval(pg_get_serial_sequence('hotels', 'id'), coalesce(max(id), 0) + 1, false) FROM hotels;
    SELECT setval(pg_get_serial_sequence('rooms', 'id'), coalesce(max(id), 0) + 1, false) FROM rooms;
    SELECT setval(pg_get_serial_sequence('users', 'id'), coalesce(max(id), 0) + 1, false) FROM users;
    SELECT setval(pg_get_serial_sequence('bookings', 'id'), coalesce(max(id), 0) + 1, false) FROM bookings;";

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::picture::{PICTURE_WIDTHS, demo_file_name, picture_height};
    use image::{ImageFormat, ImageReader};

    fn image_ids(json: &str) -> Vec<i64> {
        let docs: Vec<serde_json::Value> = serde_json::from_str(json).expect("seed json");
        docs.iter()
            .map(|doc| {
                doc["image_id"]
                    .as_i64()
                    .expect("every demo entry names a picture")
            })
            .collect()
    }

    /// Pages show a demo picture only when every size exists (`Media::scan`): a missing or
    /// mislabelled file would leave a demo hotel with the grey placeholder.
    #[test]
    fn every_demo_hotel_and_room_type_has_a_webp_picture_in_every_size() {
        let images = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/images");
        let ids: Vec<i64> = [image_ids(HOTELS), image_ids(ROOMS)].concat();
        assert_eq!(ids.len(), 17);
        for id in ids {
            for &width in &PICTURE_WIDTHS {
                let path = images.join(demo_file_name(id as i32, width));
                let reader = ImageReader::open(&path)
                    .and_then(|reader| reader.with_guessed_format())
                    .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
                assert_eq!(
                    reader.format(),
                    Some(ImageFormat::WebP),
                    "{}",
                    path.display()
                );
                let size = reader.into_dimensions().expect("readable");
                assert_eq!(size, (width, picture_height(width)), "{}", path.display());
            }
        }
    }
}
