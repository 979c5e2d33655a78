//! Danish working days, for deadlines that must not end on a day the authority is closed.
//!
//! A complaint deadline that falls on a Saturday, a Sunday or a public holiday moves to the next
//! working day (Justitsministeriets vejledning om beregning af klagefrister, 2018, followed by
//! Ankestyrelsen). The public holidays (helligdage) are New Year's Day, Maundy Thursday, Good
//! Friday, Easter Sunday and Monday, Ascension Day, Whit Sunday and Monday, Christmas Day and
//! Boxing Day; Store Bededag is no holiday from 2024.
//!
//! Constitution Day (5 June), Christmas Eve and New Year's Eve are not public holidays, but
//! public offices are closed on them, so a complaint could not be handed in there either: they are
//! treated as non-working days too. The Friday after Ascension Day is an ordinary working day for
//! municipalities and is not.

use chrono::{Datelike, NaiveDate, Weekday};

/// Easter Sunday of a year of the Gregorian calendar (the anonymous Gregorian algorithm, also
/// known as Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Whether the day is a Danish public holiday, or a day public offices are closed (see the
/// module's comment for which and why).
pub fn is_public_holiday_or_closed(date: NaiveDate) -> bool {
    let fixed = matches!(
        (date.month(), date.day()),
        (1, 1) | (6, 5) | (12, 24) | (12, 25) | (12, 26) | (12, 31)
    );
    if fixed {
        return true;
    }
    let Some(easter) = easter_sunday(date.year()) else {
        return false;
    };
    // Days from Easter Sunday: Maundy Thursday, Good Friday, Easter Sunday and Monday,
    // Ascension Day (39), Whit Sunday (49) and Whit Monday (50).
    let from_easter = (date - easter).num_days();
    matches!(from_easter, -3 | -2 | 0 | 1 | 39 | 49 | 50)
}

/// Whether an authority is open on the day.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday_or_closed(date)
}

/// The day itself when it is a working day, else the next one.
pub fn on_or_next_working_day(date: NaiveDate) -> NaiveDate {
    let mut day = date;
    // At most a handful of days (Christmas to the New Year's weekend); the bound keeps the loop
    // finite at the end of chrono's range.
    for _ in 0..14 {
        if is_working_day(day) {
            return day;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day,
        }
    }
    day
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    #[test]
    fn easter_falls_on_the_published_dates() {
        assert_eq!(easter_sunday(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(date(2027, 3, 28)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
    }

    #[test]
    fn the_holidays_of_2027_are_not_working_days() {
        for holiday in [
            date(2027, 1, 1),
            date(2027, 3, 25), // Maundy Thursday
            date(2027, 3, 26), // Good Friday
            date(2027, 3, 29), // Easter Monday
            date(2027, 5, 6),  // Ascension Day
            date(2027, 5, 17), // Whit Monday
            date(2027, 6, 5),  // Constitution Day (a Saturday in 2027)
            date(2027, 12, 24),
            date(2027, 12, 31),
        ] {
            assert!(!is_working_day(holiday), "{holiday}");
        }
        // The Friday after Ascension Day and the old Store Bededag are working days.
        assert!(is_working_day(date(2027, 5, 7)));
        assert!(is_working_day(date(2027, 4, 23)));
    }

    #[test]
    fn a_closed_day_moves_to_the_next_working_day() {
        // Christmas 2026: Thursday 24th to Sunday 27th closed.
        assert_eq!(
            on_or_next_working_day(date(2026, 12, 25)),
            date(2026, 12, 28)
        );
        // New Year's Eve (Thursday) and Day (Friday), then the weekend.
        assert_eq!(on_or_next_working_day(date(2026, 12, 31)), date(2027, 1, 4));
        // Easter 2027: Thursday 25 March to Monday 29 March.
        assert_eq!(on_or_next_working_day(date(2027, 3, 25)), date(2027, 3, 30));
        assert_eq!(on_or_next_working_day(date(2026, 12, 2)), date(2026, 12, 2));
        assert_eq!(on_or_next_working_day(NaiveDate::MAX), NaiveDate::MAX);
    }
}
