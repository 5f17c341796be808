//! Basket lines: checking them, valuing them, matching them.
//!
//! A line's *value* is what the member paid for it: `unit_price x quantity -
//! discount - reward_discount`. Its *earning base* is the same, except that
//! under [`EarnBase::BeforeRewardDiscounts`] the reward discount is not
//! subtracted. *Eligible* lines are those outside the program's excluded
//! categories; the eligible subtotal is the sum of their earning bases.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::decimal::Dec;
use crate::engine::Engine;
use crate::error::{Document, Error};
use crate::event::Line;
use crate::id::Fault;
use crate::inline::few;
use crate::limits::*;
use crate::program::{EarnBase, Match};

/// A basket's valued lines: inline up to eight natively (nearly every basket), so
/// valuing a basket allocates nothing.
pub(crate) type Basket<'a> = few![Valued<'a>; 8];

/// A checked line with its derived amounts, in minor units (cents).
///
/// Event amounts have at most the currency's decimals (checked here), so
/// every amount of a line is an exact integer number of minor units: the
/// rules add, compare and multiply integers, and decimals are made again
/// only for what is written out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Valued<'a> {
    pub line: &'a Line,
    /// `unit_price`.
    pub price: i64,
    /// What was paid.
    pub value: i64,
    /// What earns points.
    pub base: i64,
    /// Outside the excluded categories.
    pub eligible: bool,
    /// The matches of the program this line is one of, and whether it is
    /// excluded ([`crate::compiled::Compiled::classify`]).
    pub mask: u64,
    /// Units that earn per-unit awards: units paid for by a reward do not.
    pub earning_units: u32,
}

impl Match {
    /// Whether `line` is one of the listed SKUs, categories or tags.
    pub(crate) fn matches(&self, line: &Line) -> bool {
        self.skus.iter().any(|x| *x == line.sku)
            || line
                .category
                .as_ref()
                .is_some_and(|c| self.categories.iter().any(|x| x == c))
            || line.tags.iter().any(|t| self.tags.iter().any(|x| x == t))
    }
}

pub(crate) fn check_event_id(path: &str, id: &str) -> Result<(), Error> {
    check_id_at(id, || path.to_owned())
}

/// [`check_event_id`] with the path made only when there is an error (the
/// basket checks run on every purchase, twice: building paths eagerly cost
/// five allocations per line).
fn check_id_at(id: &str, path: impl FnOnce() -> String) -> Result<(), Error> {
    match Fault::of(id) {
        None => Ok(()),
        Some(f @ Fault::TooLong) => Err(Error::limit(Document::Event, path(), f.message())),
        Some(f) => Err(Error::invalid(Document::Event, path(), f.message())),
    }
}

/// Powers of ten up to the largest number of minor units a currency may
/// have (4, checked when the program is loaded).
const POW10: [i64; 5] = [1, 10, 100, 1_000, 10_000];

/// Check an event amount at `path` and give it in minor units: not
/// negative, at most the currency's decimals, at most [`MAX_AMOUNT_UNITS`].
fn to_minor(path: impl FnOnce() -> String, value: Decimal, minor_units: u32) -> Result<i64, Error> {
    // Sign and zero are flags of the decimal: no comparison needed.
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Error::invalid(
            Document::Event,
            path(),
            format!("must not be negative, got `{value}`"),
        ));
    }
    let scale = value.scale();
    let (Some(&shift), Some(&unit)) = (
        minor_units
            .checked_sub(scale)
            .and_then(|up| POW10.get(up as usize)),
        POW10.get(scale as usize),
    ) else {
        return Err(Error::invalid(
            Document::Event,
            path(),
            format!("`{value}` has more than {minor_units} decimals"),
        ));
    };
    // The scale is at most `minor_units` (at most 4), so comparing
    // mantissas at that scale is exact and avoids a decimal rescale; below
    // the limit the amount in minor units fits easily.
    match i64::try_from(value.mantissa().unsigned_abs()) {
        Ok(m) if m <= MAX_AMOUNT_UNITS * unit => Ok(m * shift),
        _ => Err(Error::limit(
            Document::Event,
            path(),
            format!("must be at most {MAX_AMOUNT_UNITS}"),
        )),
    }
}

