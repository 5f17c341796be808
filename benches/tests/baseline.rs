//! The baseline and the engine agree on every purchase of the first 100,000
//! of the café workload (the benchmark checks all 1,000,000).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loyalty_benches::baseline::compare;
use loyalty_benches::cafe::{accounts, chunk, Level, SEED};
use loyalty_benches::CAFE_HYBRID;
use loyalty_core::Engine;

#[test]
fn baseline_matches_the_engine_on_100_000_purchases() {
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let accounts = accounts(&engine);
    for (account, level) in accounts.iter().zip(Level::ALL) {
        let want = match level {
            Level::None => None,
            Level::Silver => Some("silver"),
            Level::Gold => Some("gold"),
        };
        let got = account.tier.as_ref().and_then(|t| t.level.as_deref());
        assert_eq!(got, want, "account for {level:?}");
    }
    let mut happy = 0;
    for start in (0..100_000).step_by(10_000) {
        for p in chunk(SEED, start, 10_000) {
            compare(&engine, &accounts, &p).unwrap_or_else(|e| panic!("{e}"));
            let t = p.purchase.time.as_datetime();
            if chrono::Timelike::hour(&t) == 14 {
                happy += 1;
            }
        }
    }
    assert!(happy > 1_000, "the workload covers the happy hour");
}
