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

use rust_decimal::Decimal;

use crate::account::Usage;
use crate::basket::{minor, split_in_place, Valued};
use crate::compiled::{Cond, Matcher, Rate, RulePlan};
use crate::decimal::{Dec, Rounding};
use crate::engine::Engine;
use crate::error::{Document, Error};
use crate::id::Id;
use crate::inline::few;
use crate::limits::{MAX_POINTS, MAX_STAMPS};
use crate::outcome::Award;
use crate::period;
use crate::program::Earn;
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

/// Which asset a result's per-line shares are of (a rule gives one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asset {
    Points,
    Stamps,
    Cashback,
    Donation,
}

/// One rule's contribution. Its per-line shares, when it has any, are a
/// block of the evaluation's arena (see [`Evaluation`]), so rules that do
/// not fire, give per visit, or are only quoted allocate nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Result<'p> {
    pub rule: usize,
    pub points: i64,
    pub stamps: i64,
    pub cashback: i64,
    pub donation: i64,
    pub visit_points: i64,
    pub visit_stamps: i64,
    /// The reward of a voucher the rule issues (borrowed from the program).
    pub voucher: Option<&'p str>,
    /// The asset of the shares and where their block starts.
    shares: Option<(Asset, usize)>,
}

impl Result<'_> {
    fn new(rule: usize) -> Self {
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
///
/// Per-line shares live in one arena: a result that attributes its award
/// owns a block of `lines + 1` entries, one per line and a last one for the
/// purchase as a whole (equal to its `visit_points` or `visit_stamps`, 0
/// for the other assets), so splitting, capping and multiplying work on
/// one slice and an evaluation makes one allocation for all of them.
#[derive(Debug, Default)]
pub(crate) struct Evaluation<'p> {
    /// The rules that gave something, inline when they are few.
    pub results: few![Result<'p>; 6],
    arena: Arena,
    /// The results' points, stamps and cashback, added up once by
    /// [`evaluate`] (which checks the totals against their limits).
    totals: Totals,
    /// The basket's eligible subtotal in minor units, which the rules'
    /// conditions needed (kept for the purchase's tier spend).
    subtotal: i128,
}

/// What all results give together.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    points: i64,
    stamps: i64,
    cashback: i64,
}

/// The entries an arena holds inline (the `32` of its list's type: the
/// list is made from an array of this length, which only compiles if
/// they agree).
const ARENA_INLINE: usize = 32;

/// The per-line shares of an evaluation: blocks of `size` entries (the
/// lines, then the purchase part) taken one after another, inline for a
/// typical basket.
///
/// Growing the list is a call to the generic `resize` (some 55
/// instructions besides the zeroing): when every block grew it, that was
/// some 250 instructions of a café purchase. So the list only grows: its
/// first growth makes the whole inline room at once, as a zeroed array
/// (a memset, no `resize`), which holds the blocks of a typical basket;
/// later ones double it; and a block given up (its result dropped) stays
/// in the list, past `used`, to be taken again. A block's entries are
/// therefore stale when it is taken: whoever takes one writes all of it.
#[derive(Debug, Default)]
struct Arena {
    entries: few![i64; 32],
    /// Entries of the blocks in use; those past it are spare.
    used: usize,
    /// Entries per block: the basket's lines, plus one.
    size: usize,
}

impl Arena {
    /// A fresh block, its entries stale, and where it starts.
    #[inline]
    fn take(&mut self) -> (usize, &mut [i64]) {
        let at = self.used;
        let end = at + self.size;
        if self.entries.len() < end {
            self.grow(end);
        }
        self.used = end;
        (at, self.entries.get_mut(at..end).unwrap_or_default())
    }

    /// Grow the list to at least `end` entries (out of line: once per
    /// typical evaluation, where `take` is inlined at every block).
    #[inline(never)]
    fn grow(&mut self, end: usize) {
        if self.entries.is_empty() && end <= ARENA_INLINE {
            self.entries = [0; ARENA_INLINE].into();
        } else {
            let len = end.max(ARENA_INLINE).max(2 * self.entries.len());
            self.entries.resize(len, 0);
        }
    }

    /// Give up the blocks taken since `used` was `mark`.
    fn give_back(&mut self, mark: usize) {
        self.used = mark;
    }

    /// The block at `at`.
    fn block(&self, at: usize) -> Option<&[i64]> {
        self.entries.get(at..at + self.size)
    }

