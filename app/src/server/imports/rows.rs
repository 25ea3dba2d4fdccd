//! Reading an import file: `;`-separated CSV with a header row, UTF-8 (a BOM is allowed), one
//! hotel, room type or booking per row. Every row is parsed into a typed record; problems are
//! reported with the line they are on (the header is line 1), never silently skipped.
use chrono::NaiveDate;

use super::problems::RowError;
use crate::model::catalog_edit::{CatalogField, CatalogFieldError};
use crate::model::{BookingWindow, StayDates, StayError, parse_iso_date};
use crate::server::catalog::fields;

/// Past this many problems the rest of the file is not reported: the file needs fixing anyway.
pub const MAX_REPORTED: usize = 100;

/// A record and the line of the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbered<T> {
    pub line: u64,
    pub record: T,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewHotel {
    pub name: String,
    pub location: String,
    pub services: Vec<String>,
    pub rooms_quantity: i32,
    pub image_id: Option<i32>,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRoom {
    pub hotel_id: i32,
    pub name: String,
    pub description: Option<String>,
    pub price: i32,
    pub services: Vec<String>,
    pub quantity: i32,
    pub image_id: Option<i32>,
    pub name_en: Option<String>,
    pub description_en: Option<String>,
    pub size_m2: Option<i32>,
    pub double_beds: i32,
    pub single_beds: i32,
}

/// A booking to import. Past stays are allowed (it is history); the other date rules hold.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBooking {
    pub room_id: i32,
    pub user_id: i32,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    /// The price a night; the room type's current price when the column is empty or absent.
    pub price: Option<i32>,
}

/// A record type an import file can hold: its columns and how one row becomes a record.
pub trait Record: Sized {
    /// `(name, required)`, in the order the original's files had them.
    const COLUMNS: &'static [(&'static str, bool)];
    fn from_row(row: &Row<'_>) -> Result<Self, RowError>;
}

impl Record for NewHotel {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("name", true),
        ("location", true),
        ("services", false),
        ("rooms_quantity", true),
        ("image_id", false),
        ("name_en", false),
        ("description", false),
        ("description_en", false),
    ];

    fn from_row(row: &Row<'_>) -> Result<Self, RowError> {
        Ok(NewHotel {
            name: row.text(CatalogField::Name)?,
            location: row.text(CatalogField::Location)?,
            services: row.services()?,
            rooms_quantity: row.number(CatalogField::RoomsQuantity)?,
            image_id: row.optional_id("image_id")?,
            name_en: row.optional_text(CatalogField::NameEn)?,
            description: row.optional_text(CatalogField::Description)?,
            description_en: row.optional_text(CatalogField::DescriptionEn)?,
        })
    }
}

impl Record for NewRoom {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("hotel_id", true),
        ("name", true),
        ("description", false),
        ("price", true),
        ("services", false),
        ("quantity", true),
        ("image_id", false),
        ("name_en", false),
        ("description_en", false),
        ("size_m2", false),
        ("double_beds", false),
        ("single_beds", false),
    ];

    fn from_row(row: &Row<'_>) -> Result<Self, RowError> {
        Ok(NewRoom {
            hotel_id: row.id("hotel_id")?,
            name: row.text(CatalogField::Name)?,
            description: row.optional_text(CatalogField::Description)?,
            price: row.number(CatalogField::Price)?,
            services: row.services()?,
            quantity: row.number(CatalogField::Quantity)?,
            image_id: row.optional_id("image_id")?,
            name_en: row.optional_text(CatalogField::NameEn)?,
            description_en: row.optional_text(CatalogField::DescriptionEn)?,
            size_m2: row.optional_number(CatalogField::SizeM2)?,
            double_beds: row.optional_number(CatalogField::DoubleBeds)?.unwrap_or(0),
            single_beds: row.optional_number(CatalogField::SingleBeds)?.unwrap_or(0),
        })
    }
}

impl Record for NewBooking {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("room_id", true),
        ("user_id", true),
        ("date_from", true),
        ("date_to", true),
        ("price", false),
    ];

    fn from_row(row: &Row<'_>) -> Result<Self, RowError> {
        let room_id = row.id("room_id")?;
        let user_id = row.id("user_id")?;
        let date_from = row.date("date_from")?;
        let date_to = row.date("date_to")?;
        // The stay rules of the whole app, but any dates: history may be imported.
        StayDates::new(date_from, date_to, BookingWindow::UNBOUNDED).map_err(|error| {
            let message = match error {
                StayError::TooLong => format!("a stay is at most {} nights", StayDates::MAX_NIGHTS),
                _ => "date_to must be after date_from".to_owned(),
            };
            row.problem("date_to", message)
        })?;
        let price = if row.raw("price").is_empty() {
            None
        } else {
            Some(row.number(CatalogField::Price)?)
        };
        Ok(NewBooking {
            room_id,
            user_id,
            date_from,
            date_to,
            price,
        })
    }
}

