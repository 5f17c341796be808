//! The café hybrid workload of issue 8.
//!
//! Purchase `i` of stream `seed` is made from its own generator
//! ([`Rng::at`]): member tier none/silver/gold, a weekday of the week of
//! Monday 2026-01-05 (UTC-5), local hour 6-21, 1-5 lines, category
//! coffee/tea/pastry/sandwich/merch, unit price 1.50-12.00 with two
//! decimals, quantity 1-3. All purchases fall in one week, so the tier of
//! the prepared accounts ([`accounts`]) holds for every one of them and each
//! purchase can be applied to a fresh copy of its account.

use loyalty_core::decimal::Dec;
use loyalty_core::event::{Line, Purchase};
use loyalty_core::{Account, Engine, Event};
use rust_decimal::Decimal;

use crate::{at, enrolled_at, feed, Rng};

/// The number of purchases in the workload.
pub const WORKLOAD: u64 = 1_000_000;

/// The seed of the published figures.
pub const SEED: u64 = 8;

/// The café categories.
pub const CATEGORIES: [&str; 5] = ["coffee", "tea", "pastry", "sandwich", "merch"];

/// A member's tier level before the purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Below silver.
    None,
    /// Silver (x1.25).
    Silver,
    /// Gold (x1.5).
    Gold,
}

impl Level {
    /// All levels, in the order of [`accounts`].
    pub const ALL: [Level; 3] = [Level::None, Level::Silver, Level::Gold];

    /// Position in [`Level::ALL`].
    pub fn index(self) -> usize {
        match self {
            Level::None => 0,
            Level::Silver => 1,
            Level::Gold => 2,
        }
    }
}

/// One generated purchase and the member's level.
#[derive(Clone, Debug)]
pub struct CafePurchase {
    /// The member's tier before the purchase.
    pub level: Level,
    /// The purchase.
    pub purchase: Purchase,
}

fn line(rng: &mut Rng) -> Line {
    let category = CATEGORIES
        .get(rng.range(0, 4) as usize)
        .copied()
        .unwrap_or("coffee");
    let cents = rng.range(150, 1200) as i64;
    Line {
        sku: format!("{category}-{}", cents % 7).into(),
        category: Some(category.into()),
        tags: vec![],
        quantity: rng.range32(1, 3),
        unit_price: Dec(Decimal::new(cents, 2)),
        discount: None,
        reward_discount: None,
    }
}

/// A café basket of 1-5 lines.
pub fn basket(rng: &mut Rng) -> Vec<Line> {
    (0..rng.range(1, 5)).map(|_| line(rng)).collect()
}

/// Purchase `index` of stream `seed`.
pub fn purchase(seed: u64, index: u64) -> CafePurchase {
    let mut rng = Rng::at(seed, index);
    let level = Level::ALL
        .get(rng.range(0, 2) as usize)
        .copied()
        .unwrap_or(Level::None);
    let day = rng.range32(0, 6);
    let hour = rng.range32(6, 21);
    let minute = rng.range32(0, 59);
    let time = at("2026-01-05T00:00:00-05:00").plus_minutes(day * 1440 + hour * 60 + minute);
    CafePurchase {
        level,
        purchase: Purchase {
            id: format!("p{index}").into(),
            time,
            location: None,
            staff: None,
            channel: None,
            lines: basket(&mut rng),
            redemptions: vec![],
        },
    }
}

/// Purchases `start..start + n` of stream `seed` (wrapping at [`WORKLOAD`]).
pub fn chunk(seed: u64, start: u64, n: u64) -> Vec<CafePurchase> {
    (start..start + n)
        .map(|i| purchase(seed, i % WORKLOAD))
        .collect()
}

/// Walks the 1,000,000 purchases of a stream chunk by chunk, round and
/// round, so a benchmark sees the whole workload without holding it.
#[derive(Clone, Debug)]
pub struct Stream {
    seed: u64,
    next: u64,
}

impl Stream {
    /// The stream `seed` from its first purchase.
    pub fn new(seed: u64) -> Stream {
        Stream { seed, next: 0 }
    }

    /// The next `n` purchases.
    pub fn take(&mut self, n: u64) -> Vec<CafePurchase> {
        let out = chunk(self.seed, self.next, n);
        self.next = (self.next + n) % WORKLOAD;
        out
    }
}

/// A purchase on Sunday 2026-01-04 of `dollars` worth of sandwiches.
fn qualifying(member: &str, dollars: u32) -> Event {
    Event::Purchase(Purchase {
        id: format!("qualify-{member}").into(),
        time: at("2026-01-04T10:00:00-05:00"),
        location: None,
        staff: None,
        channel: None,
        lines: vec![Line {
            sku: "catering".into(),
            category: Some("sandwich".into()),
            tags: vec![],
            quantity: dollars / 10,
            unit_price: Dec(Decimal::new(1000, 2)),
            discount: None,
            reward_discount: None,
        }],
        redemptions: vec![],
    })
}

/// Enrolled accounts at tier none, silver and gold (in [`Level::ALL`]
/// order), made by the engine itself: silver and gold members bought $300
/// and $800 of catering the day before the workload's week.
pub fn accounts(engine: &Engine) -> [Account; 3] {
    Level::ALL.map(|level| {
        let member = format!("member-{}", level.index());
        let mut account = enrolled_at(engine, &member, "2026-01-01T08:00:00-05:00");
        let dollars = match level {
            Level::None => 0,
            Level::Silver => 300,
            Level::Gold => 800,
        };
        if dollars > 0 {
            feed(engine, &mut account, &qualifying(&member, dollars));
        }
        account
    })
}

/// The account for `level` among [`accounts`].
pub fn account_for(accounts: &[Account; 3], level: Level) -> &Account {
    let [none, silver, gold] = accounts;
    match level {
        Level::None => none,
        Level::Silver => silver,
        Level::Gold => gold,
    }
}
