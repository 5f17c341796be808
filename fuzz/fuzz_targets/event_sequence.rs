//! Structured event sequences (`arbitrary`) checked against the reference
//! model of `loyalty-core/tests/model/reference.rs` (shared with the
//! proptest suite): every invariant that suite checks after every step.
#![no_main]

#[allow(dead_code, clippy::all)]
#[path = "../../loyalty-core/tests/model/reference.rs"]
mod reference;

use arbitrary::{Arbitrary, Unstructured};
use loyalty_core::Engine;
use reference::{events, run, Step, MENU};

const PROGRAMS: &[&str] = &[
    include_str!("../../examples/programs/cafe.json"),
    include_str!("../../examples/programs/cafe-hybrid.json"),
    include_str!("../../examples/programs/cafe-stamp-card.json"),
    include_str!("../../examples/programs/cashback.json"),
    include_str!("../../examples/programs/charity-round-up.json"),
    include_str!("../../examples/programs/coffee-club.json"),
    include_str!("../../examples/programs/points.json"),
    include_str!("../../examples/programs/tiered.json"),
];

fn step(u: &mut Unstructured<'_>) -> arbitrary::Result<Step> {
    Ok(match u.int_in_range(0..=10)? {
        0 | 1 => {
            let n = u.int_in_range(1..=4)?;
            let mut lines = Vec::with_capacity(n);
            for _ in 0..n {
                lines.push((u.int_in_range(0..=MENU.len() - 1)?, u.int_in_range(1..=20)?));
            }
            Step::Buy(lines)
        }
        2 => {
            let lines = if bool::arbitrary(u)? {
                None
            } else {
                let n = u.int_in_range(1..=3)?;
                let mut ls = Vec::with_capacity(n);
                for _ in 0..n {
                    ls.push((u.int_in_range(0..=4)?, u.int_in_range(1..=5)?));
                }
                Some(ls)
            };
            Step::Return {
                nth: u.int_in_range(0..=8)?,
                lines,
            }
        }
        3 => Step::Redeem {
            reward: u.int_in_range(0..=5)?,
            reserve: bool::arbitrary(u)?,
        },
        4 => Step::Settle {
            nth: u.int_in_range(0..=5)?,
            commit: bool::arbitrary(u)?,
        },
        5 => Step::RespendVoucher {
            nth: u.int_in_range(0..=5)?,
        },
        6 => Step::Wait(u.int_in_range(1..=60 * 24 * 800)?),
        7 => {
            let points = u.int_in_range(-500..=500)?;
            let stamps = u.int_in_range(-3..=3)?;
            if points == 0 && stamps == 0 {
                Step::Bad(2)
            } else {
                Step::Adjust { points, stamps }
            }
        }
        8 => Step::Retry(u.int_in_range(0..=20)?),
        9 => Step::Conflict(u.int_in_range(0..=20)?),
        _ => {
            if bool::arbitrary(u)? {
                Step::Subscribe
            } else {
                Step::Bad(u8::arbitrary(u)?)
            }
        }
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(program) = u.int_in_range(0..=PROGRAMS.len() - 1) else {
        return;
    };
    let text = PROGRAMS[program];
    let engine = Engine::from_json(text).expect("example programs load");
    let value: serde_json::Value = serde_json::from_str(text).expect("example programs are JSON");
    let mut steps = Vec::new();
    while steps.len() < 64 {
        match step(&mut u) {
            Ok(s) => steps.push(s),
            Err(_) => break,
        }
    }
    let events = events(&value, &steps);
    let first =
        run(&engine, &value, &events).unwrap_or_else(|e| panic!("{e}\nevents: {events:#?}"));
    let again = run(&engine, &value, &events).unwrap_or_else(|e| panic!("replay: {e}"));
    assert_eq!(first, again, "replay differs");
});
