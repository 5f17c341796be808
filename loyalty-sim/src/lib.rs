//! # loyalty-sim
//!
//! Test a loyalty program before launch: run it over a synthetic population
//! of members, through the real engine, and read the same analytics a live
//! program would give ([`loyalty_core::analytics`]). It answers the seeds'
//! question: "do at least 50% of active members earn a first reward within
//! three months, and what does it cost?".
//!
//! The population is generated from a seed with SplitMix64, member by
//! member: each member's events depend only on the seed and the member's
//! number, so members are simulated in parallel (rayon) and the report is
//! the same bytes whatever the number of threads. The engine stays pure;
//! the threads live here, on the host side.
//!
//! ```
//! use loyalty_sim::{simulate, Population};
//! let engine = loyalty_core::Engine::from_json(loyalty_sim::CAFE_HYBRID).unwrap();
//! let population = Population { members: 50, days: 120, ..Population::default() };
//! let run = simulate(&engine, &population);
//! assert_eq!(run.report.members, 50);
//! assert!(run.report.visits > 0);
//! ```

use std::collections::BTreeMap;

use loyalty_core::account::Account;
use loyalty_core::analytics::{Analytics, Report};
use loyalty_core::decimal::Dec;
use loyalty_core::event::{Enrol, Line, Purchase, Redeem, Subscribe, TimeAdvanced};
use loyalty_core::program::{Benefit, Cost, Program};
use loyalty_core::{Engine, Event, Id, Timestamp};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub mod render;

/// The café hybrid example program (points, happy hour, tiers, stamp card),
/// the simulator's default.
pub const CAFE_HYBRID: &str = include_str!("../../examples/programs/cafe-hybrid.json");

/// SplitMix64: small, fast, seedable and well studied; all the simulator needs.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }
}

/// How often a kind of member comes, in visits per 1000 days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Habit {
    /// Name shown in reports (`daily`, `weekly`...).
    pub name: String,
    /// Share of the population, in parts (all habits' parts are summed).
    pub share: u32,
    /// Chance of a visit on a given day, per mille.
    pub per_mille_a_day: u32,
    /// Members stop coming after a number of days drawn from this range
    /// (`[from, to]`); none means they never lapse.
    #[serde(default)]
    pub lapse_after_days: Option<[u32; 2]>,
}

/// An item of the menu the baskets are drawn from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// SKU.
    pub sku: Id,
    /// Category (what programs match on).
    pub category: Id,
    /// Unit price.
    pub price: Dec,
}

/// A part of a basket: with `per_mille` chance, one item of `items`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// Chance the basket has it, per mille (before noon, and from noon).
    pub per_mille: [u32; 2],
    /// The items, equally likely.
    pub items: Vec<Item>,
}

/// What members buy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Menu {
    /// The parts of a basket, drawn independently; an empty draw keeps the first.
    pub courses: Vec<Course>,
}

fn item(sku: &str, category: &str, cents: i64) -> Item {
    Item {
        sku: sku.into(),
        category: category.into(),
        price: Dec(Decimal::new(cents, 2)),
    }
}

impl Default for Menu {
    /// A café: a drink almost always (coffee or tea), a pastry often in the
    /// morning, a sandwich at lunch, a mug now and then. Tickets average
    /// about 7.50.
    fn default() -> Menu {
        Menu {
            courses: vec![
                Course {
                    per_mille: [950, 800],
                    items: vec![
                        item("latte", "coffee", 475),
                        item("cappuccino", "coffee", 450),
                        item("espresso", "coffee", 300),
                        item("drip", "coffee", 275),
                        item("flat-white", "coffee", 465),
                        item("chai", "tea", 400),
                    ],
                },
                Course {
                    per_mille: [450, 200],
                    items: vec![
                        item("croissant", "pastry", 350),
                        item("muffin", "pastry", 375),
                        item("cookie", "pastry", 250),
                    ],
                },
                Course {
                    per_mille: [50, 550],
                    items: vec![
                        item("sandwich", "sandwich", 850),
                        item("salad", "sandwich", 925),
                    ],
                },
                Course {
                    per_mille: [10, 10],
                    items: vec![item("mug", "merch", 1400)],
                },
            ],
        }
    }
}

