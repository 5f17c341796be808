//! Instants as they travel in JSON: RFC 3339 with an explicit offset.
//!
//! The engine never reads a clock. Every event carries its own time, and the
//! offset it is written with is the member's local time for that event (used
//! by time windows). A timestamp without an offset is an error: a till in
//! Montréal and a server in UTC must not disagree about which day it is.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, Duration, FixedOffset};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::limits::{MAX_YEAR, MIN_YEAR};
use crate::text::StackText;

/// An instant with the offset it was written in, e.g. `2026-03-14T09:30:00-04:00`.
///
/// Two timestamps compare by instant; the offset only matters for local
/// time (day of week, hour). Derived instants (expiry dates and the like)
/// saturate at [`Timestamp::max`]: "after the end of time" means never.
///
/// ```
/// use loyalty_core::Timestamp;
/// let t: Timestamp = serde_json::from_str("\"2026-03-14T09:30:00-04:00\"").unwrap();
/// assert_eq!(serde_json::to_string(&t).unwrap(), "\"2026-03-14T09:30:00-04:00\"");
/// assert!(serde_json::from_str::<Timestamp>("\"2026-03-14T09:30:00\"").is_err());
/// ```
#[derive(Clone, Copy, Debug, Eq)]
pub struct Timestamp(DateTime<FixedOffset>);

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.0.offset() == other.0.offset()
    }
}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
        self.0.offset().local_minus_utc().hash(state);
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0).then_with(|| {
            self.0
                .offset()
                .local_minus_utc()
                .cmp(&other.0.offset().local_minus_utc())
        })
    }
}

/// [`Timestamp::max`] in UTC, made by the compiler rather than on every
/// saturating addition.
const LAST: DateTime<chrono::Utc> = {
    let last = match chrono::NaiveDate::from_ymd_opt(9999, 12, 31) {
        Some(day) => match day.and_hms_opt(23, 59, 59) {
            Some(t) => t,
            None => chrono::NaiveDateTime::MAX,
        },
        None => chrono::NaiveDateTime::MAX,
    };
    DateTime::from_naive_utc_and_offset(last, chrono::Utc)
};

impl Timestamp {
    /// The latest instant the engine represents: 9999-12-31T23:59:59Z.
    pub fn max() -> Timestamp {
        Timestamp(LAST.fixed_offset())
    }

    /// An instant to compare with, telling the instants `at` with
    /// `at.plus_days(days) <= self` by `at <= start` (see
    /// [`Timestamp::left_behind`]); none when that needs the per-instant
    /// test: at the last supported instant (where additions saturate), on
    /// a leap second, or before the calendar.
    pub(crate) fn window_start(self, days: u32) -> Option<Timestamp> {
        if self >= Timestamp::max() || self.is_leap_second() {
            return None;
        }
        self.minus_days(days)
    }

    /// Whether a window of `days` ending at `now` has left this instant
    /// behind (`self.plus_days(days) <= now`), with `start` from
    /// [`Timestamp::window_start`]: one comparison unless this is a leap
    /// second, which chrono's arithmetic moves.
    pub(crate) fn left_behind(self, days: u32, now: Timestamp, start: Option<Timestamp>) -> bool {
        match start {
            Some(start) if !self.is_leap_second() => self <= start,
            _ => self.plus_days(days) <= now,
        }
    }

    fn is_leap_second(&self) -> bool {
        chrono::Timelike::nanosecond(&self.0.naive_utc().time()) >= 1_000_000_000
    }

