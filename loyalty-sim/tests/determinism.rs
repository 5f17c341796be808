//! Same program, population and seed: the same report, byte for byte,
//! whatever the number of threads; another seed: another report.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use loyalty_core::Engine;
use loyalty_sim::{compare, render, simulate, Population, CAFE_HYBRID};

fn small(seed: u64) -> Population {
    Population {
        members: 300,
        days: 150,
        seed,
        ..Population::default()
    }
}

#[test]
fn same_seed_same_bytes() {
    let engine = Engine::from_json(CAFE_HYBRID).unwrap();
    let a = simulate(&engine, &small(7));
    let b = simulate(&engine, &small(7));
    let (a, b) = (std::slice::from_ref(&a), std::slice::from_ref(&b));
    assert_eq!(render::json(a), render::json(b));
    assert_eq!(render::html(a), render::html(b));
    let c = simulate(&engine, &small(8));
    assert_ne!(render::json(a), render::json(&[c]));
}

#[test]
fn thread_count_does_not_change_the_report() {
    let engine = Engine::from_json(CAFE_HYBRID).unwrap();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| simulate(&engine, &small(3)));
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| simulate(&engine, &small(3)));
    assert_eq!(render::json(&[one]), render::json(&[four]));
}

#[test]
fn the_cafe_population_behaves_like_a_cafe() {
    let engine = Engine::from_json(CAFE_HYBRID).unwrap();
    let run = simulate(&engine, &small(42));
    let r = &run.report;
    assert_eq!(r.members, 300);
    assert_eq!(run.population.habits.values().sum::<u64>(), 300);
    // Every member visits on the day they enrol.
    assert!(r.visits >= 300, "{}", r.visits);
    assert!(r.first_reward.reached > 0);
    assert!(r.redemptions > 0);
    assert!(r.points.issued > r.points.redeemed);
    assert!(r.earning_by_rule.contains_key("coffee_stamp"));
    // Tier mix over everyone who had an outcome with tier information.
    assert_eq!(r.tiers.values().sum::<u64>(), 300);
    assert!(run.verdict.share_within_90_days.is_some());
    let table = render::table(&[run]);
    assert!(table.contains("First reward within 90 days"), "{table}");
}

#[test]
fn two_programs_side_by_side() {
    let hybrid = Engine::from_json(CAFE_HYBRID).unwrap();
    let card =
        Engine::from_json(include_str!("../../examples/programs/cafe-stamp-card.json")).unwrap();
    let both = compare(&hybrid, &card, &small(5));
    // The same members visit the same days either way.
    assert_eq!(both[0].report.members, both[1].report.members);
    assert_eq!(both[0].population, both[1].population);
    let table = render::table(&both);
    let header = table.lines().next().unwrap();
    assert!(
        header.contains(&both[0].program) && header.contains(&both[1].program),
        "{header}"
    );
    let html = render::html(&both);
    assert_eq!(
        html.matches("<svg").count(),
        8 - usize::from(both[1].report.tiers.is_empty())
    );
}
