//! The program checker: static warnings about a program that is valid but
//! will probably not do what its owner wants.
//!
//! Validation ([`Engine::new`](crate::Engine::new)) refuses programs the
//! engine cannot run. The checker looks at programs it *can* run and points
//! at what no till will ever see working: rules that can never fire, rewards
//! nobody can obtain, tiers nobody reaches, exclusive groups that hide a
//! rule, and first milestones far from the guidance of the seeds' table
//! (DOMAIN.md, "Knowing whether a program works"). Every [`Warning`] names
//! the JSON path it is about and explains the guidance it compares against.
//!
//! ```
//! let program = loyalty_core::json::parse_program(r#"{"name": "Café", "currency": "USD",
//!   "rules": [{"id": "visit", "earn": {"type": "stamps_per_visit", "stamps": 1}}],
//!   "stamps": {"card_size": 20, "reward": "free_coffee"},
//!   "rewards": [{"id": "free_coffee", "cost": {"type": "voucher"},
//!                "benefit": {"type": "free_item", "matching": {"categories": ["coffee"]}}}]}"#).unwrap();
//! let warnings = loyalty_core::check::check(&program);
//! assert_eq!(warnings[0].code, "first_stamp_reward_slow");
//! assert_eq!(warnings[0].path, "stamps.card_size");
//! ```
//!
//! ## The reference member
//! Milestones depend on how members behave, which a static check cannot
//! know. The checker assumes a *regular*: one visit a week, a ticket of
//! [`Assumptions::ticket`] (default 8.00, a coffee and a pastry), one
//! stamped item per visit, and only the rules that hold on any such visit
//! (no `when`, or a `subtotal_at_least` the ticket reaches). The simulator
//! (`loyalty-sim`) measures the same milestones over a whole population; the
//! checker is the quick first opinion.
//!
//! Messages are lowercase, name the user's values in backticks and never
//! name a Rust type, like the engine's errors.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::program::{Condition, Cost, Earn, Program, Qualifier, Rule, TierWindow};
use crate::time::Timestamp;

/// One finding of the checker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// JSON path in the program, in the engine's error syntax (`rules[2].when`).
    pub path: String,
    /// Stable machine-readable code, e.g. `rule_never_fires`.
    pub code: String,
    /// What is wrong and, for guidance warnings, the guidance it compares against.
    pub message: String,
}

/// What the checker assumes about a regular member.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumptions {
    /// Eligible spend of a typical visit.
    pub ticket: Decimal,
    /// Days between two visits of a regular.
    pub days_between_visits: u32,
}

impl Default for Assumptions {
    /// A weekly regular spending 8.00: the seeds' stamp guidance ("2-3
    /// months for weekly visitors") is stated for weekly visitors, and 8.00
    /// is a coffee and a pastry in the default café menu of the simulator.
    fn default() -> Self {
        Assumptions {
            ticket: Decimal::new(800, 2),
            days_between_visits: 7,
        }
    }
}

/// Check `program` with the default [`Assumptions`].
///
/// The program need not have been validated; guidance that needs the
/// program to make sense (milestones) is skipped where it does not.
pub fn check(program: &Program) -> Vec<Warning> {
    check_with(program, &Assumptions::default())
}

/// Check `program` with explicit assumptions about a regular member.
pub fn check_with(program: &Program, assume: &Assumptions) -> Vec<Warning> {
    let mut c = Checker {
        program,
        assume,
        out: Vec::new(),
    };
    c.rules();
    c.groups();
    c.rewards();
    c.tiers();
    c.milestones();
    c.out
}

struct Checker<'a> {
    program: &'a Program,
    assume: &'a Assumptions,
    out: Vec<Warning>,
}

