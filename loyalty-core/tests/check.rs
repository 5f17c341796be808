//! The program checker: one program per kind of warning, with the path and
//! code it must report, and the guidance its message must quote.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use loyalty_core::check::{check, Warning};
use loyalty_core::json;

/// A program around `body` (JSON members after name and currency).
fn program(body: &str) -> loyalty_core::Program {
    let text = format!(r#"{{"name": "Test", "currency": "USD", {body}}}"#);
    json::parse_program(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn warnings(body: &str) -> Vec<Warning> {
    check(&program(body))
}

fn codes(body: &str) -> Vec<(String, String)> {
    warnings(body)
        .into_iter()
        .map(|w| (w.path, w.code))
        .collect()
}

fn has(body: &str, path: &str, code: &str) -> Warning {
    let all = warnings(body);
    all.iter()
        .find(|w| w.path == path && w.code == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {code} at {path} in {all:#?}"))
}

const BASE: &str =
    r#""rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]"#;

/// A rule with `when`, in an otherwise quiet program.
fn rule_when(when: &str) -> String {
    format!(
        r#""rules": [{{"id": "r", "when": {when}, "earn": {{"type": "points_per_visit", "points": 5}}}}]"#
    )
}

#[test]
fn a_quiet_program_has_no_warnings() {
    assert_eq!(codes(BASE), vec![]);
}

#[test]
fn time_windows_that_do_not_overlap_never_fire() {
    let w = has(
        &rule_when(
            r#"{"type": "all", "of": [
                {"type": "time_window", "from": "07:00", "to": "09:00"},
                {"type": "time_window", "from": "14:00", "to": "16:00"}]}"#,
        ),
        "rules[0].when",
        "rule_never_fires",
    );
    assert_eq!(
        w.message,
        "rule `r` can never fire: its time windows leave no minute of the week"
    );
    // Days that do not meet are just as empty; a window past midnight is not.
    has(
        &rule_when(
            r#"{"type": "all", "of": [
                {"type": "time_window", "days": ["mon"], "from": "07:00", "to": "09:00"},
                {"type": "time_window", "days": ["tue"], "from": "07:00", "to": "09:00"}]}"#,
        ),
        "rules[0].when",
        "rule_never_fires",
    );
    assert_eq!(
        codes(&rule_when(
            r#"{"type": "all", "of": [
                {"type": "time_window", "from": "22:00", "to": "02:00"},
                {"type": "time_window", "from": "01:00", "to": "03:00"}]}"#
        )),
        vec![]
    );
    // `not` of an all-day window leaves nothing.
    has(
        &rule_when(
            r#"{"type": "not", "condition": {"type": "time_window", "from": "00:00", "to": "24:00"}}"#,
        ),
        "rules[0].when",
        "rule_never_fires",
    );
}

#[test]
fn impossible_conditions_never_fire() {
    let cases = [
        (r#"{"type": "any", "of": []}"#, "rules[0].when.of"),
        (r#"{"type": "tier", "tiers": ["gold"]}"#, "rules[0].when"),
        (r#"{"type": "subscription_active"}"#, "rules[0].when"),
        (
            r#"{"type": "all", "of": [{"type": "location", "locations": ["a"]},
                                      {"type": "location", "locations": ["b"]}]}"#,
            "rules[0].when",
        ),
        (
            r#"{"type": "all", "of": [{"type": "channel", "channels": ["app"]},
                                      {"type": "channel", "channels": ["in_store"]}]}"#,
            "rules[0].when",
        ),
        (
            r#"{"type": "all", "of": [{"type": "subtotal_at_least", "amount": "20.00"},
                {"type": "not", "condition": {"type": "subtotal_at_least", "amount": "10.00"}}]}"#,
            "rules[0].when",
        ),
        (
            r#"{"type": "all", "of": [
                {"type": "date_range", "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"},
                {"type": "date_range", "from": "2026-03-01T00:00:00Z"}]}"#,
            "rules[0].when",
        ),
        (
            r#"{"type": "all", "of": [{"type": "member_tag", "tags": ["vip"]},
                                      {"type": "any", "of": []}]}"#,
            "rules[0].when.of[1].of",
        ),
    ];
    for (when, path) in cases {
        has(&rule_when(when), path, "rule_never_fires");
    }
    let w = has(
        &rule_when(
            r#"{"type": "all", "of": [{"type": "subtotal_at_least", "amount": "20.00"},
                {"type": "not", "condition": {"type": "subtotal_at_least", "amount": "10.00"}}]}"#,
        ),
        "rules[0].when",
        "rule_never_fires",
    );
    assert_eq!(
        w.message,
        "rule `r` can never fire: it needs a subtotal of at least 20.00 and below 10.00"
    );
    // Possible combinations stay quiet.
    assert_eq!(
        codes(&rule_when(
            r#"{"type": "all", "of": [{"type": "location", "locations": ["a", "b"]},
                                      {"type": "location", "locations": ["b"]}]}"#
        )),
        vec![]
    );
}

