//! Redemption: one-phase (`redeem`), or two-phase for tills (`reserve`,
//! then `commit` after payment or `release` if payment fails; a reservation
//! not settled within the program's minutes is released by time).
//!
//! A reservation holds exactly what the reward costs (points and the lots
//! they came from, a voucher, wallet money, an allowance unit), so a release
//! puts everything back as it was and a commit can never spend twice.

use crate::account::{Redemption, Reservation, Usage};
use crate::basket::{minor, Valued};
use crate::error::Error;
use crate::event::{Redeem, Settle};
use crate::id::Id;
use crate::outcome::{Asset, EntryKind, ReservationInfo};
use crate::period;
use crate::program::{AllowancePeriod, Benefit, Cost, Reward};
use crate::rewards::{discounts, payable};

use super::member::plan_in_force;
use super::{PoolId, Ref, Tx};

impl Tx<'_, '_> {
    fn check_tier(&self, reward: &Reward) -> Result<(), Error> {
        if reward.tiers.is_empty() {
            return Ok(());
        }
        let level = self.acc.tier.as_ref().and_then(|t| t.level.as_deref());
        if level.is_some_and(|l| reward.tiers.iter().any(|t| t == l)) {
            return Ok(());
        }
        Err(Error::rule(
            "tier_required",
            "reward",
            format!(
                "reward `{}` is for members of tier {}",
                reward.id,
                reward.tiers.join(", ")
            ),
        ))
    }

    /// The allowance counter a redemption of `reward` uses: (key, period, units per period).
    fn allowance(&self, reward: &Reward) -> Result<Option<Usage>, Error> {
        let Cost::Allowance { plan, units, per } = &reward.cost else {
            return Ok(None);
        };
        if plan_in_force(self.engine, self.acc, self.now) != Some(plan.as_str()) {
            return Err(Error::rule(
                "plan_required",
                "reward",
                format!("reward `{}` needs the plan `{plan}` in force", reward.id),
            ));
        }
        let key = format!("allowance:{}", reward.id);
        let p = match per {
            AllowancePeriod::Day => period::key(crate::program::Period::Day, self.now),
            AllowancePeriod::Week => period::key(crate::program::Period::Week, self.now),
            AllowancePeriod::Period => self
                .acc
                .subscription
                .as_ref()
                .map_or(0, |s| s.period_start.unix_seconds()),
        };
        let used = period::used(&self.acc.usage, &key, p);
        if used >= i64::from(*units) {
            return Err(Error::rule(
                "allowance_used_up",
                "reward",
                format!(
                    "the {units} unit(s) of `{}` for this period are used up",
                    reward.id
                ),
            ));
        }
        Ok(Some(Usage {
            key,
            period: p,
            used: 1,
        }))
    }