    fn block_mut(&mut self, at: usize) -> Option<&mut [i64]> {
        self.entries.get_mut(at..at + self.size)
    }
}

impl<'p> Evaluation<'p> {
    pub fn points(&self) -> i64 {
        self.totals.points
    }

    pub fn stamps(&self) -> i64 {
        self.totals.stamps
    }

    pub fn cashback(&self) -> i64 {
        self.totals.cashback
    }

    /// The eligible subtotal, in minor units.
    pub fn subtotal(&self) -> i128 {
        self.subtotal
    }

    /// The per-line shares of every result that has them, with their
    /// asset (a share per line, then the purchase-as-a-whole part).
    pub fn shares(&self) -> impl Iterator<Item = (Asset, &[i64])> + use<'_, 'p> {
        self.results.iter().filter_map(|r| {
            let (asset, at) = r.shares?;
            Some((asset, self.arena.block(at)?))
        })
    }
}

/// The eligible subtotal in minor units: the earning base of lines outside
/// excluded categories (an `i128`: 500 lines of the largest amount overflow
/// an `i64` at four decimals), and the union of the lines' masks.
fn survey(lines: &[Valued<'_>]) -> (i128, u64) {
    lines.iter().fold((0, 0), |(subtotal, masks), l| {
        // A product, not a branch: which lines are excluded is as good as
        // random to the processor's branch predictor.
        let base = i128::from(l.base) * i128::from(l.eligible);
        (subtotal + base, masks | l.mask)
    })
}

struct Ctx<'a, 'b> {
    engine: &'a Engine,
    lines: &'a [Valued<'b>],
    /// The eligible subtotal, in minor units.
    subtotal: i128,
    /// The union of the lines' masks: a match whose bit is not in it is
    /// one of no line.
    masks: u64,
    facts: &'a Facts<'a>,
    /// Whether results are attributed to lines (apply: a later return takes
    /// back what its lines earned) or only totalled (quote).
    attribute: bool,
}

impl Ctx<'_, '_> {
    /// Whether condition `c` holds. The two conditions nearly every
    /// program has (a minimum basket, a time window) are settled inline;
    /// the others in [`Ctx::holds_other`].
    #[inline]
    fn holds(&self, c: &Cond) -> bool {
        match c {
            Cond::SubtotalAtLeast(min) => self.subtotal >= *min,
            Cond::TimeWindow { days, from, to } => {
                period::in_day_window(self.facts.time, *days, *from, *to)
            }
            other => self.holds_other(other),
        }
    }

    #[inline(never)]
    fn holds_other(&self, c: &Cond) -> bool {
        let f = self.facts;
        match c {
            Cond::All(of) => of.iter().all(|c| self.holds(c)),
            Cond::Any(of) => of.iter().any(|c| self.holds(c)),
            Cond::Not(c) => !self.holds(c),
            // Settled in `holds`.
            Cond::SubtotalAtLeast(_) | Cond::TimeWindow { .. } => self.holds(c),
            Cond::Contains { matcher, min } => {
                let units: u64 = self
                    .lines
                    .iter()
                    .filter(|l| matcher.hits(l))
                    .map(|l| u64::from(l.line.quantity))
                    .sum();
                units >= *min
            }
            Cond::DateRange { from, to } => {
                from.is_none_or(|from| f.time >= from) && to.is_none_or(|to| f.time < to)
            }
            Cond::Tier(levels) => f.tier.is_some_and(|t| levels.contains(&t)),
            Cond::MemberTag(tags) => f.tags.iter().any(|t| tags.contains(t)),
            Cond::EnrolledDays { at_least, at_most } => f.enrolled_at.is_some_and(|since| {
                let days = period::whole_days(since, f.time);
                at_least.is_none_or(|n| days >= i64::from(n))
                    && at_most.is_none_or(|n| days <= i64::from(n))
            }),
            Cond::BirthdayWindow { before, after } => f
                .birthday
                .is_some_and(|b| period::birthday_in_window(b, f.time, *before, *after).is_some()),
            Cond::NthVisit { n, repeat } => {
                if *repeat {
                    *n > 0 && f.visit % n == 0
                } else {
                    f.visit == *n
                }
            }
            Cond::SubscriptionActive(plans) => f
                .plan
                .is_some_and(|p| plans.is_empty() || plans.iter().any(|x| x == p)),
            Cond::Location(locations) => {
                f.location.is_some_and(|l| locations.iter().any(|x| x == l))
            }
            Cond::Channel(channels) => f.channel.is_some_and(|c| channels.iter().any(|x| x == c)),
        }
    }