#[test]
fn rules_matching_only_excluded_categories_never_fire() {
    let w = has(
        r#""excluded_categories": ["merch"],
           "rules": [{"id": "mugs", "earn": {"type": "points_per_unit", "points": 5,
                      "matching": {"categories": ["merch"]}}}]"#,
        "rules[0].earn.matching",
        "rule_never_fires",
    );
    assert!(
        w.message.contains("only excluded categories (`merch`)"),
        "{}",
        w.message
    );
}

#[test]
fn tier_multiplier_without_multipliers_never_fires() {
    has(
        r#""rules": [{"id": "base", "priority": 1, "earn": {"type": "points_per_amount", "rate": "1"}},
                     {"id": "tier", "earn": {"type": "tier_multiplier", "rules": ["base"]}}],
           "tiers": {"qualify_on": "visits", "window": {"type": "lifetime"},
                     "levels": [{"id": "silver", "threshold": "3"}]}"#,
        "rules[1].earn",
        "rule_never_fires",
    );
}

#[test]
fn exclusive_groups_that_hide_a_rule() {
    let w = has(
        r#""rules": [
            {"id": "big", "group": "visit", "earn": {"type": "points_per_visit", "points": 10}},
            {"id": "small", "group": "visit", "earn": {"type": "points_per_visit", "points": 5}}]"#,
        "rules[1]",
        "rule_hidden_by_group",
    );
    assert!(
        w.message
            .starts_with("rule `small` never applies: in group `visit`"),
        "{}",
        w.message
    );
    // A points rule beats a stamps rule of the same group on every basket.
    has(
        r#""rules": [
            {"id": "pts", "group": "g", "earn": {"type": "points_per_visit", "points": 1}},
            {"id": "stamp", "group": "g", "earn": {"type": "stamps_per_visit", "stamps": 1}}],
           "stamps": {"card_size": 8, "reward": "free"},
           "rewards": [{"id": "free", "cost": {"type": "voucher"},
                        "benefit": {"type": "free_item", "matching": {"categories": ["coffee"]}}}]"#,
        "rules[1]",
        "rule_hidden_by_group",
    );
    // A conditional winner, or a smaller one, hides nothing.
    assert_eq!(
        codes(
            r#""rules": [
            {"id": "big", "group": "visit", "when": {"type": "subtotal_at_least", "amount": "20"},
             "earn": {"type": "points_per_visit", "points": 10}},
            {"id": "small", "group": "visit", "earn": {"type": "points_per_visit", "points": 5}}]"#
        ),
        vec![]
    );
    // Equal awards: the higher priority wins the tie and hides the other.
    has(
        r#""rules": [
            {"id": "a", "group": "g", "earn": {"type": "points_per_amount", "rate": "1"}},
            {"id": "b", "group": "g", "priority": 5, "earn": {"type": "points_per_amount", "rate": "1"}}]"#,
        "rules[0]",
        "rule_hidden_by_group",
    );
}

