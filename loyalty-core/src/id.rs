//! Identifiers: what every id (member, event, SKU, category, rule,
//! reward...) must be: 1 to [`MAX_ID_BYTES`] bytes, no control character.
//!
//! One test for the three documents; each reports a refused id its own way
//! (a program keeps its first problem, an event names the field with the
//! kind of error, an account gives one message for every fault).

use crate::limits::MAX_ID_BYTES;

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
    pub(crate) fn of(id: &str) -> Option<Fault> {
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
    if bytes.len() < 8 {
        return match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            (Some(&a), Some(&b)) => {
                word(u64::from(u32::from_le_bytes(a)), 0x0101_0101)
                    && word(u64::from(u32::from_le_bytes(b)), 0x0101_0101)
            }
            _ => bytes.iter().all(|b| (0x20..0x7f).contains(b)),
        };
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut rest = bytes;
    while let Some((w, tail)) = rest.split_first_chunk::<8>() {
        if !word(u64::from_le_bytes(*w), ONES) {
            return false;
        }
        rest = tail;
    }
    rest.is_empty()
        || bytes
            .last_chunk::<8>()
            .is_some_and(|w| word(u64::from_le_bytes(*w), ONES))
}

/// Whether the bytes of `x` (as many as `ones` has 1 bytes) are all
/// printable ASCII. A byte below 0x20 borrows through its high bit; a byte
/// above 0x7e reaches it when 1 is added (or has it already). Only a bad
/// byte starts a carry or a borrow, so any flag means a bad byte.
#[cfg(not(target_arch = "wasm32"))]
fn word(x: u64, ones: u64) -> bool {
    let high = ones * 0x80;
    let below = x.wrapping_sub(ones * 0x20) & !x & high;
    let above = (x.wrapping_add(ones) | x) & high;
    below | above == 0
}

/// Byte by byte in the WebAssembly build, whose size matters more.
#[cfg(target_arch = "wasm32")]
fn printable(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| (0x20..0x7f).contains(b))
}

#[cfg(test)]
mod tests {
    use super::{printable, Fault};

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
}
