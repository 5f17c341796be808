//! The stamp card and the vouchers it (and rules, tiers, birthdays,
//! referrals) issues.

use crate::account::Voucher;
use crate::error::{Document, Error};
use crate::id::Id;
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
            id: Id::from(voucher_id(&self.out.event, self.vouchers_issued)),
            reward: Id::from(reward),
            issued_at: self.now,
            expires_at,
        })
    }

    /// Give `voucher` to the member (its ledger entry refers to `id`, its
    /// id) and tell the outcome.
    fn hand_out(&mut self, voucher: Voucher, kind: EntryKind, id: Ref<'_>) {
        self.entry_ref(Asset::Vouchers, kind, 1, Some(id));
        self.put_voucher(voucher.clone());
        self.out.vouchers.push(voucher);
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
    ) -> Result<Id, Error> {
        let voucher = self.new_voucher(reward, expires_at)?;
        let id = voucher.id.clone();
        self.hand_out(voucher, kind, Ref::Text(&id));
        Ok(id)
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
            // Both ledger entries of the card refer to the voucher: one
            // shared copy of its id rather than one each.
            let id: Id = Id::from(voucher.id.as_str());
            self.entry_ref(
                Asset::Stamps,
                EntryKind::CardCompleted,
                -size,
                Some(Ref::Shared(&id)),
            );
            self.hand_out(voucher, EntryKind::CardCompleted, Ref::Shared(&id));
        }
        Ok(())
    }
}

/// `EVENT/N`, the id of the `n`th voucher of event `event`, written
/// directly: `format!` was half the cost of issuing a voucher.
fn voucher_id(event: &str, n: i64) -> String {
    let mut digits = [0_u8; 20];
    let mut len = 0;
    let mut rest = n.unsigned_abs();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
        len += 1;
        if rest == 0 {
            break;
        }
    }
    let digits = digits.get(digits.len() - len..).unwrap_or_default();
    let mut id = String::with_capacity(event.len() + 2 + len);
    id.push_str(event);
    id.push('/');
    if n < 0 {
        id.push('-');
    }
    id.extend(digits.iter().map(|&d| char::from(d)));
    id
}

#[cfg(test)]
mod tests {
    use super::voucher_id;

    #[test]
    fn voucher_id_is_formatted() {
        let edges = [0, 1, 9, 10, 99, 100, 101, 12_345, -1, -10];
        for n in edges.into_iter().chain([i64::MAX, i64::MIN]) {
            assert_eq!(voucher_id("m1/7", n), format!("m1/7/{n}"));
        }
        assert_eq!(voucher_id("", 3), "/3");
    }
}
