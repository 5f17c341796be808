//! Consistency checks on an account passed in by the host.
//!
//! Accounts come back from the host's storage, or from a browser, and may
//! be corrupt or forged. Before an event touches one, its numbers must be in
//! range and its aggregates must agree with each other (lots with balances,
//! reservations with the reserved total), so that no later arithmetic can
//! overflow and no invariant starts out broken.

use crate::account::Account;
use crate::error::{Document, Error};
use crate::id::Fault;
use crate::limits::*;

fn bad(path: impl Into<String>, message: impl Into<String>) -> Error {
    Error::invalid(Document::Account, path, message)
}

/// Where a checked value is: a literal, or a path made only on error (an
/// account has a few hundred values; formatting each one's path up front
/// was a fifth of reading a typical account).
trait At {
    fn at(self) -> String;
}

impl At for &str {
    fn at(self) -> String {
        self.to_owned()
    }
}

impl<F: FnOnce() -> String> At for F {
    fn at(self) -> String {
        self()
    }
}

// The tests are inlined into `check` and their errors made apart (cold):
// an account has a few dozen values to test, and a call for each (a path
// and a result moved back) cost more than the comparisons.

#[inline(always)]
fn range(path: impl At, v: i64, min: i64, max: i64) -> Result<(), Error> {
    if v < min || v > max {
        return Err(out_of_range(path.at(), v, min, max));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn out_of_range(path: String, v: i64, min: i64, max: i64) -> Error {
    bad(path, format!("`{v}` is outside {min} to {max}"))
}

#[inline(always)]
fn id(path: impl At, s: &str) -> Result<(), Error> {
    if Fault::of(s).is_some() {
        return Err(bad_id(path.at()));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn bad_id(path: String) -> Error {
    bad(
        path,
        format!("must be 1 to {MAX_ID_BYTES} bytes without control characters"),
    )
}

#[inline(always)]
fn count(path: impl At, len: usize, max: usize) -> Result<(), Error> {
    if len > max {
        return Err(too_many(path.at(), len, max));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn too_many(path: String, len: usize, max: usize) -> Error {
    Error::limit(
        Document::Account,
        path,
        format!("has {} entries; at most {max} are allowed", len),
    )
}

/// Most lots, vouchers, reservations, redemptions or purchases an account may hold.
pub(crate) const MAX_ACCOUNT_LIST: usize = 100_000;

pub(crate) fn check(a: &Account) -> Result<(), Error> {
    id("member", &a.member)?;
    if let Some(t) = &a.tier {
        count("tier.buckets", t.buckets.len(), MAX_ACCOUNT_LIST)?;
        // The engine keeps buckets in key order and relies on it to drop
        // the old ones and sum the rest without testing every bucket.
        for (i, pair) in t.buckets.windows(2).enumerate() {
            if let [before, after] = pair {
                if after.key <= before.key {
                    return Err(Error::invalid(
                        Document::Account,
                        format!("tier.buckets[{}][0]", i + 1),
                        "buckets must be in increasing key order",
                    ));
                }
            }
        }
    }
    let p = &a.points;
    range("points.balance", p.balance, -MAX_POINTS, MAX_POINTS)?;
    range("points.pending", p.pending, 0, MAX_POINTS)?;
    range("points.reserved", p.reserved, 0, MAX_POINTS)?;
    range("points.debt", p.debt, 0, MAX_POINTS)?;
    count("points.lots", p.lots.len(), MAX_ACCOUNT_LIST)?;
    let (mut available, mut pending) = (0_i64, 0_i64);
    for (i, lot) in p.lots.iter().enumerate() {
        range(|| format!("points.lots[{i}][0]"), lot.points, 1, MAX_POINTS)?;
        if lot.is_pending() {
            pending += lot.points;
        } else {
            available += lot.points;
        }
        if available > MAX_POINTS || pending > MAX_POINTS {
            return Err(bad(
                "points.lots",
                "lots add up to more than the largest balance",
            ));
        }
    }
    if available != p.balance.max(0) {
        return Err(bad(
            "points.balance",
            format!(
                "`{}` does not match the {available} points of the spendable lots",
                p.balance
            ),
        ));
    }
    if pending != p.pending {
        return Err(bad(
            "points.pending",
            format!(
                "`{}` does not match the {pending} points of the pending lots",
                p.pending
            ),
        ));
    }
    range("stamps.count", a.stamps.count, -MAX_STAMPS, MAX_STAMPS)?;
    count("vouchers", a.vouchers.len(), MAX_ACCOUNT_LIST)?;
    for (i, v) in a.vouchers.iter().enumerate() {
        id(|| format!("vouchers[{i}].id"), &v.id)?;
    }
    // The engine keeps vouchers in expiry order and relies on it to expire
    // them without testing every voucher.
    for (i, (before, after)) in a.vouchers.iter().zip(a.vouchers.iter().skip(1)).enumerate() {
        if after.expiry_order() < before.expiry_order() {
            return Err(bad(
                format!("vouchers[{}]", i + 1),
                "vouchers must be in expiry order (soonest first, never-expiring last, then by issue)",
            ));
        }
    }
    count("reservations", a.reservations.len(), MAX_ACCOUNT_LIST)?;
    let mut reserved = 0_i64;
    for (i, r) in a.reservations.iter().enumerate() {
        range(
            || format!("reservations[{i}].points"),
            r.points,
            0,
            MAX_POINTS,
        )?;
        let held: i64 = r.lots.iter().map(|l| l.points.clamp(0, MAX_POINTS)).sum();
        if held != r.points {
            return Err(bad(
                format!("reservations[{i}].points"),
                "does not match the points of its lots",
            ));
        }
        reserved += r.points;
    }
    if reserved != p.reserved {
        return Err(bad(
            "points.reserved",
            format!(
                "`{}` does not match the {reserved} points held by reservations",
                p.reserved
            ),
        ));
    }
    count("redemptions", a.redemptions.len(), MAX_ACCOUNT_LIST)?;
    for (i, r) in a.redemptions.iter().enumerate() {
        range(
            || format!("redemptions[{i}].points"),
            r.points,
            0,
            MAX_POINTS,
        )?;
    }
    count("purchases", a.purchases.len(), MAX_ACCOUNT_LIST)?;
    for (i, pr) in a.purchases.iter().enumerate() {
        count(|| format!("purchases[{i}][2]"), pr.lines.len(), MAX_LINES)?;
        range(
            || format!("purchases[{i}][4]"),
            pr.visit_points,
            0,
            MAX_POINTS,
        )?;
        range(
            || format!("purchases[{i}][5]"),
            pr.visit_stamps,
            0,
            MAX_STAMPS,
        )?;
        for (j, l) in pr.lines.iter().enumerate() {
            // Positions in the line array: see `LineRecord`.
            let at = |k: usize| format!("purchases[{i}][2][{j}][{k}]");
            if l.quantity == 0 || l.quantity > MAX_QUANTITY || l.returned > l.quantity {
                return Err(bad(
                    at(6),
                    "units returned must be within the units bought (1 to 10000)",
                ));
            }
            range(|| at(1), l.points, 0, MAX_POINTS)?;
            range(|| at(7), l.points_back, 0, l.points)?;
            range(|| at(3), l.stamps, 0, MAX_STAMPS)?;
            range(|| at(9), l.stamps_back, 0, l.stamps)?;
        }
        for (k, r) in pr.redemptions.iter().enumerate() {
            range(
                || format!("purchases[{i}][6][{k}].points"),
                r.points,
                0,
                MAX_POINTS,
            )?;
        }
    }
    if a.recent_events.len() > MAX_REMEMBERED_EVENTS as usize {
        return Err(Error::limit(
            Document::Account,
            "recent_events",
            format!("at most {MAX_REMEMBERED_EVENTS} are kept"),
        ));
    }
    for (i, s) in a.recent_events.iter().enumerate() {
        id(|| format!("recent_events[{i}]"), &s.id)?;
    }
    Ok(())
}
