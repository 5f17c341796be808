//! The native Rust figure beside `loyalty-ffi/bench/bench_apply.c`: the same
//! events (dumped by the C program) applied through `loyalty_core::json`,
//! fresh, chained and on a kept account, as the C benchmark does through
//! the C API.
//!
//! ```text
//! bench_apply examples/programs/cafe.json 4096 /tmp/events.jsonl
//! cargo run --release -p loyalty-ffi --example bench_rust_json -- \
//!     examples/programs/cafe.json /tmp/events.jsonl
//! ```

use std::process::ExitCode;
use std::time::Instant;

use loyalty_core::{json, Engine};

const ENROL: &str = r#"{"type": "enrol", "id": "enrol-bench", "member": "bench", "time": "2026-01-01T08:00:00-05:00"}"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(program), Some(events)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: bench_rust_json PROGRAM EVENTS_JSONL");
        return ExitCode::from(2);
    };
    let (Ok(program), Ok(events)) = (
        std::fs::read_to_string(program),
        std::fs::read_to_string(events),
    ) else {
        eprintln!("cannot read the program or the events");
        return ExitCode::from(2);
    };
    let engine = match Engine::from_json(&program) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let events: Vec<&str> = events.lines().collect();
    let Ok((enrolled, _)) = json::apply_parts(&engine, "null", ENROL) else {
        eprintln!("cannot enrol");
        return ExitCode::FAILURE;
    };
    let mut errors = 0;

    // Each figure is the best of three runs, as in the C benchmark.
    let (mut fresh, mut chained, mut kept) = (f64::MAX, f64::MAX, f64::MAX);
    let mut account = enrolled.clone();
    for _ in 0..3 {
        let start = Instant::now();
        for event in &events {
            let envelope = json::apply(&engine, &enrolled, event);
            errors += usize::from(!envelope.starts_with(r#"{"ok":true"#));
            std::hint::black_box(envelope);
        }
        fresh = fresh.min(start.elapsed().as_secs_f64());

        account = enrolled.clone();
        let start = Instant::now();
        for event in &events {
            match json::apply_parts(&engine, &account, event) {
                Ok((next, outcome)) => {
                    account = next;
                    std::hint::black_box(outcome);
                }
                Err(_) => errors += 1,
            }
        }
        chained = chained.min(start.elapsed().as_secs_f64());

        let start = Instant::now();
        let Ok(mut member) = json::KeptAccount::from_json(&enrolled) else {
            eprintln!("cannot keep the account");
            return ExitCode::FAILURE;
        };
        for event in &events {
            match member.apply_parts(&engine, event) {
                Ok(outcome) => {
                    std::hint::black_box(outcome);
                }
                Err(_) => errors += 1,
            }
        }
        // The same account as the chained run's.
        errors += usize::from(member.to_json() != account);
        kept = kept.min(start.elapsed().as_secs_f64());
    }

    let n = events.len() as f64;
    println!(
        "Rust   fresh   {:6} events  {:8.0} events/s",
        events.len(),
        n / fresh
    );
    println!(
        "Rust   chained {:6} events  {:8.0} events/s  (final account {} bytes)",
        events.len(),
        n / chained,
        account.len()
    );
    println!(
        "Rust   kept    {:6} events  {:8.0} events/s",
        events.len(),
        n / kept
    );
    if errors > 0 {
        eprintln!("{errors} events failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
