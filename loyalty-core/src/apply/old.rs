//! Applying one event to one account.
//!
//! The order of work for every event is fixed, so that outcomes are
//! reproducible and explainable:
//! 1. check the event's own values (no state is read yet);
//! 2. idempotency: a remembered id with the same digest is a duplicate (a
//!    no-op), with another digest a conflict;
//! 3. order: an event older than the account's last event is refused;
//! 4. time passes up to the event's time: expired reservations are released,
//!    pending points vest, lots and vouchers whose expiry instant is at or
//!    before the event's time expire, purchases leave the return window;
//! 5. the event itself;
//! 6. the event id is remembered and the clock of the account advances.
//!
//! The work happens on a copy of the account (see [`crate::Engine::apply`]),
//! so an error at any step leaves the caller's account untouched.

use crate::account::{
    Account, LineRecord, Lot, PurchaseRecord, Redemption, Reservation, SeenEvent, Voucher,
};
use crate::basket::{check_event_id, value_lines};
use crate::earn::evaluate;
use crate::engine::Engine;
use crate::error::{Document, Error};
use crate::event::{Adjust, Enrol, Event, Purchase, Redeem, Return, Settle};
use crate::idempotency::digest;
use crate::limits::{MAX_POINTS, MAX_STAMPS, MAX_TEXT_BYTES};
use crate::outcome::{
    Asset, Balances, EntryKind, LedgerEntry, Outcome, Quote, ReservationInfo, Status,
};
use crate::program::{Cost, Expiry, Shortfall};
use crate::rewards::discounts;
use crate::time::Timestamp;

/// Most vouchers one event may issue.
const MAX_VOUCHERS_PER_EVENT: i64 = 100;

pub(crate) fn balances(account: &Account) -> Balances {
    Balances {
        points: account.points.balance,
        pending: account.points.pending,
        reserved: account.points.reserved,
        debt: account.points.debt,
        stamps: account.stamps.count,
        vouchers: i64::try_from(account.vouchers.len()).unwrap_or(i64::MAX),
    }
}

/// An event being applied: the engine, the account copy and the outcome so far.
struct Tx<'a> {
    engine: &'a Engine,
    acc: &'a mut Account,
    out: Outcome,
    now: Timestamp,
    vouchers_issued: i64,
}

pub(crate) fn apply(engine: &Engine, acc: &mut Account, event: &Event) -> Result<Outcome, Error> {
    check_event(engine, event)?;
    let id = event.id();
    let digest = digest(event);
    if let Some(seen) = acc.recent_events.iter().find(|s| s.id == id) {
        if seen.digest == digest {
            return Ok(Outcome {
                event: id.to_owned(),
                status: Status::Duplicate,
                awards: vec![],
                discounts: vec![],
                reservation: None,
                vouchers: vec![],
                ledger: vec![],
                balances: balances(acc),
            });
        }
        return Err(Error::Conflict { id: id.to_owned() });
    }
    let now = event.time();
    if let Some(last) = acc.last_event_at {
        if now < last && !now.same_instant(&last) {
            return Err(Error::OutOfOrder { time: now, last });
        }
    }
    match event {
        Event::Enrol(e) => {
            if acc.enrolled_at.is_some() {
                return Err(Error::rule(
                    "already_enrolled",
                    "member",
                    format!("member `{}` is already enrolled", e.member),
                ));
            }
            if !acc.member.is_empty() && acc.member != e.member {
                return Err(Error::rule(
                    "member_mismatch",
                    "member",
                    format!(
                        "event is for member `{}` but the account is `{}`",
                        e.member, acc.member
                    ),
                ));
            }
        }
        _ => {
            if acc.enrolled_at.is_none() {
                return Err(Error::rule(
                    "not_enrolled",
                    "type",
                    format!("member `{}` is not enrolled", acc.member),
                ));
            }
        }
    }

    let mut tx = Tx {
        engine,
        acc,
        out: Outcome {
            event: id.to_owned(),
            status: Status::Applied,
            awards: vec![],
            discounts: vec![],
            reservation: None,
            vouchers: vec![],
            ledger: vec![],
            balances: Balances::default(),
        },
        now,
        vouchers_issued: 0,
    };
    tx.pass_time();
    match event {
        Event::Enrol(e) => tx.enrol(e)?,
        Event::Purchase(p) => tx.purchase(p)?,
        Event::Return(r) => tx.return_lines(r)?,
        Event::Redeem(r) => tx.redeem(r, false)?,
        Event::Reserve(r) => tx.redeem(r, true)?,
        Event::Commit(s) => tx.commit(s)?,
        Event::Release(s) => tx.release(s)?,
        Event::TimeAdvanced(_) => {}
        Event::Adjust(a) => tx.adjust(a)?,
    }
    let remember = usize::try_from(engine.program().idempotency.remember).unwrap_or(usize::MAX);
    let acc = tx.acc;
    acc.last_event_at = Some(now);
    acc.recent_events.push(SeenEvent {
        id: id.to_owned(),
        digest,
    });
    if acc.recent_events.len() > remember {
        let extra = acc.recent_events.len() - remember;
        acc.recent_events.drain(..extra);
    }
    let mut out = tx.out;
    out.balances = balances(acc);
    Ok(out)
}

