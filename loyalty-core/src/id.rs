//! Identifiers: the type the engine keeps them in ([`Id`]), and what
//! every id (member, event, SKU, category, rule, reward...) must be: 1 to
//! [`MAX_ID_BYTES`] bytes, no control character.
//!
//! One test for the three documents; each reports a refused id its own way
//! (a program keeps its first problem, an event names the field with the
//! kind of error, an account gives one message for every fault).

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::limits::MAX_ID_BYTES;

/// An id as outcomes and accounts hold it: an event's (in every ledger
/// entry of its outcome, and in the account's memory of recent events), a
/// rule's (in awards and earning entries), a tier level's, a reward's.
/// Made with `.into()` from a `&str` or a `String`, read as a `&str`.
///
/// These ids are copied into every outcome, several times over. Natively
/// an id of up to 23 bytes is held inline (a rule's, a level's, most
/// events'), so a copy is a copy of 24 bytes; a longer one is shared (an
/// `Arc<str>`), so a copy is a reference count. Either way a copy never
/// allocates. Every id used to be an `Arc<str>`: a copy was then an atomic
/// increment and its drop an atomic decrement, each some 20 cycles that
/// also hold up the processor's other memory accesses. Applying a café
/// purchase to a copy of an account made 17 of them, and as many again
/// when the outcome and the copy were dropped (callgrind counts an
/// atomic as one instruction, which hid the cost). Inline ids made the
/// JSON doors 10-15% faster (an account read from JSON allocated each of
/// its ids); the typed paths, which branch on the representation at
/// every read, took the same time within the host's noise.
/// In the WebAssembly build, single-threaded and where the package's size
/// counts for more, an id is a `String`.
///
/// It compares, orders and hashes as its text, and is written to JSON and
/// described in JSON Schema as a string.
///
/// ```
/// use loyalty_core::Id;
///
/// let id: Id = "happy_hour".into();
/// assert_eq!(id, "happy_hour");
/// assert_eq!(id.len(), 10);
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""happy_hour""#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(Inner);

#[cfg(not(target_arch = "wasm32"))]
type Inner = smol_str::SmolStr;

/// The longest id held inline (`smol_str`'s inline capacity).
#[cfg(not(target_arch = "wasm32"))]
const INLINE: usize = 23;
#[cfg(target_arch = "wasm32")]
type Inner = String;

