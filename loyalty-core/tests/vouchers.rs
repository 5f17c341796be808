//! Vouchers are kept soonest to expire first, whatever order they were
//! issued in, so that expiry only looks at the first ones; an account
//! passed in with its vouchers out of that order is refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use loyalty_core::account::Account;
use loyalty_core::{json, Engine, Event};

/// Stamp vouchers last 10 days; a basket of 20.00 or more also gets a
/// gift voucher that never expires.
const PROGRAM: &str = r#"{
  "name": "Two kinds of vouchers",
  "currency": "USD",
  "rules": [
    {"id": "coffee_stamp", "earn": {"type": "stamps_per_unit", "stamps": 1, "matching": {"categories": ["coffee"]}}},
    {"id": "gift", "when": {"type": "subtotal_at_least", "amount": "20.00"}, "earn": {"type": "issue_reward", "reward": "gift"}}
  ],
  "stamps": {"card_size": 2, "reward": "free_coffee", "voucher_days": 10},
  "rewards": [
    {"id": "free_coffee", "name": "A free coffee", "cost": {"type": "voucher"},
     "benefit": {"type": "free_item", "matching": {"categories": ["coffee"]}, "max_value": "6.00"}},
    {"id": "gift", "name": "A gift", "cost": {"type": "voucher"},
     "benefit": {"type": "fixed_discount", "amount": "1.00"}}
  ]
}"#;

fn apply(engine: &Engine, account: &mut Account, event: &str) {
    let event = Event::from_json(event).unwrap_or_else(|e| panic!("{event}: {e}"));
    engine
        .apply_in_place(account, &event)
        .unwrap_or_else(|e| panic!("{e}"));
}

fn buy(id: &str, day: u32, price: &str) -> String {
    format!(
        r#"{{"type": "purchase", "id": "{id}", "time": "2026-03-{day:02}T08:00:00-05:00",
            "lines": [{{"sku": "latte", "category": "coffee", "quantity": 1, "unit_price": "{price}"}}]}}"#
    )
}

fn rewards(account: &Account) -> Vec<&str> {
    account.vouchers.iter().map(|v| v.reward.as_str()).collect()
}

#[test]
fn vouchers_are_kept_in_expiry_order_and_expire_from_the_front() {
    let engine = Engine::from_json(PROGRAM).unwrap();
    let mut account = Account::new("m");
    apply(
        &engine,
        &mut account,
        r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-03-02T08:00:00-05:00"}"#,
    );
    // The gift (never expires) is issued before the stamp voucher (ten
    // days), and is kept after it.
    apply(&engine, &mut account, &buy("p1", 3, "25.00"));
    apply(&engine, &mut account, &buy("p2", 4, "4.00"));
    assert_eq!(rewards(&account), ["free_coffee", "gift"]);
    // A second card: its voucher expires after the first one's.
    apply(&engine, &mut account, &buy("p3", 6, "4.00"));
    apply(&engine, &mut account, &buy("p4", 7, "4.00"));
    assert_eq!(rewards(&account), ["free_coffee", "free_coffee", "gift"]);
    // Eleven days after the first card, its voucher has expired, the
    // second card's has not, and the gift never will.
    apply(
        &engine,
        &mut account,
        r#"{"type": "time_advanced", "id": "t", "time": "2026-03-15T09:00:00-05:00"}"#,
    );
    assert_eq!(rewards(&account), ["free_coffee", "gift"]);
    assert_eq!(
        account.vouchers[0].expires_at.map(|t| t.to_string()),
        Some("2026-03-17T08:00:00-05:00".to_owned())
    );

    // The same account with its vouchers swapped is refused, and says where.
    let mut swapped = account.clone();
    swapped.vouchers.swap(0, 1);
    let text = serde_json::to_string(&swapped).unwrap();
    let event = r#"{"type": "time_advanced", "id": "t2", "time": "2026-03-16T09:00:00-05:00"}"#;
    let err = json::apply_parts(&engine, &text, event).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("vouchers[1]"), "{message}");
    assert!(message.contains("expiry order"), "{message}");
    // In order, it is accepted.
    let text = serde_json::to_string(&account).unwrap();
    assert!(json::apply_parts(&engine, &text, event).is_ok());
}