#[test]
fn rewards_nobody_can_afford() {
    let w = has(
        r#""rules": [{"id": "v", "earn": {"type": "stamps_per_visit", "stamps": 1}}],
           "stamps": {"card_size": 8, "reward": "free"},
           "rewards": [{"id": "free", "cost": {"type": "voucher"},
                        "benefit": {"type": "free_item", "matching": {"categories": ["coffee"]}}},
                       {"id": "mug", "cost": {"type": "points", "points": 500},
                        "benefit": {"type": "free_item", "matching": {"categories": ["merch"]}}}]"#,
        "rewards[1].cost",
        "reward_unaffordable",
    );
    assert_eq!(
        w.message,
        "reward `mug` costs 500 points, but nothing in the program gives points"
    );
    // Points expire before even a daily visitor could gather the cost.
    let w = has(
        r#""points": {"expiry": {"type": "rolling", "days": 30}},
           "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}],
           "rewards": [{"id": "trip", "cost": {"type": "points", "points": 5000},
                        "benefit": {"type": "fixed_discount", "amount": "50.00"}}]"#,
        "rewards[0].cost.points",
        "reward_unaffordable",
    );
    assert!(
        w.message.contains("gathers about 240 in that time"),
        "{}",
        w.message
    );
    // A voucher reward nothing issues; a wallet reward without cashback.
    has(
        r#""rewards": [{"id": "free", "cost": {"type": "voucher"},
                        "benefit": {"type": "free_item", "matching": {"categories": ["coffee"]}}}]"#,
        "rewards[0].cost",
        "reward_never_issued",
    );
    has(
        r#""rewards": [{"id": "pay", "cost": {"type": "wallet"}, "benefit": {"type": "wallet_payment"}}]"#,
        "rewards[0].cost",
        "reward_unaffordable",
    );
    // A reward for a tier the program does not have.
    has(
        &format!(
            r#"{BASE}, "rewards": [{{"id": "x", "tiers": ["gold"], "cost": {{"type": "points", "points": 40}},
                        "benefit": {{"type": "fixed_discount", "amount": "2.00"}}}}]"#
        ),
        "rewards[0].tiers[0]",
        "reward_unaffordable",
    );
}

#[test]
fn tiers_out_of_order_or_out_of_reach() {
    // Validation refuses this program; the checker still explains it.
    let w = has(
        r#""rules": [{"id": "v", "earn": {"type": "points_per_visit", "points": 1}}],
           "tiers": {"qualify_on": "visits", "window": {"type": "lifetime"},
                     "levels": [{"id": "silver", "threshold": "4"}, {"id": "gold", "threshold": "2"}]}"#,
        "tiers.levels[1].threshold",
        "tier_out_of_order",
    );
    assert!(
        w.message
            .starts_with("tier `gold` needs 2, not more than tier `silver` below it (4)"),
        "{}",
        w.message
    );
    let w = has(
        r#""tiers": {"qualify_on": "visits", "window": {"type": "rolling", "days": 30},
                     "levels": [{"id": "regular", "threshold": "4"}, {"id": "addict", "threshold": "45"}]}"#,
        "tiers.levels[1].threshold",
        "tier_unreachable",
    );
    assert_eq!(
        w.message,
        "tier `addict` is out of reach: needs 45 visits within a 30-day window: more than a visit a day, every day"
    );
    has(
        r#""tiers": {"qualify_on": "points", "window": {"type": "lifetime"},
                     "levels": [{"id": "silver", "threshold": "100"}]}"#,
        "tiers.levels[0].threshold",
        "tier_unreachable",
    );
}

fn stamp_card(size: u32) -> String {
    format!(
        r#""rules": [{{"id": "coffee", "earn": {{"type": "stamps_per_unit", "stamps": 1,
                        "matching": {{"categories": ["coffee"]}}}}}}],
           "stamps": {{"card_size": {size}, "reward": "free"}},
           "rewards": [{{"id": "free", "cost": {{"type": "voucher"}},
                        "benefit": {{"type": "free_item", "matching": {{"categories": ["coffee"]}}}}}}]"#
    )
}

#[test]
fn stamp_card_guidance() {
    let w = has(
        &stamp_card(12),
        "stamps.card_size",
        "first_stamp_reward_slow",
    );
    assert_eq!(
        w.message,
        "the first stamp reward takes 12 visits (1 stamp(s) a visit, a 12-stamp card); guidance for stamp cards: first reward within 5-10 visits, reached in 2-3 months by weekly visitors, by 65-75% of members; too slow: members lose interest before the first reward"
    );
    has(
        &stamp_card(4),
        "stamps.card_size",
        "first_stamp_reward_fast",
    );
    for size in [5, 10] {
        assert_eq!(codes(&stamp_card(size)), vec![], "card of {size}");
    }
}

fn points_per_visit(points: u32, cost: u32) -> String {
    format!(
        r#""rules": [{{"id": "visit", "earn": {{"type": "points_per_visit", "points": {points}}}}}],
           "rewards": [{{"id": "treat", "cost": {{"type": "points", "points": {cost}}},
                        "benefit": {{"type": "fixed_discount", "amount": "3.00"}}}}]"#
    )
}

