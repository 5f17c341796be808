//! The per-mechanic workload: a typical café basket, a regular with
//! earlier purchases, and a program of 200 rules (benchmark 4; the
//! profiling loop's `rules_200_quote` mode).

use loyalty_core::decimal::Dec;
use loyalty_core::event::{Line, Purchase};
use loyalty_core::{Account, Engine, Event};
use rust_decimal::Decimal;

use crate::{at, enrolled_at, feed};

/// A line of `quantity` units of `sku` in `category` at `cents` each.
pub fn line(sku: &str, category: &str, quantity: u32, cents: i64) -> Line {
    Line {
        sku: sku.into(),
        category: Some(category.into()),
        tags: vec![],
        quantity,
        unit_price: Dec(Decimal::new(cents, 2)),
        discount: None,
        reward_discount: None,
    }
}

/// A typical basket: two coffees, a pastry, a sandwich, a mug.
pub fn basket() -> Vec<Line> {
    vec![
        line("latte", "coffee", 2, 475),
        line("croissant", "pastry", 1, 350),
        line("club", "sandwich", 1, 925),
        line("mug", "merch", 1, 1200),
    ]
}

/// A purchase of [`basket`], `id`, at `time` (RFC 3339).
pub fn purchase(id: &str, time: &str) -> Event {
    Event::Purchase(Purchase {
        id: id.into(),
        time: at(time),
        location: None,
        staff: None,
        channel: None,
        lines: basket(),
        redemptions: vec![],
    })
}

/// A member with `n` earlier purchases two weeks before `time`.
pub fn regular(engine: &Engine, n: usize) -> Account {
    let mut account = enrolled_at(engine, "m", "2026-01-01T08:00:00-05:00");
    for i in 0..n {
        let day = 1 + i / 3;
        let event = purchase(
            &format!("old{i}"),
            &format!("2026-02-{:02}T{:02}:00:00-05:00", day, 8 + 4 * (i % 3)),
        );
        feed(engine, &mut account, &event);
    }
    account
}

/// A program of 200 rules (its JSON): per-category and per-SKU points,
/// happy hours, basket-size bonuses, multipliers, exclusive groups and
/// stamp rules. About 150 of them give something on [`basket`].
pub fn program_200() -> String {
    let categories = ["coffee", "tea", "pastry", "sandwich", "juice"];
    let mut rules = String::new();
    for (i, cat) in (0..200).zip(categories.iter().cycle()) {
        let rule = match i % 8 {
            0 => format!(
                r#"{{"id": "r{i}", "earn": {{"type": "points_per_amount", "rate": "1", "matching": {{"categories": ["{cat}"]}}}}}}"#
            ),
            1 => format!(
                r#"{{"id": "r{i}", "earn": {{"type": "points_per_unit", "points": 2, "matching": {{"skus": ["sku{i}", "latte"]}}}}}}"#
            ),
            2 => format!(
                r#"{{"id": "r{i}", "when": {{"type": "time_window", "days": ["mon", "tue"], "from": "{:02}:00", "to": "{:02}:00"}}, "earn": {{"type": "points_per_visit", "points": 3}}}}"#,
                6 + i % 12,
                7 + i % 12
            ),
            3 => format!(
                r#"{{"id": "r{i}", "when": {{"type": "subtotal_at_least", "amount": "{}.00"}}, "earn": {{"type": "points_per_visit", "points": 10}}, "group": "basket{}"}}"#,
                10 + i % 40,
                i % 4
            ),
            4 => format!(
                r#"{{"id": "r{i}", "earn": {{"type": "points_multiplier", "factor": "1.1", "rules": ["r{}"]}}}}"#,
                i - 4
            ),
            5 => format!(
                r#"{{"id": "r{i}", "when": {{"type": "contains", "matching": {{"categories": ["{cat}"]}}, "min_quantity": 2}}, "earn": {{"type": "points_per_visit", "points": 4}}}}"#
            ),
            6 => format!(
                r#"{{"id": "r{i}", "when": {{"type": "not", "condition": {{"type": "channel", "channels": ["app"]}}}}, "earn": {{"type": "points_per_unit", "points": 1, "matching": {{"categories": ["{cat}"]}}}}}}"#
            ),
            _ => format!(
                r#"{{"id": "r{i}", "earn": {{"type": "stamps_per_unit", "stamps": 1, "matching": {{"categories": ["{cat}"]}}}}}}"#
            ),
        };
        if i > 0 {
            rules.push_str(",\n");
        }
        rules.push_str(&rule);
    }
    format!(
        r#"{{"name": "200 rules", "currency": "USD", "excluded_categories": ["merch"],
            "rules": [{rules}],
            "stamps": {{"card_size": 10, "reward": "free_coffee"}},
            "rewards": [{{"id": "free_coffee", "cost": {{"type": "voucher"}},
                          "benefit": {{"type": "free_item", "matching": {{"categories": ["coffee"]}}}}}}]}}"#
    )
}
