//! Exact decimal numbers as they travel in JSON, and the rounding modes that
//! turn them into whole points.
//!
//! Money and rates are [`rust_decimal::Decimal`] values written as JSON
//! *strings* (`"12.50"`), never JSON numbers: a JSON number passes through
//! `f64` in most JavaScript and many C parsers and stops being exact. The
//! accepted grammar is deliberately narrow so that every door (Rust, C, JS)
//! agrees on what a string means: an optional `-`, one to
//! [`MAX_INTEGER_DIGITS`] digits, and
//! optionally a `.` followed by one to
//! [`MAX_SCALE`] digits. `+5`, `1_000`, `1e3`,
//! `NaN`, `Infinity`, `.5` and `5.` are all rejected.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::limits::{MAX_INTEGER_DIGITS, MAX_SCALE};
use crate::text::StackText;

/// A decimal number that serializes as a JSON string, e.g. `"12.50"`.
///
/// The value keeps the scale it was written with (`"1.50"` stays `"1.50"`),
/// so what goes in comes out byte for byte.
///
/// ```
/// use loyalty_core::Dec;
/// let d: Dec = serde_json::from_str("\"12.50\"").unwrap();
/// assert_eq!(d.to_string(), "12.50");
/// assert!(serde_json::from_str::<Dec>("\"1_000\"").is_err());
/// assert!(serde_json::from_str::<Dec>("12.5").is_err()); // a JSON number
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(pub Decimal);

impl Dec {
    /// Zero, with no decimals.
    pub const ZERO: Dec = Dec(Decimal::ZERO);

    /// The wrapped decimal.
    pub fn get(self) -> Decimal {
        self.0
    }

    /// Number of digits after the decimal point as written.
    pub fn scale(self) -> u32 {
        self.0.scale()
    }
}

impl From<Decimal> for Dec {
    fn from(d: Decimal) -> Self {
        Dec(d)
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Why a string is not an acceptable decimal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecError {
    /// The text does not follow the grammar.
    #[error("`{0}` is not a decimal number (expected digits with an optional `-` and `.`, e.g. \"12.50\")")]
    Syntax(String),
    /// More integer digits than [`MAX_INTEGER_DIGITS`].
    #[error("`{0}` has more than {MAX_INTEGER_DIGITS} digits before the decimal point")]
    TooLarge(String),
    /// More decimals than [`MAX_SCALE`].
    #[error("`{0}` has more than {MAX_SCALE} digits after the decimal point")]
    TooFine(String),
}

impl FromStr for Dec {
    type Err = DecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shown = || crate::error::clip(s);
        let body = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f)) {
            return Err(DecError::Syntax(shown()));
        }
        if int.len() > MAX_INTEGER_DIGITS as usize {
            return Err(DecError::TooLarge(shown()));
        }
        if frac.is_some_and(|f| f.len() > MAX_SCALE as usize) {
            return Err(DecError::TooFine(shown()));
        }
        Decimal::from_str_exact(s)
            .map(Dec)
            .map_err(|_| DecError::Syntax(shown()))
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(written(self.0).as_str())
    }
}

