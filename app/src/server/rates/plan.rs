//! The rules of prices and restrictions, pure: what a room type costs on a night and whether a
//! stay may be booked. Search (in memory), the hotel page, booking and the HTTP API all ask a
//! [`RoomRates`]; the repository only loads its rows.
//!
//! A night's price, the most specific setting first:
//! 1. a single-date override for that night;
//! 2. else the one rate rule covering the night that covers the fewest nights in all (a rule
//!    for weekends in December is more specific than one for December, which is more specific
//!    than one for the whole year); between rules covering equally many, the newest (highest
//!    id). Rules do not stack: the chosen rule changes the base price by its percent (rounded to
//!    whole roubles, halves up) or amount (never below zero), or sets the price;
//! 3. else the room type's base price.
//!
//! A stay's restrictions, strictest first: any closed night refuses it (the first such night
//! is named); then its arrival day: closed to arrival, then the largest minimum stay and the
//! smallest maximum stay of the restrictions covering the arrival day.
use chrono::{Datelike, NaiveDate};

use crate::model::calendar::DaySettings;
use crate::model::{Money, StayDates, StayRefusal};

/// Days of the week as bits: bit 0 = Monday ... bit 6 = Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays(u8);

impl Weekdays {
    pub const FRIDAY_SATURDAY: Weekdays = Weekdays(0b011_0000);

    /// A mask of 1..=127; anything else is not a set of weekdays.
    pub fn from_bits(bits: i16) -> Option<Self> {
        u8::try_from(bits)
            .ok()
            .filter(|bits| (1..=127).contains(bits))
            .map(Weekdays)
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.contains_bit(weekday_bit(day))
    }

    /// Whether the day whose [`weekday_bit`] is `bit` is one of these.
    fn contains_bit(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// `day`'s weekday as a [`Weekdays`] bit.
fn weekday_bit(day: NaiveDate) -> u8 {
    1 << day.weekday().num_days_from_monday()
}

/// What a rate rule does to the base price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateChange {
    /// Up or down by a percent (-100 ..).
    Percent(i32),
    /// Up or down by an amount.
    Amount(Money),
    /// This price, whatever the base.
    Price(Money),
}

impl RateChange {
    fn apply(self, base: Money) -> Money {
        match self {
            RateChange::Percent(percent) => {
                let factor = 100 + i64::from(percent.max(-100));
                // Whole roubles, halves up (the amounts are never negative here).
                let roubles = (base.whole_roubles() * factor + 50).div_euclid(100);
                Money::from_roubles(roubles.max(0))
            }
            RateChange::Amount(amount) => {
                Money::from_kopecks((base.kopecks() + amount.kopecks()).max(0))
            }
            RateChange::Price(price) => price,
        }
    }
}

/// A rate rule: `change` on the nights `[from, to)` that fall on `weekdays` (all, if `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRule {
    pub id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weekdays: Option<Weekdays>,
    pub change: RateChange,
}

impl RateRule {
    /// Whether the rule covers `night`, whose [`weekday_bit`] is `bit`.
    fn covers(&self, night: NaiveDate, bit: u8) -> bool {
        self.from <= night
            && night < self.to
            && self.weekdays.is_none_or(|days| days.contains_bit(bit))
    }

    /// How many nights the rule covers in all: the measure of how specific it is.
    fn covered_nights(&self) -> i64 {
        let days = (self.to - self.from).num_days().max(0);
        let Some(weekdays) = self.weekdays else {
            return days;
        };
        let whole_weeks = days / 7 * i64::from(weekdays.bits().count_ones());
        let rest = self
            .from
            .iter_days()
            .skip((days / 7 * 7) as usize)
            .take((days % 7) as usize)
            .filter(|day| weekdays.contains(*day))
            .count();
        whole_weeks + rest as i64
    }
}

/// A restriction on the dates `[from, to)`: `closed` nights are not sold; the others apply to
/// stays arriving on those dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Restriction {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub closed: bool,
    pub closed_to_arrival: bool,
    pub min_stay: Option<u8>,
    pub max_stay: Option<u8>,
}

impl Restriction {
    fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && day < self.to
    }

    /// The restriction of `settings` on the dates `[from, to)`, if it restricts anything.
    pub fn of_settings(settings: &DaySettings, from: NaiveDate, to: NaiveDate) -> Option<Self> {
        let restriction = Restriction {
            from,
            to,
            closed: settings.closed,
            closed_to_arrival: settings.closed_to_arrival,
            min_stay: settings.min_stay,
            max_stay: settings.max_stay,
        };
        (restriction.closed || settings.restricted()).then_some(restriction)
    }

    /// The same restriction on other dates.
    pub fn on(self, from: NaiveDate, to: NaiveDate) -> Self {
        Restriction { from, to, ..self }
    }
}

