//! Evaluating the earning rules on a basket.
//!
//! Rules run by priority (highest first), then in program order (the order
//! is computed once when the program is loaded). Each rule whose condition
//! holds produces a result; inside an exclusive group only the best result
//! so far is kept. Every result is also attributed to the lines that earned
//! it, so a later return can take back exactly what the returned lines
//! earned:
//! - per-amount points, cashback and donations are rounded once on the
//!   rule's total, then shared among the counted lines in proportion to their
//!   earning base (largest remainder, so the shares sum to the total);
//! - per-unit points and stamps belong to their lines;
//! - per-visit points and stamps belong to the purchase as a whole;
//! - a multiplier's extra points are shared like its targets' points.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::account::Usage;
use crate::basket::{minor, split, Valued};
use crate::decimal::Rounding;
use crate::engine::Engine;
use crate::error::{Document, Error};
use crate::limits::{MAX_POINTS, MAX_STAMPS};
use crate::outcome::Award;
use crate::period;
use crate::program::{Condition, Earn, Rule};
use crate::time::Timestamp;

/// What the rules may know about the member and the moment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub time: Timestamp,
    pub location: Option<&'a str>,
    pub channel: Option<&'a str>,
    /// Tier level index (into the program's levels) before this purchase.
    pub tier: Option<usize>,
    pub tags: &'a [String],
    pub enrolled_at: Option<Timestamp>,
    pub birthday: Option<&'a str>,
    /// The number this purchase would have among the member's purchases.
    pub visit: u64,
    /// Plan in force, if any.
    pub plan: Option<&'a str>,
    pub usage: &'a [Usage],
    pub cause: Option<&'a str>,
}

/// One rule's contribution. The per-line vectors are empty when the rule
/// gave nothing line by line (a missing entry counts as zero), so rules that
/// do not fire, or give per visit, allocate nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Result {
    pub rule: usize,
    pub points: i64,
    pub stamps: i64,
    pub cashback: i64,
    pub donation: i64,
    pub line_points: Vec<i64>,
    pub line_stamps: Vec<i64>,
    pub line_cashback: Vec<i64>,
    pub line_donation: Vec<i64>,
    pub visit_points: i64,
    pub visit_stamps: i64,
    pub voucher: Option<String>,
}

impl Result {
    fn new(rule: usize) -> Result {
        Result {
            rule,
            ..Result::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.points == 0
            && self.stamps == 0
            && self.cashback == 0
            && self.donation == 0
            && self.voucher.is_none()
    }

    /// "Best" inside an exclusive group.
    fn value(&self) -> (i64, i64, i64, i64) {
        (self.points, self.stamps, self.cashback, self.donation)
    }
}

/// What a basket earns, rule by rule and line by line.
#[derive(Debug, Default)]
pub(crate) struct Evaluation {
    pub results: Vec<Result>,
    pub awards: Vec<Award>,
}

impl Evaluation {
    pub fn points(&self) -> i64 {
        self.results.iter().map(|r| r.points).sum()
    }

    pub fn stamps(&self) -> i64 {
        self.results.iter().map(|r| r.stamps).sum()
    }

    pub fn cashback(&self) -> i64 {
        self.results.iter().map(|r| r.cashback).sum()
    }

