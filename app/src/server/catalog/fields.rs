//! The rules of a hotel's and a room type's fields, one definition for every writer of the
//! catalog: the back office's forms and the CSV import parse their text through these.
use chrono::NaiveTime;

use crate::model::catalog_edit::{
    CatalogField, CatalogFieldError, FieldProblem, HotelDraft, MAX_SERVICE_CHARS, MAX_SERVICES,
    MAX_TEXT, RoomDraft,
};
use crate::model::{Money, Occupancy, RoomLayout};

fn problem(field: CatalogField, problem: FieldProblem) -> CatalogFieldError {
    CatalogFieldError { field, problem }
}

/// A text, trimmed; `None` when empty. Only a description may span lines.
pub fn optional_text(field: CatalogField, raw: &str) -> Result<Option<String>, CatalogFieldError> {
    let value = raw.trim();
    if value.chars().count() > MAX_TEXT {
        return Err(problem(field, FieldProblem::TooLong));
    }
    // PostgreSQL stores no NUL; other control characters are garbage in a page.
    let lines = matches!(
        field,
        CatalogField::Description | CatalogField::DescriptionEn
    );
    let allowed = |c: char| lines && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(problem(field, FieldProblem::ControlCharacters));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// A text that must be there: a name or a location.
pub fn text(field: CatalogField, raw: &str) -> Result<String, CatalogFieldError> {
    optional_text(field, raw)?.ok_or(problem(field, FieldProblem::Missing))
}

/// A whole number within the field's bounds.
pub fn number(field: CatalogField, raw: &str) -> Result<i32, CatalogFieldError> {
    let (min, max) = field.bounds();
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|value| (min..=max).contains(value))
        .ok_or(problem(field, FieldProblem::OutOfRange))
}

/// A whole number within the field's bounds, or `None` for an empty one.
pub fn optional_number(field: CatalogField, raw: &str) -> Result<Option<i32>, CatalogFieldError> {
    match raw.trim() {
        "" => Ok(None),
        raw => number(field, raw).map(Some),
    }
}

/// A time of day as `HH:MM` (or `HH:MM:SS`, as some browsers send it).
pub fn time(field: CatalogField, raw: &str) -> Result<NaiveTime, CatalogFieldError> {
    let raw = raw.trim();
    NaiveTime::parse_from_str(raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M:%S"))
        .map_err(|_| problem(field, FieldProblem::NotATime))
}

/// Services as a list in one of the spellings files and forms use: `Wi-Fi, Парковка` (commas or
/// lines), a JSON list, or the original's Python list `['Wi-Fi', 'Парковка']`.
pub fn services(raw: &str) -> Result<Vec<String>, CatalogFieldError> {
    let field = CatalogField::Services;
    let raw = raw.trim();
    let items = if raw.starts_with('[') {
        serde_json::from_str::<Vec<String>>(raw)
            .ok()
            .or_else(|| quoted_list(raw))
            .ok_or(problem(field, FieldProblem::NotAList))?
    } else {
        raw.split([',', '\n']).map(str::to_owned).collect()
    };
    let services: Vec<String> = items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect();
    if services.len() > MAX_SERVICES {
        return Err(problem(field, FieldProblem::TooManyServices));
    }
    if services
        .iter()
        .any(|service| service.chars().count() > MAX_SERVICE_CHARS)
    {
        return Err(problem(field, FieldProblem::ServiceTooLong));
    }
    if services
        .iter()
        .any(|service| service.chars().any(char::is_control))
    {
        return Err(problem(field, FieldProblem::ControlCharacters));
    }
    Ok(services)
}

/// `['a', "b", ...]`: items in single or double quotes, `\` escaping the next character.
fn quoted_list(raw: &str) -> Option<Vec<String>> {
    let inner = raw.strip_prefix('[')?.strip_suffix(']')?;
    let mut chars = inner.chars().peekable();
    let mut items = Vec::new();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(quote) = chars.next() else {
            return Some(items);
        };
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => item.push(chars.next()?),
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => return Some(items),
            Some(',') => {}
            Some(_) => return None,
        }
    }
}

/// A hotel form as sent: every field as typed.
#[derive(Debug, Clone, Default)]
pub struct HotelForm<'a> {
    pub name: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
    pub description_en: &'a str,
    pub location: &'a str,
    pub services: &'a str,
    pub time_zone: &'a str,
    pub check_in_time: &'a str,
    pub check_out_time: &'a str,
}

