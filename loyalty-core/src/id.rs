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
    !text.bytes().all(|b| (0x20..0x7f).contains(&b)) && text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::Fault;

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
