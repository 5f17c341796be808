//! A reader for the documents every call brings, in the shape tools write
//! them: a purchase event (and, in `account::compact`, an account) of
//! known keys, strings without escapes, integers and `null`.
//!
//! serde_json and the derived visitors spend most of reading an event on
//! their machinery (a key costs as much as the string it names): this
//! reader goes over the text once, byte by byte, and builds the value
//! directly with the same functions the `Deserialize` impls call
//! (`Timestamp::parse`, `Dec::from_str`). It accepts only what those impls
//! accept and reads it to the same value; anything else (an escape, an
//! unknown or repeated key, a float, a value of another type, a nested
//! shape it does not know, bytes after the document) makes it give up with
//! `None`, and the caller reads the text with serde, which gives the same
//! value or the error with its path. It is left out of the WebAssembly
//! build (the npm package's size budget).

#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use rust_decimal::Decimal;

use crate::decimal::Dec;
use crate::event::{EventId, Line, Purchase};
use crate::id::Id;
use crate::limits::{MAX_INTEGER_DIGITS, MAX_SCALE};
use crate::time::Timestamp;

/// A position in a JSON text, and where to keep the timestamps read, if
/// anywhere (see [`ReadTimes`]).
pub(crate) struct Text<'a, 't> {
    s: &'a str,
    at: usize,
    times: Option<&'t mut ReadTimes<'a>>,
}

/// How many timestamps a [`ReadTimes`] keeps: an account in a café
/// program has four or five (enrolment, last event, the tier's dates).
const READ_TIMES: usize = 6;

/// Timestamps a reader read, each with where its text is in the document
/// when that is the text [`Timestamp::push_json`] writes for the same
/// value, so that a writer can copy it rather than format it.
///
/// The stateless JSON door writes back nearly every timestamp it read
/// (the account's enrolment and tier dates, the event's time as the
/// account's last event, the tier's review as the outcome's next
/// evaluation), and formatting one was some 300 instructions. Only texts
/// in the usual shape are kept (the shape `Timestamp::read_quoted` reads:
/// a date, a time to the second, `Z` or an offset), which the writer
/// writes back to the byte, but for an offset of zero written `+00:00`
/// or `-00:00` (written back `Z`): a kept text is therefore 22 bytes
/// with its quotes when its offset is zero, else 27.
///
/// Small (the texts are positions in the one document) and filled where
/// the caller keeps it: a list of texts moved from the reader to the
/// writer cost more in copies than it saved.
#[derive(Clone, Copy)]
pub(crate) struct ReadTimes<'a> {
    text: &'a str,
    kept: [Option<(Timestamp, u32)>; READ_TIMES],
    n: usize,
}

impl<'a> ReadTimes<'a> {
    /// None read, in `text`.
    pub(crate) const fn none(text: &'a str) -> ReadTimes<'a> {
        ReadTimes {
            text,
            kept: [None; READ_TIMES],
            n: 0,
        }
    }

    /// Keeps `t`, whose quoted text starts at `at`, while there is room.
    #[inline]
    fn keep(&mut self, t: Timestamp, at: usize) {
        if let (Some(slot), Ok(at)) = (self.kept.get_mut(self.n), u32::try_from(at)) {
            *slot = Some((t, at));
            self.n += 1;
        }
    }

    /// The quoted text of `t`, when it was read.
    #[inline]
    fn text_of(&self, t: &Timestamp) -> Option<&'a str> {
        let (_, at) = self
            .kept
            .iter()
            .take(self.n)
            .flatten()
            .find(|(k, _)| k == t)?;
        let len = if t.offset_seconds() == 0 { 22 } else { 27 };
        let at = *at as usize;
        self.text.get(at..at + len)
    }

    /// Every kept text is the one `push_json` writes for its value.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn assert_written_back(&self) {
        for (t, _) in self.kept.iter().take(self.n).flatten() {
            let mut written = String::new();
            t.push_json(&mut written);
            assert_eq!(Some(written.as_str()), self.text_of(t));
        }
    }
}