    /// The earning base of line `l` if it counts for an amount-based rule
    /// (eligible, and matching when the rule names lines), else 0: a
    /// product of 0s and 1s, not a branch (which lines count is as good as
    /// random to the processor's branch predictor).
    fn counted(l: &Valued<'_>, matcher: Option<&Matcher>) -> i64 {
        let hit = matcher.map_or(1, |m| m.hit(l));
        // `hit` is 0 or 1: the cast keeps it.
        l.base * i64::from(l.eligible) * hit as i64
    }

    /// The earning base of the counted lines in minor units and, when
    /// attributing, a block of `arena` holding each line's base (the
    /// weights its award is then split by).
    ///
    /// Inline, as a quote's sum is a few instructions per line.
    #[inline]
    fn weights(&self, matcher: Option<&Matcher>, arena: &mut Arena) -> (i128, Option<usize>) {
        if self.attribute {
            self.weights_into(matcher, arena)
        } else if matcher.is_none() {
            // Every eligible line counts: their sum is the subtotal.
            (self.subtotal, None)
        } else {
            let total = self
                .lines
                .iter()
                .map(|l| i128::from(Self::counted(l, matcher)))
                .sum();
            (total, None)
        }
    }

    #[inline(never)]
    fn weights_into(&self, matcher: Option<&Matcher>, arena: &mut Arena) -> (i128, Option<usize>) {
        let (at, block) = arena.take();
        let mut total = 0;
        for (w, l) in block.iter_mut().zip(self.lines) {
            *w = Self::counted(l, matcher);
            total += i128::from(*w);
        }
        if let Some(whole) = block.get_mut(self.lines.len()) {
            *whole = 0;
        }
        (total, Some(at))
    }

    /// Money (`amount x percent / 100`, `amount` in minor units) rounded
    /// down to the minor unit.
    fn percent_of(&self, amount: i128, percent: Decimal) -> i64 {
        Rounding::Floor
            .ratio(amount, 2, percent)
            .unwrap_or(i64::MAX)
    }

    /// Points for `amount` (minor units, or points for a multiplier) at
    /// `rate`, rounded by the program's rule. Inline: a few instructions
    /// at each of its two callers, where a call saves and restores their
    /// registers.
    #[inline]
    fn points_for(&self, amount: i128, rate: Option<Rate>) -> std::result::Result<i64, Error> {
        let rounding = self.engine.program().points.rounding;
        rate.and_then(|r| r.of(rounding, amount))
            .filter(|p| *p <= MAX_POINTS)
            .ok_or_else(|| too_many("points", MAX_POINTS))
    }
}