    /// One line's share of one quantity, summed over all results.
    pub fn line_total(&self, line: usize, pick: impl Fn(&Result) -> &Vec<i64>) -> i64 {
        self.results.iter().filter_map(|r| pick(r).get(line)).sum()
    }
}

/// The eligible subtotal in minor units: the earning base of lines outside
/// excluded categories (an `i128`: 500 lines of the largest amount overflow
/// an `i64` at four decimals).
pub(crate) fn eligible_subtotal(lines: &[Valued<'_>]) -> i128 {
    lines
        .iter()
        .filter(|l| l.eligible)
        .map(|l| i128::from(l.base))
        .sum()
}

struct Ctx<'a, 'b> {
    engine: &'a Engine,
    lines: &'a [Valued<'b>],
    /// The eligible subtotal, in minor units.
    subtotal: i128,
    facts: &'a Facts<'a>,
    /// Whether results are attributed to lines (apply: a later return takes
    /// back what its lines earned) or only totalled (quote).
    attribute: bool,
}

impl Ctx<'_, '_> {
    fn holds(&self, c: &Condition) -> bool {
        let f = self.facts;
        match c {
            Condition::All { of } => of.iter().all(|c| self.holds(c)),
            Condition::Any { of } => of.iter().any(|c| self.holds(c)),
            Condition::Not { condition } => !self.holds(condition),
            Condition::SubtotalAtLeast { amount } => {
                self.subtotal >= i128::from(minor(self.engine, amount.0))
            }
            Condition::Contains {
                matching,
                min_quantity,
            } => {
                let units: u64 = self
                    .lines
                    .iter()
                    .filter(|l| matching.matches(l.line))
                    .map(|l| u64::from(l.line.quantity))
                    .sum();
                units >= u64::from(*min_quantity)
            }
            Condition::TimeWindow { days, from, to } => period::in_window(f.time, days, *from, *to),
            Condition::DateRange { from, to } => {
                from.is_none_or(|from| f.time >= from) && to.is_none_or(|to| f.time < to)
            }
            Condition::Tier { tiers } => f
                .tier
                .and_then(|i| self.engine.tier_id(i))
                .is_some_and(|t| tiers.iter().any(|x| x == t)),
            Condition::MemberTag { tags } => f.tags.iter().any(|t| tags.contains(t)),
            Condition::EnrolledDays { at_least, at_most } => f.enrolled_at.is_some_and(|since| {
                let days = period::whole_days(since, f.time);
                at_least.is_none_or(|n| days >= i64::from(n))
                    && at_most.is_none_or(|n| days <= i64::from(n))
            }),
            Condition::BirthdayWindow {
                days_before,
                days_after,
            } => f.birthday.is_some_and(|b| {
                period::birthday_in_window(b, f.time, *days_before, *days_after).is_some()
            }),
            Condition::NthVisit { n, repeat } => {
                let n = u64::from(*n);
                if *repeat {
                    n > 0 && f.visit % n == 0
                } else {
                    f.visit == n
                }
            }
            Condition::SubscriptionActive { plans } => f
                .plan
                .is_some_and(|p| plans.is_empty() || plans.iter().any(|x| x == p)),
            Condition::Location { locations } => {
                f.location.is_some_and(|l| locations.iter().any(|x| x == l))
            }
            Condition::Channel { channels } => {
                f.channel.is_some_and(|c| channels.iter().any(|x| x == c))
            }
        }
    }

    /// The earning base of the eligible lines in minor units, optionally
    /// only the matching ones, and (when attributing) each line's share of it.
    fn weights(&self, matching: Option<&crate::program::Match>) -> (i128, Vec<i64>) {
        let counts = |l: &Valued<'_>| l.eligible && matching.is_none_or(|m| m.matches(l.line));
        if self.attribute {
            let weights: Vec<i64> = self
                .lines
                .iter()
                .map(|l| if counts(l) { l.base } else { 0 })
                .collect();
            (weights.iter().map(|&w| i128::from(w)).sum(), weights)
        } else {
            let total = self
                .lines
                .iter()
                .filter(|l| counts(l))
                .map(|l| i128::from(l.base))
                .sum();
            (total, Vec::new())
        }
    }

    /// Money (`amount x percent / 100`, `amount` in minor units) rounded
    /// down to the minor unit.
    fn percent_of(&self, amount: i128, percent: Decimal) -> i64 {
        Rounding::Floor
            .ratio(amount, 2, percent)
            .unwrap_or(i64::MAX)
    }