/// Appends `t` to `out` as [`Timestamp::push_json`] does: its text as
/// read in one of `times`' documents, when it was.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
pub(crate) fn push_time(out: &mut String, t: &Timestamp, times: &[ReadTimes<'_>]) {
    match times.iter().find_map(|r| r.text_of(t)) {
        Some(quoted) => out.push_str(quoted),
        None => t.push_json(out),
    }
}

impl<'a, 't> Text<'a, 't> {
    pub(crate) fn new(s: &'a str) -> Self {
        Text {
            s,
            at: 0,
            times: None,
        }
    }

    /// A text whose timestamps read in the usual shape are kept in
    /// `times` (emptied first), when given.
    pub(crate) fn keeping_times(s: &'a str, times: Option<&'t mut ReadTimes<'a>>) -> Self {
        let times = times.map(|times| {
            *times = ReadTimes::none(s);
            times
        });
        Text { s, at: 0, times }
    }

    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    /// Skips JSON whitespace (serde_json's four bytes). Compact JSON has
    /// none, and every byte that starts a token is above a space: one
    /// comparison settles it (this runs before every token).
    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes().get(self.at) {
            if b > b' ' || !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not taken.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes().get(self.at).copied()
    }

    /// Takes `c` (after whitespace).
    #[inline]
    pub(crate) fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? != c {
            return None;
        }
        self.at += 1;
        Some(())
    }

    /// Takes `null` when it comes next.
    #[inline]
    pub(crate) fn null(&mut self) -> Option<bool> {
        if self.peek()? != b'n' {
            return Some(false);
        }
        let end = self.at + 4;
        if self.bytes().get(self.at..end)? != b"null" {
            return None;
        }
        self.at = end;
        Some(true)
    }

    /// A string without escapes or control bytes (which serde would read
    /// as it is, borrowed).
    #[inline]
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let rest = self.bytes().get(start..)?;
        let len = first_special(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.at = start + len + 1;
        // `"` is ASCII, so both ends are character boundaries.
        self.s.get(start..start + len)
    }

    /// A timestamp (a string `Timestamp::parse` accepts), or none: in the
    /// usual shape read in place (`Timestamp::read_quoted`, the same value),
    /// else as [`Text::str`] and `Timestamp::parse` read it.
    /// (The WebAssembly build, where the package's size counts for more,
    /// has only the general path.)
    pub(crate) fn timestamp(&mut self) -> Option<Timestamp> {
        self.skip_ws();
        #[cfg(not(target_arch = "wasm32"))]
        if let Some((b'"', rest)) = self.bytes().get(self.at..).and_then(<[u8]>::split_first) {
            if let Some((t, len)) = Timestamp::read_quoted(rest) {
                if let Some(times) = self.times.as_deref_mut() {
                    if len == 20 || t.offset_seconds() != 0 {
                        times.keep(t, self.at);
                    }
                }
                self.at += len + 2;
                return Some(t);
            }
        }
        Timestamp::parse(self.str()?).ok()
    }

    /// What is left to read (for tests comparing two readers).
    #[cfg(test)]
    pub(crate) fn rest(&self) -> &'a str {
        self.s.get(self.at..).unwrap_or_default()
    }

    /// `null`, or what `read` reads.
    #[inline]
    pub(crate) fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if self.null()? {
            return Some(None);
        }
        read(self).map(Some)
    }

    /// A string or `null`.
    pub(crate) fn opt_str(&mut self) -> Option<Option<&'a str>> {
        self.nullable(Self::str)
    }

    /// Digits of a non-negative integer in JSON's grammar (no leading
    /// zero; a fraction or an exponent would make it a float, which the
    /// integer fields refuse), with no whitespace before them.
    #[inline]
    fn digits(&mut self) -> Option<u64> {
        let rest = self.bytes().get(self.at..)?;
        // One pass: the value and the count of digits together.
        let (mut n, mut len) = (0_u64, 0);
        for &b in rest {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            n = n.checked_mul(10)?.checked_add(u64::from(d))?;
            len += 1;
        }
        if len == 0 || (len > 1 && rest.first() == Some(&b'0')) {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = rest.get(len) {
            return None;
        }
        self.at += len;
        Some(n)
    }

    /// A non-negative integer.
    #[inline]
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.skip_ws();
        self.digits()
    }

    /// Always inlined, as [`Text::i64`] is (a quantity in each basket
    /// line and each line record of an account).
    #[inline(always)]
    pub(crate) fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.u64()?).ok()
    }

    /// An integer that fits an `i64`, as serde_json reads one for an
    /// `i64` field: digits, or `-` and digits. `-0` is a float to
    /// serde_json (its negative zero), which an integer field refuses: it
    /// gives up, as it does below `i64::MIN` or above `i64::MAX`.
    ///
    /// Always inlined: an account holds a few dozen of them, most of one
    /// digit or two, and the call cost about what reading one does
    /// (`inline(always)` on `Text::str` or `Id::new` cost more than it
    /// saved, and was left out).
    #[inline(always)]
    pub(crate) fn i64(&mut self) -> Option<i64> {
        if self.peek()? != b'-' {
            return i64::try_from(self.digits()?).ok();
        }
        self.at += 1;
        match self.digits()? {
            0 => None,
            n => 0_i64.checked_sub_unsigned(n),
        }
    }

    pub(crate) fn i32(&mut self) -> Option<i32> {
        i32::try_from(self.i64()?).ok()
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self) -> Option<bool> {
        self.skip_ws();
        let rest = self.bytes().get(self.at..)?;
        let (v, len) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return None;
        };
        self.at += len;
        Some(v)
    }

    /// Opens a positional array: `true` when an element follows, `false`
    /// when it was empty (its `]` taken). [`Text::then`] goes on.
    #[inline]
    pub(crate) fn open(&mut self) -> Option<bool> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(false);
        }
        Some(true)
    }

    /// After an element of an array opened with [`Text::open`]: `true`
    /// when another one follows, `false` when the array closed.
    #[inline]
    pub(crate) fn then(&mut self) -> Option<bool> {
        self.more(b']')
    }

    /// After an element or member: `true` after a `,`, `false` after the
    /// closing `close`.
    #[inline]
    fn more(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            c if c == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// An array, each element read by `item`.
    ///
    /// A list with elements starts with room for four, as a `Vec`'s first
    /// push would make it (so capacities are the same), but allocated
    /// directly rather than through the push's growth path, a few hundred
    /// instructions of reading an account; an empty one allocates nothing.
    pub(crate) fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        if !self.open()? {
            return Some(Vec::new());
        }
        let mut out = Vec::with_capacity(4);
        loop {
            out.push(item(self)?);
            if !self.then()? {
                return Some(out);
            }
        }
    }

    /// An array whose elements `item` reads in place, given their index
    /// (into a list the caller reuses); how many there were.
    pub(crate) fn items(
        &mut self,
        mut item: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<usize> {
        if !self.open()? {
            return Some(0);
        }
        let mut n = 0;
        loop {
            item(self, n)?;
            n += 1;
            if !self.then()? {
                return Some(n);
            }
        }
    }

    /// An object, each member's value read by `member` given its key's
    /// index in `keys` (a reader's known keys, in the order tools write
    /// them); another key gives up, and so does a key written with an
    /// escape (no known key needs one), as serde would read it otherwise.
    ///
    /// Each key is compared with the text where it starts, the one after
    /// the last key read first, then the others in order, rather than
    /// found as a string and dispatched by name: tools write the keys of
    /// an object in one order, so the first comparison almost always
    /// holds (scanning a key for its `"` and matching it by name was a
    /// fifth of reading an event).
    pub(crate) fn members(
        &mut self,
        keys: &[Key],
        mut member: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        let mut next = 0;
        loop {
            self.skip_ws();
            let rest = self.bytes().get(self.at..)?;
            let i = Key::find(keys, next, rest)?;
            let key = keys.get(i)?;
            self.at += key.name.len() + 2;
            self.eat(b':')?;
            member(self, i)?;
            next = i + 1;
            if !self.more(b'}')? {
                return Some(());
            }
        }
    }

    /// Nothing but whitespace is left.
    pub(crate) fn end(&mut self) -> Option<()> {
        self.skip_ws();
        (self.at == self.s.len()).then_some(())
    }
}

