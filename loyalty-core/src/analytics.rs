//! Analytics: fold events and their outcomes into a report that tells a
//! shop whether its program works.
//!
//! The seeds' test of a program is "do at least 50% of active members earn a
//! first reward within three months, and what does it cost?". [`Analytics`]
//! answers it from the stream the host already has: each applied event with
//! its [`Outcome`]. It keeps a few counters per member and per week, never
//! the events, so memory grows with members (and weeks), not with events.
//! Folders over disjoint sets of members can be [merged](Analytics::merge),
//! in any order, into the same report: everything is counted in integers
//! and kept in ordered maps, so a report is the same bytes however the work
//! was split.
//!
//! ```
//! use loyalty_core::{analytics::Analytics, Account, Engine, Event};
//! let engine = Engine::from_json(r#"{"name": "Demo", "currency": "USD",
//!     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}],
//!     "rewards": [{"id": "five_off", "cost": {"type": "points", "points": 10},
//!                  "benefit": {"type": "fixed_discount", "amount": "5.00"}}]}"#).unwrap();
//! let mut analytics = Analytics::new(engine.program());
//! let mut account = Account::new("m1");
//! for json in [
//!     r#"{"type": "enrol", "id": "e1", "member": "m1", "time": "2026-03-02T09:00:00Z"}"#,
//!     r#"{"type": "purchase", "id": "p1", "time": "2026-03-09T09:00:00Z",
//!         "lines": [{"sku": "lunch", "quantity": 1, "unit_price": "12.00"}]}"#,
//! ] {
//!     let event = Event::from_json(json).unwrap();
//!     let outcome = engine.apply_in_place(&mut account, &event).unwrap();
//!     analytics.observe("m1", &event, &outcome);
//! }
//! let report = analytics.finish();
//! assert_eq!(report.first_reward.reached, 1);
//! assert_eq!(report.first_reward.median_days, Some(7.0));
//! assert_eq!(report.liability.points, 12);
//! assert_eq!(report.liability.points_value.to_string(), "6.00"); // 12 x 0.50
//! ```
//!
//! ## Definitions
//! - A member **earns a first reward** the first time they hold something
//!   to redeem: a voucher is issued to them, their spendable points reach
//!   the cheapest points reward open to everyone, or they redeem.
//! - **Active** members made a purchase in the last 30 (90) days before
//!   the report's date: the latest event time seen, or the one given.
//! - The **share reaching a first reward within 90 days** counts members
//!   enrolled at least 90 days before the report's date who made at least
//!   one purchase; the seeds' aim is at least 50%.
//! - **Redemption rate**: members who redeemed at least once, over members.
//! - **Liability**: points (spendable and pending) at the value of a point,
//!   plus the cashback wallet, plus open vouchers at their reward's value.
//!   The value of a point defaults to the best value a points reward with a
//!   fixed discount offers (the most it may cost the shop); set it with
//!   [`Analytics::with_point_value`].
//! - **Breakage**: points expired over points issued; vouchers expired over
//!   vouchers issued.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::account::Account;
use crate::decimal::Dec;
use crate::event::Event;
use crate::outcome::{Asset, EntryKind, Outcome, Status};
use crate::program::{Benefit, Cost, Program};
use crate::time::Timestamp;

/// Key used in per-location, per-staff and per-tier counts for "none".
pub const NONE: &str = "(none)";

const DAY: i64 = 86_400;

/// What the analytics remember about one member.
#[derive(Clone, Debug, Default)]
struct Member {
    enrolled: Option<i64>,
    last_purchase: Option<i64>,
    visits: u64,
    first_reward: Option<i64>,
    redemptions: u64,
    points: i64,
    wallet: i64,
    vouchers: i64,
    /// Last tier seen: none before any outcome with tier information.
    tier: Option<Option<String>>,
    subscribed: bool,
    subscription_active: bool,
}

/// Per-week movements, the source of the report's time series.
#[derive(Clone, Debug, Default)]
struct Week {
    enrolled: u64,
    first_rewards: u64,
    points_issued: i64,
    points_redeemed: i64,
    points_expired: i64,
    points_other: i64,
    wallet_net: i64,
    tier_moves: BTreeMap<String, i64>,
}

