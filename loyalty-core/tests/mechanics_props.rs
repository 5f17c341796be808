//! Property tests of the mechanics: over random histories of purchases,
//! returns, plan events, allowance redemptions and time,
//! - the tier level is never below what the qualifying value earns, and is
//!   above it only while a review or a grace period is pending;
//! - cashback never exceeds the per-purchase and per-period caps;
//! - allowance counters never go below zero nor above the plan's units.
//!
//! `PROPTEST_CASES` sets the number of cases (256 by default).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use loyalty_core::account::Account;
use loyalty_core::outcome::{Asset, EntryKind};
use loyalty_core::{Engine, Event, Timestamp};
use proptest::prelude::*;

const PROGRAM: &str = r#"{
  "name": "Mechanics under test", "currency": "USD", "excluded_categories": ["merch"],
  "tiers": {"qualify_on": "spend", "window": {"type": "rolling", "days": 20, "bucket_days": 2}, "grace_days": 3,
            "levels": [{"id": "silver", "threshold": "40.00", "multiplier": "1.25"},
                       {"id": "gold", "threshold": "120.00", "multiplier": "1.5"}]},
  "cashback": {"max_per_purchase": "1.50", "max_per_period": {"amount": "4.00", "per": "week"}},
  "plans": [{"id": "club", "price": "9.00", "period_days": 7, "grace_days": 2}],
  "rules": [
    {"id": "base", "priority": 10, "earn": {"type": "points_per_amount", "rate": "1"}},
    {"id": "tier", "earn": {"type": "tier_multiplier", "rules": ["base"]}},
    {"id": "cb", "earn": {"type": "cashback_percent", "percent": "5", "by_tier": {"gold": "8"}}}
  ],
  "rewards": [
    {"id": "drip", "cost": {"type": "allowance", "plan": "club", "units": 2, "per": "day"},
     "benefit": {"type": "free_item", "matching": {"skus": ["drip"]}}},
    {"id": "wallet", "cost": {"type": "wallet"}, "benefit": {"type": "wallet_payment"}}
  ]
}"#;

#[derive(Clone, Debug)]
enum Step {
    Buy(u32, bool),
    Return(usize),
    Subscribe,
    Renew,
    Cancel,
    Drip,
    Wait(u32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (100u32..6000, any::<bool>()).prop_map(|(cents, merch)| Step::Buy(cents, merch)),
        2 => (0usize..6).prop_map(Step::Return),
        1 => Just(Step::Subscribe),
        1 => Just(Step::Renew),
        1 => Just(Step::Cancel),
        3 => Just(Step::Drip),
        3 => (1u32..4000).prop_map(Step::Wait),
    ]
}

fn at(minutes: u32) -> Timestamp {
    let base: Timestamp = serde_json::from_str("\"2026-03-02T08:00:00-05:00\"").unwrap();
    base.plus_minutes(minutes)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tiers_caps_and_allowances_hold(steps in prop::collection::vec(step(), 1..80)) {
        let engine = Engine::from_json(PROGRAM).unwrap();
        let mut account = Account::new("m");
        let enrol = Event::from_json(r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-03-02T08:00:00-05:00"}"#).unwrap();
        engine.apply_in_place(&mut account, &enrol).unwrap();
        let mut minutes = 0;
        let mut purchases = Vec::new();
        // Cashback earned per local week (day number of the week's Monday).
        let mut weekly: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
        for (i, s) in steps.iter().enumerate() {
            minutes += 7;
            let time = at(minutes);
            let json = match s {
                Step::Buy(cents, merch) => {
                    purchases.push(format!("b{i}"));
                    let category = if *merch { "merch" } else { "food" };
                    format!(r#"{{"type": "purchase", "id": "b{i}", "time": "{time}", "lines": [
                        {{"sku": "x", "category": "{category}", "quantity": 1, "unit_price": "{}.{:02}"}},
                        {{"sku": "drip", "category": "coffee", "quantity": 1, "unit_price": "2.95"}}]}}"#, cents / 100, cents % 100)
                }
                Step::Return(n) => match purchases.get(n % purchases.len().max(1)) {
                    Some(p) => format!(r#"{{"type": "return", "id": "r{i}", "time": "{time}", "purchase": "{p}"}}"#),
                    None => continue,
                },
                Step::Subscribe => format!(r#"{{"type": "subscribe", "id": "s{i}", "time": "{time}", "plan": "club"}}"#),
                Step::Renew => format!(r#"{{"type": "renew", "id": "n{i}", "time": "{time}", "plan": "club"}}"#),
                Step::Cancel => format!(r#"{{"type": "cancel", "id": "c{i}", "time": "{time}"}}"#),
                Step::Drip => format!(r#"{{"type": "redeem", "id": "d{i}", "time": "{time}", "reward": "drip",
                    "basket": [{{"sku": "drip", "category": "coffee", "quantity": 1, "unit_price": "2.95"}}]}}"#),
                Step::Wait(m) => {
                    minutes += m;
                    format!(r#"{{"type": "time_advanced", "id": "t{i}", "time": "{}"}}"#, at(minutes))
                }
            };
            let event = Event::from_json(&json).unwrap();
            let Ok(outcome) = engine.apply_in_place(&mut account, &event) else { continue };

            // Caps: per purchase, and per local week.
            let earned: i64 = outcome.ledger.iter()
                .filter(|e| e.kind == EntryKind::Earn && matches!(e.asset, Asset::Wallet | Asset::WalletPending))
                .map(|e| e.amount).sum();
            prop_assert!(earned <= 150, "cashback {earned} above the per-purchase cap");
            let local = event.time().as_datetime().date_naive();
            let week = i64::from(chrono::Datelike::num_days_from_ce(&local))
                - i64::from(chrono::Datelike::weekday(&local).num_days_from_monday());
            *weekly.entry(week).or_default() += earned;
            prop_assert!(weekly[&week] <= 400, "cashback {} above the weekly cap", weekly[&week]);

            // Allowances stay within 0..=units.
            for u in account.usage.iter().filter(|u| u.key.starts_with("allowance:")) {
                prop_assert!((0..=2).contains(&u.used), "allowance counter {}", u.used);
            }

            // Tier: never below what the qualifying value earns; above it only with a review pending.
            if let Some(info) = &outcome.tier {
                let q = info.qualifying.get();
                let earned_level = if q >= rust_decimal::Decimal::from(120) { 2 }
                    else if q >= rust_decimal::Decimal::from(40) { 1 } else { 0 };
                let level = match info.level.as_deref() { Some("gold") => 2, Some("silver") => 1, _ => 0 };
                prop_assert!(level >= earned_level, "level {level} below the {earned_level} earned by {q}");
                if level > earned_level {
                    prop_assert!(info.at_risk && info.next_evaluation.is_some());
                }
            }
        }
    }
}
