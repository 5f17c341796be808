//! Model-based invariants: every example program in `examples/programs/`
//! against a simple reference model (`tests/model/reference.rs`), on random
//! histories of purchases, partial and full returns, redemptions,
//! reservations and their settlement, re-spent vouchers, adjustments, time
//! advances, retried duplicates, conflicting ids and invalid events.
//!
//! After every step (numbers as in issue 6):
//! 1. each balance equals the sum of the ledger's movements on its asset;
//! 2. the engine's balances equal the model's scan of its own ledger, and
//!    the movements the model can predict (welcome points, adjustments,
//!    points rewards, reservations, commits, releases, purchase earn for
//!    programs without tiers) are exactly predicted; the refusals it can
//!    predict (conflicts, order, enrolment, unknown purchases, lines and
//!    reservations, stale reservations, spent vouchers, points short) happen
//!    with the predicted error kind;
//! 3. a failed event and a duplicate change nothing;
//! 4. returns never take back more than the returned purchase earned, and a
//!    full return (in one or several parts) takes back exactly that;
//! 5. a voucher or reservation is spent or settled at most once;
//! 6. splitting a basket never earns more than the whole, for the programs
//!    that promise it (see [`SPLIT_SAFE`]);
//! 7. cashback caps per purchase and per month, and daily allowances, hold;
//! 8. expiry never removes more points than the lots due at that instant;
//! 9. the tier level is at least the one the qualifying spend reaches, and
//!    qualifying spend never exceeds the spend net of returns;
//! 10. issued - redeemed - expired - clawed back = the change outstanding;
//! 11. replaying the same events gives the same account and answer bytes;
//! 12. the account survives a JSON round trip.
//!
//! Cases: 1,000 per property by default; set `LOYALTY_PROPTEST_CASES`
//! (e.g. `LOYALTY_PROPTEST_CASES=100000 cargo test --release -p loyalty-core
//! --test model`) for a long run. `PROPTEST_CASES` is honoured too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_wrap,
    dead_code
)]

#[path = "model/reference.rs"]
mod reference;

use loyalty_core::{json, Engine, Event};
use proptest::prelude::*;
use reference::{events, run, Step, MENU};
use serde_json::Value;

const PROGRAMS: &[(&str, &str)] = &[
    ("cafe", include_str!("../../examples/programs/cafe.json")),
    (
        "cafe-hybrid",
        include_str!("../../examples/programs/cafe-hybrid.json"),
    ),
    (
        "cafe-stamp-card",
        include_str!("../../examples/programs/cafe-stamp-card.json"),
    ),
    (
        "cashback",
        include_str!("../../examples/programs/cashback.json"),
    ),
    (
        "charity-round-up",
        include_str!("../../examples/programs/charity-round-up.json"),
    ),
    (
        "coffee-club",
        include_str!("../../examples/programs/coffee-club.json"),
    ),
    (
        "points",
        include_str!("../../examples/programs/points.json"),
    ),
    (
        "tiered",
        include_str!("../../examples/programs/tiered.json"),
    ),
];

/// Programs whose earn never grows when a basket is split in several
/// purchases: only per-amount rates rounded down and per-unit awards, with
/// no per-visit award, threshold, per-purchase cap or multiplier rounded on
/// its own. The others do not promise it and are left out on purpose:
/// - `cafe`, `cafe-hybrid`: `big_basket` (50 points from 25.00) rewards one
///   big basket, and per-rule rounding of multipliers;
/// - `points`: 2 points per visit;
/// - `cashback`: the per-purchase cap (10.00) lets split baskets earn more;
/// - `coffee-club`, `tiered`: multiplier rules round on
///   their own, so the sum over split baskets is not bounded by the whole.
const SPLIT_SAFE: &[&str] = &["cafe-stamp-card", "charity-round-up"];