/// Check every line of a basket at `path` (`lines` or `basket`) and value
/// it into `valued`.
pub(crate) fn value_lines<'a>(
    engine: &Engine,
    path: &str,
    lines: &'a [Line],
    valued: &mut Basket<'a>,
) -> Result<(), Error> {
    if lines.len() > MAX_LINES {
        return Err(Error::limit(
            Document::Event,
            path,
            format!("has {} lines; at most {MAX_LINES} are allowed", lines.len()),
        ));
    }
    let mu = engine.program().minor_units;
    let before_rewards = engine.program().points.earn_on == EarnBase::BeforeRewardDiscounts;
    valued.reserve(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let at = |field: &str| format!("{path}[{i}].{field}");
        check_id_at(&line.sku, || at("sku"))?;
        // A category the program names is a valid id already.
        let mut category = 0;
        if let Some(c) = &line.category {
            match engine.compiled().category(c) {
                Some(bits) => category = bits,
                None => check_id_at(c, || at("category"))?,
            }
        }
        if line.tags.len() > 32 {
            return Err(Error::limit(
                Document::Event,
                at("tags"),
                "at most 32 tags are allowed",
            ));
        }
        for (t, tag) in line.tags.iter().enumerate() {
            check_id_at(tag, || format!("{path}[{i}].tags[{t}]"))?;
        }
        if line.quantity == 0 {
            return Err(Error::invalid(
                Document::Event,
                at("quantity"),
                "must be at least 1",
            ));
        }
        if line.quantity > MAX_QUANTITY {
            return Err(Error::limit(
                Document::Event,
                at("quantity"),
                format!("must be at most {MAX_QUANTITY}, got {}", line.quantity),
            ));
        }
        let price = to_minor(|| at("unit_price"), line.unit_price.0, mu)?;
        // At most 10^13 x 10^4: no overflow.
        let gross = price * i64::from(line.quantity);
        // Most lines have no discounts: skip their checks.
        let discount = match line.discount {
            Some(d) => to_minor(|| at("discount"), d.0, mu)?,
            None => 0,
        };
        let reward = match line.reward_discount {
            Some(d) => to_minor(|| at("reward_discount"), d.0, mu)?,
            None => 0,
        };
        let value = gross - discount - reward;
        if value < 0 {
            let zero = Dec(Decimal::ZERO);
            let (d, r) = (
                line.discount.unwrap_or(zero),
                line.reward_discount.unwrap_or(zero),
            );
            return Err(Error::invalid(
                Document::Event,
                at("discount"),
                format!(
                    "discounts of `{}` exceed the line's `{}`",
                    d.0 + r.0,
                    line.unit_price.0 * Decimal::from(line.quantity)
                ),
            ));
        }
        let base = if before_rewards {
            gross - discount
        } else {
            value
        };
        let earning_units = if before_rewards || reward == 0 || price == 0 {
            line.quantity
        } else {
            // Units the reward paid for, a part unit counting whole.
            let free = (reward + price - 1) / price;
            line.quantity
                .saturating_sub(u32::try_from(free).unwrap_or(line.quantity))
        };
        let mask = engine.compiled().classify(line, category);
        valued.push(Valued {
            line,
            price,
            value,
            base,
            eligible: mask & crate::compiled::EXCLUDED == 0,
            mask,
            earning_units,
        });
    }
    Ok(())
}

/// Amount in minor units (cents) as an integer, truncated toward zero;
/// exact because scales are checked.
pub(crate) fn minor(engine: &Engine, amount: Decimal) -> i64 {
    to_minor_units(amount, engine.program().minor_units)
}

/// `amount` in units of `10^-scale`, truncated toward zero. Read from the
/// mantissa rather than by a decimal division (the division was a visible
/// share of every purchase).
pub(crate) fn to_minor_units(amount: Decimal, scale: u32) -> i64 {
    // Nearly always the amount has at most the currency's decimals (event
    // amounts are checked for it): then it is the mantissa scaled up.
    if let Some(up) = scale
        .checked_sub(amount.scale())
        .and_then(|d| 10_i128.checked_pow(d))
    {
        if let Some(c) = amount
            .mantissa()
            .checked_mul(up)
            .and_then(|c| i64::try_from(c).ok())
        {
            return c;
        }
    }
    let mut cents = amount.trunc_with_scale(scale);
    cents.rescale(scale);
    if cents.scale() != scale {
        return amount
            .checked_div(Decimal::new(1, scale))
            .and_then(|c| c.trunc().to_i64())
            .unwrap_or(i64::MAX);
    }
    i64::try_from(cents.mantissa()).unwrap_or(i64::MAX)
}

/// Split `total` into integer shares proportional to `weights` (largest
/// remainder method; ties go to the earlier index). The shares always sum to
/// `total`, and a zero weight always gets zero unless all weights are zero,
/// in which case everything goes to the first entry.
///
/// ```ignore
/// assert_eq!(split(10, &[1, 1, 1]), vec![4, 3, 3]);
/// ```
///
/// The engine splits in place ([`split_in_place`]); this form is the tests'.
#[cfg(test)]
pub(crate) fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let mut shares = weights.to_vec();
    split_in_place(total, &mut shares);
    shares
}

