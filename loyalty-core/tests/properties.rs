//! Property tests: invariants of the engine over random event sequences.
//!
//! Each case builds a random day-by-day history for one member (purchases,
//! partial and full returns, redemptions, two-phase reservations, time
//! advances, adjustments, retried duplicates and invalid events) and checks
//! after every step:
//! - each balance equals the sum of the ledger entries on its asset;
//! - a failed event leaves the account exactly as it was;
//! - a duplicate changes nothing;
//! - the account survives a JSON round trip and passes its consistency check;
//! - replaying the same events gives identical accounts and outcome bytes;
//! - a purchase followed at once by its full return leaves earnings as before.
//!
//! `PROPTEST_CASES` sets the number of cases (256 by default here).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use loyalty_core::account::Account;
use loyalty_core::event::{Line, Purchase, Redeem, Return, ReturnLine, Settle, TimeAdvanced};
use loyalty_core::outcome::{Asset, Outcome, Quote, Status};
use loyalty_core::{json, Engine, Event, Timestamp};
use proptest::prelude::*;

const MENU: &[(&str, &str, &str)] = &[
    ("latte", "coffee", "4.75"),
    ("drip", "coffee", "2.95"),
    ("croissant", "pastry", "3.25"),
    ("muffin", "pastry", "3.50"),
    ("tea", "tea", "3.80"),
    ("sandwich", "sandwich", "8.50"),
    ("mug", "merch", "14.00"),
];

fn program(variant: u8) -> Engine {
    let (points, returns) = match variant % 4 {
        0 => (
            r#"{"expiry": {"type": "rolling", "days": 20}}"#,
            r#"{"window_days": 10}"#,
        ),
        1 => (
            r#"{"pending_days": 3, "rounding": "half_even"}"#,
            r#"{"window_days": 30, "shortfall": "negative_balance"}"#,
        ),
        2 => (
            r#"{"expiry": {"type": "inactivity", "days": 6}, "rounding": "ceiling"}"#,
            r#"{"restore_rewards": false}"#,
        ),
        _ => (
            r#"{"welcome_points": 30, "earn_on": "before_reward_discounts"}"#,
            r#"{"window_days": 5}"#,
        ),
    };
    let json = format!(
        r#"{{"name": "Prop café", "currency": "USD", "excluded_categories": ["merch"],
        "points": {points}, "returns": {returns},
        "rules": [
            {{"id": "base", "earn": {{"type": "points_per_amount", "rate": "1"}}}},
            {{"id": "pastry", "earn": {{"type": "points_per_unit", "points": 5, "matching": {{"categories": ["pastry"]}}}}}},
            {{"id": "visit", "when": {{"type": "subtotal_at_least", "amount": "10.00"}}, "earn": {{"type": "points_per_visit", "points": 7}}}},
            {{"id": "coffee", "earn": {{"type": "stamps_per_unit", "stamps": 1, "matching": {{"categories": ["coffee"]}}}}}},
            {{"id": "visit_stamp", "when": {{"type": "contains", "matching": {{"skus": ["sandwich"]}}}}, "earn": {{"type": "stamps_per_visit", "stamps": 1}}}}
        ],
        "stamps": {{"card_size": 4, "reward": "free_coffee", "voucher_days": 5}},
        "rewards": [
            {{"id": "free_coffee", "cost": {{"type": "voucher"}}, "benefit": {{"type": "free_item", "matching": {{"categories": ["coffee"]}}}}}},
            {{"id": "treat", "cost": {{"type": "points", "points": 15}}, "benefit": {{"type": "fixed_discount", "amount": "2.00"}}}},
            {{"id": "pct", "cost": {{"type": "points", "points": 25}}, "benefit": {{"type": "percent_discount", "percent": "10"}}}}
        ],
        "redemption": {{"reservation_minutes": 30}},
        "idempotency": {{"remember": 8}}}}"#
    );
    Engine::from_json(&json).expect("the test program is valid")
}

