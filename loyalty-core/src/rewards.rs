//! Applying a reward's benefit to a basket: which lines get how much off.
//!
//! - free item: the dearest matching unit (ties: the first line), up to `max_value`;
//! - fixed discount: the amount, capped at the eligible lines' value, shared
//!   among them in proportion to their value, cent by cent;
//! - percent discount: the percentage of the eligible (matching) lines'
//!   value, rounded once with `money_rounding`, capped, then shared the same way.
//!
//! A discount line is never more than the line's value, and a reward that
//! would give nothing is refused as not eligible.

use rust_decimal::Decimal;

use crate::basket::{minor, split_in_place, Valued};
use crate::engine::Engine;
use crate::error::Error;
use crate::id::Id;
use crate::inline::few;
use crate::outcome::Discount;
use crate::program::{Benefit, Match, Reward};

fn not_eligible(reward: &Reward, why: &str) -> Error {
    Error::rule(
        "not_eligible",
        "basket",
        format!("reward `{}` does not apply: {why}", reward.id),
    )
}

fn line_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The discount lines `reward` gives on `lines`.
///
/// Written over `out` (the outcome's list, which keeps its room); every
/// discount shares `id`, the engine's copy of the reward's id.
pub(crate) fn discounts(
    engine: &Engine,
    (reward, id): (&Reward, &Id),
    lines: &[Valued<'_>],
    wallet: i64,
    out: &mut Vec<Discount>,
) -> Result<(), Error> {
    out.clear();
    match &reward.benefit {
        Benefit::FreeItem {
            matching,
            max_value,
        } => {
            let mut best: Option<(usize, Decimal)> = None;
            for (i, l) in lines.iter().enumerate() {
                if !matching.matches(l.line) || l.value <= 0 {
                    continue;
                }
                // The unit price as written, unless the line paid less.
                let unit = if l.price <= l.value {
                    l.line.unit_price.0
                } else {
                    engine.money(l.value)
                };
                if best.is_none_or(|(_, b)| unit > b) {
                    best = Some((i, unit));
                }
            }
            let (i, unit) =
                best.ok_or_else(|| not_eligible(reward, "no matching item in the basket"))?;
            let amount = max_value.map_or(unit, |m| unit.min(m.0));
            out.push(Discount {
                line: line_index(i),
                amount: amount.into(),
                reward: Id::clone(id),
            });
        }
        Benefit::FixedDiscount { amount } => {
            share(engine, (reward, id), lines, &eligible, amount.0, out)?;
        }
        Benefit::PercentDiscount {
            percent,
            matching,
            cap,
        } => {
            let target =
                |l: &Valued<'_>| l.eligible && matching.as_ref().is_none_or(|m| m.matches(l.line));
            let base = engine.money(lines.iter().filter(|l| target(l)).map(|l| l.value).sum());
            let program = engine.program();
            let mut total = program
                .money_rounding
                .to_scale(base * percent.0 / Decimal::ONE_HUNDRED, program.minor_units);
            if let Some(cap) = cap {
                total = total.min(cap.0);
            }
            share(engine, (reward, id), lines, &target, total, out)?;
        }
        Benefit::WalletPayment => {
            let amount = engine.money(wallet);
            share(engine, (reward, id), lines, &eligible, amount, out)?;
        }
        Benefit::Donation { .. } => {}
    }
    Ok(())
}

/// What the wallet can pay on `lines`: their eligible value, in minor units.
pub(crate) fn payable(lines: &[Valued<'_>]) -> i64 {
    lines.iter().filter(|l| l.eligible).map(|l| l.value).sum()
}

/// A plan's standing discount on `lines` (empty when nothing matches).
pub(crate) fn plan_discounts(
    engine: &Engine,
    matching: &Match,
    percent: Decimal,
    lines: &[Valued<'_>],
) -> Vec<Discount> {
    let unit = engine.unit();
    let rounding = engine.program().money_rounding;
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| matching.matches(l.line) && l.value > 0)
        .filter_map(|(i, l)| {
            let value = engine.money(l.value);
            let amount = rounding.to_scale(
                value * percent / Decimal::ONE_HUNDRED,
                engine.program().minor_units,
            );
            let amount = amount.min(value);
            (amount >= unit).then(|| Discount {
                line: line_index(i),
                amount: amount.into(),
                reward: Id::from("plan"),
            })
        })
        .collect()
}

/// Whether the line can be discounted at all (its category is not excluded).
fn eligible(line: &Valued<'_>) -> bool {
    line.eligible
}

/// Share `amount` (capped at the targets' value) among the lines `target`
/// picks. The weights are split where they lie, inline for a basket of a
/// few lines (a redemption used to make three lists for it).
fn share(
    engine: &Engine,
    (reward, id): (&Reward, &Id),
    lines: &[Valued<'_>],
    target: &dyn Fn(&Valued<'_>) -> bool,
    amount: Decimal,
    out: &mut Vec<Discount>,
) -> Result<(), Error> {
    let mut shares: few![i64; 8] = lines
        .iter()
        .map(|l| if target(l) { l.value } else { 0 })
        .collect();
    let available: i64 = shares.iter().sum();
    let wanted = minor(engine, amount).min(available);
    if wanted <= 0 {
        return Err(not_eligible(reward, "no eligible amount in the basket"));
    }
    split_in_place(wanted, &mut shares);
    out.extend(
        shares
            .into_iter()
            .enumerate()
            .filter(|(_, cents)| *cents > 0)
            .map(|(i, cents)| Discount {
                line: line_index(i),
                amount: engine.money(cents).into(),
                reward: Id::clone(id),
            }),
    );
    Ok(())
}