/// Reads an object with [`Text::members`] from `"key" => value` arms, the
/// keys in the order tools write them: the table of keys is made from the
/// arms, and a member is dispatched by its key's index in it (a chain of
/// comparisons the compiler makes a jump), not matched by name again.
macro_rules! members {
    ($t:ident, { $($key:literal => $read:expr),+ $(,)? }) => {{
        const KEYS: &[$crate::json::fast::Key] = &[$($crate::json::fast::Key::new($key)),+];
        $t.members(KEYS, |$t, index| {
            let mut arm = 0;
            $(
                if index == arm {
                    return $read;
                }
                arm += 1;
            )+
            let _ = arm;
            None
        })
    }};
}
// For the account's reader (`account::compact`), which is native only.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use members;

/// A known key of an object, as [`Text::members`] compares it with the
/// text: the first 24 bytes of `"name"` as a 128-bit and a 64-bit
/// little-endian word, with masks of the bytes that count, so that one
/// comparison is a few word operations (a byte comparison of a dynamic
/// length is a `memcmp` call).
pub(crate) struct Key {
    name: &'static str,
    head: u128,
    head_mask: u128,
    tail: u64,
    tail_mask: u64,
}

impl Key {
    /// The key `name`, made at compile time (the readers' tables are
    /// constants).
    pub(crate) const fn new(name: &'static str) -> Key {
        let mut key = Key {
            name,
            head: 0,
            head_mask: 0,
            tail: 0,
            tail_mask: 0,
        };
        let mut at = 0;
        key.put(at, b'"');
        let mut rest = name.as_bytes();
        while let [b, tail @ ..] = rest {
            at += 1;
            key.put(at, *b);
            rest = tail;
        }
        key.put(at + 1, b'"');
        key
    }

    /// Puts `b` at `at` in the words; past them it is left to the byte
    /// comparison.
    const fn put(&mut self, at: usize, b: u8) {
        if at < 16 {
            self.head |= (b as u128) << (8 * at);
            self.head_mask |= 0xff << (8 * at);
        } else if at < 24 {
            self.tail |= (b as u64) << (8 * (at - 16));
            self.tail_mask |= 0xff << (8 * (at - 16));
        }
    }

    /// Whether `text` starts with this key, quoted.
    #[inline(always)]
    fn starts(&self, text: &[u8]) -> bool {
        let n = self.name.len();
        if n <= 22 {
            if let Some((head, tail)) = text
                .first_chunk::<24>()
                .and_then(|w| w.split_first_chunk::<16>())
            {
                if let Some(tail) = tail.first_chunk::<8>() {
                    let h = (u128::from_le_bytes(*head) ^ self.head) & self.head_mask;
                    let t = (u64::from_le_bytes(*tail) ^ self.tail) & self.tail_mask;
                    return h == 0 && t == 0;
                }
            }
        }
        // Near the end of the text, or a long name: byte by byte.
        text.first() == Some(&b'"')
            && text.get(1..=n) == Some(self.name.as_bytes())
            && text.get(n + 1) == Some(&b'"')
    }

    /// Which of `keys` `text` starts with: `next` first, then the ones
    /// after it, then those before. A key is compared with its closing
    /// `"`, so at most one of distinct keys starts the text: the order
    /// only makes the usual one come first.
    #[inline(always)]
    fn find(keys: &[Key], next: usize, text: &[u8]) -> Option<usize> {
        let mut i = next;
        for _ in 0..keys.len() {
            if i >= keys.len() {
                i = 0;
            }
            if keys.get(i)?.starts(text) {
                return Some(i);
            }
            i += 1;
        }
        None
    }
}

/// Where the first `"`, `\\` or control byte of `bytes` is: eight bytes
/// at a time (`write::special` marks them; its lowest mark is always
/// exact), then byte by byte.
fn first_special(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let marks = super::write::special(u64::from_le_bytes(*word));
        if marks != 0 {
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let i = bytes
        .get(at..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some(at + i)
}

/// Fills an empty slot; a key seen twice gives up.
pub(crate) fn once<T>(slot: &mut Option<T>, v: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(v);
    Some(())
}

/// A decimal string, read straight from the text into its value (`str`
/// then `Dec::from_str` was a fifth of reading an event).
fn dec(t: &mut Text<'_, '_>) -> Option<Dec> {
    t.eat(b'"')?;
    let (d, len) = decimal(t.bytes().get(t.at..)?)?;
    t.at += len;
    Some(d)
}

/// The decimal at the start of `b` and the length it takes with its
/// closing `"`, when `b` is `Dec::from_str`'s grammar (an optional `-`, one
/// to `MAX_INTEGER_DIGITS` digits, optionally a `.` and one to `MAX_SCALE`
/// digits) then `"`; anything else (an escape included) gives up. The value
/// is the one `Decimal::from_str_exact` gives that text: its digits as the
/// mantissa, the count after the point as the scale, the sign of the `-`
/// (`from_parts`, which it ends with too, drops the sign of a zero).
pub(crate) fn decimal(b: &[u8]) -> Option<(Dec, usize)> {
    let negative = b.first() == Some(&b'-');
    let mut at = usize::from(negative);
    let (int, n) = digit_run(b.get(at..)?, MAX_INTEGER_DIGITS as usize)?;
    at += n;
    let (mut mantissa, mut scale) = (u128::from(int), 0);
    if b.get(at) == Some(&b'.') {
        at += 1;
        let (frac, f) = digit_run(b.get(at..)?, MAX_SCALE as usize)?;
        at += f;
        // Below 10^15 times 10^8, plus below 10^8: far inside 128 bits.
        mantissa = mantissa
            .wrapping_mul(u128::from(POW10.get(f).copied()?))
            .wrapping_add(u128::from(frac));
        scale = f as u32;
    }
    if b.get(at) != Some(&b'"') {
        return None;
    }
    // As `from_str_exact` ends: the mantissa's three 32-bit words (it is
    // below 10^23, inside 96 bits).
    let d = Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        (mantissa >> 64) as u32,
        negative,
        scale,
    );
    Some((Dec(d), at + 1))
}

/// `10^i`, for the scales a decimal string may have (its length fails
/// to compile if `MAX_SCALE` changes).
const POW10: [u64; MAX_SCALE as usize + 1] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The value and count of the ASCII digits `b` starts with: one to `max`
/// of them (`max` at most 19, so the value fits), else `None`.
#[inline]
fn digit_run(b: &[u8], max: usize) -> Option<(u64, usize)> {
    let (mut n, mut len) = (0_u64, 0);
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if len == max {
            return None;
        }
        n = n.wrapping_mul(10).wrapping_add(u64::from(d));
        len += 1;
    }
    (len > 0).then_some((n, len))
}

