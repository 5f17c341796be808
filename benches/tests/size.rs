//! Size (issue 8, benchmark 6): bytes of a typical account as JSON and in
//! memory. A typical café member: enrolled, six visits over two weeks under
//! the café hybrid program, so one stamp card, a few points lots, a tier
//! window with buckets, purchases open to returns and remembered event ids.
//! Run with `--nocapture` to see the figures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loyalty_benches::cafe::basket;
use loyalty_benches::size::in_memory;
use loyalty_benches::{at, enrolled_at, feed, Rng, CAFE_HYBRID};
use loyalty_core::event::Purchase;
use loyalty_core::{Account, Engine, Event};

fn typical(engine: &Engine) -> Account {
    let mut account = enrolled_at(engine, "member-000123", "2026-03-02T08:00:00-05:00");
    let mut rng = Rng::new(11);
    for visit in 0..6_u32 {
        let event = Event::Purchase(Purchase {
            id: format!("pos-17-{visit:06}").into(),
            time: at("2026-03-02T08:05:00-05:00").plus_minutes(visit * 2 * 1440 + visit * 37),
            location: None,
            staff: None,
            channel: None,
            lines: basket(&mut rng),
            redemptions: vec![],
        });
        assert!(feed(engine, &mut account, &event));
    }
    account
}

fn json(account: &Account) -> String {
    serde_json::to_string(account).expect("json")
}

#[test]
fn sizes_of_a_typical_account() {
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let account = typical(&engine);
    let json = json(&account);
    let pretty = serde_json::to_string_pretty(&account).expect("json");
    println!(
        "typical account: {} bytes as JSON ({} pretty), {} bytes in memory ({} for the struct); {} lots, {} tier buckets, {} purchases kept, {} remembered ids",
        json.len(),
        pretty.len(),
        in_memory(&account),
        std::mem::size_of::<Account>(),
        account.points.lots.len(),
        account.tier.as_ref().map_or(0, |t| t.buckets.len()),
        account.purchases.len(),
        account.recent_events.len(),
    );
    println!("{json}");
    assert!(account.stamps.count > 0 && !account.points.lots.is_empty());
}

/// The target of issue 8: 2,377 bytes with one JSON object per record and
/// every time in RFC 3339; 983 bytes in the compact form (positional lots,
/// purchases, lines, buckets and remembered events; times in lots and
/// purchases as seconds after `last_event_at`; `last_activity_at` left out
/// when it equals `last_event_at`).
#[test]
fn a_typical_account_is_under_1_kb_as_json() {
    let engine = Engine::from_json(CAFE_HYBRID).expect("valid program");
    let json = json(&typical(&engine));
    assert!(json.len() < 1024, "{} bytes: {json}", json.len());
}