impl Checker<'_> {
    fn warn(&mut self, path: impl Into<String>, code: &str, message: impl Into<String>) {
        self.out.push(Warning {
            path: path.into(),
            code: code.to_owned(),
            message: message.into(),
        });
    }

    /// Rules that can never fire, or never give anything when they do.
    fn rules(&mut self) {
        let program = self.program;
        for (i, rule) in program.rules.iter().enumerate() {
            if let Some(when) = &rule.when {
                let path = format!("rules[{i}].when");
                if let Some((at, why)) = never(program, when, &path) {
                    self.warn(
                        at,
                        "rule_never_fires",
                        format!("rule `{}` can never fire: {why}", rule.id),
                    );
                    continue;
                }
            }
            let matching = match &rule.earn {
                Earn::PointsPerAmount {
                    matching: Some(m), ..
                } => Some(m),
                Earn::PointsPerUnit { matching, .. } | Earn::StampsPerUnit { matching, .. } => {
                    Some(matching)
                }
                Earn::CashbackPercent {
                    matching: Some(m), ..
                } => Some(m),
                _ => None,
            };
            if let Some(m) = matching {
                let excluded = &program.excluded_categories;
                if m.skus.is_empty()
                    && m.tags.is_empty()
                    && !m.categories.is_empty()
                    && m.categories.iter().all(|c| excluded.contains(c))
                {
                    self.warn(
                        format!("rules[{i}].earn.matching"),
                        "rule_never_fires",
                        format!(
                            "rule `{}` matches only excluded categories ({}), which never count as eligible spend",
                            rule.id,
                            ticks(&m.categories)
                        ),
                    );
                }
            }
            let multiplier_rules = match &rule.earn {
                Earn::TierMultiplier { rules } => Some(rules),
                _ => None,
            };
            if let Some(targets) = multiplier_rules {
                let boosts = program.tiers.as_ref().is_some_and(|t| {
                    t.levels
                        .iter()
                        .any(|l| l.multiplier.is_some_and(|m| m.0 > Decimal::ONE))
                });
                if !boosts {
                    self.warn(
                        format!("rules[{i}].earn"),
                        "rule_never_fires",
                        format!(
                            "rule `{}` multiplies {} by the tier multiplier, but no tier has a multiplier above 1",
                            rule.id,
                            ticks(targets)
                        ),
                    );
                }
            }
        }
    }

    /// Exclusive groups where one rule always wins over another, which then
    /// never applies.
    fn groups(&mut self) {
        let rules = &self.program.rules;
        for (i, hidden) in rules.iter().enumerate() {
            let Some(group) = &hidden.group else { continue };
            let winner = rules.iter().enumerate().find(|(j, other)| {
                *j != i
                    && other.group.as_ref() == Some(group)
                    && other.when.is_none()
                    && other.limits.is_none()
                    && dominates(other, *j, hidden, i)
            });
            if let Some((j, winner)) = winner {
                self.warn(
                    format!("rules[{i}]"),
                    "rule_hidden_by_group",
                    format!(
                        "rule `{}` never applies: in group `{group}` only the best rule applies, and rule `{}` (rules[{j}]) always applies and always gives at least as much",
                        hidden.id, winner.id
                    ),
                );
            }
        }
    }

    /// Rewards nobody can obtain or afford.
    fn rewards(&mut self) {
        let program = self.program;
        let earns_points = program.points.welcome_points > 0
            || program.referral.as_ref().is_some_and(|r| r.points > 0)
            || program.rules.iter().any(|r| gives_points(&r.earn));
        let gives_cashback = program.rules.iter().any(|r| {
            matches!(
                r.earn,
                Earn::CashbackPercent { .. } | Earn::CashbackStep { .. }
            )
        });
        for (i, reward) in program.rewards.iter().enumerate() {
            let path = format!("rewards[{i}]");
            match &reward.cost {
                Cost::Points { points } => {
                    if !earns_points {
                        self.warn(
                            format!("{path}.cost"),
                            "reward_unaffordable",
                            format!(
                                "reward `{}` costs {points} points, but nothing in the program gives points",
                                reward.id
                            ),
                        );
                    } else if let Some(days) = self.expiry_days() {
                        // Points a daily visitor could gather before the first ones expire.
                        let per_visit = self.points_per_visit();
                        let most = per_visit
                            .saturating_mul(i64::from(days))
                            .saturating_add(i64::from(program.points.welcome_points));
                        if per_visit > 0 && i64::from(*points) > most {
                            self.warn(
                                format!("{path}.cost.points"),
                                "reward_unaffordable",
                                format!(
                                    "reward `{}` costs {points} points, but points expire after {days} days and even a member visiting every day with a {} ticket gathers about {most} in that time",
                                    reward.id, self.assume.ticket
                                ),
                            );
                        }
                    }
                }
                Cost::Voucher if !issues_voucher(program, &reward.id) => {
                    self.warn(
                        format!("{path}.cost"),
                        "reward_never_issued",
                        format!(
                            "reward `{}` is paid with a voucher, but no stamp card, rule, tier, birthday or referral issues one",
                            reward.id
                        ),
                    );
                }
                Cost::Wallet if !gives_cashback => {
                    self.warn(
                        format!("{path}.cost"),
                        "reward_unaffordable",
                        format!(
                            "reward `{}` is paid from the cashback wallet, but no rule gives cashback",
                            reward.id
                        ),
                    );
                }
                _ => {}
            }
            let tiers = program.tiers.as_ref();
            for (k, tier) in reward.tiers.iter().enumerate() {
                if !tiers.is_some_and(|t| t.levels.iter().any(|l| &l.id == tier)) {
                    self.warn(
                        format!("{path}.tiers[{k}]"),
                        "reward_unaffordable",
                        format!(
                            "reward `{}` is reserved to tier `{tier}`, which the program does not have",
                            reward.id
                        ),
                    );
                }
            }
        }
    }

    /// Tiers out of order or out of reach.
    fn tiers(&mut self) {
        let Some(tiers) = &self.program.tiers else {
            return;
        };
        let mut previous: Option<(usize, Decimal)> = None;
        for (i, level) in tiers.levels.iter().enumerate() {
            let path = format!("tiers.levels[{i}].threshold");
            let threshold = level.threshold.0;
            if let Some((p, before)) = previous {
                if threshold <= before {
                    self.warn(
                        &path,
                        "tier_out_of_order",
                        format!(
                            "tier `{}` needs {threshold}, not more than tier `{}` below it ({before}): levels must be listed lowest first with increasing thresholds",
                            level.id,
                            tiers.levels.get(p).map_or("", |l| l.id.as_str())
                        ),
                    );
                }
            }
            previous = Some((i, threshold));
            let window_days = match tiers.window {
                TierWindow::Rolling { days, .. } => Some(days),
                TierWindow::CalendarYear => Some(365),
                TierWindow::Lifetime => None,
            };
            let unreachable = match (tiers.qualify_on, window_days) {
                (Qualifier::Visits, Some(days)) if threshold > Decimal::from(days) => Some(format!(
                    "needs {threshold} visits within a {days}-day window: more than a visit a day, every day"
                )),
                (Qualifier::Points, _)
                    if !self.program.rules.iter().any(|r| gives_points(&r.earn)) =>
                {
                    Some(format!(
                        "qualifies on points earned by rules, and no rule gives points (needs {threshold})"
                    ))
                }
                _ => None,
            };
            if let Some(why) = unreachable {
                self.warn(
                    &path,
                    "tier_unreachable",
                    format!("tier `{}` is out of reach: {why}", level.id),
                );
            }
        }
    }

    /// The seeds' milestone guidance, for a regular member.
    fn milestones(&mut self) {
        let program = self.program;
        let every = self.assume.days_between_visits.max(1);
        if let Some(card) = &program.stamps {
            let per_visit = self.stamps_per_visit();
            if per_visit > 0 {
                let visits = div_ceil(i64::from(card.card_size), per_visit);
                let verdict = if visits > 10 {
                    Some((
                        "first_stamp_reward_slow",
                        "too slow: members lose interest before the first reward",
                    ))
                } else if visits < 5 {
                    Some((
                        "first_stamp_reward_fast",
                        "very fast: generous, check what it costs",
                    ))
                } else {
                    None
                };
                if let Some((code, judgement)) = verdict {
                    self.warn(
                        "stamps.card_size",
                        code,
                        format!(
                            "the first stamp reward takes {visits} visits ({per_visit} stamp(s) a visit, a {}-stamp card); guidance for stamp cards: first reward within 5-10 visits, reached in 2-3 months by weekly visitors, by 65-75% of members; {judgement}",
                            card.card_size
                        ),
                    );
                }
            }
        }
        let cheapest = program
            .rewards
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r.cost {
                Cost::Points { points } if r.tiers.is_empty() => Some((i, r, points)),
                _ => None,
            })
            .min_by_key(|(i, _, points)| (*points, *i));
        if let Some((i, reward, cost)) = cheapest {
            let need = i64::from(cost) - i64::from(program.points.welcome_points);
            let per_visit = self.points_per_visit();
            let from_spend = self.spend_rate();
            if need > 0 && per_visit > 0 {
                let path = format!("rewards[{i}].cost.points");
                let purchases = div_ceil(need, per_visit);
                let verdict = if purchases > 5 {
                    Some(("first_points_reward_slow", "too slow for a points program"))
                } else if purchases < 3 {
                    Some((
                        "first_points_reward_fast",
                        "very fast: generous, check what it costs",
                    ))
                } else {
                    None
                };
                if let Some((code, judgement)) = verdict {
                    self.warn(
                        &path,
                        code,
                        format!(
                            "the first points reward (`{}`, {cost} points) takes {purchases} purchases of {} ({per_visit} points each); guidance for points programs: first reward within 3-5 purchases, reached in 1-2 months by regulars, by 60-70% of members; {judgement}",
                            reward.id, self.assume.ticket
                        ),
                    );
                }
                if from_spend > Decimal::ZERO {
                    let spend = (Decimal::from(need) / from_spend).round_dp(2);
                    let low = Decimal::from(100);
                    let high = Decimal::from(200);
                    let verdict = if spend > high {
                        Some((
                            "first_spend_reward_slow",
                            "too much spend before anything comes back",
                        ))
                    } else if spend < low {
                        Some((
                            "first_spend_reward_fast",
                            "generous for a spend program, check what it costs",
                        ))
                    } else {
                        None
                    };
                    if let Some((code, judgement)) = verdict {
                        self.warn(
                            &path,
                            code,
                            format!(
                                "the first points reward (`{}`) needs about {spend} of spend at {from_spend} point(s) per currency unit; guidance for spend programs: first reward at 100-200 of spend, reached in 3-4 months of typical spend, by 55-65% of members; {judgement}",
                                reward.id
                            ),
                        );
                    }
                }
            }
        }
        if let Some(tiers) = &program.tiers {
            if let Some(first) = tiers.levels.first() {
                let per_visit = match tiers.qualify_on {
                    Qualifier::Spend => self.assume.ticket,
                    Qualifier::Visits => Decimal::ONE,
                    Qualifier::Points => Decimal::from(self.points_per_visit()),
                };
                if per_visit > Decimal::ZERO && first.threshold.0 > Decimal::ZERO {
                    let visits = (first.threshold.0 / per_visit).ceil();
                    let days = visits.saturating_sub(Decimal::ONE) * Decimal::from(every);
                    if days > Decimal::from(30) {
                        let unit = match tiers.qualify_on {
                            Qualifier::Spend => format!("visits of {}", self.assume.ticket),
                            Qualifier::Visits => "visits".to_owned(),
                            Qualifier::Points => format!("visits earning {per_visit} points"),
                        };
                        self.warn(
                            "tiers.levels[0].threshold",
                            "first_tier_slow",
                            format!(
                                "the first tier `{}` takes {visits} {unit}, about {days} days for a member visiting every {every} days; guidance for tiers: first tier within a month, reached in 30 days by 70-80% of members",
                                first.id
                            ),
                        );
                    }
                }
            }
        }
    }

    fn expiry_days(&self) -> Option<u32> {
        // Only rolling expiry bounds how long points can be saved up:
        // inactivity expiry never hits a regular, a fixed date hits once.
        match &self.program.points.expiry {
            Some(crate::program::Expiry::Rolling { days }) => Some(*days),
            _ => None,
        }
    }

    /// Whether a rule holds on every visit of the reference member.
    fn regular(&self, rule: &Rule) -> bool {
        match &rule.when {
            None => true,
            Some(Condition::SubtotalAtLeast { amount }) => amount.0 <= self.assume.ticket,
            Some(_) => false,
        }
    }

    /// Points per visit of the reference member: rules that hold on any
    /// visit, per-amount rules on the whole ticket, rounded down.
    fn points_per_visit(&self) -> i64 {
        let mut total = Decimal::ZERO;
        for rule in self.program.rules.iter().filter(|r| self.regular(r)) {
            match &rule.earn {
                Earn::PointsPerAmount {
                    rate,
                    matching: None,
                } => total += (rate.0 * self.assume.ticket).floor(),
                Earn::PointsPerVisit { points } => total += Decimal::from(*points),
                _ => {}
            }
        }
        total.to_i64().unwrap_or(i64::MAX)
    }

    /// Points per currency unit of unmatched per-amount rules that hold on any visit.
    fn spend_rate(&self) -> Decimal {
        self.program
            .rules
            .iter()
            .filter(|r| self.regular(r))
            .filter_map(|r| match &r.earn {
                Earn::PointsPerAmount {
                    rate,
                    matching: None,
                } => Some(rate.0),
                _ => None,
            })
            .sum()
    }

    /// Stamps per visit of the reference member (one stamped item a visit).
    fn stamps_per_visit(&self) -> i64 {
        self.program
            .rules
            .iter()
            .filter(|r| self.regular(r))
            .map(|r| match &r.earn {
                Earn::StampsPerVisit { stamps } | Earn::StampsPerUnit { stamps, .. } => {
                    i64::from(*stamps)
                }
                _ => 0,
            })
            .sum()
    }
}