/// Totals for one earning rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RuleEarning {
    /// Purchases on which the rule gave something.
    pub times: u64,
    /// Points given.
    pub points: i64,
    /// Stamps given.
    pub stamps: i64,
    /// Cashback given (minor units).
    pub cashback_minor: i64,
    /// Vouchers issued.
    pub vouchers: u64,
}

/// A streaming fold of events and outcomes into a [`Report`].
#[derive(Clone, Debug)]
pub struct Analytics {
    minor_units: u32,
    point_value: Decimal,
    /// Cheapest points reward anyone may redeem: holding that many points is a first reward.
    reward_points: Option<i64>,
    /// Estimated value of a voucher, per reward, where the reward says it.
    voucher_values: BTreeMap<String, Decimal>,
    members: BTreeMap<String, Member>,
    weeks: BTreeMap<i64, Week>,
    by_location: BTreeMap<String, u64>,
    by_staff: BTreeMap<String, u64>,
    rules: BTreeMap<String, RuleEarning>,
    latest: Option<Timestamp>,
    points_issued: i64,
    points_redeemed: i64,
    points_expired: i64,
    points_clawed_back: i64,
    vouchers_issued: u64,
    vouchers_redeemed: u64,
    vouchers_expired: u64,
    /// Estimated value of all vouchers issued, and how many had a value.
    voucher_value_issued: Decimal,
    voucher_value_known: u64,
    wallet_issued: i64,
    wallet_spent: i64,
    redemptions: u64,
    /// What members paid (after discounts), and what rewards took off baskets.
    sales: Decimal,
    discounts: Decimal,
    renewals: u64,
    cancellations: u64,
    lapses: u64,
}

impl Analytics {
    /// A fold for members of `program`.
    pub fn new(program: &Program) -> Analytics {
        let reward_points = program
            .rewards
            .iter()
            .filter(|r| r.tiers.is_empty())
            .filter_map(|r| match r.cost {
                Cost::Points { points } => Some(i64::from(points)),
                _ => None,
            })
            .min();
        let point_value = program
            .rewards
            .iter()
            .filter_map(|r| match (&r.cost, &r.benefit) {
                (Cost::Points { points }, Benefit::FixedDiscount { amount }) if *points > 0 => {
                    Some(amount.0 / Decimal::from(*points))
                }
                _ => None,
            })
            .max()
            .unwrap_or(Decimal::ZERO);
        let voucher_values = program
            .rewards
            .iter()
            .filter_map(|r| {
                let value = match &r.benefit {
                    Benefit::FixedDiscount { amount } => Some(amount.0),
                    Benefit::FreeItem { max_value, .. } => max_value.map(|m| m.0),
                    Benefit::PercentDiscount { cap, .. } => cap.map(|c| c.0),
                    Benefit::Donation { amount } => Some(amount.0),
                    Benefit::WalletPayment => None,
                };
                value.map(|v| (r.id.clone(), v))
            })
            .collect();
        Analytics {
            minor_units: program.minor_units,
            point_value,
            reward_points,
            voucher_values,
            members: BTreeMap::new(),
            weeks: BTreeMap::new(),
            by_location: BTreeMap::new(),
            by_staff: BTreeMap::new(),
            rules: BTreeMap::new(),
            latest: None,
            points_issued: 0,
            points_redeemed: 0,
            points_expired: 0,
            points_clawed_back: 0,
            vouchers_issued: 0,
            vouchers_redeemed: 0,
            vouchers_expired: 0,
            voucher_value_issued: Decimal::ZERO,
            voucher_value_known: 0,
            wallet_issued: 0,
            wallet_spent: 0,
            redemptions: 0,
            sales: Decimal::ZERO,
            discounts: Decimal::ZERO,
            renewals: 0,
            cancellations: 0,
            lapses: 0,
        }
    }

    /// Value the liability at `value` per point instead of the default.
    pub fn with_point_value(mut self, value: Dec) -> Analytics {
        self.point_value = value.0;
        self
    }

