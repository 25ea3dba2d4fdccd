//! The server's calendar, the one source of "today" for every date rule: check-in not in the
//! past, the cancellation deadline, a booking's stage, the reminders. Days are the server's
//! local days (its `TZ`), never the browser's: the browser is told the answers. It also knows
//! how far ahead bookings open (`BOOKING_HORIZON_DAYS`).
use chrono::{DateTime, Local, NaiveDate, Utc};

use crate::model::BookingWindow;

/// What time it is for the rules. The system clock in production; tests stop it at an instant
/// to pin the rules around midnight.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    stopped_at: Option<DateTime<Utc>>,
    horizon_days: u32,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            stopped_at: None,
            horizon_days: BookingWindow::DEFAULT_HORIZON_DAYS,
        }
    }
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Clock::default()
    }

    /// A clock that always says `instant`.
    pub fn stopped_at(instant: DateTime<Utc>) -> Self {
        Clock {
            stopped_at: Some(instant),
            ..Clock::default()
        }
    }

    /// This clock, with bookings opening `days` ahead.
    pub fn with_horizon(self, days: u32) -> Self {
        Clock {
            horizon_days: days,
            ..self
        }
    }

    /// The check-in days open for booking today: every stay is parsed against this.
    pub fn window(&self) -> BookingWindow {
        BookingWindow {
            today: self.today(),
            horizon_days: self.horizon_days,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.stopped_at.unwrap_or_else(Utc::now)
    }

    /// The calendar day it is now in the server's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Local).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_day_turns_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let at = |h, m, s| {
            let local = day.and_hms_opt(h, m, s).unwrap();
            Clock::stopped_at(Local.from_local_datetime(&local).unwrap().to_utc())
        };
        assert_eq!(at(0, 0, 0).today(), day);
        assert_eq!(at(23, 59, 59).today(), day);
        let next = at(23, 59, 59).now() + chrono::Duration::seconds(1);
        assert_eq!(Clock::stopped_at(next).today(), day.succ_opt().unwrap());
    }
}
