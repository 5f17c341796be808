//! Bytes of an account in memory: the struct itself plus what its strings
//! and vectors hold on the heap (by capacity, so what the allocator was
//! asked for, without the allocator's own overhead).

use std::mem::size_of;

use loyalty_core::account::{LineRecord, Lot, PurchaseRecord, Redemption, Voucher};
use loyalty_core::Account;

fn string(s: &str) -> usize {
    s.len()
}

fn opt(s: Option<&String>) -> usize {
    s.map_or(0, |s| s.capacity())
}

/// An id (`loyalty_core::Id`): held inline up to 23 bytes, past that a
/// shared string, its bytes after the two reference counts (the account
/// may share it with the engine or other copies; counted whole here).
fn shared(s: &str) -> usize {
    if s.len() <= 23 {
        0
    } else {
        2 * size_of::<usize>() + s.len()
    }
}

fn vec<T>(v: &Vec<T>) -> usize {
    v.capacity() * size_of::<T>()
}

fn deque<T>(v: &std::collections::VecDeque<T>) -> usize {
    v.capacity() * size_of::<T>()
}

fn voucher(v: &Voucher) -> usize {
    shared(&v.id) + shared(&v.reward)
}

fn redemption(r: &Redemption) -> usize {
    shared(&r.id) + shared(&r.reward) + r.voucher.as_ref().map_or(0, voucher)
}

fn purchase(p: &PurchaseRecord) -> usize {
    shared(&p.id)
        + vec::<LineRecord>(&p.lines)
        + vec(&p.redemptions)
        + p.redemptions.iter().map(redemption).sum::<usize>()
        + opt(p.cause.as_ref())
        + vec(&p.vouchers)
        + p.vouchers.iter().map(|v| shared(v)).sum::<usize>()
}

/// Bytes of `account` in memory (struct and heap).
pub fn in_memory(account: &Account) -> usize {
    let a = account;
    size_of::<Account>()
        + shared(&a.member)
        + vec(&a.profile.tags)
        + a.profile.tags.iter().map(|t| string(t)).sum::<usize>()
        + opt(a.profile.birthday.as_ref())
        + opt(a.profile.cause.as_ref())
        + opt(a.profile.referrer.as_ref())
        + deque::<Lot>(&a.points.lots)
        + deque::<Lot>(&a.wallet.lots)
        + deque(&a.vouchers)
        + a.vouchers.iter().map(voucher).sum::<usize>()
        + vec(&a.reservations)
        + a.reservations
            .iter()
            .map(|r| shared(&r.id) + shared(&r.reward) + vec(&r.lots) + vec(&r.wallet_lots))
            .sum::<usize>()
        + deque(&a.redemptions)
        + a.redemptions.iter().map(redemption).sum::<usize>()
        + deque(&a.purchases)
        + a.purchases.iter().map(purchase).sum::<usize>()
        + a.tier.as_ref().map_or(0, |t| {
            t.level.as_deref().map_or(0, shared) + vec(&t.buckets)
        })
        + vec(&a.usage)
        + a.usage.iter().map(|u| u.key.capacity()).sum::<usize>()
        + a.subscription.as_ref().map_or(0, |s| s.plan.capacity())
        + vec(&a.donations)
        + a.donations
            .iter()
            .map(|d| d.cause.capacity())
            .sum::<usize>()
        + vec(&a.referrals)
        + a.referrals.iter().map(|r| r.capacity()).sum::<usize>()
        + vec(&a.messaging.sent)
        + vec(&a.recent_events)
        + a.recent_events.iter().map(|e| shared(&e.id)).sum::<usize>()
}