/// The synthetic population and how long it is simulated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Members.
    pub members: u32,
    /// Days simulated from `start`.
    pub days: u32,
    /// Seed of every random draw.
    pub seed: u64,
    /// First day (local midnight, with the shop's offset).
    pub start: Timestamp,
    /// Members enrol on a day drawn from the first `enrol_days` days.
    pub enrol_days: u32,
    /// The mix of visit habits.
    pub habits: Vec<Habit>,
    /// What they buy.
    pub menu: Menu,
    /// Chance a member who can redeem does so on a visit, per mille.
    pub redeem_per_mille: u32,
    /// Chance a regular (daily or weekly) member takes a paid plan, per mille.
    pub subscribe_per_mille: u32,
    /// Chance a subscriber renews each period, per mille.
    pub renew_per_mille: u32,
}

impl Default for Population {
    /// 2,000 members over 180 days from Monday 5 January 2026 (UTC-5),
    /// enrolling over the first 60 days: daily regulars (10%), weekly
    /// (35%), monthly (30%) and members who lapse after 2 weeks to 3 months
    /// (25%).
    fn default() -> Population {
        let habit = |name: &str, share, per_mille_a_day, lapse| Habit {
            name: name.to_owned(),
            share,
            per_mille_a_day,
            lapse_after_days: lapse,
        };
        Population {
            members: 2_000,
            days: 180,
            seed: 42,
            start: Timestamp::parse("2026-01-05T00:00:00-05:00")
                .unwrap_or_else(|_| Timestamp::max()),
            enrol_days: 60,
            habits: vec![
                habit("daily", 10, 700, None),
                habit("weekly", 35, 170, None),
                habit("monthly", 30, 40, None),
                habit("lapsing", 25, 150, Some([14, 90])),
            ],
            menu: Menu::default(),
            redeem_per_mille: 700,
            subscribe_per_mille: 150,
            renew_per_mille: 850,
        }
    }
}

/// What a run produced: the analytics and the simulator's own counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Simulation {
    /// The program's name.
    pub program: String,
    /// The population simulated.
    pub population: PopulationSummary,
    /// Events the engine applied.
    pub events: u64,
    /// Events the engine refused, per error code (e.g. a reward whose item
    /// is not in the basket); refused events change nothing.
    pub refused: BTreeMap<String, u64>,
    /// The analytics.
    pub report: Report,
    /// The seeds' test, answered.
    pub verdict: Verdict,
}

/// The population in a few numbers (the menu and habits are in the code).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PopulationSummary {
    /// Members.
    pub members: u32,
    /// Days.
    pub days: u32,
    /// Seed.
    pub seed: u64,
    /// First day.
    pub start: Timestamp,
    /// Members per habit.
    pub habits: BTreeMap<String, u64>,
}

/// "Do at least 50% of active members earn a first reward within three
/// months, and what does it cost?"
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// Share of members (enrolled 90 days or more, with a purchase) who
    /// earned a first reward within 90 days; none when nobody was enrolled that long.
    pub share_within_90_days: Option<f64>,
    /// Whether that share is at least 50%.
    pub passes: bool,
    /// What redeemed rewards took off baskets, over sales.
    pub cost_share_of_sales: f64,
    /// Rewards given plus the outstanding liability, over sales.
    pub cost_with_liability_share_of_sales: f64,
    /// One sentence for a shop owner.
    pub summary: String,
}

/// Run `engine`'s program over `population`.
pub fn simulate(engine: &Engine, population: &Population) -> Simulation {
    let program = engine.program();
    let weights: u64 = population.habits.iter().map(|h| u64::from(h.share)).sum();
    let folded = (0..population.members)
        .into_par_iter()
        .fold(
            || Fold::new(program),
            |mut fold, n| {
                member(engine, population, weights, n, &mut fold);
                fold
            },
        )
        .reduce(|| Fold::new(program), Fold::merge);
    let report = folded.analytics.finish();
    let verdict = verdict(&report);
    Simulation {
        program: program.name.clone(),
        population: PopulationSummary {
            members: population.members,
            days: population.days,
            seed: population.seed,
            start: population.start,
            habits: folded.habits,
        },
        events: folded.events,
        refused: folded.refused,
        report,
        verdict,
    }
}