/// One step of a generated history, before ids and times are assigned.
#[derive(Clone, Debug)]
enum Step {
    Buy(Vec<(usize, u32, bool)>),
    Return {
        nth: usize,
        lines: Option<Vec<(u32, u32)>>,
    },
    Redeem {
        reward: usize,
        reserve: bool,
        settle: Option<bool>,
    },
    Wait(u32),
    Adjust(i64),
    Retry(usize),
    Invalid,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => prop::collection::vec((0..MENU.len(), 1u32..4, any::<bool>()), 1..4).prop_map(Step::Buy),
        2 => (0usize..8, prop::option::of(prop::collection::vec((0u32..3, 1u32..3), 1..3)))
            .prop_map(|(nth, lines)| Step::Return { nth, lines }),
        2 => (0usize..3, any::<bool>(), prop::option::of(any::<bool>()))
            .prop_map(|(reward, reserve, settle)| Step::Redeem { reward, reserve, settle }),
        2 => (1u32..60 * 24 * 4).prop_map(Step::Wait),
        1 => (-20i64..40).prop_map(Step::Adjust),
        1 => (0usize..20).prop_map(Step::Retry),
        1 => Just(Step::Invalid),
    ]
}

fn at(minutes: u32) -> Timestamp {
    let base: Timestamp = serde_json::from_str("\"2026-03-02T08:00:00-05:00\"").expect("valid");
    base.plus_minutes(minutes)
}

fn line((item, quantity, free): (usize, u32, bool)) -> Line {
    let (sku, category, price) = MENU[item % MENU.len()];
    Line {
        sku: sku.into(),
        category: Some(category.into()),
        tags: vec![],
        quantity,
        unit_price: price.parse().expect("menu price"),
        discount: None,
        reward_discount: if free {
            Some(price.parse().expect("menu price"))
        } else {
            None
        },
    }
}

/// Turn steps into concrete events with ids and increasing times.
fn events(steps: &[Step]) -> Vec<Event> {
    let mut out: Vec<Event> = vec![Event::from_json(
        r#"{"type": "enrol", "id": "enrol", "member": "m", "time": "2026-03-02T08:00:00-05:00"}"#,
    )
    .expect("valid enrol")];
    let mut minutes = 0;
    let mut purchases: Vec<String> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        minutes += 3;
        let id = format!("e{i}");
        let time = at(minutes);
        let rewards = ["free_coffee", "treat", "pct"];
        match s {
            Step::Buy(lines) => {
                purchases.push(id.clone());
                out.push(Event::Purchase(Purchase {
                    id: id.into(),
                    time,
                    location: None,
                    staff: None,
                    channel: None,
                    lines: lines.iter().copied().map(line).collect(),
                    redemptions: vec![],
                }));
            }
            Step::Return { nth, lines } => {
                let purchase = purchases.get(nth % purchases.len().max(1)).cloned().unwrap_or_else(|| "none".into());
                out.push(Event::Return(Return {
                    id: id.into(),
                    time,
                    purchase,
                    lines: lines
                        .as_ref()
                        .map(|ls| ls.iter().map(|&(line, quantity)| ReturnLine { line, quantity }).collect()),
                }));
            }
            Step::Redeem { reward, reserve, settle } => {
                let redeem = Redeem {
                    id: id.as_str().into(),
                    time,
                    reward: rewards[reward % 3].into(),
                    voucher: None,
                    amount: None,
                    basket: vec![line((0, 1, false)), line((2, 2, false))],
                };
                if *reserve {
                    out.push(Event::Reserve(redeem));
                    if let Some(commit) = settle {
                        minutes += 1;
                        let s = Settle { id: format!("{id}-s").into(), time: at(minutes), reservation: id };
                        out.push(if *commit { Event::Commit(s) } else { Event::Release(s) });
                    }
                } else {
                    out.push(Event::Redeem(redeem));
                }
            }
            Step::Wait(m) => {
                minutes += m;
                out.push(Event::TimeAdvanced(TimeAdvanced { id: id.into(), time: at(minutes) }));
            }
            Step::Adjust(points) => out.push(
                Event::from_json(&format!(
                    r#"{{"type": "adjust", "id": "{id}", "time": "{time}", "points": {points}, "stamps": 1, "staff": "s", "reason": "r"}}"#
                ))
                .expect("valid adjust"),
            ),
            Step::Retry(back) => {
                if let Some(e) = out.iter().rev().nth(back % out.len()).cloned() {
                    out.push(e);
                }
            }
            Step::Invalid => {
                let mut bad = line((1, 1, false));
                bad.quantity = 0;
                out.push(Event::Purchase(Purchase {
                    id: id.into(),
                    time,
                    location: None,
                    staff: None,
                    channel: None,
                    lines: vec![bad],
                    redemptions: vec![],
                }));
            }
        }
    }
    out
}