impl HotelForm<'_> {
    /// The draft, or the first field that is wrong. The time zone is only checked for its
    /// shape here; whether PostgreSQL knows it is the editor's to ask.
    pub fn parse(&self) -> Result<HotelDraft, CatalogFieldError> {
        let time_zone = text(CatalogField::TimeZone, self.time_zone)?;
        let zone_shape = time_zone.len() <= 64
            && time_zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
        if !zone_shape {
            return Err(problem(
                CatalogField::TimeZone,
                FieldProblem::UnknownTimeZone,
            ));
        }
        Ok(HotelDraft {
            name: text(CatalogField::Name, self.name)?,
            name_en: optional_text(CatalogField::NameEn, self.name_en)?,
            description: optional_text(CatalogField::Description, self.description)?,
            description_en: optional_text(CatalogField::DescriptionEn, self.description_en)?,
            location: text(CatalogField::Location, self.location)?,
            services: services(self.services)?,
            time_zone,
            check_in_time: time(CatalogField::CheckInTime, self.check_in_time)?,
            check_out_time: time(CatalogField::CheckOutTime, self.check_out_time)?,
        })
    }
}

/// A room type form as sent.
#[derive(Debug, Clone, Default)]
pub struct RoomForm<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub name_en: &'a str,
    pub description_en: &'a str,
    pub price: &'a str,
    pub services: &'a str,
    pub quantity: &'a str,
    pub max_adults: &'a str,
    pub max_children: &'a str,
    /// Empty: non-refundable.
    pub free_cancellation_days: &'a str,
    /// Square metres; empty: not said.
    pub size_m2: &'a str,
    /// Empty: none.
    pub double_beds: &'a str,
    pub single_beds: &'a str,
}