impl Id {
    /// The id `text`.
    ///
    /// Natively a text of up to 23 bytes is made inline by
    /// `SmolStr::new_inline`, which is inlined here and copies the text
    /// once, into a zeroed buffer, rather than by `SmolStr::new`, which is
    /// out of line and moves the copied text through the stack twice more,
    /// at odd offsets: each move read back bytes just written by narrower
    /// stores, which the processor cannot forward to a load, and waited
    /// for them to reach the cache. By `perf`'s samples, making ids went
    /// from 3.9% of the stateless JSON door's time to 2.3% (the door makes
    /// some 18 an event), and every path's instructions fell.
    pub fn new(text: &str) -> Id {
        #[cfg(not(target_arch = "wasm32"))]
        if text.len() <= INLINE {
            return Id(smol_str::SmolStr::new_inline(text));
        }
        Id(Inner::from(text))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Make this id a copy of `other`, unless it is one already: a shared
    /// id is not taken again (which is a reference count each time), and
    /// an inline one is copied without comparing the texts first, which
    /// would cost more than the copy. Whether `other` is shared is one
    /// test of its tag, where reading both texts to compare them decoded
    /// both representations (some 20 instructions an award of a quote).
    ///
    /// An inline id is copied on a path of its own, the copy written
    /// before the old id is dropped: on a path shared with the shared
    /// ids' and with the copy written after the drop (which may call into
    /// the allocator), the compiler kept the copy's first bytes on the
    /// stack in two overlapping stores, and reading them back stalled the
    /// processor (a load that spans two stores cannot be forwarded from
    /// them): a twentieth of a quote's time, by `perf`'s samples.
    #[inline]
    pub(crate) fn copy_from(&mut self, other: &Id) {
        #[cfg(not(target_arch = "wasm32"))]
        if !other.0.is_heap_allocated() {
            drop(std::mem::replace(self, other.clone()));
        } else if !std::ptr::eq(self.as_str(), other.as_str()) {
            *self = other.clone();
        }
        // A `String` there: its room is reused.
        #[cfg(target_arch = "wasm32")]
        self.0.clone_from(&other.0);
    }
}

impl Deref for Id {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Id {
        Id::new(text)
    }
}

impl From<&String> for Id {
    fn from(text: &String) -> Id {
        Id::new(text)
    }
}

impl From<String> for Id {
    fn from(text: String) -> Id {
        Id(Inner::from(text))
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.as_str().to_owned()
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Id {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Id> for String {
    fn eq(&self, other: &Id) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Id> for str {
    fn eq(&self, other: &Id) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Id> for &str {
    fn eq(&self, other: &Id) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Id, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            // Borrowed or not, the text is read straight into the id:
            // no `String` is made on the way.
            fn visit_str<E>(self, v: &str) -> Result<Id, E> {
                Ok(Id::new(v))
            }
            fn visit_string<E>(self, v: String) -> Result<Id, E> {
                Ok(Id::from(v))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

/// Described as the string it is written as.
impl JsonSchema for Id {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

/// Why an id is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// It is empty.
    Empty,
    /// It is longer than [`MAX_ID_BYTES`] (a limit rather than a mistake).
    TooLong,
    /// It holds a control character.
    Control,
}

impl Fault {
    /// What is wrong with `id`, if anything.
    ///
    /// Inline, with the usual id (printable ASCII, at most 16 bytes)
    /// settled by two word tests: every line of every purchase has a SKU
    /// to check, and the call with its length tests cost more than them.
    #[inline]
    pub(crate) fn of(id: &str) -> Option<Fault> {
        match short_printable(id.as_bytes()) {
            Some(true) => None,
            _ => Self::of_any(id),
        }
    }

    /// [`Fault::of`] for any id.
    #[inline(never)]
    fn of_any(id: &str) -> Option<Fault> {
        if id.is_empty() {
            Some(Fault::Empty)
        } else if id.len() > MAX_ID_BYTES {
            Some(Fault::TooLong)
        } else if has_control(id) {
            Some(Fault::Control)
        } else {
            None
        }
    }

    /// The message of an error about the id.
    pub(crate) fn message(self) -> String {
        match self {
            Fault::Empty => "must not be empty".to_owned(),
            Fault::TooLong => format!("must be at most {MAX_ID_BYTES} bytes"),
            Fault::Control => "must not contain control characters".to_owned(),
        }
    }
}

/// Whether ids `a` and `b` are the same text, compared a word at a time:
/// a string comparison calls `bcmp`, which costs more than the comparison
/// for ids of a few bytes (the member's tier level is looked up among the
/// program's by its id four times a purchase). Past 16 bytes the last
/// word is compared first: ids that differ mostly differ at the end
/// (`t-1001`, `t-1002`).
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let word = |w: Option<&[u8; 8]>| w.map(|w| u64::from_le_bytes(*w));
    let half = |w: Option<&[u8; 4]>| w.map(|w| u32::from_le_bytes(*w));
    if a.len() > 16 {
        word(a.last_chunk()) == word(b.last_chunk()) && a == b
    } else if a.len() >= 8 {
        // Two words from the two ends, overlapping below 16 bytes.
        word(a.first_chunk()) == word(b.first_chunk())
            && word(a.last_chunk()) == word(b.last_chunk())
    } else if a.len() >= 4 {
        half(a.first_chunk()) == half(b.first_chunk())
            && half(a.last_chunk()) == half(b.last_chunk())
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// Whether `text` holds a control character. Ids are nearly always
/// printable ASCII: a byte test settles those without decoding UTF-8.
pub(crate) fn has_control(text: &str) -> bool {
    !printable(text.as_bytes()) && text.chars().any(char::is_control)
}

/// Whether every byte is printable ASCII (0x20 to 0x7e), a word at a time:
/// every line of every purchase has a SKU to check. The last word overlaps
/// the one before it rather than leaving bytes to test one by one.
#[cfg(not(target_arch = "wasm32"))]
fn printable(bytes: &[u8]) -> bool {
    if let Some(short) = short_printable(bytes) {
        return short;
    }
    let mut rest = bytes;
    let mut flags = 0;
    while let Some((w, tail)) = rest.split_first_chunk::<8>() {
        flags |= bad(u64::from_le_bytes(*w));
        rest = tail;
    }
    flags |= bytes
        .last_chunk::<8>()
        .map_or(0, |w| bad(u64::from_le_bytes(*w)));
    flags == 0
}

/// [`printable`] for 1 to 16 bytes, without a loop or a branch on a byte:
/// two words from the two ends (overlapping below 16 bytes), or below 8
/// bytes two halves packed in one word. `None` for other lengths.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn short_printable(bytes: &[u8]) -> Option<bool> {
    let word = |w: Option<&[u8; 8]>| w.map_or(0, |w| u64::from_le_bytes(*w));
    let half = |w: Option<&[u8; 4]>| w.map_or(0, |w| u64::from(u32::from_le_bytes(*w)));
    match bytes.len() {
        8..=16 => Some(bad(word(bytes.first_chunk())) | bad(word(bytes.last_chunk())) == 0),
        4..=7 => Some(bad(half(bytes.first_chunk()) | half(bytes.last_chunk()) << 32) == 0),
        1..=3 => Some(bytes.iter().all(|b| (0x20..0x7f).contains(b))),
        _ => None,
    }
}

/// A 1 in each byte of a word.
#[cfg(not(target_arch = "wasm32"))]
const ONES: u64 = 0x0101_0101_0101_0101;

/// Flags (high bits) for the bytes of `x` that are not printable ASCII:
/// none when all are. A byte below 0x20 borrows through its high bit; a
/// byte above 0x7e reaches it when 1 is added (or has it already). Only a
/// bad byte starts a carry or a borrow, so any flag means a bad byte.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn bad(x: u64) -> u64 {
    let high = ONES * 0x80;
    let below = x.wrapping_sub(ONES * 0x20) & !x & high;
    let above = (x.wrapping_add(ONES) | x) & high;
    below | above
}

/// Byte by byte in the WebAssembly build, whose size matters more.
#[cfg(target_arch = "wasm32")]
fn printable(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| (0x20..0x7f).contains(b))
}

/// No shortcut in the WebAssembly build: [`Fault::of`] takes the one path.
#[cfg(target_arch = "wasm32")]
#[inline]
fn short_printable(_: &[u8]) -> Option<bool> {
    None
}

#[cfg(test)]
mod tests {
    use super::{printable, same, Fault, Id};

    /// An id made inline is the id `SmolStr::new` makes, at every length
    /// around the inline capacity (a capacity below `INLINE` would panic
    /// here), multi-byte characters included; a longer one is shared.
    #[test]
    fn ids_are_made_as_smol_str_makes_them() {
        for len in 0..=30 {
            for text in ["k".repeat(len), "\u{e9}".repeat(len / 2)] {
                let id = Id::new(&text);
                assert_eq!(id.as_str(), text);
                #[cfg(not(target_arch = "wasm32"))]
                {
                    let smol = smol_str::SmolStr::new(&text);
                    assert_eq!(id.0, smol);
                    assert_eq!(id.0.is_heap_allocated(), smol.is_heap_allocated(), "{len}");
                    assert_eq!(id.0.is_heap_allocated(), text.len() > super::INLINE);
                }
            }
        }
    }

    /// Eight at a time gives what a byte-by-byte test gives, wherever a
    /// bad byte is and whatever its neighbours.
    #[test]
    fn printable_agrees_with_bytes() {
        let mut seed = 7_u64;
        for len in 0..40 {
            for _ in 0..400 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        let b = (seed >> 33) as u8;
                        // Mostly printable, with the edges and the rest mixed in.
                        match seed % 8 {
                            0 => b,
                            1 => [0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff, 0x00][usize::from(b % 7)],
                            _ => 0x20 + b % 0x5f,
                        }
                    })
                    .collect();
                let expected = bytes.iter().all(|b| (0x20..0x7f).contains(b));
                assert_eq!(printable(&bytes), expected, "{bytes:?}");
            }
        }
    }

    /// Word by word gives what `==` gives, for every length up to past
    /// the longest compared in words, with any one byte changed and with
    /// one text a prefix of the other.
    #[test]
    fn same_agrees_with_equality() {
        assert!(!same("\u{e9}", "\u{e8}") && same("\u{e9}", "\u{e9}"));
        let text = "abcdefghijklmnopqrstuvwxyz";
        for len in 0..=text.len() {
            let a = &text[..len];
            assert!(same(a, a), "{a}");
            assert!(!same(a, &text[..len.saturating_sub(1)]) || len == 0, "{a}");
            for at in 0..len {
                let mut b = a.as_bytes().to_vec();
                if let Some(byte) = b.get_mut(at) {
                    *byte = b'_';
                }
                let b = String::from_utf8(b).unwrap_or_default();
                assert_eq!(same(a, &b), a == b, "{a} / {b}");
            }
        }
    }

    #[test]
    fn faults() {
        assert_eq!(Fault::of("latte-2"), None);
        assert_eq!(Fault::of("café crème"), None);
        assert_eq!(Fault::of(""), Some(Fault::Empty));
        assert_eq!(Fault::of(&"x".repeat(129)), Some(Fault::TooLong));
        assert_eq!(Fault::of("a\tb"), Some(Fault::Control));
        assert_eq!(Fault::of("a\u{85}b"), Some(Fault::Control));
        assert_eq!(Fault::of("a\u{7f}"), Some(Fault::Control));
    }

    /// The short ids' shortcut gives what the definition gives, at every
    /// length around it, with a control or non-ASCII character anywhere.
    #[test]
    fn faults_of_every_length() {
        for len in 0..=20 {
            for at in 0..=len {
                for odd in ['\t', '\u{7f}', '\u{85}', '\u{e9}', ' ', '~'] {
                    let mut id: String = "k".repeat(len);
                    if at < len {
                        id.replace_range(at..=at, odd.encode_utf8(&mut [0; 4]));
                    }
                    let expected = if id.is_empty() {
                        Some(Fault::Empty)
                    } else if id.chars().any(char::is_control) {
                        Some(Fault::Control)
                    } else {
                        None
                    };
                    assert_eq!(Fault::of(&id), expected, "{id:?}");
                }
            }
        }
    }
}