fn verdict(report: &Report) -> Verdict {
    let share = report.first_reward.share_within_90_days;
    let passes = share.is_some_and(|s| s >= 0.5);
    let sales = report.sales.0;
    let over_sales = |x: Decimal| -> f64 {
        if sales <= Decimal::ZERO {
            return 0.0;
        }
        let r = (x / sales * Decimal::from(10_000)).round() / Decimal::from(10_000);
        r.to_string().parse().unwrap_or(0.0)
    };
    let given = report.rewards_given.0;
    let owed = report.liability.total.0;
    let cost = over_sales(given);
    let with_liability = over_sales(given + owed);
    let summary = match share {
        None => "no member was enrolled for 90 days: simulate more days to answer the seeds' test"
            .to_owned(),
        Some(s) => format!(
            "{:.1}% of members earned a first reward within 90 days ({}: the aim is at least 50%); rewards given cost {:.1}% of sales, {:.1}% counting what is still owed",
            s * 100.0,
            if passes { "pass" } else { "fail" },
            cost * 100.0,
            with_liability * 100.0
        ),
    };
    Verdict {
        share_within_90_days: share,
        passes,
        cost_share_of_sales: cost,
        cost_with_liability_share_of_sales: with_liability,
        summary,
    }
}

/// One thread's share of the work.
struct Fold {
    analytics: Analytics,
    habits: BTreeMap<String, u64>,
    events: u64,
    refused: BTreeMap<String, u64>,
}

impl Fold {
    fn new(program: &Program) -> Fold {
        Fold {
            analytics: Analytics::new(program),
            habits: BTreeMap::new(),
            events: 0,
            refused: BTreeMap::new(),
        }
    }

    fn merge(mut self, other: Fold) -> Fold {
        self.analytics.merge(other.analytics);
        for (k, v) in other.habits {
            *self.habits.entry(k).or_default() += v;
        }
        for (k, v) in other.refused {
            *self.refused.entry(k).or_default() += v;
        }
        self.events += other.events;
        self
    }
}

/// One member's life in the program: their own generator, their account,
/// every event through the engine and into the analytics.
struct Life<'a> {
    engine: &'a Engine,
    id: String,
    account: Account,
    seq: u32,
    fold: &'a mut Fold,
}

impl Life<'_> {
    fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{}", self.seq)
    }

    /// Apply `event`; the outcome when the engine accepted it.
    fn apply(&mut self, event: Event) -> Option<loyalty_core::Outcome> {
        match self.engine.apply_in_place(&mut self.account, &event) {
            Ok(outcome) => {
                self.fold.events += 1;
                self.fold.analytics.observe(&self.id, &event, &outcome);
                Some(outcome)
            }
            Err(e) => {
                *self.fold.refused.entry(e.code().to_owned()).or_default() += 1;
                None
            }
        }
    }
}

const LOCATIONS: [&str; 3] = ["downtown", "campus", "station"];
const STAFF: [&str; 5] = ["ana", "ben", "chloe", "dev", "emma"];

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    items.get(rng.below(items.len() as u64) as usize)
}

