//! Native figure for the npm package's benchmark: replays the workload that
//! `loyalty-wasm/bench/apply.mjs` writes, through the same JSON door
//! (`json::apply_parts`), and prints events per second.
//!
//! ```text
//! node loyalty-wasm/bench/apply.mjs target/bench-cafe-events.jsonl
//! cargo run --release -p loyalty-wasm --example bench_native -- target/bench-cafe-events.jsonl
//! ```

use std::time::{Duration, Instant};

use loyalty_core::{json, Engine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-cafe-events.jsonl".to_owned());
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let engine = Engine::from_json(&std::fs::read_to_string(format!(
        "{root}/examples/programs/cafe.json"
    ))?)?;
    let text = std::fs::read_to_string(&path)?;
    let events: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();

    let run = || -> Result<String, loyalty_core::Error> {
        let mut account = "null".to_owned();
        for e in &events {
            if e.starts_with(r#"{"type":"enrol""#) {
                account = "null".to_owned();
            }
            account = json::apply_parts(&engine, &account, e)?.0;
        }
        Ok(account)
    };
    run()?; // warm-up
    let (mut rounds, start) = (0_u32, Instant::now());
    while start.elapsed() < Duration::from_secs(3) || rounds < 3 {
        run()?;
        rounds += 1;
    }
    let per_sec = (events.len() as f64 * f64::from(rounds)) / start.elapsed().as_secs_f64();
    println!("native Rust, JSON door (json::apply_parts): {per_sec:.0} events/s ({rounds} rounds of {} events)", events.len());
    Ok(())
}