fn asset_balance(a: &Account, asset: Asset) -> i64 {
    match asset {
        Asset::Points => a.points.balance,
        Asset::Pending => a.points.pending,
        Asset::Reserved => a.points.reserved,
        Asset::Debt => a.points.debt,
        Asset::Stamps => a.stamps.count,
        Asset::Vouchers => a.vouchers.len() as i64,
        Asset::ReservedVouchers => a
            .reservations
            .iter()
            .filter(|r| r.voucher.is_some())
            .count() as i64,
        Asset::Wallet => a.wallet.balance,
        Asset::WalletPending => a.wallet.pending,
        Asset::WalletReserved => a.wallet.reserved,
        Asset::WalletDebt => a.wallet.debt,
        Asset::Donations => a.donations.iter().map(|d| d.amount).sum(),
        // Status entries record changes, not quantities.
        Asset::Tier | Asset::Subscription => 0,
    }
}

const ASSETS: [Asset; 12] = [
    Asset::Points,
    Asset::Pending,
    Asset::Reserved,
    Asset::Debt,
    Asset::Stamps,
    Asset::Vouchers,
    Asset::ReservedVouchers,
    Asset::Wallet,
    Asset::WalletPending,
    Asset::WalletReserved,
    Asset::WalletDebt,
    Asset::Donations,
];

/// Apply all events, checking the per-step invariants; returns the final
/// account and every answer's bytes.
fn run(engine: &Engine, events: &[Event]) -> Result<(Account, Vec<String>), TestCaseError> {
    let mut account = Account::new("m");
    let mut sums: BTreeMap<Asset, i64> = BTreeMap::new();
    let mut answers = Vec::new();
    for event in events {
        let before = account.clone();
        match engine.apply_in_place(&mut account, event) {
            Ok(outcome) => {
                if outcome.status == Status::Duplicate {
                    prop_assert_eq!(&account, &before, "a duplicate changed the account");
                    prop_assert!(outcome.ledger.is_empty());
                }
                for e in &outcome.ledger {
                    prop_assert_eq!(&*e.event, event.id());
                    *sums.entry(e.asset).or_default() += e.amount;
                }
                answers.push(serde_json::to_string(&outcome).expect("serializable"));
            }
            Err(e) => {
                prop_assert_eq!(&account, &before, "a failed event changed the account");
                answers.push(json::error_envelope(&e));
            }
        }
        for asset in ASSETS {
            prop_assert_eq!(
                asset_balance(&account, asset),
                sums.get(&asset).copied().unwrap_or(0),
                "{:?} differs from its ledger after {}",
                asset,
                event.id()
            );
        }
        prop_assert!(
            account.points.balance >= 0 || account.points.lots.iter().all(|l| l.is_pending())
        );
        let text = serde_json::to_string(&account).expect("serializable");
        let back = json::parse_account(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.as_ref(), Some(&account), "account JSON round trip");
    }
    Ok((account, answers))
}

/// [`run`]'s history applied with one outcome reused for every event
/// (`Engine::apply_in_place_into`): the final account and every answer.
fn run_into(engine: &Engine, events: &[Event]) -> Result<(Account, Vec<String>), TestCaseError> {
    run_into_from(engine, events, Account::new("m"))
}

