//! `loyalty replay`: run the engine over a program and a stream of events
//! and show what happened, event by event, then every member's final account.
//!
//! Without files it runs the embedded café program over a sample day. Each
//! line of the events file is either `{"member": ID, "event": EVENT}` or a
//! bare event (applied to a single member named `member`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use loyalty_core::account::Account;
use loyalty_core::outcome::{Asset, EntryKind, Outcome, Status};
use loyalty_core::{Engine, Error, Event};

use crate::read;

const CAFE_PROGRAM: &str = include_str!("../../examples/programs/cafe.json");
const CAFE_DAY: &str = include_str!("../../examples/events/cafe-day.jsonl");

/// Options of `loyalty replay`.
pub struct Options {
    program: Option<String>,
    events: Option<String>,
    json: bool,
}

/// Parse the options of `loyalty replay`.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        program: None,
        events: None,
        json: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--program" => options.program = Some(args.next().ok_or("--program needs a file")?),
            "--events" => options.events = Some(args.next().ok_or("--events needs a file")?),
            "--json" => options.json = true,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(options)
}

/// Split a line into (member, event JSON).
fn split_line(line: &str) -> Result<(String, String), String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    match (value.get("member"), value.get("event")) {
        (Some(member), Some(event)) => {
            let member = member
                .as_str()
                .ok_or("`member` must be a string")?
                .to_owned();
            Ok((member, event.to_string()))
        }
        _ => Ok(("member".to_owned(), line.to_owned())),
    }
}

/// Replay the events and print what happened.
pub fn run(options: &Options) -> Result<(), String> {
    let program = match &options.program {
        Some(p) => read(p)?,
        None => CAFE_PROGRAM.to_owned(),
    };
    let events = match &options.events {
        Some(p) => read(p)?,
        None => CAFE_DAY.to_owned(),
    };
    let engine =
        Engine::from_json(&program).map_err(|e| format!("the program is not valid: {e}"))?;
    if !options.json {
        let p = engine.program();
        println!(
            "Program: {} ({}), {} rules, {} rewards\n",
            p.name,
            p.currency,
            p.rules.len(),
            p.rewards.len()
        );
    }
    let mut accounts: BTreeMap<String, Option<Account>> = BTreeMap::new();
    let (mut applied, mut failed) = (0_usize, 0_usize);
    for (n, line) in events
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let (member, event_json) =
            split_line(line).map_err(|e| format!("events line {}: {e}", n + 1))?;
        let slot = accounts.entry(member.clone()).or_default();
        let result = Event::from_json(&event_json).and_then(|event| {
            let account = match (&*slot, &event) {
                (Some(a), _) => a.clone(),
                (None, _) => Account::new(member.clone()),
            };
            engine.apply(&account, &event).map(|(a, o)| (event, a, o))
        });
        if options.json {
            let account = slot.as_ref().map_or("null".to_owned(), |a| {
                serde_json::to_string(a).unwrap_or_default()
            });
            println!(
                "{}",
                loyalty_core::json::apply(&engine, &account, &event_json)
            );
        }
        match result {
            Ok((event, account, outcome)) => {
                applied += 1;
                if !options.json {
                    println!("{}", describe(&member, &event, &outcome));
                }
                *slot = Some(account);
            }
            Err(e) => {
                failed += 1;
                if !options.json {
                    println!("{}", describe_error(&member, &event_json, &e));
                }
            }
        }
    }
    if !options.json {
        println!("\n{applied} event(s) applied, {failed} refused (accounts left unchanged).\n");
        println!("Final accounts:");
        for (member, account) in &accounts {
            match account {
                Some(a) => println!("{}", summary(member, a)),
                None => println!("  {member:<8} (no account: never enrolled)"),
            }
        }
    }
    Ok(())
}

fn local_time(event: &Event) -> String {
    event.time().as_datetime().format("%H:%M").to_string()
}

