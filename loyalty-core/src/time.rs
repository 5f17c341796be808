//! Instants as they travel in JSON: RFC 3339 with an explicit offset.
//!
//! The engine never reads a clock. Every event carries its own time, and the
//! offset it is written with is the member's local time for that event (used
//! by time windows). A timestamp without an offset is an error: a till in
//! Montréal and a server in UTC must not disagree about which day it is.
//!
//! A [`Timestamp`] is kept as plain integers (Unix seconds, nanoseconds,
//! offset), not as chrono's date-time, which keeps a calendar date (year
//! and day of the year) and a time of day. The engine mostly compares
//! instants, adds days to them, counts the seconds between them (an
//! account's times are written relative to its last event) and reads
//! and writes them as text. On integers all of those but the text are a
//! few instructions; chrono's representation turned the date into a day
//! count or back for most of them (in all, some 250 instructions of a
//! café purchase's apply). Reading and writing text costs about the same
//! either way. chrono is still the reference: it does the calendar work
//! the engine rarely needs (months, birthdays, leap seconds, unusual
//! text), through [`Timestamp::as_datetime`], and tests check every fast
//! path against it.

use std::borrow::Cow;
use std::fmt;
use std::num::NonZeroU32;

use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::limits::{MAX_YEAR, MIN_YEAR};
#[cfg(not(target_arch = "wasm32"))]
use crate::text::Padded;
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
// The derived order is the instant's (seconds, then nanoseconds), then the
// offset's; equality is the instant's and the offset's.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    secs: i64,
    /// One more than the nanoseconds into the second, which are
    /// 1,000,000,000 or more during a leap second (the second after second
    /// 59), as chrono keeps them. Never zero: an `Option<Timestamp>` (a
    /// lot's expiry, a purchase's tier bucket time...) takes no more room
    /// than a timestamp, as it did when this type wrapped chrono's, whose
    /// date has such a niche.
    nanos_on: NonZeroU32,
    /// The offset it was written with, in seconds east of UTC (under a day).
    offset: i32,
}

impl fmt::Debug for Timestamp {
    /// As chrono's date-time debugs (what this type's derived `Debug`
    /// printed when it wrapped one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.as_datetime())
    }
}

/// Seconds in a day.
const DAY: i64 = 86_400;

/// Unix seconds of [`Timestamp::max`], 9999-12-31T23:59:59Z.
const LAST: i64 = days_from_civil(9_999, 12, 31) * DAY + DAY - 1;

/// Unix seconds of the first instant of chrono's calendar: an instant
/// before it has no chrono date-time.
const CALENDAR_START: i64 = DateTime::<Utc>::MIN_UTC.timestamp();

/// Unix seconds of the last second of chrono's calendar.
const CALENDAR_END: i64 = DateTime::<Utc>::MAX_UTC.timestamp();

/// Unix seconds of the supported years' first instant ([`MIN_YEAR`]) and
/// of the first instant after them (UTC), as [`Timestamp::parse`] checks
/// them.
const SUPPORTED: (i64, i64) = (
    days_from_civil(MIN_YEAR as u32, 1, 1) * DAY,
    days_from_civil(MAX_YEAR as u32 + 1, 1, 1) * DAY,
);

/// Days from 1970-01-01 to the proleptic Gregorian date `year-month-day`
/// (year 0 to some 2,900,000, month 1 to 12), by C. Neri and L.
/// Schneider's algorithm ("Euclidean affine functions and their
/// application to calendar algorithms", 2022): the year counted from
/// March (a leap day is its last) and moved on by 400 years, so that
/// every step is unsigned and its divisions by constants are
/// multiplications.
const fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let january_or_february = month <= 2;
    let year = year + 400 - january_or_february as u32;
    let month = if january_or_february {
        month + 12
    } else {
        month
    };
    let century = year / 100;
    let year_days = 1_461 * year / 4 - century + century / 4;
    let month_days = (979 * month - 2_919) / 32;
    // Days since 0000-03-01, 400 years (146,097 days) on.
    let n = year_days + month_days + day - 1;
    n as i64 - 719_468 - 146_097
}