    /// Count one applied event of `member` and its outcome. Duplicates
    /// (which changed nothing) are ignored; so are refused events, which
    /// have no outcome to observe.
    pub fn observe(&mut self, member: &str, event: &Event, outcome: &Outcome) {
        if outcome.status == Status::Duplicate {
            return;
        }
        let time = event.time();
        let at = time.unix_seconds();
        self.latest = Some(self.latest.map_or(time, |l| l.max(time)));
        let week_key = week_of(at);
        let minor = self.minor_units;
        let reward_points = self.reward_points;

        let mut stats = self.members.remove(member).unwrap_or_default();
        let week = self.weeks.entry(week_key).or_default();

        match event {
            Event::Enrol(e) if stats.enrolled.is_none() => {
                stats.enrolled = Some(at);
                week.enrolled += 1;
                *self
                    .by_location
                    .entry(e.location.clone().unwrap_or_else(|| NONE.to_owned()))
                    .or_default() += 1;
                *self
                    .by_staff
                    .entry(e.staff.clone().unwrap_or_else(|| NONE.to_owned()))
                    .or_default() += 1;
            }
            Event::Purchase(p) => {
                stats.visits += 1;
                stats.last_purchase = Some(at);
                for line in &p.lines {
                    self.sales += line.unit_price.0 * Decimal::from(line.quantity)
                        - line.discount.map_or(Decimal::ZERO, |d| d.0)
                        - line.reward_discount.map_or(Decimal::ZERO, |d| d.0);
                }
            }
            Event::Redeem(_) | Event::Commit(_) => {
                stats.redemptions += 1;
                self.redemptions += 1;
                self.discounts += outcome
                    .discounts
                    .iter()
                    .map(|d| d.amount.0)
                    .sum::<Decimal>();
            }
            _ => {}
        }

        for award in &outcome.awards {
            let rule = self.rules.entry(award.rule.to_string()).or_default();
            rule.times += 1;
            rule.points += award.points;
            rule.stamps += award.stamps;
            rule.cashback_minor += award.cashback.map_or(0, |c| to_minor(c.0, minor));
            rule.vouchers += u64::from(award.voucher.is_some());
        }

        for v in &outcome.vouchers {
            self.vouchers_issued += 1;
            if let Some(value) = self.voucher_values.get(v.reward.as_str()) {
                self.voucher_value_issued += *value;
                self.voucher_value_known += 1;
            }
        }

        for entry in &outcome.ledger {
            let amount = entry.amount;
            match (entry.asset, entry.kind) {
                (
                    Asset::Points | Asset::Pending,
                    EntryKind::Earn | EntryKind::Referral | EntryKind::Birthday,
                ) if amount > 0 => {
                    self.points_issued += amount;
                    week.points_issued += amount;
                }
                (Asset::Points | Asset::Reserved, EntryKind::Redeem) => {
                    self.points_redeemed -= amount;
                    week.points_redeemed -= amount;
                }
                (Asset::Points | Asset::Pending, EntryKind::Expire) => {
                    self.points_expired -= amount;
                    week.points_expired -= amount;
                }
                (Asset::Points | Asset::Pending, EntryKind::Clawback) => {
                    self.points_clawed_back -= amount;
                    week.points_other += amount;
                }
                (Asset::Points | Asset::Pending, EntryKind::Adjust | EntryKind::Restore) => {
                    week.points_other += amount;
                }
                (Asset::Vouchers | Asset::ReservedVouchers, EntryKind::Redeem) => {
                    self.vouchers_redeemed += amount.unsigned_abs();
                }
                (Asset::Vouchers, EntryKind::Expire) => {
                    self.vouchers_expired += amount.unsigned_abs();
                }
                (Asset::Wallet | Asset::WalletPending, EntryKind::Earn) => {
                    self.wallet_issued += amount;
                    week.wallet_net += amount;
                }
                (Asset::Wallet | Asset::WalletReserved, EntryKind::Redeem) => {
                    self.wallet_spent -= amount;
                    week.wallet_net += amount;
                }
                (Asset::Wallet | Asset::WalletPending, EntryKind::Expire | EntryKind::Clawback) => {
                    week.wallet_net += amount;
                }
                (Asset::Subscription, EntryKind::Subscribed) => {
                    stats.subscribed = true;
                    stats.subscription_active = true;
                }
                (Asset::Subscription, EntryKind::Renewed) => {
                    stats.subscription_active = true;
                    self.renewals += 1;
                }
                (Asset::Subscription, EntryKind::Cancelled) => self.cancellations += 1,
                (Asset::Subscription, EntryKind::Lapsed) => {
                    stats.subscription_active = false;
                    self.lapses += 1;
                }
                _ => {}
            }
        }

        let b = &outcome.balances;
        stats.points = b.points + b.pending;
        stats.wallet = to_minor(b.wallet.0 + b.wallet_pending.0, minor);
        stats.vouchers = b.vouchers;

        if let Some(info) = &outcome.tier {
            if stats.tier.as_ref().map(Option::as_deref) != Some(info.level.as_deref()) {
                let now = info.level.as_deref().map(str::to_owned);
                if let Some(before) = stats.tier.take() {
                    *week
                        .tier_moves
                        .entry(before.unwrap_or_else(|| NONE.to_owned()))
                        .or_default() -= 1;
                }
                *week
                    .tier_moves
                    .entry(now.clone().unwrap_or_else(|| NONE.to_owned()))
                    .or_default() += 1;
                stats.tier = Some(now);
            }
        }

        let reached = !outcome.vouchers.is_empty()
            || stats.redemptions > 0
            || reward_points.is_some_and(|p| b.points >= p);
        if reached && stats.first_reward.is_none() {
            stats.first_reward = Some(at);
            week.first_rewards += 1;
        }
        self.members.insert(member.to_owned(), stats);
    }