    /// This instant minus `days` whole days, or none before the calendar
    /// chrono represents: the UTC date moves back and the time of day stays
    /// (the general duration arithmetic for a leap second, as in
    /// [`Timestamp::plus_days`]).
    pub(crate) fn minus_days(self, days: u32) -> Option<Timestamp> {
        let utc = self.0.naive_utc();
        if self.is_leap_second() {
            return self
                .0
                .checked_sub_signed(Duration::days(i64::from(days)))
                .map(Timestamp);
        }
        let date = i32::try_from(days)
            .ok()
            .and_then(|d| chrono::Datelike::num_days_from_ce(&utc.date()).checked_sub(d))
            .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)?;
        Some(Timestamp(DateTime::from_naive_utc_and_offset(
            date.and_time(utc.time()),
            *self.0.offset(),
        )))
    }

    /// Parse strict RFC 3339 (`T` separator, explicit offset or `Z`).
    pub fn parse(s: &str) -> Result<Timestamp, TimeError> {
        if s.as_bytes().get(10) != Some(&b'T') {
            return Err(TimeError::Syntax(
                crate::error::clip(s),
                "date and time must be separated by `T`".into(),
            ));
        }
        // The fast reader is left out of the WebAssembly build, where the
        // npm package's size counts for more (chrono reads the same).
        #[cfg(not(target_arch = "wasm32"))]
        let common = parse_common(s);
        #[cfg(target_arch = "wasm32")]
        let common = None;
        let t = match common {
            Some(t) => t,
            None => DateTime::parse_from_rfc3339(s)
                .map_err(|e| TimeError::Syntax(crate::error::clip(s), e.to_string()))?,
        };
        let year = chrono::Datelike::year(&t.naive_utc());
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(TimeError::OutOfRange(crate::error::clip(s)));
        }
        Ok(Timestamp(t))
    }

    /// A computed date-time, if it is within the supported years (what
    /// [`Timestamp::parse`] checks, without writing and reading text).
    pub(crate) fn in_range(t: DateTime<FixedOffset>) -> Option<Timestamp> {
        let year = chrono::Datelike::year(&t.naive_utc());
        (MIN_YEAR..=MAX_YEAR)
            .contains(&year)
            .then_some(Timestamp(t))
    }

    /// Wrap a date-time computed by the engine.
    pub(crate) fn from_datetime(t: DateTime<FixedOffset>) -> Timestamp {
        Timestamp(t)
    }

    /// The wrapped date-time, in the offset it was written with.
    pub fn as_datetime(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// This instant plus `days` whole days (of 24 hours), saturating at [`Timestamp::max`].
    ///
    /// The UTC date moves by `days` and the time of day stays: the same
    /// instant as adding a duration, without chrono's general arithmetic
    /// (every earning works out when its lot expires).
    pub fn plus_days(self, days: u32) -> Timestamp {
        let utc = self.0.naive_utc();
        let date = i32::try_from(days)
            .ok()
            .and_then(|d| chrono::Datelike::num_days_from_ce(&utc.date()).checked_add(d))
            .and_then(chrono::NaiveDate::from_num_days_from_ce_opt);
        // chrono moves a leap second to the next second when it adds a
        // duration: such an instant (and one near the last supported year,
        // which saturates) takes the general path.
        let leap = chrono::Timelike::nanosecond(&utc.time()) >= 1_000_000_000;
        match date {
            Some(date) if chrono::Datelike::year(&date) < MAX_YEAR && !leap => Timestamp(
                DateTime::from_naive_utc_and_offset(date.and_time(utc.time()), *self.0.offset()),
            ),
            _ => self.plus(Duration::days(i64::from(days))),
        }
    }

    /// This instant plus `minutes`, saturating at [`Timestamp::max`].
    pub fn plus_minutes(self, minutes: u32) -> Timestamp {
        self.plus(Duration::minutes(i64::from(minutes)))
    }

    fn plus(self, d: Duration) -> Timestamp {
        match self.0.checked_add_signed(d) {
            Some(t) if t <= Timestamp::max().0 => Timestamp(t),
            _ => Timestamp::max(),
        }
    }

    /// Same instant comparison, ignoring offsets.
    pub fn same_instant(&self, other: &Timestamp) -> bool {
        self.0 == other.0
    }
}

