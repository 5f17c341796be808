//! The stamp card and the vouchers it (and rules, tiers, birthdays,
//! referrals) issues.

use crate::account::Voucher;
use crate::error::{Document, Error};
use crate::outcome::{Asset, EntryKind};
use crate::time::Timestamp;

use super::{Ref, Tx};

/// Most vouchers one event may issue.
const MAX_VOUCHERS_PER_EVENT: i64 = 100;

impl Tx<'_, '_> {
    /// A new voucher for `reward`, numbered after the event id.
    fn new_voucher(
        &mut self,
        reward: &str,
        expires_at: Option<Timestamp>,
    ) -> Result<Voucher, Error> {
        if self.vouchers_issued >= MAX_VOUCHERS_PER_EVENT {
            return Err(Error::limit(
                Document::Event,
                "",
                format!("the event would issue more than {MAX_VOUCHERS_PER_EVENT} vouchers"),
            ));
        }
        self.vouchers_issued += 1;
        Ok(Voucher {
            id: format!("{}/{}", self.out.event, self.vouchers_issued),
            reward: reward.to_owned(),
            issued_at: self.now,
            expires_at,
        })
    }

    fn hand_out(&mut self, voucher: Voucher, kind: EntryKind) -> String {
        self.entry(Asset::Vouchers, kind, 1, Some(&voucher.id));
        self.put_voucher(voucher.clone());
        let id = voucher.id.clone();
        self.out.vouchers.push(voucher);
        id
    }

    /// Put `v` among the member's vouchers in expiry order (see
    /// [`crate::Account::vouchers`]). A new voucher nearly always expires
    /// last and goes at the end.
    pub(crate) fn put_voucher(&mut self, v: Voucher) {
        let list = &self.acc.vouchers;
        let key = v.expiry_order();
        if list.back().is_none_or(|last| last.expiry_order() <= key) {
            self.journal.vouchers.before_push(list);
            self.acc.vouchers.push_back(v);
        } else {
            let at = list.partition_point(|x| x.expiry_order() <= key);
            self.journal.vouchers.touch_from(list, at);
            self.acc.vouchers.insert(at, v);
        }
    }

    /// Issue a voucher for `reward`; returns its id.
    pub(crate) fn issue_voucher(
        &mut self,
        reward: &str,
        expires_at: Option<Timestamp>,
        kind: EntryKind,
    ) -> Result<String, Error> {
        let voucher = self.new_voucher(reward, expires_at)?;
        Ok(self.hand_out(voucher, kind))
    }

    /// Add stamps to the card; every full card becomes a voucher, extra
    /// stamps carry over.
    pub(crate) fn add_stamps(
        &mut self,
        stamps: i64,
        kind: EntryKind,
        reference: Ref<'_>,
    ) -> Result<(), Error> {
        let engine = self.engine;
        let Some(card) = engine.program().stamps.as_ref() else {
            return Ok(());
        };
        if stamps <= 0 {
            return Ok(());
        }
        let (size, reward, days) = (i64::from(card.card_size), &card.reward, card.voucher_days);
        let count = self.acc.stamps.count + stamps;
        if count / size + self.vouchers_issued > MAX_VOUCHERS_PER_EVENT {
            return Err(Error::limit(
                Document::Event,
                "lines",
                format!("the event would issue more than {MAX_VOUCHERS_PER_EVENT} vouchers"),
            ));
        }
        self.acc.stamps.count = count;
        self.entry_ref(Asset::Stamps, kind, stamps, Some(reference));
        while self.acc.stamps.count >= size {
            self.acc.stamps.count -= size;
            self.acc.stamps.cards_completed += 1;
            let voucher = self.new_voucher(reward, days.map(|d| self.now.plus_days(d)))?;
            self.entry(
                Asset::Stamps,
                EntryKind::CardCompleted,
                -size,
                Some(&voucher.id),
            );
            self.hand_out(voucher, EntryKind::CardCompleted);
        }
        Ok(())
    }
}