    /// Add what `other` observed (about other members) to this fold.
    /// Members seen by both keep this fold's record; the totals add up.
    pub fn merge(&mut self, other: Analytics) {
        for (id, m) in other.members {
            self.members.entry(id).or_insert(m);
        }
        for (key, w) in other.weeks {
            let mine = self.weeks.entry(key).or_default();
            mine.enrolled += w.enrolled;
            mine.first_rewards += w.first_rewards;
            mine.points_issued += w.points_issued;
            mine.points_redeemed += w.points_redeemed;
            mine.points_expired += w.points_expired;
            mine.points_other += w.points_other;
            mine.wallet_net += w.wallet_net;
            for (tier, n) in w.tier_moves {
                *mine.tier_moves.entry(tier).or_default() += n;
            }
        }
        add_counts(&mut self.by_location, other.by_location);
        add_counts(&mut self.by_staff, other.by_staff);
        for (id, r) in other.rules {
            let mine = self.rules.entry(id).or_default();
            mine.times += r.times;
            mine.points += r.points;
            mine.stamps += r.stamps;
            mine.cashback_minor += r.cashback_minor;
            mine.vouchers += r.vouchers;
        }
        self.latest = match (self.latest, other.latest) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.points_issued += other.points_issued;
        self.points_redeemed += other.points_redeemed;
        self.points_expired += other.points_expired;
        self.points_clawed_back += other.points_clawed_back;
        self.vouchers_issued += other.vouchers_issued;
        self.vouchers_redeemed += other.vouchers_redeemed;
        self.vouchers_expired += other.vouchers_expired;
        self.voucher_value_issued += other.voucher_value_issued;
        self.voucher_value_known += other.voucher_value_known;
        self.wallet_issued += other.wallet_issued;
        self.wallet_spent += other.wallet_spent;
        self.redemptions += other.redemptions;
        self.sales += other.sales;
        self.discounts += other.discounts;
        self.renewals += other.renewals;
        self.cancellations += other.cancellations;
        self.lapses += other.lapses;
    }

    /// The report as of the latest event seen.
    pub fn finish(self) -> Report {
        let as_of = self.latest;
        self.finish_at(as_of, None)
    }

