//! Calendar arithmetic in the member's local time.
//!
//! "Local" always means the offset written in the event's own timestamp:
//! the engine has no time-zone database, so a daylight-saving change is
//! simply a till sending `-04:00` instead of `-05:00`, and 14:00 local stays
//! 14:00 local on both sides of it.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};

use crate::account::Usage;
use crate::program::{LocalTime, Period, Weekday};
use crate::time::Timestamp;

fn local(t: Timestamp) -> DateTime<FixedOffset> {
    t.as_datetime()
}

/// The key of the period `t` falls in: local day number (days since
/// 0001-12-31, chrono's count from the Common Era), the day number of the
/// local week's Monday, `year * 12 + month`, or 0 for a campaign. Days and
/// weeks come from the local seconds by arithmetic; a month needs the
/// calendar.
pub(crate) fn key(per: Period, t: Timestamp) -> i64 {
    let day = local_day(t) + DAYS_TO_1970;
    match per {
        Period::Day => day,
        Period::Week => day - i64::from(local_weekday(t)),
        Period::Month => {
            let date = local(t).date_naive();
            i64::from(date.year()) * 12 + i64::from(date.month0())
        }
        Period::Campaign => 0,
    }
}

/// chrono's day number (from the Common Era) of 1970-01-01.
const DAYS_TO_1970: i64 = 719_163;

/// Days from 1970-01-01 to `t`'s local date.
fn local_day(t: Timestamp) -> i64 {
    // Under 2^40: the cast keeps it.
    t.local_day_and_second().0 as i64 - Timestamp::MONDAY_BEFORE
}

/// `t`'s local day of the week, Monday 0.
fn local_weekday(t: Timestamp) -> u8 {
    // 0 to 6: the cast keeps it.
    (t.local_day_and_second().0 % 7) as u8
}

/// How much of `what` was used in `period`.
pub(crate) fn used(usage: &[Usage], what: &str, period: i64) -> i64 {
    usage
        .iter()
        .find(|u| u.key == what && u.period == period)
        .map_or(0, |u| u.used)
}

/// Add `amount` to the counter of `what` in `period`, dropping its older periods.
pub(crate) fn record(usage: &mut Vec<Usage>, what: &str, period: i64, amount: i64) {
    usage.retain(|u| u.key != what || u.period == period);
    match usage.iter_mut().find(|u| u.key == what) {
        Some(u) => u.used += amount,
        None => usage.push(Usage {
            key: what.to_owned(),
            period,
            used: amount,
        }),
    }
}

/// Monday 0 to Sunday 6.
pub(crate) fn monday_index(d: Weekday) -> u8 {
    match d {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    }
}

/// `t`'s local day of the week (Monday 0) and minutes after local
/// midnight, from its local seconds (a leap second is second 59's).
pub(crate) fn local_clock(t: Timestamp) -> (u8, u16) {
    let (day, second) = t.local_day_and_second();
    // 0 to 6 and under 1,440: the casts keep them.
    ((day % 7) as u8, (second / 60) as u16)
}

/// Whether `t`'s local day is one of `days` (bit 0 Monday) and its local
/// time in `[from, to)` minutes (wrapping past midnight when `from > to`).
///
/// The day and the time are both tested, and the tests combined by `&`
/// and `|` rather than `&&` and `||`: whether a purchase falls in a happy
/// hour is as good as random to the processor's branch predictor, and a
/// branch for each part would be one more to mispredict (some 15 cycles
/// each). Which form the window has is the program's: that branch is
/// predicted.
pub(crate) fn in_day_window(t: Timestamp, days: u8, from: u16, to: u16) -> bool {
    let (weekday, m) = local_clock(t);
    let day = (days >> weekday) & 1 != 0;
    let time = if from <= to {
        (from <= m) & (m < to)
    } else {
        (m >= from) | (m < to)
    };
    day & time
}