fn cases() -> u32 {
    ["LOYALTY_PROPTEST_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.parse().ok())
        .unwrap_or(1000)
}

fn engines() -> Vec<(&'static str, Engine, Value)> {
    PROGRAMS
        .iter()
        .map(|(name, text)| {
            (
                *name,
                Engine::from_json(text).unwrap(),
                serde_json::from_str(text).unwrap(),
            )
        })
        .collect()
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => prop::collection::vec((0..MENU.len(), 1u32..4), 1..4).prop_map(Step::Buy),
        2 => (0usize..6, prop::option::of(prop::collection::vec((0u32..4, 1u32..3), 1..3)))
            .prop_map(|(nth, lines)| Step::Return { nth, lines }),
        3 => (0usize..5, any::<bool>()).prop_map(|(reward, reserve)| Step::Redeem { reward, reserve }),
        2 => (0usize..4, any::<bool>()).prop_map(|(nth, commit)| Step::Settle { nth, commit }),
        1 => (0usize..4).prop_map(|nth| Step::RespendVoucher { nth }),
        2 => prop_oneof![1u32..120, 1u32..60 * 24 * 3, Just(60 * 24 * 366)].prop_map(Step::Wait),
        1 => (-30i64..60, -2i64..3).prop_filter("an adjustment changes something", |(p, s)| *p != 0 || *s != 0)
            .prop_map(|(points, stamps)| Step::Adjust { points, stamps }),
        2 => (0usize..10).prop_map(Step::Retry),
        1 => (0usize..10).prop_map(Step::Conflict),
        1 => any::<u8>().prop_map(Step::Bad),
        1 => Just(Step::Subscribe),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Invariants 1-5 and 7-12 on every example program.
    #[test]
    fn every_program_agrees_with_the_reference_model(
        program in 0..PROGRAMS.len(),
        steps in prop::collection::vec(step(), 1..16),
    ) {
        let (name, engine, value) = &engines()[program];
        let events = events(value, &steps);
        let (first, answers) = run(engine, value, &events)
            .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        // 11: the same events from the start give identical state and bytes.
        let (second, again) = run(engine, value, &events)
            .map_err(|e| TestCaseError::fail(format!("{name} (replay): {e}")))?;
        prop_assert_eq!(first, second, "{}: replay differs", name);
        prop_assert_eq!(answers, again, "{}: replayed answers differ", name);
    }

    /// Invariant 6: splitting a basket never earns more than the whole,
    /// for the programs in `SPLIT_SAFE`.
    #[test]
    fn splitting_a_basket_never_earns_more(
        program in 0..SPLIT_SAFE.len(),
        lines in prop::collection::vec((0..MENU.len(), 1u32..5), 2..8),
        cut in prop::collection::vec(any::<bool>(), 8),
    ) {
        let name = SPLIT_SAFE[program];
        let text = PROGRAMS.iter().find(|(n, _)| *n == name).unwrap().1;
        let engine = Engine::from_json(text).unwrap();
        let purchase = |lines: &[(usize, u32)]| {
            let ls: Vec<String> = lines.iter().map(|&(i, q)| {
                let (sku, cat, price) = MENU[i];
                format!(r#"{{"sku":"{sku}","category":"{cat}","quantity":{q},"unit_price":"{price}"}}"#)
            }).collect();
            format!(r#"{{"type":"purchase","id":"p","time":"2026-03-02T10:00:00Z","lines":[{}]}}"#, ls.join(","))
        };
        let quote = |lines: &[(usize, u32)]| -> (i64, i64) {
            let v: Value = serde_json::from_str(&json::quote(&engine, "null", &purchase(lines))).unwrap();
            (v["quote"]["points"].as_i64().unwrap(), v["quote"]["stamps"].as_i64().unwrap())
        };
        let whole = quote(&lines);
        let mut parts: Vec<Vec<(usize, u32)>> = vec![vec![]];
        for (i, l) in lines.iter().enumerate() {
            if cut[i] && !parts.last().unwrap().is_empty() {
                parts.push(vec![]);
            }
            parts.last_mut().unwrap().push(*l);
        }
        let split = parts.iter().map(|p| quote(p)).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        prop_assert!(split.0 <= whole.0 && split.1 <= whole.1, "{}: {:?} split earns {:?}, whole {:?}", name, parts, split, whole);
    }
}

/// The generator makes events the engine parses (apart from `Bad` steps).
#[test]
fn generated_events_parse() {
    for (_, _, value) in engines() {
        let steps = vec![
            Step::Buy(vec![(0, 1), (2, 2)]),
            Step::Return {
                nth: 0,
                lines: Some(vec![(0, 1)]),
            },
            Step::Redeem {
                reward: 0,
                reserve: true,
            },
            Step::Settle {
                nth: 0,
                commit: true,
            },
            Step::Wait(10),
            Step::Adjust {
                points: 5,
                stamps: 0,
            },
            Step::Subscribe,
        ];
        for e in events(&value, &steps) {
            Event::from_json(&e).unwrap_or_else(|err| panic!("{e}: {err}"));
        }
    }
}

/// Regression: in `tiered.json` the first level, `bronze`, has threshold
/// `0`; a member must hold it from enrolment (qualifying `0.00` is not below
/// the threshold `0`).
#[test]
fn a_zero_threshold_level_is_reached_at_enrolment() {
    let engine = Engine::from_json(PROGRAMS[7].1).unwrap();
    let e = r#"{"type":"enrol","id":"enrol","member":"m","time":"2026-03-02T08:00:00-05:00"}"#;
    let v: Value = serde_json::from_str(&json::apply(&engine, "null", e)).unwrap();
    assert_eq!(v["outcome"]["tier"]["level"], "bronze", "{v}");
}

/// Regression (found by the model test): two reservations of `free_pastry`
/// on the café program, the second released by the member.
#[test]
fn releasing_the_second_of_two_reservations() {
    let (name, engine, value) = &engines()[0];
    let steps = vec![
        Step::Buy(vec![(2, 1), (4, 1), (4, 2)]),
        Step::Redeem {
            reward: 1,
            reserve: true,
        },
        Step::Buy(vec![(0, 1)]),
        Step::Adjust {
            points: 0,
            stamps: -1,
        },
        Step::Buy(vec![(2, 1), (0, 1)]),
        Step::Adjust {
            points: 0,
            stamps: -1,
        },
        Step::Adjust {
            points: 0,
            stamps: -1,
        },
        Step::Redeem {
            reward: 1,
            reserve: true,
        },
        Step::Buy(vec![(0, 1)]),
        Step::Settle {
            nth: 1,
            commit: false,
        },
    ];
    let events = events(value, &steps);
    if let Err(e) = run(engine, value, &events) {
        panic!("{name}: {e}\n{}", events.join("\n"));
    }
}
