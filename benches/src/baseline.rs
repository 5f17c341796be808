//! The baseline: the café hybrid program written by hand in plain Rust
//! over `rust_decimal`, with no engine. It reads the same [`Purchase`] the
//! engine reads (strings, decimals, a time with an offset, its local clock
//! worked out by integer arithmetic rather than through chrono), so
//! the comparison is of the rules engine against the code a developer
//! would write for this one program.
//!
//! - base: floor(eligible subtotal), merch excluded;
//! - happy hour (Mon-Fri, 14:00-15:59 local): x2, as floor(base x 2) - base extra;
//! - tier: floor((base + happy) x 1.25 silver / 1.5 gold) - (base + happy) extra;
//! - pastry: 5 points per pastry unit;
//! - big basket: 50 points when the eligible subtotal is at least 25.00;
//! - one stamp per coffee unit.

use loyalty_core::event::Purchase;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::cafe::Level;

/// Points and stamps one purchase earns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Earned {
    /// Points.
    pub points: i64,
    /// Stamps.
    pub stamps: i64,
}

fn floor(x: Decimal) -> i64 {
    x.floor().to_i64().unwrap_or(i64::MAX)
}

/// What `purchase` earns a member at `level` under the café hybrid program.
pub fn cafe_hybrid(level: Level, purchase: &Purchase) -> Earned {
    let mut eligible = Decimal::ZERO;
    let (mut pastries, mut coffees) = (0_i64, 0_i64);
    for line in &purchase.lines {
        let category = line.category.as_deref();
        if category != Some("merch") {
            eligible += line.unit_price.0 * Decimal::from(line.quantity);
        }
        match category {
            Some("pastry") => pastries += i64::from(line.quantity),
            Some("coffee") => coffees += i64::from(line.quantity),
            _ => {}
        }
    }
    let base = floor(eligible);
    // The local clock by integer arithmetic, as a till's own code would
    // read it: seconds since 1970 moved by the offset (1970-01-01 was a
    // Thursday, weekday 3 counting Monday as 0).
    let local = purchase.time.unix_seconds() + i64::from(purchase.time.offset_seconds());
    let minute = local.rem_euclid(86_400) / 60;
    let weekday = (local.div_euclid(86_400) + 3).rem_euclid(7);
    let happy = weekday < 5 && (14 * 60..16 * 60).contains(&minute);
    let doubled = if happy {
        floor(Decimal::from(base) * Decimal::TWO)
    } else {
        base
    };
    let multiplier = match level {
        Level::None => Decimal::ONE,
        Level::Silver => Decimal::new(125, 2),
        Level::Gold => Decimal::new(15, 1),
    };
    let tiered = floor(Decimal::from(doubled) * multiplier).max(doubled);
    let big = if eligible >= Decimal::new(2500, 2) {
        50
    } else {
        0
    };
    Earned {
        points: tiered + 5 * pastries + big,
        stamps: coffees,
    }
}

/// Points and stamps of an outcome's or a quote's awards.
pub fn awarded(awards: &[loyalty_core::outcome::Award]) -> Earned {
    awards.iter().fold(Earned::default(), |e, a| Earned {
        points: e.points + a.points,
        stamps: e.stamps + a.stamps,
    })
}

/// Check the engine against the baseline on one purchase: the quote's
/// totals, the quote's awards and the applied outcome's awards must all
/// give the baseline's points and stamps.
pub fn compare(
    engine: &loyalty_core::Engine,
    accounts: &[loyalty_core::Account; 3],
    p: &crate::cafe::CafePurchase,
) -> Result<(), String> {
    let want = cafe_hybrid(p.level, &p.purchase);
    let account = crate::cafe::account_for(accounts, p.level);
    let quote = engine
        .quote(account, &p.purchase)
        .map_err(|e| format!("{}: quote failed: {e}", p.purchase.id))?;
    let quoted = Earned {
        points: quote.points,
        stamps: quote.stamps,
    };
    let event = loyalty_core::Event::Purchase(p.purchase.clone());
    let (_, outcome) = engine
        .apply(account, &event)
        .map_err(|e| format!("{}: apply failed: {e}", p.purchase.id))?;
    let got = [quoted, awarded(&quote.awards), awarded(&outcome.awards)];
    if got.iter().all(|g| *g == want) {
        Ok(())
    } else {
        Err(format!(
            "{} ({:?}): baseline {want:?}, engine quote/awards/apply {got:?}",
            p.purchase.id, p.level
        ))
    }
}
