//! Seeded workloads for the benchmarks: deterministic, no external RNG.

use loyalty_core::event::{Line, Purchase};
use loyalty_core::{Account, Engine, Event, Timestamp};

/// SplitMix64: a tiny, well-known, seedable generator; enough for workloads.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

/// The café categories of the benchmark workload.
pub const CATEGORIES: [&str; 5] = ["coffee", "tea", "pastry", "sandwich", "merch"];

/// A random café basket: 1-5 lines, unit price 1.50-12.00, quantity 1-3.
pub fn basket(rng: &mut Rng) -> Vec<Line> {
    (0..rng.range(1, 5))
        .map(|_| {
            let category = CATEGORIES
                .get(rng.range(0, 4) as usize)
                .copied()
                .unwrap_or("coffee");
            let cents = rng.range(150, 1200);
            Line {
                sku: format!("{category}-{}", cents % 7),
                category: Some(category.to_owned()),
                tags: vec![],
                quantity: rng.range(1, 3) as u32,
                unit_price: format!("{}.{:02}", cents / 100, cents % 100)
                    .parse()
                    .unwrap_or_default(),
                discount: None,
                reward_discount: None,
            }
        })
        .collect()
}

/// `n` purchases spread over `members` enrolled accounts, in time order per
/// member, local hours 6-21, every day of the week.
pub fn purchases(seed: u64, n: usize) -> Vec<Purchase> {
    let mut rng = Rng::new(seed);
    let start: Timestamp =
        serde_json::from_str("\"2026-01-05T06:00:00-05:00\"").unwrap_or_else(|_| Timestamp::max());
    (0..n)
        .map(|i| {
            let day = (i / 64) as u32;
            let minute = day * 24 * 60 + rng.range(0, 15 * 60) as u32;
            Purchase {
                id: format!("p{i}"),
                time: start.plus_minutes(minute),
                location: None,
                staff: None,
                channel: None,
                lines: basket(&mut rng),
                redemptions: vec![],
            }
        })
        .collect()
}

/// An enrolled account, ready for purchases from 2026-01-05 on.
pub fn enrolled(engine: &Engine, member: &str) -> Account {
    let enrol = Event::from_json(&format!(
        r#"{{"type": "enrol", "id": "enrol-{member}", "member": "{member}", "time": "2026-01-01T08:00:00-05:00"}}"#
    ));
    match enrol.and_then(|e| engine.apply(&Account::new(member), &e)) {
        Ok((account, _)) => account,
        Err(_) => Account::new(member),
    }
}