/// [`run_into`] from `account` rather than a new one.
fn run_into_from(
    engine: &Engine,
    events: &[Event],
    mut account: Account,
) -> Result<(Account, Vec<String>), TestCaseError> {
    let mut outcome = Outcome::default();
    let mut answers = Vec::new();
    for event in events {
        let before = account.clone();
        match engine.apply_in_place_into(&mut account, event, &mut outcome) {
            Ok(()) => answers.push(serde_json::to_string(&outcome).expect("serializable")),
            Err(e) => {
                prop_assert_eq!(&account, &before, "a failed event changed the account");
                prop_assert!(outcome.ledger.is_empty() && outcome.awards.is_empty());
                answers.push(json::error_envelope(&e));
            }
        }
    }
    Ok((account, answers))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn invariants_hold_and_replay_is_identical(variant in 0u8..4, steps in prop::collection::vec(step(), 1..60)) {
        let engine = program(variant);
        let events = events(&steps);
        let (first, answers) = run(&engine, &events)?;
        let (second, again) = run(&engine, &events)?;
        prop_assert_eq!(first, second);
        prop_assert_eq!(answers, again);
    }

    #[test]
    fn a_reused_outcome_gives_the_same_answers(variant in 0u8..4, steps in prop::collection::vec(step(), 1..60)) {
        let engine = program(variant);
        let events = events(&steps);
        prop_assert_eq!(run(&engine, &events)?, run_into(&engine, &events)?);
    }

    /// An account cleared after one member's history (`Account::clear`,
    /// which keeps its lists' room) replays the next member's exactly as a
    /// new account does.
    #[test]
    fn a_cleared_account_replays_as_a_new_one(
        variant in 0u8..4,
        before in prop::collection::vec(step(), 1..60),
        steps in prop::collection::vec(step(), 1..60),
    ) {
        let engine = program(variant);
        let (mut reused, _) = run_into(&engine, &events(&before))?;
        reused.clear();
        prop_assert_eq!(&reused, &Account::default());
        reused.member = "m".into();
        let events = events(&steps);
        prop_assert_eq!(run_into_from(&engine, &events, reused)?, run_into(&engine, &events)?);
    }

    /// Quoting every basket of a history into one reused quote answers as
    /// a new quote does, errors included (and a failed quote is emptied).
    #[test]
    fn a_reused_quote_gives_the_same_answers(variant in 0u8..4, steps in prop::collection::vec(step(), 1..60)) {
        let engine = program(variant);
        let mut account = Account::new("m");
        let mut reused = Quote::default();
        for event in events(&steps) {
            if let Event::Purchase(p) = &event {
                let fresh = engine.quote(&account, p);
                let into = engine.quote_into(&account, p, &mut reused);
                match fresh {
                    Ok(q) => {
                        prop_assert!(into.is_ok());
                        prop_assert_eq!(&q, &reused);
                    }
                    Err(e) => {
                        prop_assert_eq!(into.err().map(|e| e.to_string()), Some(e.to_string()));
                        prop_assert_eq!(&reused, &Quote::default());
                    }
                }
            }
            let _ = engine.apply_in_place(&mut account, &event);
        }
    }

    #[test]
    fn a_full_return_gives_back_what_the_purchase_earned(
        variant in 0u8..4,
        steps in prop::collection::vec(step(), 0..30),
        basket in prop::collection::vec((0..MENU.len(), 1u32..4, any::<bool>()), 1..5),
    ) {
        let engine = program(variant);
        let mut events = events(&steps);
        let (mut account, _) = run(&engine, &events)?;
        let time = events.iter().map(Event::time).max().expect("enrol").plus_minutes(1);
        let buy = Event::Purchase(Purchase {
            id: "the-purchase".into(), time, location: None, staff: None, channel: None,
            lines: basket.into_iter().map(line).collect(), redemptions: vec![],
        });
        let back = Event::Return(Return { id: "the-return".into(), time, purchase: "the-purchase".into(), lines: None });
        // Let time catch up first (pending points vest, lots expire), so that
        // only the purchase and its return differ between the two snapshots.
        let settle = Event::TimeAdvanced(TimeAdvanced { id: "settle".into(), time });
        engine.apply_in_place(&mut account, &settle).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let before = account.clone();
        engine.apply_in_place(&mut account, &buy).map_err(|e| TestCaseError::fail(e.to_string()))?;
        engine.apply_in_place(&mut account, &back).map_err(|e| TestCaseError::fail(e.to_string()))?;
        events.push(buy);
        let card = 4;
        prop_assert_eq!(account.points.balance - account.points.debt, before.points.balance - before.points.debt);
        prop_assert_eq!(account.points.pending, before.points.pending);
        let stamps = |a: &Account| a.stamps.count + card * a.stamps.cards_completed as i64;
        prop_assert_eq!(stamps(&account), stamps(&before));
    }
}