/// Split the result's total of `asset` over the block at `at` (weights in,
/// shares out) and record the block as its shares; nothing when not
/// attributing.
fn share(arena: &mut Arena, r: &mut Result<'_>, asset: Asset, at: Option<usize>) {
    let total = match asset {
        Asset::Points => r.points,
        Asset::Stamps => r.stamps,
        Asset::Cashback => r.cashback,
        Asset::Donation => r.donation,
    };
    if let Some(at) = at {
        if let Some(block) = arena.block_mut(at) {
            split_in_place(total, block);
        }
        r.shares = Some((asset, at));
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
/// The evaluation is written into `ev` (a fresh one), where the caller
/// keeps it: its inline storage is never moved. The awards are written
/// over `awards` (the caller's quote or outcome, see [`write_awards`]).
///
/// Natively the rules run in one of two copies of [`rules`], one for each
/// value of `attribute`, so that a quote's loop carries none of the
/// attributing code or its tests (and the processor's branch predictor
/// none of its branches); the WebAssembly build, whose size counts for
/// more, has the one.
pub(crate) fn evaluate<'p>(
    engine: &'p Engine,
    lines: &[Valued<'_>],
    facts: &Facts<'_>,
    attribute: bool,
    ev: &mut Evaluation<'p>,
    awards: &mut Vec<Award>,
) -> std::result::Result<(), Error> {
    #[cfg(not(target_arch = "wasm32"))]
    return if attribute {
        rules_as::<true>(engine, lines, facts, ev, awards)
    } else {
        rules_as::<false>(engine, lines, facts, ev, awards)
    };
    #[cfg(target_arch = "wasm32")]
    return rules(engine, lines, facts, attribute, ev, awards);
}

/// [`rules`] with `attribute` a constant: a function of its own for each
/// value (an apply's, a quote's).
#[cfg(not(target_arch = "wasm32"))]
#[inline(never)]
fn rules_as<'p, const ATTRIBUTE: bool>(
    engine: &'p Engine,
    lines: &[Valued<'_>],
    facts: &Facts<'_>,
    ev: &mut Evaluation<'p>,
    awards: &mut Vec<Award>,
) -> std::result::Result<(), Error> {
    rules(engine, lines, facts, ATTRIBUTE, ev, awards)
}

/// [`evaluate`]'s work, inlined natively into a copy for each value of
/// `attribute`.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn rules<'p>(
    engine: &'p Engine,
    lines: &[Valued<'_>],
    facts: &Facts<'_>,
    attribute: bool,
    ev: &mut Evaluation<'p>,
    awards: &mut Vec<Award>,
) -> std::result::Result<(), Error> {
    let program = engine.program();
    let compiled_rules = engine.compiled();
    let (subtotal, masks) = survey(lines);
    let ctx = Ctx {
        engine,
        lines,
        subtotal,
        masks,
        facts,
        attribute,
    };
    let n = lines.len();
    ev.subtotal = subtotal;
    let Evaluation {
        results,
        arena,
        totals,
        ..
    } = ev;
    arena.size = n + 1;
    // Room for every rule at once: a large program's results outgrow the
    // inline room, and growing it by doubling copied them five times over
    // (in a program of 200 rules, some 2,900 instructions a purchase).
    let rules = program.rules.len();
    if rules > results.capacity() {
        results.reserve(rules - results.len());
    }
    // The cashback caps' room, worked out at the first rule that gives
    // cashback (most purchases of most programs have none).
    let mut cashback_left: Option<Option<i64>> = None;
    let mut reordered = false;
    for &index in engine.rule_order() {
        let (Some(rule), Some(compiled)) = (program.rules.get(index), compiled_rules.rule(index))
        else {
            continue;
        };
        if !applies(&ctx, compiled) {
            continue;
        }
        let mark = arena.used;
        let matcher = compiled.matcher.as_ref();
        let mut r = Result::new(index);
        match &rule.earn {
            Earn::PointsPerAmount { .. } => {
                let (amount, at) = ctx.weights(matcher, arena);
                r.points = ctx.points_for(amount, compiled.rate)?;
                share(arena, &mut r, Asset::Points, at);
            }
            Earn::PointsPerUnit { points, .. } => {
                let (total, at) = per_unit(&ctx, matcher, *points, arena);
                r.points = total;
                r.shares = at.map(|at| (Asset::Points, at));
            }
            Earn::PointsPerVisit { points } => {
                r.visit_points = i64::from(*points);
                r.points = r.visit_points;
            }
            Earn::StampsPerUnit { stamps, .. } => {
                let (total, at) = per_unit(&ctx, matcher, *stamps, arena);
                r.stamps = total;
                r.shares = at.map(|at| (Asset::Stamps, at));
            }
            Earn::StampsPerVisit { stamps } => {
                r.visit_stamps = i64::from(*stamps);
                r.stamps = r.visit_stamps;
            }
            Earn::PointsMultiplier { .. } => multiply(
                &mut r,
                around(&ctx, results, !reordered, &compiled.targets),
                &compiled.targets,
                compiled.rate,
                &ctx,
                arena,
            )?,
            Earn::TierMultiplier { .. } => {
                // Nothing to do below the first level or at a factor of 1.
                if let Some(factor) = facts.tier.and_then(|t| compiled_rules.tier_factor(t)) {
                    let targets = &compiled.targets;
                    let done = around(&ctx, results, !reordered, targets);
                    multiply(&mut r, done, targets, Some(factor), &ctx, arena)?;
                }
            }
            Earn::CashbackPercent {
                percent, by_tier, ..
            } => {
                let rate = facts
                    .tier
                    .and_then(|t| engine.tier_id(t))
                    .and_then(|t| by_tier.get(t))
                    .map_or(percent.0, |d| d.0);
                let (amount, at) = ctx.weights(matcher, arena);
                r.cashback = ctx.percent_of(amount, rate);
                share(arena, &mut r, Asset::Cashback, at);
            }
            Earn::CashbackStep { every, amount } => {
                let (spend, at) = ctx.weights(None, arena);
                let every = i128::from(minor(engine, every.0)).max(1);
                let steps = spend / every;
                r.cashback =
                    i64::try_from(steps.saturating_mul(i128::from(minor(engine, amount.0))))
                        .unwrap_or(i64::MAX);
                share(arena, &mut r, Asset::Cashback, at);
            }
            Earn::IssueReward { reward } => r.voucher = Some(reward),
            Earn::DonationRoundUp { to } => {
                if facts.cause.is_some() {
                    let (amount, at) = ctx.weights(None, arena);
                    // Up to the next multiple of `to`.
                    let to = i128::from(minor(engine, to.0)).max(1);
                    let short = amount.rem_euclid(to);
                    r.donation = if short == 0 {
                        0
                    } else {
                        i64::try_from(to - short).unwrap_or(i64::MAX)
                    };
                    share(arena, &mut r, Asset::Donation, at);
                }
            }
            Earn::DonationMatch { percent } => {
                if facts.cause.is_some() {
                    let (amount, at) = ctx.weights(None, arena);
                    r.donation = ctx.percent_of(amount, percent.0);
                    share(arena, &mut r, Asset::Donation, at);
                }
            }
        }
        if let Some(cap) = compiled.cap {
            cap_result(&mut r, cap, arena, n);
        }
        if r.cashback > 0 {
            let left =
                cashback_left.get_or_insert_with(|| engine.cashback_room(facts.usage, facts.time));
            let room = left.unwrap_or(i64::MAX).max(0);
            if r.cashback > room {
                r.cashback = room;
                let block = r.shares.and_then(|(_, at)| arena.block_mut(at));
                if let Some(lines) = block.and_then(|b| b.get_mut(..n)) {
                    split_in_place(room, lines);
                }
            }
            if let Some(left) = left {
                *left -= r.cashback;
            }
        }
        if r.is_empty() {
            arena.give_back(mark);
            continue;
        }
        match compiled.group {
            Some(group) => {
                let rival = results
                    .iter()
                    .position(|x| compiled_rules.rule(x.rule).and_then(|p| p.group) == Some(group));
                match rival {
                    Some(i) if results.get(i).is_some_and(|x| x.value() >= r.value()) => {
                        arena.give_back(mark);
                    }
                    Some(i) => {
                        if let Some(slot) = results.get_mut(i) {
                            *slot = r;
                            reordered = true;
                        }
                    }
                    None => results.push(r),
                }
            }
            None => results.push(r),
        }
    }
    *totals = results.iter().fold(Totals::default(), |t, r| Totals {
        points: t.points + r.points,
        stamps: t.stamps + r.stamps,
        cashback: t.cashback + r.cashback,
    });
    if totals.points > MAX_POINTS {
        return Err(too_many("points", MAX_POINTS));
    }
    if totals.stamps > MAX_STAMPS {
        return Err(too_many("stamps", MAX_STAMPS));
    }
    // Results are pushed in evaluation order, which is the order awards
    // are listed in, unless a group's winner took an earlier rival's place.
    if reordered {
        results.sort_by_key(|r| engine.rule_rank(r.rule));
    }
    write_awards(engine, results, awards);
    Ok(())
}

/// The awards of `results`, written over `awards`: a reused list (a quote
/// or an outcome kept from one purchase to the next) keeps its room, and
/// an award whose slot already names the same rule keeps the shared id, so
/// the steady case makes no allocation and touches no reference count. A
/// new list is collected, which allocates it at its size at once.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn write_awards(engine: &Engine, results: &[Result<'_>], awards: &mut Vec<Award>) {
    if awards.capacity() == 0 {
        *awards = results.iter().map(|r| award(engine, r)).collect();
        return;
    }
    awards.truncate(results.len());
    let reused = awards.len();
    for (slot, r) in awards.iter_mut().zip(results) {
        match engine.rule_id(r.rule) {
            Some(rule) => slot.rule.copy_from(rule),
            None => slot.rule = Id::from(""),
        }
        slot.points = r.points;
        slot.stamps = r.stamps;
        slot.cashback = money(engine, r.cashback);
        slot.donation = money(engine, r.donation);
        match (r.voucher, &mut slot.voucher) {
            (Some(reward), Some(kept)) => {
                kept.clear();
                kept.push_str(reward);
            }
            (reward, kept) => *kept = reward.map(str::to_owned),
        }
    }
    awards.extend(results.iter().skip(reused).map(|r| award(engine, r)));
}

/// The award of result `r`.
#[inline]
fn award(engine: &Engine, r: &Result<'_>) -> Award {
    Award {
        rule: engine
            .rule_id(r.rule)
            .cloned()
            .unwrap_or_else(|| Id::from("")),
        points: r.points,
        stamps: r.stamps,
        cashback: money(engine, r.cashback),
        donation: money(engine, r.donation),
        voucher: r.voucher.map(str::to_owned),
    }
}

/// An award's amount of money: none when it is zero.
#[inline]
fn money(engine: &Engine, minor: i64) -> Option<Dec> {
    (minor != 0).then(|| engine.money(minor).into())
}

/// Whether a rule applies: its condition holds and its per-member limit is not reached.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn applies(ctx: &Ctx<'_, '_>, rule: &RulePlan) -> bool {
    if let Some((limit, key)) = &rule.limit {
        let period = period::key(limit.per, ctx.facts.time);
        if period::used(ctx.facts.usage, key, period) >= i64::from(limit.times) {
            return false;
        }
    }
    rule.when.as_ref().is_none_or(|c| ctx.holds(c))
}

