//! Seeded workloads for the benchmarks: deterministic, no external RNG.
//!
//! - [`cafe`]: the café hybrid workload (purchases indexed 0..1,000,000,
//!   each generated on its own from the seed and its index, so any slice of
//!   the stream can be made without the rest) and accounts per tier level;
//! - [`baseline`]: the café hybrid program hand-written over `rust_decimal`,
//!   the floor the engine is compared with;
//! - [`history`]: a regular's long event stream (lots, tier buckets,
//!   idempotency memory, returns and redemptions);
//! - [`mechanics`]: a café basket, a regular, and a program of 200 rules;
//! - [`population`]: members with short histories, for the replay;
//! - [`size`]: bytes of an account in memory.

pub mod baseline;
pub mod cafe;
pub mod history;
pub mod mechanics;
pub mod population;
pub mod size;

use loyalty_core::{Account, Engine, Event, Timestamp};

/// The café hybrid program of `examples/programs/cafe-hybrid.json`.
pub const CAFE_HYBRID: &str = include_str!("../../examples/programs/cafe-hybrid.json");

/// SplitMix64: a tiny, well-known, seedable generator; enough for workloads.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for item `index` of the stream `seed`: items are
    /// independent, so a stream can be generated from any position.
    pub fn at(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
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

    /// A number in `lo..=hi` as `u32`.
    pub fn range32(&mut self, lo: u32, hi: u32) -> u32 {
        u32::try_from(self.range(u64::from(lo), u64::from(hi))).unwrap_or(lo)
    }

    /// True `per_mille` times in a thousand.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.range(0, 999) < per_mille
    }
}

/// Parse an RFC 3339 timestamp written in the source (falls back to the
/// engine's latest instant, which no workload uses).
pub fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|_| Timestamp::max())
}

/// Apply `event` in place, ignoring refusals (a generated stream may ask
/// for what the member cannot afford; the engine then leaves the account
/// as it was). Returns whether the event was applied.
pub fn feed(engine: &Engine, account: &mut Account, event: &Event) -> bool {
    engine.apply_in_place(account, event).is_ok()
}

/// An account enrolled at `time`.
pub fn enrolled_at(engine: &Engine, member: &str, time: &str) -> Account {
    let mut account = Account::new(member);
    let enrol = Event::Enrol(loyalty_core::event::Enrol {
        id: format!("enrol-{member}").into(),
        time: at(time),
        member: member.to_owned(),
        location: None,
        staff: None,
        channel: None,
        tags: vec![],
        birthday: None,
        cause: None,
        referrer: None,
    });
    feed(engine, &mut account, &enrol);
    account
}