/// The proleptic Gregorian date (year, month 1 to 12, day) `days` after
/// 1970-01-01, for the years 0 to some 1,000,000 (none otherwise):
/// [`days_from_civil`] undone, by the same authors' algorithm (unsigned
/// multiplications and shifts, no division left to the processor).
#[cfg(not(target_arch = "wasm32"))]
fn civil_from_days(days: i64) -> Option<(u32, u32, u32)> {
    // Days since 0000-03-01, 400 years on: positive from the year -400.
    let n = u32::try_from(days + 719_468 + 146_097)
        .ok()
        .filter(|&n| n < 1 << 29)?;
    let n1 = 4 * n + 3;
    let century = n1 / 146_097;
    let of_century = n1 % 146_097 / 4;
    let p = 2_939_745_u64 * u64::from(4 * of_century + 3);
    // The high half is the year of the century and the low half its
    // fraction: the day of the (March-based) year. Both fit: the casts
    // keep them.
    let (of_year, year_of_century) = ((p as u32) / 2_939_745 / 4, (p >> 32) as u32);
    let m = 2_141 * of_year + 197_913;
    let (month, day) = (m >> 16, (m & 0xFFFF) / 2_141 + 1);
    let next_year = of_year >= 306;
    let year = (100 * century + year_of_century + u32::from(next_year)).checked_sub(400)?;
    Some((year, if next_year { month - 12 } else { month }, day))
}