    /// A redemption, its `lines` (the basket) already checked and valued.
    pub(crate) fn redeem(
        &mut self,
        r: &Redeem,
        lines: &[Valued<'_>],
        reserve: bool,
    ) -> Result<(), Error> {
        let engine = self.engine;
        let (reward, reward_id) = engine.reward_with_id(&r.reward).ok_or_else(|| {
            Error::rule(
                "unknown_reward",
                "reward",
                format!("`{}` is not a reward of this program", r.reward),
            )
        })?;
        self.check_tier(reward)?;
        let wallet = if reward.cost == Cost::Wallet {
            if self.acc.wallet.balance <= 0 {
                return Err(Error::rule(
                    "insufficient_wallet",
                    "reward",
                    "the wallet has no spendable money",
                ));
            }
            let most = payable(lines).min(self.acc.wallet.balance.max(0));
            let wanted = r.amount.map_or(most, |a| minor(engine, a.0));
            self.require(
                PoolId::Wallet,
                wanted,
                "amount",
                format_args!("reward `{}`", reward.id),
            )?;
            if wanted > payable(lines) {
                return Err(Error::rule(
                    "amount_exceeds_basket",
                    "amount",
                    "the wallet payment is more than the eligible basket",
                ));
            }
            wanted
        } else {
            0
        };
        if matches!(reward.benefit, Benefit::Donation { .. }) && self.acc.profile.cause.is_none() {
            return Err(Error::rule(
                "no_cause",
                "reward",
                "the member has not chosen a cause to donate to",
            ));
        }
        // Written over the outcome's list, which keeps its room.
        let mut given = std::mem::take(&mut self.out.discounts);
        discounts(engine, (reward, reward_id), lines, wallet, &mut given)?;
        let allowance = self.allowance(reward)?;
        // What the redemption takes, kept here and put in a reservation or
        // a redemption record at the end: making both up front cost four
        // strings a redemption, two of them always thrown away.
        let (mut points_held, mut lots_held, mut voucher_held) = (0, vec![], None);
        let (mut wallet_held, mut wallet_lots_held) = (0, vec![]);
        match &reward.cost {
            Cost::Points { points } => {
                let points = i64::from(*points);
                self.require(
                    PoolId::Points,
                    points,
                    "reward",
                    format_args!("reward `{}`", reward.id),
                )?;
                let lots = self.take_oldest(PoolId::Points, points);
                if reserve {
                    self.hold(PoolId::Points, points, &r.id);
                    lots_held = lots;
                } else {
                    let id = Some(Ref::Shared(reward_id));
                    self.entry_ref(Asset::Points, EntryKind::Redeem, -points, id);
                }
                points_held = points;
            }
            Cost::Wallet => {
                let lots = self.take_oldest(PoolId::Wallet, wallet);
                if reserve {
                    self.hold(PoolId::Wallet, wallet, &r.id);
                    wallet_lots_held = lots;
                } else {
                    let id = Some(Ref::Shared(reward_id));
                    self.entry_ref(Asset::Wallet, EntryKind::Redeem, -wallet, id);
                }
                wallet_held = wallet;
            }
            Cost::Voucher => {
                let at = match &r.voucher {
                    Some(id) => {
                        let at = self
                            .acc
                            .vouchers
                            .iter()
                            .position(|v| v.id == *id)
                            .ok_or_else(|| {
                                Error::rule(
                                    "unknown_voucher",
                                    "voucher",
                                    format!("voucher `{id}` is not held by this member"),
                                )
                            })?;
                        if self
                            .acc
                            .vouchers
                            .get(at)
                            .is_some_and(|v| v.reward != reward.id)
                        {
                            return Err(Error::rule(
                                "voucher_mismatch",
                                "voucher",
                                format!("voucher `{id}` is not for reward `{}`", reward.id),
                            ));
                        }
                        at
                    }
                    None => self
                        .acc
                        .vouchers
                        .iter()
                        .position(|v| v.reward == reward.id)
                        .ok_or_else(|| {
                            Error::rule(
                                "no_voucher",
                                "reward",
                                format!("the member holds no voucher for reward `{}`", reward.id),
                            )
                        })?,
                };
                self.journal.vouchers.before_any(&self.acc.vouchers);
                // `at` was just found, so the voucher is there.
                if let Some(voucher) = self.acc.vouchers.remove(at) {
                    if reserve {
                        self.entry(Asset::Vouchers, EntryKind::Reserve, -1, Some(&voucher.id));
                        self.entry(
                            Asset::ReservedVouchers,
                            EntryKind::Reserve,
                            1,
                            Some(&voucher.id),
                        );
                    } else {
                        self.entry(Asset::Vouchers, EntryKind::Redeem, -1, Some(&voucher.id));
                    }
                    voucher_held = Some(voucher);
                }
            }
            Cost::Allowance { .. } => {}
        }
        if let Some(a) = &allowance {
            period::record(&mut self.acc.usage, &a.key, a.period, 1);
        }
        self.out.discounts = given;
        if reserve {
            let expires_at = self
                .now
                .plus_minutes(engine.program().redemption.reservation_minutes);
            self.out.reservation = Some(ReservationInfo {
                id: str::to_owned(&r.id),
                expires_at,
            });
            self.acc.reservations.push(Reservation {
                id: r.id.clone(),
                reward: Id::from(reward.id.as_str()),
                expires_at,
                points: points_held,
                lots: lots_held,
                voucher: voucher_held,
                wallet: wallet_held,
                wallet_lots: wallet_lots_held,
                allowance,
            });
        } else {
            self.settle_benefit(reward)?;
            let at = self.now;
            self.remember_redemption(|| Redemption {
                id: r.id.clone(),
                at,
                reward: Id::from(reward.id.as_str()),
                points: points_held,
                voucher: voucher_held,
                wallet: wallet_held,
            });
        }
        self.acc.last_activity_at = Some(self.now);
        Ok(())
    }

    /// Move spendable money into the reserved balance.
    fn hold(&mut self, id: PoolId, amount: i64, reservation: &str) {
        self.entry(
            id.available(),
            EntryKind::Reserve,
            -amount,
            Some(reservation),
        );
        self.entry(id.reserved(), EntryKind::Reserve, amount, Some(reservation));
        self.pool(id).reserved += amount;
    }

    /// Benefits that act on the account rather than on the basket.
    fn settle_benefit(&mut self, reward: &Reward) -> Result<(), Error> {
        if let Benefit::Donation { amount } = &reward.benefit {
            let cause = self.acc.profile.cause.clone().ok_or_else(|| {
                Error::rule(
                    "no_cause",
                    "reward",
                    "the member has not chosen a cause to donate to",
                )
            })?;
            let amount = minor(self.engine, amount.0);
            self.donate(&cause, amount, EntryKind::Donate);
        }
        Ok(())
    }

    /// Keep the redemption `made` makes for a return, when returns are on
    /// (made only then).
    fn remember_redemption(&mut self, made: impl FnOnce() -> Redemption) {
        if self.engine.program().returns.window_days > 0 {
            self.journal.redemptions.before_push(&self.acc.redemptions);
            let r = made();
            self.acc.redemptions.push_back(r);
        }
    }

    fn take_reservation(&mut self, s: &Settle) -> Result<Reservation, Error> {
        let at = self
            .acc
            .reservations
            .iter()
            .position(|r| r.id == s.reservation)
            .ok_or_else(|| {
                Error::rule(
                    "unknown_reservation",
                    "reservation",
                    format!(
                        "reservation `{}` is not open (unknown, expired, committed or released)",
                        s.reservation
                    ),
                )
            })?;
        Ok(self.acc.reservations.remove(at))
    }

    pub(crate) fn commit(&mut self, s: &Settle) -> Result<(), Error> {
        let r = self.take_reservation(s)?;
        self.acc.points.reserved -= r.points;
        self.entry(
            Asset::Reserved,
            EntryKind::Redeem,
            -r.points,
            Some(&r.reward),
        );
        self.acc.wallet.reserved -= r.wallet;
        self.entry(
            Asset::WalletReserved,
            EntryKind::Redeem,
            -r.wallet,
            Some(&r.reward),
        );
        if let Some(v) = &r.voucher {
            self.entry(Asset::ReservedVouchers, EntryKind::Redeem, -1, Some(&v.id));
        }
        if let Some(reward) = self.engine.reward(&r.reward) {
            self.settle_benefit(reward)?;
        }
        let at = self.now;
        self.remember_redemption(|| Redemption {
            id: r.id,
            at,
            reward: r.reward,
            points: r.points,
            voucher: r.voucher,
            wallet: r.wallet,
        });
        self.acc.last_activity_at = Some(self.now);
        Ok(())
    }

    pub(crate) fn release(&mut self, s: &Settle) -> Result<(), Error> {
        let r = self.take_reservation(s)?;
        self.give_back(r);
        self.expire_lots();
        Ok(())
    }

    /// Return what a reservation holds: its lots as they were, its voucher
    /// and its allowance unit.
    pub(crate) fn give_back(&mut self, r: Reservation) {
        self.restore_lots(PoolId::Points, r.points, r.lots, &r.id);
        self.restore_lots(PoolId::Wallet, r.wallet, r.wallet_lots, &r.id);
        if let Some(v) = r.voucher {
            self.entry(Asset::ReservedVouchers, EntryKind::Release, -1, Some(&v.id));
            self.entry(Asset::Vouchers, EntryKind::Release, 1, Some(&v.id));
            self.put_voucher(v);
        }
        if let Some(a) = r.allowance {
            if period::used(&self.acc.usage, &a.key, a.period) > 0 {
                period::record(&mut self.acc.usage, &a.key, a.period, -1);
            }
        }
    }
}