pub(crate) fn quote(
    engine: &Engine,
    account: &Account,
    purchase: &Purchase,
) -> Result<Quote, Error> {
    let lines = value_lines(engine, "lines", &purchase.lines)?;
    let ev = evaluate(engine, &lines)?;
    let (points, stamps) = (ev.points(), ev.stamps());
    let vouchers = match &engine.program().stamps {
        Some(card) if stamps > 0 => {
            (account.stamps.count + stamps).max(0) / i64::from(card.card_size)
        }
        _ => 0,
    };
    Ok(Quote {
        awards: ev.awards,
        points,
        stamps,
        vouchers,
    })
}

fn check_text(path: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid(Document::Event, path, "must not be empty"));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::limit(
            Document::Event,
            path,
            format!("must be at most {MAX_TEXT_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Checks that need no account state.
fn check_event(engine: &Engine, event: &Event) -> Result<(), Error> {
    check_event_id("id", event.id())?;
    match event {
        Event::Enrol(e) => {
            check_event_id("member", &e.member)?;
            opt_id("location", e.location.as_deref())?;
            opt_id("staff", e.staff.as_deref())?;
        }
        Event::Purchase(p) => {
            opt_id("location", p.location.as_deref())?;
            opt_id("staff", p.staff.as_deref())?;
            value_lines(engine, "lines", &p.lines)?;
            if p.lines.is_empty() {
                return Err(Error::invalid(
                    Document::Event,
                    "lines",
                    "a purchase needs at least one line",
                ));
            }
            for (i, r) in p.redemptions.iter().enumerate() {
                check_event_id(&format!("redemptions[{i}]"), r)?;
            }
        }
        Event::Return(r) => {
            check_event_id("purchase", &r.purchase)?;
            if let Some(lines) = &r.lines {
                if lines.is_empty() {
                    return Err(Error::invalid(
                        Document::Event,
                        "lines",
                        "list at least one line, or leave `lines` out to return everything",
                    ));
                }
                if lines.len() > crate::limits::MAX_LINES {
                    return Err(Error::limit(
                        Document::Event,
                        "lines",
                        format!("at most {} lines are allowed", crate::limits::MAX_LINES),
                    ));
                }
                for (i, l) in lines.iter().enumerate() {
                    if l.quantity == 0 {
                        return Err(Error::invalid(
                            Document::Event,
                            format!("lines[{i}].quantity"),
                            "must be at least 1",
                        ));
                    }
                }
            }
        }
        Event::Redeem(r) | Event::Reserve(r) => {
            check_event_id("reward", &r.reward)?;
            opt_id("voucher", r.voucher.as_deref())?;
            value_lines(engine, "basket", &r.basket)?;
        }
        Event::Commit(s) | Event::Release(s) => check_event_id("reservation", &s.reservation)?,
        Event::TimeAdvanced(_) => {}
        Event::Adjust(a) => {
            check_event_id("staff", &a.staff)?;
            check_text("reason", &a.reason)?;
            if a.points == 0 && a.stamps == 0 {
                return Err(Error::invalid(
                    Document::Event,
                    "points",
                    "an adjustment must change points or stamps",
                ));
            }
            if a.points.unsigned_abs() > MAX_POINTS.unsigned_abs() {
                return Err(Error::limit(
                    Document::Event,
                    "points",
                    format!("must be within ±{MAX_POINTS}"),
                ));
            }
            if a.stamps.unsigned_abs() > MAX_STAMPS.unsigned_abs() {
                return Err(Error::limit(
                    Document::Event,
                    "stamps",
                    format!("must be within ±{MAX_STAMPS}"),
                ));
            }
        }
    }
    Ok(())
}

fn opt_id(path: &str, id: Option<&str>) -> Result<(), Error> {
    id.map_or(Ok(()), |id| check_event_id(path, id))
}

fn overflow(what: &str) -> Error {
    Error::limit(
        Document::Account,
        what,
        format!("would exceed {MAX_POINTS}"),
    )
}

impl Tx<'_> {
    fn entry(&mut self, asset: Asset, kind: EntryKind, amount: i64, reference: Option<&str>) {
        if amount != 0 {
            self.out.ledger.push(LedgerEntry {
                event: self.out.event.clone(),
                asset,
                kind,
                amount,
                reference: reference.map(str::to_owned),
            });
        }
    }

    // ---- time -------------------------------------------------------------

    fn pass_time(&mut self) {
        let now = self.now;
        // Reservations past their expiry go back first, so their points can vest or expire below.
        let (expired, open): (Vec<_>, Vec<_>) = std::mem::take(&mut self.acc.reservations)
            .into_iter()
            .partition(|r| r.expires_at <= now);
        self.acc.reservations = open;
        for r in expired {
            self.give_back(r);
        }
        self.vest();
        self.expire_lots();
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.acc.vouchers)
            .into_iter()
            .partition(|v| v.expires_at.is_some_and(|t| t <= now));
        self.acc.vouchers = kept;
        for v in gone {
            self.entry(Asset::Vouchers, EntryKind::Expire, -1, Some(&v.id));
        }
        let window = self.engine.program().returns.window_days;
        self.acc.purchases.retain(|p| p.at.plus_days(window) > now);
        self.acc
            .redemptions
            .retain(|r| r.at.plus_days(window) > now);
    }

    fn vest(&mut self) {
        let now = self.now;
        let mut i = 0;
        while i < self.acc.points.lots.len() {
            let due = self
                .acc
                .points
                .lots
                .get(i)
                .and_then(|l| l.available_at)
                .is_some_and(|t| t <= now);
            if !due {
                i += 1;
                continue;
            }
            let points = self.acc.points.lots.get(i).map_or(0, |l| l.points);
            self.acc.points.pending -= points;
            self.entry(Asset::Pending, EntryKind::Vest, -points, None);
            let kept = self.credit_available(points, EntryKind::Vest, None);
            if let Some(lot) = self.acc.points.lots.get_mut(i) {
                lot.available_at = None;
                lot.points = kept;
            }
            if kept == 0 {
                self.acc.points.lots.remove(i);
            } else {
                i += 1;
            }
        }
        coalesce(&mut self.acc.points.lots);
    }

    fn expire_lots(&mut self) {
        let now = self.now;
        let inactive = match (
            &self.engine.program().points.expiry,
            self.acc.last_activity_at,
        ) {
            (Some(Expiry::Inactivity { days }), Some(last)) => last.plus_days(*days) <= now,
            _ => false,
        };
        let (mut available, mut pending) = (0, 0);
        self.acc.points.lots.retain(|lot| {
            let expired = inactive || lot.expires_at.is_some_and(|t| t <= now);
            if expired {
                if lot.is_pending() {
                    pending += lot.points;
                } else {
                    available += lot.points;
                }
            }
            !expired
        });
        self.acc.points.balance -= available;
        self.acc.points.pending -= pending;
        self.entry(Asset::Points, EntryKind::Expire, -available, None);
        self.entry(Asset::Pending, EntryKind::Expire, -pending, None);
    }

    // ---- points -----------------------------------------------------------

    /// Add `points` to the spendable balance, repaying debt first. Returns
    /// how many of them the new lot keeps (what neither repaid debt nor
    /// filled a negative balance).
    fn credit_available(&mut self, points: i64, kind: EntryKind, reference: Option<&str>) -> i64 {
        let before = self.acc.points.balance;
        self.acc.points.balance += points;
        self.entry(Asset::Points, kind, points, reference);
        let repaid = points.min(self.acc.points.debt);
        if repaid > 0 {
            self.acc.points.debt -= repaid;
            self.acc.points.balance -= repaid;
            self.entry(Asset::Points, EntryKind::DebtRepaid, -repaid, reference);
            self.entry(Asset::Debt, EntryKind::DebtRepaid, -repaid, reference);
        }
        let rest = points - repaid;
        rest - rest.min((-before).max(0))
    }

    /// Earn points now: pending for the program's pending period, or spendable at once.
    fn earn(&mut self, parts: &[(String, i64)], kind: EntryKind) -> Result<(), Error> {
        let total: i64 = parts.iter().map(|(_, p)| *p).sum();
        if total <= 0 {
            return Ok(());
        }
        let limit = self
            .acc
            .points
            .balance
            .max(0)
            .checked_add(self.acc.points.pending)
            .and_then(|x| x.checked_add(total));
        if limit.is_none_or(|x| x > MAX_POINTS) {
            return Err(overflow("points.balance"));
        }
        let now = self.now;
        let expires_at = self.engine.lot_expiry(now);
        let pending_days = self.engine.program().points.pending_days;
        if pending_days > 0 {
            for (reference, p) in parts {
                self.entry(Asset::Pending, kind, *p, Some(reference));
            }
            self.acc.points.pending += total;
            self.push_lot(Lot {
                points: total,
                earned_at: now,
                available_at: Some(now.plus_days(pending_days)),
                expires_at,
            });
        } else {
            let mut kept = 0;
            for (reference, p) in parts {
                kept += self.credit_available(*p, kind, Some(reference));
            }
            self.push_lot(Lot {
                points: kept,
                earned_at: now,
                available_at: None,
                expires_at,
            });
        }
        Ok(())
    }

    fn push_lot(&mut self, lot: Lot) {
        if lot.points <= 0 {
            return;
        }
        let lots = &mut self.acc.points.lots;
        match lots.last_mut() {
            Some(last)
                if last.available_at == lot.available_at && last.expires_at == lot.expires_at =>
            {
                last.points += lot.points
            }
            _ => lots.push(lot),
        }
    }

    /// Take `points` spendable points, oldest lots first. The caller has checked the balance.
    fn take_oldest(&mut self, points: i64) -> Vec<Lot> {
        let mut taken = Vec::new();
        let mut left = points;
        let lots = &mut self.acc.points.lots;
        let mut i = 0;
        while left > 0 && i < lots.len() {
            let Some(lot) = lots.get_mut(i) else { break };
            if lot.is_pending() {
                i += 1;
                continue;
            }
            let t = lot.points.min(left);
            lot.points -= t;
            left -= t;
            taken.push(Lot {
                points: t,
                ..lot.clone()
            });
            if lot.points == 0 {
                lots.remove(i);
            } else {
                i += 1;
            }
        }
        self.acc.points.balance -= points;
        taken
    }

    fn require_points(&self, needed: i64, path: &str, what: &str) -> Result<(), Error> {
        let available = self.acc.points.balance;
        if available < needed {
            return Err(Error::rule(
                "insufficient_points",
                path,
                format!(
                    "{what} needs {needed} points; {} are available",
                    available.max(0)
                ),
            ));
        }
        Ok(())
    }

    /// Take back `points` for a return: first from the lot the purchase
    /// created (earned at `earned_at`), then newest lots first (pending ones
    /// included), then by the program's shortfall policy.
    fn take_back(&mut self, points: i64, reference: &str, earned_at: Timestamp) {
        let mut left = points;
        let (mut from_pending, mut from_available) = (0, 0);
        let lots = &mut self.acc.points.lots;
        let own = lots.iter().rposition(|l| l.earned_at == earned_at);
        let order = own
            .into_iter()
            .chain((0..lots.len()).rev().filter(|i| Some(*i) != own));
        for i in order.collect::<Vec<_>>() {
            let Some(lot) = lots.get_mut(i) else { continue };
            let t = lot.points.min(left);
            lot.points -= t;
            left -= t;
            if lot.is_pending() {
                from_pending += t;
            } else {
                from_available += t;
            }
            if left == 0 {
                break;
            }
        }
        lots.retain(|l| l.points > 0);
        self.acc.points.pending -= from_pending;
        self.acc.points.balance -= from_available;
        self.entry(
            Asset::Pending,
            EntryKind::Clawback,
            -from_pending,
            Some(reference),
        );
        self.entry(
            Asset::Points,
            EntryKind::Clawback,
            -from_available,
            Some(reference),
        );
        if left > 0 {
            match self.engine.shortfall() {
                Shortfall::Debt => {
                    self.acc.points.debt += left;
                    self.entry(Asset::Debt, EntryKind::DebtIncurred, left, Some(reference));
                }
                Shortfall::NegativeBalance => {
                    self.acc.points.balance -= left;
                    self.entry(Asset::Points, EntryKind::Clawback, -left, Some(reference));
                }
            }
        }
    }

    // ---- stamps and vouchers ---------------------------------------------

    fn add_stamps(&mut self, stamps: i64, kind: EntryKind, reference: &str) -> Result<(), Error> {
        let Some(card) = self.engine.program().stamps.clone() else {
            return Ok(());
        };
        if stamps <= 0 {
            return Ok(());
        }
        let size = i64::from(card.card_size);
        let count = self.acc.stamps.count + stamps;
        if count / size + self.vouchers_issued > MAX_VOUCHERS_PER_EVENT {
            return Err(Error::limit(
                Document::Event,
                "lines",
                format!("the event would issue more than {MAX_VOUCHERS_PER_EVENT} vouchers"),
            ));
        }
        self.acc.stamps.count = count;
        self.entry(Asset::Stamps, kind, stamps, Some(reference));
        while self.acc.stamps.count >= size {
            self.acc.stamps.count -= size;
            self.acc.stamps.cards_completed += 1;
            self.vouchers_issued += 1;
            let voucher = Voucher {
                id: format!("{}/{}", self.out.event, self.vouchers_issued),
                reward: card.reward.clone(),
                issued_at: self.now,
                expires_at: card.voucher_days.map(|d| self.now.plus_days(d)),
            };
            self.entry(
                Asset::Stamps,
                EntryKind::CardCompleted,
                -size,
                Some(&voucher.id),
            );
            self.entry(
                Asset::Vouchers,
                EntryKind::CardCompleted,
                1,
                Some(&voucher.id),
            );
            self.acc.vouchers.push(voucher.clone());
            self.out.vouchers.push(voucher);
        }
        Ok(())
    }

    // ---- events -----------------------------------------------------------

    fn enrol(&mut self, e: &Enrol) -> Result<(), Error> {
        self.acc.member.clone_from(&e.member);
        self.acc.enrolled_at = Some(self.now);
        self.acc.last_activity_at = Some(self.now);
        let welcome = i64::from(self.engine.program().points.welcome_points);
        self.earn(&[("welcome".to_owned(), welcome)], EntryKind::Earn)
    }

    fn purchase(&mut self, p: &Purchase) -> Result<(), Error> {
        let engine = self.engine;
        let lines = value_lines(engine, "lines", &p.lines)?;
        let ev = evaluate(engine, &lines)?;
        let mut linked = Vec::with_capacity(p.redemptions.len());
        for (i, id) in p.redemptions.iter().enumerate() {
            let Some(at) = self.acc.redemptions.iter().position(|r| r.id == *id) else {
                return Err(Error::rule(
                    "unknown_redemption",
                    format!("redemptions[{i}]"),
                    format!("redemption `{id}` is unknown, already tied to a purchase, or too old"),
                ));
            };
            linked.push(self.acc.redemptions.remove(at));
        }
        let parts: Vec<(String, i64)> = ev
            .awards
            .iter()
            .filter(|a| a.points > 0)
            .map(|a| (a.rule.clone(), a.points))
            .collect();
        self.earn(&parts, EntryKind::Earn)?;
        for award in ev.awards.iter().filter(|a| a.stamps > 0) {
            self.add_stamps(award.stamps, EntryKind::Earn, &award.rule)?;
        }
        if engine.program().returns.window_days > 0 {
            let records = ev
                .line_points
                .iter()
                .zip(&ev.line_stamps)
                .zip(&p.lines)
                .map(|((&points, &stamps), line)| LineRecord {
                    quantity: line.quantity,
                    returned: 0,
                    points,
                    points_back: 0,
                    stamps,
                    stamps_back: 0,
                })
                .collect();
            self.acc.purchases.push(PurchaseRecord {
                id: p.id.clone(),
                at: self.now,
                lines: records,
                visit_points: ev.visit_points,
                visit_stamps: ev.visit_stamps,
                redemptions: linked,
            });
        }
        self.out.awards = ev.awards;
        self.acc.last_activity_at = Some(self.now);
        Ok(())
    }

    fn return_lines(&mut self, r: &Return) -> Result<(), Error> {
        let window = self.engine.program().returns.window_days;
        let Some(at) = self.acc.purchases.iter().position(|p| p.id == r.purchase) else {
            return Err(Error::rule(
                "unknown_purchase",
                "purchase",
                format!(
                    "purchase `{}` is unknown or outside the {window}-day return window",
                    r.purchase
                ),
            ));
        };
        let rounding = self.engine.program().points.rounding;
        let Some(record) = self.acc.purchases.get_mut(at) else {
            return Ok(());
        };
        // Units to return per original line.
        let mut units = vec![0_u32; record.lines.len()];
        match &r.lines {
            None => {
                for (u, l) in units.iter_mut().zip(&record.lines) {
                    *u = l.quantity - l.returned;
                }
                if units.iter().all(|u| *u == 0) {
                    return Err(Error::rule(
                        "already_returned",
                        "purchase",
                        format!("purchase `{}` was already returned in full", r.purchase),
                    ));
                }
            }
            Some(lines) => {
                for (i, l) in lines.iter().enumerate() {
                    let idx = usize::try_from(l.line).unwrap_or(usize::MAX);
                    let (Some(u), Some(rec)) = (units.get_mut(idx), record.lines.get(idx)) else {
                        return Err(Error::rule(
                            "unknown_line",
                            format!("lines[{i}].line"),
                            format!(
                                "purchase `{}` has no line {} (it has {})",
                                r.purchase,
                                l.line,
                                record.lines.len()
                            ),
                        ));
                    };
                    *u = u.saturating_add(l.quantity);
                    let left = rec.quantity - rec.returned;
                    if *u > left {
                        return Err(Error::rule(
                            "return_exceeds_purchase",
                            format!("lines[{i}].quantity"),
                            format!(
                                "line {} of purchase `{}` has {left} unit(s) not yet returned",
                                l.line, r.purchase
                            ),
                        ));
                    }
                }
            }
        }
        let (mut points, mut stamps) = (0_i64, 0_i64);
        for (rec, &u) in record.lines.iter_mut().zip(&units) {
            if u == 0 {
                continue;
            }
            rec.returned += u;
            let share = |earned: i64| -> i64 {
                if rec.returned == rec.quantity {
                    earned
                } else {
                    let exact = rust_decimal::Decimal::from(earned)
                        * rust_decimal::Decimal::from(rec.returned)
                        / rust_decimal::Decimal::from(rec.quantity);
                    rounding.whole(exact).unwrap_or(earned).clamp(0, earned)
                }
            };
            let p = (share(rec.points) - rec.points_back).max(0);
            let s = (share(rec.stamps) - rec.stamps_back).max(0);
            rec.points_back += p;
            rec.stamps_back += s;
            points += p;
            stamps += s;
        }
        let mut restore = Vec::new();
        if record.fully_returned() {
            points += std::mem::take(&mut record.visit_points);
            stamps += std::mem::take(&mut record.visit_stamps);
            restore = std::mem::take(&mut record.redemptions);
        }
        let (reference, earned_at) = (r.purchase.clone(), record.at);
        self.take_back(points, &reference, earned_at);
        if stamps > 0 {
            self.acc.stamps.count -= stamps;
            self.entry(
                Asset::Stamps,
                EntryKind::Clawback,
                -stamps,
                Some(&reference),
            );
        }
        if self.engine.program().returns.restore_rewards {
            for redemption in restore {
                self.restore(redemption)?;
            }
        }
        Ok(())
    }

    fn restore(&mut self, r: Redemption) -> Result<(), Error> {
        if r.points > 0 {
            self.earn(&[(r.reward.clone(), r.points)], EntryKind::Restore)?;
        }
        if let Some(v) = r.voucher {
            if v.expires_at.is_none_or(|t| t > self.now) {
                self.entry(Asset::Vouchers, EntryKind::Restore, 1, Some(&v.id));
                self.acc.vouchers.push(v);
            }
        }
        Ok(())
    }

    fn redeem(&mut self, r: &Redeem, reserve: bool) -> Result<(), Error> {
        let engine = self.engine;
        let reward = engine.reward(&r.reward).ok_or_else(|| {
            Error::rule(
                "unknown_reward",
                "reward",
                format!("`{}` is not a reward of this program", r.reward),
            )
        })?;
        let lines = value_lines(engine, "basket", &r.basket)?;
        let discounts = discounts(engine, reward, &lines)?;
        let mut reservation = Reservation {
            id: r.id.clone(),
            reward: reward.id.clone(),
            expires_at: self
                .now
                .plus_minutes(engine.program().redemption.reservation_minutes),
            points: 0,
            lots: vec![],
            voucher: None,
        };
        let mut done = Redemption {
            id: r.id.clone(),
            at: self.now,
            reward: reward.id.clone(),
            points: 0,
            voucher: None,
        };
        match reward.cost {
            Cost::Points { points } => {
                let points = i64::from(points);
                self.require_points(points, "reward", &format!("reward `{}`", reward.id))?;
                let lots = self.take_oldest(points);
                if reserve {
                    self.entry(Asset::Points, EntryKind::Reserve, -points, Some(&r.id));
                    self.entry(Asset::Reserved, EntryKind::Reserve, points, Some(&r.id));
                    self.acc.points.reserved += points;
                    reservation.points = points;
                    reservation.lots = lots;
                } else {
                    self.entry(Asset::Points, EntryKind::Redeem, -points, Some(&reward.id));
                    done.points = points;
                }
            }
            Cost::Voucher => {
                let at = match &r.voucher {
                    Some(id) => {
                        let at = self
                            .acc
                            .vouchers
                            .iter()
                            .position(|v| v.id == *id)
                            .ok_or_else(|| {
                                Error::rule(
                                    "unknown_voucher",
                                    "voucher",
                                    format!("voucher `{id}` is not held by this member"),
                                )
                            })?;
                        if self
                            .acc
                            .vouchers
                            .get(at)
                            .is_some_and(|v| v.reward != reward.id)
                        {
                            return Err(Error::rule(
                                "voucher_mismatch",
                                "voucher",
                                format!("voucher `{id}` is not for reward `{}`", reward.id),
                            ));
                        }
                        at
                    }
                    None => self
                        .acc
                        .vouchers
                        .iter()
                        .position(|v| v.reward == reward.id)
                        .ok_or_else(|| {
                            Error::rule(
                                "no_voucher",
                                "reward",
                                format!("the member holds no voucher for reward `{}`", reward.id),
                            )
                        })?,
                };
                let voucher = self.acc.vouchers.remove(at);
                if reserve {
                    self.entry(Asset::Vouchers, EntryKind::Reserve, -1, Some(&voucher.id));
                    self.entry(
                        Asset::ReservedVouchers,
                        EntryKind::Reserve,
                        1,
                        Some(&voucher.id),
                    );
                    reservation.voucher = Some(voucher);
                } else {
                    self.entry(Asset::Vouchers, EntryKind::Redeem, -1, Some(&voucher.id));
                    done.voucher = Some(voucher);
                }
            }
        }
        self.out.discounts = discounts;
        if reserve {
            self.out.reservation = Some(ReservationInfo {
                id: reservation.id.clone(),
                expires_at: reservation.expires_at,
            });
            self.acc.reservations.push(reservation);
        } else {
            self.remember_redemption(done);
        }
        self.acc.last_activity_at = Some(self.now);
        Ok(())
    }

    fn remember_redemption(&mut self, r: Redemption) {
        if self.engine.program().returns.window_days > 0 {
            self.acc.redemptions.push(r);
        }
    }

    fn take_reservation(&mut self, s: &Settle) -> Result<Reservation, Error> {
        let at = self
            .acc
            .reservations
            .iter()
            .position(|r| r.id == s.reservation)
            .ok_or_else(|| {
                Error::rule(
                    "unknown_reservation",
                    "reservation",
                    format!(
                        "reservation `{}` is not open (unknown, expired, committed or released)",
                        s.reservation
                    ),
                )
            })?;
        Ok(self.acc.reservations.remove(at))
    }

    fn commit(&mut self, s: &Settle) -> Result<(), Error> {
        let r = self.take_reservation(s)?;
        self.acc.points.reserved -= r.points;
        self.entry(
            Asset::Reserved,
            EntryKind::Redeem,
            -r.points,
            Some(&r.reward),
        );
        if let Some(v) = &r.voucher {
            self.entry(Asset::ReservedVouchers, EntryKind::Redeem, -1, Some(&v.id));
        }
        self.remember_redemption(Redemption {
            id: r.id,
            at: self.now,
            reward: r.reward,
            points: r.points,
            voucher: r.voucher,
        });
        self.acc.last_activity_at = Some(self.now);
        Ok(())
    }

    fn release(&mut self, s: &Settle) -> Result<(), Error> {
        let r = self.take_reservation(s)?;
        self.give_back(r);
        self.expire_lots();
        Ok(())
    }

    /// Return what a reservation holds: its lots as they were, and its voucher.
    fn give_back(&mut self, r: Reservation) {
        if r.points > 0 {
            self.acc.points.reserved -= r.points;
            self.entry(Asset::Reserved, EntryKind::Release, -r.points, Some(&r.id));
            let kept = self.credit_available(r.points, EntryKind::Release, Some(&r.id));
            // Whatever repaid debt (or filled a negative balance) comes out of the oldest lots.
            let mut cut = r.points - kept;
            let lots = &mut self.acc.points.lots;
            for mut lot in r.lots {
                let c = cut.min(lot.points);
                lot.points -= c;
                cut -= c;
                if lot.points > 0 {
                    let at = lots.partition_point(|l| l.earned_at <= lot.earned_at);
                    lots.insert(at, lot);
                }
            }
            coalesce(lots);
        }
        if let Some(v) = r.voucher {
            self.entry(Asset::ReservedVouchers, EntryKind::Release, -1, Some(&v.id));
            self.entry(Asset::Vouchers, EntryKind::Release, 1, Some(&v.id));
            let at = self
                .acc
                .vouchers
                .partition_point(|x| x.issued_at <= v.issued_at);
            self.acc.vouchers.insert(at, v);
        }
    }

    fn adjust(&mut self, a: &Adjust) -> Result<(), Error> {
        if a.points > 0 {
            self.earn(&[(a.staff.clone(), a.points)], EntryKind::Adjust)?;
        } else if a.points < 0 {
            let points = -a.points;
            self.require_points(points, "points", "the adjustment")?;
            self.take_oldest(points);
            self.entry(Asset::Points, EntryKind::Adjust, a.points, Some(&a.staff));
        }
        if a.stamps > 0 {
            if self.engine.program().stamps.is_none() {
                return Err(Error::rule(
                    "no_stamp_card",
                    "stamps",
                    "the program has no stamp card",
                ));
            }
            self.add_stamps(a.stamps, EntryKind::Adjust, &a.staff)?;
        } else if a.stamps < 0 {
            if self.acc.stamps.count < -a.stamps {
                return Err(Error::rule(
                    "insufficient_stamps",
                    "stamps",
                    format!(
                        "the card holds {} stamps; cannot remove {}",
                        self.acc.stamps.count.max(0),
                        -a.stamps
                    ),
                ));
            }
            self.acc.stamps.count += a.stamps;
            self.entry(Asset::Stamps, EntryKind::Adjust, a.stamps, Some(&a.staff));
        }
        Ok(())
    }
}

/// Merge neighbouring spendable lots that expire together.
fn coalesce(lots: &mut Vec<Lot>) {
    let mut merged: Vec<Lot> = Vec::with_capacity(lots.len());
    for lot in lots.drain(..) {
        match merged.last_mut() {
            Some(last)
                if !last.is_pending() && !lot.is_pending() && last.expires_at == lot.expires_at =>
            {
                last.points += lot.points
            }
            _ => merged.push(lot),
        }
    }
    *lots = merged;
}
