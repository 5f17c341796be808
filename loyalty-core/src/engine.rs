//! The engine: a program checked once and ready to apply events.
//!
//! [`Engine`] owns a validated [`Program`] plus what is derived from it at
//! load time (reward index, exclusion set). It is immutable, `Send` and
//! `Sync`: load it once, share it across threads (e.g. in an `Arc`).

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::account::Account;
use crate::apply::OnError;
use crate::compiled::Compiled;
use crate::error::Error;
use crate::event::{Event, Purchase};
use crate::id::Id;
use crate::outcome::{Outcome, Quote};
use crate::program::{Expiry, Program, Qualifier, Reward, Shortfall};
use crate::time::Timestamp;
use crate::validate::validate;

/// A validated program, ready to apply events.
///
/// ```
/// use loyalty_core::{Account, Engine, Event};
/// let engine = Engine::from_json(r#"{"name": "Demo", "currency": "USD",
///     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#).unwrap();
/// let enrol = Event::from_json(r#"{"type": "enrol", "id": "e1", "member": "m1",
///     "time": "2026-03-14T09:00:00Z"}"#).unwrap();
/// let buy = Event::from_json(r#"{"type": "purchase", "id": "p1", "time": "2026-03-14T09:05:00Z",
///     "lines": [{"sku": "latte", "quantity": 2, "unit_price": "4.75"}]}"#).unwrap();
/// let (account, _) = engine.apply(&Account::new("m1"), &enrol).unwrap();
/// let (account, outcome) = engine.apply(&account, &buy).unwrap();
/// assert_eq!(account.points.balance, 9); // floor(9.50)
/// assert_eq!(&*outcome.awards[0].rule, "base");
/// ```
#[derive(Debug)]
pub struct Engine {
    program: Program,
    rewards: BTreeMap<String, usize>,
    unit: Decimal,
    /// Rule indices in evaluation order (priority, then program order).
    order: Vec<usize>,
    /// Position of each rule in `order`.
    rank: Vec<usize>,
    /// Tier thresholds in qualifying units (minor units for spend).
    thresholds: Vec<i64>,
    /// Rule ids, shared by every award of every outcome.
    rule_ids: Vec<Id>,
    /// Tier level ids, shared by every outcome's tier information.
    tier_ids: Vec<Id>,
    /// Reward ids (in the program's order), shared by every discount a
    /// redemption gives.
    reward_ids: Vec<Id>,
    /// The rules compiled for evaluation.
    compiled: Compiled,
}

/// A clone has ids of its own (the rule and level ids that awards, ledger
/// entries and tier information copy from the engine): an id too long to
/// be held inline is shared (see [`Id`]), and threads that each apply
/// events with their own clone do not contend for its reference count, as
/// threads sharing one engine do (every award and ledger entry takes a
/// reference, and two cores writing one count take turns at its cache
/// line). Replaying members on all cores, give each thread its own clone.
impl Clone for Engine {
    fn clone(&self) -> Engine {
        let own = |ids: &[Id]| ids.iter().map(|id| Id::from(&**id)).collect();
        Engine {
            program: self.program.clone(),
            rewards: self.rewards.clone(),
            unit: self.unit,
            order: self.order.clone(),
            rank: self.rank.clone(),
            thresholds: self.thresholds.clone(),
            rule_ids: own(&self.rule_ids),
            tier_ids: own(&self.tier_ids),
            reward_ids: own(&self.reward_ids),
            compiled: self.compiled.clone(),
        }
    }
}

/// A new account and the outcome of the event that produced it.
pub type Applied = (Account, Outcome);