/// A room type's prices and restrictions: its base price and the rows that change it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoomRates {
    base: Money,
    /// Most specific first: the first covering rule wins; each with the price it makes.
    rules: Vec<(RateRule, Money)>,
    /// By night.
    overrides: Vec<(NaiveDate, Money)>,
    restrictions: Vec<Restriction>,
}

impl RoomRates {
    pub fn new(
        base: Money,
        mut rules: Vec<RateRule>,
        mut overrides: Vec<(NaiveDate, Money)>,
        restrictions: Vec<Restriction>,
    ) -> Self {
        rules.sort_by_key(|rule| (rule.covered_nights(), std::cmp::Reverse(rule.id)));
        let rules = (rules.into_iter())
            .map(|rule| (rule, rule.change.apply(base)))
            .collect();
        overrides.sort_unstable_by_key(|(night, _)| *night);
        overrides.dedup_by_key(|(night, _)| *night);
        RoomRates {
            base,
            rules,
            overrides,
            restrictions,
        }
    }

    /// A room type with only its base price.
    pub fn flat(base: Money) -> Self {
        RoomRates {
            base,
            ..RoomRates::default()
        }
    }

    /// The least any night can cost: no stay costs less than it times its nights (a search by
    /// price orders room types by it before pricing a stay exactly).
    pub fn cheapest_night(&self) -> Money {
        let by_rules = self.rules.iter().map(|(_, price)| *price);
        let overrides = self.overrides.iter().map(|(_, price)| *price);
        by_rules.chain(overrides).fold(self.base, Money::min)
    }

    /// The price of `night`.
    pub fn night_price(&self, night: NaiveDate) -> Money {
        self.override_on(night)
            .unwrap_or_else(|| self.unset_price(night))
    }

    /// The price set for `night` itself, if any.
    fn override_on(&self, night: NaiveDate) -> Option<Money> {
        self.overrides
            .binary_search_by_key(&night, |(n, _)| *n)
            .ok()
            .map(|found| self.overrides[found].1)
    }

    /// The price of `night` without a price set for it: its rule's, or the base price.
    pub fn unset_price(&self, night: NaiveDate) -> Money {
        self.rule_price(night, weekday_bit(night))
    }

    /// [`RoomRates::unset_price`] of `night`, whose [`weekday_bit`] is `bit`.
    fn rule_price(&self, night: NaiveDate, bit: u8) -> Money {
        match self.rules.iter().find(|(rule, _)| rule.covers(night, bit)) {
            Some((_, price)) => *price,
            None => self.base,
        }
    }

