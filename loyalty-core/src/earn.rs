//! Evaluating the earning rules on a basket.
//!
//! Rules run in program order. Each rule that applies produces an
//! [`Award`]; its points and stamps are also attributed to the lines that
//! earned them, so a later return can take back exactly what the returned
//! lines earned:
//! - per-amount points are rounded once on the rule's total, then shared
//!   among the counted lines in proportion to their earning base (largest
//!   remainder, so the shares sum to the total);
//! - per-unit points and stamps belong to their lines;
//! - per-visit points and stamps belong to the purchase as a whole.

use rust_decimal::Decimal;

use crate::basket::{minor, split, Valued};
use crate::engine::Engine;
use crate::error::{Document, Error};
use crate::limits::{MAX_POINTS, MAX_STAMPS};
use crate::outcome::Award;
use crate::program::{Condition, Earn};

/// What a basket earns, rule by rule and line by line.
#[derive(Debug, Default)]
pub(crate) struct Evaluation {
    pub awards: Vec<Award>,
    pub line_points: Vec<i64>,
    pub line_stamps: Vec<i64>,
    pub visit_points: i64,
    pub visit_stamps: i64,
}

impl Evaluation {
    pub fn points(&self) -> i64 {
        self.awards.iter().map(|a| a.points).sum()
    }

    pub fn stamps(&self) -> i64 {
        self.awards.iter().map(|a| a.stamps).sum()
    }
}

/// The eligible subtotal: the earning base of lines outside excluded categories.
pub(crate) fn eligible_subtotal(lines: &[Valued<'_>]) -> Decimal {
    lines.iter().filter(|l| l.eligible).map(|l| l.base).sum()
}

fn holds(c: &Condition, lines: &[Valued<'_>], subtotal: Decimal) -> bool {
    match c {
        Condition::All { of } => of.iter().all(|c| holds(c, lines, subtotal)),
        Condition::Any { of } => of.iter().any(|c| holds(c, lines, subtotal)),
        Condition::Not { condition } => !holds(condition, lines, subtotal),
        Condition::SubtotalAtLeast { amount } => subtotal >= amount.0,
        Condition::Contains {
            matching,
            min_quantity,
        } => {
            let units: u64 = lines
                .iter()
                .filter(|l| matching.matches(l.line))
                .map(|l| u64::from(l.line.quantity))
                .sum();
            units >= u64::from(*min_quantity)
        }
    }
}

fn too_many(what: &str, max: i64) -> Error {
    Error::limit(
        Document::Event,
        "lines",
        format!("the basket would earn more than {max} {what}"),
    )
}

/// Run every rule of the program on `lines`.
pub(crate) fn evaluate(engine: &Engine, lines: &[Valued<'_>]) -> Result<Evaluation, Error> {
    let program = engine.program();
    let subtotal = eligible_subtotal(lines);
    let mut ev = Evaluation {
        line_points: vec![0; lines.len()],
        line_stamps: vec![0; lines.len()],
        ..Evaluation::default()
    };
    let mut points_total: i64 = 0;
    let mut stamps_total: i64 = 0;
    for rule in &program.rules {
        if let Some(when) = &rule.when {
            if !holds(when, lines, subtotal) {
                continue;
            }
        }
        let (points, stamps) = match &rule.earn {
            Earn::PointsPerAmount { rate, matching } => {
                let counted = |l: &Valued<'_>| {
                    l.eligible && matching.as_ref().is_none_or(|m| m.matches(l.line))
                };
                let amount: Decimal = lines.iter().filter(|l| counted(l)).map(|l| l.base).sum();
                let points = amount
                    .checked_mul(rate.0)
                    .and_then(|x| program.points.rounding.whole(x))
                    .filter(|p| *p <= MAX_POINTS)
                    .ok_or_else(|| too_many("points", MAX_POINTS))?;
                let weights: Vec<i64> = lines
                    .iter()
                    .map(|l| if counted(l) { minor(engine, l.base) } else { 0 })
                    .collect();
                for (slot, share) in ev.line_points.iter_mut().zip(split(points, &weights)) {
                    *slot += share;
                }
                (points, 0)
            }
            Earn::PointsPerUnit { points, matching } => {
                let mut total = 0;
                for (slot, l) in ev.line_points.iter_mut().zip(lines) {
                    if matching.matches(l.line) {
                        let p = i64::from(*points) * i64::from(l.earning_units);
                        *slot += p;
                        total += p;
                    }
                }
                (total, 0)
            }
            Earn::PointsPerVisit { points } => {
                ev.visit_points += i64::from(*points);
                (i64::from(*points), 0)
            }
            Earn::StampsPerUnit { stamps, matching } => {
                let mut total = 0;
                for (slot, l) in ev.line_stamps.iter_mut().zip(lines) {
                    if matching.matches(l.line) {
                        let s = i64::from(*stamps) * i64::from(l.earning_units);
                        *slot += s;
                        total += s;
                    }
                }
                (0, total)
            }
            Earn::StampsPerVisit { stamps } => {
                ev.visit_stamps += i64::from(*stamps);
                (0, i64::from(*stamps))
            }
        };
        points_total = points_total
            .checked_add(points)
            .filter(|p| *p <= MAX_POINTS)
            .ok_or_else(|| too_many("points", MAX_POINTS))?;
        stamps_total = stamps_total
            .checked_add(stamps)
            .filter(|s| *s <= MAX_STAMPS)
            .ok_or_else(|| too_many("stamps", MAX_STAMPS))?;
        if points != 0 || stamps != 0 {
            ev.awards.push(Award {
                rule: rule.id.clone(),
                points,
                stamps,
            });
        }
    }
    Ok(ev)
}