/// The shape tills and this crate write, `YYYY-MM-DDTHH:MM:SS` and `Z` or
/// `±HH:MM`, read without chrono's general RFC 3339 parser (every event
/// and account carries several timestamps). `None` for anything else
/// (fractions of a second, leap seconds, unusual offsets, invalid dates,
/// any other byte), which chrono then reads, or refuses with its message;
/// where this gives a date-time, it is chrono's (checked by a test).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn parse_common(s: &str) -> Option<DateTime<FixedOffset>> {
    use chrono::{NaiveDate, TimeZone};
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let num = |i: usize, n: usize| -> Option<u32> {
        b.get(i..i + n)?.iter().try_fold(0_u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let punctuation = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if punctuation.iter().any(|&(i, c)| at(i) != Some(c)) {
        return None;
    }
    let offset = match (b.len(), at(19)) {
        (20, Some(b'Z')) => 0,
        (25, Some(sign @ (b'+' | b'-'))) if at(22) == Some(b':') => {
            let (hours, minutes) = (num(20, 2)?, num(23, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            if sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let year = i32::try_from(num(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(5, 2)?, num(8, 2)?)?;
    // `and_hms_opt` refuses second 60: leap seconds are chrono's.
    let local = date.and_hms_opt(num(11, 2)?, num(14, 2)?, num(17, 2)?)?;
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&local)
        .single()
}

/// RFC 3339 text of a timestamp, written without allocating: accounts and
/// outcomes hold a dozen timestamps, and chrono's formatter (a `String`
/// each) was a visible share of every JSON answer.
///
/// The same text as chrono's `to_rfc3339_opts(SecondsFormat::AutoSi,
/// true)` (checked by a test), without chrono's formatting machinery,
/// which the WebAssembly build would otherwise carry.
fn rfc3339(t: &DateTime<FixedOffset>) -> StackText<40> {
    use chrono::{Datelike, Timelike};
    let local = t.naive_local();
    let year = local.year();
    // chrono keeps a leap second as nanoseconds past 1,000,000,000 of
    // second 59; it is written as second 60.
    let (mut second, mut nanos) = (local.second(), local.nanosecond());
    if nanos >= 1_000_000_000 {
        second += 1;
        nanos -= 1_000_000_000;
    }
    let mut out = StackText::new();
    // Years outside 0-9999 (none is accepted, but a computed date
    // could reach 10000) are signed, as ISO 8601 and chrono write them.
    if (0..=9999).contains(&year) {
        out.digits(year.unsigned_abs(), 4);
    } else {
        out.push(if year < 0 { b'-' } else { b'+' });
        let n = year.unsigned_abs();
        out.digits(n, n.checked_ilog10().map_or(1, |d| d + 1).max(4));
    }
    out.push(b'-');
    out.digits(local.month(), 2);
    out.push(b'-');
    out.digits(local.day(), 2);
    out.push(b'T');
    out.digits(local.hour(), 2);
    out.push(b':');
    out.digits(local.minute(), 2);
    out.push(b':');
    out.digits(second, 2);
    // As chrono's `SecondsFormat::AutoSi`: as many digits as needed in
    // groups of three.
    if nanos != 0 {
        out.push(b'.');
        if nanos % 1_000_000 == 0 {
            out.digits(nanos / 1_000_000, 3);
        } else if nanos % 1_000 == 0 {
            out.digits(nanos / 1_000, 6);
        } else {
            out.digits(nanos, 9);
        }
    }
    let offset = t.offset().local_minus_utc();
    if offset == 0 {
        out.push(b'Z');
    } else {
        out.push(if offset < 0 { b'-' } else { b'+' });
        let minutes = offset.unsigned_abs() / 60;
        out.digits(minutes / 60, 2);
        out.push(b':');
        out.digits(minutes % 60, 2);
    }
    out
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(rfc3339(&self.0).as_str())
    }
}

/// Why a string is not an acceptable timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not RFC 3339 with an offset.
    #[error("`{0}` is not an RFC 3339 timestamp with an offset ({1}), e.g. \"2026-03-14T09:30:00-04:00\"")]
    Syntax(String, String),
    /// Outside the supported years.
    #[error("`{0}` is outside the supported years {MIN_YEAR} to {MAX_YEAR}")]
    OutOfRange(String),
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(rfc3339(&self.0).as_str())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an RFC 3339 timestamp with an offset, e.g. \"2026-03-14T09:30:00-04:00\"",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An RFC 3339 timestamp with an explicit offset, e.g. \"2026-03-14T09:30:00-04:00\"."
        })
    }
}

#[cfg(test)]
mod tests {