    /// The price of each night of `stay`, in order, in one pass: the weekday is carried from
    /// night to night and the overrides (by night) are met in order, not searched for.
    fn stay_prices(&self, stay: StayDates) -> impl Iterator<Item = Money> + '_ {
        let check_in = stay.check_in();
        let mut bit = weekday_bit(check_in);
        let mut overrides = self.overrides
            [self.overrides.partition_point(|(n, _)| *n < check_in)..]
            .iter()
            .peekable();
        stay.nights_iter().map(move |night| {
            let on = bit;
            bit = if bit == 1 << 6 { 1 } else { bit << 1 };
            match overrides.next_if(|(n, _)| *n == night) {
                Some(&(_, price)) => price,
                None => self.rule_price(night, on),
            }
        })
    }

    /// What applies on `day`: its night's price and the restrictions on it, combined as
    /// [`RoomRates::refusal`] combines them (the inventory calendar's cell).
    pub fn day_settings(&self, day: NaiveDate) -> DaySettings {
        let on_day = || self.restrictions.iter().filter(|r| r.covers(day));
        let set = self.override_on(day);
        DaySettings {
            price: set.unwrap_or_else(|| self.unset_price(day)),
            price_set: set.is_some(),
            closed: on_day().any(|r| r.closed),
            closed_to_arrival: on_day().any(|r| r.closed_to_arrival),
            min_stay: on_day().filter_map(|r| r.min_stay).max(),
            max_stay: on_day().filter_map(|r| r.max_stay).min(),
        }
    }

    /// The price of each night of `stay`, in order.
    pub fn night_prices(&self, stay: StayDates) -> Vec<Money> {
        if self.rules.is_empty() && self.overrides.is_empty() {
            return vec![self.base; stay.nights() as usize];
        }
        self.stay_prices(stay).collect()
    }

    /// What `stay` costs: the sum of its nights.
    pub fn stay_total(&self, stay: StayDates) -> Money {
        if self.rules.is_empty() && self.overrides.is_empty() {
            return self.base.times(stay.nights());
        }
        self.stay_prices(stay).sum()
    }

    /// Why the hotel's restrictions refuse `stay`, if they do.
    pub fn refusal(&self, stay: StayDates) -> Option<StayRefusal> {
        let (check_in, check_out) = (stay.check_in(), stay.check_out());
        // Most stays touch none of a room type's restrictions (a year of Friday minimum stays,
        // say): one pass of two comparisons each settles that before any night is looked at.
        let touches = |r: &Restriction| r.from < check_out && check_in < r.to;
        if !self.restrictions.iter().any(touches) {
            return None;
        }
        let closed = stay.nights_iter().find(|night| {
            self.restrictions
                .iter()
                .any(|r| r.closed && r.covers(*night))
        });
        if let Some(night) = closed {
            return Some(StayRefusal::Closed { night });
        }
        let arrival = stay.check_in();
        let on_arrival = || self.restrictions.iter().filter(|r| r.covers(arrival));
        if on_arrival().any(|r| r.closed_to_arrival) {
            return Some(StayRefusal::ClosedToArrival { arrival });
        }
        let nights = stay.nights();
        if let Some(min) = on_arrival().filter_map(|r| r.min_stay).max()
            && nights < i64::from(min)
        {
            return Some(StayRefusal::MinStay {
                arrival,
                nights: min,
            });
        }
        if let Some(max) = on_arrival().filter_map(|r| r.max_stay).min()
            && nights > i64::from(max)
        {
            return Some(StayRefusal::MaxStay {
                arrival,
                nights: max,
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BookingWindow, parse_iso_date};

    fn day(raw: &str) -> NaiveDate {
        parse_iso_date(raw).unwrap()
    }

    fn stay(from: &str, to: &str) -> StayDates {
        StayDates::new(day(from), day(to), BookingWindow::UNBOUNDED).unwrap()
    }

    fn rule(id: i64, from: &str, to: &str, weekdays: Option<u8>, change: RateChange) -> RateRule {
        RateRule {
            id,
            from: day(from),
            to: day(to),
            weekdays: weekdays.map(|bits| Weekdays::from_bits(i16::from(bits)).unwrap()),
            change,
        }
    }

    fn rub(roubles: i64) -> Money {
        Money::from_roubles(roubles)
    }

    // 2026-12-04 is a Friday.
    const FRI_SAT: Option<u8> = Some(0b011_0000);

    #[test]
    fn without_rules_every_night_costs_the_base_price() {
        let rates = RoomRates::flat(rub(1000));
        assert_eq!(
            rates.stay_total(stay("2026-12-01", "2026-12-04")),
            rub(3000)
        );
        assert_eq!(
            rates.night_prices(stay("2026-12-01", "2026-12-03")),
            [rub(1000); 2]
        );
    }

    #[test]
    fn each_change_kind() {
        let night = stay("2026-12-01", "2026-12-02");
        let price = |change| {
            RoomRates::new(
                rub(1000),
                vec![rule(1, "2026-12-01", "2026-12-02", None, change)],
                vec![],
                vec![],
            )
            .stay_total(night)
        };
        assert_eq!(price(RateChange::Percent(15)), rub(1150));
        assert_eq!(price(RateChange::Percent(-10)), rub(900));
        assert_eq!(price(RateChange::Percent(-100)), rub(0));
        assert_eq!(price(RateChange::Amount(rub(-300))), rub(700));
        assert_eq!(price(RateChange::Amount(rub(-3000))), rub(0));
        assert_eq!(price(RateChange::Price(rub(4200))), rub(4200));
    }

    #[test]
    fn percents_round_to_whole_roubles_halves_up() {
        let night = stay("2026-12-01", "2026-12-02");
        let rates = |base, percent| {
            RoomRates::new(
                rub(base),
                vec![rule(
                    1,
                    "2026-12-01",
                    "2026-12-02",
                    None,
                    RateChange::Percent(percent),
                )],
                vec![],
                vec![],
            )
            .stay_total(night)
        };
        assert_eq!(rates(1005, 10), rub(1106), "1105.5 rounds up");
        assert_eq!(rates(999, -33), rub(669), "669.33 rounds down");
    }

    #[test]
    fn a_rule_covers_its_nights_not_its_check_out_day() {
        let rates = RoomRates::new(
            rub(1000),
            vec![rule(
                1,
                "2026-12-02",
                "2026-12-04",
                None,
                RateChange::Price(rub(500)),
            )],
            vec![],
            vec![],
        );
        let prices = rates.night_prices(stay("2026-12-01", "2026-12-05"));
        assert_eq!(prices, [rub(1000), rub(500), rub(500), rub(1000)]);
    }

    #[test]
    fn weekday_rules_apply_on_their_days_only() {
        let weekend = rule(
            1,
            "2026-01-01",
            "2027-12-31",
            FRI_SAT,
            RateChange::Percent(20),
        );
        let rates = RoomRates::new(rub(1000), vec![weekend], vec![], vec![]);
        // Thu, Fri, Sat, Sun.
        let prices = rates.night_prices(stay("2026-12-03", "2026-12-07"));
        assert_eq!(prices, [rub(1000), rub(1200), rub(1200), rub(1000)]);
        assert_eq!(
            rates.stay_total(stay("2026-12-03", "2026-12-07")),
            rub(4400)
        );
    }

    #[test]
    fn the_rule_covering_fewest_nights_wins() {
        let year = rule(1, "2026-01-01", "2027-01-01", None, RateChange::Percent(10));
        let weekends = rule(
            2,
            "2026-01-01",
            "2027-01-01",
            FRI_SAT,
            RateChange::Percent(20),
        );
        let season = rule(
            3,
            "2026-12-20",
            "2027-01-01",
            None,
            RateChange::Price(rub(5000)),
        );
        let season_weekends = rule(
            4,
            "2026-12-20",
            "2027-01-01",
            FRI_SAT,
            RateChange::Price(rub(6000)),
        );
        // Given in any order, the answer is the same.
        let rates = RoomRates::new(
            rub(1000),
            vec![season_weekends, year, season, weekends],
            vec![],
            vec![],
        );
        assert_eq!(
            rates.night_price(day("2026-12-01")),
            rub(1100),
            "Tuesday: the year"
        );
        assert_eq!(
            rates.night_price(day("2026-12-04")),
            rub(1200),
            "Friday: weekends"
        );
        assert_eq!(
            rates.night_price(day("2026-12-22")),
            rub(5000),
            "the season"
        );
        assert_eq!(
            rates.night_price(day("2026-12-25")),
            rub(6000),
            "a season weekend"
        );
        assert_eq!(rates.night_price(day("2027-01-01")), rub(1000), "no rule");
    }

    #[test]
    fn equally_specific_rules_go_to_the_newest() {
        let older = rule(
            1,
            "2026-12-01",
            "2026-12-08",
            None,
            RateChange::Price(rub(700)),
        );
        let newer = rule(
            2,
            "2026-12-05",
            "2026-12-12",
            None,
            RateChange::Price(rub(900)),
        );
        let rates = RoomRates::new(rub(1000), vec![newer, older], vec![], vec![]);
        assert_eq!(rates.night_price(day("2026-12-06")), rub(900));
        assert_eq!(rates.night_price(day("2026-12-02")), rub(700));
    }

    #[test]
    fn the_cheapest_night_bounds_every_stay_from_below() {
        let rates = RoomRates::new(
            rub(1000),
            vec![
                rule(
                    1,
                    "2026-12-01",
                    "2026-12-31",
                    None,
                    RateChange::Percent(-10),
                ),
                rule(
                    2,
                    "2026-12-05",
                    "2026-12-06",
                    None,
                    RateChange::Amount(rub(500)),
                ),
            ],
            vec![(day("2026-12-20"), rub(850))],
            vec![],
        );
        assert_eq!(rates.cheapest_night(), rub(850));
        assert_eq!(RoomRates::flat(rub(1000)).cheapest_night(), rub(1000));
        let up = RoomRates::new(
            rub(1000),
            vec![rule(
                1,
                "2026-12-01",
                "2026-12-31",
                None,
                RateChange::Percent(20),
            )],
            vec![],
            vec![],
        );
        assert_eq!(
            up.cheapest_night(),
            rub(1000),
            "nights outside the rule cost the base"
        );
    }

    #[test]
    fn an_override_beats_every_rule() {
        let rule = rule(1, "2026-12-01", "2026-12-31", None, RateChange::Percent(50));
        let rates = RoomRates::new(
            rub(1000),
            vec![rule],
            vec![(day("2026-12-10"), rub(100))],
            vec![],
        );
        let prices = rates.night_prices(stay("2026-12-09", "2026-12-12"));
        assert_eq!(prices, [rub(1500), rub(100), rub(1500)]);
    }

    #[test]
    fn covered_nights_count_weekdays_in_part_weeks() {
        // Fri 4 Dec .. Thu 17 Dec: two Fridays and two Saturdays; plus Fri 18 makes five.
        assert_eq!(
            rule(
                1,
                "2026-12-04",
                "2026-12-18",
                FRI_SAT,
                RateChange::Percent(1)
            )
            .covered_nights(),
            4
        );
        assert_eq!(
            rule(
                1,
                "2026-12-04",
                "2026-12-19",
                FRI_SAT,
                RateChange::Percent(1)
            )
            .covered_nights(),
            5
        );
        assert_eq!(
            rule(
                1,
                "2026-12-05",
                "2026-12-06",
                FRI_SAT,
                RateChange::Percent(1)
            )
            .covered_nights(),
            1
        );
    }

    fn restricted(restrictions: Vec<Restriction>) -> RoomRates {
        RoomRates::new(rub(1000), vec![], vec![], restrictions)
    }

    fn restriction(from: &str, to: &str) -> Restriction {
        Restriction {
            from: day(from),
            to: day(to),
            ..Restriction::default()
        }
    }

    #[test]
    fn closed_nights_refuse_stays_holding_them() {
        let rates = restricted(vec![Restriction {
            closed: true,
            ..restriction("2026-12-10", "2026-12-12")
        }]);
        assert_eq!(
            rates.refusal(stay("2026-12-08", "2026-12-10")),
            None,
            "leaves on the 10th"
        );
        assert_eq!(
            rates.refusal(stay("2026-12-08", "2026-12-11")),
            Some(StayRefusal::Closed {
                night: day("2026-12-10")
            })
        );
        assert_eq!(
            rates.refusal(stay("2026-12-11", "2026-12-13")),
            Some(StayRefusal::Closed {
                night: day("2026-12-11")
            })
        );
        assert_eq!(
            rates.refusal(stay("2026-12-12", "2026-12-14")),
            None,
            "arrives after"
        );
    }

    #[test]
    fn arrival_rules_look_at_the_check_in_day_only() {
        let rates = restricted(vec![
            Restriction {
                min_stay: Some(2),
                ..restriction("2026-12-04", "2026-12-05")
            },
            Restriction {
                closed_to_arrival: true,
                ..restriction("2026-12-06", "2026-12-07")
            },
            Restriction {
                max_stay: Some(3),
                ..restriction("2026-12-07", "2026-12-08")
            },
        ]);
        assert_eq!(
            rates.refusal(stay("2026-12-04", "2026-12-05")),
            Some(StayRefusal::MinStay {
                arrival: day("2026-12-04"),
                nights: 2
            })
        );
        assert_eq!(rates.refusal(stay("2026-12-04", "2026-12-06")), None);
        assert_eq!(
            rates.refusal(stay("2026-12-03", "2026-12-05")),
            None,
            "arrives the day before"
        );
        assert_eq!(
            rates.refusal(stay("2026-12-06", "2026-12-08")),
            Some(StayRefusal::ClosedToArrival {
                arrival: day("2026-12-06")
            })
        );
        assert_eq!(
            rates.refusal(stay("2026-12-05", "2026-12-08")),
            None,
            "staying through is fine"
        );
        assert_eq!(rates.refusal(stay("2026-12-07", "2026-12-10")), None);
        assert_eq!(
            rates.refusal(stay("2026-12-07", "2026-12-11")),
            Some(StayRefusal::MaxStay {
                arrival: day("2026-12-07"),
                nights: 3
            })
        );
    }

    #[test]
    fn overlapping_restrictions_take_the_strictest() {
        let rates = restricted(vec![
            Restriction {
                min_stay: Some(2),
                max_stay: Some(10),
                ..restriction("2026-12-01", "2026-12-31")
            },
            Restriction {
                min_stay: Some(4),
                max_stay: Some(6),
                ..restriction("2026-12-20", "2026-12-27")
            },
        ]);
        assert_eq!(
            rates.refusal(stay("2026-12-21", "2026-12-24")),
            Some(StayRefusal::MinStay {
                arrival: day("2026-12-21"),
                nights: 4
            })
        );
        assert_eq!(
            rates.refusal(stay("2026-12-21", "2026-12-28")),
            Some(StayRefusal::MaxStay {
                arrival: day("2026-12-21"),
                nights: 6
            })
        );
        assert_eq!(rates.refusal(stay("2026-12-02", "2026-12-04")), None);
    }
}