fn describe(member: &str, event: &Event, outcome: &Outcome) -> String {
    let mut s = format!(
        "{} {member:<6} {:<13} {:<11}",
        local_time(event),
        event.kind(),
        event.id()
    );
    if outcome.status == Status::Duplicate {
        s.push_str(" duplicate: already applied, nothing changed");
        return s;
    }
    let mut parts: Vec<String> = Vec::new();
    for a in &outcome.awards {
        match (a.points, a.stamps) {
            (p, 0) => parts.push(format!("{}: +{p} pts", a.rule)),
            (0, st) => parts.push(format!("{}: +{st} stamp(s)", a.rule)),
            (p, st) => parts.push(format!("{}: +{p} pts +{st} stamp(s)", a.rule)),
        }
    }
    for v in &outcome.vouchers {
        parts.push(format!("card complete -> voucher {} ({})", v.id, v.reward));
    }
    for d in &outcome.discounts {
        parts.push(format!("{} -{} on line {}", d.reward, d.amount, d.line));
    }
    if let Some(r) = &outcome.reservation {
        parts.push(format!(
            "reserved until {}",
            r.expires_at.as_datetime().format("%H:%M")
        ));
    }
    for e in &outcome.ledger {
        let what = match (e.kind, e.asset) {
            (EntryKind::Clawback, Asset::Points | Asset::Pending) => {
                Some(format!("clawback {} pts", e.amount))
            }
            (EntryKind::Clawback, Asset::Stamps) => Some(format!("clawback {} stamp(s)", e.amount)),
            (EntryKind::Redeem, Asset::Points | Asset::Reserved) => {
                Some(format!("spent {} pts", -e.amount))
            }
            (EntryKind::Redeem, Asset::Vouchers | Asset::ReservedVouchers) => {
                Some("spent a voucher".to_owned())
            }
            (EntryKind::Expire, _) => {
                Some(format!("expired {} {:?}", -e.amount, e.asset).to_lowercase())
            }
            (EntryKind::Adjust, _) => {
                Some(format!("adjusted {:+} {:?}", e.amount, e.asset).to_lowercase())
            }
            (EntryKind::Earn, Asset::Points) if e.reference.as_deref() == Some("welcome") => {
                Some(format!("welcome +{} pts", e.amount))
            }
            (EntryKind::Restore, _) => {
                Some(format!("restored {:+} {:?}", e.amount, e.asset).to_lowercase())
            }
            (EntryKind::DebtIncurred, _) => Some(format!("debt +{}", e.amount)),
            _ => None,
        };
        parts.extend(what);
    }
    let b = &outcome.balances;
    let _ = write!(
        s,
        " {}",
        if parts.is_empty() {
            "-".to_owned()
        } else {
            parts.join(", ")
        }
    );
    let _ = write!(
        s,
        "  => {} pts, {} stamp(s), {} voucher(s)",
        b.points, b.stamps, b.vouchers
    );
    s
}

fn describe_error(member: &str, event_json: &str, e: &Error) -> String {
    let id = serde_json::from_str::<serde_json::Value>(event_json)
        .ok()
        .and_then(|v| v.get("id").and_then(|i| i.as_str().map(str::to_owned)))
        .unwrap_or_default();
    format!(
        "      {member:<6} {:<13} {id:<11} REFUSED [{}] {e}",
        "",
        e.code()
    )
}

fn summary(member: &str, a: &Account) -> String {
    let p = &a.points;
    let mut s = format!("  {member:<8} {} pts", p.balance);
    if p.pending != 0 {
        let _ = write!(s, " (+{} pending)", p.pending);
    }
    if p.debt != 0 {
        let _ = write!(s, " (debt {})", p.debt);
    }
    let _ = write!(
        s,
        ", {} stamp(s) on the card, {} card(s) completed",
        a.stamps.count, a.stamps.cards_completed
    );
    let vouchers: Vec<&str> = a.vouchers.iter().map(|v| v.reward.as_str()).collect();
    if !vouchers.is_empty() {
        let _ = write!(s, ", vouchers: {}", vouchers.join(", "));
    }
    if let Some(next) = p.lots.iter().filter_map(|l| l.expires_at).min() {
        let _ = write!(s, ", next expiry {}", next.as_datetime().format("%Y-%m-%d"));
    }
    s
}