    /// The report as of the latest event seen, with the liability read from
    /// the members' final accounts (exact open vouchers per reward) rather
    /// than from the last balances each outcome reported.
    pub fn finish_with_accounts<'a>(
        self,
        accounts: impl IntoIterator<Item = &'a Account>,
    ) -> Report {
        let as_of = self.latest;
        self.finish_at(as_of, Some(&mut accounts.into_iter()))
    }

    /// The report as of `as_of` (none: no activity figures), optionally
    /// with the liability read from final accounts.
    pub fn finish_at(
        self,
        as_of: Option<Timestamp>,
        accounts: Option<&mut dyn Iterator<Item = &Account>>,
    ) -> Report {
        let now = as_of.map(|t| t.unix_seconds());
        let members = self.members.len() as u64;
        let active = |days: i64| {
            now.map_or(0, |now| {
                self.members
                    .values()
                    .filter(|m| m.last_purchase.is_some_and(|l| now - l < days * DAY))
                    .count() as u64
            })
        };
        let (active_30, active_90) = (active(30), active(90));
        let visits: u64 = self.members.values().map(|m| m.visits).sum();
        let redeeming = self.members.values().filter(|m| m.redemptions > 0).count() as u64;

        let mut days_to_reward: Vec<i64> = self
            .members
            .values()
            .filter_map(|m| Some((m.first_reward? - m.enrolled?).div_euclid(DAY)))
            .collect();
        days_to_reward.sort_unstable();
        let median_days = median(&days_to_reward);
        let (mut eligible, mut within) = (0_u64, 0_u64);
        if let Some(now) = now {
            for m in self.members.values() {
                let Some(enrolled) = m.enrolled else { continue };
                if now - enrolled >= 90 * DAY && m.visits > 0 {
                    eligible += 1;
                    if m.first_reward.is_some_and(|f| f - enrolled <= 90 * DAY) {
                        within += 1;
                    }
                }
            }
        }

        let point_value = self.point_value;
        let unit = Decimal::new(1, self.minor_units);
        let average_voucher = if self.voucher_value_known > 0 {
            self.voucher_value_issued / Decimal::from(self.voucher_value_known)
        } else {
            Decimal::ZERO
        };
        let liability = match accounts {
            Some(accounts) => {
                let (mut points, mut wallet, mut vouchers, mut value) =
                    (0_i64, 0_i64, 0_i64, Decimal::ZERO);
                for a in accounts {
                    points += a.points.balance + a.points.pending + a.points.reserved;
                    wallet += a.wallet.balance + a.wallet.pending + a.wallet.reserved;
                    let held = a.vouchers.iter().map(|v| &v.reward).chain(
                        a.reservations
                            .iter()
                            .filter_map(|r| r.voucher.as_ref().map(|v| &v.reward)),
                    );
                    for reward in held {
                        vouchers += 1;
                        value += self
                            .voucher_values
                            .get(reward.as_str())
                            .copied()
                            .unwrap_or(Decimal::ZERO);
                    }
                }
                (points, wallet, vouchers, value)
            }
            None => {
                let points = self.members.values().map(|m| m.points).sum();
                let wallet = self.members.values().map(|m| m.wallet).sum();
                let vouchers: i64 = self.members.values().map(|m| m.vouchers).sum();
                (
                    points,
                    wallet,
                    vouchers,
                    average_voucher * Decimal::from(vouchers),
                )
            }
        };
        let (points, wallet, open_vouchers, vouchers_value) = liability;
        let points_value = (Decimal::from(points) * point_value).round_dp(self.minor_units);
        let wallet_value = Decimal::from(wallet) * unit;
        let vouchers_value = vouchers_value.round_dp(self.minor_units);

        let mut tiers: BTreeMap<String, u64> = BTreeMap::new();
        for m in self.members.values() {
            if let Some(t) = &m.tier {
                *tiers
                    .entry(t.clone().unwrap_or_else(|| NONE.to_owned()))
                    .or_default() += 1;
            }
        }

        let subscribers = self.members.values().filter(|m| m.subscribed).count() as u64;
        let still = self
            .members
            .values()
            .filter(|m| m.subscription_active)
            .count() as u64;

        let weekly = self.series(point_value, unit);

        Report {
            as_of,
            members,
            enrolments: Enrolments {
                by_location: self.by_location,
                by_staff: self.by_staff,
            },
            active_30_days: active_30,
            active_90_days: active_90,
            visits,
            visits_per_member: ratio(visits, members),
            redemptions: self.redemptions,
            sales: Dec(self.sales),
            rewards_given: Dec(self.discounts),
            members_redeeming: redeeming,
            redemption_rate: ratio(redeeming, members),
            first_reward: FirstReward {
                reached: days_to_reward.len() as u64,
                median_days,
                eligible_90_days: eligible,
                within_90_days: within,
                share_within_90_days: (eligible > 0).then(|| ratio(within, eligible)),
            },
            points: PointsSummary {
                issued: self.points_issued,
                redeemed: self.points_redeemed,
                expired: self.points_expired,
                clawed_back: self.points_clawed_back,
            },
            vouchers: VoucherSummary {
                issued: self.vouchers_issued,
                redeemed: self.vouchers_redeemed,
                expired: self.vouchers_expired,
            },
            cashback: CashbackSummary {
                issued: Dec(Decimal::from(self.wallet_issued) * unit),
                spent: Dec(Decimal::from(self.wallet_spent) * unit),
            },
            liability: Liability {
                point_value: Dec(point_value),
                points,
                points_value: Dec(points_value),
                wallet: Dec(wallet_value),
                open_vouchers,
                vouchers_value: Dec(vouchers_value),
                total: Dec(points_value + wallet_value + vouchers_value),
            },
            breakage: Breakage {
                points: (self.points_issued > 0)
                    .then(|| ratio_i(self.points_expired, self.points_issued)),
                vouchers: (self.vouchers_issued > 0)
                    .then(|| ratio(self.vouchers_expired, self.vouchers_issued)),
            },
            earning_by_rule: self.rules,
            tiers,
            subscriptions: Subscriptions {
                subscribers,
                renewals: self.renewals,
                cancellations: self.cancellations,
                lapsed: self.lapses,
                active: still,
                retention: (subscribers > 0).then(|| ratio(still, subscribers)),
            },
            weekly,
        }
    }

    /// Cumulative weekly series, one row per week from the first to the
    /// last week with activity (quiet weeks in between included).
    fn series(&self, point_value: Decimal, unit: Decimal) -> Vec<WeekRow> {
        let (Some(first), Some(last)) = (
            self.weeks.keys().next().copied(),
            self.weeks.keys().next_back().copied(),
        ) else {
            return Vec::new();
        };
        let empty = Week::default();
        let mut rows = Vec::new();
        let (mut enrolled, mut rewarded, mut points, mut wallet) = (0_u64, 0_u64, 0_i64, 0_i64);
        let mut tiers: BTreeMap<String, i64> = BTreeMap::new();
        for key in first..=last {
            let w = self.weeks.get(&key).unwrap_or(&empty);
            enrolled += w.enrolled;
            rewarded += w.first_rewards;
            points += w.points_issued - w.points_redeemed - w.points_expired + w.points_other;
            wallet += w.wallet_net;
            for (tier, n) in &w.tier_moves {
                *tiers.entry(tier.clone()).or_default() += n;
            }
            rows.push(WeekRow {
                week_start: week_start(key),
                enrolled,
                first_rewards: rewarded,
                points_issued: w.points_issued,
                points_redeemed: w.points_redeemed,
                points_expired: w.points_expired,
                liability: Dec((Decimal::from(points) * point_value
                    + Decimal::from(wallet) * unit)
                    .round_dp(unit.scale())),
                tiers: tiers
                    .iter()
                    .map(|(k, v)| (k.clone(), u64::try_from(*v).unwrap_or(0)))
                    .collect(),
            });
        }
        rows
    }
}

