//! A seeded population of members with a year of history each, for the
//! replay benchmark.
//!
//! Member `m` is made from its own generator, so members can be generated
//! in parallel and in any order. Each enrols on a day of January 2026, then
//! visits 1 to 40 times (mean about 12) at gaps of 1 to 30 days at café
//! hours, buying a café basket. One visit in 12 redeems `five_off` on its
//! basket (refused unless the member has 100 points, as a real till would
//! see), and one purchase in 30 is returned in full the next day.

use loyalty_core::event::{Enrol, Purchase, Redeem, Return};
use loyalty_core::Event;

use crate::cafe::basket;
use crate::{at, Rng};

/// The replay's population size.
pub const MEMBERS: u64 = 1_000_000;

/// Member `m`'s events, in time order.
pub fn member(seed: u64, m: u64) -> Vec<Event> {
    let mut rng = Rng::at(seed, m);
    let name = format!("m{m}");
    let start = at("2026-01-01T00:00:00-05:00");
    let mut minutes = rng.range32(0, 30) * 1440 + rng.range32(7, 20) * 60;
    let visits = 1 + rng.range(0, 12) + rng.range(0, 12) + rng.range(0, 15);
    let mut events = Vec::with_capacity(usize::try_from(visits).unwrap_or(0) + 2);
    events.push(Event::Enrol(Enrol {
        id: format!("{name}/enrol").into(),
        time: start.plus_minutes(minutes),
        member: name.clone(),
        location: None,
        staff: None,
        channel: None,
        tags: vec![],
        birthday: None,
        cause: None,
        referrer: None,
    }));
    for v in 0..visits {
        minutes += 5 + rng.range32(0, 29) * 1440 + rng.range32(0, 600);
        let time = start.plus_minutes(minutes);
        let id = format!("{name}/{v}");
        let lines = basket(&mut rng);
        if rng.chance(83) {
            events.push(Event::Redeem(Redeem {
                id: id.into(),
                time,
                reward: "five_off".into(),
                voucher: None,
                amount: None,
                basket: lines,
            }));
            continue;
        }
        let returned = rng.chance(33);
        events.push(Event::Purchase(Purchase {
            id: id.as_str().into(),
            time,
            location: None,
            staff: None,
            channel: None,
            lines,
            redemptions: vec![],
        }));
        if returned {
            minutes += 1440;
            events.push(Event::Return(Return {
                id: format!("{id}/return").into(),
                time: start.plus_minutes(minutes),
                purchase: id,
                lines: None,
            }));
        }
    }
    events
}
