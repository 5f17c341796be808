//! The simulator's promise: 100,000 members for 365 days in under 60 s on
//! two cores, every event through the real engine, members in parallel.
//!
//! Run: `cargo bench -p loyalty-benches --bench simulate`. Each sample is a
//! whole simulation (about half a minute on two free cores), so criterion
//! takes its minimum of 10 samples; `LOYALTY_SIM_MEMBERS` and
//! `LOYALTY_SIM_DAYS` shrink the population for a quick look.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use loyalty_core::Engine;
use loyalty_sim::{simulate, Population, CAFE_HYBRID};

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn simulate_bench(c: &mut Criterion) {
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let members = env("LOYALTY_SIM_MEMBERS", 100_000);
    let days = env("LOYALTY_SIM_DAYS", 365);
    let population = Population {
        members,
        days,
        enrol_days: (days / 3).max(1),
        ..Population::default()
    };
    let events = simulate(&engine, &population).events;
    eprintln!("{members} members x {days} days: {events} events per simulation");
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(events));
    group.bench_function(format!("cafe_hybrid_{members}x{days}"), |b| {
        b.iter(|| std::hint::black_box(simulate(&engine, &population)))
    });
    group.finish();
}

criterion_group!(benches, simulate_bench);
criterion_main!(benches);