fn add_counts(into: &mut BTreeMap<String, u64>, from: BTreeMap<String, u64>) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

fn to_minor(amount: Decimal, minor_units: u32) -> i64 {
    (amount * Decimal::from(10_i64.pow(minor_units.min(9))))
        .trunc()
        .to_i64()
        .unwrap_or(0)
}

/// Weeks run Monday to Sunday (UTC): day 0 (1970-01-01) was a Thursday.
fn week_of(unix: i64) -> i64 {
    (unix.div_euclid(DAY) + 3).div_euclid(7)
}

fn week_start(week: i64) -> String {
    let days = week * 7 - 3;
    chrono::DateTime::from_timestamp(days * DAY, 0)
        .map(|d| {
            use chrono::Datelike;
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        })
        .unwrap_or_default()
}

/// A share rounded to 4 decimals, so reports print short, stable numbers.
fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
}

fn ratio_i(part: i64, whole: i64) -> f64 {
    ratio(part.unsigned_abs(), whole.unsigned_abs())
}

fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let high = *sorted.get(n / 2)?;
    if n % 2 == 1 {
        Some(high as f64)
    } else {
        let low = *sorted.get(n / 2 - 1)?;
        Some((low + high) as f64 / 2.0)
    }
}

/// Everything the analytics say about a program's members.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The date activity is measured at.
    pub as_of: Option<Timestamp>,
    /// Members seen.
    pub members: u64,
    /// Enrolments per location and per staff member.
    pub enrolments: Enrolments,
    /// Members with a purchase in the last 30 days.
    pub active_30_days: u64,
    /// Members with a purchase in the last 90 days.
    pub active_90_days: u64,
    /// Purchases.
    pub visits: u64,
    /// Purchases per member.
    pub visits_per_member: f64,
    /// Redemptions (one-phase redeems and committed reservations).
    pub redemptions: u64,
    /// What members paid for their purchases (after all discounts).
    pub sales: Dec,
    /// What redeemed rewards took off baskets: the cost of rewards given.
    pub rewards_given: Dec,
    /// Members who redeemed at least once.
    pub members_redeeming: u64,
    /// `members_redeeming` over `members`.
    pub redemption_rate: f64,
    /// Time to a first reward.
    pub first_reward: FirstReward,
    /// Points issued, redeemed and lost.
    pub points: PointsSummary,
    /// Vouchers issued, redeemed and expired.
    pub vouchers: VoucherSummary,
    /// Cashback given and spent.
    pub cashback: CashbackSummary,
    /// What the shop owes its members now.
    pub liability: Liability,
    /// Shares of what was issued that expired unused.
    pub breakage: Breakage,
    /// What each rule gave.
    pub earning_by_rule: BTreeMap<String, RuleEarning>,
    /// Members per tier (programs with tiers).
    pub tiers: BTreeMap<String, u64>,
    /// Paid plans.
    pub subscriptions: Subscriptions,
    /// Week by week, cumulative where it says so.
    pub weekly: Vec<WeekRow>,
}