impl Engine {
    /// Validate `program` and build an engine from it.
    pub fn new(program: Program) -> Result<Engine, Error> {
        let unit = Decimal::new(1, program.minor_units);
        let mut order: Vec<usize> = (0..program.rules.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(program.rules.get(i).map_or(0, |r| r.priority)));
        let mut rank = vec![0; order.len()];
        for (position, &i) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(i) {
                *slot = position;
            }
        }
        let rewards = validate(&program, &rank)?;
        let thresholds = program.tiers.as_ref().map_or_else(Vec::new, |t| {
            t.levels
                .iter()
                .map(|l| match t.qualify_on {
                    Qualifier::Spend => (l.threshold.0 / unit).trunc().to_i64().unwrap_or(i64::MAX),
                    Qualifier::Visits | Qualifier::Points => {
                        l.threshold.0.trunc().to_i64().unwrap_or(i64::MAX)
                    }
                })
                .collect()
        });
        let rule_ids = program
            .rules
            .iter()
            .map(|r| Id::from(r.id.as_str()))
            .collect();
        let tier_ids = program.tiers.as_ref().map_or_else(Vec::new, |t| {
            t.levels.iter().map(|l| Id::from(l.id.as_str())).collect()
        });
        let reward_ids = program
            .rewards
            .iter()
            .map(|r| Id::from(r.id.as_str()))
            .collect();
        Ok(Engine {
            compiled: Compiled::new(&program),
            tier_ids,
            reward_ids,
            rule_ids,
            program,
            rewards,
            unit,
            order,
            rank,
            thresholds,
        })
    }

    /// Parse and validate a program from JSON.
    pub fn from_json(json: &str) -> Result<Engine, Error> {
        Engine::new(crate::json::parse_program(json)?)
    }

    /// The program this engine runs.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Apply `event` to `account`: the new account and what happened.
    ///
    /// All or nothing: on error nothing is returned but the error, and the
    /// caller's account is untouched. A duplicate event returns the account
    /// unchanged with an outcome whose status is `duplicate`.
    ///
    /// The new account is a copy, so the call costs what copying the
    /// account costs: little for a typical one, and more for a regular
    /// with a year of lots and a month of purchases open to returns (some
    /// 90 allocations an event, one per purchase kept; see
    /// `benches/README.md`). An account kept from one event to the next
    /// is better served by [`Engine::apply_in_place`], whose cost does not
    /// grow with the account.
    pub fn apply(&self, account: &Account, event: &Event) -> Result<Applied, Error> {
        // The event runs on a copy that is simply dropped if it fails: no
        // undo to prepare (see `apply_in_place` for the other way round).
        let mut next = account.copy_with_room();
        let outcome = crate::apply::apply(self, &mut next, event, OnError::Discard)?;
        Ok((next, outcome))
    }

    /// Apply `event` to `account` in place: the fast path, whose cost does
    /// not grow with the account's lots and purchases (long lists are
    /// journaled, not copied). On error the account is left exactly as it was.
    pub fn apply_in_place(&self, account: &mut Account, event: &Event) -> Result<Outcome, Error> {
        crate::apply::apply(self, account, event, OnError::Restore)
    }

    /// [`Engine::apply_in_place`] with the outcome written into `outcome`,
    /// whose lists keep their room from one event to the next: a replay
    /// that reuses one outcome for a member's whole history allocates no
    /// outcome per event. Whatever `outcome` held before is replaced. On
    /// error the account is left exactly as it was and `outcome` is
    /// emptied (no awards, ledger or balances of the failed event).
    ///
    /// ```
    /// use loyalty_core::{Account, Engine, Event, Outcome};
    /// let engine = Engine::from_json(r#"{"name": "Demo", "currency": "USD",
    ///     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#).unwrap();
    /// let history = [
    ///     r#"{"type": "enrol", "id": "e1", "member": "m1", "time": "2026-03-14T09:00:00Z"}"#,
    ///     r#"{"type": "purchase", "id": "p1", "time": "2026-03-14T09:05:00Z",
    ///         "lines": [{"sku": "latte", "quantity": 2, "unit_price": "4.75"}]}"#,
    ///     r#"{"type": "purchase", "id": "p2", "time": "2026-03-15T09:05:00Z",
    ///         "lines": [{"sku": "latte", "quantity": 1, "unit_price": "4.75"}]}"#,
    /// ];
    /// let mut account = Account::new("m1");
    /// let mut outcome = Outcome::default(); // one for the whole history
    /// let mut earned = vec![];
    /// for json in history {
    ///     let event = Event::from_json(json).unwrap();
    ///     engine.apply_in_place_into(&mut account, &event, &mut outcome).unwrap();
    ///     earned.push((outcome.event.to_string(), outcome.balances.points));
    /// }
    /// assert_eq!(earned[2], ("p2".to_string(), 13)); // 9 + floor(4.75)
    /// ```
    pub fn apply_in_place_into(
        &self,
        account: &mut Account,
        event: &Event,
        outcome: &mut Outcome,
    ) -> Result<(), Error> {
        let done = crate::apply::apply_into(self, account, event, OnError::Restore, outcome);
        if done.is_err() {
            crate::apply::clear(outcome);
        }
        done
    }

    /// Apply `event` to an account the caller drops if the event fails (a
    /// JSON door's freshly parsed account): in place, and with nothing kept
    /// for undo, since a failed event's account is thrown away.
    pub(crate) fn apply_owned(
        &self,
        account: &mut Account,
        event: &Event,
    ) -> Result<Outcome, Error> {
        crate::apply::apply(self, account, event, OnError::Discard)
    }

    /// What `purchase` would earn for `account`, changing nothing.
    pub fn quote(&self, account: &Account, purchase: &Purchase) -> Result<Quote, Error> {
        crate::apply::quote(self, account, purchase)
    }

    /// [`Engine::quote`] written into `quote`, whose lists keep their room
    /// from one basket to the next: a till that quotes the basket again at
    /// every scan, reusing one quote, allocates nothing for it once the
    /// lists have grown (and an award of the same rule as before keeps its
    /// shared rule id). Whatever `quote` held before is replaced; on error
    /// it is emptied (no awards, zero totals).
    ///
    /// ```
    /// use loyalty_core::{Account, Engine, Event, Quote};
    /// let engine = Engine::from_json(r#"{"name": "Demo", "currency": "USD",
    ///     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#).unwrap();
    /// let enrol = Event::from_json(r#"{"type": "enrol", "id": "e1", "member": "m1",
    ///     "time": "2026-03-14T09:00:00Z"}"#).unwrap();
    /// let (account, _) = engine.apply(&Account::new("m1"), &enrol).unwrap();
    /// let mut quote = Quote::default(); // one for every scan
    /// for quantity in 1..=3 {
    ///     let json = format!(r#"{{"type": "purchase", "id": "p1", "time": "2026-03-14T09:05:00Z",
    ///         "lines": [{{"sku": "latte", "quantity": {quantity}, "unit_price": "4.75"}}]}}"#);
    ///     let Event::Purchase(basket) = Event::from_json(&json).unwrap() else { unreachable!() };
    ///     engine.quote_into(&account, &basket, &mut quote).unwrap();
    /// }
    /// assert_eq!(quote.points, 14); // floor(3 x 4.75)
    /// assert_eq!(&*quote.awards[0].rule, "base");
    /// ```
    pub fn quote_into(
        &self,
        account: &Account,
        purchase: &Purchase,
        quote: &mut Quote,
    ) -> Result<(), Error> {
        let done = crate::apply::quote_into(self, account, purchase, quote);
        if done.is_err() {
            crate::apply::clear_quote(quote);
        }
        done
    }

    /// The rules compiled for evaluation.
    pub(crate) fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// Rule indices in evaluation order.
    pub(crate) fn rule_order(&self) -> &[usize] {
        &self.order
    }

    /// The id of the rule at `index`, to share.
    pub(crate) fn rule_id(&self, index: usize) -> Option<&Id> {
        self.rule_ids.get(index)
    }

    /// Position of rule `index` in the evaluation order.
    pub(crate) fn rule_rank(&self, index: usize) -> usize {
        self.rank.get(index).copied().unwrap_or(usize::MAX)
    }

    /// Id of tier level `index`.
    pub(crate) fn tier_id(&self, index: usize) -> Option<&str> {
        self.program
            .tiers
            .as_ref()
            .and_then(|t| t.levels.get(index))
            .map(|l| l.id.as_str())
    }

    /// Id of tier level `index`, to share.
    pub(crate) fn tier_shared_id(&self, index: usize) -> Option<&Id> {
        self.tier_ids.get(index)
    }

    /// Index of the tier level called `id`, compared with the program's
    /// own strings: reading a shared [`Id`] decodes its representation
    /// first, which for a few levels cost more than the comparisons (this
    /// runs four times a purchase).
    #[inline]
    pub(crate) fn tier_index(&self, id: &str) -> Option<usize> {
        let levels = &self.program.tiers.as_ref()?.levels;
        levels.iter().position(|l| crate::id::same(&l.id, id))
    }

    /// Thresholds of the tier levels in qualifying units.
    pub(crate) fn tier_thresholds(&self) -> &[i64] {
        &self.thresholds
    }

    /// The highest tier level `value` qualifies for.
    pub(crate) fn level_for(&self, value: i64) -> Option<usize> {
        self.thresholds.iter().rposition(|&t| value >= t)
    }

    /// How much cashback may still be given on a purchase at `time` given
    /// the program's caps and the member's usage; none when uncapped.
    pub(crate) fn cashback_room(
        &self,
        usage: &[crate::account::Usage],
        time: Timestamp,
    ) -> Option<i64> {
        let policy = self.program.cashback.as_ref()?;
        let per_purchase = policy
            .max_per_purchase
            .map(|m| crate::basket::minor(self, m.0));
        let per_period = policy.max_per_period.as_ref().map(|m| {
            let key = crate::period::key(m.per, time);
            crate::basket::minor(self, m.amount.0) - crate::period::used(usage, "cashback", key)
        });
        match (per_purchase, per_period) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The plan called `id`.
    pub(crate) fn plan(&self, id: &str) -> Option<&crate::program::Plan> {
        self.program.plans.iter().find(|p| p.id == id)
    }

    pub(crate) fn reward(&self, id: &str) -> Option<&Reward> {
        self.reward_with_id(id).map(|(reward, _)| reward)
    }

    /// The reward `id` names, with the engine's shared copy of its id.
    pub(crate) fn reward_with_id(&self, id: &str) -> Option<(&Reward, &Id)> {
        let &i = self.rewards.get(id)?;
        Some((self.program.rewards.get(i)?, self.reward_ids.get(i)?))
    }

    /// `minor` currency units as money with the currency's decimals (150 -> 1.50).
    ///
    /// Built from its parts, as `Decimal::new` builds it: that function is
    /// not inlined across crates, and every outcome makes four of these
    /// (the wallet's balances, the tier's qualifying value and what is
    /// missing to the next level). Not inlined itself: that made both a
    /// quote and an apply longer.
    pub(crate) fn money(&self, minor: i64) -> Decimal {
        let magnitude = minor.unsigned_abs();
        Decimal::from_parts(
            (magnitude & 0xffff_ffff) as u32,
            (magnitude >> 32) as u32,
            0,
            minor < 0,
            self.program.minor_units,
        )
    }

    /// One minor currency unit (0.01 for two decimals).
    pub(crate) fn unit(&self) -> Decimal {
        self.unit
    }

    /// When points earned at `earned` expire, by the program's policy.
    pub(crate) fn lot_expiry(&self, earned: Timestamp) -> Option<Timestamp> {
        match &self.program.points.expiry {
            Some(Expiry::Rolling { days }) => Some(earned.plus_days(*days)),
            Some(Expiry::FixedDate { at }) if earned < *at => Some(*at),
            _ => None,
        }
    }

    pub(crate) fn shortfall(&self) -> Shortfall {
        self.program.returns.shortfall
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        match Engine::from_json(json) {
            Ok(_) => "ok".into(),
            Err(e) => format!("{} {}", e.code(), e),
        }
    }

    /// Money built from its parts is `Decimal::new`'s, bit for bit (sign,
    /// scale and the zero that is never negative).
    #[test]
    fn money_is_decimal_new() {
        for units in [0, 2, 3] {
            let engine = Engine::from_json(&format!(
                r#"{{"name": "x", "currency": "USD", "minor_units": {units}, "rules": [
                {{"id": "a", "earn": {{"type": "points_per_visit", "points": 1}}}}]}}"#
            ))
            .unwrap_or_else(|e| panic!("{e}"));
            for minor in [0, 1, -1, 150, -150, 1 << 32, -(1 << 32), i64::MAX, i64::MIN] {
                let (ours, theirs) = (engine.money(minor), Decimal::new(minor, units));
                assert_eq!(ours.serialize(), theirs.serialize(), "{minor} {units}");
            }
        }
    }

    #[test]
    fn names_the_path_of_a_bad_rate() {
        let e = err(r#"{"name": "x", "currency": "USD", "rules": [
            {"id": "a", "earn": {"type": "points_per_visit", "points": 1}},
            {"id": "b", "earn": {"type": "points_per_visit", "points": 1}},
            {"id": "c", "earn": {"type": "points_per_amount", "rate": "0"}}]}"#);
        assert_eq!(
            e,
            "invalid_program program rules[2].earn.rate: must be > 0, got `0`"
        );
    }

    #[test]
    fn rejects_unknown_fields() {
        let e = err(r#"{"name": "x", "currency": "USD", "rulez": []}"#);
        assert!(
            e.starts_with("invalid_program_json program rulez: unknown field `rulez`"),
            "{e}"
        );
    }

    #[test]
    fn rejects_stamp_rules_without_a_card() {
        let e = err(r#"{"name": "x", "currency": "USD", "rules": [
            {"id": "s", "earn": {"type": "stamps_per_visit", "stamps": 1}}]}"#);
        assert_eq!(e, "invalid_program program rules[0].earn: gives stamps but the program has no `stamps` card");
    }

    /// A clone answers as the engine does, with ids of its own: a rule id
    /// too long to be held inline is shared by every award of one engine
    /// and not by the clone's.
    #[test]
    fn a_clone_answers_alike_with_its_own_ids() {
        use crate::{Account, Event};
        let engine = Engine::from_json(
            r#"{"name": "x", "currency": "USD", "rules": [
            {"id": "points_on_every_dollar_spent", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#,
        )
        .expect("valid program");
        let clone = engine.clone();
        let enrol = Event::from_json(
            r#"{"type": "enrol", "id": "e1", "member": "m1", "time": "2026-03-14T09:00:00Z"}"#,
        )
        .expect("event");
        let buy = Event::from_json(
            r#"{"type": "purchase", "id": "p1", "time": "2026-03-14T09:05:00Z",
            "lines": [{"sku": "latte", "category": "coffee", "quantity": 2, "unit_price": "4.75"}]}"#,
        )
        .expect("event");
        let mut answers = vec![];
        for e in [&engine, &engine, &clone] {
            let (account, _) = e.apply(&Account::new("m1"), &enrol).expect("enrol");
            answers.push(e.apply(&account, &buy).expect("purchase"));
        }
        assert_eq!(answers[0], answers[2]);
        let rule = |i: usize| answers[i].1.awards[0].rule.as_ptr();
        assert!(std::ptr::eq(rule(0), rule(1)), "one engine shares its ids");
        assert!(
            !std::ptr::eq(rule(0), rule(2)),
            "the clone shares the engine's ids"
        );
    }
}