/// The columns of the header, by position.
struct Header {
    names: Vec<&'static str>,
}

/// One data row, its fields looked up by column name.
pub struct Row<'a> {
    line: u64,
    header: &'a Header,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The field of column `name`, trimmed; empty when the file has no such (optional) column.
    fn raw(&self, name: &'static str) -> &str {
        self.header
            .names
            .iter()
            .position(|column| *column == name)
            .and_then(|index| self.record.get(index))
            .map_or("", str::trim)
    }

    fn problem(&self, column: &'static str, message: impl Into<String>) -> RowError {
        RowError {
            line: self.line,
            column: Some(column),
            message: message.into(),
            input: Some(self.raw(column).to_owned()),
        }
    }

    /// The import's shape of a field's problem: its column, message and input.
    fn field_problem(&self, error: CatalogFieldError) -> RowError {
        self.problem(error.field.name(), error.message())
    }

    /// A one-line text: a name or a location.
    fn text(&self, field: CatalogField) -> Result<String, RowError> {
        fields::text(field, self.raw(field.name())).map_err(|error| self.field_problem(error))
    }

    /// A text that may be empty and span lines: a description.
    fn optional_text(&self, field: CatalogField) -> Result<Option<String>, RowError> {
        fields::optional_text(field, self.raw(field.name()))
            .map_err(|error| self.field_problem(error))
    }

    fn number(&self, field: CatalogField) -> Result<i32, RowError> {
        fields::number(field, self.raw(field.name())).map_err(|error| self.field_problem(error))
    }

    fn optional_number(&self, field: CatalogField) -> Result<Option<i32>, RowError> {
        fields::optional_number(field, self.raw(field.name()))
            .map_err(|error| self.field_problem(error))
    }

    fn id(&self, name: &'static str) -> Result<i32, RowError> {
        crate::model::parse_id(self.raw(name))
            .ok_or_else(|| self.problem(name, "expected an id, a positive whole number"))
    }

    fn optional_id(&self, name: &'static str) -> Result<Option<i32>, RowError> {
        if self.raw(name).is_empty() {
            return Ok(None);
        }
        self.id(name).map(Some)
    }

    fn date(&self, name: &'static str) -> Result<NaiveDate, RowError> {
        parse_iso_date(self.raw(name))
            .ok_or_else(|| self.problem(name, "expected a date as YYYY-MM-DD"))
    }

    fn services(&self) -> Result<Vec<String>, RowError> {
        fields::services(self.raw("services")).map_err(|error| self.field_problem(error))
    }
}

