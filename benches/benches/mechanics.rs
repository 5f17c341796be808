//! Per mechanic (issue 8, benchmark 4): one event applied in place on a
//! prepared account (copied outside the timed part, see `bench_apply`),
//! with the example program of each mechanic:
//! points, stamps, tiers, cashback, subscription allowance, the expiry of
//! 1,000 lots at once, and a program of 200 rules (quote and apply).
//!
//! Run: `cargo bench -p loyalty-benches --bench mechanics`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use loyalty_benches::history::copy;
use loyalty_benches::mechanics::{basket, line, program_200, purchase, regular};
use loyalty_benches::{at, enrolled_at, feed};
use loyalty_core::event::{Purchase, Redeem, Subscribe, TimeAdvanced};
use loyalty_core::{Account, Engine, Event};

fn program(name: &str) -> Engine {
    let path = format!(
        "{}/../examples/programs/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example program");
    Engine::from_json(&text).expect("valid program")
}

/// Accounts timed at a time by [`bench_apply`]: copies made together and
/// then applied to together stay in the core's caches (16 accounts of 20
/// purchases are about 100 KB), as the one account a till is serving does.
const COPIES: u64 = 16;

/// Time `event` applied in place on copies of `account`.
///
/// The copies are made, and dropped, outside the timed part, [`COPIES`] at
/// a time. Criterion's batched iteration made them all before timing any,
/// as many as a sample has iterations (tens of thousands of accounts,
/// megabytes): each event then ran on an account long gone from the
/// caches, and the figure was mostly the memory's, moving threefold from
/// one run to the next. Each copy gets the spare room of a long-lived
/// account ([`copy`]), so the event does not pay to grow its lists.
fn bench_apply(c: &mut Criterion, name: &str, engine: &Engine, account: &Account, event: &Event) {
    engine
        .apply(account, event)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let n = left.min(COPIES);
                let mut copies: Vec<Account> = (0..n).map(|_| copy(account)).collect();
                let start = Instant::now();
                for a in &mut copies {
                    black_box(engine.apply_in_place(a, black_box(event)).ok());
                }
                timed += start.elapsed();
                left -= n;
            }
            timed
        })
    });
}

fn mechanics(c: &mut Criterion) {
    let t = "2026-03-02T10:00:00-05:00";

    let engine = program("points");
    let account = regular(&engine, 20);
    bench_apply(c, "mechanics/points", &engine, &account, &purchase("p", t));

    let engine = program("cafe-stamp-card");
    let account = regular(&engine, 20);
    bench_apply(c, "mechanics/stamps", &engine, &account, &purchase("p", t));

    let engine = program("tiered");
    let account = regular(&engine, 40);
    assert!(account
        .tier
        .as_ref()
        .and_then(|t| t.level.as_ref())
        .is_some());
    bench_apply(c, "mechanics/tiers", &engine, &account, &purchase("p", t));

    let engine = program("cashback");
    let account = regular(&engine, 20);
    bench_apply(
        c,
        "mechanics/cashback",
        &engine,
        &account,
        &purchase("p", t),
    );

    let engine = program("coffee-club");
    let mut account = regular(&engine, 5);
    let subscribe = Event::Subscribe(Subscribe {
        id: "sub".into(),
        time: at("2026-03-01T08:00:00-05:00"),
        plan: "coffee_club".into(),
    });
    assert!(feed(&engine, &mut account, &subscribe));
    let drip = Event::Redeem(Redeem {
        id: "drip".into(),
        time: at(t),
        reward: "daily_drip".into(),
        voucher: None,
        amount: None,
        basket: vec![line("drip", "coffee", 1, 250)],
    });
    bench_apply(c, "mechanics/allowance", &engine, &account, &drip);

    // 1,000 lots (one per purchase, each with its own expiry instant),
    // all expiring at one time_advanced event a year and a day later.
    let engine = program("points");
    let mut account = enrolled_at(&engine, "m", "2026-01-01T08:00:00-05:00");
    for i in 0..1_000_u32 {
        let event = Event::Purchase(Purchase {
            id: format!("old{i}").into(),
            time: at("2026-01-02T00:00:00-05:00").plus_minutes(i),
            location: None,
            staff: None,
            channel: None,
            lines: basket(),
            redemptions: vec![],
        });
        feed(&engine, &mut account, &event);
    }
    assert!(account.points.lots.len() >= 1_000); // and the welcome lot
    let later = Event::TimeAdvanced(TimeAdvanced {
        id: "later".into(),
        time: at("2027-01-03T00:00:00-05:00"),
    });
    bench_apply(c, "mechanics/expire_1000_lots", &engine, &account, &later);

    let engine = Engine::from_json(&program_200()).expect("valid 200-rule program");
    let account = regular(&engine, 20);
    let event = purchase("p", "2026-03-02T08:30:00-05:00");
    bench_apply(c, "mechanics/rules_200", &engine, &account, &event);
    let Event::Purchase(p) = &event else {
        unreachable!()
    };
    let quote = engine.quote(&account, p).expect("quote");
    assert!(quote.points > 0 && quote.stamps > 0);
    c.bench_function("mechanics/rules_200_quote", |b| {
        b.iter(|| black_box(engine.quote(&account, black_box(p)).ok()))
    });
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = mechanics
}
criterion_main!(benches);