/// Per-unit awards: `each` per earning unit of every matching line, as the
/// total and (when attributing) a block of per-line shares taken from
/// `arena`, with where it starts. Inline, like [`Ctx::weights`].
///
/// When the rule's match is one of no line (its bit is in no line's mask,
/// or it names no lines) the award is 0 line by line: nothing is summed
/// and no block is taken. That is common, a per-unit rule naming one kind
/// of product: half the café's baskets have no pastry, half no coffee.
#[inline]
fn per_unit(
    ctx: &Ctx<'_, '_>,
    matcher: Option<&Matcher>,
    each: u32,
    arena: &mut Arena,
) -> (i64, Option<usize>) {
    let any = match matcher {
        None => false,
        Some(Matcher::Bit(bit)) => ctx.masks & bit != 0,
        Some(Matcher::Direct(_)) => true,
    };
    if !any {
        (0, None)
    } else if ctx.attribute {
        per_unit_into(ctx, matcher, each, arena)
    } else {
        let total = ctx.lines.iter().map(|l| unit_award(l, matcher, each)).sum();
        (total, None)
    }
}

#[inline(never)]
fn per_unit_into(
    ctx: &Ctx<'_, '_>,
    matcher: Option<&Matcher>,
    each: u32,
    arena: &mut Arena,
) -> (i64, Option<usize>) {
    let (at, block) = arena.take();
    let mut total = 0;
    for (share, l) in block.iter_mut().zip(ctx.lines) {
        *share = unit_award(l, matcher, each);
        total += *share;
    }
    if let Some(whole) = block.get_mut(ctx.lines.len()) {
        *whole = 0;
    }
    (total, Some(at))
}

