//! A deliberately simple reference model of one account, and the checks
//! that hold the engine to it after every event.
//!
//! The model is a plain ledger: a list of every movement, scanned from the
//! start whenever a balance is needed. It keeps its own record of event ids,
//! purchases and their lines, reservations, spent vouchers and lots, and
//! from those it predicts, before the engine answers:
//! - which events must fail and with which error kind (duplicates,
//!   conflicts, out of order, not enrolled, returns of unknown purchases or
//!   of more units than remain, reservations unknown, settled or stale,
//!   vouchers already spent, points rewards the available points cannot pay);
//! - the exact movements of adjustments, welcome points, points rewards,
//!   reservations, commits and releases, and of purchases (earn equals the
//!   stateless quote of the same basket for programs without tiers);
//! - upper bounds where the engine chooses (return clawbacks never exceed
//!   what the returned lines earned; expiry only touches lots whose instant
//!   has come; cashback caps).
//!
//! It is shared by `tests/model.rs` (proptest) and the `event_sequence`
//! fuzz target (`fuzz/fuzz_targets/event_sequence.rs`), which includes this
//! file by path.

use std::collections::BTreeMap;

use loyalty_core::account::Account;
use loyalty_core::outcome::{Asset, EntryKind, Outcome, Status};
use loyalty_core::{json, Engine, ErrorKind, Event, Timestamp};
use serde_json::Value;

/// Catalogue the generated baskets draw from: `(sku, category, price)`.
pub const MENU: &[(&str, &str, &str)] = &[
    ("latte", "coffee", "4.75"),
    ("drip", "coffee", "2.95"),
    ("croissant", "pastry", "3.25"),
    ("tea", "tea", "3.80"),
    ("sandwich", "sandwich", "8.50"),
    ("mug", "merch", "14.00"),
    ("card", "gift_card", "25.00"),
];

/// One step of a generated history, before ids and times are given.
#[derive(Clone, Debug)]
pub enum Step {
    /// A purchase of `(menu item, quantity)` lines.
    Buy(Vec<(usize, u32)>),
    /// Return some units of the `nth` purchase (or everything left).
    Return {
        nth: usize,
        lines: Option<Vec<(u32, u32)>>,
    },
    /// Redeem (or reserve) the `reward`-th reward of the program.
    Redeem { reward: usize, reserve: bool },
    /// Commit or release the `nth` reservation made so far.
    Settle { nth: usize, commit: bool },
    /// Spend again the `nth` voucher already spent.
    RespendVoucher { nth: usize },
    /// Time passes (minutes).
    Wait(u32),
    /// Staff adjust points and stamps.
    Adjust { points: i64, stamps: i64 },
    /// The till retries the `back`-th previous event.
    Retry(usize),
    /// An old id sent again with other content.
    Conflict(usize),
    /// An event that must be refused before any state is read.
    Bad(u8),
    /// Subscribe to the program's first plan.
    Subscribe,
}

fn at(base: &Timestamp, minutes: u32) -> Timestamp {
    base.plus_minutes(minutes)
}

fn line_json(item: usize, quantity: u32) -> String {
    let (sku, category, price) = MENU[item % MENU.len()];
    format!(
        r#"{{"sku":"{sku}","category":"{category}","quantity":{quantity},"unit_price":"{price}"}}"#
    )
}