fn line(t: &mut Text<'_, '_>) -> Option<Line> {
    let (mut sku, mut category, mut tags) = (None, None, None);
    let (mut quantity, mut unit_price, mut discount, mut reward_discount) =
        (None, None, None, None);
    members!(t, {
        "sku" => once(&mut sku, Id::from(t.str()?)),
        "category" => once(&mut category, t.opt_str()?.map(Id::from)),
        "tags" => once(&mut tags, t.list(|t| t.str().map(str::to_owned))?),
        "quantity" => once(&mut quantity, t.u32()?),
        "unit_price" => once(&mut unit_price, dec(t)?),
        "discount" => once(&mut discount, opt_dec(t)?),
        "reward_discount" => once(&mut reward_discount, opt_dec(t)?),
    })?;
    Some(Line {
        sku: sku?,
        category: category.flatten(),
        tags: tags.unwrap_or_default(),
        quantity: quantity?,
        unit_price: unit_price?,
        discount: discount.flatten(),
        reward_discount: reward_discount.flatten(),
    })
}

fn opt_dec(t: &mut Text<'_, '_>) -> Option<Option<Dec>> {
    t.nullable(dec)
}

/// A purchase event (`"type": "purchase"`, anywhere, once), as
/// `parse_event` reads it, with the timestamps read in it written to
/// `times` when given (see [`ReadTimes`]); `None` when serde must read it.
pub(crate) fn purchase<'a>(json: &'a str, times: Option<&mut ReadTimes<'a>>) -> Option<Purchase> {
    let mut t = Text::keeping_times(json, times);
    let (mut kind, mut id, mut time, mut location, mut staff) = (None, None, None, None, None);
    let (mut channel, mut lines, mut redemptions) = (None, None, None);
    members!(t, {
        "type" => {
            if t.str()? != "purchase" {
                return None;
            }
            once(&mut kind, ())
        },
        "id" => once(&mut id, EventId::from(t.str()?)),
        "time" => once(&mut time, t.timestamp()?),
        "location" => once(&mut location, t.opt_str()?.map(str::to_owned)),
        "staff" => once(&mut staff, t.opt_str()?.map(str::to_owned)),
        "channel" => once(&mut channel, t.opt_str()?.map(str::to_owned)),
        "lines" => once(&mut lines, t.list(line)?),
        "redemptions" => once(&mut redemptions, t.list(|t| t.str().map(str::to_owned))?),
    })?;
    t.end()?;
    kind?;
    Some(Purchase {
        id: id?,
        time: time?,
        location: location.flatten(),
        staff: staff.flatten(),
        channel: channel.flatten(),
        lines: lines?,
        redemptions: redemptions.unwrap_or_default(),
    })
}

/// [`purchase`] read over `into`, a purchase read before (the kept
/// account's last event), reusing its strings and lists: the same value
/// [`purchase`] would give, without the allocations of a new one (a
/// `String` for the id and for each line's SKU and category, and the
/// lists) or the freeing of the old one, which were a tenth of a kept
/// account's event. `None` when [`purchase`] would give none; `into` is
/// then left holding anything.
///
/// `spare` keeps lines from one purchase to the next: the lines of a
/// longer purchase before are moved there, and a purchase longer than the
/// last is read over them (baskets of 1 to 5 lines otherwise made and
/// freed two strings for every line more than the last one's, 2 of the 5
/// allocations of a kept café event).
///
/// Never inlined: the kept account's `apply_in` is large, and inlined
/// into it this was some 200 instructions an event slower.
#[cfg(not(target_arch = "wasm32"))]
#[inline(never)]
pub(crate) fn purchase_into(json: &str, into: &mut Purchase, spare: &mut Vec<Line>) -> Option<()> {
    let mut t = Text::new(json);
    // Which members were read: a repeated one gives up, as in `purchase`.
    let [mut kind, mut id, mut time, mut location, mut staff, mut channel, mut lines, mut redemptions] =
        [false; 8];
    let Purchase {
        id: id_into,
        time: time_into,
        location: location_into,
        staff: staff_into,
        channel: channel_into,
        lines: lines_into,
        redemptions: redemptions_into,
    } = into;
    members!(t, {
        "type" => {
            if t.str()? != "purchase" {
                return None;
            }
            first(&mut kind)
        },
        "id" => {
            first(&mut id)?;
            // A new id: the old one is shared with the account's memory
            // of recent events and the purchase's record.
            *id_into = EventId::from(t.str()?);
            Some(())
        },
        "time" => {
            first(&mut time)?;
            *time_into = t.timestamp()?;
            Some(())
        },
        "location" => {
            first(&mut location)?;
            set_opt(location_into, t.opt_str()?);
            Some(())
        },
        "staff" => {
            first(&mut staff)?;
            set_opt(staff_into, t.opt_str()?);
            Some(())
        },
        "channel" => {
            first(&mut channel)?;
            set_opt(channel_into, t.opt_str()?);
            Some(())
        },
        "lines" => {
            first(&mut lines)?;
            let n = t.items(|t, i| {
                if i == lines_into.len() {
                    match spare.pop() {
                        Some(kept) => lines_into.push(kept),
                        None => {
                            lines_into.push(line(t)?);
                            return Some(());
                        }
                    }
                }
                line_into(t, lines_into.get_mut(i)?)
            })?;
            spare.extend(lines_into.drain(n.min(lines_into.len())..));
            Some(())
        },
        "redemptions" => {
            first(&mut redemptions)?;
            strings_into(t, redemptions_into)
        },
    })?;
    t.end()?;
    if !(kind && id && time && lines) {
        return None;
    }
    // Absent optional members are their defaults, as `purchase` gives them.
    for (seen, slot) in [
        (location, location_into),
        (staff, staff_into),
        (channel, channel_into),
    ] {
        if !seen {
            *slot = None;
        }
    }
    if !redemptions {
        redemptions_into.clear();
    }
    Some(())
}

