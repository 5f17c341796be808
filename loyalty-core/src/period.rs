//! Calendar arithmetic in the member's local time.
//!
//! "Local" always means the offset written in the event's own timestamp:
//! the engine has no time-zone database, so a daylight-saving change is
//! simply a till sending `-04:00` instead of `-05:00`, and 14:00 local stays
//! 14:00 local on both sides of it.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Timelike};

use crate::account::Usage;
use crate::program::{LocalTime, Period, Weekday};
use crate::time::Timestamp;

fn local(t: Timestamp) -> DateTime<FixedOffset> {
    t.as_datetime()
}

/// The key of the period `t` falls in: local day number, the day number of
/// the local week's Monday, `year * 12 + month`, or 0 for a campaign.
pub(crate) fn key(per: Period, t: Timestamp) -> i64 {
    let date = local(t).date_naive();
    let day = i64::from(date.num_days_from_ce());
    match per {
        Period::Day => day,
        Period::Week => day - i64::from(date.weekday().num_days_from_monday()),
        Period::Month => i64::from(date.year()) * 12 + i64::from(date.month0()),
        Period::Campaign => 0,
    }
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

fn weekday(w: chrono::Weekday) -> Weekday {
    match w {
        chrono::Weekday::Mon => Weekday::Mon,
        chrono::Weekday::Tue => Weekday::Tue,
        chrono::Weekday::Wed => Weekday::Wed,
        chrono::Weekday::Thu => Weekday::Thu,
        chrono::Weekday::Fri => Weekday::Fri,
        chrono::Weekday::Sat => Weekday::Sat,
        chrono::Weekday::Sun => Weekday::Sun,
    }
}

/// Whether `t`'s local day is in `days` (any when empty) and its local time
/// in `[from, to)` (wrapping past midnight when `from > to`).
pub(crate) fn in_window(t: Timestamp, days: &[Weekday], from: LocalTime, to: LocalTime) -> bool {
    let dt = local(t);
    if !days.is_empty() && !days.contains(&weekday(dt.weekday())) {
        return false;
    }
    let m = u16::try_from(dt.hour() * 60 + dt.minute()).unwrap_or(0);
    let (from, to) = (from.minutes(), to.minutes());
    if from <= to {
        from <= m && m < to
    } else {
        m >= from || m < to
    }
}

/// Whole days (of 24 hours) from `since` to `t`.
pub(crate) fn whole_days(since: Timestamp, t: Timestamp) -> i64 {
    (t.as_datetime() - since.as_datetime()).num_days()
}

/// Days since 1970-01-01 (UTC) of `t`.
pub(crate) fn day_index(t: Timestamp) -> i64 {
    t.as_datetime().timestamp().div_euclid(86_400)
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
}