/// Days in `month` (1 to 12) of `year` (proleptic Gregorian).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn month_length(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Timestamp {
    /// The latest instant the engine represents: 9999-12-31T23:59:59Z.
    pub fn max() -> Timestamp {
        Timestamp {
            secs: LAST,
            nanos_on: NonZeroU32::MIN,
            offset: 0,
        }
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
        self.nanos_on.get() > 1_000_000_000
    }

    /// This instant minus `days` whole days, or none before the calendar
    /// chrono represents: the same instant as subtracting a duration
    /// (chrono's general arithmetic for a leap second, which it moves).
    pub(crate) fn minus_days(self, days: u32) -> Option<Timestamp> {
        if self.is_leap_second() {
            return self
                .as_datetime()
                .checked_sub_signed(Duration::days(i64::from(days)))
                .map(Timestamp::from_datetime);
        }
        let secs = self.secs - i64::from(days) * DAY;
        (secs >= CALENDAR_START).then_some(Timestamp { secs, ..self })
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
                .map(Timestamp::from_datetime)
                .map_err(|e| TimeError::Syntax(crate::error::clip(s), e.to_string()))?,
        };
        t.supported()
            .ok_or_else(|| TimeError::OutOfRange(crate::error::clip(s)))
    }

    /// This instant plus `seconds`, as chrono's `checked_add_signed` adds
    /// them (none outside its calendar): by Unix seconds, or chrono's way
    /// on a leap second, which it moves.
    pub(crate) fn checked_plus_seconds(self, seconds: i64) -> Option<Timestamp> {
        if self.is_leap_second() {
            return Duration::try_seconds(seconds)
                .and_then(|d| self.as_datetime().checked_add_signed(d))
                .map(Timestamp::from_datetime);
        }
        let secs = self.secs.checked_add(seconds)?;
        (CALENDAR_START..=CALENDAR_END)
            .contains(&secs)
            .then_some(Timestamp { secs, ..self })
    }

    /// This instant, if it is within the supported years (UTC).
    pub(crate) fn supported(self) -> Option<Timestamp> {
        (SUPPORTED.0..SUPPORTED.1)
            .contains(&self.secs)
            .then_some(self)
    }

    /// Wrap a date-time computed by the engine.
    pub(crate) fn from_datetime(t: DateTime<FixedOffset>) -> Timestamp {
        Timestamp {
            secs: t.timestamp(),
            // At most 1,999,999,999: no saturation.
            nanos_on: NonZeroU32::MIN.saturating_add(t.timestamp_subsec_nanos()),
            offset: t.offset().local_minus_utc(),
        }
    }

    /// The instant as a chrono date-time, in the offset it was written with.
    pub fn as_datetime(&self) -> DateTime<FixedOffset> {
        // Every timestamp is made from a chrono date-time or checked to
        // be one (its seconds in chrono's calendar, its offset under a
        // day): the defaults are never used.
        let zone = FixedOffset::east_opt(self.offset).unwrap_or(Utc.fix());
        match DateTime::from_timestamp(self.secs, self.subsec_nanos()) {
            Some(utc) => utc.with_timezone(&zone),
            // chrono makes a leap second at second 59 of the local clock,
            // or of UTC's: with an offset of a fraction of a minute (which
            // only a computed date-time has), only the local one is 59.
            None => DateTime::from_timestamp(self.local_seconds(), self.subsec_nanos())
                .and_then(|local| {
                    chrono::TimeZone::from_local_datetime(&zone, &local.naive_utc()).single()
                })
                .unwrap_or(DateTime::<Utc>::MIN_UTC.fixed_offset()),
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z (a leap second is the second
    /// 59 before it).
    ///
    /// ```
    /// use loyalty_core::Timestamp;
    /// let t = Timestamp::parse("1970-01-01T01:00:00+01:00").unwrap();
    /// assert_eq!((t.unix_seconds(), t.offset_seconds()), (0, 3_600));
    /// ```
    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds into the second (1,000,000,000 or more in a leap second).
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos_on.get() - 1
    }

    /// The offset it was written with, in seconds east of UTC.
    pub fn offset_seconds(&self) -> i32 {
        self.offset
    }

    /// Seconds since 1970-01-01T00:00:00 local time: the Unix seconds
    /// moved by the offset, the count whose days and seconds of the day
    /// are the local date and clock.
    pub(crate) fn local_seconds(&self) -> i64 {
        self.secs + i64::from(self.offset)
    }

    /// Days from a Monday long before chrono's calendar to 1970-01-01, a
    /// Thursday: counted from there, every local day of a timestamp is
    /// positive and its remainder by 7 is its weekday (Monday 0), so the
    /// divisions are unsigned, which the compiler makes a multiplication
    /// and a shift without the fixes a signed one needs.
    pub(crate) const MONDAY_BEFORE: i64 = 3 + 7 * 14_000_000;

    /// The local day counted from [`Timestamp::MONDAY_BEFORE`]'s Monday,
    /// and the local second of the day (a leap second is second 59's).
    pub(crate) fn local_day_and_second(&self) -> (u64, u32) {
        // Every timestamp is in chrono's calendar, some 262,000 years
        // either way (8.3 x 10^12 seconds, less than the shift): the sum
        // is positive.
        let n = u64::try_from(self.local_seconds() + Self::MONDAY_BEFORE * DAY).unwrap_or(0);
        // Under a day: the cast keeps it.
        (n / 86_400, (n % 86_400) as u32)
    }

    /// This instant plus `days` whole days (of 24 hours), saturating at [`Timestamp::max`].
    pub fn plus_days(self, days: u32) -> Timestamp {
        self.plus_seconds(i64::from(days) * DAY)
    }

    /// This instant plus `minutes`, saturating at [`Timestamp::max`].
    pub fn plus_minutes(self, minutes: u32) -> Timestamp {
        self.plus_seconds(i64::from(minutes) * 60)
    }

    /// This instant plus `seconds` (at most some 2^48), saturating at
    /// [`Timestamp::max`]: by Unix seconds, or, on a leap second (which
    /// chrono moves to the next second when it adds a duration), as
    /// chrono adds a duration.
    fn plus_seconds(self, seconds: i64) -> Timestamp {
        let t = if self.is_leap_second() {
            Duration::try_seconds(seconds)
                .and_then(|d| self.as_datetime().checked_add_signed(d))
                .map(Timestamp::from_datetime)
        } else {
            Some(Timestamp {
                secs: self.secs + seconds,
                ..self
            })
        };
        match t {
            Some(t) if t.same_or_before(&Timestamp::max()) => t,
            _ => Timestamp::max(),
        }
    }

    /// Whether this instant is `other`'s or before it, whatever the offsets.
    fn same_or_before(&self, other: &Timestamp) -> bool {
        (self.secs, self.nanos_on) <= (other.secs, other.nanos_on)
    }

    /// Same instant comparison, ignoring offsets.
    pub fn same_instant(&self, other: &Timestamp) -> bool {
        self.secs == other.secs && self.nanos_on == other.nanos_on
    }
}

/// The shape tills and this crate write, `YYYY-MM-DDTHH:MM:SS` and `Z` or
/// `±HH:MM`, read without chrono's general RFC 3339 parser (every event
/// and account carries several timestamps). `None` for anything else
/// (fractions of a second, leap seconds, unusual offsets, invalid dates,
/// any other byte), which chrono then reads, or refuses with its message;
/// where this gives a timestamp, it is chrono's (checked by a test).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn parse_common(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    common(b).and_then(|(t, len)| (len == b.len()).then_some(t))
}

