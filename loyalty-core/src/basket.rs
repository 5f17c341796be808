//! Basket lines: checking them, valuing them, matching them.
//!
//! A line's *value* is what the member paid for it: `unit_price x quantity -
//! discount - reward_discount`. Its *earning base* is the same, except that
//! under [`EarnBase::BeforeRewardDiscounts`] the reward discount is not
//! subtracted. *Eligible* lines are those outside the program's excluded
//! categories; the eligible subtotal is the sum of their earning bases.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::engine::Engine;
use crate::error::{Document, Error};
use crate::event::Line;
use crate::limits::*;
use crate::program::{EarnBase, Match};

/// A checked line with its derived amounts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Valued<'a> {
    pub line: &'a Line,
    /// What was paid.
    pub value: Decimal,
    /// What earns points.
    pub base: Decimal,
    /// Outside the excluded categories.
    pub eligible: bool,
    /// Units that earn per-unit awards: units paid for by a reward do not.
    pub earning_units: u32,
}

impl Match {
    /// Whether `line` is one of the listed SKUs, categories or tags.
    pub(crate) fn matches(&self, line: &Line) -> bool {
        self.skus.contains(&line.sku)
            || line
                .category
                .as_ref()
                .is_some_and(|c| self.categories.iter().any(|x| x == c))
            || line.tags.iter().any(|t| self.tags.iter().any(|x| x == t))
    }
}

pub(crate) fn check_event_id(path: &str, id: &str) -> Result<(), Error> {
    if id.is_empty() {
        Err(Error::invalid(Document::Event, path, "must not be empty"))
    } else if id.len() > MAX_ID_BYTES {
        Err(Error::limit(
            Document::Event,
            path,
            format!("must be at most {MAX_ID_BYTES} bytes"),
        ))
    } else if id.chars().any(char::is_control) {
        Err(Error::invalid(
            Document::Event,
            path,
            "must not contain control characters",
        ))
    } else {
        Ok(())
    }
}

fn check_money(path: &str, value: Decimal, minor_units: u32) -> Result<(), Error> {
    if value < Decimal::ZERO {
        return Err(Error::invalid(
            Document::Event,
            path,
            format!("must not be negative, got `{value}`"),
        ));
    }
    if value.scale() > minor_units {
        return Err(Error::invalid(
            Document::Event,
            path,
            format!("`{value}` has more than {minor_units} decimals"),
        ));
    }
    if value > Decimal::from(MAX_AMOUNT_UNITS) {
        return Err(Error::limit(
            Document::Event,
            path,
            format!("must be at most {MAX_AMOUNT_UNITS}"),
        ));
    }
    Ok(())
}

/// Check every line of a basket at `path` (`lines` or `basket`) and value it.
pub(crate) fn value_lines<'a>(
    engine: &Engine,
    path: &str,
    lines: &'a [Line],
) -> Result<Vec<Valued<'a>>, Error> {
    if lines.len() > MAX_LINES {
        return Err(Error::limit(
            Document::Event,
            path,
            format!("has {} lines; at most {MAX_LINES} are allowed", lines.len()),
        ));
    }
    let mu = engine.program().minor_units;
    let before_rewards = engine.program().points.earn_on == EarnBase::BeforeRewardDiscounts;
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let at = |field: &str| format!("{path}[{i}].{field}");
            check_event_id(&at("sku"), &line.sku)?;
            if let Some(c) = &line.category {
                check_event_id(&at("category"), c)?;
            }
            if line.tags.len() > 32 {
                return Err(Error::limit(
                    Document::Event,
                    at("tags"),
                    "at most 32 tags are allowed",
                ));
            }
            for (t, tag) in line.tags.iter().enumerate() {
                check_event_id(&format!("{path}[{i}].tags[{t}]"), tag)?;
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
            let price = line.unit_price.0;
            check_money(&at("unit_price"), price, mu)?;
            let discount = line.discount.map_or(Decimal::ZERO, |d| d.0);
            check_money(&at("discount"), discount, mu)?;
            let reward = line.reward_discount.map_or(Decimal::ZERO, |d| d.0);
            check_money(&at("reward_discount"), reward, mu)?;
            let gross = price * Decimal::from(line.quantity);
            let value = gross - discount - reward;
            if value < Decimal::ZERO {
                return Err(Error::invalid(
                    Document::Event,
                    at("discount"),
                    format!(
                        "discounts of `{}` exceed the line's `{gross}`",
                        discount + reward
                    ),
                ));
            }
            let base = if before_rewards {
                gross - discount
            } else {
                value
            };
            let earning_units = if before_rewards || reward.is_zero() || price.is_zero() {
                line.quantity
            } else {
                let free = (reward / price).ceil().to_u32().unwrap_or(line.quantity);
                line.quantity.saturating_sub(free)
            };
            Ok(Valued {
                line,
                value,
                base,
                eligible: !engine.is_excluded(line.category.as_deref()),
                earning_units,
            })
        })
        .collect()
}

/// Amount in minor units (cents) as an integer; exact because scales are checked.
pub(crate) fn minor(engine: &Engine, amount: Decimal) -> i64 {
    (amount / engine.unit())
        .trunc()
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// Split `total` into integer shares proportional to `weights` (largest
/// remainder method; ties go to the earlier index). The shares always sum to
/// `total`, and a zero weight always gets zero unless all weights are zero,
/// in which case everything goes to the first entry.
///
/// ```ignore
/// assert_eq!(split(10, &[1, 1, 1]), vec![4, 3, 3]);
/// ```
pub(crate) fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| i128::from(w.max(0))).sum();
    let mut shares = vec![0_i64; weights.len()];
    if weights.is_empty() {
        return shares;
    }
    if sum == 0 {
        if let Some(first) = shares.first_mut() {
            *first = total;
        }
        return shares;
    }
    let t = i128::from(total);
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, (&w, share)) in weights.iter().zip(shares.iter_mut()).enumerate() {
        let exact = t * i128::from(w.max(0));
        let q = exact.div_euclid(sum);
        *share = i64::try_from(q).unwrap_or(0);
        given += q;
        remainders.push((exact.rem_euclid(sum), i));
    }
    let mut left = t - given;
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
    shares
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
}
