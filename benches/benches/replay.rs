//! Replay (issue 8, benchmark 5): members' histories replayed on all cores,
//! members in parallel (rayon), events in order per member, through
//! [`Engine::apply_in_place_into`] from an empty account, one outcome
//! reused for every event (what a back office replaying history does: it
//! reads each outcome, then the next event overwrites it). Each thread
//! replays its members in one account, cleared between them with
//! [`Account::clear`] (which keeps the room its lists have grown), as it
//! would once it has stored the member's final state.
//!
//! Two figures:
//! - `replay/10000_members` (criterion): the first 10,000 members of the
//!   population, histories made outside the timed part;
//! - then the whole population of 1,000,000 members, once, in chunks of
//!   10,000 (each chunk's histories are made in parallel outside the timed
//!   part, then replayed in parallel): events per second across all cores.
//!   `LOYALTY_REPLAY_MEMBERS=N` replays N members instead (0: skip).
//!
//! Run: `cargo bench -p loyalty-benches --bench replay`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use loyalty_benches::population::{member, MEMBERS};
use loyalty_benches::CAFE_HYBRID;
use loyalty_core::{Account, Engine, Event, Outcome};
use rayon::prelude::*;

const SEED: u64 = 5;
const CHUNK: u64 = 10_000;

fn histories(from: u64, n: u64) -> Vec<Vec<Event>> {
    (from..from + n)
        .into_par_iter()
        .map(|m| member(SEED, m))
        .collect()
}

/// Replay every history from an empty account: (events applied, refused).
///
/// Members go to the threads in chunks, each replayed with its own clone of
/// the engine: outcomes share the engine's rule ids, and two cores counting
/// references to the same ids would take turns at their cache lines.
fn replay(engine: &Engine, histories: &[Vec<Event>]) -> (u64, u64) {
    let chunk = histories
        .len()
        .div_ceil(rayon::current_num_threads() * 8)
        .max(1);
    histories
        .par_chunks(chunk)
        .map(|members| {
            let engine = engine.clone();
            let (mut applied, mut refused) = (0, 0);
            let mut account = Account::default();
            let mut outcome = Outcome::default();
            for events in members {
                account.clear();
                for e in events {
                    match engine.apply_in_place_into(&mut account, e, &mut outcome) {
                        Ok(()) => applied += 1,
                        Err(_) => refused += 1,
                    }
                    std::hint::black_box(&outcome);
                }
                std::hint::black_box(&account);
            }
            (applied, refused)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

fn sample(c: &mut Criterion) {
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let members = histories(0, CHUNK);
    let events: usize = members.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(events as u64));
    group.bench_function(format!("{CHUNK}_members"), |b| {
        b.iter(|| replay(&engine, &members))
    });
    group.finish();
}

fn full() {
    let members = std::env::var("LOYALTY_REPLAY_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MEMBERS);
    if members == 0 {
        return;
    }
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let (mut applied, mut refused, mut timed) = (0, 0, Duration::ZERO);
    let wall = Instant::now();
    let mut from = 0;
    while from < members {
        let n = CHUNK.min(members - from);
        let chunk = histories(from, n);
        let start = Instant::now();
        let (a, r) = replay(&engine, &chunk);
        timed += start.elapsed();
        applied += a;
        refused += r;
        from += n;
    }
    let events = applied + refused;
    eprintln!(
        "replay of {members} members on {} threads: {events} events ({refused} refused) in {:.2} s replaying ({:.1} s with generation): {:.0} events/s",
        rayon::current_num_threads(),
        timed.as_secs_f64(),
        wall.elapsed().as_secs_f64(),
        events as f64 / timed.as_secs_f64()
    );
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10)
}

criterion_group! {
    name = benches;
    config = config();
    targets = sample
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    full();
}