/// The split of `total` by weights (the tests' `split`), in place: `buf` holds the weights and is left holding the
/// shares (the evaluation keeps its shares in one arena).
pub(crate) fn split_in_place(total: i64, buf: &mut [i64]) {
    // The sum of the (positive) weights, in 128 bits (an add with carry a
    // weight, where a checked 64-bit sum tested each), and the largest.
    let (mut sum, mut most) = (0_i128, 0_i64);
    for &w in buf.iter() {
        let w = w.max(0);
        most = most.max(w);
        sum += i128::from(w);
    }
    if sum == 0 {
        buf.fill(0);
        if let Some(first) = buf.first_mut() {
            *first = total;
        }
        return;
    }
    // One positive weight (a one-line basket, or one line counted): its
    // share is `total x w / w`, exactly `total`, and every other is 0.
    if sum == i128::from(most) {
        for share in buf.iter_mut() {
            *share = if *share > 0 { total } else { 0 };
        }
        return;
    }
    // Baskets are small: when every product fits 64 bits, divide in 64
    // bits (128-bit division is a library call), and keep the remainders
    // of at most 64 weights on the stack.
    let small = i64::try_from(sum)
        .ok()
        .filter(|_| total >= 0 && buf.len() <= 64 && total.checked_mul(most).is_some());
    let Some(sum) = small else {
        let weights = buf.to_vec();
        return split_wide(i128::from(total), &weights, sum, buf);
    };
    // A stack of remainders just big enough (zeroing 64 of them was a
    // visible part of splitting a three-line basket).
    if buf.len() <= 8 {
        split_small::<8>(total, sum, buf);
    } else {
        split_small::<64>(total, sum, buf);
    }
}

/// [`split_in_place`] for at most `N` weights whose products with `total`
/// fit 64 bits, `sum` their (positive) sum, the remainders on the stack.
fn split_small<const N: usize>(total: i64, sum: i64, buf: &mut [i64]) {
    let mut remainders = [0_i64; N];
    let mut left = total;
    for (share, r) in buf.iter_mut().zip(&mut remainders) {
        let product = total * (*share).max(0);
        *share = product / sum;
        *r = product % sum;
        left -= *share;
    }
    // Fewer units than weights are left: each goes to the largest
    // remainder not served yet (ties to the earlier index, by the strict
    // `>`), which is what sorting all remainders would give. A served one
    // is marked -1, below every other: the remainders add up to `left x
    // sum`, each below `sum`, so more than `left` of them are positive
    // and the scan always finds one not served.
    let n = buf.len();
    for _ in 0..left {
        let (mut most, mut at) = (-1, 0);
        for (i, &r) in remainders.iter().enumerate().take(n) {
            if r > most {
                (most, at) = (r, i);
            }
        }
        if let (Some(share), Some(r)) = (buf.get_mut(at), remainders.get_mut(at)) {
            *share += 1;
            *r = -1;
        }
    }
}

/// The general case of [`split_in_place`], in 128 bits: floors, then the
/// units left to the largest remainders, found by sorting (ties to the
/// earlier index).
fn split_wide(t: i128, weights: &[i64], sum: i128, shares: &mut [i64]) {
    let mut given: i128 = 0;
    for (&w, share) in weights.iter().zip(shares.iter_mut()) {
        let q = (t * i128::from(w.max(0))).div_euclid(sum);
        *share = i64::try_from(q).unwrap_or(0);
        given += q;
    }
    let mut left = t - given;
    if left <= 0 {
        return;
    }
    let mut remainders: Vec<(i128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| ((t * i128::from(w.max(0))).rem_euclid(sum), i))
        .collect();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        if let Some(s) = shares.get_mut(i) {
            *s += 1;
            left -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn split_sums_exactly() {
        assert_eq!(split(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(split(7, &[450, 0, 250]), vec![5, 0, 2]);
        assert_eq!(split(0, &[5, 5]), vec![0, 0]);
        assert_eq!(split(3, &[0, 0]), vec![3, 0]);
    }

    /// The scan for small remainders and the sort agree.
    #[test]
    fn split_scan_matches_sort() {
        let mut seed = 7_u64;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let n = 1 + (seed >> 60) as usize;
            let weights: Vec<i64> = (0..n).map(|i| ((seed >> (i * 3)) % 7) as i64 - 1).collect();
            let total = ((seed >> 20) % 50) as i64;
            let sum: i128 = weights.iter().map(|&w| i128::from(w.max(0))).sum();
            let got = split(total, &weights);
            assert_eq!(got.iter().sum::<i64>(), total, "{weights:?}");
            if sum > 0 {
                let mut sorted = vec![0; weights.len()];
                super::split_wide(i128::from(total), &weights, sum, &mut sorted);
                assert_eq!(got, sorted, "{total} over {weights:?}");
            }
        }
    }
}