/// What line `l` earns at `each` per earning unit.
fn unit_award(l: &Valued<'_>, matcher: Option<&Matcher>, each: u32) -> i64 {
    let hit = matcher.map_or(0, |m| m.hit(l));
    // `hit` is 0 or 1, and `each x units` fits: a product of two `u32`s.
    (u64::from(each) * u64::from(l.earning_units) * hit) as i64
}

/// The results among `done` (the rules evaluated so far) in which a
/// multiplier looks for those of `targets`: all of them when they are few,
/// as in a café's program. When they are many (a program of 200 rules has
/// some 150 before its multipliers, and scanning them all for each was a
/// third of its quote) and still in evaluation order (no exclusive group's
/// winner took an earlier rival's place), only those between the targets'
/// first and last rank, found by binary searches. (The WebAssembly build,
/// whose package's size counts for more, scans them all.)
#[inline(always)]
#[cfg_attr(target_arch = "wasm32", allow(unused_variables))]
fn around<'d, 'p>(
    ctx: &Ctx<'_, '_>,
    done: &'d [Result<'p>],
    in_order: bool,
    targets: &[usize],
) -> &'d [Result<'p>] {
    #[cfg(not(target_arch = "wasm32"))]
    if in_order && done.len() > 8 {
        return between_ranks(ctx, done, targets);
    }
    done
}

