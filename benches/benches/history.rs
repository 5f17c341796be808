//! Flat history (issue 8, benchmark 3): the cost of one purchase for a
//! regular with 10, 1,000 and 100,000 earlier events (see
//! `loyalty_benches::history`: lots, tier buckets, idempotency memory,
//! returns and redemptions all in play). The target is that the 100,000th
//! event costs at most 1.2x the 10th.
//!
//! - `apply_in_place/N`: [`Engine::apply_in_place`] on a copy of the
//!   account made outside the timed part;
//! - `apply/N`: [`Engine::apply`], which returns a new account (its copy is
//!   part of the cost);
//! - `apply_json/N`: [`loyalty_core::json::apply`] with the account as JSON.
//!
//! Run: `cargo bench -p loyalty-benches --bench history`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use loyalty_benches::history::{account, next_purchase};
use loyalty_benches::size::in_memory;
use loyalty_benches::CAFE_HYBRID;
use loyalty_core::{json, Engine};

const SEED: u64 = 3;
const SIZES: [u64; 3] = [10, 1_000, 100_000];

fn history(c: &mut Criterion) {
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let mut group = c.benchmark_group("history");
    for n in SIZES {
        let start = Instant::now();
        let (acc, refused) = account(&engine, SEED, n);
        let event = next_purchase(SEED, n);
        let account_json = serde_json::to_string(&acc).expect("json");
        let event_json = serde_json::to_string(&event).expect("json");
        eprintln!(
            "history {n}: built in {:.1} s ({refused} refused); {} lots, {} tier buckets, {} purchases, {} redemptions, {} remembered ids; {} bytes in memory, {} bytes as JSON",
            start.elapsed().as_secs_f64(),
            acc.points.lots.len(),
            acc.tier.as_ref().map_or(0, |t| t.buckets.len()),
            acc.purchases.len(),
            acc.redemptions.len(),
            acc.recent_events.len(),
            in_memory(&acc),
            account_json.len(),
        );
        engine
            .apply(&acc, &event)
            .expect("the timed purchase applies");
        group.bench_with_input(BenchmarkId::new("apply_in_place", n), &n, |b, _| {
            b.iter_batched_ref(
                || acc.clone(),
                |a| black_box(engine.apply_in_place(a, black_box(&event)).ok()),
                BatchSize::SmallInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("apply", n), &n, |b, _| {
            b.iter(|| black_box(engine.apply(&acc, black_box(&event)).ok()))
        });
        group.bench_with_input(BenchmarkId::new("apply_json", n), &n, |b, _| {
            b.iter(|| black_box(json::apply(&engine, &account_json, black_box(&event_json))))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = history
}
criterion_main!(benches);