/// The reward ids of a program, in catalogue order.
pub fn rewards(program: &Value) -> Vec<String> {
    program["rewards"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Turn steps into event JSON documents with ids and increasing times.
/// The generator also keeps track of ids it may refer back to; references
/// to things that do not exist are fine (the model predicts the refusal).
pub fn events(program: &Value, steps: &[Step]) -> Vec<String> {
    let base: Timestamp =
        serde_json::from_str("\"2026-03-02T08:00:00-05:00\"").unwrap_or_else(|_| unreachable!());
    let mut out = vec![format!(
        r#"{{"type":"enrol","id":"enrol","member":"m","time":"{base}"}}"#
    )];
    let rewards = rewards(program);
    let plan = program["plans"][0]["id"].as_str().map(str::to_owned);
    let mut minutes = 0_u32;
    let mut purchases: Vec<String> = Vec::new();
    let mut reservations: Vec<String> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        minutes += 2;
        let id = format!("e{i}");
        let time = at(&base, minutes);
        let basket = format!(
            "[{},{},{}]",
            line_json(0, 1),
            line_json(2, 1),
            line_json(1, 1)
        );
        let doc = match s {
            Step::Buy(lines) => {
                purchases.push(id.clone());
                let lines: Vec<String> = lines.iter().map(|&(i, q)| line_json(i, q)).collect();
                format!(
                    r#"{{"type":"purchase","id":"{id}","time":"{time}","lines":[{}]}}"#,
                    lines.join(",")
                )
            }
            Step::Return { nth, lines } => {
                let purchase = purchases
                    .get(nth % purchases.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| "none".into());
                match lines {
                    None => format!(
                        r#"{{"type":"return","id":"{id}","time":"{time}","purchase":"{purchase}"}}"#
                    ),
                    Some(ls) => {
                        let ls: Vec<String> = ls
                            .iter()
                            .map(|(l, q)| format!(r#"{{"line":{l},"quantity":{q}}}"#))
                            .collect();
                        format!(
                            r#"{{"type":"return","id":"{id}","time":"{time}","purchase":"{purchase}","lines":[{}]}}"#,
                            ls.join(",")
                        )
                    }
                }
            }
            Step::Redeem { reward, reserve } => {
                let Some(reward) = rewards.get(reward % rewards.len().max(1)) else {
                    continue;
                };
                let kind = if *reserve {
                    reservations.push(id.clone());
                    "reserve"
                } else {
                    "redeem"
                };
                format!(
                    r#"{{"type":"{kind}","id":"{id}","time":"{time}","reward":"{reward}","basket":{basket}}}"#
                )
            }
            Step::Settle { nth, commit } => {
                let reservation = reservations
                    .get(nth % reservations.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| "none".into());
                let kind = if *commit { "commit" } else { "release" };
                format!(
                    r#"{{"type":"{kind}","id":"{id}","time":"{time}","reservation":"{reservation}"}}"#
                )
            }
            Step::RespendVoucher { nth } => {
                // Voucher ids are `ISSUING_EVENT/N`; the model knows which were spent.
                let voucher = purchases
                    .get(nth % purchases.len().max(1))
                    .cloned()
                    .unwrap_or_default();
                let Some(reward) = rewards.first() else {
                    continue;
                };
                format!(
                    r#"{{"type":"redeem","id":"{id}","time":"{time}","reward":"{reward}","voucher":"{voucher}/1","basket":{basket}}}"#
                )
            }
            Step::Wait(m) => {
                minutes += m;
                format!(
                    r#"{{"type":"time_advanced","id":"{id}","time":"{}"}}"#,
                    at(&base, minutes)
                )
            }
            Step::Adjust { points, stamps } => format!(
                r#"{{"type":"adjust","id":"{id}","time":"{time}","points":{points},"stamps":{stamps},"staff":"s","reason":"r"}}"#
            ),
            Step::Retry(back) => match out.iter().rev().nth(back % out.len()) {
                Some(e) => e.clone(),
                None => continue,
            },
            Step::Conflict(back) => {
                let Some(old) = out.iter().rev().nth(back % out.len()) else {
                    continue;
                };
                let old_id = serde_json::from_str::<Value>(old)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                format!(r#"{{"type":"time_advanced","id":"{old_id}","time":"{time}"}}"#)
            }
            Step::Bad(k) => match k % 4 {
                0 => format!(
                    r#"{{"type":"purchase","id":"{id}","time":"{time}","lines":[{{"sku":"x","quantity":0,"unit_price":"1.00"}}]}}"#
                ),
                1 => format!(
                    r#"{{"type":"purchase","id":"{id}","time":"{time}","lines":[{{"sku":"x","quantity":1,"unit_price":"1.001"}}]}}"#
                ),
                2 => format!(
                    r#"{{"type":"adjust","id":"{id}","time":"{time}","staff":"s","reason":"r"}}"#
                ),
                _ => format!(r#"{{"type":"time_advanced","id":"{id}","time":"{time}","extra":1}}"#),
            },
            Step::Subscribe => match &plan {
                Some(p) => {
                    format!(r#"{{"type":"subscribe","id":"{id}","time":"{time}","plan":"{p}"}}"#)
                }
                None => continue,
            },
        };
        out.push(doc);
    }
    out
}

/// One movement of the model's ledger.
#[derive(Clone, Debug)]
pub struct Movement {
    pub event: String,
    pub asset: Asset,
    pub kind: EntryKind,
    pub amount: i64,
    pub at: Timestamp,
}

/// What the model knows of one purchase.
#[derive(Clone, Debug)]
struct Bought {
    id: String,
    at: Timestamp,
    quantities: Vec<u32>,
    returned: Vec<u32>,
    /// Points the purchase earned (all rules, visit awards included).
    earned: i64,
    /// Points its returns took back (from the balance or as debt).
    taken: i64,
    /// Value of one unit of each line counted as spend (0 when excluded).
    unit_values: Vec<i64>,
}

/// A prediction of what an event must do.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    Fail(ErrorKind),
    Duplicate,
    /// Apply; the model may not know whether the rules allow it.
    Maybe,
}

/// The reference model.
pub struct Model {
    program: Value,
    remember: usize,
    pub ledger: Vec<Movement>,
    seen: Vec<(String, Value)>,
    last: Option<Timestamp>,
    enrolled: bool,
    purchases: Vec<Bought>,
    /// Open reservations: id, expiry, points held.
    open: Vec<(String, Timestamp, i64)>,
    settled: Vec<String>,
    spent_vouchers: Vec<loyalty_core::Id>,
    /// Lots as earned: (expires at, points). An upper bound for expiry.
    lots: Vec<(Timestamp, i64)>,
    /// Cashback earned per purchase and per month, in minor units.
    cashback_months: BTreeMap<String, i64>,
    /// Allowance uses per reward and day.
    allowance_days: BTreeMap<(String, String), i64>,
    /// Spend on lines not excluded, net of returns, in minor units.
    spend: i64,
}

fn asset_of(a: &Account, asset: Asset) -> i64 {
    match asset {
        Asset::Points => a.points.balance,
        Asset::Pending => a.points.pending,
        Asset::Reserved => a.points.reserved,
        Asset::Debt => a.points.debt,
        Asset::Stamps => a.stamps.count,
        Asset::Vouchers => a.vouchers.len() as i64,
        Asset::ReservedVouchers => a
            .reservations
            .iter()
            .filter(|r| r.voucher.is_some())
            .count() as i64,
        Asset::Wallet => a.wallet.balance,
        Asset::WalletPending => a.wallet.pending,
        Asset::WalletReserved => a.wallet.reserved,
        Asset::WalletDebt => a.wallet.debt,
        Asset::Donations => a.donations.iter().map(|d| d.amount).sum(),
        Asset::Tier | Asset::Subscription => 0,
    }
}

/// Every asset with a quantity.
pub const ASSETS: [Asset; 12] = [
    Asset::Points,
    Asset::Pending,
    Asset::Reserved,
    Asset::Debt,
    Asset::Stamps,
    Asset::Vouchers,
    Asset::ReservedVouchers,
    Asset::Wallet,
    Asset::WalletPending,
    Asset::WalletReserved,
    Asset::WalletDebt,
    Asset::Donations,
];

macro_rules! ensure {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(format!($($msg)*));
        }
    };
}

fn days(program: &Value, pointer: &str, default: i64) -> i64 {
    program
        .pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

impl Model {
    pub fn new(engine: &Engine, program: &Value) -> Model {
        Model {
            program: program.clone(),
            remember: usize::try_from(engine.program().idempotency.remember).unwrap_or(usize::MAX),
            ledger: vec![],
            seen: vec![],
            last: None,
            enrolled: false,
            purchases: vec![],
            open: vec![],
            settled: vec![],
            spent_vouchers: vec![],
            lots: vec![],
            cashback_months: BTreeMap::new(),
            allowance_days: BTreeMap::new(),
            spend: 0,
        }
    }

    /// A balance, by scanning the whole ledger.
    pub fn balance(&self, asset: Asset) -> i64 {
        self.ledger
            .iter()
            .filter(|m| m.asset == asset)
            .map(|m| m.amount)
            .sum()
    }

    fn reward_cost(&self, reward: &str) -> Option<(String, i64)> {
        let r = self.program["rewards"]
            .as_array()?
            .iter()
            .find(|r| r["id"] == reward)?;
        let kind = r["cost"]["type"].as_str()?.to_owned();
        Some((kind, r["cost"]["points"].as_i64().unwrap_or(0)))
    }

    fn window_days(&self) -> i64 {
        days(&self.program, "/returns/window_days", 30)
    }

    fn expiry_days(&self) -> Option<i64> {
        match self
            .program
            .pointer("/points/expiry/type")
            .and_then(Value::as_str)
        {
            Some("rolling") => self
                .program
                .pointer("/points/expiry/days")
                .and_then(Value::as_i64),
            _ => None,
        }
    }

    /// Whether some lot may expire at `now` (the model then does not
    /// predict refusals that depend on the available balance).
    fn expiry_due(&self, now: &Timestamp) -> bool {
        self.lots.iter().any(|(exp, _)| exp <= now)
    }

    fn expect(&self, event: &Event, value: &Value) -> Expect {
        let id = event.id();
        if let Some((_, old)) = self
            .seen
            .iter()
            .rev()
            .take(self.remember)
            .find(|(i, _)| i == id)
        {
            return if old == value {
                Expect::Duplicate
            } else {
                Expect::Fail(ErrorKind::Conflict)
            };
        }
        let now = event.time();
        if let Some(last) = &self.last {
            if now < *last && !now.same_instant(last) {
                return Expect::Fail(ErrorKind::OutOfOrder);
            }
        }
        match event {
            Event::Enrol(_) if self.enrolled => return Expect::Fail(ErrorKind::Rule),
            Event::Enrol(_) => {}
            _ if !self.enrolled => return Expect::Fail(ErrorKind::Rule),
            _ => {}
        }
        match event {
            Event::Return(r) => {
                let window = self.window_days();
                let Some(p) = self.purchases.iter().find(|p| p.id == r.purchase) else {
                    return Expect::Fail(ErrorKind::Rule);
                };
                if p.at
                    .plus_minutes(u32::try_from(window * 24 * 60).unwrap_or(u32::MAX))
                    <= now
                {
                    return Expect::Maybe; // left the window: the engine forgot it
                }
                match &r.lines {
                    None => {
                        if p.quantities == p.returned {
                            return Expect::Fail(ErrorKind::Rule);
                        }
                    }
                    Some(lines) => {
                        let mut left: Vec<i64> = p
                            .quantities
                            .iter()
                            .zip(&p.returned)
                            .map(|(q, r)| i64::from(*q) - i64::from(*r))
                            .collect();
                        for l in lines {
                            match left.get_mut(l.line as usize) {
                                None => return Expect::Fail(ErrorKind::Rule),
                                Some(n) => {
                                    *n -= i64::from(l.quantity);
                                    if *n < 0 {
                                        return Expect::Fail(ErrorKind::Rule);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Event::Commit(s) | Event::Release(s) => {
                match self.open.iter().find(|(i, _, _)| *i == s.reservation) {
                    None => return Expect::Fail(ErrorKind::Rule),
                    Some((_, expires, _)) if *expires <= now => {
                        return Expect::Fail(ErrorKind::Rule)
                    }
                    Some(_) => {}
                }
            }
            Event::Redeem(r) | Event::Reserve(r) => {
                if let Some(v) = &r.voucher {
                    if self.spent_vouchers.iter().any(|s| s == v) {
                        return Expect::Fail(ErrorKind::Rule);
                    }
                }
                match self.reward_cost(&r.reward) {
                    None => return Expect::Fail(ErrorKind::Rule),
                    Some((kind, cost)) if kind == "points" => {
                        // Reservations that expire by now are released
                        // first, by this same event.
                        let released: i64 = self
                            .open
                            .iter()
                            .filter(|(_, expires, _)| *expires <= now)
                            .map(|(_, _, held)| held)
                            .sum();
                        if !self.expiry_due(&now) && self.balance(Asset::Points) + released < cost {
                            return Expect::Fail(ErrorKind::Rule);
                        }
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
        Expect::Maybe
    }

    /// Apply `event` (JSON) to `account` through the engine's JSON door and
    /// check every invariant; the account is replaced by the new one on success.
    /// Returns the answer's bytes.
    pub fn step(
        &mut self,
        engine: &Engine,
        account: &mut Account,
        text: &str,
    ) -> Result<String, String> {
        let event = Event::from_json(text).map_err(|e| {
            // Only the `Bad` steps fail to parse; they must change nothing.
            e.to_string()
        });
        let before = account.clone();
        let before_json = serde_json::to_string(&before).map_err(|e| e.to_string())?;
        let answer = json::apply(
            engine,
            if self.enrolled { &before_json } else { "null" },
            text,
        );
        let envelope: Value =
            serde_json::from_str(&answer).map_err(|e| format!("envelope is not JSON: {e}"))?;
        let Ok(event) = event else {
            ensure!(
                envelope["ok"] == false,
                "an unparsable event was applied: {text}"
            );
            return Ok(answer);
        };
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let expect = self.expect(&event, &value);
        // The typed door must agree with the JSON door.
        let mut typed = before.clone();
        let typed_result = engine.apply_in_place(&mut typed, &event);
        match (&typed_result, envelope["ok"].as_bool()) {
            (Err(e), Some(false)) => {
                ensure!(
                    typed == before,
                    "3: failed event {} changed the account",
                    event.id()
                );
                ensure!(
                    serde_json::to_value(e.kind()).ok().as_ref()
                        == Some(&envelope["error"]["kind"]),
                    "the typed and JSON doors disagree on {text}: {e} vs {answer}"
                );
                // An event's own values are checked before any state is read.
                if e.kind() == ErrorKind::Validation {
                    return Ok(answer);
                }
                if let Expect::Fail(kind) = expect {
                    ensure!(
                        e.kind() == kind,
                        "2: expected a {kind:?} failure for {text}, got {e} (last {:?})",
                        self.last
                    );
                } else if expect == Expect::Duplicate {
                    return Err(format!("3: expected a duplicate for {text}, got {e}"));
                }
                // A failure may be a rule the model does not predict (no
                // voucher, allowance used, plan required...): never a parse,
                // limit or conflict error on a generated valid event.
                ensure!(
                    matches!(
                        e.kind(),
                        ErrorKind::Rule
                            | ErrorKind::Validation
                            | ErrorKind::Conflict
                            | ErrorKind::OutOfOrder
                    ),
                    "unexpected {e} for {text}"
                );
                if let (ErrorKind::Conflict | ErrorKind::OutOfOrder, Expect::Maybe) =
                    (e.kind(), &expect)
                {
                    return Err(format!("2: unpredicted {e} for {text}"));
                }
                return Ok(answer);
            }
            (Ok(_), Some(true)) => {}
            _ => {
                return Err(format!(
                    "the typed and JSON doors disagree on {text}: {answer}"
                ))
            }
        }
        let outcome: Outcome = typed_result.map_err(|e| e.to_string())?;
        let new = typed;
        // JSON door's account equals the typed door's.
        let from_json = json::parse_account(
            &serde_json::to_string(&envelope["account"]).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        ensure!(
            from_json.as_ref() == Some(&new),
            "the JSON door's account differs from the typed one"
        );
        if let Expect::Fail(kind) = expect {
            return Err(format!(
                "2: expected a {kind:?} failure for {text}, it was applied: {answer}"
            ));
        }
        if expect == Expect::Duplicate || outcome.status == Status::Duplicate {
            ensure!(
                expect == Expect::Duplicate,
                "2: unpredicted duplicate for {text}"
            );
            ensure!(
                outcome.status == Status::Duplicate,
                "2: a retry of {} was applied again",
                event.id()
            );
            ensure!(new == before, "3: a duplicate changed the account");
            ensure!(outcome.ledger.is_empty(), "3: a duplicate moved something");
            *account = new;
            return Ok(answer);
        }
        self.absorb(engine, &event, &value, &outcome, &before, &new)?;
        *account = new;
        self.check_balances(account, &outcome)?;
        Ok(answer)
    }

    /// Check an applied event's movements against the model's predictions,
    /// then add them to the model's ledger.
    fn absorb(
        &mut self,
        engine: &Engine,
        event: &Event,
        value: &Value,
        outcome: &Outcome,
        before: &Account,
        after: &Account,
    ) -> Result<(), String> {
        let now = event.time();
        let id = event.id().to_owned();
        let sum = |assets: &[Asset], kinds: &[EntryKind]| -> i64 {
            outcome
                .ledger
                .iter()
                .filter(|e| assets.contains(&e.asset) && kinds.contains(&e.kind))
                .map(|e| e.amount)
                .sum()
        };
        for e in &outcome.ledger {
            ensure!(*e.event == *id, "1: a movement of {id} names {}", e.event);
        }
        // 8: expiry never removes a point before its lot's expiry instant.
        let expired = -sum(&[Asset::Points, Asset::Pending], &[EntryKind::Expire]);
        ensure!(expired >= 0, "8: expiry added points");
        if self.expiry_days().is_some() {
            let due: i64 = self
                .lots
                .iter()
                .filter(|(exp, _)| *exp <= now)
                .map(|(_, p)| p)
                .sum();
            ensure!(
                expired <= due,
                "8: {expired} points expired at {now}, only {due} were due"
            );
        }
        if expired > 0 {
            // Lots due are gone (or were spent first): forget them.
            self.lots.retain(|(exp, _)| *exp > now);
        }
        // 10: points are issued, redeemed, expired or clawed back; every
        // other movement only moves them between balances.
        let moving = [Asset::Points, Asset::Pending, Asset::Reserved];
        let net: i64 = outcome
            .ledger
            .iter()
            .filter(|e| moving.contains(&e.asset))
            .map(|e| e.amount)
            .sum::<i64>()
            - outcome
                .ledger
                .iter()
                .filter(|e| e.asset == Asset::Debt)
                .map(|e| e.amount)
                .sum::<i64>();
        let issued = sum(
            &moving,
            &[
                EntryKind::Earn,
                EntryKind::Restore,
                EntryKind::Birthday,
                EntryKind::Referral,
            ],
        ) + sum(&moving, &[EntryKind::Adjust]).max(0);
        let redeemed = -sum(&moving, &[EntryKind::Redeem, EntryKind::Donate]);
        let clawed = -sum(&moving, &[EntryKind::Clawback])
            + sum(&[Asset::Debt], &[EntryKind::DebtIncurred])
            - sum(&moving, &[EntryKind::Adjust]).min(0);
        let repaid = sum(&[Asset::Debt], &[EntryKind::DebtRepaid]);
        let repaid_points = -sum(&moving, &[EntryKind::DebtRepaid]);
        ensure!(
            net == issued - redeemed - expired - clawed - repaid_points - repaid,
            "10: issued {issued} - redeemed {redeemed} - expired {expired} - clawed back {clawed} (debt repaid {repaid_points}/{repaid}) != outstanding change {net} for {id}: {:?}",
            outcome.ledger
        );

        match event {
            Event::Enrol(_) => {
                self.enrolled = true;
                let welcome = self
                    .program
                    .pointer("/points/welcome_points")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                let got = sum(&[Asset::Points, Asset::Pending], &[EntryKind::Earn]);
                ensure!(
                    got == welcome,
                    "2: enrolment gave {got} points, the program's welcome is {welcome}"
                );
                self.lot(now, welcome);
            }
            Event::Adjust(a) => {
                ensure!(
                    sum(&[Asset::Points], &[EntryKind::Adjust]) == a.points,
                    "2: adjust moved other than {} points",
                    a.points
                );
                ensure!(
                    sum(&[Asset::Stamps], &[EntryKind::Adjust]) == a.stamps,
                    "2: adjust moved other than {} stamps",
                    a.stamps
                );
                self.lot(now, a.points.max(0));
            }
            Event::Redeem(r) | Event::Reserve(r) => {
                let reserve = matches!(event, Event::Reserve(_));
                if let Some((kind, cost)) = self.reward_cost(&r.reward) {
                    if kind == "points" {
                        let (k, asset) = if reserve {
                            (EntryKind::Reserve, Asset::Reserved)
                        } else {
                            (EntryKind::Redeem, Asset::Points)
                        };
                        let spent = -sum(&[Asset::Points], &[k]);
                        ensure!(
                            spent == cost,
                            "2: {} of `{}` took {spent} points, it costs {cost}",
                            event.kind(),
                            r.reward
                        );
                        if reserve {
                            ensure!(
                                sum(&[asset], &[k]) == cost,
                                "2: the reservation holds other than {cost}"
                            );
                        }
                    }
                    if kind == "allowance" && !reserve {
                        let day = now.to_string().get(..10).unwrap_or_default().to_owned();
                        let used = self
                            .allowance_days
                            .entry((r.reward.clone(), day))
                            .or_default();
                        *used += 1;
                        let units = self.program["rewards"]
                            .as_array()
                            .and_then(|rs| rs.iter().find(|x| x["id"] == r.reward.as_str()))
                            .and_then(|x| x["cost"]["units"].as_i64())
                            .unwrap_or(1);
                        let per_day = self.program["rewards"]
                            .as_array()
                            .and_then(|rs| rs.iter().find(|x| x["id"] == r.reward.as_str()))
                            .map(|x| x["cost"]["per"] == "day")
                            .unwrap_or(false);
                        if per_day {
                            ensure!(
                                *used <= units,
                                "7: allowance `{}` used {used} times in a day (limit {units})",
                                r.reward
                            );
                        }
                    }
                    if reserve {
                        let expires = outcome
                            .reservation
                            .as_ref()
                            .map(|x| x.expires_at)
                            .ok_or("a reservation without expiry")?;
                        self.open.push((str::to_owned(&r.id), expires, cost));
                    }
                }
                // 5: vouchers spent are remembered; the same one never again.
                for v in &before.vouchers {
                    if !after.vouchers.iter().any(|w| w.id == v.id)
                        && !after
                            .reservations
                            .iter()
                            .any(|x| x.voucher.as_ref().map(|w| &w.id) == Some(&v.id))
                    {
                        ensure!(
                            !self.spent_vouchers.contains(&v.id),
                            "5: voucher {} spent twice",
                            v.id
                        );
                        self.spent_vouchers.push(v.id.clone());
                    }
                }
            }
            Event::Commit(s) | Event::Release(s) => {
                let pos = self
                    .open
                    .iter()
                    .position(|(i, _, _)| *i == s.reservation)
                    .ok_or("5: settled an unknown reservation")?;
                let (_, _, cost) = self.open.remove(pos);
                ensure!(
                    !self.settled.contains(&s.reservation),
                    "5: reservation {} settled twice",
                    s.reservation
                );
                self.settled.push(s.reservation.clone());
                // Releases of this reservation only: others that expire at
                // the same instant are released by the same event (with
                // their own ids as references).
                let released = |asset: Asset| -> i64 {
                    outcome
                        .ledger
                        .iter()
                        .filter(|e| e.asset == asset && e.kind == EntryKind::Release)
                        .filter(|e| e.reference.as_deref() == Some(s.reservation.as_str()))
                        .map(|e| e.amount)
                        .sum()
                };
                let held =
                    -sum(&[Asset::Reserved], &[EntryKind::Redeem]) - released(Asset::Reserved);
                ensure!(
                    held == cost,
                    "2: settling {} moved {held} reserved points, it held {cost}",
                    s.reservation
                );
                if matches!(event, Event::Release(_)) {
                    ensure!(
                        released(Asset::Points) == cost,
                        "2: release gave back other than {cost}"
                    );
                }
                if let Event::Commit(_) = event {
                    for v in &before.reservations {
                        if let (true, Some(voucher)) = (v.id == s.reservation, &v.voucher) {
                            ensure!(
                                !self.spent_vouchers.contains(&voucher.id),
                                "5: voucher {} spent twice",
                                voucher.id
                            );
                            self.spent_vouchers.push(voucher.id.clone());
                        }
                    }
                }
            }
            Event::Purchase(p) => {
                let earned = sum(&[Asset::Points, Asset::Pending], &[EntryKind::Earn]);
                if self.program.get("tiers").is_none() {
                    let quote = engine.quote(before, p).map_err(|e| e.to_string())?;
                    ensure!(
                        earned == quote.points,
                        "2: purchase {} earned {earned}, its quote says {}",
                        p.id,
                        quote.points
                    );
                }
                self.lot(now, earned);
                // 7: cashback caps per purchase and per month.
                let cashback = sum(&[Asset::Wallet, Asset::WalletPending], &[EntryKind::Earn]);
                if let Some(cap) = self
                    .program
                    .pointer("/cashback/max_per_purchase")
                    .and_then(Value::as_str)
                {
                    let cap = minor(cap);
                    ensure!(
                        cashback <= cap,
                        "7: cashback {cashback} above the per-purchase cap {cap}"
                    );
                }
                let month = now.to_string().get(..7).unwrap_or_default().to_owned();
                let m = self.cashback_months.entry(month).or_default();
                *m += cashback;
                if let Some(cap) = self
                    .program
                    .pointer("/cashback/max_per_period/amount")
                    .and_then(Value::as_str)
                {
                    let cap = minor(cap);
                    ensure!(*m <= cap, "7: cashback {m} in a month above the cap {cap}");
                }
                self.purchases.push(Bought {
                    id: str::to_owned(&p.id),
                    at: now,
                    quantities: p.lines.iter().map(|l| l.quantity).collect(),
                    returned: vec![0; p.lines.len()],
                    earned,
                    taken: 0,
                    unit_values: p
                        .lines
                        .iter()
                        .map(|l| {
                            let excluded = self.program["excluded_categories"]
                                .as_array()
                                .is_some_and(|c| {
                                    l.category
                                        .as_deref()
                                        .is_some_and(|cat| c.iter().any(|x| x == cat))
                                });
                            if excluded {
                                0
                            } else {
                                minor(&l.unit_price.to_string())
                            }
                        })
                        .collect(),
                });
                if let Some(b) = self.purchases.last() {
                    self.spend += b
                        .quantities
                        .iter()
                        .zip(&b.unit_values)
                        .map(|(q, v)| i64::from(*q) * v)
                        .sum::<i64>();
                }
            }
            Event::Return(r) => {
                let taken = -sum(&[Asset::Points, Asset::Pending], &[EntryKind::Clawback])
                    + sum(&[Asset::Debt], &[EntryKind::DebtIncurred]);
                let p = self
                    .purchases
                    .iter_mut()
                    .find(|p| p.id == r.purchase)
                    .ok_or("4: a return of a purchase the model never saw")?;
                let was: i64 = p
                    .returned
                    .iter()
                    .zip(&p.unit_values)
                    .map(|(q, v)| i64::from(*q) * v)
                    .sum();
                match &r.lines {
                    None => p.returned = p.quantities.clone(),
                    Some(ls) => {
                        for l in ls {
                            if let Some(n) = p.returned.get_mut(l.line as usize) {
                                *n += l.quantity;
                            }
                        }
                    }
                }
                let now_returned: i64 = p
                    .returned
                    .iter()
                    .zip(&p.unit_values)
                    .map(|(q, v)| i64::from(*q) * v)
                    .sum();
                self.spend -= now_returned - was;
                ensure!(taken >= 0, "4: a return gave points");
                p.taken += taken;
                // 4: never more than the purchase earned, in total.
                ensure!(
                    p.taken <= p.earned,
                    "4: returns of {} took back {} points, it earned {}",
                    p.id,
                    p.taken,
                    p.earned
                );
                if p.returned == p.quantities {
                    ensure!(
                        p.taken == p.earned,
                        "4: {} fully returned took back {} of the {} points it earned",
                        p.id,
                        p.taken,
                        p.earned
                    );
                }
                for (q, r) in p.quantities.iter().zip(&p.returned) {
                    ensure!(r <= q, "4: more units returned than bought");
                }
            }
            _ => {}
        }
        let _ = value;
        // Forget what left the return window.
        let window = u32::try_from(self.window_days() * 24 * 60).unwrap_or(u32::MAX);
        self.purchases.retain(|p| {
            p.at.plus_minutes(window) > now
                || !after.purchases.is_empty() && after.purchases.iter().any(|x| *x.id == *p.id)
        });
        self.open
            .retain(|(i, exp, _)| *exp > now || after.reservations.iter().any(|x| x.id == *i));
        for e in &outcome.ledger {
            self.ledger.push(Movement {
                event: e.event.to_string(),
                asset: e.asset,
                kind: e.kind,
                amount: e.amount,
                at: now,
            });
        }
        self.seen.push((id, value.clone()));
        self.last = Some(now);
        Ok(())
    }

    fn lot(&mut self, now: Timestamp, points: i64) {
        if let (Some(d), true) = (self.expiry_days(), points > 0) {
            self.lots.push((
                now.plus_minutes(u32::try_from(d * 24 * 60).unwrap_or(u32::MAX)),
                points,
            ));
        }
    }

    /// 1 and 2: every balance equals the model's scan of its ledger, and the
    /// outcome's balances are the account's.
    fn check_balances(&self, account: &Account, outcome: &Outcome) -> Result<(), String> {
        for asset in ASSETS {
            let model = self.balance(asset);
            let engine = asset_of(account, asset);
            ensure!(
                model == engine,
                "1/2: {asset:?} is {engine} in the account, the model's ledger says {model}"
            );
        }
        ensure!(
            outcome.balances.points == account.points.balance,
            "outcome balances differ from the account"
        );
        ensure!(
            outcome.balances.stamps == account.stamps.count,
            "outcome stamps differ from the account"
        );
        // 12: the account survives a JSON round trip.
        let text = serde_json::to_string(account).map_err(|e| e.to_string())?;
        let back = json::parse_account(&text).map_err(|e| format!("12: {e}"))?;
        ensure!(
            back.as_ref() == Some(account),
            "12: account JSON round trip differs"
        );
        // 9: tier status matches qualifying spend net of returns.
        if let (Some(tiers), Some(info)) = (self.program.get("tiers"), &outcome.tier) {
            if tiers["qualify_on"] == "spend" {
                let qualifying = minor(&info.qualifying.to_string());
                let mut reached: Option<&str> = None;
                for level in tiers["levels"].as_array().into_iter().flatten() {
                    if minor(level["threshold"].as_str().unwrap_or("0")) <= qualifying {
                        reached = level["id"].as_str();
                    }
                }
                let rank = |l: Option<&str>| {
                    tiers["levels"]
                        .as_array()
                        .and_then(|ls| ls.iter().position(|x| x["id"].as_str() == l))
                        .map_or(-1, |p| p as i64)
                };
                // Upgrades are immediate; downgrades wait for a review, so
                // the level is at least what the spend reaches (a level with
                // threshold 0 from enrolment).
                ensure!(
                    rank(info.level.as_deref()) >= rank(reached),
                    "9: qualifying {qualifying} reaches {reached:?}, the level is {:?}",
                    info.level
                );
                let spend = self.net_spend();
                ensure!(
                    qualifying <= spend,
                    "9: qualifying {qualifying} above the net spend {spend}"
                );
            }
        }
        Ok(())
    }

    /// Spend net of returns on lines that are not excluded (an upper bound
    /// of qualifying spend: discounts and the window only lower it).
    fn net_spend(&self) -> i64 {
        self.spend
    }
}

/// Minor units of a decimal string with at most 2 decimals.
pub fn minor(s: &str) -> i64 {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut frac = frac.to_owned();
    while frac.len() < 2 {
        frac.push('0');
    }
    let sign = if int.starts_with('-') { -1 } else { 1 };
    let int: i64 = int.trim_start_matches('-').parse().unwrap_or(0);
    let frac: i64 = frac.get(..2).unwrap_or("0").parse().unwrap_or(0);
    sign * (int * 100 + frac)
}

/// Run a whole history through a fresh model; returns the final account and
/// every answer's bytes.
pub fn run(
    engine: &Engine,
    program: &Value,
    events: &[String],
) -> Result<(Account, Vec<String>), String> {
    let mut model = Model::new(engine, program);
    let mut account = Account::new("m");
    let mut answers = Vec::with_capacity(events.len());
    for e in events {
        answers.push(model.step(engine, &mut account, e)?);
    }
    Ok((account, answers))
}
