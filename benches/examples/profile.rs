//! A plain loop over the café workload for profilers (callgrind, perf):
//! `profile quote|quote_into|apply|apply_in_place|quote_json|apply_json|baseline [N]`
//! runs N purchases (default 100,000) after a warm-up of 1,000, with the
//! purchases made before the loop starts; `profile MODE N PASSES` runs
//! them PASSES times and gives the fastest pass.
//! `profile replay MEMBERS` replays the replay benchmark's first MEMBERS
//! members' histories on one thread; `profile rules_200_quote N` quotes
//! the per-mechanic benchmark's basket under its 200-rule program N times,
//! `profile rules_200_apply N` applies it in place to N copies of the
//! regular's account (`--toggle-collect=profile::timed_apply`).
//! `profile history EVENTS [N]` applies the regular's next 40 events in
//! place, N times (default 1,000), on copies of their account after EVENTS
//! events (copies made outside `Engine::apply_in_place`);
//! `profile history_kept EVENTS [N]` the same events as JSON through a
//! `json::KeptAccount` (`--toggle-collect=profile::timed_kept`);
//! `profile history_kept_into EVENTS [N]` with each answer written into
//! one reused buffer (`--toggle-collect=profile::timed_kept_into`);
//! `profile history_copy EVENTS [N]` through `Engine::apply`, a new
//! account each event.
//! With `SAME=K` in the environment, the café modes run the same K
//! purchases over and over (from the 1,001st, or `START=S` later): a
//! stream the processor's branch predictor learns, so the difference from
//! the usual one is about what mispredicted branches cost. One purchase
//! costs more or less than the average one: compare the usual stream with
//! the mean over several `START`s (`SAME=1 START=7 profile quote_into
//! 20000 10`).
//!
//! `valgrind --tool=callgrind target/release/examples/profile quote 20000`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::hint::black_box;
use std::time::Instant;

use loyalty_benches::baseline::cafe_hybrid;
use loyalty_benches::cafe::{accounts, chunk, SEED};
use loyalty_benches::CAFE_HYBRID;
use loyalty_core::{json, Engine, Event};

/// The timed call of `history`, apart so callgrind can collect only it
/// (`--toggle-collect=profile::timed_apply`).
#[inline(never)]
fn timed_apply(engine: &Engine, account: &mut loyalty_core::Account, event: &Event) {
    black_box(engine.apply_in_place(account, event).ok());
}

/// The timed call of `history_kept` (`--toggle-collect=profile::timed_kept`).
#[inline(never)]
fn timed_kept(engine: &Engine, kept: &mut json::KeptAccount, event: &str) {
    black_box(kept.apply(engine, event));
}

/// The timed call of `history_kept_into`, its answer written into a
/// reused buffer (`--toggle-collect=profile::timed_kept_into`).
#[inline(never)]
fn timed_kept_into(
    engine: &Engine,
    kept: &mut json::KeptAccount,
    event: &str,
    answer: &mut String,
) {
    answer.clear();
    kept.apply_into(engine, event, answer);
    black_box(answer);
}