/// [`around`] of many results in evaluation order: out of line, as the
/// few results of a café's program never need it.
#[cfg(not(target_arch = "wasm32"))]
#[inline(never)]
fn between_ranks<'d, 'p>(
    ctx: &Ctx<'_, '_>,
    done: &'d [Result<'p>],
    targets: &[usize],
) -> &'d [Result<'p>] {
    let rank = |index: usize| ctx.engine.rule_rank(index);
    let ranks = targets.iter().map(|&t| rank(t));
    let (Some(first), Some(last)) = (ranks.clone().min(), ranks.max()) else {
        return &[];
    };
    let from = done.partition_point(|r| rank(r.rule) < first);
    let to = done.partition_point(|r| rank(r.rule) <= last);
    done.get(from..to).unwrap_or_default()
}

/// A multiplier's extra points: `rounding(targets x factor) - targets`,
/// shared like the targets (the lines, then the per-visit part) when
/// attributing.
fn multiply(
    r: &mut Result<'_>,
    done: &[Result<'_>],
    targets: &[usize],
    factor: Option<Rate>,
    ctx: &Ctx<'_, '_>,
    arena: &mut Arena,
) -> std::result::Result<(), Error> {
    let n = ctx.lines.len();
    let at = if ctx.attribute {
        let (at, block) = arena.take();
        block.fill(0);
        at
    } else {
        0
    };
    let mut total = 0_i64;
    for t in done.iter().filter(|t| targets.contains(&t.rule)) {
        total += t.points;
        if !ctx.attribute {
            continue;
        }
        // Blocks taken earlier lie before this one.
        let (old, block) = arena.entries.split_at_mut(at);
        if let Some((Asset::Points, from)) = t.shares {
            if let Some(lines) = old.get(from..from + n) {
                for (w, p) in block.iter_mut().zip(lines) {
                    *w += p;
                }
            }
        }
        if let Some(w) = block.get_mut(n) {
            *w += t.visit_points;
        }
    }
    let scaled = ctx.points_for(i128::from(total), factor)?;
    let extra = (scaled - total).max(0);
    if extra == 0 {
        return Ok(());
    }
    r.points = extra;
    if ctx.attribute {
        if let Some(block) = arena.block_mut(at) {
            split_in_place(extra, block);
            r.visit_points = block.get(n).copied().unwrap_or(0);
        }
        r.shares = Some((Asset::Points, at));
    }
    Ok(())
}

/// Cap a rule's main quantity (points, else stamps, else cashback in minor
/// units), re-sharing the capped award over its lines and visit part.
fn cap_result(r: &mut Result<'_>, cap: i64, arena: &mut Arena, n: usize) {
    for (asset, total, visit) in [
        (Asset::Points, &mut r.points, &mut r.visit_points),
        (Asset::Stamps, &mut r.stamps, &mut r.visit_stamps),
    ] {
        if *total <= cap {
            continue;
        }
        *total = cap;
        match r.shares {
            Some((a, at)) if a == asset => {
                if let Some(block) = arena.block_mut(at) {
                    split_in_place(cap, block);
                    *visit = block.get(n).copied().unwrap_or(0);
                }
            }
            // Nothing given line by line: all of it is the visit part.
            _ => *visit = cap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{write_awards, Result};
    use crate::account::Account;
    use crate::engine::Engine;
    use crate::event::Purchase;

    /// A multiplier finds its targets among few results by a scan and
    /// among many by a search on their ranks; either way it doubles
    /// exactly its targets that gave something, whether an exclusive
    /// group's winner took an earlier rival's place (results out of
    /// evaluation order) or not, and whatever the targets' order.
    #[test]
    fn multipliers_find_their_targets_among_few_or_many_results() {
        let purchase: Purchase = serde_json::from_str(
            r#"{"id": "p", "time": "2026-03-02T10:00:00-05:00",
                "lines": [{"sku": "latte", "quantity": 1, "unit_price": "4.00"}]}"#,
        )
        .expect("purchase");
        for rules in 1..=24_usize {
            for grouped in [false, true] {
                for pattern in 0..4_usize {
                    let mut list: Vec<String> = Vec::new();
                    let mut points = Vec::new();
                    if grouped {
                        // `low` comes first and loses to `high`, evaluated
                        // last, which takes its place among the results.
                        list.push(r#"{"id": "low", "group": "g", "earn": {"type": "points_per_visit", "points": 2}}"#.into());
                    }
                    for i in 0..rules {
                        list.push(format!(
                            r#"{{"id": "v{i}", "earn": {{"type": "points_per_visit", "points": {}}}}}"#,
                            i + 1
                        ));
                        points.push((format!("v{i}"), i as i64 + 1));
                    }
                    if grouped {
                        list.push(r#"{"id": "high", "group": "g", "earn": {"type": "points_per_visit", "points": 7}}"#.into());
                        points.push(("high".into(), 7));
                    }
                    let mut targets: Vec<&str> = points
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| match pattern {
                            0 => *i == 0,
                            1 => i % 3 == 1 || points.len() == 1,
                            2 => true,
                            _ => *i + 1 == points.len(),
                        })
                        .map(|(_, (id, _))| id.as_str())
                        .collect();
                    if grouped {
                        // The loser gave nothing: nothing of it is doubled.
                        targets.push("low");
                    }
                    targets.reverse();
                    let extra: i64 = points
                        .iter()
                        .filter(|(id, _)| targets.contains(&id.as_str()))
                        .map(|(_, p)| p)
                        .sum();
                    let quoted = serde_json::to_string(&targets).expect("json");
                    list.push(format!(
                        r#"{{"id": "double", "earn": {{"type": "points_multiplier", "factor": "2", "rules": {quoted}}}}}"#
                    ));
                    let engine = Engine::from_json(&format!(
                        r#"{{"name": "Many rules", "currency": "USD", "rules": [{}]}}"#,
                        list.join(",")
                    ))
                    .expect("valid program");
                    let quote = engine.quote(&Account::new("m"), &purchase).expect("quote");
                    let doubled = quote
                        .awards
                        .iter()
                        .find(|a| &*a.rule == "double")
                        .map_or(0, |a| a.points);
                    let all: i64 = points.iter().map(|(_, p)| p).sum();
                    let case = format!("{rules} rules, grouped {grouped}, pattern {pattern}");
                    assert_eq!(doubled, extra, "{case}");
                    assert_eq!(quote.points, all + extra, "{case}");
                }
            }
        }
    }

    /// Awards written over a reused list are the awards of a new one,
    /// whatever the list held: other rules, more or fewer awards, vouchers
    /// and money that come and go.
    #[test]
    fn awards_written_over_a_list_are_new_ones() {
        let engine = Engine::from_json(
            r#"{"name": "Awards", "currency": "USD", "cashback": {}, "rules": [
                {"id": "a", "earn": {"type": "points_per_amount", "rate": "1"}},
                {"id": "b", "earn": {"type": "cashback_percent", "percent": "2"}},
                {"id": "c", "earn": {"type": "issue_reward", "reward": "gift"}},
                {"id": "d", "earn": {"type": "points_per_visit", "points": 3}},
                {"id": "e", "earn": {"type": "issue_reward", "reward": "treat"}}],
              "rewards": [{"id": "gift", "cost": {"type": "voucher"},
                "benefit": {"type": "fixed_discount", "amount": "1.00"}},
                {"id": "treat", "cost": {"type": "voucher"},
                "benefit": {"type": "fixed_discount", "amount": "2.00"}}]}"#,
        )
        .expect("valid program");
        let result =
            |rule: usize, points: i64, cashback: i64, voucher: Option<&'static str>| Result {
                rule,
                points,
                cashback,
                voucher,
                ..Result::default()
            };
        let sets = [
            vec![result(0, 5, 0, None), result(3, 3, 0, None)],
            vec![
                result(0, 5, 0, None),
                result(1, 0, 12, None),
                result(2, 0, 0, Some("gift")),
            ],
            vec![result(2, 0, 0, Some("treat")), result(0, 1, 0, None)],
            vec![result(1, 0, 7, None)],
            vec![],
            vec![
                result(2, 0, 0, Some("gift")),
                result(3, 3, 0, None),
                result(0, 9, 0, None),
            ],
        ];
        let mut reused = Vec::new();
        for (i, results) in sets.iter().chain(sets.iter().rev()).enumerate() {
            let mut fresh = Vec::new();
            write_awards(&engine, results, &mut fresh);
            write_awards(&engine, results, &mut reused);
            assert_eq!(reused, fresh, "set {i}");
        }
    }
}