fn member(engine: &Engine, population: &Population, weights: u64, n: u32, fold: &mut Fold) {
    let program = engine.program();
    // Each member's stream depends only on the seed and the member's number.
    let mut rng = Rng::new(population.seed ^ u64::from(n).wrapping_mul(0xD1B5_4A32_D192_ED03));
    rng.next_u64();
    let mut draw = rng.below(weights.max(1));
    let habit = population
        .habits
        .iter()
        .find(|h| {
            let share = u64::from(h.share);
            if draw < share {
                true
            } else {
                draw -= share;
                false
            }
        })
        .or(population.habits.first());
    let Some(habit) = habit else { return };
    *fold.habits.entry(habit.name.clone()).or_default() += 1;

    let enrol_day = rng.below(u64::from(
        population.enrol_days.clamp(1, population.days.max(1)),
    )) as u32;
    let lapse_day = habit.lapse_after_days.map(|[from, to]| {
        enrol_day + from + rng.below(u64::from(to.saturating_sub(from)) + 1) as u32
    });
    let regular = habit.per_mille_a_day >= 150;
    let plan = program
        .plans
        .first()
        .filter(|_| regular && rng.chance(population.subscribe_per_mille));
    let allowance = plan.and_then(|p| {
        program
            .rewards
            .iter()
            .find(|r| matches!(&r.cost, Cost::Allowance { plan, .. } if plan == &p.id))
    });

    let id = format!("m{n:07}");
    let mut life = Life {
        engine,
        id: id.clone(),
        account: Account::new(id.clone()),
        seq: 0,
        fold,
    };
    let first_visit = visit_minute(&mut rng);
    let enrol_at = population
        .start
        .plus_minutes(enrol_day * 1440 + first_visit.saturating_sub(1));
    let in_store = rng.chance(700);
    let enrol = Enrol {
        id: "enrol".into(),
        time: enrol_at,
        member: id,
        location: pick(&mut rng, &LOCATIONS).map(|s| (*s).to_owned()),
        staff: if in_store {
            pick(&mut rng, &STAFF).map(|s| (*s).to_owned())
        } else {
            None
        },
        channel: Some(if in_store { "in_store" } else { "app" }.to_owned()),
        tags: vec![],
        birthday: Some(format!("{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))),
        cause: None,
        referrer: None,
    };
    if life.apply(Event::Enrol(enrol)).is_none() {
        return;
    }
    let mut renew_day = None;
    if let Some(plan) = plan {
        let id = life.next_id("s");
        if life
            .apply(Event::Subscribe(Subscribe {
                id: id.into(),
                time: enrol_at,
                plan: plan.id.clone(),
            }))
            .is_some()
        {
            renew_day = Some(enrol_day + plan.period_days.max(1) - 1);
        }
    }

    for day in enrol_day..population.days {
        if let (Some(plan), Some(due)) = (plan, renew_day) {
            if day == due {
                renew_day = None;
                if rng.chance(population.renew_per_mille) {
                    let id = life.next_id("s");
                    let time = population.start.plus_minutes(day * 1440 + 6 * 60);
                    if life
                        .apply(Event::Renew(Subscribe {
                            id: id.into(),
                            time,
                            plan: plan.id.clone(),
                        }))
                        .is_some()
                    {
                        renew_day = Some(day + plan.period_days.max(1));
                    }
                }
            }
        }
        let comes = if day == enrol_day {
            true
        } else if lapse_day.is_some_and(|l| day >= l) {
            false
        } else {
            let weekend = (day % 7) >= 5;
            let per_mille = if weekend && habit.per_mille_a_day > 500 {
                habit.per_mille_a_day / 2
            } else {
                habit.per_mille_a_day
            };
            rng.chance(per_mille)
        };
        if !comes {
            continue;
        }
        let minute = if day == enrol_day {
            first_visit
        } else {
            visit_minute(&mut rng)
        };
        let time = population.start.plus_minutes(day * 1440 + minute);
        visit(&mut life, population, &mut rng, time, minute, allowance);
    }
    let id = life.next_id("t");
    life.apply(Event::TimeAdvanced(TimeAdvanced {
        id: id.into(),
        time: population.start.plus_days(population.days),
    }));
}

/// Minute of the day of a visit: mornings mostly, then lunch, afternoon, evening.
fn visit_minute(rng: &mut Rng) -> u32 {
    let (from, hours) = match rng.below(100) {
        0..=54 => (7, 4),
        55..=79 => (11, 3),
        80..=94 => (14, 3),
        _ => (17, 3),
    };
    from * 60 + rng.below(hours * 60) as u32
}

fn basket(menu: &Menu, rng: &mut Rng, afternoon: bool) -> Vec<Line> {
    let mut lines = Vec::new();
    for course in &menu.courses {
        let [morning, later] = course.per_mille;
        let chance = if afternoon { later } else { morning };
        if rng.chance(chance) {
            if let Some(item) = pick(rng, &course.items) {
                let quantity = if rng.chance(80) { 2 } else { 1 };
                lines.push(Line {
                    sku: item.sku.clone(),
                    category: Some(item.category.clone()),
                    tags: vec![],
                    quantity,
                    unit_price: item.price,
                    discount: None,
                    reward_discount: None,
                });
            }
        }
    }
    if lines.is_empty() {
        if let Some(item) = menu.courses.first().and_then(|c| c.items.first()) {
            lines.push(Line {
                sku: item.sku.clone(),
                category: Some(item.category.clone()),
                tags: vec![],
                quantity: 1,
                unit_price: item.price,
                discount: None,
                reward_discount: None,
            });
        }
    }
    lines
}

/// A visit: maybe redeem something, then pay for the basket.
fn visit(
    life: &mut Life<'_>,
    population: &Population,
    rng: &mut Rng,
    time: Timestamp,
    minute: u32,
    allowance: Option<&loyalty_core::program::Reward>,
) {
    let program = life.engine.program();
    let mut lines = basket(&population.menu, rng, minute >= 12 * 60);
    let mut redemptions = Vec::new();
    let choice = choose_reward(program, &life.account, rng, population, allowance, &lines);
    if let Some(reward) = choice {
        let id = life.next_id("r");
        let redeem = Redeem {
            id: id.as_str().into(),
            time,
            reward,
            voucher: None,
            amount: None,
            basket: lines.clone(),
        };
        if let Some(outcome) = life.apply(Event::Redeem(redeem)) {
            for d in &outcome.discounts {
                if let Some(line) = lines.get_mut(d.line as usize) {
                    let before = line.reward_discount.map_or(Decimal::ZERO, |x| x.0);
                    line.reward_discount = Some(Dec(before + d.amount.0));
                }
            }
            redemptions.push(id);
        }
    }
    let id = life.next_id("p");
    life.apply(Event::Purchase(Purchase {
        id: id.into(),
        time: time.plus_minutes(1),
        location: None,
        staff: None,
        channel: None,
        lines,
        redemptions,
    }));
}

/// What a member redeems on this visit, if anything: a voucher first (the
/// oldest), then an allowance, then the dearest points reward they can
/// afford (members save up), or the cheapest half of the time.
fn choose_reward(
    program: &Program,
    account: &Account,
    rng: &mut Rng,
    population: &Population,
    allowance: Option<&loyalty_core::program::Reward>,
    basket: &[Line],
) -> Option<String> {
    let usable = |id: &str| {
        program
            .rewards
            .iter()
            .find(|r| r.id == id)
            .is_some_and(|r| applies(&r.benefit, basket))
    };
    // A voucher for something not in today's basket waits for another day.
    if let Some(v) = account.vouchers.iter().find(|v| usable(&v.reward)) {
        if rng.chance(population.redeem_per_mille) {
            return Some(v.reward.to_string());
        }
        return None;
    }
    if let Some(r) = allowance {
        if account.subscription.is_some() && applies(&r.benefit, basket) {
            return Some(r.id.clone());
        }
    }
    let tier = account.tier.as_ref().and_then(|t| t.level.as_deref());
    let affordable: Vec<(&str, u32)> = program
        .rewards
        .iter()
        .filter(|r| r.tiers.is_empty() || tier.is_some_and(|t| r.tiers.iter().any(|x| x == t)))
        .filter(|r| applies(&r.benefit, basket))
        .filter_map(|r| match r.cost {
            Cost::Points { points } if i64::from(points) <= account.points.balance => {
                Some((r.id.as_str(), points))
            }
            _ => None,
        })
        .collect();
    if affordable.is_empty() || !rng.chance(population.redeem_per_mille) {
        return None;
    }
    let pick = if rng.chance(500) {
        affordable.iter().min_by_key(|(_, p)| *p)
    } else {
        affordable.iter().max_by_key(|(_, p)| *p)
    };
    pick.map(|(id, _)| (*id).to_owned())
}

/// Whether a reward's benefit has something to apply to in `basket`:
/// members ask for a free pastry when they buy one.
fn applies(benefit: &Benefit, basket: &[Line]) -> bool {
    let matching = match benefit {
        Benefit::FreeItem { matching, .. } => Some(matching),
        Benefit::PercentDiscount {
            matching: Some(m), ..
        } => Some(m),
        _ => None,
    };
    matching.is_none_or(|m| {
        basket.iter().any(|l| {
            m.skus.iter().any(|x| *x == l.sku)
                || l.category
                    .as_ref()
                    .is_some_and(|c| m.categories.iter().any(|x| x == c))
                || l.tags.iter().any(|t| m.tags.contains(t))
        })
    })
}

/// Run two programs over the same population: the comparison of the report.
pub fn compare(a: &Engine, b: &Engine, population: &Population) -> [Simulation; 2] {
    [simulate(a, population), simulate(b, population)]
}