    /// One subtraction tells the instants that a window of `days` has
    /// left behind exactly as adding `days` to each would.
    #[test]
    fn window_start_agrees_with_adding_days() {
        let mut seed = 23_u64;
        let stamp = |seed: u64| {
            let year = if seed % 7 == 0 {
                9_999
            } else {
                1_970 + seed % 8_030
            };
            format!(
                "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
                1 + (seed >> 8) % 12,
                1 + (seed >> 12) % 28,
                (seed >> 17) % 24,
                (seed >> 22) % 60,
                if (seed >> 28) % 40 == 0 {
                    60
                } else {
                    (seed >> 28) % 60
                },
                ["Z", "-05:00", "+13:45"][((seed >> 36) % 3) as usize],
            )
        };
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let Ok(now) = Timestamp::parse(&stamp(seed)) else {
                continue;
            };
            let now = if seed % 11 == 0 {
                Timestamp::max()
            } else {
                now
            };
            let days = [0, 1, 30, 365, 3_000_000][((seed >> 44) % 5) as usize];
            let cutoff = now.window_start(days);
            for k in 0..4_u64 {
                let s = seed.rotate_left(13 * k as u32 + 7);
                let at = match k {
                    0 => now,
                    1 => now.minus_days(days).unwrap_or(now),
                    _ => match Timestamp::parse(&stamp(s)) {
                        Ok(at) => at,
                        Err(_) => continue,
                    },
                };
                let want = at.plus_days(days) <= now;
                let got = at.left_behind(days, now, cutoff);
                assert_eq!(got, want, "{at} + {days} days vs {now}");
            }
        }
    }

    /// [`Timestamp::parse`] as it was, with chrono's parser only.
    fn by_chrono(s: &str) -> Result<super::Timestamp, super::TimeError> {
        use super::{TimeError, Timestamp};
        use crate::limits::{MAX_YEAR, MIN_YEAR};
        if s.as_bytes().get(10) != Some(&b'T') {
            return Err(TimeError::Syntax(
                crate::error::clip(s),
                "date and time must be separated by `T`".into(),
            ));
        }
        let t = chrono::DateTime::parse_from_rfc3339(s)
            .map_err(|e| TimeError::Syntax(crate::error::clip(s), e.to_string()))?;
        let year = chrono::Datelike::year(&t.naive_utc());
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(TimeError::OutOfRange(crate::error::clip(s)));
        }
        Ok(Timestamp::from_datetime(t))
    }

    /// The common shape read without chrono gives what chrono gives (the
    /// same instant and offset, or the same error), on timestamps valid and
    /// invalid in every field: dates that do not exist, hours, minutes and
    /// seconds past their range, leap seconds, offsets of every sign and
    /// size (`-00:00`, past a day), `Z` and `z`, fractions, wrong bytes.
    #[test]
    fn common_timestamps_read_as_chrono_reads_them() {
        let mut seed = 99_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let mut cases = vec![
            "2026-03-14T09:30:00Z".to_owned(),
            "2026-03-14T09:30:00-00:00".to_owned(),
            "2026-03-14T09:30:00+00:00".to_owned(),
            "2024-02-29T23:59:59+23:59".to_owned(),
            "2023-02-29T00:00:00Z".to_owned(),
            "9999-12-31T23:59:59Z".to_owned(),
            "9999-12-31T23:59:59-01:00".to_owned(),
            "0000-01-01T00:00:00+01:00".to_owned(),
            "2026-06-30T23:59:60Z".to_owned(),
        ];
        for _ in 0..200_000 {
            let year = match next(4) {
                0 => next(10_000),
                _ => 1_990 + next(60),
            };
            let mut s = format!(
                "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                next(14),
                next(33),
                next(26),
                next(62),
                next(62)
            );
            if next(10) == 0 {
                s.push_str(&format!(".{}", next(1_000_000)));
            }
            match next(8) {
                0 => s.push('Z'),
                1 => s.push('z'),
                2 => s.push_str(&format!("+{:02}:{:02}", next(100), next(100))),
                3 => s.push_str(&format!("-{:02}{:02}", next(24), next(60))),
                _ => s.push_str(&format!(
                    "{}{:02}:{:02}",
                    if next(2) == 0 { '+' } else { '-' },
                    next(24),
                    next(60)
                )),
            }
            if next(50) == 0 {
                // A wrong byte anywhere.
                let at = next(s.len() as u64) as usize;
                let wrong = ['x', '-', ':', '+', ' ', 'T', '9', '/'][next(8) as usize];
                s.replace_range(at..=at, &wrong.to_string());
            }
            cases.push(s);
        }
        let mut common = 0;
        for s in &cases {
            let (got, want) = (super::Timestamp::parse(s), by_chrono(s));
            assert_eq!(got, want, "{s}");
            if let (Ok(a), Ok(b)) = (got, want) {
                assert_eq!(a.as_datetime().offset(), b.as_datetime().offset(), "{s}");
                assert_eq!(a.to_string(), b.to_string(), "{s}");
            }
            common += usize::from(super::parse_common(s).is_some());
        }
        assert!(common > 50_000, "{common}");
    }

    /// Moving the date gives the same instant as adding days as a duration,
    /// for times of day with fractions and leap seconds, near the last
    /// year, and with offsets of either sign.
    #[test]
    fn plus_days_agrees_with_duration_arithmetic() {
        let mut seed = 17_u64;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let year = if seed % 5 == 0 {
                9_990 + seed % 10
            } else {
                1_970 + seed % 8_000
            };
            let text = format!(
                "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}",
                1 + (seed >> 8) % 12,
                1 + (seed >> 12) % 28,
                (seed >> 17) % 24,
                (seed >> 22) % 60,
                if (seed >> 28) % 50 == 0 {
                    60
                } else {
                    (seed >> 28) % 60
                },
                if (seed >> 34) % 3 == 0 { ".25" } else { "" },
                ["Z", "-05:00", "+13:45", "-23:59"][((seed >> 36) % 4) as usize],
            );
            let Ok(t) = Timestamp::parse(&text) else {
                continue;
            };
            let days = match (seed >> 40) % 4 {
                0 => 0,
                1 => 365,
                2 => ((seed >> 42) % 100_000) as u32,
                _ => u32::MAX,
            };
            assert_eq!(
                t.plus_days(days),
                t.plus(Duration::days(i64::from(days))),
                "{text} + {days} days"
            );
        }
    }
    use super::*;
    use chrono::SecondsFormat;

    #[test]
    fn requires_an_offset() {
        assert!(Timestamp::parse("2026-01-01T10:00:00").is_err());
        assert!(Timestamp::parse("2026-01-01 10:00:00+01:00").is_err());
        assert!(Timestamp::parse("2026-02-30T10:00:00Z").is_err());
        assert!(Timestamp::parse("2026-01-01T10:00:00Z").is_ok());
    }

    #[test]
    fn saturates_at_the_end_of_time() {
        let t = Timestamp::parse("9999-12-30T00:00:00Z").ok();
        assert_eq!(t.map(|t| t.plus_days(10)), Some(Timestamp::max()));
    }

    #[test]
    fn prints_z_for_utc() {
        let t = Timestamp::parse("2026-01-01T10:00:00+00:00").ok();
        assert_eq!(
            t.map(|t| t.to_string()),
            Some("2026-01-01T10:00:00Z".into())
        );
    }

    /// The allocation-free writer and chrono's agree on every form.
    #[test]
    fn writes_what_chrono_writes() {
        for text in [
            "2026-01-01T10:00:00Z",
            "1970-01-01T00:00:00-12:00",
            "9999-12-31T23:59:59+14:00",
            "2026-03-08T02:30:00.5-05:00",
            "2026-03-08T02:30:00.123456+05:45",
            "2026-03-08T02:30:00.000000001-00:30",
            "2026-03-08T02:30:00.120+01:00",
            "2016-12-31T23:59:60Z",
        ] {
            let t = Timestamp::parse(text).expect("valid");
            let chrono = t.0.to_rfc3339_opts(SecondsFormat::AutoSi, true);
            assert_eq!(t.to_string(), chrono, "{text}");
            assert_eq!(
                serde_json::to_string(&t).expect("json"),
                format!("\"{chrono}\"")
            );
        }
        let far = Timestamp::max().0 + Duration::days(400);
        let t = Timestamp::from_datetime(far);
        assert_eq!(
            t.to_string(),
            far.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        );
    }
}