#[test]
fn points_guidance_counts_purchases() {
    let w = has(
        &points_per_visit(10, 80),
        "rewards[0].cost.points",
        "first_points_reward_slow",
    );
    assert!(
        w.message.starts_with("the first points reward (`treat`, 80 points) takes 8 purchases of 8.00 (10 points each); guidance for points programs: first reward within 3-5 purchases"),
        "{}",
        w.message
    );
    has(
        &points_per_visit(10, 20),
        "rewards[0].cost.points",
        "first_points_reward_fast",
    );
    assert_eq!(codes(&points_per_visit(10, 40)), vec![]);
    // Welcome points count toward the first reward.
    let body = format!(
        r#""points": {{"welcome_points": 40}}, {}"#,
        points_per_visit(10, 80)
    );
    assert_eq!(codes(&body), vec![]);
}

fn spend(rate: &str, cost: u32) -> String {
    format!(
        r#""rules": [{{"id": "base", "earn": {{"type": "points_per_amount", "rate": "{rate}"}}}}],
           "rewards": [{{"id": "ten_off", "cost": {{"type": "points", "points": {cost}}},
                        "benefit": {{"type": "fixed_discount", "amount": "10.00"}}}}]"#
    )
}

#[test]
fn spend_guidance_counts_money() {
    // 150 points at 5 per dollar: 30 of spend, 40 points a visit: 4 purchases.
    let w = has(
        &spend("5", 150),
        "rewards[0].cost.points",
        "first_spend_reward_fast",
    );
    assert!(
        w.message.contains("needs about 30 of spend at 5 point(s) per currency unit; guidance for spend programs: first reward at 100-200 of spend"),
        "{}",
        w.message
    );
    // 300 points at 1 per dollar: 300 of spend, and 38 purchases.
    let found = codes(&spend("1", 300));
    assert_eq!(
        found,
        vec![
            (
                "rewards[0].cost.points".to_owned(),
                "first_points_reward_slow".to_owned()
            ),
            (
                "rewards[0].cost.points".to_owned(),
                "first_spend_reward_slow".to_owned()
            ),
        ]
    );
}

#[test]
fn first_tier_guidance() {
    let w = has(
        r#""tiers": {"qualify_on": "spend", "window": {"type": "calendar_year"},
                     "levels": [{"id": "silver", "threshold": "100.00"}]}"#,
        "tiers.levels[0].threshold",
        "first_tier_slow",
    );
    assert_eq!(
        w.message,
        "the first tier `silver` takes 13 visits of 8.00, about 84 days for a member visiting every 7 days; guidance for tiers: first tier within a month, reached in 30 days by 70-80% of members"
    );
    // Five weekly visits: the fifth falls on day 28.
    assert_eq!(
        codes(
            r#""tiers": {"qualify_on": "visits", "window": {"type": "lifetime"},
                         "levels": [{"id": "regular", "threshold": "5"}]}"#
        ),
        vec![]
    );
}

#[test]
fn the_cafe_hybrid_program() {
    let text = include_str!("../../examples/programs/cafe-hybrid.json");
    let program = json::parse_program(text).unwrap();
    let found: Vec<(String, String)> = check(&program)
        .into_iter()
        .map(|w| (w.path, w.code))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "rewards[1].cost.points".to_owned(),
                "first_points_reward_slow".to_owned()
            ),
            (
                "rewards[1].cost.points".to_owned(),
                "first_spend_reward_fast".to_owned()
            ),
            (
                "tiers.levels[0].threshold".to_owned(),
                "first_tier_slow".to_owned()
            ),
        ]
    );
}

#[test]
fn json_envelope() {
    let answer = json::check_program(&format!(
        r#"{{"name": "T", "currency": "USD", {}}}"#,
        stamp_card(12)
    ));
    let value: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(value["warnings"][0]["path"], "stamps.card_size");
    assert_eq!(value["warnings"][0]["code"], "first_stamp_reward_slow");
    assert!(answer.starts_with(r#"{"ok":true,"warnings":[{"path":"stamps.card_size","code":"first_stamp_reward_slow","message":"the first stamp reward takes 12 visits"#));
    let bad = json::check_program(r#"{"name": "T", "currency": "USD", "rulez": []}"#);
    assert!(
        bad.starts_with(
            r#"{"ok":false,"error":{"kind":"invalid_json","code":"invalid_program_json""#
        ),
        "{bad}"
    );
    // Engine::check says the same.
    let engine = loyalty_core::Engine::from_json(&format!(
        r#"{{"name": "T", "currency": "USD", {}}}"#,
        stamp_card(12)
    ))
    .unwrap();
    assert_eq!(engine.check().len(), 1);
}
