//! Flat history (issue 8, benchmark 3): the cost of one event for a
//! regular with 10, 1,000 and 100,000 earlier events (see
//! `loyalty_benches::history`: lots, tier buckets, idempotency memory,
//! returns and redemptions all in play). The target is that the 100,000th
//! event costs at most 1.2x the 10th. Each iteration applies the regular's
//! next 40 events in order (purchases, a return, a redemption: the same mix
//! after every history) and the figures are per event.
//!
//! - `apply_in_place/N`: [`Engine::apply_in_place`] on a copy of the
//!   account made outside the timed part;
//! - `apply/N`: [`Engine::apply`], which returns a new account (its copy is
//!   part of the cost, and grows with the account);
//! - `apply_json/N`: [`loyalty_core::json::apply_parts`], the account
//!   passed as JSON from one event to the next (parsing and writing it is
//!   part of the cost, and grows with the account);
//! - `apply_kept/N`: the events as JSON through a [`json::KeptAccount`]
//!   (the C door's `LoyaltyAccount`), the account kept in memory: each
//!   event read as JSON, applied in place, its outcome written as JSON;
//! - `apply_kept_into/N`: the same, each answer written into one buffer
//!   reused from event to event ([`json::KeptAccount::apply_into`]), as
//!   the C door writes its outcomes.
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

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use loyalty_benches::history::{account, copy, next_events, NEXT};
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
        let events = next_events(SEED, n);
        let account_json = serde_json::to_string(&acc).expect("json");
        let events_json: Vec<String> = events
            .iter()
            .map(|e| serde_json::to_string(e).expect("json"))
            .collect();
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
        group.throughput(Throughput::Elements(NEXT));
        group.bench_with_input(BenchmarkId::new("apply_in_place", n), &n, |b, _| {
            b.iter_batched_ref(
                || copy(&acc),
                |a| {
                    for e in &events {
                        black_box(engine.apply_in_place(a, black_box(e)).ok());
                    }
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("apply", n), &n, |b, _| {
            b.iter_batched(
                || acc.clone(),
                |mut a| {
                    for e in &events {
                        if let Ok((next, outcome)) = engine.apply(&a, black_box(e)) {
                            black_box(outcome);
                            a = next;
                        }
                    }
                    a
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("apply_kept", n), &n, |b, _| {
            b.iter_batched_ref(
                || json::KeptAccount::new(Some(copy(&acc))),
                |kept| {
                    for e in &events_json {
                        black_box(kept.apply(&engine, black_box(e)));
                    }
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("apply_kept_into", n), &n, |b, _| {
            let mut answer = String::new();
            b.iter_batched_ref(
                || json::KeptAccount::new(Some(copy(&acc))),
                |kept| {
                    for e in &events_json {
                        answer.clear();
                        kept.apply_into(&engine, black_box(e), &mut answer);
                        black_box(&answer);
                    }
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("apply_json", n), &n, |b, _| {
            b.iter(|| {
                let mut a = account_json.clone();
                for e in &events_json {
                    if let Ok((next, outcome)) = json::apply_parts(&engine, &a, black_box(e)) {
                        black_box(outcome);
                        a = next;
                    }
                }
                a
            })
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
