//! Danish local time (Europe/Copenhagen) from UTC timestamps, without a time-zone database.
//!
//! Timestamps are stored in UTC, but days are counted as the applicant and the authority live
//! them: a decision sent at 00:30 Danish time belongs to that Danish day, even though it is still
//! the previous day in UTC. Denmark follows the EU rule since 1996 — CET (UTC+1), and CEST (UTC+2)
//! from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October — so two
//! dates a year are all that is needed, and no tz crate has to be carried for it.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Weekday};

/// Danish local date of a UTC timestamp (Europe/Copenhagen: CET, CEST from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC).
pub fn copenhagen_date(utc: NaiveDateTime) -> NaiveDate {
    copenhagen_datetime(utc).date()
}

/// The offset from UTC in hours of Danish local time at a UTC instant: 1 in winter (CET), 2 in
/// summer (CEST).
pub fn copenhagen_offset_hours(utc: NaiveDateTime) -> i64 {
    let year = utc.year();
    match (summer_time_switch(year, 3), summer_time_switch(year, 10)) {
        (Some(start), Some(end)) if start <= utc && utc < end => 2,
        _ => 1,
    }
}

/// Danish local wall-clock time of a UTC timestamp.
pub fn copenhagen_datetime(utc: NaiveDateTime) -> NaiveDateTime {
    utc.checked_add_signed(TimeDelta::hours(copenhagen_offset_hours(utc)))
        // Only at the very end of chrono's range can this fail; the UTC time is then the best
        // answer there is, and a total function is worth more than a panic.
        .unwrap_or(utc)
}

/// 01:00 UTC on the last Sunday of `month` in `year`, the instant summer time starts (March) or
/// ends (October). `None` only for years outside chrono's range.
fn summer_time_switch(year: i32, month: u32) -> Option<NaiveDateTime> {
    // Both switch months have 31 days, so the last Sunday is the 31st stepped back to a Sunday.
    let last_day = NaiveDate::from_ymd_opt(year, month, 31)?;
    let back = last_day.weekday().num_days_from_sunday();
    let sunday = last_day.checked_sub_signed(TimeDelta::days(i64::from(back)))?;
    debug_assert_eq!(sunday.weekday(), Weekday::Sun);
    sunday.and_hms_opt(1, 0, 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    #[test]
    fn switch_dates() {
        // Known last Sundays: 2024-03-31, 2024-10-27, 2025-03-30, 2025-10-26, 2026-03-29,
        // 2026-10-25.
        assert_eq!(summer_time_switch(2024, 3), Some(utc(2024, 3, 31, 1, 0, 0)));
        assert_eq!(
            summer_time_switch(2024, 10),
            Some(utc(2024, 10, 27, 1, 0, 0))
        );
        assert_eq!(summer_time_switch(2025, 3), Some(utc(2025, 3, 30, 1, 0, 0)));
        assert_eq!(
            summer_time_switch(2025, 10),
            Some(utc(2025, 10, 26, 1, 0, 0))
        );
        assert_eq!(summer_time_switch(2026, 3), Some(utc(2026, 3, 29, 1, 0, 0)));
        assert_eq!(
            summer_time_switch(2026, 10),
            Some(utc(2026, 10, 25, 1, 0, 0))
        );
    }

    #[test]
    fn spring_forward() {
        // 2026-03-29: at 01:00 UTC local clocks jump from 02:00 CET to 03:00 CEST.
        let before = utc(2026, 3, 29, 0, 59, 59);
        let at = utc(2026, 3, 29, 1, 0, 0);
        assert_eq!(copenhagen_offset_hours(before), 1);
        assert_eq!(copenhagen_offset_hours(at), 2);
        assert_eq!(copenhagen_datetime(before), utc(2026, 3, 29, 1, 59, 59));
        assert_eq!(copenhagen_datetime(at), utc(2026, 3, 29, 3, 0, 0));
        // The evening before, 23:30 UTC is already the next local day (00:30 CET).
        assert_eq!(
            copenhagen_date(utc(2026, 3, 28, 23, 30, 0)),
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()
        );
        // The evening after, 22:30 UTC is the next local day too (00:30 CEST).
        assert_eq!(
            copenhagen_date(utc(2026, 3, 29, 22, 30, 0)),
            NaiveDate::from_ymd_opt(2026, 3, 30).unwrap()
        );
        assert_eq!(
            copenhagen_date(utc(2026, 3, 29, 21, 59, 59)),
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()
        );
    }

    #[test]
    fn fall_back() {
        // 2026-10-25: at 01:00 UTC local clocks go from 03:00 CEST back to 02:00 CET.
        let before = utc(2026, 10, 25, 0, 59, 59);
        let at = utc(2026, 10, 25, 1, 0, 0);
        assert_eq!(copenhagen_offset_hours(before), 2);
        assert_eq!(copenhagen_offset_hours(at), 1);
        assert_eq!(copenhagen_datetime(before), utc(2026, 10, 25, 2, 59, 59));
        assert_eq!(copenhagen_datetime(at), utc(2026, 10, 25, 2, 0, 0));
        // 22:30 UTC the day before is the next local day (00:30 CEST) ...
        assert_eq!(
            copenhagen_date(utc(2026, 10, 24, 22, 30, 0)),
            NaiveDate::from_ymd_opt(2026, 10, 25).unwrap()
        );
        // ... but on the evening of the switch 22:30 UTC is only 23:30 CET.
        assert_eq!(
            copenhagen_date(utc(2026, 10, 25, 22, 30, 0)),
            NaiveDate::from_ymd_opt(2026, 10, 25).unwrap()
        );
    }

    #[test]
    fn ordinary_days_and_year_end() {
        assert_eq!(copenhagen_offset_hours(utc(2026, 1, 15, 12, 0, 0)), 1);
        assert_eq!(copenhagen_offset_hours(utc(2026, 7, 15, 12, 0, 0)), 2);
        assert_eq!(copenhagen_offset_hours(utc(2026, 12, 15, 12, 0, 0)), 1);
        // Summer: 23:30 UTC on 30 June is 01:30 on 1 July.
        assert_eq!(
            copenhagen_date(utc(2026, 6, 30, 23, 30, 0)),
            NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()
        );
        assert_eq!(
            copenhagen_date(utc(2026, 6, 30, 21, 59, 0)),
            NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
        );
        // New Year's Eve at 23:00 UTC is already the new year in Copenhagen.
        assert_eq!(
            copenhagen_date(utc(2026, 12, 31, 23, 0, 0)),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(
            copenhagen_date(utc(2026, 12, 31, 22, 59, 59)),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }

    #[test]
    fn total_at_the_edges_of_chrono() {
        // Must not panic at the extremes of the representable range.
        let _ = copenhagen_datetime(NaiveDateTime::MAX);
        let _ = copenhagen_datetime(NaiveDateTime::MIN);
    }
}
