//! Compact JSON writing, byte for byte what `serde_json::to_string` writes,
//! without its per-byte escape scan.
//!
//! serde_json looks up every byte of every string (member names included)
//! in its escape table and copies the string in fragments: a third of the
//! cost of answering an event, spent on timestamps, decimals, digests and
//! field names that never need escaping. [`Writer`] tests a string eight
//! bytes at a time ([`plain`]) and copies a plain one whole; a string that
//! needs escaping is written by serde_json itself. Integers are written by
//! `itoa`, as serde_json writes them (below 10,000, digit by digit).
//! Anything unusual (floats, bytes, 128-bit integers, map keys that are not
//! strings, a `Serialize` that fails) stops the writer, and [`append`]
//! writes the whole value again with serde_json: the output is
//! serde_json's in every case, only faster in the common ones.

// The writer is left out of the WebAssembly build (see `append`).
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use std::fmt;

use serde::ser::{self, Serialize};

/// Appends the compact JSON of `value` to `out`, exactly as
/// `serde_json::to_string` writes it; on serde_json's error, `out` is left
/// as it was.
pub(crate) fn append<T: Serialize + ?Sized>(
    out: &mut String,
    value: &T,
) -> Result<(), serde_json::Error> {
    let start = out.len();
    // Not in the npm package's WebAssembly: there a second serializer of
    // every answer type would cost more in download size (the package's
    // budget) than it saves, next to the cost of crossing into JavaScript.
    #[cfg(not(target_arch = "wasm32"))]
    if value.serialize(&mut Writer { out: &mut *out }).is_ok() {
        return Ok(());
    }
    // The general path: whatever the fast one could not write, and what
    // serde_json itself refuses (with its error).
    out.truncate(start);
    let text = serde_json::to_string(value)?;
    out.push_str(&text);
    Ok(())
}

/// Whether serde_json writes `s` as it is between quotes: no byte below
/// 0x20, no `"`, no `\` (serde_json escapes nothing else; non-ASCII is
/// written as it is).
///
/// Eight bytes at a time ([`special`]); the last eight bytes are tested as
/// one more word, overlapping the ones before, rather than copied into a
/// padded one. Shorter strings make one word of their first and last four
/// bytes, or of their first, middle and last bytes and spaces, which are
/// plain: every byte is in the word.
///
/// Inlined into [`Writer::string`], which every string value passes
/// through (a call each cost more than the test of a short id).
#[inline]
pub(crate) fn plain(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(last) = bytes.last_chunk::<8>() else {
        return special(short_word(bytes)) == 0;
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut found = special(u64::from_le_bytes(*last));
    for chunk in &mut chunks {
        let mut word = [0_u8; 8];
        word.copy_from_slice(chunk);
        found |= special(u64::from_le_bytes(word));
    }
    found == 0
}

/// A word that holds every byte of `bytes` (fewer than 8) and otherwise
/// only spaces, without copying them one by one.
fn short_word(bytes: &[u8]) -> u64 {
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return u64::from(u32::from_le_bytes(*first)) | u64::from(u32::from_le_bytes(*last)) << 32;
    }
    let at = |i: Option<&u8>| u64::from(*i.unwrap_or(&b' '));
    let spaces = 0x2020_2020_2020_2020 & !0xFF_FFFF;
    spaces | at(bytes.first()) | at(bytes.get(bytes.len() / 2)) << 8 | at(bytes.last()) << 16
}

/// Non-zero when some byte of `x` is below 0x20, `"` or `\`: for a word
/// `x`, `(x - 0x01..01 * n) & !x & 0x80..80` is non-zero exactly when some
/// byte of `x` is below `n` (for `n` up to 128), and a byte equal to `c` is
/// a zero byte (below 1) of `x ^ c..c`.
pub(super) fn special(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let b = x ^ (ONES * u64::from(b'\\'));
    let backslash = b.wrapping_sub(ONES) & !b;
    (control | quote | backslash) & HIGH
}

