//! The engine: a program checked once and ready to apply events.
//!
//! [`Engine`] owns a validated [`Program`] plus what is derived from it at
//! load time (reward index, exclusion set). It is immutable, `Send` and
//! `Sync`: load it once, share it across threads (e.g. in an `Arc`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::account::Account;
use crate::error::{Document, Error};
use crate::event::{Event, Purchase};
use crate::limits::*;
use crate::outcome::{Outcome, Quote};
use crate::program::{Benefit, Condition, Cost, Earn, Expiry, Match, Program, Reward, Shortfall};
use crate::time::Timestamp;

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
/// assert_eq!(outcome.awards[0].rule, "base");
/// ```
#[derive(Clone, Debug)]
pub struct Engine {
    program: Program,
    rewards: BTreeMap<String, usize>,
    unit: Decimal,
}

/// A new account and the outcome of the event that produced it.
pub type Applied = (Account, Outcome);

impl Engine {
    /// Validate `program` and build an engine from it.
    pub fn new(program: Program) -> Result<Engine, Error> {
        let rewards = validate(&program)?;
        let unit = Decimal::new(1, program.minor_units);
        Ok(Engine {
            program,
            rewards,
            unit,
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
    pub fn apply(&self, account: &Account, event: &Event) -> Result<Applied, Error> {
        let mut next = account.clone();
        let outcome = crate::apply::apply(self, &mut next, event)?;
        Ok((next, outcome))
    }

    /// Apply `event` to `account` in place. On error the account is left
    /// exactly as it was.
    pub fn apply_in_place(&self, account: &mut Account, event: &Event) -> Result<Outcome, Error> {
        let (next, outcome) = self.apply(account, event)?;
        *account = next;
        Ok(outcome)
    }

    /// What `purchase` would earn for `account`, changing nothing.
    pub fn quote(&self, account: &Account, purchase: &Purchase) -> Result<Quote, Error> {
        crate::apply::quote(self, account, purchase)
    }

    pub(crate) fn reward(&self, id: &str) -> Option<&Reward> {
        self.rewards
            .get(id)
            .and_then(|&i| self.program.rewards.get(i))
    }

    /// One minor currency unit (0.01 for two decimals).
    pub(crate) fn unit(&self) -> Decimal {
        self.unit
    }

    pub(crate) fn is_excluded(&self, category: Option<&str>) -> bool {
        category.is_some_and(|c| self.program.excluded_categories.iter().any(|x| x == c))
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

struct Checker {
    errors: Option<Error>,
}

impl Checker {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.errors.is_none() {
            self.errors = Some(Error::invalid(Document::Program, path, message));
        }
    }

    fn id(&mut self, path: &str, id: &str) {
        if id.is_empty() {
            self.fail(path, "must not be empty");
        } else if id.len() > MAX_ID_BYTES {
            self.fail(path, format!("must be at most {MAX_ID_BYTES} bytes"));
        } else if id.chars().any(char::is_control) {
            self.fail(path, "must not contain control characters");
        }
    }

    fn list<T>(&mut self, path: &str, list: &[T]) {
        if list.len() > MAX_LIST {
            self.fail(
                path,
                format!("has {} entries; at most {MAX_LIST} are allowed", list.len()),
            );
        }
    }

    fn money(&mut self, path: &str, value: Decimal, minor_units: u32, positive: bool) {
        if positive && value <= Decimal::ZERO {
            self.fail(path, format!("must be > 0, got `{value}`"));
        } else if value < Decimal::ZERO {
            self.fail(path, format!("must not be negative, got `{value}`"));
        } else if value.scale() > minor_units {
            self.fail(
                path,
                format!("`{value}` has more than {minor_units} decimals"),
            );
        } else if value > Decimal::from(MAX_AMOUNT_UNITS) {
            self.fail(path, format!("must be at most {MAX_AMOUNT_UNITS}"));
        }
    }

    fn days(&mut self, path: &str, days: u32, allow_zero: bool) {
        if days == 0 && !allow_zero {
            self.fail(path, "must be > 0");
        } else if days > MAX_DAYS {
            self.fail(path, format!("must be at most {MAX_DAYS} days"));
        }
    }

    fn count(&mut self, path: &str, n: u32, max: i64) {
        if n == 0 {
            self.fail(path, "must be > 0");
        } else if i64::from(n) > max {
            self.fail(path, format!("must be at most {max}"));
        }
    }

    fn matching(&mut self, path: &str, m: &Match) {
        if m.skus.is_empty() && m.categories.is_empty() && m.tags.is_empty() {
            self.fail(path, "must list at least one sku, category or tag");
        }
        for (field, list) in [
            ("skus", &m.skus),
            ("categories", &m.categories),
            ("tags", &m.tags),
        ] {
            self.list(&format!("{path}.{field}"), list);
            for (i, s) in list.iter().enumerate() {
                self.id(&format!("{path}.{field}[{i}]"), s);
            }
        }
    }

    fn condition(&mut self, path: &str, c: &Condition, minor_units: u32, depth: usize) {
        if depth > MAX_CONDITION_DEPTH {
            self.fail(
                path,
                format!("conditions nest deeper than {MAX_CONDITION_DEPTH} levels"),
            );
            return;
        }
        match c {
            Condition::All { of } | Condition::Any { of } => {
                self.list(&format!("{path}.of"), of);
                for (i, c) in of.iter().enumerate() {
                    self.condition(&format!("{path}.of[{i}]"), c, minor_units, depth + 1);
                }
            }
            Condition::Not { condition } => self.condition(
                &format!("{path}.condition"),
                condition,
                minor_units,
                depth + 1,
            ),
            Condition::SubtotalAtLeast { amount } => {
                self.money(&format!("{path}.amount"), amount.0, minor_units, false)
            }
            Condition::Contains {
                matching,
                min_quantity,
            } => {
                self.matching(&format!("{path}.matching"), matching);
                self.count(
                    &format!("{path}.min_quantity"),
                    *min_quantity,
                    i64::from(MAX_QUANTITY) * MAX_LINES as i64,
                );
            }
        }
    }
}

fn validate(p: &Program) -> Result<BTreeMap<String, usize>, Error> {
    let mut c = Checker { errors: None };
    if p.name.trim().is_empty() {
        c.fail("name", "must not be empty");
    } else if p.name.len() > MAX_TEXT_BYTES {
        c.fail("name", format!("must be at most {MAX_TEXT_BYTES} bytes"));
    }
    if p.currency.len() != 3 || !p.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        c.fail(
            "currency",
            format!(
                "`{}` is not a three-letter ISO 4217 code such as `USD`",
                crate::error::clip(&p.currency)
            ),
        );
    }
    if p.minor_units > 4 {
        c.fail(
            "minor_units",
            format!("must be 0 to 4, got {}", p.minor_units),
        );
    }
    let mu = p.minor_units;

    let pts = &p.points;
    c.days("points.pending_days", pts.pending_days, true);
    if i64::from(pts.welcome_points) > MAX_POINTS {
        c.fail(
            "points.welcome_points",
            format!("must be at most {MAX_POINTS}"),
        );
    }
    match &pts.expiry {
        Some(Expiry::Rolling { days }) | Some(Expiry::Inactivity { days }) => {
            c.days("points.expiry.days", *days, false);
            if pts.pending_days >= *days {
                c.fail(
                    "points.pending_days",
                    format!(
                        "must be shorter than the {days}-day expiry, got {}",
                        pts.pending_days
                    ),
                );
            }
        }
        Some(Expiry::FixedDate { .. }) | None => {}
    }

    c.list("excluded_categories", &p.excluded_categories);
    for (i, cat) in p.excluded_categories.iter().enumerate() {
        c.id(&format!("excluded_categories[{i}]"), cat);
    }

    c.list("rules", &p.rules);
    let mut rule_ids = BTreeMap::new();
    for (i, rule) in p.rules.iter().enumerate() {
        let path = format!("rules[{i}]");
        c.id(&format!("{path}.id"), &rule.id);
        if let Some(first) = rule_ids.insert(rule.id.as_str(), i) {
            c.fail(
                format!("{path}.id"),
                format!("`{}` is already the id of rules[{first}]", rule.id),
            );
        }
        if let Some(when) = &rule.when {
            c.condition(&format!("{path}.when"), when, mu, 1);
        }
        let earn = format!("{path}.earn");
        match &rule.earn {
            Earn::PointsPerAmount { rate, matching } => {
                if rate.0 <= Decimal::ZERO {
                    c.fail(format!("{earn}.rate"), format!("must be > 0, got `{rate}`"));
                } else if rate.0 > Decimal::from(1_000_000) {
                    c.fail(
                        format!("{earn}.rate"),
                        "must be at most 1000000 points per currency unit",
                    );
                }
                if let Some(m) = matching {
                    c.matching(&format!("{earn}.matching"), m);
                }
            }
            Earn::PointsPerUnit { points, matching } => {
                c.count(&format!("{earn}.points"), *points, 1_000_000);
                c.matching(&format!("{earn}.matching"), matching);
            }
            Earn::PointsPerVisit { points } => {
                c.count(&format!("{earn}.points"), *points, 1_000_000)
            }
            Earn::StampsPerUnit { stamps, matching } => {
                c.count(&format!("{earn}.stamps"), *stamps, 1_000);
                c.matching(&format!("{earn}.matching"), matching);
            }
            Earn::StampsPerVisit { stamps } => c.count(&format!("{earn}.stamps"), *stamps, 1_000),
        }
        if matches!(
            rule.earn,
            Earn::StampsPerUnit { .. } | Earn::StampsPerVisit { .. }
        ) && p.stamps.is_none()
        {
            c.fail(earn, "gives stamps but the program has no `stamps` card");
        }
    }

    c.list("rewards", &p.rewards);
    let mut rewards = BTreeMap::new();
    for (i, reward) in p.rewards.iter().enumerate() {
        let path = format!("rewards[{i}]");
        c.id(&format!("{path}.id"), &reward.id);
        if let Some(name) = &reward.name {
            if name.len() > MAX_TEXT_BYTES {
                c.fail(
                    format!("{path}.name"),
                    format!("must be at most {MAX_TEXT_BYTES} bytes"),
                );
            }
        }
        if let Some(first) = rewards.insert(reward.id.clone(), i) {
            c.fail(
                format!("{path}.id"),
                format!("`{}` is already the id of rewards[{first}]", reward.id),
            );
        }
        match reward.cost {
            Cost::Points { points } => c.count(&format!("{path}.cost.points"), points, MAX_POINTS),
            Cost::Voucher => {
                if p.stamps.as_ref().is_none_or(|s| s.reward != reward.id) {
                    c.fail(
                        format!("{path}.cost"),
                        format!(
                            "costs a voucher but no stamp card issues vouchers for `{}`",
                            reward.id
                        ),
                    );
                }
            }
        }
        let b = format!("{path}.benefit");
        match &reward.benefit {
            Benefit::FreeItem {
                matching,
                max_value,
            } => {
                c.matching(&format!("{b}.matching"), matching);
                if let Some(v) = max_value {
                    c.money(&format!("{b}.max_value"), v.0, mu, true);
                }
            }
            Benefit::FixedDiscount { amount } => {
                c.money(&format!("{b}.amount"), amount.0, mu, true)
            }
            Benefit::PercentDiscount {
                percent,
                matching,
                cap,
            } => {
                if percent.0 <= Decimal::ZERO || percent.0 > Decimal::ONE_HUNDRED {
                    c.fail(
                        format!("{b}.percent"),
                        format!("must be > 0 and <= 100, got `{percent}`"),
                    );
                }
                if let Some(m) = matching {
                    c.matching(&format!("{b}.matching"), m);
                }
                if let Some(v) = cap {
                    c.money(&format!("{b}.cap"), v.0, mu, true);
                }
            }
        }
    }

    if let Some(card) = &p.stamps {
        if !(2..=1000).contains(&card.card_size) {
            c.fail(
                "stamps.card_size",
                format!("must be 2 to 1000, got {}", card.card_size),
            );
        }
        match rewards.get(&card.reward).and_then(|&i| p.rewards.get(i)) {
            None => c.fail(
                "stamps.reward",
                format!(
                    "`{}` is not a reward of the catalog",
                    crate::error::clip(&card.reward)
                ),
            ),
            Some(r) if r.cost != Cost::Voucher => c.fail(
                "stamps.reward",
                format!(
                    "reward `{}` must cost a voucher to be issued by the card",
                    r.id
                ),
            ),
            Some(_) => {}
        }
        if let Some(days) = card.voucher_days {
            c.days("stamps.voucher_days", days, false);
        }
    }

    c.days("returns.window_days", p.returns.window_days, true);
    let minutes = p.redemption.reservation_minutes;
    if minutes == 0 || minutes > 10_080 {
        c.fail(
            "redemption.reservation_minutes",
            format!("must be 1 to 10080 (a week), got {minutes}"),
        );
    }
    let remember = p.idempotency.remember;
    if remember == 0 || remember > MAX_REMEMBERED_EVENTS {
        c.fail(
            "idempotency.remember",
            format!("must be 1 to {MAX_REMEMBERED_EVENTS}, got {remember}"),
        );
    }

    match c.errors {
        Some(e) => Err(e),
        None => Ok(rewards),
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
}