/// The usual shape (see [`parse_common`]) at the start of `b`, whatever
/// follows it: its timestamp and its length (20 or 25 bytes).
///
/// The text is read as four overlapping words (`YYYY-MM-`, `DDTHH:MM`,
/// `HH:MM:SS` and, with an offset, `SS±HH:MM`), each tested and turned
/// into its numbers by a few word operations (see [`digit_word`] and
/// [`pairs`]) rather than byte by byte; the date is checked against its
/// month's length and counted in days by arithmetic.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn common(b: &[u8]) -> Option<(Timestamp, usize)> {
    // Bytes 0-7, 8-15 and 11-18 of a text of at least 20 bytes, and 17-24
    // of one of 25 (constant ranges of a fixed-size array: no test left).
    let head = b.first_chunk::<20>()?;
    let word = |b: &[u8], at: usize| {
        b.get(at..)
            .and_then(<[u8]>::first_chunk::<8>)
            .map_or(0, |w| u64::from_le_bytes(*w))
    };
    const PAIRS: u64 = u64::from_le_bytes([0xFF, 0xFF, 0, 0xFF, 0xFF, 0, 0xFF, 0xFF]);
    let date = pairs(digit_word(
        word(head, 0),
        u64::from_le_bytes([0xFF, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0]),
        u64::from_le_bytes(*b"\0\0\0\0-\0\0-"),
    )?);
    let day_time = pairs(digit_word(
        word(head, 8),
        PAIRS,
        u64::from_le_bytes(*b"\0\0T\0\0:\0\0"),
    )?);
    let time = pairs(digit_word(
        word(head, 11),
        PAIRS,
        u64::from_le_bytes(*b"\0\0:\0\0:\0\0"),
    )?);
    let (offset, len) = match head.last() {
        Some(b'Z') => (0, 20),
        Some(&sign @ (b'+' | b'-')) => {
            let tail = b.first_chunk::<25>()?;
            let punctuation = u64::from(sign) << 16 | u64::from(b':') << 40;
            let zone = pairs(digit_word(word(tail, 17), PAIRS, punctuation)?);
            let (hours, minutes) = (byte(zone, 3), byte(zone, 6));
            if hours > 23 || minutes > 59 {
                return None;
            }
            // Under a day: the cast keeps it.
            let seconds = (hours * 3600 + minutes * 60) as i32;
            (if sign == b'-' { -seconds } else { seconds }, 25)
        }
        _ => return None,
    };
    let year = byte(date, 0) * 100 + byte(date, 2);
    let (month, day) = (byte(date, 5), byte(day_time, 0));
    let (hour, minute, second) = (byte(day_time, 3), byte(day_time, 6), byte(time, 6));
    // Second 60 is refused here: leap seconds are chrono's.
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if !(1..=12).contains(&month) || day == 0 || day > month_length(year, month) {
        return None;
    }
    let local =
        days_from_civil(year, month, day) * DAY + i64::from(hour * 3600 + minute * 60 + second);
    let t = Timestamp {
        secs: local - i64::from(offset),
        nanos_on: NonZeroU32::MIN,
        offset,
    };
    Some((t, len))
}

/// The bytes of `w` (little-endian) where `digits` is `0xFF` as their
/// digit values, the others as 0, when those are all ASCII digits and
/// the others are `punctuation`'s; none otherwise. A byte is a digit when
/// its high nibble is 3 and stays 3 once 6 is added (`0x30`-`0x39`).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn digit_word(w: u64, digits: u64, punctuation: u64) -> Option<u64> {
    const ZEROS: u64 = u64::from_le_bytes([b'0'; 8]);
    const HIGH: u64 = u64::from_le_bytes([0xF0; 8]);
    const SIXES: u64 = u64::from_le_bytes([6; 8]);
    if w & !digits != punctuation {
        return None;
    }
    // The punctuation made `0`, so that every byte is tested alike.
    let v = w & digits | ZEROS & !digits;
    if v & HIGH != ZEROS || v.wrapping_add(SIXES) & HIGH != ZEROS {
        return None;
    }
    Some(v - ZEROS)
}