/// Whether `t`'s local day is in `days` (any when empty) and its local time
/// in `[from, to)` (wrapping past midnight when `from > to`).
pub(crate) fn in_window(t: Timestamp, days: &[Weekday], from: LocalTime, to: LocalTime) -> bool {
    let set = if days.is_empty() {
        0x7f
    } else {
        days.iter().fold(0, |set, d| set | 1 << monday_index(*d))
    };
    in_day_window(t, set, from.minutes(), to.minutes())
}

/// Whole days (of 24 hours) from `since` to `t`.
pub(crate) fn whole_days(since: Timestamp, t: Timestamp) -> i64 {
    (t.as_datetime() - since.as_datetime()).num_days()
}

/// Days since 1970-01-01 (UTC) of `t`.
pub(crate) fn day_index(t: Timestamp) -> i64 {
    t.unix_seconds().div_euclid(86_400)
}

/// The local year of `t`.
pub(crate) fn local_year(t: Timestamp) -> i64 {
    i64::from(local(t).year())
}

/// Local midnight at the start of `date`, in `t`'s offset.
fn midnight(date: NaiveDate, t: Timestamp) -> Option<Timestamp> {
    let offset = *local(t).offset();
    offset
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .map(Timestamp::from_datetime)
}

/// 1 January 00:00 of the year after `t`'s, in `t`'s offset.
pub(crate) fn next_new_year(t: Timestamp) -> Timestamp {
    NaiveDate::from_ymd_opt(local(t).year() + 1, 1, 1)
        .and_then(|d| midnight(d, t))
        .unwrap_or_else(Timestamp::max)
}

/// Parse `MM-DD` (29 February allowed).
pub(crate) fn parse_birthday(text: &str) -> Option<(u32, u32)> {
    let (m, d) = text.split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d))
}

