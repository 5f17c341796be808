//! Balances held as lots: points, and the cashback wallet (in minor units).
//!
//! Both work the same way. Earnings are lots (pending for a while, then
//! spendable); spending takes the oldest spendable lots first; returns take
//! back from the purchase's own lot first, then the newest lots, and what is
//! missing becomes a debt or a negative balance by the program's shortfall
//! policy; new spendable money repays debt first. Only points expire.

use std::collections::VecDeque;

use crate::account::{Lot, Points};
use crate::error::{Document, Error};
use crate::limits::MAX_POINTS;
use crate::outcome::{Asset, EntryKind};
use crate::program::{Expiry, Shortfall};
use crate::time::Timestamp;

use super::{Ref, Tx};

/// Which balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PoolId {
    /// Points.
    Points,
    /// Cashback wallet, minor units.
    Wallet,
}

impl PoolId {
    pub(crate) fn available(self) -> Asset {
        match self {
            PoolId::Points => Asset::Points,
            PoolId::Wallet => Asset::Wallet,
        }
    }

    pub(crate) fn pending(self) -> Asset {
        match self {
            PoolId::Points => Asset::Pending,
            PoolId::Wallet => Asset::WalletPending,
        }
    }

    pub(crate) fn reserved(self) -> Asset {
        match self {
            PoolId::Points => Asset::Reserved,
            PoolId::Wallet => Asset::WalletReserved,
        }
    }

    fn debt(self) -> Asset {
        match self {
            PoolId::Points => Asset::Debt,
            PoolId::Wallet => Asset::WalletDebt,
        }
    }

    fn name(self) -> &'static str {
        match self {
            PoolId::Points => "points",
            PoolId::Wallet => "wallet",
        }
    }
}

/// Merge neighbouring spendable lots that expire together.
pub(crate) fn coalesce(lots: &mut VecDeque<Lot>) {
    let mut merged: VecDeque<Lot> = VecDeque::with_capacity(lots.len());
    for lot in lots.drain(..) {
        match merged.back_mut() {
            Some(last)
                if !last.is_pending() && !lot.is_pending() && last.expires_at == lot.expires_at =>
            {
                last.points += lot.points
            }
            _ => merged.push_back(lot),
        }
    }
    *lots = merged;
}

impl Tx<'_, '_> {
    /// The pool and the undo record of its lots.
    fn journaled(&mut self, id: PoolId) -> (&mut super::journal::Journal<Lot>, &mut Points) {
        match id {
            PoolId::Points => (&mut self.journal.points, &mut self.acc.points),
            PoolId::Wallet => (&mut self.journal.wallet, &mut self.acc.wallet),
        }
    }

    /// The pool's lots, about to be changed anywhere (saved for undo first).
    fn lots_to_change(&mut self, id: PoolId) -> &mut VecDeque<Lot> {
        let (journal, pool) = self.journaled(id);
        journal.before_any(&pool.lots);
        &mut pool.lots
    }

    pub(crate) fn pool(&mut self, id: PoolId) -> &mut Points {
        match id {
            PoolId::Points => &mut self.acc.points,
            PoolId::Wallet => &mut self.acc.wallet,
        }
    }

    fn pending_days(&self, id: PoolId) -> u32 {
        match id {
            PoolId::Points => self.engine.program().points.pending_days,
            PoolId::Wallet => self
                .engine
                .program()
                .cashback
                .as_ref()
                .map_or(0, |c| c.pending_days),
        }
    }

    fn lot_expiry(&self, id: PoolId, earned: Timestamp) -> Option<Timestamp> {
        match id {
            PoolId::Points => self.engine.lot_expiry(earned),
            PoolId::Wallet => None,
        }
    }