/// One member's history from `account` cleared, as the replay benchmark
/// replays it, apart so callgrind can collect only it
/// (`--toggle-collect=profile::replay_one`).
#[inline(never)]
fn replay_one(
    engine: &Engine,
    history: &[Event],
    account: &mut loyalty_core::Account,
    outcome: &mut loyalty_core::Outcome,
) {
    account.clear();
    for event in history {
        black_box(engine.apply_in_place_into(account, event, outcome).ok());
        black_box(&*outcome);
    }
    black_box(&*account);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("quote", String::as_str).to_owned();
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    if what == "rules_200_quote" || what == "rules_200_apply" {
        // `profile rules_200_quote|rules_200_apply N`: the per-mechanic
        // benchmark's basket under 200 rules, quoted, or applied in place
        // on copies of the regular's account made before the loop; N
        // times after 100 of warm-up.
        use loyalty_benches::mechanics::{program_200, purchase, regular};
        let engine = Engine::from_json(&program_200()).expect("valid 200-rule program");
        let account = regular(&engine, 20);
        let event = purchase("p", "2026-03-02T08:30:00-05:00");
        let Event::Purchase(p) = &event else {
            unreachable!("a purchase")
        };
        let apply = what == "rules_200_apply";
        let mut copies: Vec<_> = (0..if apply { n + 100 } else { 0 })
            .map(|_| loyalty_benches::history::copy(&account))
            .collect();
        let mut run = |i: usize| match copies.get_mut(i) {
            Some(a) => timed_apply(&engine, a, &event),
            None => {
                black_box(engine.quote(&account, black_box(p)).ok());
            }
        };
        (0..100).for_each(&mut run);
        let start = Instant::now();
        (100..n as usize + 100).for_each(&mut run);
        let ns = start.elapsed().as_nanos() as f64 / n as f64;
        eprintln!("{what}: {n} events, {ns:.0} ns each");
        return;
    }
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    if what == "replay" {
        // `profile replay MEMBERS`: the replay benchmark's members (seed 5),
        // one thread, histories made before the loop.
        let histories: Vec<Vec<Event>> = (0..n)
            .map(|m| loyalty_benches::population::member(5, m))
            .collect();
        let events: usize = histories.iter().map(Vec::len).sum();
        let (mut account, mut outcome) = Default::default();
        let start = Instant::now();
        for history in &histories {
            replay_one(&engine, history, &mut account, &mut outcome);
        }
        let ns = start.elapsed().as_nanos() as f64 / events as f64;
        eprintln!("replay: {n} members, {events} events, {ns:.0} ns per event");
        return;
    }
    if what == "history_kept" || what == "history_kept_into" {
        let reuse = what == "history_kept_into";
        let runs: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1_000);
        let (account, _) = loyalty_benches::history::account(&engine, 3, n);
        let events: Vec<String> = loyalty_benches::history::next_events(3, n)
            .iter()
            .map(|e| serde_json::to_string(e).expect("json"))
            .collect();
        let copies: Vec<_> = (0..runs)
            .map(|_| json::KeptAccount::new(Some(loyalty_benches::history::copy(&account))))
            .collect();
        let mut answer = String::new();
        let start = Instant::now();
        for mut kept in copies {
            for event in &events {
                if reuse {
                    timed_kept_into(&engine, &mut kept, event, &mut answer);
                } else {
                    timed_kept(&engine, &mut kept, event);
                }
            }
        }
        let applies = runs * loyalty_benches::history::NEXT;
        let ns = start.elapsed().as_nanos() as f64 / applies as f64;
        eprintln!("history_kept {n}: {applies} applies, {ns:.0} ns per event (drops included)");
        return;
    }
    if what == "history_copy" {
        // `profile history_copy EVENTS RUNS`: `history`'s events through
        // `Engine::apply`, each new account replacing the last (whose
        // drop is timed too), as a caller of the pure API goes on.
        let runs: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1_000);
        let (account, _) = loyalty_benches::history::account(&engine, 3, n);
        let events = loyalty_benches::history::next_events(3, n);
        eprintln!(
            "lots {} purchases {} lines {} vouchers {} redemptions {} remembered {} buckets {}",
            account.points.lots.len(),
            account.purchases.len(),
            account
                .purchases
                .iter()
                .map(|p| p.lines.len())
                .sum::<usize>(),
            account.vouchers.len(),
            account.redemptions.len(),
            account.recent_events.len(),
            account.tier.as_ref().map_or(0, |t| t.buckets.len()),
        );
        let start = Instant::now();
        for _ in 0..runs {
            let mut a = account.clone();
            for event in &events {
                if let Ok((next, _)) = engine.apply(&a, event) {
                    a = next;
                }
            }
            black_box(a);
        }
        let applies = runs * loyalty_benches::history::NEXT;
        let ns = start.elapsed().as_nanos() as f64 / applies as f64;
        eprintln!("history_copy {n}: {applies} applies, {ns:.0} ns per event");
        return;
    }
    if what == "history" {
        let runs: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1_000);
        let (account, _) = loyalty_benches::history::account(&engine, 3, n);
        let events = loyalty_benches::history::next_events(3, n);
        let copies: Vec<_> = (0..runs)
            .map(|_| loyalty_benches::history::copy(&account))
            .collect();
        let start = Instant::now();
        for mut a in copies {
            for event in &events {
                timed_apply(&engine, &mut a, event);
            }
        }
        let applies = runs * loyalty_benches::history::NEXT;
        let ns = start.elapsed().as_nanos() as f64 / applies as f64;
        eprintln!("history {n}: {applies} applies, {ns:.0} ns per event (drops included)");
        return;
    }
    let accounts = accounts(&engine);
    let json_accounts = accounts
        .clone()
        .map(|a| serde_json::to_string(&a).expect("json"));
    let buys = chunk(SEED, 0, n + 1_000);
    let events: Vec<(usize, Event)> = buys
        .iter()
        .map(|p| (p.level.index(), Event::Purchase(p.purchase.clone())))
        .collect();
    let texts: Vec<String> = events
        .iter()
        .map(|(_, e)| serde_json::to_string(e).expect("json"))
        .collect();
    let mut quote = loyalty_core::Quote::default();
    // `SAME=K` and `START=S` (see the module's doc).
    let var = |name: &str| -> usize {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    };
    let (same, start) = (var("SAME"), var("START"));
    let mut run = |i: usize| {
        let i = if same > 0 {
            1_000 + (start + i % same) % n as usize
        } else {
            i
        };
        let (level, event) = &events[i];
        let p = &buys[i];
        match what.as_str() {
            "baseline" => {
                black_box(cafe_hybrid(p.level, &p.purchase));
            }
            "quote" => {
                black_box(engine.quote(&accounts[*level], &p.purchase).ok());
            }
            "quote_into" => {
                black_box(
                    engine
                        .quote_into(&accounts[*level], &p.purchase, &mut quote)
                        .ok(),
                );
                black_box(&quote);
            }
            "apply" => {
                black_box(engine.apply(&accounts[*level], event).ok());
            }
            "apply_in_place" => {
                let mut a = accounts[*level].clone();
                black_box(engine.apply_in_place(&mut a, event).ok());
            }
            "quote_json" => {
                black_box(json::quote(&engine, &json_accounts[*level], &texts[i]));
            }
            "apply_json" => {
                black_box(json::apply(&engine, &json_accounts[*level], &texts[i]));
            }
            other => panic!("unknown workload `{other}`"),
        }
    };
    for i in 0..1_000 {
        run(i);
    }
    // `profile MODE N PASSES`: the N purchases PASSES times, and the
    // fastest pass (a clock less disturbed by the host than one pass).
    let passes: u32 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut fastest = f64::MAX;
    for _ in 0..passes {
        let start = Instant::now();
        for i in 1_000..(n as usize + 1_000) {
            run(i);
        }
        fastest = fastest.min(start.elapsed().as_nanos() as f64 / n as f64);
    }
    eprintln!("{what}: {n} purchases, {fastest:.0} ns per purchase (fastest of {passes})");
}