/// [`line()`] read over `into`, reusing its strings.
#[cfg(not(target_arch = "wasm32"))]
fn line_into(t: &mut Text<'_, '_>, into: &mut Line) -> Option<()> {
    let [mut sku, mut category, mut tags, mut quantity, mut unit_price, mut discount, mut reward_discount] =
        [false; 7];
    let Line {
        sku: sku_into,
        category: category_into,
        tags: tags_into,
        quantity: quantity_into,
        unit_price: unit_price_into,
        discount: discount_into,
        reward_discount: reward_discount_into,
    } = into;
    members!(t, {
        "sku" => {
            first(&mut sku)?;
            *sku_into = Id::from(t.str()?);
            Some(())
        },
        "category" => {
            first(&mut category)?;
            *category_into = t.opt_str()?.map(Id::from);
            Some(())
        },
        "tags" => {
            first(&mut tags)?;
            strings_into(t, tags_into)
        },
        "quantity" => {
            first(&mut quantity)?;
            *quantity_into = t.u32()?;
            Some(())
        },
        "unit_price" => {
            first(&mut unit_price)?;
            *unit_price_into = dec(t)?;
            Some(())
        },
        "discount" => {
            first(&mut discount)?;
            *discount_into = opt_dec(t)?;
            Some(())
        },
        "reward_discount" => {
            first(&mut reward_discount)?;
            *reward_discount_into = opt_dec(t)?;
            Some(())
        },
    })?;
    if !(sku && quantity && unit_price) {
        return None;
    }
    if !category {
        *category_into = None;
    }
    if !tags {
        tags_into.clear();
    }
    for (seen, slot) in [
        (discount, discount_into),
        (reward_discount, reward_discount_into),
    ] {
        if !seen {
            *slot = None;
        }
    }
    Some(())
}

/// Marks a member read; `None` when it was read already (a repeated key).
#[cfg(not(target_arch = "wasm32"))]
fn first(seen: &mut bool) -> Option<()> {
    if std::mem::replace(seen, true) {
        return None;
    }
    Some(())
}

/// `into` becomes `s`, in its own buffer.
#[cfg(not(target_arch = "wasm32"))]
fn set(into: &mut String, s: &str) {
    into.clear();
    into.push_str(s);
}

/// `into` becomes `s`, reusing the string it holds.
#[cfg(not(target_arch = "wasm32"))]
fn set_opt(into: &mut Option<String>, s: Option<&str>) {
    match (into.as_mut(), s) {
        (Some(kept), Some(s)) => set(kept, s),
        (_, s) => *into = s.map(str::to_owned),
    }
}

