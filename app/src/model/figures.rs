//! A hotel's figures by month: how full it was and what a room earned. The definitions (one
//! home, used by the page, its chart and the tests):
//! - room-nights available: the rooms of its room types on sale, times the month's days;
//! - room-nights sold: nights of the month held by live bookings (a no-show's nights count:
//!   they were sold and charged; cancelled bookings do not);
//! - revenue: what those nights cost, as each booking stored its nights' prices;
//! - occupancy = sold / available; ADR (average daily rate) = revenue / sold;
//!   RevPAR (revenue per available room) = revenue / available;
//! - bookings: made in the month, cancellations: cancelled in the month (the hotel's clock).
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{HotelId, Money};

/// One month of a hotel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// Its first day.
    pub month: NaiveDate,
    pub available: i64,
    pub sold: i64,
    pub revenue: Money,
    pub bookings: i64,
    pub cancellations: i64,
}

impl MonthFigures {
    /// Occupancy in tenths of a percent (0..=1000), rounded half up; 0 with nothing to sell.
    pub fn occupancy_permille(&self) -> i64 {
        ratio(self.sold * 1000, self.available)
    }

    /// Average daily rate, whole kopecks rounded half up; `None` with nothing sold.
    pub fn adr(&self) -> Option<Money> {
        (self.sold > 0).then(|| Money::from_kopecks(ratio(self.revenue.kopecks(), self.sold)))
    }

    /// Revenue per available room-night, whole kopecks rounded half up.
    pub fn revpar(&self) -> Money {
        Money::from_kopecks(ratio(self.revenue.kopecks(), self.available))
    }
}

/// `numerator / denominator` rounded half up (both never negative); 0 over 0.
fn ratio(numerator: i64, denominator: i64) -> i64 {
    if denominator <= 0 {
        return 0;
    }
    (numerator * 2 + denominator) / (denominator * 2)
}

/// A hotel's year, month by month, and the year as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotelFigures {
    pub hotel_id: HotelId,
    pub hotel_name: String,
    pub year: i32,
    pub months: Vec<MonthFigures>,
    pub total: MonthFigures,
}

impl HotelFigures {
    /// The year's sum of `months` (its `month` the year's first day).
    pub fn sum(year_start: NaiveDate, months: &[MonthFigures]) -> MonthFigures {
        months.iter().fold(
            MonthFigures {
                month: year_start,
                available: 0,
                sold: 0,
                revenue: Money::from_kopecks(0),
                bookings: 0,
                cancellations: 0,
            },
            |total, month| MonthFigures {
                month: total.month,
                available: total.available + month.available,
                sold: total.sold + month.sold,
                revenue: Money::from_kopecks(total.revenue.kopecks() + month.revenue.kopecks()),
                bookings: total.bookings + month.bookings,
                cancellations: total.cancellations + month.cancellations,
            },
        )
    }
}

/// Years the figures page offers, around the current one.
pub const YEARS_BACK: i32 = 5;
pub const YEARS_AHEAD: i32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    fn month(available: i64, sold: i64, revenue: i64) -> MonthFigures {
        MonthFigures {
            month: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            available,
            sold,
            revenue: Money::from_roubles(revenue),
            bookings: 0,
            cancellations: 0,
        }
    }

    #[test]
    fn the_three_ratios() {
        // 10 rooms x 31 nights, 124 sold for 620 000 ₽.
        let december = month(310, 124, 620_000);
        assert_eq!(december.occupancy_permille(), 400);
        assert_eq!(december.adr(), Some(Money::from_roubles(5000)));
        assert_eq!(december.revpar(), Money::from_roubles(2000));
    }

    #[test]
    fn rounding_is_half_up_and_nothing_is_zero() {
        assert_eq!(month(3, 1, 100).occupancy_permille(), 333);
        assert_eq!(month(3, 2, 100).occupancy_permille(), 667);
        // 100 ₽ over 3 nights: 33.333… ₽ is 3 333 kopecks.
        assert_eq!(month(3, 3, 100).adr(), Some(Money::from_kopecks(3333)));
        assert_eq!(month(0, 0, 0).occupancy_permille(), 0);
        assert_eq!(month(0, 0, 0).adr(), None);
        assert_eq!(month(0, 0, 0).revpar(), Money::from_kopecks(0));
    }

    #[test]
    fn a_year_sums_its_months() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let total = HotelFigures::sum(start, &[month(310, 124, 620_000), month(300, 30, 90_000)]);
        assert_eq!(
            (total.available, total.sold, total.revenue),
            (610, 154, Money::from_roubles(710_000))
        );
        assert_eq!(total.month, start);
    }
}