/// Natively, for the writers of answers (`json::write::direct`).
#[cfg(not(target_arch = "wasm32"))]
impl Dec {
    /// The decimal as a JSON string, as its `Serialize` writes it with the
    /// JSON writer: its text is only digits, `-` and `.`, which are never
    /// escaped, so it is copied between quotes without the writer's scan.
    ///
    /// Three shortcuts, most used first: a zero of a currency's scale is
    /// one copy of its whole text; an amount of at most 4 decimals (every
    /// amount an answer holds) is its units then its decimals, pushed;
    /// any other mantissa of 64 bits has its digits made from the last
    /// back in a small buffer and pushed one by one. Pushing a text of a
    /// few bytes costs less than making a [`StackText`] (zeroed), checking
    /// it as UTF-8 and copying it. The rest goes through [`written`].
    pub(crate) fn push_json(&self, out: &mut String) {
        let d = self.0;
        // Zero, with the currency's decimals, is most of the amounts an
        // answer holds (an empty wallet, an award's cashback and donation):
        // written whole, it costs a tenth of the digits' loop.
        if d.is_zero() && !d.is_sign_negative() {
            const ZEROS: [&str; 5] = ["\"0\"", "\"0.0\"", "\"0.00\"", "\"0.000\"", "\"0.0000\""];
            if let Some(zero) = ZEROS.get(d.scale() as usize) {
                out.push_str(zero);
                return;
            }
        }
        let Ok(mut m) = u64::try_from(d.mantissa().unsigned_abs()) else {
            out.push('"');
            out.push_str(written(d).as_str());
            out.push('"');
            return;
        };
        // A currency's amount (at most 4 decimals): the units written as
        // an answer's integers are (a few stores below 10,000), then the
        // point and the decimals, without the loop below, which makes
        // every digit by a division into a zeroed buffer.
        let scale = d.scale() as usize;
        if let Some(&unit) = POW10.get(scale) {
            out.push('"');
            if d.is_sign_negative() {
                out.push('-');
            }
            crate::json::write::direct::uint(out, m / unit);
            if scale > 0 {
                out.push('.');
                let mut decimals = [b'0'; 4];
                let mut rest = m % unit;
                for slot in decimals.iter_mut().take(scale).rev() {
                    // `rest % 10` is below 10: the cast keeps it.
                    *slot = b'0' + (rest % 10) as u8;
                    rest /= 10;
                }
                for &b in decimals.iter().take(scale) {
                    out.push(char::from(b));
                }
            }
            out.push('"');
            return;
        }
        // At most 28 digits after the point (`Decimal`'s largest scale),
        // the point and 20 before it: 49 bytes.
        let mut buf = [b'0'; 56];
        let mut at = buf.len();
        let mut put = |b: u8| {
            at -= 1;
            if let Some(slot) = buf.get_mut(at) {
                *slot = b;
            }
        };
        for _ in 0..d.scale() {
            // `m % 10` is below 10: the cast keeps it.
            put(b'0' + (m % 10) as u8);
            m /= 10;
        }
        if d.scale() > 0 {
            put(b'.');
        }
        loop {
            put(b'0' + (m % 10) as u8);
            m /= 10;
            if m == 0 {
                break;
            }
        }
        out.push('"');
        if d.is_sign_negative() {
            out.push('-');
        }
        for &b in buf.get(at..).unwrap_or_default() {
            out.push(char::from(b));
        }
        out.push('"');
    }
}

/// `10^scale` for the scales of [`Dec::push_json`]'s shortcut.
#[cfg(not(target_arch = "wasm32"))]
const POW10: [u64; 5] = [1, 10, 100, 1_000, 10_000];

/// A decimal as `Decimal`'s `Display` writes it (every digit of its scale,
/// a `-` when the sign is negative), without the formatter.
fn written(d: Decimal) -> StackText<40> {
    let mut out = StackText::new();
    if d.is_sign_negative() {
        out.push(b'-');
    }
    // At most 29 digits, a point and the sign: 40 bytes are enough.
    out.decimal(d.mantissa().unsigned_abs(), d.scale());
    out
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Dec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number written as a string, e.g. \"12.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Dec, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl JsonSchema for Dec {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An exact decimal number written as a string, e.g. \"12.50\".",
            "pattern": "^-?[0-9]{1,15}(\\.[0-9]{1,8})?$"
        })
    }
}