/// A list of strings read over `into`, reusing its strings.
#[cfg(not(target_arch = "wasm32"))]
fn strings_into(t: &mut Text<'_, '_>, into: &mut Vec<String>) -> Option<()> {
    let n = t.items(|t, i| {
        let s = t.str()?;
        match into.get_mut(i) {
            Some(kept) => set(kept, s),
            None => into.push(s.to_owned()),
        }
        Some(())
    })?;
    into.truncate(n);
    Some(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
pub(crate) mod tests {
    use std::path::Path;

    use crate::event::Event;

    /// A small deterministic generator (xorshift), so failures repeat.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// `json` and variants of it: a byte deleted, doubled or replaced, or
    /// a piece of JSON inserted, at random places.
    pub(crate) fn mutations(json: &str, rng: &mut Rng, n: usize) -> Vec<String> {
        mutations_with(json, rng, n, EVENT_PIECES)
    }

    /// Pieces of JSON [`mutations`] inserts in events.
    const EVENT_PIECES: &[&str] = &[
        "null",
        " ",
        "\"\"",
        "[]",
        "{}",
        ",\"id\":\"x\"",
        "\"type\":\"purchase\",",
        "\"tags\":[\"a\"],",
        "\"category\":null,",
        "1.5",
        "-0",
        "00",
        "\\u0041",
        "\"type\": \"purchase\", ",
        "99999999999999999999",
        "\"lots\":[],",
        ",[1]",
    ];

    /// Pieces of JSON inserted in accounts: numbers at the edges of the
    /// integer types, other values and shapes, members the engine writes.
    const ACCOUNT_PIECES: &[&str] = &[
        "null",
        " ",
        "\"\"",
        "[]",
        "{}",
        "0",
        "-1",
        "-0",
        "1.5",
        "1e3",
        "00",
        "true",
        "false",
        "\\u0041",
        ",0",
        ",null",
        ",[]",
        ",\"x\"",
        "[1,0],",
        "[1,-60,null,60],",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "4294967295",
        "4294967296",
        "2147483648",
        "18446744073709551616",
        "\"2026-01-01T00:00:00Z\"",
        "\"2026-01-01T00:00:00.5+01:00\"",
        "\"x 0123456789abcdef\"",
        "\"visits\":1,",
        "\"last_event_at\":null,",
        "\"last_event_at\":\"2026-03-01T00:00:00Z\",",
        "\"last_activity_at\":null,",
        "\"tier\":null,",
        "\"referral_done\":true,",
        "\"wallet\":{\"balance\":0},",
        "\"pending\":0,",
        "\"cards_completed\":1,",
        "\"expires_at\":null,",
        "\"voucher\":null,",
        "\"kind\":\"birthday\",",
        "\"extra\":0,",
    ];

    /// `json` and variants of it, inserting `pieces`.
    pub(crate) fn mutations_with(
        json: &str,
        rng: &mut Rng,
        n: usize,
        pieces: &[&str],
    ) -> Vec<String> {
        const BYTES: &[u8] = b"\"\\,:{}[]0-.eE n1x\t";
        let mut out = vec![json.to_owned()];
        let bytes = json.as_bytes();
        for _ in 0..n {
            let at = rng.below(bytes.len() + 1);
            let mut b = bytes.to_vec();
            match rng.below(4) {
                0 if at < b.len() => {
                    b.remove(at);
                }
                1 if at < b.len() => b.insert(at, b[at]),
                2 if at < b.len() => b[at] = BYTES[rng.below(BYTES.len())],
                _ => {
                    let piece = pieces[rng.below(pieces.len())].as_bytes();
                    b.splice(at..at, piece.iter().copied());
                }
            }
            if let Ok(s) = String::from_utf8(b) {
                out.push(s);
            }
        }
        out
    }

    /// Every step of the conformance vectors, in order: `each` is given
    /// the vector's engine, the account the step meets (JSON) and the
    /// step's text (a quote's basket unwrapped), then the walk goes on with
    /// the account the step makes; after a vector's last step, `each` is
    /// given its last account and no step.
    pub(crate) fn vector_steps(mut each: impl FnMut(&crate::Engine, &str, Option<&str>)) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let mut dirs: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let Ok(program) = std::fs::read_to_string(dir.join("program.json")) else {
                continue;
            };
            let Ok(engine) = crate::Engine::from_json(&program) else {
                continue;
            };
            let mut account = std::fs::read_to_string(dir.join("account.json"))
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| "null".to_owned());
            let steps = std::fs::read_to_string(dir.join("events.jsonl")).unwrap_or_default();
            for step in steps.lines().filter(|l| !l.trim().is_empty()) {
                let step = match step.strip_prefix("{\"quote\": ") {
                    Some(rest) => rest.strip_suffix('}').unwrap(),
                    None => step,
                };
                each(&engine, &account, Some(step));
                if let Ok((next, _)) = crate::json::apply_parts(&engine, &account, step) {
                    account = next;
                }
            }
            each(&engine, &account, None);
        }
    }

    /// The documents of the conformance vectors: every event and every
    /// account a vector goes through.
    pub(crate) fn vector_documents() -> (Vec<String>, Vec<String>) {
        let (mut events, mut accounts) = (vec![], vec![]);
        vector_steps(|_, account, step| {
            events.extend(step.map(str::to_owned));
            accounts.push(account.to_owned());
        });
        (events, accounts)
    }

    /// `decimal` reads a string's text exactly as `Dec::from_str` reads
    /// it: the same value, sign, mantissa and scale (all sixteen bytes of
    /// the `Decimal`) where it accepts it, nothing where it refuses it; and
    /// it stops at the closing `"`.
    #[test]
    fn decimals_read_as_from_str_reads_them() {
        use crate::decimal::Dec;
        let mut cases: Vec<String> = [
            "",
            "-",
            "0",
            "-0",
            "00",
            "-00",
            "0.0",
            "-0.00",
            "007.50",
            "1",
            "12",
            "4.50",
            "10.05",
            ".5",
            "5.",
            "-.5",
            "-5.",
            "+5",
            "1_000",
            "1e3",
            "1E3",
            "1.5e3",
            "1.5e-3",
            "NaN",
            "Infinity",
            "inf",
            " 1",
            "1 ",
            "1..2",
            "1.2.3",
            "--1",
            "-1-",
            "0x10",
            "123456789012345",
            "-123456789012345",
            "1234567890123456",
            "1.12345678",
            "1.123456789",
            "123456789012345.12345678",
            "-999999999999999.99999999",
            "000000000000000.00000000",
            "0000000000000000",
            "1.000000000",
            "79228162514264337593543950335",
            "7922816251426433759354395033.5",
            "12345678901234567890123456789",
            "123456789012345678901234567890",
            "0.0000000000000000000000000001",
            "١",
            "１",
            "1\\u0030",
        ]
        .map(str::to_owned)
        .to_vec();
        const PIECES: &[&str] = &[
            "-", ".", "0", "00", "5", "9", "e", "E", "+", "_", " ", "x", "\\", "é", "1e3",
        ];
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..200_000 {
            let mut s = String::new();
            for _ in 0..1 + rng.below(5) {
                if rng.below(3) == 0 {
                    s.push_str(PIECES[rng.below(PIECES.len())]);
                } else {
                    // A run of digits, up to 31 long (past any limit).
                    for _ in 0..rng.below(32) {
                        s.push(char::from(b'0' + rng.below(10) as u8));
                    }
                }
            }
            cases.push(s);
        }
        let (mut read, mut refused) = (0, 0);
        for s in &cases {
            let fast = super::decimal(format!("{s}\"").as_bytes());
            let slow = s.parse::<Dec>();
            match (fast, slow) {
                (Some((d, len)), Ok(e)) => {
                    assert_eq!(d.0.serialize(), e.0.serialize(), "{s}");
                    assert_eq!(len, s.len() + 1, "{s}");
                    read += 1;
                }
                (None, Err(_)) => refused += 1,
                (fast, slow) => panic!("{s}: {fast:?} against {slow:?}"),
            }
        }
        assert!(
            read > 20_000 && refused > 20_000,
            "{read} read, {refused} refused"
        );
        // The text ends at the first `"`, whatever follows.
        assert_eq!(
            super::decimal(b"1.5\"2").map(|(d, n)| (d.to_string(), n)),
            Some(("1.5".to_owned(), 4))
        );
        assert_eq!(super::decimal(b"1.5"), None);
    }

    /// A key starts a text exactly when the text starts with the key
    /// quoted: names of every length (past the words too), texts that
    /// end right after it or go on, with each of their bytes changed.
    #[test]
    fn keys_start_texts_as_their_quoted_bytes_do() {
        let mut rng = Rng(0x51a7_e5c0_ffee_0001);
        let letters = b"abz_\"\\ 0";
        for len in 0..=30 {
            let name: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            let name: &'static str = Box::leak(name.into_boxed_str());
            let key = super::Key::new(name);
            let quoted = format!("\"{name}\"");
            for pad in 0..30 {
                let mut text = quoted.clone().into_bytes();
                text.extend((0..pad).map(|_| letters[rng.below(letters.len())]));
                let mut variants = vec![text.clone()];
                for at in 0..text.len() {
                    let mut v = text.clone();
                    v[at] = letters[rng.below(letters.len())];
                    variants.push(v);
                    variants.push(text[..at].to_vec());
                }
                for v in variants {
                    assert_eq!(
                        key.starts(&v),
                        v.starts_with(quoted.as_bytes()),
                        "{name:?} in {:?}",
                        String::from_utf8_lossy(&v)
                    );
                }
            }
        }
    }

    /// A timestamp read in the usual shape is kept with its text exactly
    /// when the writer writes that text back: every offset but a zero
    /// one written `+00:00` or `-00:00`, dates of every month and of the
    /// years around the supported range's ends.
    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn read_times_keep_the_texts_written_back() {
        use super::{push_time, ReadTimes, Text, READ_TIMES};
        let mut rng = Rng(0x5eed_0000_7153_0026);
        let offsets = [
            "Z", "+00:00", "-00:00", "+05:30", "-04:00", "+14:00", "-12:00", "+23:59", "-00:01",
            "+01:00",
        ];
        let (mut kept, mut total) = (0, 0);
        for _ in 0..20_000 {
            let year = 1900 + rng.below(400);
            let (month, day) = (1 + rng.below(12), 1 + rng.below(31));
            let (h, m, sec) = (rng.below(24), rng.below(60), rng.below(60));
            let offset = offsets[rng.below(offsets.len())];
            let text = format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}{offset}");
            // After other text, so that positions start past 0.
            let json = format!("[1,\"{text}\"]");
            let mut times = ReadTimes::none("");
            let read = {
                let mut t = Text::keeping_times(&json, Some(&mut times));
                t.open()
                    .and_then(|_| t.i64())
                    .and_then(|_| t.then())
                    .and_then(|_| t.timestamp())
            };
            let Some(read) = read else {
                continue;
            };
            total += 1;
            times.assert_written_back();
            let zero = offset == "+00:00" || offset == "-00:00";
            assert_eq!(times.n, usize::from(!zero), "{text}");
            kept += times.n;
            // What a writer writes for it is the text read, or the same
            // instant written `Z`.
            let mut written = String::new();
            push_time(&mut written, &read, &[times]);
            let expected = if zero {
                format!("\"{}Z\"", &text[..19])
            } else {
                format!("\"{text}\"")
            };
            assert_eq!(written, expected);
        }
        assert!(kept > 10_000 && total > 15_000, "{kept} of {total}");
        // Room for `READ_TIMES`: more are read, not kept, and written.
        let many: Vec<String> = (0..10)
            .map(|i| format!("\"2026-01-{:02}T00:00:00Z\"", i + 1))
            .collect();
        let json = format!("[{}]", many.join(","));
        let mut times = ReadTimes::none("");
        let read = Text::keeping_times(&json, Some(&mut times))
            .list(Text::timestamp)
            .unwrap_or_default();
        assert_eq!((read.len(), times.n), (10, READ_TIMES));
        times.assert_written_back();
        let mut written = String::new();
        for r in &read {
            push_time(&mut written, r, &[times]);
        }
        assert_eq!(written, many.concat());
    }

    /// What the fast reader accepts, serde reads to the same value; and
    /// it gives up on whatever serde refuses.
    #[test]
    fn purchases_read_as_serde_reads_them() {
        let (mut events, _) = vector_documents();
        events.extend(
            [
                r#" { "type" : "purchase" , "id" : "p" , "time" : "2026-01-01T00:00:00Z" , "lines" : [ { "sku" : "a" , "quantity" : 1 , "unit_price" : "1.5" } ] } "#,
                "{\"id\":\"p\",\"lines\":[],\"type\":\"purchase\",\"time\":\"2026-01-01T00:00:00+01:00\",\"location\":null,\"staff\":\"s\",\"channel\":\"app\",\"redemptions\":[\"r1\",\"r2\"]}",
                r#"{"type":"purchase","id":"é😀","time":"2026-01-01T00:00:00.5Z","lines":[{"sku":"a","category":null,"tags":[],"quantity":4294967295,"unit_price":"-0.00","discount":null,"reward_discount":"1"},{"tags":["x","y"],"quantity":0,"sku":"","unit_price":"12","discount":"0.5"}]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00Z","lines":[{"sku":"a","quantity":4294967296,"unit_price":"1"}]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00Z","lines":[{"sku":"a","quantity":-1,"unit_price":"1"}]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00","lines":[]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00Z","lines":[]}x"#,
                r#"{"type":"enrol","id":"p","time":"2026-01-01T00:00:00Z","member":"m"}"#,
            ]
            .map(str::to_owned),
        );
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut fast, mut total) = (0, 0);
        for event in &events {
            for json in mutations(event, &mut rng, 60) {
                total += 1;
                let mut times = super::ReadTimes::none(&json);
                let Some(p) = super::purchase(&json, Some(&mut times)) else {
                    continue;
                };
                fast += 1;
                times.assert_written_back();
                match super::super::parse_event_with_serde(&json) {
                    Ok(Event::Purchase(q)) => assert_eq!(p, q, "{json}"),
                    other => panic!("{json}: the fast reader read what serde gives as {other:?}"),
                }
            }
        }
        assert!(fast > 1_000 && fast < total, "{fast} of {total}");
    }

    /// A purchase read over the one before it reads as a new one: the
    /// same value when `purchase` reads the text, none when it gives up,
    /// whatever the purchase it is read over held (more or fewer lines,
    /// members present or absent, the last text one that gave up).
    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn purchases_read_over_others_read_as_new_ones() {
        let (mut events, _) = vector_documents();
        events.push(
            r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00+01:00","location":"l","staff":"s","channel":"app","redemptions":["r1","r2"],"lines":[{"sku":"a","category":"c","tags":["x","y"],"quantity":2,"unit_price":"1.5","discount":"0.5","reward_discount":"1"},{"sku":"b","quantity":1,"unit_price":"2"},{"sku":"c","category":"d","quantity":3,"unit_price":"3"}]}"#
                .to_owned(),
        );
        let mut rng = Rng(0x0dd_ba11_5eed_0008);
        let mut kept: Option<super::Purchase> = None;
        let mut spare = Vec::new();
        let (mut read, mut total) = (0, 0);
        for event in &events {
            for json in mutations(event, &mut rng, 40) {
                total += 1;
                let new = super::purchase(&json, None);
                let Some(into) = kept.as_mut() else {
                    kept = new;
                    continue;
                };
                let over = super::purchase_into(&json, into, &mut spare).map(|()| into.clone());
                assert_eq!(over.is_some(), new.is_some(), "{json}");
                if let (Some(over), Some(new)) = (over, new) {
                    read += 1;
                    assert_eq!(over, new, "{json}");
                }
            }
        }
        assert!(read > 1_000 && read < total, "{read} of {total}");
    }

    /// The same for accounts: every account a conformance vector goes
    /// through, a few written by hand for what the vectors lack, and
    /// mutations of them all. What `Account::read_usual` reads, serde
    /// reads (checks before parsing included) to an equal value that
    /// writes the same JSON; the rest it gives up on.
    #[test]
    fn accounts_read_as_serde_reads_them() {
        let (_, mut accounts) = vector_documents();
        accounts.sort();
        accounts.dedup();
        let vectors = accounts.len();
        accounts.extend(
            [
                "null",
                " null ",
                r#"{"member":"m"}"#,
                r#" { "member" : "m" , "points" : { "balance" : 5 , "lots" : [ [ 5 , "2026-01-01T00:00:00Z" ] ] } } "#,
                r#"{"points":{"balance":3,"pending":2,"reserved":0,"debt":1,"lots":[[3,-60,null],[2,-120,86400,3600]]},"last_event_at":"2026-03-01T10:00:00+05:30","member":"m"}"#,
                r#"{"member":"m","last_event_at":"2026-03-01T10:00:00+05:30","points":{"balance":3,"pending":2,"lots":[[3,-60,null],[2,-120,86400,3600]]},"wallet":{"balance":150,"lots":[[150,-9223372036854775808]]}}"#,
                r#"{"member":"m","last_event_at":"2026-03-01T10:00:00Z","points":{"balance":9,"lots":[[9,9223372036854775807]]}}"#,
                r#"{"member":"m","last_event_at":"2026-03-01T10:00:00Z","last_activity_at":null,"points":{"balance":9,"lots":[[9,"2026-03-01T10:00:00.25Z",60]]}}"#,
                r#"{"member":"m","last_event_at":"2016-12-31T23:59:60Z","points":{"balance":9,"lots":[[9,1,null,2]]}}"#,
                r#"{"member":"m","last_event_at":null,"points":{"balance":9,"lots":[[9,1]]}}"#,
                r#"{"member":"m","last_event_at":"2026-03-01T10:00:00Z","purchases":[["p",0,[[1]]],["q",-5,[[2,1,2,3,4,5,1,1,1,1,1,1]],null,0,0,[],null,[]],["r","2026-03-01T09:00:00Z",[],7,1,2,[{"id":"x","at":"2026-03-01T09:00:00Z","reward":"r","points":5,"voucher":{"id":"v","reward":"r","issued_at":"2026-03-01T09:00:00Z","expires_at":null},"wallet":3}],"c",["v1","v2"]]]}"#,
                r#"{"member":"m","profile":{"tags":["a","b"],"birthday":"03-01","cause":null,"referrer":"r"},"visits":18446744073709551615,"stamps":{"cards_completed":2,"count":-3},"birthday_year":-2147483648,"referral_done":false,"referrals":["a"],"donations":[{"cause":"c","amount":-1}],"usage":[{"key":"k","period":-1,"used":2}]}"#,
                r#"{"member":"m","tier":{"level":null,"since":null,"review_at":"2026-03-01T10:00:00Z","grace_until":null,"buckets":[[-1,2],[0,0]]},"subscription":{"plan":"p","started_at":"2026-03-01T10:00:00Z","period_start":"2026-03-01T10:00:00Z","paid_until":"2027-03-01T10:00:00Z","cancelled":true},"messaging":{"sent":[{"kind":"tier_up","at":"2026-03-01T10:00:00Z"},{"at":"2026-03-01T10:00:00Z","kind":"we_miss_you"}],"expiring_until":null,"missed_since":"2026-03-01T10:00:00Z","risk_review":null,"renewal_for":null}}"#,
                r#"{"member":"m","reservations":[{"id":"r","reward":"w","expires_at":"2026-03-01T10:00:00Z","points":5,"lots":[[5,"2026-03-01T10:00:00Z",null,"2026-03-02T10:00:00Z"]],"voucher":null,"wallet":0,"wallet_lots":[],"allowance":{"key":"a","period":3,"used":1}}],"redemptions":[{"id":"x","at":"2026-03-01T09:00:00Z","reward":"r"}],"vouchers":[{"id":"v","reward":"r","issued_at":"2026-03-01T09:00:00Z"}],"recent_events":["a b 0123456789abcdef","é 0000000000000000"]}"#,
                r#"{"member":"m","tier":null,"subscription":null,"birthday_year":null,"messaging":{},"profile":{}}"#,
                r#"{"member":"m","recent_events":["a 0123456789ABCDEF"]}"#,
                r#"{"member":"m","recent_events":["a  0123456789abcdef"," 0123456789abcdef","é 0123456789abcdef"]}"#,
                r#"{"member":"m","recent_events":["0123456789abcdef"]}"#,
                r#"{"member":"m","recent_events":["éé0123456789abcdef"]}"#,
                r#"{"member":"m","recent_events":["x 0123456789abcdef0"]}"#,
                r#"{"member":"m","recent_events":["x y 123456789abcdef"]}"#,
                r#"{"member":"m","enrolled_at":"2026-03-01T10:00:00Z","last_event_at":"2026-03-01T10:00:00Z","last_activity_at":"2026-03-01T10:00:00Z","tier":{"since":"2026-03-01T10:00:00Z","review_at":"2026-03-01T10:00:00+01:00","grace_until":"2026-03-01T10:00:00Z"}}"#,
                r#"{"member":"m","points":{"balance":0,"lots":[[1,0]]}}"#,
                r#"{"member":"m","points":{"balance":0,"lots":[[1,"2026-03-01T10:00:00Z",null,null]]}}"#,
                r#"{"member":"m","messaging":{"sent":[{"kind":"lunch","at":"2026-03-01T10:00:00Z"}]}}"#,
                r#"{"member":"m"} x"#,
            ]
            .map(str::to_owned),
        );
        // The engine's own accounts are all read in one pass.
        for a in accounts.iter().take(vectors) {
            assert!(crate::Account::read_usual(a).is_some(), "{a}");
        }
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut fast, mut total) = (0, 0);
        for (i, account) in accounts.iter().enumerate() {
            let n = if i < vectors { 200 } else { 2_000 };
            for json in mutations_with(account, &mut rng, n, ACCOUNT_PIECES) {
                total += 1;
                let Some(a) = crate::Account::read_usual(&json) else {
                    continue;
                };
                fast += 1;
                match super::super::account_with_serde(&json) {
                    Ok(b) => {
                        assert_eq!(a, b, "{json}");
                        assert_eq!(
                            serde_json::to_string(&a).unwrap(),
                            serde_json::to_string(&b).unwrap(),
                            "{json}"
                        );
                    }
                    Err(e) => panic!("{json}: the fast reader read what serde refuses: {e}"),
                }
            }
        }
        assert!(fast > 8_000 && fast < total, "{fast} of {total}");
    }
}
