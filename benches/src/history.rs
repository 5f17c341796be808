//! A regular's long history, for the flat-history benchmark.
//!
//! The member enrols on 2026-01-01 and then comes every 8 hours (plus up to
//! 59 minutes) for as long as asked: a café basket each time; every 25th
//! event they redeem `five_off` (100 points) on that basket instead, and
//! every 40th event they return the purchase before it in full. Under the
//! café hybrid program this keeps every bounded part of the account full:
//! about a thousand points lots (a year of earnings, each expiring on its own
//! instant), a year of tier buckets, the 64 remembered event ids, a month of
//! purchases open to returns, and the redemptions of that month.

use loyalty_core::event::{Purchase, Redeem, Return};
use loyalty_core::{Account, Engine, Event};

use crate::cafe::basket;
use crate::{at, enrolled_at, feed, Rng};

/// The member of the history.
pub const MEMBER: &str = "regular";

/// Event `index` (1-based: 0 is the enrolment) of the regular's stream.
pub fn event(seed: u64, index: u64) -> Event {
    let mut rng = Rng::at(seed, index);
    let minutes = u32::try_from(index * 8 * 60 + rng.range(0, 59)).unwrap_or(u32::MAX);
    let time = at("2026-01-01T08:00:00-05:00").plus_minutes(minutes);
    let id = format!("h{index}");
    if index % 40 == 0 {
        return Event::Return(Return {
            id: id.into(),
            time,
            purchase: format!("h{}", index - 1),
            lines: None,
        });
    }
    let lines = basket(&mut rng);
    if index % 25 == 0 {
        return Event::Redeem(Redeem {
            id: id.into(),
            time,
            reward: "five_off".into(),
            voucher: None,
            amount: None,
            basket: lines,
        });
    }
    Event::Purchase(Purchase {
        id: id.into(),
        time,
        location: None,
        staff: None,
        channel: None,
        lines,
        redemptions: vec![],
    })
}

/// The regular's account after `events` events (the enrolment included),
/// and how many of them the engine refused (unaffordable redemptions,
/// returns of a redemption rather than a purchase).
pub fn account(engine: &Engine, seed: u64, events: u64) -> (Account, u64) {
    let mut account = enrolled_at(engine, MEMBER, "2026-01-01T07:00:00-05:00");
    let mut refused = 0;
    for i in 1..events {
        if !feed(engine, &mut account, &event(seed, i)) {
            refused += 1;
        }
    }
    (account, refused)
}

/// A copy of `account` as it would be after living in memory: `clone()`
/// leaves the lists no spare room, so the first event after it would pay
/// to grow a thousand-lot list, which an account kept in memory (lists
/// grown by doubling) or parsed from JSON does not pay on every event.
pub fn copy(account: &Account) -> Account {
    let mut a = account.clone();
    let room = usize::try_from(NEXT).unwrap_or(64);
    a.points.lots.reserve(room);
    a.wallet.lots.reserve(room);
    a.purchases.reserve(room);
    a.vouchers.reserve(room);
    a
}

/// How many events the benchmark times after a history: a whole cycle of
/// the regular's schedule (a return every 40th event, a redemption every
/// 25th), so every history length is measured on the same mix of work.
pub const NEXT: u64 = 40;

/// The [`NEXT`] events that follow `events` events: what the benchmark
/// times, applied in order, reported per event. Timing one event would
/// compare different baskets (one completing a stamp card, the other not)
/// rather than different histories.
pub fn next_events(seed: u64, events: u64) -> Vec<Event> {
    (events.max(1)..events.max(1) + NEXT)
        .map(|i| event(seed, i))
        .collect()
}