/// Byte `i` of the result is the two-digit number of bytes `i` and
/// `i + 1` of `x` (digit values, so every byte stays under 100: nothing
/// carries into the next).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn pairs(x: u64) -> u64 {
    x.wrapping_mul(10).wrapping_add(x >> 8)
}

/// Byte `i` of `w` (little-endian).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn byte(w: u64, i: u32) -> u32 {
    u32::from(w.to_le_bytes().get(i as usize).copied().unwrap_or(0))
}

/// Natively, for the fast JSON readers (`json::fast::Text::timestamp`).
#[cfg(not(target_arch = "wasm32"))]
impl Timestamp {
    /// The timestamp whose text starts `b` and ends at the `"` after it,
    /// with the length of its text, when that text is in the usual shape
    /// and the supported years: then it is exactly what
    /// [`Timestamp::parse`] gives the text (none of its bytes ends a JSON
    /// string or escapes), found without scanning the string for its end
    /// first. `None` otherwise, for the general path to read it.
    pub(crate) fn read_quoted(b: &[u8]) -> Option<(Timestamp, usize)> {
        let (t, len) = common(b)?;
        if b.get(len) != Some(&b'"') {
            return None;
        }
        Some((t.supported()?, len))
    }
}

/// RFC 3339 text of a timestamp, written without allocating: accounts and
/// outcomes hold a dozen timestamps, and chrono's formatter (a `String`
/// each) was a visible share of every JSON answer.
///
/// Natively, a local date in the years 0000 to 9999 (every instant the
/// engine reads and nearly every one it computes) is written by
/// [`rfc3339_usual`]; the rest, and the WebAssembly build (where the
/// package's size counts for more), by [`rfc3339_general`].
fn rfc3339(t: &Timestamp) -> Stamp {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(text) = rfc3339_usual(t) {
        return text;
    }
    rfc3339_general(t)
}

/// The text of a timestamp: at most 35 bytes
/// (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+HH:MM`) natively, where
/// [`rfc3339_usual`] writes it at fixed places; [`StackText`] otherwise.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) enum Stamp {
    /// Written by [`rfc3339_usual`]: the first `len` bytes, then spaces.
    Usual { buf: Padded<48>, len: usize },
    /// Written by [`rfc3339_general`].
    General(StackText<40>),
}

#[cfg(not(target_arch = "wasm32"))]
impl Stamp {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only ASCII bytes were written: always UTF-8.
            Stamp::Usual { buf, len } => buf.text(*len).unwrap_or_default(),
            Stamp::General(text) => text.as_str(),
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) type Stamp = StackText<40>;