fn div_ceil(a: i64, b: i64) -> i64 {
    if b <= 0 {
        return i64::MAX;
    }
    a.saturating_add(b - 1) / b
}

fn ticks(list: &[String]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn gives_points(earn: &Earn) -> bool {
    matches!(
        earn,
        Earn::PointsPerAmount { .. } | Earn::PointsPerUnit { .. } | Earn::PointsPerVisit { .. }
    )
}

fn issues_voucher(program: &Program, reward: &str) -> bool {
    program.stamps.as_ref().is_some_and(|s| s.reward == reward)
        || program
            .birthday
            .as_ref()
            .is_some_and(|b| b.reward == reward)
        || program
            .referral
            .as_ref()
            .is_some_and(|r| r.reward.as_deref() == Some(reward))
        || program
            .tiers
            .as_ref()
            .is_some_and(|t| t.levels.iter().any(|l| l.reward.as_deref() == Some(reward)))
        || program
            .rules
            .iter()
            .any(|r| matches!(&r.earn, Earn::IssueReward { reward: x } if x == reward))
}

/// Whether `winner` (always applying, unlimited) beats `hidden` on every
/// basket where `hidden` applies, by the group's order: most points, then
/// stamps, then cashback, then donation; ties to the higher priority, then
/// the earlier rule.
fn dominates(winner: &Rule, w: usize, hidden: &Rule, h: usize) -> bool {
    let wins_ties =
        winner.priority > hidden.priority || (winner.priority == hidden.priority && w < h);
    match (&winner.earn, &hidden.earn) {
        (Earn::PointsPerVisit { points: a }, Earn::PointsPerVisit { points: b }) => {
            a > b || (a == b && wins_ties)
        }
        (Earn::StampsPerVisit { stamps: a }, Earn::StampsPerVisit { stamps: b }) => {
            a > b || (a == b && wins_ties)
        }
        (
            Earn::PointsPerAmount {
                rate: a,
                matching: wm,
            },
            Earn::PointsPerAmount {
                rate: b,
                matching: hm,
            },
        ) => (wm.is_none() || wm == hm) && (a.0 > b.0 || (a.0 == b.0 && wins_ties)),
        // A per-visit points award is never zero, so it beats anything that
        // gives no points at all.
        (Earn::PointsPerVisit { .. }, other) => !gives_points(other),
        _ => false,
    }
}

/// Minutes of the week (Monday 00:00 = 0) a condition may hold at, as a
/// bit set: exact for time windows and their combinations; every other
/// condition may hold at any minute.
#[derive(Clone, PartialEq)]
struct Week(Vec<u64>);

const WEEK_MINUTES: usize = 7 * 24 * 60;

impl Week {
    fn full() -> Week {
        let mut w = Week(vec![u64::MAX; WEEK_MINUTES.div_ceil(64)]);
        w.trim();
        w
    }
    fn empty() -> Week {
        Week(vec![0; WEEK_MINUTES.div_ceil(64)])
    }
    fn trim(&mut self) {
        let extra = self.0.len() * 64 - WEEK_MINUTES;
        if let Some(last) = self.0.last_mut() {
            *last &= u64::MAX >> extra;
        }
    }
    fn set(&mut self, minute: usize) {
        if let Some(word) = self.0.get_mut(minute / 64) {
            *word |= 1 << (minute % 64);
        }
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    fn and(mut self, other: &Week) -> Week {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
        self
    }
    fn or(mut self, other: &Week) -> Week {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
        self
    }
    fn not(mut self) -> Week {
        for a in &mut self.0 {
            *a = !*a;
        }
        self.trim();
        self
    }
}

/// The minutes of the week `c` may hold at, and whether that set is exact
/// (the condition depends on nothing but the local time).
fn week(c: &Condition) -> (Week, bool) {
    match c {
        Condition::TimeWindow { days, from, to } => {
            let mut w = Week::empty();
            let (from, to) = (usize::from(from.minutes()), usize::from(to.minutes()));
            for day in 0..7_usize {
                let listed = days.is_empty() || days.iter().any(|d| *d as usize == day);
                if !listed {
                    continue;
                }
                for m in 0..24 * 60 {
                    let inside = if from <= to {
                        from <= m && m < to
                    } else {
                        m >= from || m < to
                    };
                    if inside {
                        w.set(day * 24 * 60 + m);
                    }
                }
            }
            (w, true)
        }
        Condition::All { of } => of.iter().fold((Week::full(), true), |(w, exact), c| {
            let (x, e) = week(c);
            (w.and(&x), exact && e)
        }),
        Condition::Any { of } => of.iter().fold((Week::empty(), true), |(w, exact), c| {
            let (x, e) = week(c);
            (w.or(&x), exact && e)
        }),
        Condition::Not { condition } => match week(condition) {
            (w, true) => (w.not(), true),
            (_, false) => (Week::full(), false),
        },
        _ => (Week::full(), false),
    }
}

impl crate::Engine {
    /// The checker's warnings about this engine's program (see [`check`]).
    pub fn check(&self) -> Vec<Warning> {
        check(self.program())
    }
}

/// Why `c` can never hold, with the path of the culprit; none when it may.
fn never(program: &Program, c: &Condition, path: &str) -> Option<(String, String)> {
    // The most specific reason first; the time analysis covers what is left.
    specific(program, c, path).or_else(|| {
        week(c).0.is_empty().then(|| {
            (
                path.to_owned(),
                "its time windows leave no minute of the week".to_owned(),
            )
        })
    })
}

fn specific(program: &Program, c: &Condition, path: &str) -> Option<(String, String)> {
    match c {
        Condition::TimeWindow { from, to, .. } if from == to => Some((
            path.to_owned(),
            "the time window is empty (`from` equals `to`)".to_owned(),
        )),
        Condition::Any { of } if of.is_empty() => Some((
            format!("{path}.of"),
            "`any` of no condition never holds".to_owned(),
        )),
        Condition::Any { of } => {
            let reasons: Vec<_> = of
                .iter()
                .enumerate()
                .map(|(i, c)| never(program, c, &format!("{path}.of[{i}]")))
                .collect();
            if reasons.iter().all(Option::is_some) {
                Some((
                    path.to_owned(),
                    "none of its `any` conditions can hold".to_owned(),
                ))
            } else {
                None
            }
        }
        Condition::All { of } => {
            for (i, c) in of.iter().enumerate() {
                if let Some(found) = never(program, c, &format!("{path}.of[{i}]")) {
                    return Some(found);
                }
            }
            contradiction(of).map(|why| (path.to_owned(), why))
        }
        Condition::Not { condition } => match condition.as_ref() {
            Condition::All { of } if of.is_empty() => Some((
                path.to_owned(),
                "`not` of an empty `all` never holds".to_owned(),
            )),
            Condition::SubtotalAtLeast { amount } if amount.0 <= Decimal::ZERO => Some((
                path.to_owned(),
                "every basket's subtotal is at least 0, so its negation never holds".to_owned(),
            )),
            _ => None,
        },
        Condition::DateRange {
            from: Some(f),
            to: Some(t),
        } if f >= t => Some((
            path.to_owned(),
            format!("the date range ends (`{t}`) before it starts (`{f}`)"),
        )),
        Condition::EnrolledDays {
            at_least: Some(a),
            at_most: Some(b),
        } if a > b => Some((
            path.to_owned(),
            format!("it needs at least {a} and at most {b} days since enrolment"),
        )),
        Condition::NthVisit { n: 0, .. } => Some((
            path.to_owned(),
            "visits are counted from 1, so visit 0 never comes".to_owned(),
        )),
        Condition::Tier { tiers } => {
            let known = program
                .tiers
                .as_ref()
                .is_some_and(|t| t.levels.iter().any(|l| tiers.contains(&l.id)));
            (!known).then(|| {
                (
                    path.to_owned(),
                    format!("the program has no tier among {}", ticks(tiers)),
                )
            })
        }
        Condition::SubscriptionActive { .. } if program.plans.is_empty() => Some((
            path.to_owned(),
            "it needs a subscription and the program has no plans".to_owned(),
        )),
        _ => None,
    }
}

/// A contradiction between the members of an `all`: disjoint lists of
/// locations, channels or tiers, disjoint date ranges, or a subtotal that
/// must be both at least and below an amount.
fn contradiction(of: &[Condition]) -> Option<String> {
    fn disjoint<'a>(lists: impl Iterator<Item = &'a Vec<String>>) -> bool {
        let mut common: Option<Vec<&String>> = None;
        for list in lists {
            common = Some(match common {
                None => list.iter().collect(),
                Some(c) => c.into_iter().filter(|x| list.contains(x)).collect(),
            });
        }
        common.is_some_and(|c| c.is_empty())
    }
    let locations = of.iter().filter_map(|c| match c {
        Condition::Location { locations } => Some(locations),
        _ => None,
    });
    if disjoint(locations) {
        return Some("it needs the purchase at two different locations at once".to_owned());
    }
    let channels = of.iter().filter_map(|c| match c {
        Condition::Channel { channels } => Some(channels),
        _ => None,
    });
    if disjoint(channels) {
        return Some("it needs the purchase on two different channels at once".to_owned());
    }
    let tiers = of.iter().filter_map(|c| match c {
        Condition::Tier { tiers } => Some(tiers),
        _ => None,
    });
    if disjoint(tiers) {
        return Some("it needs the member in two different tiers at once".to_owned());
    }
    let (mut start, mut end): (Option<Timestamp>, Option<Timestamp>) = (None, None);
    for c in of {
        if let Condition::DateRange { from, to } = c {
            start = start.max(*from);
            end = match (end, *to) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    if let (Some(s), Some(e)) = (start, end) {
        if s >= e {
            return Some(format!(
                "its date ranges do not overlap (the latest start `{s}` is not before the earliest end `{e}`)"
            ));
        }
    }
    let at_least = of
        .iter()
        .filter_map(|c| match c {
            Condition::SubtotalAtLeast { amount } => Some(amount.0),
            _ => None,
        })
        .max();
    let below = of
        .iter()
        .filter_map(|c| match c {
            Condition::Not { condition } => match condition.as_ref() {
                Condition::SubtotalAtLeast { amount } => Some(amount.0),
                _ => None,
            },
            _ => None,
        })
        .min();
    if let (Some(a), Some(b)) = (at_least, below) {
        if a >= b {
            return Some(format!("it needs a subtotal of at least {a} and below {b}"));
        }
    }
    None
}