/// Pieces of an answer for the writers that build it without serde's
/// machinery (`json::answer` for outcomes, `account::compact` for
/// accounts): the framing of an object or array there is a few pushes of
/// known bytes, where serde's is a state and a call per member or
/// element; each piece is written as [`Writer`] writes it, and a value
/// they do not write themselves is written by [`Writer`]. `None` is
/// [`Writer`]'s [`Unusual`]: the caller then writes the whole value again
/// with [`append`].
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod direct {
    use serde::Serialize;

    use super::Writer;

    /// `v` as [`Writer`] writes it.
    #[inline]
    pub(crate) fn value<T: Serialize + ?Sized>(out: &mut String, v: &T) -> Option<()> {
        v.serialize(&mut Writer { out }).ok()
    }

    /// `"key":v` of a member after the first (`key` holds the comma, the
    /// quoted name and the colon), when `present`.
    #[inline(always)]
    pub(crate) fn member<T: Serialize + ?Sized>(
        out: &mut String,
        key: &str,
        present: bool,
        v: &T,
    ) -> Option<()> {
        if present {
            out.push_str(key);
            value(out, v)?;
        }
        Some(())
    }

    /// A string, quoted (and escaped as serde_json escapes it).
    #[inline]
    pub(crate) fn str(out: &mut String, s: &str) -> Option<()> {
        Writer { out }.string(s).ok()
    }

    /// A signed integer.
    #[inline]
    pub(crate) fn int(out: &mut String, n: i64) {
        Writer { out }.signed(n);
    }

    /// An unsigned integer.
    #[inline]
    pub(crate) fn uint(out: &mut String, n: u64) {
        Writer { out }.unsigned(n);
    }
}

/// What stops the fast writer: the value is then written by serde_json.
#[derive(Debug)]
pub(crate) struct Unusual;

impl fmt::Display for Unusual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for Unusual {}

impl ser::Error for Unusual {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Unusual
    }
}

/// A compact JSON serializer into a `String` (see the module's doc).
pub(crate) struct Writer<'a> {
    out: &'a mut String,
}

/// [`plain`] in a form the compiler works out at compile time for a
/// string it knows (a member name or a variant name, once the writer is
/// inlined into a type's `Serialize`): up to 16 bytes are tested as two
/// overlapping words, or one [`short_word`], with no loop.
#[inline(always)]
fn plain_known(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() > 16 {
        return plain(s);
    }
    match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            special(u64::from_le_bytes(*first)) | special(u64::from_le_bytes(*last)) == 0
        }
        _ => special(short_word(bytes)) == 0,
    }
}

impl Writer<'_> {
    /// A string that is usually known at compile time (see [`plain_known`]):
    /// then the test vanishes and the copy is a few stores of a known size
    /// rather than a call.
    #[inline(always)]
    fn known(&mut self, s: &str) -> Result<(), Unusual> {
        if !plain_known(s) {
            return self.escaped(s);
        }
        self.out.push('"');
        self.out.push_str(s);
        self.out.push('"');
        Ok(())
    }

    /// `"key":` of an object's member, after its `,` when `comma`.
    #[inline(always)]
    fn key(&mut self, comma: bool, key: &str) -> Result<(), Unusual> {
        if !plain_known(key) {
            if comma {
                self.out.push(',');
            }
            self.escaped(key)?;
            self.out.push(':');
            return Ok(());
        }
        self.out.push_str(if comma { ",\"" } else { "\"" });
        self.out.push_str(key);
        self.out.push_str("\":");
        Ok(())
    }

    /// Inlined natively: an answer writes some 18 strings (ids, rule
    /// names, references), and the call was a fifth of each (the
    /// registers saved and restored around a few dozen instructions); the
    /// WebAssembly build, whose size counts for more, calls it.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn string(&mut self, s: &str) -> Result<(), Unusual> {
        if !plain(s) {
            return self.escaped(s);
        }
        self.out.push('"');
        self.out.push_str(s);
        self.out.push('"');
        Ok(())
    }

    /// A string that needs escaping, written by serde_json.
    #[cold]
    #[inline(never)]
    fn escaped(&mut self, s: &str) -> Result<(), Unusual> {
        let mut escaped = Vec::with_capacity(s.len() + 8);
        serde_json::to_writer(&mut escaped, s).map_err(|_| Unusual)?;
        self.out
            .push_str(std::str::from_utf8(&escaped).map_err(|_| Unusual)?);
        Ok(())
    }

    /// A number below 10,000 (most of what an answer holds: zero
    /// balances, counts, awards, day numbers) is written a digit at a
    /// time, which the compiler makes a few stores; larger ones by `itoa`
    /// and a copy (a call of `memcpy`). Inlined: an answer writes a few
    /// dozen numbers, and the call cost about as much as the digits.
    #[inline(always)]
    fn unsigned(&mut self, n: u64) {
        let digit = |d: u64| char::from(b'0' + u8::try_from(d % 10).unwrap_or(0));
        match n {
            0..=9 => self.out.push(digit(n)),
            10..=99 => {
                self.out.push(digit(n / 10));
                self.out.push(digit(n));
            }
            100..=999 => {
                self.out.push(digit(n / 100));
                self.out.push(digit(n / 10));
                self.out.push(digit(n));
            }
            1_000..=9_999 => {
                self.out.push(digit(n / 1_000));
                self.out.push(digit(n / 100));
                self.out.push(digit(n / 10));
                self.out.push(digit(n));
            }
            _ => self.out.push_str(itoa::Buffer::new().format(n)),
        }
    }

    /// As [`Writer::unsigned`], after a `-` for a negative number.
    #[inline]
    fn signed(&mut self, n: i64) {
        if n < 0 {
            self.out.push('-');
        }
        self.unsigned(n.unsigned_abs());
    }
}