/// The two decimal digits of each number below 100, made by the compiler:
/// one load per two digits, rather than a division and a remainder per
/// digit.
#[cfg(not(target_arch = "wasm32"))]
// Indexing in a constant is checked by the compiler: it cannot panic when
// the program runs.
#[allow(clippy::indexing_slicing)]
static PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0_u8; 2]; 100];
    let mut n = 0;
    while n < 100 {
        // Both digits are below 10: the casts keep them.
        pairs[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    pairs
};

/// The last two decimal digits of `n`.
#[cfg(not(target_arch = "wasm32"))]
fn pair(n: u32) -> [u8; 2] {
    let i = usize::try_from(n % 100).unwrap_or(0);
    PAIRS.get(i).copied().unwrap_or([b'0'; 2])
}

/// [`rfc3339_general`]'s text, for a local date in the years 0000 to 9999
/// (none otherwise), by arithmetic on the local seconds: their days are
/// the local date ([`civil_from_days`]) and the rest the local clock. The
/// bytes are written at their fixed places. The same text as
/// [`rfc3339_general`] for every instant and offset (checked by a test).
#[cfg(not(target_arch = "wasm32"))]
fn rfc3339_usual(t: &Timestamp) -> Option<Stamp> {
    let (days, secs) = t.local_day_and_second();
    // Under 2^40: the cast keeps it.
    let (year, month, day) = civil_from_days(days as i64 - Timestamp::MONDAY_BEFORE)?;
    if year > 9999 {
        return None;
    }
    // chrono keeps a leap second as nanoseconds past 1,000,000,000 of
    // second 59; it is written as second 60.
    let (mut second, mut nanos) = (secs % 60, t.subsec_nanos());
    if nanos >= 1_000_000_000 {
        second += 1;
        nanos -= 1_000_000_000;
    }
    let offset = t.offset;
    let (hour, minute) = (secs / 3_600, secs / 60 % 60);
    let mut buf = [b' '; 48];
    let ([c0, c1], [y0, y1]) = (pair(year / 100), pair(year));
    let ([mo0, mo1], [d0, d1]) = (pair(month), pair(day));
    let ([h0, h1], [mi0, mi1], [s0, s1]) = (pair(hour), pair(minute), pair(second));
    let head = [
        c0, c1, y0, y1, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0, s1,
    ];
    if let Some(slot) = buf.first_chunk_mut::<19>() {
        *slot = head;
    }
    let mut len = 19;
    // As chrono's `SecondsFormat::AutoSi`: as many digits as needed in
    // groups of three.
    if nanos != 0 {
        let (mut n, width) = if nanos % 1_000_000 == 0 {
            (nanos / 1_000_000, 3)
        } else if nanos % 1_000 == 0 {
            (nanos / 1_000, 6)
        } else {
            (nanos, 9)
        };
        if let Some(slot) = buf.get_mut(len..=len + width) {
            for d in slot.iter_mut().skip(1).rev() {
                // `n % 10` is below 10: the cast keeps it.
                *d = b'0' + (n % 10) as u8;
                n /= 10;
            }
            if let Some(dot) = slot.first_mut() {
                *dot = b'.';
            }
        }
        len += width + 1;
    }
    if offset == 0 {
        if let Some(z) = buf.get_mut(len) {
            *z = b'Z';
        }
        len += 1;
    } else {
        let minutes = offset.unsigned_abs() / 60;
        let ([h0, h1], [m0, m1]) = (pair(minutes / 60), pair(minutes % 60));
        let sign = if offset < 0 { b'-' } else { b'+' };
        let tail = [sign, h0, h1, b':', m0, m1];
        if let Some(slot) = buf.get_mut(len..len + 6) {
            slot.copy_from_slice(&tail);
        }
        len += 6;
    }
    Some(Stamp::Usual {
        buf: Padded(buf),
        len,
    })
}

/// RFC 3339 text of any timestamp, as chrono's
/// `to_rfc3339_opts(SecondsFormat::AutoSi, true)` writes it (checked by a
/// test), without chrono's formatting machinery, which the WebAssembly
/// build would otherwise carry.
fn rfc3339_general(t: &Timestamp) -> Stamp {
    let t = t.as_datetime();
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
    #[cfg(not(target_arch = "wasm32"))]
    let out = Stamp::General(out);
    out
}

/// Natively, for the writers of answers (`json::write::direct`).
#[cfg(not(target_arch = "wasm32"))]
impl Timestamp {
    /// The timestamp as a JSON string, as its `Serialize` writes it with
    /// the JSON writer: its text is only digits and `-`, `:`, `T`, `.`,
    /// `Z`, `+`, which are never escaped, so it is copied between quotes
    /// without the writer's scan for bytes to escape.
    pub(crate) fn push_json(&self, out: &mut String) {
        out.push('"');
        out.push_str(rfc3339(self).as_str());
        out.push('"');
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(rfc3339(self).as_str())
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
        serializer.serialize_str(rfc3339(self).as_str())
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
    /// A timestamp of the usual shape, or near it: dates that do not
    /// exist, hours, minutes and seconds past their range, years at the
    /// ends, fractions, `Z` and `z`, offsets of every sign and size (with
    /// and without their colon), and now and then a wrong byte or a cut.
    fn near_timestamp(next: &mut impl FnMut(u64) -> u64) -> String {
        let year = match next(5) {
            0 => next(10_000),
            1 => [1_969, 1_970, 9_999][next(3) as usize],
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
        if next(20) == 0 {
            // A wrong byte anywhere.
            let at = next(s.len() as u64) as usize;
            let wrong = ['x', '-', ':', '+', ' ', 'T', '9', '/', 'Z', '\u{e9}'][next(10) as usize];
            s.replace_range(at..=at, &wrong.to_string());
        }
        if next(30) == 0 {
            // Cut at a character's start (the wrong byte may be `é`).
            let mut at = next(s.len() as u64) as usize;
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            s.truncate(at);
        }
        s
    }

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
            cases.push(near_timestamp(&mut next));
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

    /// The JSON readers' timestamp (read in place, `Timestamp::read_quoted`)
    /// is what the string and `Timestamp::parse` give, with the reader left
    /// at the same place: on generated timestamps valid and invalid in
    /// every field, at the edges of the calendar (leap days, year ends,
    /// offsets that cross midnight or the supported years' ends, leap
    /// seconds, which chrono reads), and followed by bytes other than the
    /// string's end (more text, an escape, a control byte, nothing).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn timestamps_read_in_place_as_the_string_and_parse_read_them() {
        use crate::json::fast::Text;
        let mut seed = 7_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let mut stamps: Vec<String> = [
            "2024-02-29T23:59:59+23:59",
            "2024-02-29T00:00:00-23:59",
            "2023-02-29T12:00:00Z",
            "2100-02-29T12:00:00Z",
            "2000-02-29T12:00:00Z",
            "2025-12-31T23:30:00-05:00",
            "2026-01-01T00:30:00+05:00",
            "1970-01-01T00:00:00Z",
            "1970-01-01T00:30:00+01:00",
            "1969-12-31T23:30:00-01:00",
            "9999-12-31T23:59:59Z",
            "9999-12-31T23:59:59-00:01",
            "9999-12-31T23:59:59+14:00",
            "0000-01-01T00:00:00Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60-05:00",
            "2026-03-14T09:30:00.5-04:00",
            "2026-03-14T09:30:00z",
            "2026-03-14t09:30:00Z",
            "2026-03-14T09:30:00-0400",
            "2026-03-14T09:30:00+24:00",
        ]
        .map(str::to_owned)
        .into();
        for _ in 0..100_000 {
            stamps.push(near_timestamp(&mut next));
        }
        let ends = [
            "\"", "\",1]", "\"}", "0\"", "Z\"", "\\\"\"", "\n\"", "", " \"",
        ];
        let mut fast = 0;
        for (i, stamp) in stamps.iter().enumerate() {
            let end = if i % 4 == 0 {
                ends[i / 4 % ends.len()]
            } else {
                "\","
            };
            let doc = format!(" \"{stamp}{end}");
            let (mut a, mut b) = (Text::new(&doc), Text::new(&doc));
            let got = a.timestamp();
            let want = b.str().and_then(|s| Timestamp::parse(s).ok());
            assert_eq!(got, want, "{doc}");
            if let (Some(g), Some(w)) = (got, want) {
                assert_eq!(g.as_datetime().offset(), w.as_datetime().offset(), "{doc}");
                assert_eq!(a.rest(), b.rest(), "{doc}");
            }
            let after = doc.get(2..).unwrap_or_default();
            fast += usize::from(Timestamp::read_quoted(after.as_bytes()).is_some());
        }
        assert!(fast > 20_000, "{fast}");
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
            // Spans of none, a year, some years, centuries, and the
            // longest (saturating at the end of time).
            let days = match (seed >> 40) % 5 {
                0 => 0,
                1 => 365,
                2 => ((seed >> 42) % 100_000) as u32,
                3 => ((seed >> 42) % 1_500) as u32,
                _ => u32::MAX,
            };
            // chrono's duration arithmetic, saturating at the end of time.
            let by_chrono = match t
                .as_datetime()
                .checked_add_signed(Duration::days(i64::from(days)))
            {
                Some(later) if later <= Timestamp::max().as_datetime() => {
                    Timestamp::from_datetime(later)
                }
                _ => Timestamp::max(),
            };
            assert_eq!(t.plus_days(days), by_chrono, "{text} + {days} days");
            assert_eq!(
                t.minus_days(days),
                t.as_datetime()
                    .checked_sub_signed(Duration::days(i64::from(days)))
                    .map(Timestamp::from_datetime),
                "{text} - {days} days"
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

    /// The arithmetic writer gives the general writer's text, and
    /// chrono's where the offset is whole minutes (chrono writes seconds
    /// of an offset, which no timestamp the engine reads has), for
    /// instants across the whole calendar and at its ends (the years 0000,
    /// 1969 to 1970, 9999 to 10000 and past), every time of day, fractions
    /// of every width, leap seconds, and offsets of either sign up to a
    /// day less a second; and it writes every local date of the years 0000
    /// to 9999 itself.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn usual_writer_agrees_with_the_general_one_and_chrono() {
        use chrono::{NaiveDate, NaiveTime, TimeZone};
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 17) % n
        };
        let ends = [
            -400, 0, 1, 2, 365, 366, 719_162, 719_163, 719_164, 3_652_059, 3_652_060, 3_652_061,
            3_652_424, 3_652_425, 3_652_426, 3_653_000,
        ];
        let mut usual = 0;
        for _ in 0..400_000 {
            let days = match next(4) {
                0 => ends[next(ends.len() as u64) as usize] + next(3) as i32 - 1,
                1 => 738_000 + next(30_000) as i32,
                _ => next(3_653_400) as i32 - 400,
            };
            let secs = match next(5) {
                0 => [0, 59, 86_340, 86_399][next(4) as usize],
                _ => next(86_400) as u32,
            };
            let nanos = match next(8) {
                0 => next(1_000) as u32 * 1_000_000,
                1 => next(1_000_000) as u32 * 1_000,
                2 => next(1_000_000_000) as u32,
                3 if secs % 60 == 59 => {
                    1_000_000_000 + [0, 5_000_000, 1, 999_999_999][next(4) as usize]
                }
                _ => 0,
            };
            let offset = match next(6) {
                0 => 0,
                1 => [86_399, -86_399, 86_340, -86_340, 60, -60][next(6) as usize],
                2 => next(172_799) as i32 - 86_399,
                _ => (next(2_879) as i32 - 1_439) * 60,
            };
            let (Some(date), Some(time), Some(zone)) = (
                NaiveDate::from_num_days_from_ce_opt(days),
                NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos),
                FixedOffset::east_opt(offset),
            ) else {
                continue;
            };
            let t = zone.from_utc_datetime(&date.and_time(time));
            let stamp = Timestamp::from_datetime(t);
            assert_eq!(stamp.as_datetime(), t, "{t:?}");
            assert_eq!(stamp.as_datetime().offset(), t.offset(), "{t:?}");
            let general = rfc3339_general(&stamp);
            let want = general.as_str();
            if offset % 60 == 0 {
                assert_eq!(
                    want,
                    t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                    "{t:?}"
                );
            }
            let year = chrono::Datelike::year(&t.naive_local());
            match rfc3339_usual(&stamp) {
                Some(text) => {
                    usual += 1;
                    assert_eq!(text.as_str(), want, "{t:?}");
                }
                None => assert!(!(0..=9999).contains(&year), "{t:?}"),
            }
            assert_eq!(rfc3339(&stamp).as_str(), want, "{t:?}");
        }
        assert!(usual > 300_000, "{usual}");
    }

    /// Both day counts are chrono's calendar, on every day of the years
    /// 0000 to 10000 and at the constants' years.
    #[test]
    fn day_counts_are_chronos_calendar() {
        use chrono::{Datelike, NaiveDate};
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let first = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let mut date = first;
        while date.year() <= 10_000 {
            let days = (date - epoch).num_days();
            let (y, m, d) = (date.year() as u32, date.month(), date.day());
            assert_eq!(days_from_civil(y, m, d), days, "{date}");
            #[cfg(not(target_arch = "wasm32"))]
            assert_eq!(civil_from_days(days), Some((y, m, d)), "{date}");
            assert!(month_length(y, m) >= d, "{date}");
            date = date.succ_opt().unwrap();
        }
        #[cfg(not(target_arch = "wasm32"))]
        assert_eq!(civil_from_days((first - epoch).num_days() - 1), None);
        assert_eq!(LAST, Timestamp::parse("9999-12-31T23:59:59Z").unwrap().secs);
        let start = Timestamp::parse("1970-01-01T00:00:00Z").unwrap();
        assert_eq!((start.secs, SUPPORTED.0), (0, 0));
        assert!(Timestamp::parse("9999-12-31T23:59:59-00:01").is_err());
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
            let chrono = t.as_datetime().to_rfc3339_opts(SecondsFormat::AutoSi, true);
            assert_eq!(t.to_string(), chrono, "{text}");
            assert_eq!(
                serde_json::to_string(&t).expect("json"),
                format!("\"{chrono}\"")
            );
        }
        let far = Timestamp::max().as_datetime() + Duration::days(400);
        let t = Timestamp::from_datetime(far);
        assert_eq!(
            t.to_string(),
            far.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        );
    }
}
