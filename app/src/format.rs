//! Money and dates as the reader's language writes them, one home for pages, emails and the
//! back office: Russian `4 350 ₽` and `05.12.2026`, English `₽4,350` and `5 Dec 2026`.
use chrono::NaiveDate;

use crate::i18n::Locale;
use crate::model::Money;

/// An amount of roubles: `24 500 ₽` / `₽24,500` (kopecks only when there are any:
/// `99,50 ₽` / `₽99.50`).
pub fn money(amount: Money, locale: Locale) -> String {
    let kopecks = amount.kopecks();
    let sign = if kopecks < 0 { "-" } else { "" };
    let (roubles, rest) = (kopecks.unsigned_abs() / 100, kopecks.unsigned_abs() % 100);
    let (group, decimal) = match locale {
        Locale::ru => ('\u{202f}', ','),
        Locale::en => (',', '.'),
    };
    let digits = roubles.to_string();
    let mut number = String::with_capacity(digits.len() + 8);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            number.push(group);
        }
        number.push(digit);
    }
    if rest > 0 {
        number.push(decimal);
        number.push_str(&format!("{rest:02}"));
    }
    match locale {
        Locale::ru => format!("{sign}{number}\u{a0}₽"),
        Locale::en => format!("{sign}₽{number}"),
    }
}

/// A calendar day: `05.12.2026` / `5 Dec 2026` (never the ambiguous `12/05/2026`).
pub fn date(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::ru => day.format("%d.%m.%Y").to_string(),
        Locale::en => day.format("%-d %b %Y").to_string(),
    }
}

/// A time of day, on a 24-hour clock in both languages: `14:00`.
pub fn time_of_day(at: chrono::NaiveTime) -> String {
    at.format("%H:%M").to_string()
}

/// A day and a time of day: `05.12.2026, 14:00` / `5 Dec 2026, 14:00`.
pub fn date_time(at: chrono::NaiveDateTime, locale: Locale) -> String {
    format!("{}, {}", date(at.date(), locale), time_of_day(at.time()))
}

/// A moment in UTC, for the back office's logs: `05.12.2026, 14:00 UTC`.
pub fn utc(at: chrono::DateTime<chrono::Utc>, locale: Locale) -> String {
    format!("{} UTC", date_time(at.naive_utc(), locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_follows_the_language() {
        let cases = [
            (
                Money::from_roubles(24500),
                "24\u{202f}500\u{a0}₽",
                "₽24,500",
            ),
            (Money::from_roubles(999), "999\u{a0}₽", "₽999"),
            (
                Money::from_roubles(1_234_567),
                "1\u{202f}234\u{202f}567\u{a0}₽",
                "₽1,234,567",
            ),
            (Money::from_kopecks(9950), "99,50\u{a0}₽", "₽99.50"),
            (Money::from_roubles(-300), "-300\u{a0}₽", "-₽300"),
            (Money::ZERO, "0\u{a0}₽", "₽0"),
        ];
        for (amount, ru, en) in cases {
            assert_eq!(money(amount, Locale::ru), ru);
            assert_eq!(money(amount, Locale::en), en);
            assert_eq!(
                amount.format(),
                ru,
                "the API's and logs' form is the Russian one"
            );
        }
    }

    #[test]
    fn dates_follow_the_language() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(date(day, Locale::ru), "05.12.2026");
        assert_eq!(date(day, Locale::en), "5 Dec 2026");
        let at = day.and_hms_opt(14, 0, 0).unwrap();
        assert_eq!(date_time(at, Locale::en), "5 Dec 2026, 14:00");
        assert_eq!(utc(at.and_utc(), Locale::ru), "05.12.2026, 14:00 UTC");
    }
}
