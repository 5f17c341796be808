//! Purchases and returns.
//!
//! A purchase earns what the rules give and, while it can be returned, is
//! remembered line by line: what each line earned (points, stamps,
//! cashback, donation, qualifying spend) and what was taken back already. A
//! return of `u` more units of a line takes back
//! `rounding(earned x returned units / units) - already taken back`, so any
//! number of partial returns adds up to exactly what the line earned.
//! Per-visit awards, vouchers issued by rules and redeemed rewards are
//! settled when the last unit comes back.

use rust_decimal::Decimal;

use crate::account::{LineRecord, PurchaseRecord, Redemption};
use crate::basket::{minor, Valued};
use crate::earn::{self, evaluate, Evaluation};
use crate::engine::Engine;
use crate::error::Error;
use crate::event::{Purchase, Return};
use crate::id::Id;
use crate::inline::few;
use crate::outcome::{Asset, Effect, EntryKind};
use crate::period;
use crate::program::Qualifier;

use super::{PoolId, Ref, Tx};

impl Tx<'_, '_> {
    /// A purchase, its `lines` already checked and valued.
    pub(crate) fn purchase(&mut self, p: &Purchase, lines: &[Valued<'_>]) -> Result<(), Error> {
        let engine = self.engine;
        let program = engine.program();
        // The awards go to the outcome: written over its list, which a
        // reused outcome leaves holding the awards of the event before
        // (see `begin` in `apply`).
        let mut ev = Evaluation::default();
        let mut awards = std::mem::take(&mut self.out.awards);
        let facts = self.facts(p.location.as_deref(), p.channel.as_deref());
        evaluate(engine, lines, &facts, true, &mut ev, &mut awards)?;
        let mut linked = Vec::with_capacity(p.redemptions.len());
        for (i, id) in p.redemptions.iter().enumerate() {
            let Some(at) = self.acc.redemptions.iter().position(|r| r.id == *id) else {
                return Err(Error::rule(
                    "unknown_redemption",
                    format!("redemptions[{i}]"),
                    format!("redemption `{id}` is unknown, already tied to a purchase, or too old"),
                ));
            };
            self.journal
                .redemptions
                .touch_from(&self.acc.redemptions, at);
            linked.extend(self.acc.redemptions.remove(at));
        }

        // Entries share the engine's rule ids.
        let rule_id = |index: usize| engine.rule_id(index).map_or(Ref::Text(""), Ref::Shared);
        let points = by_rule(engine, &ev, |r| r.points);
        self.earn(PoolId::Points, &points, EntryKind::Earn)?;
        for r in ev.results.iter().filter(|r| r.stamps > 0) {
            self.add_stamps(r.stamps, EntryKind::Earn, rule_id(r.rule))?;
        }
        let cashback_total = ev.cashback();
        // Most baskets earn no cashback (most programs have none): no list.
        if cashback_total > 0 {
            let cashback = by_rule(engine, &ev, |r| r.cashback);
            self.earn(PoolId::Wallet, &cashback, EntryKind::Earn)?;
        }
        if let Some(cap) = program
            .cashback
            .as_ref()
            .and_then(|c| c.max_per_period.as_ref())
        {
            if cashback_total > 0 {
                period::record(
                    &mut self.acc.usage,
                    "cashback",
                    period::key(cap.per, self.now),
                    cashback_total,
                );
            }
        }
        let cause = self.acc.profile.cause.clone();
        if let Some(cause) = &cause {
            for r in ev.results.iter().filter(|r| r.donation > 0) {
                self.donate(cause, r.donation, EntryKind::Donate);
            }
        }
        let mut vouchers = Vec::new();
        for r in &ev.results {
            if let Some(reward) = r.voucher {
                vouchers.push(self.issue_voucher(reward, None, EntryKind::Earn)?);
            }
        }
        for r in &ev.results {
            if let Some((limit, key)) = engine
                .compiled()
                .rule(r.rule)
                .and_then(|p| p.limit.as_ref())
            {
                period::record(
                    &mut self.acc.usage,
                    key,
                    period::key(limit.per, self.now),
                    1,
                );
            }
        }

        let spend = |l: &Valued<'_>| if l.eligible { l.base } else { 0 };
        let subtotal = i64::try_from(ev.subtotal()).unwrap_or(i64::MAX);
        let tier_bucket = self.qualify(subtotal, ev.points())?;
        self.acc.visits += 1;

        if let (Some(policy), Some(referrer)) = (&program.referral, &self.acc.profile.referrer) {
            let enough = policy
                .min_subtotal
                .is_none_or(|m| subtotal >= minor(self.engine, m.0));
            if !self.acc.referral_done && enough {
                self.out.effects.push(Effect::Referral {
                    referrer: referrer.clone(),
                    referred: self.acc.member.to_string(),
                });
                self.acc.referral_done = true;
            }
        }

        if program.returns.window_days > 0 {
            let tier_spend = program
                .tiers
                .as_ref()
                .is_some_and(|t| t.qualify_on == Qualifier::Spend);
            let mut records: Vec<LineRecord> = lines
                .iter()
                .map(|l| LineRecord {
                    quantity: l.line.quantity,
                    spend: if tier_spend { spend(l) } else { 0 },
                    ..LineRecord::default()
                })
                .collect();
            // What each line earned: the results' shares added up.
            for (asset, shares) in ev.shares() {
                for (record, &share) in records.iter_mut().zip(shares) {
                    match asset {
                        earn::Asset::Points => record.points += share,
                        earn::Asset::Stamps => record.stamps += share,
                        earn::Asset::Cashback => record.cashback += share,
                        earn::Asset::Donation if cause.is_some() => record.donation += share,
                        earn::Asset::Donation => {}
                    }
                }
            }
            self.journal.purchases.before_push(&self.acc.purchases);
            self.acc.purchases.push_back(PurchaseRecord {
                // The purchase's id is the event's: the outcome's copy, shared.
                id: Id::clone(&self.out.event),
                at: self.now,
                lines: records,
                visit_points: ev.results.iter().map(|r| r.visit_points).sum(),
                visit_stamps: ev.results.iter().map(|r| r.visit_stamps).sum(),
                redemptions: linked,
                tier_bucket,
                cause,
                vouchers,
            });
        }
        self.out.awards = awards;
        self.acc.last_activity_at = Some(self.now);
        Ok(())
    }

    /// Give `amount` (minor units) to `cause`.
    pub(crate) fn donate(&mut self, cause: &str, amount: i64, kind: EntryKind) {
        match self.acc.donations.iter_mut().find(|d| d.cause == cause) {
            Some(total) => total.amount += amount,
            None => self.acc.donations.push(crate::account::CauseTotal {
                cause: cause.to_owned(),
                amount,
            }),
        }
        self.acc.donations.retain(|d| d.amount != 0);
        self.entry(Asset::Donations, kind, amount, Some(cause));
    }

    pub(crate) fn return_lines(&mut self, r: &Return) -> Result<(), Error> {
        let program = self.engine.program();
        let window = program.returns.window_days;
        let Some(at) = self.acc.purchases.iter().position(|p| *p.id == *r.purchase) else {
            return Err(Error::rule(
                "unknown_purchase",
                "purchase",
                format!(
                    "purchase `{}` is unknown or outside the {window}-day return window",
                    r.purchase
                ),
            ));
        };
        let rounding = program.points.rounding;
        self.journal.purchases.touch_from(&self.acc.purchases, at);
        let Some(record) = self.acc.purchases.get_mut(at) else {
            return Ok(());
        };
        let mut units = vec![0_u32; record.lines.len()];
        match &r.lines {
            None => {
                for (u, l) in units.iter_mut().zip(&record.lines) {
                    *u = l.quantity - l.returned;
                }
                if units.iter().all(|u| *u == 0) {
                    return Err(Error::rule(
                        "already_returned",
                        "purchase",
                        format!("purchase `{}` was already returned in full", r.purchase),
                    ));
                }
            }
            Some(lines) => {
                for (i, l) in lines.iter().enumerate() {
                    let idx = usize::try_from(l.line).unwrap_or(usize::MAX);
                    let (Some(u), Some(rec)) = (units.get_mut(idx), record.lines.get(idx)) else {
                        return Err(Error::rule(
                            "unknown_line",
                            format!("lines[{i}].line"),
                            format!(
                                "purchase `{}` has no line {} (it has {})",
                                r.purchase,
                                l.line,
                                record.lines.len()
                            ),
                        ));
                    };
                    *u = u.saturating_add(l.quantity);
                    let left = rec.quantity - rec.returned;
                    if *u > left {
                        return Err(Error::rule(
                            "return_exceeds_purchase",
                            format!("lines[{i}].quantity"),
                            format!(
                                "line {} of purchase `{}` has {left} unit(s) not yet returned",
                                l.line, r.purchase
                            ),
                        ));
                    }
                }
            }
        }
        let mut back = Back::default();
        for (rec, &u) in record.lines.iter_mut().zip(&units) {
            if u == 0 {
                continue;
            }
            rec.returned += u;
            let (returned, quantity) = (rec.returned, rec.quantity);
            let share = |earned: i64, already: i64| -> i64 {
                let target = if returned == quantity {
                    earned
                } else {
                    let exact =
                        Decimal::from(earned) * Decimal::from(returned) / Decimal::from(quantity);
                    rounding.whole(exact).unwrap_or(earned).clamp(0, earned)
                };
                (target - already).max(0)
            };
            let b = Back {
                points: share(rec.points, rec.points_back),
                stamps: share(rec.stamps, rec.stamps_back),
                cashback: share(rec.cashback, rec.cashback_back),
                donation: share(rec.donation, rec.donation_back),
                spend: share(rec.spend, rec.spend_back),
            };
            rec.points_back += b.points;
            rec.stamps_back += b.stamps;
            rec.cashback_back += b.cashback;
            rec.donation_back += b.donation;
            rec.spend_back += b.spend;
            back.add(&b);
        }
        let full = record.fully_returned();
        let (mut restore, mut revoke) = (Vec::new(), Vec::new());
        if full {
            back.points += std::mem::take(&mut record.visit_points);
            back.stamps += std::mem::take(&mut record.visit_stamps);
            restore = std::mem::take(&mut record.redemptions);
            revoke = std::mem::take(&mut record.vouchers);
        }
        let (earned_at, bucket, cause) = (record.at, record.tier_bucket, record.cause.clone());
        let reference = r.purchase.clone();
        self.take_back(PoolId::Points, back.points, &reference, earned_at);
        if back.stamps > 0 {
            self.acc.stamps.count -= back.stamps;
            self.entry(
                Asset::Stamps,
                EntryKind::Clawback,
                -back.stamps,
                Some(&reference),
            );
        }
        self.take_back(PoolId::Wallet, back.cashback, &reference, earned_at);
        if let (Some(cause), true) = (&cause, back.donation > 0) {
            self.donate(cause, -back.donation, EntryKind::Clawback);
        }
        if let (Some(bucket), Some(tiers)) = (bucket, &program.tiers) {
            let less = match tiers.qualify_on {
                Qualifier::Spend => back.spend,
                Qualifier::Points => back.points,
                Qualifier::Visits => i64::from(full),
            };
            self.unqualify(bucket, less);
        }
        for id in revoke {
            if let Some(i) = self.acc.vouchers.iter().position(|v| v.id == id) {
                self.journal.vouchers.before_any(&self.acc.vouchers);
                self.acc.vouchers.remove(i);
                self.entry(Asset::Vouchers, EntryKind::Clawback, -1, Some(&id));
            }
        }
        if program.returns.restore_rewards {
            for redemption in restore {
                self.restore(redemption)?;
            }
        }
        Ok(())
    }

    /// Give back the cost of a reward redeemed on a fully returned purchase.
    fn restore(&mut self, r: Redemption) -> Result<(), Error> {
        if r.points > 0 {
            self.earn(
                PoolId::Points,
                &[(Ref::Text(&r.reward), r.points)],
                EntryKind::Restore,
            )?;
        }
        if r.wallet > 0 {
            self.earn(
                PoolId::Wallet,
                &[(Ref::Text(&r.reward), r.wallet)],
                EntryKind::Restore,
            )?;
        }
        if let Some(v) = r.voucher {
            if v.expires_at.is_none_or(|t| t > self.now) {
                self.entry(Asset::Vouchers, EntryKind::Restore, 1, Some(&v.id));
                self.put_voucher(v);
            }
        }
        Ok(())
    }
}

/// What a return takes back.
#[derive(Default)]
struct Back {
    points: i64,
    stamps: i64,
    cashback: i64,
    donation: i64,
    spend: i64,
}

impl Back {
    fn add(&mut self, o: &Back) {
        self.points += o.points;
        self.stamps += o.stamps;
        self.cashback += o.cashback;
        self.donation += o.donation;
        self.spend += o.spend;
    }
}

/// What each rule of `ev` gave of one asset (`given`), with the rule's
/// shared id: a pool's earning entries. Past the list's inline room, room
/// for every result is made at once (as `earn::evaluate` does for the
/// results): a large program's many results would otherwise grow the
/// list by doubling, copying it each time.
#[inline]
fn by_rule<'e>(
    engine: &'e Engine,
    ev: &Evaluation<'_>,
    given: impl Fn(&earn::Result<'_>) -> i64,
) -> few![(Ref<'e>, i64); 6] {
    let mut parts: few![(Ref<'e>, i64); 6] = Default::default();
    if ev.results.len() > parts.capacity() {
        parts.reserve(ev.results.len());
    }
    parts.extend(ev.results.iter().filter(|r| given(r) > 0).map(|r| {
        let id = engine.rule_id(r.rule).map_or(Ref::Text(""), Ref::Shared);
        (id, given(r))
    }));
    parts
}