/// How a fractional number of points (or a share of money) becomes whole.
///
/// Points are whole numbers; rates and proportions are not. The program
/// chooses one mode and the engine uses it everywhere the same quantity is
/// rounded, including when a return takes a share back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Round toward zero: 12.99 points become 12. The common choice.
    #[default]
    Floor,
    /// Round to nearest, ties to even ("banker's rounding"): 12.5 -> 12, 13.5 -> 14.
    HalfEven,
    /// Round away from zero: 12.01 points become 13.
    Ceiling,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::Floor => RoundingStrategy::ToZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Ceiling => RoundingStrategy::AwayFromZero,
        }
    }

    /// Round `value` to a whole number, or `None` when it does not fit `i64`.
    ///
    /// ```
    /// use loyalty_core::Rounding;
    /// use rust_decimal::Decimal;
    /// let x = Decimal::new(125, 1); // 12.5
    /// assert_eq!(Rounding::Floor.whole(x), Some(12));
    /// assert_eq!(Rounding::HalfEven.whole(x), Some(12));
    /// assert_eq!(Rounding::Ceiling.whole(x), Some(13));
    /// ```
    pub fn whole(self, value: Decimal) -> Option<i64> {
        value.round_dp_with_strategy(0, self.strategy()).to_i64()
    }

    /// `value / 10^scale x factor`, rounded to a whole number; `None` when
    /// it does not fit `i64`.
    ///
    /// This is [`whole`](Self::whole) on an exact product, in integers: the
    /// rules keep amounts in minor units (`scale` is the currency's
    /// decimals), so points for an amount at a rate are one multiplication
    /// and one division, with no decimal arithmetic and no intermediate
    /// rounding.
    ///
    /// ```
    /// use loyalty_core::Rounding;
    /// use rust_decimal::Decimal;
    /// // 12.34 at 1.5 points per unit is 18.51 points.
    /// assert_eq!(Rounding::Floor.ratio(1234, 2, Decimal::new(15, 1)), Some(18));
    /// assert_eq!(Rounding::Ceiling.ratio(1234, 2, Decimal::new(15, 1)), Some(19));
    /// // 2.5 and 3.5: ties go to the even neighbour.
    /// assert_eq!(Rounding::HalfEven.ratio(25, 1, Decimal::ONE), Some(2));
    /// assert_eq!(Rounding::HalfEven.ratio(35, 1, Decimal::ONE), Some(4));
    /// ```
    pub fn ratio(self, value: i128, scale: u32, factor: Decimal) -> Option<i64> {
        let n = value.checked_mul(factor.mantissa())?;
        let d = 10_i128.checked_pow(scale.checked_add(factor.scale())?)?;
        self.divide(n, d)
    }

    /// `n / d` (`d` > 0) rounded to a whole number, or none past `i64`:
    /// [`Rounding::ratio`] once its numerator and power of ten are known
    /// (the engine works them out for each rate when the program is loaded).
    pub(crate) fn divide(self, n: i128, d: i128) -> Option<i64> {
        // Nearly always both fit 64 bits, where division is a single
        // instruction (128-bit division is a library call).
        if let (Ok(n), Ok(d)) = (i64::try_from(n), i64::try_from(d)) {
            return self.divide_small(n, d);
        }
        let (q, r) = (n / d, n % d);
        // |r| < d <= 10^36: doubling it cannot overflow.
        let away = self.away(r.unsigned_abs() * 2, d.unsigned_abs(), q % 2 != 0, r != 0);
        i64::try_from(if away { q + n.signum() } else { q }).ok()
    }

    /// [`Rounding::divide`] in 64 bits (`d` > 0).
    pub(crate) fn divide_small(self, n: i64, d: i64) -> Option<i64> {
        let (q, r) = (n.checked_div(d)?, n.checked_rem(d)?);
        // |r| < d <= i64::MAX: doubling it fits a u64.
        let twice = r.unsigned_abs() * 2;
        if self.away(twice, d.unsigned_abs(), q % 2 != 0, r != 0) {
            q.checked_add(n.signum())
        } else {
            Some(q)
        }
    }

    /// Whether a quotient moves one away from zero: its remainder (doubled)
    /// against the divisor, whether it is odd, whether anything remains.
    fn away<T: PartialOrd>(self, twice_r: T, d: T, odd: bool, inexact: bool) -> bool {
        match self {
            Rounding::Floor => false,
            Rounding::Ceiling => inexact,
            Rounding::HalfEven => twice_r > d || (twice_r == d && odd),
        }
    }

    /// Round `value` to `scale` decimal places.
    pub fn to_scale(self, value: Decimal, scale: u32) -> Decimal {
        value.round_dp_with_strategy(scale, self.strategy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Dec, DecError> {
        s.parse()
    }

    #[test]
    fn accepts_plain_decimals() {
        for ok in [
            "0",
            "12",
            "12.50",
            "-3.1",
            "000.10",
            "999999999999999.99999999",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "", "-", "+5", "1_000", "1e3", "NaN", "Infinity", ".5", "5.", " 5", "5 ", "1.2.3",
            "0x10", "١٢",
        ] {
            assert!(matches!(parse(bad), Err(DecError::Syntax(_))), "{bad}");
        }
        assert!(matches!(
            parse("1234567890123456"),
            Err(DecError::TooLarge(_))
        ));
        assert!(matches!(parse("1.123456789"), Err(DecError::TooFine(_))));
    }

    /// A seeded 64-bit linear congruential generator for the random cases.
    fn lcg(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seed
        }
    }

    /// Amounts are written exactly as `Decimal`'s `Display` writes them.
    #[test]
    fn written_like_display() {
        let mut next = lcg(3);
        let mut cases = vec![
            Decimal::ZERO,
            Decimal::new(0, 2),
            Decimal::new(5, 2),
            Decimal::new(-5, 2),
            Decimal::new(1230, 0),
            Decimal::new(-1, 28),
            Decimal::MAX,
            Decimal::MIN,
            -Decimal::new(0, 3),
        ];
        // Zero at every scale, of either sign (the writer's shortcut).
        for scale in 0..=28 {
            cases.push(Decimal::new(0, scale));
            cases.push(-Decimal::new(0, scale));
        }
        // Around the 64-bit boundary of the mantissa, at every scale.
        for delta in [-2_i128, -1, 0, 1, 2, 1_000] {
            for scale in [0, 1, 2, 19, 20, 28] {
                let m = i128::from(u64::MAX) + delta;
                cases.push(Decimal::from_i128_with_scale(m, scale));
                cases.push(Decimal::from_i128_with_scale(-m, scale));
            }
        }
        for _ in 0..20_000 {
            let (a, b) = (next(), next());
            let digits = (b >> 59) as u32; // up to 31 decimal digits long
            let m = (u128::from(a) << 32 | u128::from(b >> 32)) % 10_u128.pow(digits.min(28));
            let scale = (b % 29) as u32;
            let d = Decimal::from_i128_with_scale(m as i128, scale);
            cases.push(if b & 1 == 1 { -d } else { d });
        }
        for d in cases {
            assert_eq!(written(d).as_str(), d.to_string(), "{d:?}");
            // Natively, the answers' writer writes what `Serialize` does.
            #[cfg(not(target_arch = "wasm32"))]
            {
                let mut direct = String::from("x");
                Dec(d).push_json(&mut direct);
                assert_eq!(
                    direct[1..],
                    serde_json::to_string(&Dec(d)).unwrap_or_default(),
                    "{d:?}"
                );
            }
        }
    }

    #[test]
    fn keeps_the_written_scale() {
        assert_eq!(parse("1.50").map(|d| d.to_string()), Ok("1.50".into()));
    }

    /// The integer rounding of the rules agrees with rounding the decimal
    /// product, in every mode, on amounts and factors of every scale
    /// (including negative amounts and exact ties).
    #[test]
    fn ratio_is_whole_of_the_exact_product() {
        let mut random = lcg(11);
        let mut next = || random() >> 17;
        for _ in 0..50_000 {
            let value = i128::from(next() % 2_000_000) - 500_000;
            let scale = (next() % 5) as u32;
            let factor = Decimal::new((next() % 100_000) as i64, (next() % 9) as u32);
            let exact = Decimal::from_i128_with_scale(value, scale) * factor;
            for mode in [Rounding::Floor, Rounding::HalfEven, Rounding::Ceiling] {
                assert_eq!(
                    mode.ratio(value, scale, factor),
                    mode.whole(exact),
                    "{mode:?} {value}e-{scale} x {factor}"
                );
            }
        }
    }
}
