//! The café hybrid workload (issue 8, benchmarks 1 and 2): 1,000,000 seeded
//! purchases, walked chunk by chunk, quoted and applied through the typed
//! API and through the JSON interface, and the hand-written baseline on the
//! same purchases. Before timing, the baseline is checked against the
//! engine on every one of the 1,000,000 purchases.
//!
//! Every benchmark times one purchase per iteration (throughput: 1
//! element), so criterion's figures are nanoseconds per purchase. Making the
//! purchases (and their JSON) happens outside the timed part.
//!
//! Run: `cargo bench -p loyalty-benches --bench cafe`
//! (`LOYALTY_BENCH_CHECK=0` skips the 1,000,000-purchase check).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use loyalty_benches::baseline::{cafe_hybrid, compare};
use loyalty_benches::cafe::{account_for, accounts, CafePurchase, Stream, SEED, WORKLOAD};
use loyalty_benches::CAFE_HYBRID;
use loyalty_core::{json, Account, Engine, Event, Quote};
use rayon::prelude::*;

const CHUNK: u64 = 8192;

/// The purchases of a chunk of the `_hot` benchmarks: few enough (about
/// 40 KB) to stay in the core's caches, like the basket a till has just
/// built and quotes; a chunk of [`CHUNK`] (about 5 MB) is read from memory
/// further away.
const HOT: u64 = 64;

/// Time `run` on `iters` purchases of `stream`, made chunk by chunk by
/// `prepare` outside the timed part.
fn walk<T>(
    stream: &mut Stream,
    iters: u64,
    prepare: impl Fn(Vec<CafePurchase>) -> Vec<T>,
    run: impl FnMut(&T),
) -> Duration {
    walk_by(CHUNK, stream, iters, prepare, run)
}

/// [`walk`] in chunks of `chunk` purchases.
fn walk_by<T>(
    chunk: u64,
    stream: &mut Stream,
    iters: u64,
    prepare: impl Fn(Vec<CafePurchase>) -> Vec<T>,
    mut run: impl FnMut(&T),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(chunk);
        let items = prepare(stream.take(n));
        let start = Instant::now();
        for item in &items {
            run(item);
        }
        total += start.elapsed();
        left -= n;
    }
    total
}

/// Benchmark `name`: `run` on the café purchases (from the start of the
/// stream), made `chunk` at a time outside the timed part.
fn on_purchases(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    chunk: u64,
    mut run: impl FnMut(&CafePurchase),
) {
    let mut stream = Stream::new(SEED);
    group.bench_function(name, |b| {
        b.iter_custom(|iters| walk_by(chunk, &mut stream, iters, |v| v, &mut run))
    });
}

fn check_all(engine: &Engine, accounts: &[Account; 3]) {
    if std::env::var("LOYALTY_BENCH_CHECK").is_ok_and(|v| v == "0") {
        return;
    }
    let start = Instant::now();
    (0..WORKLOAD / CHUNK + 1).into_par_iter().for_each(|c| {
        let from = c * CHUNK;
        let n = CHUNK.min(WORKLOAD.saturating_sub(from));
        for p in loyalty_benches::cafe::chunk(SEED, from, n) {
            if let Err(e) = compare(engine, accounts, &p) {
                panic!("baseline and engine differ: {e}");
            }
        }
    });
    eprintln!(
        "baseline = engine (quote totals, quote awards, apply awards) on all {WORKLOAD} purchases ({:.1} s)",
        start.elapsed().as_secs_f64()
    );
}

fn cafe(c: &mut Criterion) {
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let accounts = accounts(&engine);
    check_all(&engine, &accounts);
    let account_json = accounts
        .clone()
        .map(|a| serde_json::to_string(&a).expect("json"));

    let mut group = c.benchmark_group("cafe");
    group.throughput(Throughput::Elements(1));

    let baseline = |p: &CafePurchase| {
        black_box(cafe_hybrid(p.level, black_box(&p.purchase)));
    };
    on_purchases(&mut group, "baseline", CHUNK, baseline);
    on_purchases(&mut group, "quote", CHUNK, |p| {
        let account = account_for(&accounts, p.level);
        black_box(engine.quote(account, black_box(&p.purchase)).ok());
    });
    // The same quotes into one reused quote (`Engine::quote_into`): the
    // till's way of quoting a basket at every scan.
    let mut quote = Quote::default();
    let mut quote_into = |p: &CafePurchase| {
        let account = account_for(&accounts, p.level);
        black_box(
            engine
                .quote_into(account, black_box(&p.purchase), &mut quote)
                .ok(),
        );
        black_box(&quote);
    };
    on_purchases(&mut group, "quote_into", CHUNK, &mut quote_into);
    // The baseline and the reused quote again, on purchases still in
    // cache (see `HOT`).
    on_purchases(&mut group, "baseline_hot", HOT, baseline);
    on_purchases(&mut group, "quote_into_hot", HOT, &mut quote_into);

    let mut stream = Stream::new(SEED);
    let as_events = |v: Vec<CafePurchase>| -> Vec<(usize, Event)> {
        v.into_iter()
            .map(|p| (p.level.index(), Event::Purchase(p.purchase)))
            .collect()
    };
    group.bench_function("apply", |b| {
        b.iter_custom(|iters| {
            walk(&mut stream, iters, as_events, |(level, event)| {
                let account = &accounts[*level];
                black_box(engine.apply(account, black_box(event)).ok());
            })
        })
    });

    let as_json = |v: Vec<CafePurchase>| -> Vec<(usize, String)> {
        v.into_iter()
            .map(|p| {
                let event = Event::Purchase(p.purchase);
                (
                    p.level.index(),
                    serde_json::to_string(&event).expect("json"),
                )
            })
            .collect()
    };
    let mut stream = Stream::new(SEED);
    group.bench_function("quote_json", |b| {
        b.iter_custom(|iters| {
            walk(&mut stream, iters, as_json, |(level, event)| {
                black_box(json::quote(
                    &engine,
                    &account_json[*level],
                    black_box(event),
                ));
            })
        })
    });

    let mut stream = Stream::new(SEED);
    group.bench_function("apply_json", |b| {
        b.iter_custom(|iters| {
            walk(&mut stream, iters, as_json, |(level, event)| {
                black_box(json::apply(
                    &engine,
                    &account_json[*level],
                    black_box(event),
                ));
            })
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = cafe
}
criterion_main!(benches);