/// If `t`'s local date is within `[birthday - before, birthday + after]` of
/// the member's birthday in some year, that year and the instant the window
/// ends (local midnight after its last day). 29 February is celebrated on
/// 28 February in years without one.
pub(crate) fn birthday_in_window(
    birthday: &str,
    t: Timestamp,
    before: u32,
    after: u32,
) -> Option<(i64, Timestamp)> {
    let (m, d) = parse_birthday(birthday)?;
    let today = local(t).date_naive();
    for year in [today.year() - 1, today.year(), today.year() + 1] {
        let Some(day) =
            NaiveDate::from_ymd_opt(year, m, d).or_else(|| NaiveDate::from_ymd_opt(year, m, d - 1))
        else {
            continue;
        };
        let first = day - Duration::days(i64::from(before));
        let last = day + Duration::days(i64::from(after));
        if first <= today && today <= last {
            let end = midnight(last + Duration::days(1), t).unwrap_or_else(Timestamp::max);
            return Some((i64::from(year), end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn leap_day_birthdays_fall_on_the_28th() {
        let (year, end) = birthday_in_window("02-29", t("2027-02-28T10:00:00Z"), 0, 0).unwrap();
        assert_eq!(
            (year, end.to_string()),
            (2027, "2027-03-01T00:00:00Z".to_owned())
        );
        assert!(birthday_in_window("02-29", t("2027-03-01T10:00:00Z"), 0, 0).is_none());
        assert!(birthday_in_window("02-29", t("2028-02-29T10:00:00Z"), 0, 0).is_some());
        assert!(birthday_in_window("02-29", t("2028-02-28T10:00:00Z"), 0, 0).is_none());
    }

    #[test]
    fn windows_cross_new_year() {
        let (year, _) = birthday_in_window("01-02", t("2026-12-30T10:00:00Z"), 5, 0).unwrap();
        assert_eq!(year, 2027);
    }

    #[test]
    fn time_windows_use_the_event_offset() {
        let from = LocalTime(14 * 60);
        let to = LocalTime(16 * 60);
        assert!(in_window(
            t("2026-03-09T14:30:00-04:00"),
            &[Weekday::Mon],
            from,
            to
        ));
        assert!(!in_window(
            t("2026-03-09T14:30:00-05:00"),
            &[Weekday::Tue],
            from,
            to
        ));
        assert!(!in_window(t("2026-03-09T16:00:00-04:00"), &[], from, to));
        assert!(in_window(
            t("2026-03-09T01:00:00Z"),
            &[],
            LocalTime(22 * 60),
            LocalTime(120)
        ));
    }

    /// The window test without branches gives what a test day then time
    /// gives, for windows within a day and across midnight, every local
    /// day and the minutes at their edges.
    #[test]
    fn day_windows_agree_with_testing_the_day_then_the_time() {
        let windows = [
            (0, 1440),
            (14 * 60, 16 * 60),
            (22 * 60, 120),
            (600, 600),
            (1439, 0),
        ];
        for days in [0_u8, 0x1f, 0x60, 0x7f, 0b101_0101] {
            for (from, to) in windows {
                for day in 0..7 {
                    for minute in [
                        0, 1, 119, 120, 599, 600, 839, 840, 959, 960, 1319, 1320, 1439,
                    ] {
                        let at = format!(
                            "2026-03-{:02}T{:02}:{:02}:00+02:00",
                            9 + day,
                            minute / 60,
                            minute % 60
                        );
                        let want = days & (1 << day) != 0
                            && if from <= to {
                                from <= minute && minute < to
                            } else {
                                minute >= from || minute < to
                            };
                        assert_eq!(
                            in_day_window(t(&at), days, from, to),
                            want,
                            "{at} {days:b} {from}-{to}"
                        );
                    }
                }
            }
        }
    }

    /// The integer local clock and day and week keys agree with chrono's
    /// calendar, before and after 1970, with offsets of either sign and on
    /// leap seconds.
    #[test]
    fn local_clock_agrees_with_chrono() {
        use chrono::Timelike;
        let mut seed = 11_u64;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let secs = (seed >> 20) as i64 % 253_402_300_799;
            let offset = ((seed >> 8) % 1_681) as i32 * 60 - 50_400;
            let Some(offset) = FixedOffset::east_opt(offset) else {
                continue;
            };
            // Now and then a leap second (second 59 and a billion
            // nanoseconds and more).
            let (secs, nanos) = if seed % 13 == 0 {
                (secs - secs.rem_euclid(60) + 59, 1_000_000_000)
            } else {
                (secs, 0)
            };
            let Some(dt) = DateTime::from_timestamp(secs, nanos) else {
                continue;
            };
            let dt = dt.with_timezone(&offset);
            let Ok(ts) = Timestamp::parse(&dt.to_rfc3339()) else {
                continue;
            };
            let local = ts.as_datetime();
            let want = (
                local.weekday().num_days_from_monday() as u8,
                (local.hour() * 60 + local.minute()) as u16,
            );
            assert_eq!(local_clock(ts), want, "{dt}");
            let date = local.date_naive();
            let day = i64::from(date.num_days_from_ce());
            assert_eq!(key(Period::Day, ts), day, "{dt}");
            let monday = day - i64::from(date.weekday().num_days_from_monday());
            assert_eq!(key(Period::Week, ts), monday, "{dt}");
            assert_eq!(day_index(ts), local.timestamp().div_euclid(86_400), "{dt}");
        }
        // And at the ends of chrono's calendar, in the farthest offsets
        // that keep the local time in it.
        for (end, offset) in [
            (DateTime::<chrono::Utc>::MIN_UTC, 0),
            (DateTime::<chrono::Utc>::MIN_UTC, 86_399),
            (DateTime::<chrono::Utc>::MAX_UTC, 0),
            (DateTime::<chrono::Utc>::MAX_UTC, -86_399),
        ] {
            let Some(t) = FixedOffset::east_opt(offset).map(|o| end.with_timezone(&o)) else {
                continue;
            };
            let ts = Timestamp::from_datetime(t);
            let date = t.date_naive();
            let want = (
                t.weekday().num_days_from_monday() as u8,
                (t.hour() * 60 + t.minute()) as u16,
            );
            assert_eq!(local_clock(ts), want, "{t}");
            assert_eq!(
                key(Period::Day, ts),
                i64::from(date.num_days_from_ce()),
                "{t}"
            );
        }
    }
}