impl RoomForm<'_> {
    pub fn parse(&self) -> Result<RoomDraft, CatalogFieldError> {
        let guests = |field: CatalogField, raw: &str| {
            number(field, raw).map(|n| u8::try_from(n).unwrap_or(u8::MAX))
        };
        let days = optional_number(
            CatalogField::FreeCancellationDays,
            self.free_cancellation_days,
        )?
        .map(|days| days as i16);
        let beds = |field: CatalogField, raw: &str| {
            optional_number(field, raw).map(|n| n.map_or(0, |n| n as u8))
        };
        let layout = RoomLayout {
            size_m2: optional_number(CatalogField::SizeM2, self.size_m2)?.map(|n| n as u16),
            double_beds: beds(CatalogField::DoubleBeds, self.double_beds)?,
            single_beds: beds(CatalogField::SingleBeds, self.single_beds)?,
        };
        Ok(RoomDraft {
            name: text(CatalogField::Name, self.name)?,
            description: optional_text(CatalogField::Description, self.description)?,
            name_en: optional_text(CatalogField::NameEn, self.name_en)?,
            description_en: optional_text(CatalogField::DescriptionEn, self.description_en)?,
            price: Money::from_roubles(i64::from(number(CatalogField::Price, self.price)?)),
            services: services(self.services)?,
            quantity: number(CatalogField::Quantity, self.quantity)?,
            occupancy: Occupancy {
                max_adults: guests(CatalogField::MaxAdults, self.max_adults)?,
                max_children: guests(CatalogField::MaxChildren, self.max_children)?,
            },
            layout,
            free_cancellation_days: days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hotel_form() -> HotelForm<'static> {
        HotelForm {
            name: " Скала ",
            name_en: "",
            description: " У озера.\nТихо. ",
            description_en: "  ",
            location: "Алтай, Барангол",
            services: "Wi-Fi, Парковка",
            time_zone: "Asia/Barnaul",
            check_in_time: "14:00",
            check_out_time: "12:00:00",
        }
    }

    #[test]
    fn services_come_as_lists_in_several_spellings() {
        assert_eq!(services("").unwrap(), Vec::<String>::new());
        assert_eq!(services("[]").unwrap(), Vec::<String>::new());
        assert_eq!(
            services(r#"['Wi-Fi', "Бар, ресторан", 'It\'s']"#).unwrap(),
            ["Wi-Fi", "Бар, ресторан", "It's"]
        );
        assert_eq!(
            services(r#"["Wi-Fi","Парковка"]"#).unwrap(),
            ["Wi-Fi", "Парковка"]
        );
        assert_eq!(
            services("Wi-Fi\nПарковка, Бассейн").unwrap(),
            ["Wi-Fi", "Парковка", "Бассейн"]
        );
        let problem_of = |raw: &str| services(raw).unwrap_err().problem;
        assert_eq!(problem_of("['unclosed"), FieldProblem::NotAList);
        assert_eq!(problem_of("[1, 2]"), FieldProblem::NotAList);
        assert_eq!(problem_of(&"a,".repeat(51)), FieldProblem::TooManyServices);
        assert_eq!(problem_of(&"a".repeat(101)), FieldProblem::ServiceTooLong);
        assert_eq!(problem_of("Wi-Fi\u{0}"), FieldProblem::ControlCharacters);
    }

    #[test]
    fn a_hotel_form_parses_into_a_draft() {
        let draft = hotel_form().parse().unwrap();
        assert_eq!(draft.name, "Скала");
        assert_eq!(
            draft.name_en, None,
            "empty: the Russian name in English too"
        );
        assert_eq!(draft.services, ["Wi-Fi", "Парковка"]);
        assert_eq!(draft.check_out_time.to_string(), "12:00:00");
        assert_eq!(
            draft.description.as_deref(),
            Some("У озера.\nТихо."),
            "a description keeps its lines"
        );
        assert_eq!(draft.description_en, None, "blank: none");
        fn wrong(form: HotelForm<'_>) -> (CatalogField, FieldProblem) {
            let error = form.parse().unwrap_err();
            (error.field, error.problem)
        }
        assert_eq!(
            wrong(HotelForm {
                name: "  ",
                ..hotel_form()
            }),
            (CatalogField::Name, FieldProblem::Missing)
        );
        assert_eq!(
            wrong(HotelForm {
                check_in_time: "2pm",
                ..hotel_form()
            }),
            (CatalogField::CheckInTime, FieldProblem::NotATime)
        );
        assert_eq!(
            wrong(HotelForm {
                time_zone: "Europe/Moscow; DROP",
                ..hotel_form()
            }),
            (CatalogField::TimeZone, FieldProblem::UnknownTimeZone)
        );
        let long = "я".repeat(MAX_TEXT + 1);
        assert_eq!(
            wrong(HotelForm {
                location: &long,
                ..hotel_form()
            }),
            (CatalogField::Location, FieldProblem::TooLong)
        );
    }

    #[test]
    fn a_room_form_keeps_numbers_in_their_bounds() {
        let form = RoomForm {
            name: "Стандарт",
            description: "Две кровати\nВид на горы",
            name_en: " Standard ",
            description_en: "Two beds\nMountain view",
            price: "4350",
            services: "",
            quantity: "12",
            max_adults: "2",
            max_children: "1",
            free_cancellation_days: "",
            size_m2: " 24 ",
            double_beds: "1",
            single_beds: "",
        };
        let draft = form.parse().unwrap();
        assert_eq!(
            draft.layout,
            RoomLayout {
                size_m2: Some(24),
                double_beds: 1,
                single_beds: 0
            },
            "empty beds: none"
        );
        assert_eq!(draft.price, Money::from_roubles(4350));
        assert_eq!(draft.free_cancellation_days, None, "empty: non-refundable");
        assert_eq!(draft.name_en.as_deref(), Some("Standard"));
        assert_eq!(
            draft.description_en.as_deref(),
            Some("Two beds\nMountain view")
        );
        assert_eq!(
            draft.description.as_deref(),
            Some("Две кровати\nВид на горы")
        );
        let field_of = |form: RoomForm| form.parse().unwrap_err().field;
        assert_eq!(
            field_of(RoomForm {
                max_adults: "0",
                ..form.clone()
            }),
            CatalogField::MaxAdults
        );
        assert_eq!(
            field_of(RoomForm {
                price: "-1",
                ..form.clone()
            }),
            CatalogField::Price
        );
        assert_eq!(
            field_of(RoomForm {
                free_cancellation_days: "366",
                ..form.clone()
            }),
            CatalogField::FreeCancellationDays
        );
        assert_eq!(
            field_of(RoomForm {
                size_m2: "4",
                ..form.clone()
            }),
            CatalogField::SizeM2
        );
        assert_eq!(
            field_of(RoomForm {
                single_beds: "21",
                ..form.clone()
            }),
            CatalogField::SingleBeds
        );
        assert_eq!(
            field_of(RoomForm {
                name: "Люкс\u{7}",
                ..form
            }),
            CatalogField::Name
        );
    }
}