/// serde_json's states of an array or object being written: `Empty` when
/// it was opened with a length of 0 and closed at once (`[]`, `{}`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Empty,
    First,
    Rest,
}

/// An array or object being written.
pub(crate) struct Compound<'w, 'a> {
    w: &'w mut Writer<'a>,
    state: State,
    /// The `}` that closes a variant's `{"name":...}` after the value.
    variant: bool,
}

impl Compound<'_, '_> {
    /// The `,` before every element or member but the first.
    fn separate(&mut self) {
        if self.state != State::First {
            self.w.out.push(',');
        }
        self.state = State::Rest;
    }

    fn close(self, bracket: char) {
        if self.state != State::Empty {
            self.w.out.push(bracket);
        }
        if self.variant {
            self.w.out.push('}');
        }
    }
}

impl<'w, 'a> Writer<'a> {
    /// `[` or `{` (and at once `]` or `}` for a length of 0): the brackets
    /// are bytes pushed, not strings compared and copied.
    #[inline]
    fn open(&'w mut self, object: bool, len: Option<usize>, variant: bool) -> Compound<'w, 'a> {
        let (open, close) = if object { ('{', '}') } else { ('[', ']') };
        self.out.push(open);
        let state = if len == Some(0) {
            self.out.push(close);
            State::Empty
        } else {
            State::First
        };
        Compound {
            w: self,
            state,
            variant,
        }
    }

    /// `{"name":` of a variant with a value.
    fn variant_key(&mut self, name: &str) -> Result<(), Unusual> {
        self.out.push('{');
        self.string(name)?;
        self.out.push(':');
        Ok(())
    }
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = Unusual;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unusual> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Unusual> {
        self.signed(i64::from(v));
        Ok(())
    }

    fn serialize_i16(self, v: i16) -> Result<(), Unusual> {
        self.signed(i64::from(v));
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Unusual> {
        self.signed(i64::from(v));
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Unusual> {
        self.signed(v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Unusual> {
        self.unsigned(u64::from(v));
        Ok(())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Unusual> {
        self.unsigned(u64::from(v));
        Ok(())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Unusual> {
        self.unsigned(u64::from(v));
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Unusual> {
        self.unsigned(v);
        Ok(())
    }

    /// Left to serde_json (its float formatting, `null` for non-finite).
    fn serialize_f32(self, _v: f32) -> Result<(), Unusual> {
        Err(Unusual)
    }

    /// Left to serde_json.
    fn serialize_f64(self, _v: f64) -> Result<(), Unusual> {
        Err(Unusual)
    }

    fn serialize_char(self, v: char) -> Result<(), Unusual> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Unusual> {
        self.string(v)
    }

    /// Left to serde_json (an array of numbers).
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Unusual> {
        Err(Unusual)
    }

    fn serialize_none(self) -> Result<(), Unusual> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unusual> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unusual> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unusual> {
        self.serialize_unit()
    }

    /// Inlined into each enum's `Serialize`, where `variant` is known.
    #[inline(always)]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unusual> {
        self.known(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Unusual> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unusual> {
        self.variant_key(variant)?;
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'w, 'a>, Unusual> {
        Ok(self.open(false, len, false))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>, Unusual> {
        Ok(self.open(false, Some(len), false))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, Unusual> {
        Ok(self.open(false, Some(len), false))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, Unusual> {
        self.variant_key(variant)?;
        Ok(self.open(false, Some(len), true))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'w, 'a>, Unusual> {
        Ok(self.open(true, len, false))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, Unusual> {
        Ok(self.open(true, Some(len), false))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, Unusual> {
        self.variant_key(variant)?;
        Ok(self.open(true, Some(len), true))
    }

    /// As serde_json: the `Display` text as a string.
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Unusual> {
        self.string(&value.to_string())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Unusual;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unusual> {
        self.separate();
        value.serialize(&mut *self.w)
    }

    fn end(self) -> Result<(), Unusual> {
        self.close(']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Unusual;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unusual> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unusual> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unusual;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unusual> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unusual> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unusual;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unusual> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unusual> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Unusual;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unusual> {
        self.separate();
        key.serialize(Key(&mut *self.w))?;
        self.w.out.push(':');
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unusual> {
        value.serialize(&mut *self.w)
    }

    fn end(self) -> Result<(), Unusual> {
        self.close('}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unusual;

    /// Inlined into each type's `Serialize`, where `key` is known: the
    /// member name is then written as `,"key":` by a few stores.
    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unusual> {
        let comma = self.state != State::First;
        self.state = State::Rest;
        self.w.key(comma, key)?;
        value.serialize(&mut *self.w)
    }

    fn end(self) -> Result<(), Unusual> {
        self.close('}');
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unusual;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unusual> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<(), Unusual> {
        ser::SerializeStruct::end(self)
    }
}

/// A map key: strings only (and what serde_json writes as one the same
/// way); any other key is left to serde_json.
struct Key<'w, 'a>(&'w mut Writer<'a>);

impl ser::Serializer for Key<'_, '_> {
    type Ok = ();
    type Error = Unusual;
    type SerializeSeq = ser::Impossible<(), Unusual>;
    type SerializeTuple = ser::Impossible<(), Unusual>;
    type SerializeTupleStruct = ser::Impossible<(), Unusual>;
    type SerializeTupleVariant = ser::Impossible<(), Unusual>;
    type SerializeMap = ser::Impossible<(), Unusual>;
    type SerializeStruct = ser::Impossible<(), Unusual>;
    type SerializeStructVariant = ser::Impossible<(), Unusual>;

    fn serialize_str(self, v: &str) -> Result<(), Unusual> {
        self.0.string(v)
    }

    fn serialize_char(self, v: char) -> Result<(), Unusual> {
        self.0.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unusual> {
        self.0.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Unusual> {
        value.serialize(self)
    }

    fn serialize_bool(self, _v: bool) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_i8(self, _v: i8) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_i16(self, _v: i16) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_i32(self, _v: i32) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_i64(self, _v: i64) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_u8(self, _v: u8) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_u16(self, _v: u16) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_u32(self, _v: u32) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_u64(self, _v: u64) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_none(self) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_unit(self) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Unusual> {
        Err(Unusual)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Unusual> {
        Err(Unusual)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Unusual> {
        Err(Unusual)
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Unusual> {
        Err(Unusual)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Unusual> {
        Err(Unusual)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Unusual> {
        Err(Unusual)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Unusual> {
        Err(Unusual)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Unusual> {
        Err(Unusual)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Unusual> {
        self.0.string(&value.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::{append, plain};

    fn same<T: Serialize + ?Sized>(value: &T) {
        let mut fast = String::from("prefix");
        append(&mut fast, value).unwrap();
        assert_eq!(
            fast.strip_prefix("prefix").unwrap(),
            serde_json::to_string(value).unwrap()
        );
    }

    /// A small deterministic generator (xorshift), so failures repeat.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// Strings of every kind: plain, quotes, backslashes, every control
    /// character, DEL, non-ASCII of every width, at every length and
    /// position around the eight-byte words.
    fn strings() -> Vec<String> {
        let alphabet = [
            'a', 'Z', '0', ' ', '~', '"', '\\', '\u{0}', '\u{1}', '\n', '\t', '\u{1f}', '\u{7f}',
            'é', 'ß', '€', '😀', '\u{2028}', '/', '{', '\'', '!', '#', '\u{80}', '\u{ff}',
        ];
        let mut out: Vec<String> = (0..=0x7f_u8).map(|b| char::from(b).to_string()).collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for len in 0..70 {
            for _ in 0..40 {
                let plain_only = rng.next() % 2 == 0;
                let s: String = (0..len)
                    .map(|_| {
                        let i = (rng.next() % alphabet.len() as u64) as usize;
                        let c = alphabet[i];
                        if plain_only && !plain(&c.to_string()) {
                            'x'
                        } else {
                            c
                        }
                    })
                    .collect();
                out.push(s);
            }
        }
        out.push("x".repeat(10_000));
        out.push(format!("{}\"", "y".repeat(4_097)));
        out
    }

    #[test]
    fn plain_is_exactly_what_serde_json_leaves_unescaped() {
        for s in strings() {
            let escaped = serde_json::to_string(&s).unwrap();
            assert_eq!(plain(&s), escaped == format!("\"{s}\""), "{s:?}");
            let slow = !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
            assert_eq!(plain(&s), slow, "{s:?}");
        }
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for s in strings() {
            same(&s);
            same(&Some(&s));
            same(&vec![s.clone(), s.clone()]);
            let mut map = BTreeMap::new();
            map.insert(s.clone(), s.clone());
            same(&map);
        }
        for c in ['a', '"', '\\', '\n', '\u{0}', 'é', '😀'] {
            same(&c);
        }
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Newtype(u8);

    #[derive(Serialize)]
    struct Pair(i32, String);

    #[derive(Serialize)]
    enum External {
        Unit,
        Newtype(i64),
        Tuple(u8, String),
        Struct { a: u32, b: Vec<u8> },
        EmptyStruct {},
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Internal {
        Unit,
        Struct { a: u32, b: Option<String> },
        Newtype(Inner),
    }

    #[derive(Serialize)]
    struct Inner {
        #[serde(rename = "we\"ird\\key\n")]
        weird: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        #[serde(rename = "clé")]
        key: (),
    }

    /// A `Serialize` that says it has no elements and writes one: the
    /// output keeps serde_json's shape for it (`[],1`).
    struct Lying;

    impl Serialize for Lying {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut outer = s.serialize_map(Some(0))?;
            outer.serialize_entry("a", &1)?;
            outer.end()
        }
    }

    struct LyingSeq;

    impl Serialize for LyingSeq {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(Some(0))?;
            seq.serialize_element(&1)?;
            seq.end()
        }
    }

    #[test]
    fn every_shape_is_written_as_serde_json_writes_it() {
        same(&Unit);
        same(&Newtype(7));
        same(&Pair(-3, "p\"".into()));
        same(&(1_u8, -2_i16, 3_u32, -4_i64, u64::MAX, i64::MIN, true, false));
        same(&(i8::MIN, u16::MAX, i32::MIN, u8::MAX));
        same(&());
        same(&Option::<u8>::None);
        same(&Vec::<u8>::new());
        same(&[[1, 2], [3, 4]]);
        same(&BTreeMap::<String, u8>::new());
        for e in [
            External::Unit,
            External::Newtype(-1),
            External::Tuple(2, "t".into()),
            External::Struct { a: 1, b: vec![] },
            External::Struct {
                a: 1,
                b: vec![1, 2],
            },
            External::EmptyStruct {},
        ] {
            same(&e);
        }
        for e in [
            Internal::Unit,
            Internal::Struct { a: 3, b: None },
            Internal::Struct {
                a: 3,
                b: Some("\u{1}".into()),
            },
            Internal::Newtype(Inner {
                weird: true,
                skipped: None,
                key: (),
            }),
            Internal::Newtype(Inner {
                weird: false,
                skipped: Some(9),
                key: (),
            }),
        ] {
            same(&e);
        }
        same(&Lying);
        same(&LyingSeq);
        // Left to serde_json whole: floats, bytes, 128-bit and number keys.
        same(&(1.5_f64, f64::NAN, 2.0_f32));
        same(&vec![("a", 1.0e300_f64)]);
        same(&(u128::MAX, i128::MIN));
        same(&Bytes(&[1, 2, 3]));
        let mut numbers = BTreeMap::new();
        numbers.insert(3_u8, "three");
        same(&numbers);
        same(&format_args!("{}\"{}", 1, "é"));
    }

    /// Integers of every width and sign, around each number of digits
    /// written digit by digit and past it, as serde_json writes them.
    #[test]
    fn integers_are_written_as_serde_json_writes_them() {
        let mut values: Vec<i64> = (-12_000..=12_000).collect();
        for p in 0..19 {
            let ten = 10_i64.pow(p);
            values.extend([ten - 1, ten, ten + 1, -ten, 1 - ten]);
        }
        values.extend([i64::MIN, i64::MAX, i64::MIN + 1]);
        for &n in &values {
            same(&n);
            same(&n.unsigned_abs());
            same(&(n as i32, n as u32, n as i16, n as u16, n as i8, n as u8));
        }
        same(&u64::MAX);
    }

    /// Bytes, written by serde_json as an array of numbers.
    struct Bytes<'a>(&'a [u8]);

    impl Serialize for Bytes<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    #[test]
    fn a_failing_serialize_gives_serde_json_error() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _s: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let mut out = String::from("kept");
        let err = append(&mut out, &vec![Fails]).unwrap_err();
        assert_eq!(out, "kept");
        assert_eq!(
            err.to_string(),
            serde_json::to_string(&vec![Fails]).unwrap_err().to_string()
        );
    }
}
