//! Checking a program once, before any event runs against it.
//!
//! Every rule, reward, tier and plan is checked for values in range and for
//! references that resolve (a reward named by a card, a tier named by a
//! condition...). The first problem found is reported with its JSON path.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::error::{clip, Document, Error};
use crate::id::Fault;
use crate::limits::*;
use crate::program::{
    Benefit, Condition, Cost, Earn, Expiry, Match, Program, Qualifier, TierWindow,
};

struct Checker<'a> {
    program: &'a Program,
    error: Option<Error>,
}

impl Checker<'_> {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(Error::invalid(Document::Program, path, message));
        }
    }

    fn id(&mut self, path: &str, id: &str) {
        if let Some(fault) = Fault::of(id) {
            self.fail(path, fault.message());
        }
    }

    fn ids(&mut self, path: &str, ids: &[String]) {
        self.list(path, ids);
        if ids.is_empty() {
            self.fail(path, "must not be empty");
        }
        for (i, id) in ids.iter().enumerate() {
            self.id(&format!("{path}[{i}]"), id);
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

    fn money(&mut self, path: &str, value: Decimal, positive: bool) {
        let minor_units = self.program.minor_units;
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

    fn percent(&mut self, path: &str, value: Decimal) {
        if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            self.fail(path, format!("must be > 0 and <= 100, got `{value}`"));
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

    fn tier_exists(&mut self, path: &str, id: &str) {
        let known = self
            .program
            .tiers
            .as_ref()
            .is_some_and(|t| t.levels.iter().any(|l| l.id == id));
        if !known {
            self.fail(
                path,
                format!("`{}` is not a tier level of the program", clip(id)),
            );
        }
    }

    fn plan_exists(&mut self, path: &str, id: &str) {
        if !self.program.plans.iter().any(|p| p.id == id) {
            self.fail(path, format!("`{}` is not a plan of the program", clip(id)));
        }
    }

    /// A reward that vouchers are issued for: it must exist and cost a voucher.
    fn voucher_reward(&mut self, path: &str, id: &str, rewards: &BTreeMap<String, usize>) {
        match rewards.get(id).and_then(|&i| self.program.rewards.get(i)) {
            None => self.fail(
                path,
                format!("`{}` is not a reward of the catalog", clip(id)),
            ),
            Some(r) if r.cost != Cost::Voucher => self.fail(
                path,
                format!("reward `{}` must cost a voucher to be issued", r.id),
            ),
            Some(_) => {}
        }
    }

    fn condition(&mut self, path: &str, c: &Condition, depth: usize) {
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
                    self.condition(&format!("{path}.of[{i}]"), c, depth + 1);
                }
            }
            Condition::Not { condition } => {
                self.condition(&format!("{path}.condition"), condition, depth + 1)
            }
            Condition::SubtotalAtLeast { amount } => {
                self.money(&format!("{path}.amount"), amount.0, false)
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
            Condition::TimeWindow { days, from, to } => {
                if days.len() > 7 {
                    self.fail(format!("{path}.days"), "lists more than 7 days");
                }
                if from == to {
                    self.fail(
                        format!("{path}.to"),
                        "the window is empty: `from` equals `to`",
                    );
                }
            }
            Condition::DateRange { from, to } => {
                if let (Some(f), Some(t)) = (from, to) {
                    if f >= t {
                        self.fail(format!("{path}.to"), format!("must be after `from` ({f})"));
                    }
                }
            }
            Condition::Tier { tiers } => {
                self.ids(&format!("{path}.tiers"), tiers);
                for (i, t) in tiers.iter().enumerate() {
                    self.tier_exists(&format!("{path}.tiers[{i}]"), t);
                }
            }
            Condition::MemberTag { tags } => self.ids(&format!("{path}.tags"), tags),
            Condition::EnrolledDays { at_least, at_most } => {
                if let (Some(a), Some(b)) = (at_least, at_most) {
                    if a > b {
                        self.fail(
                            format!("{path}.at_most"),
                            format!("must be at least `at_least` ({a})"),
                        );
                    }
                }
            }
            Condition::BirthdayWindow {
                days_before,
                days_after,
            } => {
                if *days_before > 183 || *days_after > 183 {
                    self.fail(path, "birthday windows reach at most 183 days on each side");
                }
            }
            Condition::NthVisit { n, .. } => self.count(&format!("{path}.n"), *n, 1_000_000),
            Condition::SubscriptionActive { plans } => {
                for (i, p) in plans.iter().enumerate() {
                    self.plan_exists(&format!("{path}.plans[{i}]"), p);
                }
            }
            Condition::Location { locations } => self.ids(&format!("{path}.locations"), locations),
            Condition::Channel { channels } => self.ids(&format!("{path}.channels"), channels),
        }
    }

    fn targets(&mut self, path: &str, own: usize, targets: &[String], rank: &[usize]) {
        self.ids(path, targets);
        for (i, t) in targets.iter().enumerate() {
            match self.program.rules.iter().position(|r| r.id == *t) {
                None => self.fail(format!("{path}[{i}]"), format!("`{}` is not a rule of the program", clip(t))),
                Some(j) if rank.get(j) >= rank.get(own) => self.fail(
                    format!("{path}[{i}]"),
                    format!("rule `{t}` must run before this one (give it a higher priority or list it earlier)"),
                ),
                Some(_) => {}
            }
        }
    }
}

/// Check `p`; on success, the index of rewards by id.
pub(crate) fn validate(p: &Program, rank: &[usize]) -> Result<BTreeMap<String, usize>, Error> {
    let mut c = Checker {
        program: p,
        error: None,
    };
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
                clip(&p.currency)
            ),
        );
    }
    if p.minor_units > 4 {
        c.fail(
            "minor_units",
            format!("must be 0 to 4, got {}", p.minor_units),
        );
    }

    let pts = &p.points;
    c.days("points.pending_days", pts.pending_days, true);
    if i64::from(pts.welcome_points) > MAX_POINTS {
        c.fail(
            "points.welcome_points",
            format!("must be at most {MAX_POINTS}"),
        );
    }
    if let Some(Expiry::Rolling { days }) | Some(Expiry::Inactivity { days }) = &pts.expiry {
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

    c.list("excluded_categories", &p.excluded_categories);
    for (i, cat) in p.excluded_categories.iter().enumerate() {
        c.id(&format!("excluded_categories[{i}]"), cat);
    }

    c.list("rewards", &p.rewards);
    let mut rewards = BTreeMap::new();
    for (i, reward) in p.rewards.iter().enumerate() {
        if let Some(first) = rewards.insert(reward.id.clone(), i) {
            c.fail(
                format!("rewards[{i}].id"),
                format!("`{}` is already the id of rewards[{first}]", reward.id),
            );
        }
    }

    c.list("rules", &p.rules);
    let mut rule_ids = BTreeMap::new();
    let mut voucher_sources: Vec<&str> = Vec::new();
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
            c.condition(&format!("{path}.when"), when, 1);
        }
        if let Some(group) = &rule.group {
            c.id(&format!("{path}.group"), group);
        }
        if let Some(limits) = &rule.limits {
            if let Some(n) = limits.per_purchase {
                c.count(&format!("{path}.limits.per_purchase"), n, MAX_POINTS);
            }
            if let Some(l) = &limits.per_member {
                c.count(
                    &format!("{path}.limits.per_member.times"),
                    l.times,
                    1_000_000,
                );
            }
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
            Earn::PointsMultiplier { factor, rules } => {
                if factor.0 < Decimal::ONE || factor.0 > Decimal::ONE_HUNDRED {
                    c.fail(
                        format!("{earn}.factor"),
                        format!("must be from 1 to 100, got `{factor}`"),
                    );
                }
                c.targets(&format!("{earn}.rules"), i, rules, rank);
            }
            Earn::TierMultiplier { rules } => {
                if p.tiers.is_none() {
                    c.fail(earn.clone(), "needs the program's `tiers`");
                }
                c.targets(&format!("{earn}.rules"), i, rules, rank);
            }
            Earn::CashbackPercent {
                percent,
                matching,
                by_tier,
            } => {
                c.percent(&format!("{earn}.percent"), percent.0);
                if let Some(m) = matching {
                    c.matching(&format!("{earn}.matching"), m);
                }
                for (tier, rate) in by_tier {
                    c.tier_exists(&format!("{earn}.by_tier.{tier}"), tier);
                    c.percent(&format!("{earn}.by_tier.{tier}"), rate.0);
                }
            }
            Earn::CashbackStep { every, amount } => {
                c.money(&format!("{earn}.every"), every.0, true);
                c.money(&format!("{earn}.amount"), amount.0, true);
            }
            Earn::IssueReward { reward } => {
                c.voucher_reward(&format!("{earn}.reward"), reward, &rewards);
                voucher_sources.push(reward);
            }
            Earn::DonationMatch { percent } => c.percent(&format!("{earn}.percent"), percent.0),
            Earn::DonationRoundUp { to } => c.money(&format!("{earn}.to"), to.0, true),
        }
        let gives_stamps = matches!(
            rule.earn,
            Earn::StampsPerUnit { .. } | Earn::StampsPerVisit { .. }
        );
        if gives_stamps && p.stamps.is_none() {
            c.fail(
                earn.clone(),
                "gives stamps but the program has no `stamps` card",
            );
        }
        let gives_cashback = matches!(
            rule.earn,
            Earn::CashbackPercent { .. } | Earn::CashbackStep { .. }
        );
        if gives_cashback && p.cashback.is_none() {
            c.fail(
                earn,
                "gives cashback but the program has no `cashback` wallet",
            );
        }
    }

    if let Some(card) = &p.stamps {
        if !(2..=1000).contains(&card.card_size) {
            c.fail(
                "stamps.card_size",
                format!("must be 2 to 1000, got {}", card.card_size),
            );
        }
        c.voucher_reward("stamps.reward", &card.reward, &rewards);
        voucher_sources.push(&card.reward);
        if let Some(days) = card.voucher_days {
            c.days("stamps.voucher_days", days, false);
        }
    }

    if let Some(t) = &p.tiers {
        if t.levels.is_empty() || t.levels.len() > 20 {
            c.fail("tiers.levels", "must have 1 to 20 levels");
        }
        let mut last: Option<Decimal> = None;
        for (i, level) in t.levels.iter().enumerate() {
            let path = format!("tiers.levels[{i}]");
            c.id(&format!("{path}.id"), &level.id);
            if t.levels.iter().take(i).any(|l| l.id == level.id) {
                c.fail(
                    format!("{path}.id"),
                    format!("`{}` is used by an earlier level", level.id),
                );
            }
            let threshold = level.threshold.0;
            match t.qualify_on {
                Qualifier::Spend => c.money(&format!("{path}.threshold"), threshold, false),
                Qualifier::Visits | Qualifier::Points => {
                    if threshold < Decimal::ZERO
                        || threshold.fract() != Decimal::ZERO
                        || threshold > Decimal::from(MAX_POINTS)
                    {
                        c.fail(
                            format!("{path}.threshold"),
                            format!(
                                "must be a whole number from 0 to {MAX_POINTS}, got `{threshold}`"
                            ),
                        );
                    }
                }
            }
            if last.is_some_and(|l| threshold <= l) {
                c.fail(
                    format!("{path}.threshold"),
                    "must be above the previous level's threshold",
                );
            }
            last = Some(threshold);
            if let Some(m) = level.multiplier {
                if m.0 < Decimal::ONE || m.0 > Decimal::ONE_HUNDRED {
                    c.fail(
                        format!("{path}.multiplier"),
                        format!("must be from 1 to 100, got `{m}`"),
                    );
                }
            }
            if let Some(r) = &level.reward {
                c.voucher_reward(&format!("{path}.reward"), r, &rewards);
                voucher_sources.push(r);
            }
        }
        match &t.window {
            TierWindow::Rolling { days, bucket_days } => {
                c.days("tiers.window.days", *days, false);
                if let Some(b) = bucket_days {
                    if *b == 0 || b > days {
                        c.fail(
                            "tiers.window.bucket_days",
                            format!("must be 1 to the window's {days} days"),
                        );
                    }
                }
            }
            TierWindow::CalendarYear | TierWindow::Lifetime => {}
        }
        if let Some(d) = t.review_days {
            c.days("tiers.review_days", d, false);
        }
        c.days("tiers.grace_days", t.grace_days, true);
    }

    if let Some(cb) = &p.cashback {
        c.days("cashback.pending_days", cb.pending_days, true);
        if let Some(m) = cb.max_per_purchase {
            c.money("cashback.max_per_purchase", m.0, true);
        }
        if let Some(m) = &cb.max_per_period {
            c.money("cashback.max_per_period.amount", m.amount.0, true);
        }
    }

    c.list("plans", &p.plans);
    for (i, plan) in p.plans.iter().enumerate() {
        let path = format!("plans[{i}]");
        c.id(&format!("{path}.id"), &plan.id);
        if p.plans.iter().take(i).any(|x| x.id == plan.id) {
            c.fail(
                format!("{path}.id"),
                format!("`{}` is used by an earlier plan", plan.id),
            );
        }
        c.money(&format!("{path}.price"), plan.price.0, false);
        c.days(&format!("{path}.period_days"), plan.period_days, false);
        c.days(&format!("{path}.grace_days"), plan.grace_days, true);
        if let Some(d) = &plan.discount {
            c.percent(&format!("{path}.discount.percent"), d.percent.0);
            c.matching(&format!("{path}.discount.matching"), &d.matching);
        }
    }

    c.list("causes", &p.causes);
    for (i, cause) in p.causes.iter().enumerate() {
        c.id(&format!("causes[{i}]"), cause);
    }

    if let Some(r) = &p.referral {
        if let Some(m) = r.min_subtotal {
            c.money("referral.min_subtotal", m.0, false);
        }
        if r.points == 0 && r.reward.is_none() {
            c.fail("referral", "gives nothing: set `points` or `reward`");
        }
        if let Some(reward) = &r.reward {
            c.voucher_reward("referral.reward", reward, &rewards);
            voucher_sources.push(reward);
        }
    }
    if let Some(b) = &p.birthday {
        c.voucher_reward("birthday.reward", &b.reward, &rewards);
        voucher_sources.push(&b.reward);
        if b.days_before > 183 || b.days_after > 183 {
            c.fail(
                "birthday",
                "the window reaches at most 183 days on each side",
            );
        }
    }

    for (i, reward) in p.rewards.iter().enumerate() {
        let path = format!("rewards[{i}]");
        c.id(&format!("{path}.id"), &reward.id);
        if reward
            .name
            .as_ref()
            .is_some_and(|n| n.len() > MAX_TEXT_BYTES)
        {
            c.fail(
                format!("{path}.name"),
                format!("must be at most {MAX_TEXT_BYTES} bytes"),
            );
        }
        for (j, t) in reward.tiers.iter().enumerate() {
            c.tier_exists(&format!("{path}.tiers[{j}]"), t);
        }
        match &reward.cost {
            Cost::Points { points } => c.count(&format!("{path}.cost.points"), *points, MAX_POINTS),
            Cost::Voucher => {
                if !voucher_sources.contains(&reward.id.as_str()) {
                    c.fail(
                        format!("{path}.cost"),
                        format!(
                            "costs a voucher but nothing issues vouchers for `{}`",
                            reward.id
                        ),
                    );
                }
            }
            Cost::Wallet => {
                if p.cashback.is_none() {
                    c.fail(
                        format!("{path}.cost"),
                        "costs wallet money but the program has no `cashback` wallet",
                    );
                }
                if reward.benefit != Benefit::WalletPayment {
                    c.fail(
                        format!("{path}.benefit"),
                        "a reward paid from the wallet must be a `wallet_payment`",
                    );
                }
            }
            Cost::Allowance { plan, units, .. } => {
                c.plan_exists(&format!("{path}.cost.plan"), plan);
                c.count(&format!("{path}.cost.units"), *units, 1_000);
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
                    c.money(&format!("{b}.max_value"), v.0, true);
                }
            }
            Benefit::FixedDiscount { amount } => c.money(&format!("{b}.amount"), amount.0, true),
            Benefit::PercentDiscount {
                percent,
                matching,
                cap,
            } => {
                c.percent(&format!("{b}.percent"), percent.0);
                if let Some(m) = matching {
                    c.matching(&format!("{b}.matching"), m);
                }
                if let Some(v) = cap {
                    c.money(&format!("{b}.cap"), v.0, true);
                }
            }
            Benefit::WalletPayment => {
                if reward.cost != Cost::Wallet {
                    c.fail(
                        format!("{path}.cost"),
                        "a `wallet_payment` must cost `wallet`",
                    );
                }
            }
            Benefit::Donation { amount } => {
                c.money(&format!("{b}.amount"), amount.0, true);
                if !matches!(reward.cost, Cost::Points { .. }) {
                    c.fail(format!("{path}.cost"), "a donation must cost points");
                }
            }
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

    match c.error {
        Some(e) => Err(e),
        None => Ok(rewards),
    }
}