/// Parses a whole file into records, or reports every problem found (up to [`MAX_REPORTED`]).
pub fn parse<T: Record>(file: &[u8]) -> Result<Vec<Numbered<T>>, Vec<RowError>> {
    let text = decode(file)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(first)) => parse_header::<T>(&first)?,
        Some(Err(error)) => return Err(vec![csv_problem(&error)]),
        None => {
            return Err(vec![file_problem(
                1,
                "the file is empty: expected a header row",
            )]);
        }
    };
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for record in records {
        if problems.len() >= MAX_REPORTED {
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(csv_problem(&error));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != header.names.len() {
            problems.push(file_problem(
                line,
                format!(
                    "expected {} fields separated by ';', found {}",
                    header.names.len(),
                    record.len()
                ),
            ));
            continue;
        }
        let row = Row {
            line,
            header: &header,
            record: &record,
        };
        match T::from_row(&row) {
            Ok(value) => parsed.push(Numbered {
                line,
                record: value,
            }),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if parsed.is_empty() {
        return Err(vec![file_problem(2, "the file has a header but no rows")]);
    }
    Ok(parsed)
}

/// The file as text: UTF-8, with an optional byte-order mark (spreadsheets write one).
fn decode(file: &[u8]) -> Result<&str, Vec<RowError>> {
    let file = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file);
    std::str::from_utf8(file).map_err(|error| {
        let valid = &file[..error.valid_up_to()];
        let line = 1 + valid.iter().filter(|byte| **byte == b'\n').count() as u64;
        vec![file_problem(line, "not UTF-8 text")]
    })
}

fn parse_header<T: Record>(record: &csv::StringRecord) -> Result<Header, Vec<RowError>> {
    let mut names = Vec::with_capacity(record.len());
    let mut problems = Vec::new();
    for raw in record {
        let raw = raw.trim();
        let known = T::COLUMNS
            .iter()
            .map(|(name, _)| *name)
            .find(|name| name.eq_ignore_ascii_case(raw));
        match known {
            Some(name) if names.contains(&name) => {
                problems.push(file_problem(1, format!("column {name} appears twice")));
            }
            Some(name) => names.push(name),
            None => problems.push(file_problem(1, unknown_column::<T>(raw, record.len()))),
        }
    }
    // Missing columns only matter once the header's names are all understood.
    if problems.is_empty() {
        for (name, required) in T::COLUMNS {
            if *required && !names.contains(name) {
                problems.push(file_problem(1, format!("the column {name} is missing")));
            }
        }
    }
    if problems.is_empty() {
        Ok(Header { names })
    } else {
        Err(problems)
    }
}

fn unknown_column<T: Record>(raw: &str, columns: usize) -> String {
    let expected: Vec<&str> = T::COLUMNS.iter().map(|(name, _)| *name).collect();
    let expected = expected.join(";");
    if raw.eq_ignore_ascii_case("id") {
        format!("leave out the id column: the database gives ids (columns: {expected})")
    } else if columns == 1 && (raw.contains(',') || raw.contains('\t')) {
        format!("columns must be separated by ';' (columns: {expected})")
    } else {
        format!("unknown column {raw:?} (columns: {expected})")
    }
}

fn file_problem(line: u64, message: impl Into<String>) -> RowError {
    RowError {
        line,
        column: None,
        message: message.into(),
        input: None,
    }
}

fn csv_problem(error: &csv::Error) -> RowError {
    let line = error.position().map_or(0, csv::Position::line);
    file_problem(line, format!("not readable as CSV: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hotels(file: &str) -> Result<Vec<Numbered<NewHotel>>, Vec<RowError>> {
        parse::<NewHotel>(file.as_bytes())
    }

    fn first_problem<T: std::fmt::Debug>(result: Result<T, Vec<RowError>>) -> RowError {
        result.expect_err("a problem").remove(0)
    }

    #[test]
    fn reads_the_originals_hotel_file() {
        let file = "name;location;services;rooms_quantity;image_id\n\
                    Skala;Алтай, Барангол;\"['Wi-Fi', 'Парковка']\";23;2\n\
                    Ая;Алтай;\"[\"\"Бассейн\"\"]\";5;\n";
        let rows = hotels(file).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(
            rows[0].record,
            NewHotel {
                name: "Skala".into(),
                location: "Алтай, Барангол".into(),
                services: vec!["Wi-Fi".into(), "Парковка".into()],
                rooms_quantity: 23,
                image_id: Some(2),
                name_en: None,
                description: None,
                description_en: None,
            }
        );
        assert_eq!(rows[1].record.services, ["Бассейн"]);
        assert_eq!(rows[1].record.image_id, None);
    }

    #[test]
    fn columns_may_come_in_any_order_and_optional_ones_may_be_absent() {
        let rows = hotels("\u{feff}Rooms_Quantity;location;name\n3;Сочи;Море\n").unwrap();
        assert_eq!(rows[0].record.name, "Море");
        assert_eq!(rows[0].record.rooms_quantity, 3);
        assert!(rows[0].record.services.is_empty());
        assert_eq!(rows[0].record.name_en, None);
    }

    #[test]
    fn english_names_and_descriptions_are_optional_columns() {
        let file = "hotel_id;name;price;quantity;name_en;description_en\n\
                    1;Люкс;24500;5; Suite ;Two rooms\n\
                    1;Стандарт;4500;5;;\n";
        let rows = parse::<NewRoom>(file.as_bytes()).unwrap();
        assert_eq!(rows[0].record.name_en.as_deref(), Some("Suite"));
        assert_eq!(rows[0].record.description_en.as_deref(), Some("Two rooms"));
        assert_eq!(rows[0].record.size_m2, None, "absent: not said");
        assert_eq!(rows[0].record.double_beds, 0);
        assert_eq!(rows[1].record.name_en, None);
        let hotels = hotels(
            "name;location;rooms_quantity;name_en;description;description_en\n\
             Скала;Алтай;3;Rock;У озера; By the lake \n",
        )
        .unwrap();
        assert_eq!(hotels[0].record.name_en.as_deref(), Some("Rock"));
        assert_eq!(hotels[0].record.description.as_deref(), Some("У озера"));
        assert_eq!(
            hotels[0].record.description_en.as_deref(),
            Some("By the lake")
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_column() {
        let file = "name;location;rooms_quantity\n\
                    Good;Сочи;3\n\
                    ;Сочи;3\n\
                    Bad;Сочи;many\n\
                    Short;Сочи\n";
        let problems = hotels(file).unwrap_err();
        let found: Vec<(u64, Option<&str>)> = problems
            .iter()
            .map(|problem| (problem.line, problem.column))
            .collect();
        assert_eq!(
            found,
            [(3, Some("name")), (4, Some("rooms_quantity")), (5, None)]
        );
        assert_eq!(problems[1].input.as_deref(), Some("many"));
        let problem = first_problem(hotels("name;location;rooms_quantity\nA\u{0};B;1\n"));
        assert_eq!(problem.column, Some("name"), "PostgreSQL stores no NUL");
    }

    #[test]
    fn a_quoted_field_spanning_lines_keeps_later_line_numbers_right() {
        let file = "hotel_id;name;description;price;quantity\n\
                    1;Люкс;\"Two\nlines\";100;1\n\
                    1;Люкс;;-1;1\n";
        assert_eq!(first_problem(parse::<NewRoom>(file.as_bytes())).line, 4);
        let file = "name;location;rooms_quantity\n\"Two\nlines\";Сочи;3\n";
        assert_eq!(
            first_problem(hotels(file)).column,
            Some("name"),
            "names are one line"
        );
    }

    #[test]
    fn header_problems_name_the_columns() {
        let problem = first_problem(hotels("name,location,rooms_quantity\nA,B,1\n"));
        assert_eq!(problem.line, 1);
        assert!(problem.message.contains("';'"), "{}", problem.message);
        let problem = first_problem(hotels("id;name;location;rooms_quantity\n1;A;B;1\n"));
        assert!(problem.message.contains("id column"), "{}", problem.message);
        let problems = hotels("name\nA\n").unwrap_err();
        assert_eq!(problems.len(), 2, "every missing column: {problems:?}");
        assert!(problems[1].message.contains("rooms_quantity"));
        let problem = first_problem(hotels("name;name;location;rooms_quantity\n"));
        assert!(problem.message.contains("twice"));
        assert!(first_problem(hotels("")).message.contains("empty"));
        assert!(
            first_problem(hotels("name;location;rooms_quantity\n"))
                .message
                .contains("no rows")
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_line() {
        let mut file = b"name;location;rooms_quantity\nA;B;1\n".to_vec();
        file.extend_from_slice(b"\xff;B;1\n");
        let problem = first_problem(parse::<NewHotel>(&file));
        assert_eq!(
            (problem.line, problem.message.as_str()),
            (3, "not UTF-8 text")
        );
    }

    #[test]
    fn rooms_need_a_hotel_id_and_a_price() {
        let file = "hotel_id;name;description;price;services;quantity;image_id\n\
                    1;Люкс;;24500;Wi-Fi, Кондиционер;5;7\n\
                    0;Люкс;;24500;;5;\n\
                    1;Люкс;;-5;;5;\n";
        let problems = parse::<NewRoom>(file.as_bytes()).unwrap_err();
        assert_eq!(problems[0].column, Some("hotel_id"));
        assert_eq!((problems[1].line, problems[1].column), (4, Some("price")));
        let rows = parse::<NewRoom>(
            file.lines()
                .take(2)
                .collect::<Vec<_>>()
                .join("\n")
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows[0].record.description, None);
        assert_eq!(rows[0].record.services, ["Wi-Fi", "Кондиционер"]);
    }

    #[test]
    fn bookings_follow_the_stay_rules_but_may_be_past() {
        let parse_one = |dates: &str| {
            parse::<NewBooking>(
                format!("room_id;user_id;date_from;date_to\n1;2;{dates}\n").as_bytes(),
            )
        };
        let booking = parse_one("2023-06-15;2023-06-30").unwrap().remove(0).record;
        assert_eq!(booking.price, None);
        assert_eq!(booking.date_from.to_string(), "2023-06-15");
        let problem = first_problem(parse_one("2023-06-15;2023-06-15"));
        assert_eq!(problem.column, Some("date_to"));
        assert!(
            first_problem(parse_one("2023-06-01;2023-08-01"))
                .message
                .contains("30")
        );
        assert_eq!(
            first_problem(parse_one("15.06.2023;2023-06-30")).column,
            Some("date_from")
        );
    }
}