/// Enrolments by where and by whom.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Enrolments {
    /// Per location id ([`NONE`] when the enrolment named none).
    pub by_location: BTreeMap<String, u64>,
    /// Per staff member ([`NONE`] when the enrolment named none).
    pub by_staff: BTreeMap<String, u64>,
}

/// The seeds' test: how soon members earn a first reward.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FirstReward {
    /// Members who earned a first reward.
    pub reached: u64,
    /// Median whole days from enrolment to the first reward, among them.
    pub median_days: Option<f64>,
    /// Members enrolled for 90 days or more, with at least one purchase.
    pub eligible_90_days: u64,
    /// Of those, members who earned a first reward within 90 days of enrolment.
    pub within_90_days: u64,
    /// `within_90_days` over `eligible_90_days`; the seeds aim for at least 0.5.
    pub share_within_90_days: Option<f64>,
}

/// Points movements.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointsSummary {
    /// Earned (rules, welcome, referral and birthday points).
    pub issued: i64,
    /// Spent on rewards.
    pub redeemed: i64,
    /// Expired.
    pub expired: i64,
    /// Taken back by returns.
    pub clawed_back: i64,
}

/// Voucher movements.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VoucherSummary {
    /// Issued.
    pub issued: u64,
    /// Redeemed.
    pub redeemed: u64,
    /// Expired.
    pub expired: u64,
}

/// Cashback movements.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CashbackSummary {
    /// Credited to wallets.
    pub issued: Dec,
    /// Paid from wallets.
    pub spent: Dec,
}

/// Outstanding liability.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Liability {
    /// Money per point used for `points_value`.
    pub point_value: Dec,
    /// Points held (spendable, pending and reserved).
    pub points: i64,
    /// `points` x `point_value`.
    pub points_value: Dec,
    /// Cashback wallets.
    pub wallet: Dec,
    /// Vouchers held.
    pub open_vouchers: i64,
    /// Their value where the reward states one (an estimate from the issued
    /// mix when final accounts are not given).
    pub vouchers_value: Dec,
    /// Points, wallets and vouchers.
    pub total: Dec,
}

/// Expired over issued.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Breakage {
    /// Points expired over points issued.
    pub points: Option<f64>,
    /// Vouchers expired over vouchers issued.
    pub vouchers: Option<f64>,
}

/// Paid plans.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Subscriptions {
    /// Members who ever subscribed.
    pub subscribers: u64,
    /// Renewals.
    pub renewals: u64,
    /// Cancellations.
    pub cancellations: u64,
    /// Plans that ended.
    pub lapsed: u64,
    /// Members whose plan is still in force.
    pub active: u64,
    /// `active` over `subscribers`.
    pub retention: Option<f64>,
}

/// One week of the series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekRow {
    /// The Monday starting the week (UTC), `YYYY-MM-DD`.
    pub week_start: String,
    /// Members enrolled so far.
    pub enrolled: u64,
    /// Members who had earned a first reward so far.
    pub first_rewards: u64,
    /// Points issued this week.
    pub points_issued: i64,
    /// Points redeemed this week.
    pub points_redeemed: i64,
    /// Points expired this week.
    pub points_expired: i64,
    /// Liability at the end of the week: net points at the point value, plus wallets.
    pub liability: Dec,
    /// Members per tier at the end of the week.
    pub tiers: BTreeMap<String, u64>,
}
