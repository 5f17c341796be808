//! Short ASCII text built on the stack, for what the JSON writer writes on
//! every event: timestamps, amounts and remembered events. Going through
//! the formatter (or a `String` each) cost more than the bytes.

/// Up to `N` bytes of ASCII text, without allocating.
pub(crate) struct StackText<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackText<N> {
    pub(crate) fn new() -> Self {
        StackText {
            buf: [0; N],
            len: 0,
        }
    }

    /// Append an ASCII byte; callers size `N` for their longest text, and
    /// a byte past it is dropped rather than panicking.
    pub(crate) fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// Append `text`, or return `false` (and append nothing) when it does
    /// not fit.
    pub(crate) fn push_str(&mut self, text: &str) -> bool {
        let end = self.len + text.len();
        match self.buf.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(text.as_bytes());
                self.len = end;
                true
            }
            None => false,
        }
    }

    /// `n` in decimal, zero-padded to `width` digits.
    pub(crate) fn digits(&mut self, mut n: u32, width: u32) {
        let mut div = 10_u32.pow(width.saturating_sub(1));
        while div > 0 {
            self.push(b'0' + u8::try_from(n / div % 10).unwrap_or(0));
            n %= div;
            div /= 10;
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Whole `&str`s and ASCII bytes only were written: always UTF-8.
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::StackText;

    #[test]
    fn builds_text_and_refuses_what_does_not_fit() {
        let mut t = StackText::<8>::new();
        assert!(t.push_str("é1"));
        t.digits(7, 3);
        t.push(b'-');
        assert_eq!(t.as_str(), "é1007-");
        assert!(!t.push_str("abc"));
        t.push(b'x');
        t.push(b'y');
        assert_eq!(t.as_str(), "é1007-x");
    }
}