    /// Pending lots whose time has come become spendable.
    pub(crate) fn vest(&mut self, id: PoolId) {
        let now = self.now;
        let due = |l: &Lot| l.available_at.is_some_and(|t| t <= now);
        if self.pool(id).pending == 0 || !self.pool(id).lots.iter().any(due) {
            return;
        }
        self.lots_to_change(id);
        let mut i = 0;
        while i < self.pool(id).lots.len() {
            let due = self
                .pool(id)
                .lots
                .get(i)
                .and_then(|l| l.available_at)
                .is_some_and(|t| t <= now);
            if !due {
                i += 1;
                continue;
            }
            let amount = self.pool(id).lots.get(i).map_or(0, |l| l.points);
            self.pool(id).pending -= amount;
            self.entry(id.pending(), EntryKind::Vest, -amount, None);
            let kept = self.credit_available(id, amount, EntryKind::Vest, None);
            if let Some(lot) = self.pool(id).lots.get_mut(i) {
                lot.available_at = None;
                lot.points = kept;
            }
            if kept == 0 {
                self.pool(id).lots.remove(i);
            } else {
                i += 1;
            }
        }
        coalesce(&mut self.pool(id).lots);
    }

    /// Points lots at or past their expiry instant (or all of them after
    /// the inactivity period) expire.
    pub(crate) fn expire_lots(&mut self) {
        let now = self.now;
        let inactive = match (
            &self.engine.program().points.expiry,
            self.acc.last_activity_at,
        ) {
            (Some(Expiry::Inactivity { days }), Some(last)) => last.plus_days(*days) <= now,
            _ => false,
        };
        let expired = |lot: &Lot| inactive || lot.expires_at.is_some_and(|t| t <= now);
        // Lots are kept in earning order, and a lot's expiry depends only on
        // when it was earned (rolling, fixed date) or on the whole account
        // (inactivity), so the expired lots are always a prefix: finding them
        // costs what expires, not what the account holds, and the journal
        // undoes dropping them cheaply.
        let lots = &self.acc.points.lots;
        let prefix = super::journal::prefix(lots, expired);
        if prefix == 0 {
            return;
        }
        let (mut available, mut pending) = (0, 0);
        for lot in lots.iter().take(prefix) {
            if lot.is_pending() {
                pending += lot.points;
            } else {
                available += lot.points;
            }
        }
        self.journal
            .points
            .drop_front(&mut self.acc.points.lots, prefix);
        self.acc.points.balance -= available;
        self.acc.points.pending -= pending;
        self.entry(Asset::Points, EntryKind::Expire, -available, None);
        self.entry(Asset::Pending, EntryKind::Expire, -pending, None);
    }

    /// Add `amount` to the spendable balance, repaying debt first. Returns
    /// how much of it the new lot keeps (what neither repaid debt nor filled
    /// a negative balance).
    pub(crate) fn credit_available(
        &mut self,
        id: PoolId,
        amount: i64,
        kind: EntryKind,
        reference: Option<Ref<'_>>,
    ) -> i64 {
        let pool = self.pool(id);
        let before = pool.balance;
        pool.balance += amount;
        let repaid = amount.min(pool.debt);
        pool.debt -= repaid;
        pool.balance -= repaid;
        self.entry_ref(id.available(), kind, amount, reference);
        if repaid > 0 {
            self.entry_ref(id.available(), EntryKind::DebtRepaid, -repaid, reference);
            self.entry_ref(id.debt(), EntryKind::DebtRepaid, -repaid, reference);
        }
        let rest = amount - repaid;
        rest - rest.min((-before).max(0))
    }