    /// Points for `amount` minor units at `rate` points per currency unit.
    fn points_for(&self, amount: i128, rate: Decimal) -> std::result::Result<i64, Error> {
        let program = self.engine.program();
        program
            .points
            .rounding
            .ratio(amount, program.minor_units, rate)
            .filter(|p| *p <= MAX_POINTS)
            .ok_or_else(|| too_many("points", MAX_POINTS))
    }
}

fn too_many(what: &str, max: i64) -> Error {
    Error::limit(
        Document::Event,
        "lines",
        format!("the basket would earn more than {max} {what}"),
    )
}

/// Run the program's rules on `lines` for a member described by `facts`.
///
/// With `attribute`, every result is also shared among the lines that
/// earned it (what apply records for returns); without, only totals are
/// computed (a quote), which allocates nothing per rule.
pub(crate) fn evaluate(
    engine: &Engine,
    lines: &[Valued<'_>],
    facts: &Facts<'_>,
    attribute: bool,
) -> std::result::Result<Evaluation, Error> {
    let program = engine.program();
    let ctx = Ctx {
        engine,
        lines,
        subtotal: eligible_subtotal(lines),
        facts,
        attribute,
    };
    // Room for the few rules that usually fire on a basket, so the vector
    // does not grow (and move) as they are pushed.
    let mut results: Vec<Result> = Vec::with_capacity(program.rules.len().min(5));
    let mut cashback_left = engine.cashback_room(facts.usage, facts.time);
    for &index in engine.rule_order() {
        let Some(rule) = program.rules.get(index) else {
            continue;
        };
        if !applies(engine, &ctx, rule) {
            continue;
        }
        let mut r = Result::new(index);
        match &rule.earn {
            Earn::PointsPerAmount { rate, matching } => {
                let (amount, weights) = ctx.weights(matching.as_ref());
                r.points = ctx.points_for(amount, rate.0)?;
                r.line_points = split(r.points, &weights);
            }
            Earn::PointsPerUnit { points, matching } => {
                (r.points, r.line_points) = per_unit(lines, matching, *points, attribute);
            }
            Earn::PointsPerVisit { points } => {
                r.visit_points = i64::from(*points);
                r.points = r.visit_points;
            }
            Earn::StampsPerUnit { stamps, matching } => {
                (r.stamps, r.line_stamps) = per_unit(lines, matching, *stamps, attribute);
            }
            Earn::StampsPerVisit { stamps } => {
                r.visit_stamps = i64::from(*stamps);
                r.stamps = r.visit_stamps;
            }
            Earn::PointsMultiplier { factor, rules } => {
                multiply(engine, &mut r, &results, rules, factor.0, &ctx)?
            }
            Earn::TierMultiplier { rules } => {
                let factor = facts
                    .tier
                    .map_or(Decimal::ONE, |t| engine.tier_multiplier(t));
                multiply(engine, &mut r, &results, rules, factor, &ctx)?;
            }
            Earn::CashbackPercent {
                percent,
                matching,
                by_tier,
            } => {
                let rate = facts
                    .tier
                    .and_then(|t| engine.tier_id(t))
                    .and_then(|t| by_tier.get(t))
                    .map_or(percent.0, |d| d.0);
                let (amount, weights) = ctx.weights(matching.as_ref());
                r.cashback = ctx.percent_of(amount, rate);
                r.line_cashback = split(r.cashback, &weights);
            }
            Earn::CashbackStep { every, amount } => {
                let (spend, weights) = ctx.weights(None);
                let every = i128::from(minor(engine, every.0)).max(1);
                let steps = spend / every;
                r.cashback =
                    i64::try_from(steps.saturating_mul(i128::from(minor(engine, amount.0))))
                        .unwrap_or(i64::MAX);
                r.line_cashback = split(r.cashback, &weights);
            }
            Earn::IssueReward { reward } => r.voucher = Some(reward.clone()),
            Earn::DonationRoundUp { to } => {
                if facts.cause.is_some() {
                    let (amount, weights) = ctx.weights(None);
                    // Up to the next multiple of `to`.
                    let to = i128::from(minor(engine, to.0)).max(1);
                    let short = amount.rem_euclid(to);
                    r.donation = if short == 0 {
                        0
                    } else {
                        i64::try_from(to - short).unwrap_or(i64::MAX)
                    };
                    r.line_donation = split(r.donation, &weights);
                }
            }
            Earn::DonationMatch { percent } => {
                if facts.cause.is_some() {
                    let (amount, weights) = ctx.weights(None);
                    r.donation = ctx.percent_of(amount, percent.0);
                    r.line_donation = split(r.donation, &weights);
                }
            }
        }
        if let Some(cap) = rule.limits.as_ref().and_then(|l| l.per_purchase) {
            cap_result(&mut r, i64::from(cap));
        }
        if r.cashback > 0 {
            let room = cashback_left.unwrap_or(i64::MAX).max(0);
            if r.cashback > room {
                cap_money(&mut r, room);
            }
            cashback_left = cashback_left.map(|left| left - r.cashback);
        }
        if r.is_empty() {
            continue;
        }
        match rule.group.as_deref() {
            Some(group) => {
                let rival = results.iter().position(|x| {
                    program.rules.get(x.rule).and_then(|rr| rr.group.as_deref()) == Some(group)
                });
                match rival {
                    Some(i) if results.get(i).is_some_and(|x| x.value() >= r.value()) => {}
                    Some(i) => {
                        if let Some(slot) = results.get_mut(i) {
                            *slot = r;
                        }
                    }
                    None => results.push(r),
                }
            }
            None => results.push(r),
        }
    }
    let (points, stamps): (i64, i64) = results
        .iter()
        .fold((0, 0), |(p, s), r| (p + r.points, s + r.stamps));
    if points > MAX_POINTS {
        return Err(too_many("points", MAX_POINTS));
    }
    if stamps > MAX_STAMPS {
        return Err(too_many("stamps", MAX_STAMPS));
    }
    results.sort_by_key(|r| engine.rule_rank(r.rule));
    let awards = results
        .iter()
        .map(|r| Award {
            rule: engine
                .rule_id(r.rule)
                .cloned()
                .unwrap_or_else(|| Arc::from("")),
            points: r.points,
            stamps: r.stamps,
            cashback: (r.cashback != 0).then(|| engine.money(r.cashback).into()),
            donation: (r.donation != 0).then(|| engine.money(r.donation).into()),
            voucher: r.voucher.clone(),
        })
        .collect();
    Ok(Evaluation { results, awards })
}

/// Whether `rule` applies: its condition holds and its per-member limit is not reached.
fn applies(engine: &Engine, ctx: &Ctx<'_, '_>, rule: &Rule) -> bool {
    if let Some(limit) = rule.limits.as_ref().and_then(|l| l.per_member.as_ref()) {
        let key = period::key(limit.per, ctx.facts.time);
        let used = period::used(ctx.facts.usage, &format!("rule:{}", rule.id), key);
        if used >= i64::from(limit.times) {
            return false;
        }
    }
    let _ = engine;
    rule.when.as_ref().is_none_or(|c| ctx.holds(c))
}

/// Per-unit awards: `each` per earning unit of every matching line, as the
/// total and (when attributing) the per-line shares, left empty when no line
/// matches.
fn per_unit(
    lines: &[Valued<'_>],
    matching: &crate::program::Match,
    each: u32,
    attribute: bool,
) -> (i64, Vec<i64>) {
    let mut shares = Vec::new();
    let mut total = 0;
    for (i, l) in lines.iter().enumerate() {
        if !matching.matches(l.line) {
            continue;
        }
        let v = i64::from(each) * i64::from(l.earning_units);
        total += v;
        if !attribute {
            continue;
        }
        if shares.is_empty() {
            shares = vec![0; lines.len()];
        }
        if let Some(slot) = shares.get_mut(i) {
            *slot = v;
        }
    }
    (total, shares)
}

/// A multiplier's extra points: `rounding(targets x factor) - targets`,
/// shared like the targets (the lines, then the per-visit part) when
/// attributing.
fn multiply(
    engine: &Engine,
    r: &mut Result,
    done: &[Result],
    targets: &[String],
    factor: Decimal,
    ctx: &Ctx<'_, '_>,
) -> std::result::Result<(), Error> {
    let program = engine.program();
    let n = ctx.lines.len();
    let mut weights = if ctx.attribute {
        vec![0_i64; n + 1]
    } else {
        Vec::new()
    };
    let mut total = 0_i64;
    for t in done {
        let Some(rule) = program.rules.get(t.rule) else {
            continue;
        };
        if !targets.contains(&rule.id) {
            continue;
        }
        total += t.points;
        for (w, p) in weights.iter_mut().zip(&t.line_points) {
            *w += p;
        }
        if let Some(w) = weights.get_mut(n) {
            *w += t.visit_points;
        }
    }
    let scaled = program
        .points
        .rounding
        .ratio(i128::from(total), 0, factor)
        .filter(|p| *p <= MAX_POINTS)
        .ok_or_else(|| too_many("points", MAX_POINTS))?;
    let extra = (scaled - total).max(0);
    if extra == 0 {
        return Ok(());
    }
    r.points = extra;
    if ctx.attribute {
        let mut shares = split(extra, &weights);
        r.visit_points = shares.pop().unwrap_or(0);
        r.line_points = shares;
    }
    Ok(())
}

/// Cap a rule's main quantity (points, else stamps, else cashback in minor units).
fn cap_result(r: &mut Result, cap: i64) {
    if r.points > cap {
        let mut w = r.line_points.clone();
        w.push(r.visit_points);
        let shares = split(cap, &w);
        let n = r.line_points.len();
        r.line_points = shares.iter().take(n).copied().collect();
        r.visit_points = shares.get(n).copied().unwrap_or(0);
        r.points = cap;
    }
    if r.stamps > cap {
        let mut w = r.line_stamps.clone();
        w.push(r.visit_stamps);
        let shares = split(cap, &w);
        let n = r.line_stamps.len();
        r.line_stamps = shares.iter().take(n).copied().collect();
        r.visit_stamps = shares.get(n).copied().unwrap_or(0);
        r.stamps = cap;
    }
}

fn cap_money(r: &mut Result, cap: i64) {
    r.line_cashback = split(cap, &r.line_cashback);
    r.cashback = cap;
}
