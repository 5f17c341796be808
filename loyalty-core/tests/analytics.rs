//! Analytics on small histories whose figures are computed by hand in the
//! comments, plus merge and duplicate behaviour.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use loyalty_core::analytics::{Analytics, Report};
use loyalty_core::{Account, Engine, Event};

/// One point per dollar, 10 points buy 5.00 off (a point is worth 0.50),
/// points expire after 30 days, a tier at two visits.
const PROGRAM: &str = r#"{"name": "Hand", "currency": "USD",
  "points": {"expiry": {"type": "rolling", "days": 30}},
  "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}],
  "tiers": {"qualify_on": "visits", "window": {"type": "lifetime"},
            "levels": [{"id": "silver", "threshold": "2"}]},
  "rewards": [{"id": "five_off", "cost": {"type": "points", "points": 10},
               "benefit": {"type": "fixed_discount", "amount": "5.00"}}]}"#;

fn buy(id: &str, day: &str, amount: &str) -> String {
    format!(
        r#"{{"type": "purchase", "id": "{id}", "time": "2026-{day}T09:00:00Z",
            "lines": [{{"sku": "x", "quantity": 1, "unit_price": "{amount}"}}]}}"#
    )
}

/// (member, event) in time order per member.
fn history() -> Vec<(&'static str, String)> {
    vec![
        ("m1", r#"{"type": "enrol", "id": "e1", "member": "m1", "time": "2026-01-05T09:00:00Z", "location": "north", "staff": "ana"}"#.to_owned()),
        ("m2", r#"{"type": "enrol", "id": "e2", "member": "m2", "time": "2026-01-05T10:00:00Z", "location": "south"}"#.to_owned()),
        ("m1", buy("p1", "01-06", "6.00")),
        ("m1", buy("p2", "01-08", "5.00")),
        ("m1", r#"{"type": "redeem", "id": "r1", "time": "2026-01-09T09:00:00Z", "reward": "five_off",
                   "basket": [{"sku": "x", "quantity": 1, "unit_price": "8.00"}]}"#.to_owned()),
        ("m2", buy("p3", "01-10", "3.00")),
        ("m2", buy("p4", "03-01", "4.00")),
        ("m2", r#"{"type": "time_advanced", "id": "t1", "time": "2026-04-20T09:00:00Z"}"#.to_owned()),
        ("m3", r#"{"type": "enrol", "id": "e3", "member": "m3", "time": "2026-04-20T09:00:00Z"}"#.to_owned()),
    ]
}

/// Apply the history, feeding the members accepted by `keep` to one fold.
fn fold(engine: &Engine, keep: impl Fn(&str) -> bool) -> (Analytics, BTreeMap<String, Account>) {
    let mut analytics = Analytics::new(engine.program());
    let mut accounts: BTreeMap<String, Account> = BTreeMap::new();
    for (member, json) in history() {
        if !keep(member) {
            continue;
        }
        let event = Event::from_json(&json).unwrap();
        let account = accounts
            .entry(member.to_owned())
            .or_insert_with(|| Account::new(member));
        let outcome = engine.apply_in_place(account, &event).unwrap();
        analytics.observe(member, &event, &outcome);
    }
    (analytics, accounts)
}

fn report() -> Report {
    let engine = Engine::from_json(PROGRAM).unwrap();
    fold(&engine, |_| true).0.finish()
}

#[test]
fn enrolments_activity_and_visits() {
    let r = report();
    assert_eq!(r.as_of.unwrap().to_string(), "2026-04-20T09:00:00Z");
    assert_eq!(r.members, 3);
    let by_location: Vec<_> = r.enrolments.by_location.iter().collect();
    assert_eq!(
        format!("{by_location:?}"),
        r#"[("(none)", 1), ("north", 1), ("south", 1)]"#
    );
    let by_staff: Vec<_> = r.enrolments.by_staff.iter().collect();
    assert_eq!(format!("{by_staff:?}"), r#"[("(none)", 2), ("ana", 1)]"#);
    // Last purchases: m1 on 8 January, m2 on 1 March (50 days before 20 April).
    assert_eq!((r.active_30_days, r.active_90_days), (0, 1));
    assert_eq!(r.visits, 4);
    assert_eq!(r.visits_per_member, 1.3333);
}

#[test]
fn redemption_and_first_reward() {
    let r = report();
    assert_eq!((r.redemptions, r.members_redeeming), (1, 1));
    assert_eq!(r.redemption_rate, 0.3333);
    // m1 holds 11 points (>= 10) on 8 January, 3 days after enrolling; m2
    // never holds 10; m3 enrolled on the report's day.
    let f = &r.first_reward;
    assert_eq!((f.reached, f.median_days), (1, Some(3.0)));
    // m1 and m2 enrolled 105 days before and bought something; m3 did not.
    assert_eq!((f.eligible_90_days, f.within_90_days), (2, 1));
    assert_eq!(f.share_within_90_days, Some(0.5));
}

#[test]
fn points_liability_and_breakage() {
    let r = report();
    // Issued 6 + 5 (m1) + 3 + 4 (m2); m1 spent 10; m2's 3 expired on
    // 9 February (seen on 1 March) and the 4 on 31 March (seen on 20 April).
    assert_eq!(
        (r.points.issued, r.points.redeemed, r.points.expired),
        (18, 10, 7)
    );
    assert_eq!(r.breakage.points, Some(0.3889));
    assert_eq!(r.breakage.vouchers, None);
    // m1 keeps 1 point at 0.50.
    assert_eq!(r.liability.point_value.to_string(), "0.50");
    assert_eq!(r.liability.points, 1);
    assert_eq!(r.liability.points_value.to_string(), "0.50");
    assert_eq!(r.liability.total.to_string(), "0.50");
    let base = &r.earning_by_rule["base"];
    assert_eq!((base.times, base.points, base.stamps), (4, 18, 0));
}

#[test]
fn tiers_and_weekly_series() {
    let r = report();
    // Both buyers made two visits; m3 has none.
    let tiers: Vec<_> = r.tiers.iter().collect();
    assert_eq!(format!("{tiers:?}"), r#"[("(none)", 1), ("silver", 2)]"#);
    let first = &r.weekly[0];
    assert_eq!(first.week_start, "2026-01-05");
    assert_eq!((first.enrolled, first.first_rewards), (2, 1));
    // m1's 6 + 5 and m2's 3 (Saturday 10 January).
    assert_eq!(first.points_issued, 14);
    assert_eq!(first.points_redeemed, 10);
    let last = r.weekly.last().unwrap();
    assert_eq!(last.week_start, "2026-04-20");
    // 5 January to 20 April: 16 weeks, quiet ones included.
    assert_eq!(r.weekly.len(), 16);
    assert_eq!(last.enrolled, 3);
    assert_eq!(last.liability.to_string(), "0.50");
    assert_eq!(last.tiers["silver"], 2);
}

#[test]
fn merged_folds_give_the_same_report() {
    let engine = Engine::from_json(PROGRAM).unwrap();
    let (mut a, _) = fold(&engine, |m| m == "m2");
    let (b, _) = fold(&engine, |m| m != "m2");
    a.merge(b);
    let merged = serde_json::to_string(&a.finish()).unwrap();
    assert_eq!(merged, serde_json::to_string(&report()).unwrap());
}

#[test]
fn final_accounts_give_the_same_liability_here() {
    let engine = Engine::from_json(PROGRAM).unwrap();
    let (analytics, accounts) = fold(&engine, |_| true);
    let r = analytics.finish_with_accounts(accounts.values());
    assert_eq!(r.liability.points, 1);
    assert_eq!(r.liability.total.to_string(), "0.50");
}

#[test]
fn duplicates_are_not_counted_twice() {
    let engine = Engine::from_json(PROGRAM).unwrap();
    let (mut analytics, mut accounts) = fold(&engine, |_| true);
    let again = Event::from_json(&buy("p4", "03-01", "4.00")).unwrap();
    let account = accounts.get_mut("m2").unwrap();
    let outcome = engine.apply_in_place(account, &again);
    // An older event is refused (out of order) and has no outcome; a recent
    // retry is a duplicate, which the fold ignores.
    if let Ok(outcome) = outcome {
        analytics.observe("m2", &again, &outcome);
    }
    assert_eq!(analytics.finish().visits, 4);
}

#[test]
fn vouchers_count_as_rewards_and_in_the_liability() {
    let engine = Engine::from_json(
        r#"{"name": "Card", "currency": "USD",
            "rules": [{"id": "stamp", "earn": {"type": "stamps_per_visit", "stamps": 1}}],
            "stamps": {"card_size": 2, "reward": "free", "voucher_days": 10},
            "rewards": [{"id": "free", "cost": {"type": "voucher"},
                         "benefit": {"type": "free_item", "matching": {"skus": ["x"]}, "max_value": "4.00"}}]}"#,
    )
    .unwrap();
    let mut analytics = Analytics::new(engine.program());
    let mut account = Account::new("m");
    for json in [
        r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-01-05T09:00:00Z"}"#.to_owned(),
        buy("p1", "01-05", "3.00"),
        buy("p2", "01-07", "3.00"),
        buy("p3", "01-08", "3.00"),
        buy("p4", "01-09", "3.00"),
        r#"{"type": "time_advanced", "id": "t", "time": "2026-01-18T09:00:00Z"}"#.to_owned(),
    ] {
        let event = Event::from_json(&json).unwrap();
        let outcome = engine.apply_in_place(&mut account, &event).unwrap();
        analytics.observe("m", &event, &outcome);
    }
    let r = analytics.finish_with_accounts([&account]);
    // Cards completed on 7 and 9 January; the first voucher expired on 17
    // January, the second is still held, worth at most 4.00.
    assert_eq!(r.first_reward.median_days, Some(2.0));
    assert_eq!((r.vouchers.issued, r.vouchers.expired), (2, 1));
    assert_eq!(r.breakage.vouchers, Some(0.5));
    assert_eq!(r.liability.open_vouchers, 1);
    assert_eq!(r.liability.vouchers_value.to_string(), "4.00");
}