    /// Earn now: one ledger entry per part, one lot for the total. Rule
    /// earnings (`kind` = earn) are pending for the pool's pending period;
    /// everything else (restores, adjustments, referral rewards) is
    /// spendable at once.
    pub(crate) fn earn(
        &mut self,
        id: PoolId,
        parts: &[(Ref<'_>, i64)],
        kind: EntryKind,
    ) -> Result<(), Error> {
        let total: i64 = parts.iter().map(|(_, p)| *p).sum();
        if total <= 0 {
            return Ok(());
        }
        let pool = self.pool(id);
        let limit = pool
            .balance
            .max(0)
            .checked_add(pool.pending)
            .and_then(|x| x.checked_add(total));
        if limit.is_none_or(|x| x > MAX_POINTS) {
            return Err(Error::limit(
                Document::Account,
                id.name(),
                format!("would exceed {MAX_POINTS}"),
            ));
        }
        // An entry per part: room for them at once (a large program's
        // many rules would otherwise grow the ledger by doubling).
        self.out.ledger.reserve(parts.len());
        let now = self.now;
        let expires_at = self.lot_expiry(id, now);
        let pending_days = if kind == EntryKind::Earn {
            self.pending_days(id)
        } else {
            0
        };
        if pending_days > 0 {
            for (reference, p) in parts {
                self.entry_ref(id.pending(), kind, *p, Some(*reference));
            }
            self.pool(id).pending += total;
            self.push_lot(
                id,
                Lot {
                    points: total,
                    earned_at: now,
                    available_at: Some(now.plus_days(pending_days)),
                    expires_at,
                },
            );
        } else {
            let mut kept = 0;
            for (reference, p) in parts {
                kept += self.credit_available(id, *p, kind, Some(*reference));
            }
            self.push_lot(
                id,
                Lot {
                    points: kept,
                    earned_at: now,
                    available_at: None,
                    expires_at,
                },
            );
        }
        Ok(())
    }

    fn push_lot(&mut self, id: PoolId, lot: Lot) {
        if lot.points <= 0 {
            return;
        }
        let (journal, pool) = self.journaled(id);
        let lots = &mut pool.lots;
        let merges = lots.back().is_some_and(|last| {
            last.available_at == lot.available_at && last.expires_at == lot.expires_at
        });
        // Only a merge changes a lot the journal may have to put back. A
        // push leaves every lot as it was, so the journal saves none: that
        // is nearly every purchase, as a lot vests and expires at instants
        // that follow from when it was earned (only a fixed expiry date
        // without pending days merges the lots of different instants).
        // Saving the last lot anyway cost some 100 instructions a pool.
        if merges {
            journal.before_append(lots);
            if let Some(last) = lots.back_mut() {
                last.points += lot.points;
            }
        } else {
            journal.before_push(lots);
            lots.push_back(lot);
        }
    }

    /// Take `amount` spendable, oldest lots first. The caller checked the balance.
    ///
    /// When no pending lot comes first (always, without pending days), the
    /// lots taken are a prefix: they are dropped from the front and the one
    /// taken in part is put back in front, so the undo record holds only
    /// those lots.
    pub(crate) fn take_oldest(&mut self, id: PoolId, amount: i64) -> Vec<Lot> {
        let mut taken = Vec::new();
        if amount <= 0 {
            self.pool(id).balance -= amount;
            return taken;
        }
        let (journal, pool) = self.journaled(id);
        // How many lots from the front pay for `amount`.
        let (mut left, mut count, mut prefix) = (amount, 0, true);
        for lot in &pool.lots {
            if left == 0 {
                break;
            }
            if lot.is_pending() {
                prefix = false;
                break;
            }
            left -= lot.points.min(left);
            count += 1;
        }
        if prefix {
            taken.extend(pool.lots.iter().take(count).cloned());
            journal.drop_front(&mut pool.lots, count);
            // The last lot may be taken only in part: the rest stays in front.
            let over = taken.iter().map(|l| l.points).sum::<i64>() - (amount - left);
            if let Some(last) = taken.last_mut().filter(|_| over > 0) {
                last.points -= over;
                let rest = Lot {
                    points: over,
                    ..*last
                };
                journal.push_front(&mut pool.lots, rest);
            }
            pool.balance -= amount;
            return taken;
        }
        let mut left = amount;
        journal.before_any(&pool.lots);
        let mut i = 0;
        while left > 0 && i < pool.lots.len() {
            let Some(lot) = pool.lots.get_mut(i) else {
                break;
            };
            if lot.is_pending() {
                i += 1;
                continue;
            }
            let t = lot.points.min(left);
            lot.points -= t;
            left -= t;
            taken.push(Lot { points: t, ..*lot });
            if lot.points == 0 {
                pool.lots.remove(i);
            } else {
                i += 1;
            }
        }
        pool.balance -= amount;
        taken
    }

    /// Refuse unless `needed` is spendable. `what` is only written into
    /// the error (a redemption names its reward with `format_args!`, which
    /// makes no string unless it is refused).
    pub(crate) fn require(
        &mut self,
        id: PoolId,
        needed: i64,
        path: &str,
        what: impl std::fmt::Display,
    ) -> Result<(), Error> {
        let available = self.pool(id).balance;
        if available >= needed {
            return Ok(());
        }
        Err(match id {
            PoolId::Points => Error::rule(
                "insufficient_points",
                path,
                format!(
                    "{what} needs {needed} points; {} are available",
                    available.max(0)
                ),
            ),
            PoolId::Wallet => {
                let money = |m: i64| self.engine.money(m);
                Error::rule(
                    "insufficient_wallet",
                    path,
                    format!(
                        "{what} needs {} from the wallet; {} is available",
                        money(needed),
                        money(available.max(0))
                    ),
                )
            }
        })
    }

    /// Take back `amount` for a return: first from the lot the purchase
    /// created (earned at `earned_at`), then newest lots first (pending ones
    /// included), then by the program's shortfall policy.
    pub(crate) fn take_back(
        &mut self,
        id: PoolId,
        amount: i64,
        reference: &str,
        earned_at: Timestamp,
    ) {
        if amount <= 0 {
            return;
        }
        let mut left = amount;
        let (mut from_pending, mut from_available) = (0, 0);
        let (journal, pool) = self.journaled(id);
        let lots = &mut pool.lots;
        // The lots touched are the purchase's own and the newest ones: the
        // undo record saves from the lowest of them to the end.
        let own = lots.iter().rposition(|l| l.earned_at == earned_at);
        let order = own
            .into_iter()
            .chain((0..lots.len()).rev().filter(move |i| Some(*i) != own));
        let mut lowest = lots.len();
        for i in order {
            journal.touch_from(lots, i);
            lowest = lowest.min(i);
            let Some(lot) = lots.get_mut(i) else { continue };
            let t = lot.points.min(left);
            lot.points -= t;
            left -= t;
            if lot.is_pending() {
                from_pending += t;
            } else {
                from_available += t;
            }
            if left == 0 {
                break;
            }
        }
        let mut i = lowest;
        while i < lots.len() {
            if lots.get(i).is_some_and(|l| l.points <= 0) {
                lots.remove(i);
            } else {
                i += 1;
            }
        }
        let pool = self.pool(id);
        pool.pending -= from_pending;
        pool.balance -= from_available;
        self.entry(
            id.pending(),
            EntryKind::Clawback,
            -from_pending,
            Some(reference),
        );
        self.entry(
            id.available(),
            EntryKind::Clawback,
            -from_available,
            Some(reference),
        );
        if left > 0 {
            match self.engine.shortfall() {
                Shortfall::Debt => {
                    self.pool(id).debt += left;
                    self.entry(id.debt(), EntryKind::DebtIncurred, left, Some(reference));
                }
                Shortfall::NegativeBalance => {
                    self.pool(id).balance -= left;
                    self.entry(id.available(), EntryKind::Clawback, -left, Some(reference));
                }
            }
        }
    }

    /// Give back held lots (a released reservation): spendable again as
    /// they were, after repaying any debt incurred meanwhile.
    pub(crate) fn restore_lots(
        &mut self,
        id: PoolId,
        amount: i64,
        lots: Vec<Lot>,
        reference: &str,
    ) {
        if amount <= 0 {
            return;
        }
        self.pool(id).reserved -= amount;
        self.entry(id.reserved(), EntryKind::Release, -amount, Some(reference));
        let kept =
            self.credit_available(id, amount, EntryKind::Release, Some(Ref::Text(reference)));
        let mut cut = amount - kept;
        self.lots_to_change(id);
        let pool = self.pool(id);
        for mut lot in lots {
            let c = cut.min(lot.points);
            lot.points -= c;
            cut -= c;
            if lot.points > 0 {
                let at = pool.lots.partition_point(|l| l.earned_at <= lot.earned_at);
                pool.lots.insert(at, lot);
            }
        }
        coalesce(&mut pool.lots);
    }
}
