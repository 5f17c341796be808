//! Throughput of the engine on a café workload: quote and apply through the
//! typed API and through the JSON interface.
//!
//! Run: `cargo bench -p loyalty-benches --bench engine`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use loyalty_benches::{enrolled, purchases};
use loyalty_core::{json, Engine, Event};

const CAFE: &str = include_str!("../../examples/programs/cafe.json");

fn engine_benches(c: &mut Criterion) {
    let engine = Engine::from_json(CAFE).expect("valid program");
    let buys = purchases(42, 4096);
    let events: Vec<Event> = buys.iter().cloned().map(Event::Purchase).collect();
    let account = enrolled(&engine, "bench");

    let mut group = c.benchmark_group("cafe");
    group.throughput(Throughput::Elements(buys.len() as u64));
    group.bench_function("quote", |b| {
        b.iter(|| {
            for p in &buys {
                std::hint::black_box(engine.quote(&account, p).ok());
            }
        })
    });
    group.bench_function("apply", |b| {
        b.iter_batched(
            || account.clone(),
            |mut acc| {
                for e in &events {
                    if let Ok(o) = engine.apply_in_place(&mut acc, e) {
                        std::hint::black_box(o);
                    }
                }
                acc
            },
            BatchSize::LargeInput,
        )
    });
    let event_json: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_string(e).expect("json"))
        .collect();
    let account_json = serde_json::to_string(&account).expect("json");
    group.bench_function("apply_json_fresh_account", |b| {
        b.iter(|| {
            for e in &event_json {
                std::hint::black_box(json::apply(&engine, &account_json, e));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, engine_benches);
criterion_main!(benches);
