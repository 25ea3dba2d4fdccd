//! Money: an amount in integer minor units (kopecks), so sums and future percentages never
//! meet floating point. The catalog stores whole roubles today; repositories convert.
use std::iter::Sum;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

/// An amount of roubles, held in kopecks.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_kopecks(kopecks: i64) -> Self {
        Money(kopecks)
    }

    /// Whole roubles, as the catalog stores prices.
    pub const fn from_roubles(roubles: i64) -> Self {
        Money(roubles.saturating_mul(100))
    }

    pub const fn kopecks(self) -> i64 {
        self.0
    }

    /// The amount in whole roubles (kopecks dropped towards zero), for the HTTP API, whose
    /// contract speaks roubles.
    pub const fn whole_roubles(self) -> i64 {
        self.0 / 100
    }

    /// This amount `count` times (a nightly price over a stay's nights).
    pub const fn times(self, count: i64) -> Self {
        Money(self.0.saturating_mul(count))
    }

    /// `24 500 ₽`: the Russian form, for logs and plain text that has no reader's language
    /// (pages and emails use [`crate::format::money`]).
    pub fn format(self) -> String {
        crate::format::money(self, crate::i18n::Locale::ru)
    }
}

impl Add for Money {
    type Output = Money;

    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl Sub for Money {
    type Output = Money;

    fn sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_group_thousands() {
        assert_eq!(Money::from_roubles(24500).format(), "24\u{202f}500\u{a0}₽");
        assert_eq!(Money::from_roubles(999).format(), "999\u{a0}₽");
        assert_eq!(
            Money::from_roubles(1234567).format(),
            "1\u{202f}234\u{202f}567\u{a0}₽"
        );
        assert_eq!(Money::from_kopecks(9950).format(), "99,50\u{a0}₽");
    }

    #[test]
    fn sums_stay_in_kopecks() {
        let nights = [Money::from_kopecks(333), Money::from_kopecks(333)];
        assert_eq!(nights.into_iter().sum::<Money>(), Money::from_kopecks(666));
        assert_eq!(
            Money::from_roubles(4350).times(3),
            Money::from_roubles(13050)
        );
        assert_eq!(Money::from_kopecks(10099).whole_roubles(), 100);
    }
}
