//! Every program in `examples/programs/` loads and behaves as its name says,
//! on a short hand-computed scenario.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use loyalty_core::account::Account;
use loyalty_core::{Engine, Event};

fn engine(name: &str) -> Engine {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/programs")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Engine::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Apply JSON events in order; panics on any error.
fn run(engine: &Engine, events: &[&str]) -> Account {
    let mut account = Account::new("m");
    for e in events {
        let event = Event::from_json(e).unwrap_or_else(|err| panic!("{e}: {err}"));
        engine
            .apply_in_place(&mut account, &event)
            .unwrap_or_else(|err| panic!("{e}: {err}"));
    }
    account
}

const ENROL: &str =
    r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-03-02T08:00:00-05:00"}"#;

fn buy(id: &str, time: &str, lines: &str) -> String {
    format!(r#"{{"type": "purchase", "id": "{id}", "time": "{time}", "lines": [{lines}]}}"#)
}

const LATTE: &str =
    r#"{"sku": "latte", "category": "coffee", "quantity": 1, "unit_price": "4.75"}"#;
const CROISSANT: &str =
    r#"{"sku": "croissant", "category": "pastry", "quantity": 1, "unit_price": "3.25"}"#;

#[test]
fn every_example_program_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/programs");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            engine(path.file_name().unwrap().to_str().unwrap());
            n += 1;
        }
    }
    assert!(n >= 8, "expected the eight example programs, found {n}");
}

#[test]
fn stamp_card_gives_the_eleventh_coffee() {
    let e = engine("cafe-stamp-card.json");
    let mut events = vec![ENROL.to_owned()];
    for day in 3..13 {
        events.push(buy(
            &format!("p{day}"),
            &format!("2026-03-{day:02}T08:00:00-05:00"),
            LATTE,
        ));
    }
    events.push(
        r#"{"type": "redeem", "id": "free", "time": "2026-03-13T08:00:00-05:00", "reward": "free_coffee",
            "basket": [{"sku": "latte", "category": "coffee", "quantity": 1, "unit_price": "4.75"}]}"#
            .to_owned(),
    );
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    let account = run(&e, &refs);
    assert_eq!(
        (
            account.stamps.count,
            account.stamps.cards_completed,
            account.vouchers.len()
        ),
        (0, 1, 0)
    );
}

#[test]
fn points_program_earns_a_point_a_dollar_plus_a_visit_bonus() {
    let e = engine("points.json");
    let account = run(
        &e,
        &[
            ENROL,
            &buy(
                "p1",
                "2026-03-02T09:00:00-05:00",
                &format!("{LATTE}, {CROISSANT}"),
            ),
        ],
    );
    // 25 welcome + floor(8.00) + 2 per visit
    assert_eq!(account.points.balance, 35);
}

#[test]
fn tiered_program_moves_to_silver_and_multiplies() {
    let e = engine("tiered.json");
    let big = r#"{"sku": "catering", "category": "food", "quantity": 1, "unit_price": "120.00"}"#;
    let account = run(
        &e,
        &[
            ENROL,
            &buy("p1", "2026-03-02T09:00:00-05:00", big),
            &buy("p2", "2026-03-02T10:00:00-05:00", big),
        ],
    );
    let tier = account.tier.as_ref().unwrap();
    assert_eq!(tier.level.as_deref(), Some("silver"));
    // p1: 120 at bronze (x1); p2: floor(120 x 1.25) = 150.
    assert_eq!(account.points.balance, 270);
}

#[test]
fn cashback_program_pays_five_percent_after_two_weeks() {
    let e = engine("cashback.json");
    let big = r#"{"sku": "beans", "category": "retail", "quantity": 2, "unit_price": "19.99"}"#;
    let account = run(
        &e,
        &[
            ENROL,
            &buy("p1", "2026-03-02T09:00:00-05:00", big),
            r#"{"type": "time_advanced", "id": "t", "time": "2026-03-16T09:00:00-05:00"}"#,
        ],
    );
    // 5% of 39.98, rounded down to the cent: 1.99 = 199 minor units.
    assert_eq!((account.wallet.balance, account.wallet.pending), (199, 0));
}

#[test]
fn coffee_club_gives_one_drip_a_day_and_double_points() {
    let e = engine("coffee-club.json");
    let drip = r#"[{"sku": "drip", "category": "coffee", "quantity": 1, "unit_price": "2.95"}]"#;
    let account = run(
        &e,
        &[
            ENROL,
            r#"{"type": "subscribe", "id": "s", "time": "2026-03-02T08:01:00-05:00", "plan": "coffee_club"}"#,
            &format!(
                r#"{{"type": "redeem", "id": "d1", "time": "2026-03-02T08:02:00-05:00", "reward": "daily_drip", "basket": {drip}}}"#
            ),
            &buy("p1", "2026-03-02T08:03:00-05:00", CROISSANT),
            &format!(
                r#"{{"type": "redeem", "id": "d2", "time": "2026-03-03T08:02:00-05:00", "reward": "daily_drip", "basket": {drip}}}"#
            ),
        ],
    );
    assert_eq!(account.points.balance, 6); // floor(3.25) = 3, doubled
    let second_today = Event::from_json(&format!(
        r#"{{"type": "redeem", "id": "d3", "time": "2026-03-03T09:00:00-05:00", "reward": "daily_drip", "basket": {drip}}}"#
    ))
    .unwrap();
    assert_eq!(
        e.apply(&account, &second_today).unwrap_err().code(),
        "allowance_used_up"
    );
}

#[test]
fn charity_program_rounds_up_for_the_cause() {
    let e = engine("charity-round-up.json");
    let enrol = r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-03-02T08:00:00-05:00", "cause": "food_bank"}"#;
    let account = run(
        &e,
        &[
            enrol,
            &buy(
                "p1",
                "2026-03-02T09:00:00-05:00",
                &format!("{LATTE}, {CROISSANT}"),
            ),
            &buy("p2", "2026-03-02T10:00:00-05:00", LATTE),
        ],
    );
    // 8.00 is round already; 4.75 rounds up by 0.25.
    assert_eq!(account.donations.len(), 1);
    assert_eq!(
        (
            account.donations[0].cause.as_str(),
            account.donations[0].amount
        ),
        ("food_bank", 25)
    );
}

#[test]
fn cafe_hybrid_follows_its_formula() {
    let e = engine("cafe-hybrid.json");
    // Monday 14:30: eligible 4.75 + 2 x 3.25 + 17.00 = 28.25 (the mug is merch).
    let lines = r#"{"sku": "latte", "category": "coffee", "quantity": 1, "unit_price": "4.75"},
        {"sku": "croissant", "category": "pastry", "quantity": 2, "unit_price": "3.25"},
        {"sku": "club", "category": "sandwich", "quantity": 2, "unit_price": "8.50"},
        {"sku": "mug", "category": "merch", "quantity": 1, "unit_price": "14.00"}"#;
    let account = run(&e, &[ENROL, &buy("p1", "2026-03-02T14:30:00-04:00", lines)]);
    // base 28, doubled 56, no tier, + 5 x 2 pastries + 50 (>= 25.00)
    assert_eq!(account.points.balance, 56 + 10 + 50);
    assert_eq!(account.stamps.count, 1);
}

#[test]
fn cafe_program_behind_cargo_run_loads() {
    let e = engine("cafe.json");
    let account = run(&e, &[ENROL, &buy("p1", "2026-03-02T09:00:00-05:00", LATTE)]);
    assert_eq!((account.points.balance, account.stamps.count), (24, 1));
}
