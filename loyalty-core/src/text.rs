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
    /// Digits above the width are dropped; a width of 0 writes one digit.
    pub(crate) fn digits(&mut self, mut n: u32, width: u32) {
        // From the last digit back, dividing by a constant (a multiply),
        // rather than by a power of ten computed for each call.
        let width = usize::try_from(width.max(1)).unwrap_or(1);
        let mut digits = [b'0'; 10];
        let used = digits.len().min(width);
        for _ in used..width {
            self.push(b'0');
        }
        for d in digits.iter_mut().take(used).rev() {
            *d = b'0' + u8::try_from(n % 10).unwrap_or(0);
            n /= 10;
        }
        for &d in digits.iter().take(used) {
            self.push(d);
        }
    }

    /// `mantissa x 10^-scale` as `Decimal`'s `Display` writes it: every
    /// digit of the scale, at least one before the point, the point only
    /// with a scale. Written in place from the last digit back, its length
    /// known first, rather than reversed from a second buffer and pushed
    /// byte by byte (which was most of the cost of writing an amount).
    /// Nothing is written when it does not fit.
    pub(crate) fn decimal(&mut self, mantissa: u128, scale: u32) {
        let scale = usize::try_from(scale).unwrap_or(usize::MAX);
        let digits = match u64::try_from(mantissa) {
            Ok(m) => m.checked_ilog10(),
            Err(_) => mantissa.checked_ilog10(),
        }
        .map_or(1, |log| log as usize + 1)
        .max(scale.saturating_add(1));
        let len = digits + usize::from(scale > 0);
        let start = self.len;
        let Some(slot) = self.buf.get_mut(start..start.saturating_add(len)) else {
            return;
        };
        let mut m = mantissa;
        // The last digit of `m`, which then loses it: in 64 bits once it
        // fits (128-bit division is a library call).
        let mut digit = || match u64::try_from(m) {
            Ok(small) => {
                m = u128::from(small / 10);
                b'0' + (small % 10) as u8
            }
            Err(_) => {
                let d = (m % 10) as u8;
                m /= 10;
                b'0' + d
            }
        };
        let (int, fraction) = slot.split_at_mut(digits - scale);
        if let Some((point, fraction)) = fraction.split_first_mut() {
            for b in fraction.iter_mut().rev() {
                *b = digit();
            }
            *point = b'.';
        }
        for b in int.iter_mut().rev() {
            *b = digit();
        }
        self.len = start + len;
    }

    pub(crate) fn as_str(&self) -> &str {
        // Whole `&str`s and ASCII bytes only were written: always UTF-8.
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// Text in a buffer aligned to a word and filled with spaces (callers
/// write over its first bytes). `str::from_utf8` checks an aligned start
/// two words at a time and an unaligned one byte by byte, so the text is
/// checked up to the end of its last 16-byte block (the spaces after it
/// are ASCII) and cut there: checking a 25-byte timestamp or a remembered
/// event byte by byte cost about as much as writing it.
#[cfg(not(target_arch = "wasm32"))]
#[repr(align(16))]
pub(crate) struct Padded<const N: usize>(pub(crate) [u8; N]);

#[cfg(not(target_arch = "wasm32"))]
impl<const N: usize> Padded<N> {
    pub(crate) fn spaces() -> Self {
        Padded([b' '; N])
    }

    /// The first `len` bytes as text; none when they are not UTF-8 or
    /// `len` is past the buffer.
    pub(crate) fn text(&self, len: usize) -> Option<&str> {
        let blocks = self.0.get(..len.next_multiple_of(16).min(N))?;
        std::str::from_utf8(blocks).ok()?.get(..len)
    }
}

#[cfg(test)]
mod tests {
    use super::StackText;

    /// The digits as they were first written: a power of ten per call.
    fn digits_by_powers(n: u32, width: u32) -> String {
        let mut out = String::new();
        let mut n = n;
        let mut div = 10_u32.pow(width.saturating_sub(1));
        while div > 0 {
            out.push(char::from(b'0' + (n / div % 10) as u8));
            n %= div;
            div /= 10;
        }
        out
    }

    #[test]
    fn digits_are_as_by_powers_of_ten() {
        let mut samples = vec![0, 1, 9, 10, 99, 100, 999, 1_000, 9_999, 10_000, u32::MAX];
        let mut x = 0x1234_5678_u32;
        for _ in 0..5_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            samples.push(x);
            samples.push(x % 100_000);
        }
        for &n in &samples {
            for width in 0..=10 {
                let mut t = StackText::<16>::new();
                t.digits(n, width);
                assert_eq!(t.as_str(), digits_by_powers(n, width), "{n} {width}");
            }
        }
    }

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
