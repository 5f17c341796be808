//! An account a door keeps in memory between events.
//!
//! [`json::apply`](super::apply) is stateless: the caller passes the whole
//! account in and gets the whole account back, as JSON, with every event.
//! That is the simplest contract for a till that stores accounts in its own
//! database, but its cost grows with the account: reading and writing a
//! regular's year of lots and month of purchases (33 KB of JSON) is nearly
//! all of an event's time. A door that serves one member for a while (a till's
//! open session, a back office replaying a history, a C program holding
//! accounts in memory) keeps the account here instead: each event is read
//! as JSON, applied in place, and answered with the outcome alone; the
//! account is written out only when asked. The cost of an event then no
//! longer depends on the member's history.
//!
//! The answers are the stateless door's, byte for byte: the outcome of
//! [`KeptAccount::apply`] is the `outcome` member of `json::apply`'s
//! envelope for the same account and event, and [`KeptAccount::to_json`]
//! is its `account` member (the conformance vectors are replayed both
//! ways to hold them equal). An event that fails leaves the account
//! exactly as it was, as the stateless door leaves the caller's JSON.
//!
//! ```
//! use loyalty_core::{json, Engine};
//! let engine = Engine::from_json(r#"{"name": "Demo", "currency": "USD",
//!     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#).unwrap();
//! let mut kept = json::KeptAccount::from_json("null").unwrap();
//! let enrol = r#"{"type": "enrol", "id": "e1", "member": "m1", "time": "2026-03-14T09:00:00Z"}"#;
//! assert!(kept.apply(&engine, enrol).starts_with(r#"{"ok":true,"outcome":{"event":"e1","#));
//! let buy = r#"{"type": "purchase", "id": "p1", "time": "2026-03-14T10:00:00Z",
//!     "lines": [{"sku": "latte", "quantity": 2, "unit_price": "4.75"}]}"#;
//! let (_, outcome) = json::apply_parts(&engine, &kept.to_json(), buy).unwrap();
//! assert_eq!(kept.apply_parts(&engine, buy).unwrap(), outcome);
//! // An outcome can also be appended to a buffer the caller keeps.
//! let mut out = String::from("retry: ");
//! kept.apply_parts_into(&engine, buy, &mut out).unwrap();
//! assert!(out.starts_with(r#"retry: {"event":"p1","status":"duplicate""#));
//! assert_eq!(kept.account().map(|a| a.points.balance), Some(9));
//! // A retry is a duplicate; a bad event changes nothing.
//! assert!(kept.apply(&engine, buy).contains(r#""status":"duplicate""#));
//! assert!(kept.apply(&engine, r#"{"type": "purchase"}"#).starts_with(r#"{"ok":false,"#));
//! // Answers can be written into one buffer, reused.
//! let mut answer = String::new();
//! kept.apply_into(&engine, buy, &mut answer);
//! assert_eq!(answer, kept.apply(&engine, buy));
//! assert_eq!(kept.account().map(|a| a.points.balance), Some(9));
//! ```

use super::{error_envelope, parse_account, parse_event};
use crate::account::Account;
use crate::engine::Engine;
use crate::error::Error;
use crate::event::Event;
#[cfg(not(target_arch = "wasm32"))]
use crate::event::Line;
use crate::outcome::{Outcome, Quote};

/// An account (or none yet: only an enrolment may come first) kept in
/// memory, with the outcome of its last event, whose lists keep their
/// room from one event to the next, and the last event read, into which
/// the next purchase is read (natively: its strings and lists are reused).
#[derive(Debug, Default)]
pub struct KeptAccount {
    account: Option<Account>,
    outcome: Outcome,
    /// The last event; natively the last purchase, kept through the
    /// events between two purchases (a redemption before paying, a
    /// return), so that the next one is still read over it.
    last: Option<Event>,
    /// Natively, the last event other than a purchase.
    #[cfg(not(target_arch = "wasm32"))]
    other: Option<Event>,
    /// Lines of earlier purchases that the last one did not need, for a
    /// longer one to be read over (see `fast::purchase_into`).
    #[cfg(not(target_arch = "wasm32"))]
    spare: Vec<Line>,
}

impl KeptAccount {
    /// Keep the account `json` (`null` for a member not enrolled yet), read
    /// and checked as [`parse_account`] reads it.
    pub fn from_json(json: &str) -> Result<KeptAccount, Error> {
        Ok(KeptAccount::new(parse_account(json)?))
    }

    /// Keep `account` (none for a member not enrolled yet).
    pub fn new(account: Option<Account>) -> KeptAccount {
        KeptAccount {
            account,
            outcome: Outcome::default(),
            last: None,
            #[cfg(not(target_arch = "wasm32"))]
            other: None,
            #[cfg(not(target_arch = "wasm32"))]
            spare: Vec::new(),
        }
    }

    /// The account as it is now.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    /// The account, given back.
    pub fn into_account(self) -> Option<Account> {
        self.account
    }

    /// Apply an event (JSON) and answer with the envelope
    /// `{"ok":true,"outcome":{...}}` (a duplicate included: its outcome
    /// says so), or the failure envelope of [`super::apply`], after which
    /// the account is exactly as it was.
    pub fn apply(&mut self, engine: &Engine, event: &str) -> String {
        match self.apply_in(engine, event) {
            Ok(()) => {
                let mut out = String::with_capacity(2 * event.len() + 256);
                self.answer_into(&mut out);
                out
            }
            Err(e) => error_envelope(&e),
        }
    }

    /// [`KeptAccount::apply`], appending the answer to `out`: a door that
    /// answers many events clears and reuses one buffer, so that once it
    /// has grown an answer costs no allocation (a fresh `String` of a
    /// kilobyte or more, made and freed per event, takes the allocator's
    /// slower paths: about 4% of a kept event).
    pub fn apply_into(&mut self, engine: &Engine, event: &str, out: &mut String) {
        match self.apply_in(engine, event) {
            Ok(()) => self.answer_into(out),
            Err(e) => out.push_str(&error_envelope(&e)),
        }
    }

    /// The envelope of the outcome just made.
    fn answer_into(&self, out: &mut String) {
        out.push_str(r#"{"ok":true,"outcome":"#);
        append_outcome(out, &self.outcome);
        out.push('}');
    }

    /// [`KeptAccount::apply`], answering with the outcome's JSON alone (the
    /// envelope's `outcome` member), for doors that hand it out separately.
    pub fn apply_parts(&mut self, engine: &Engine, event: &str) -> Result<String, Error> {
        let mut out = String::with_capacity(2 * event.len() + 256);
        self.apply_parts_into(engine, event, &mut out)?;
        Ok(out)
    }

    /// [`KeptAccount::apply_parts`], appending the outcome's JSON to `out`
    /// (left as it was on failure), so that a door answering many events
    /// writes each into a buffer it reuses, or straight into its answer,
    /// rather than into a fresh `String` it then copies.
    pub fn apply_parts_into(
        &mut self,
        engine: &Engine,
        event: &str,
        out: &mut String,
    ) -> Result<(), Error> {
        self.apply_in(engine, event)?;
        append_outcome(out, &self.outcome);
        Ok(())
    }

    /// What a purchase event (JSON) would earn for the account, changing
    /// nothing (as [`super::quote`] for the account's JSON).
    pub fn quote(&self, engine: &Engine, event: &str) -> Result<Quote, Error> {
        let none = Account::default();
        super::quote_event(engine, self.account.as_ref().unwrap_or(&none), event)
    }

    /// The account's JSON (`null` before enrolment): the `account` member
    /// [`super::apply`] would have answered with.
    pub fn to_json(&self) -> String {
        let Some(account) = &self.account else {
            return "null".to_owned();
        };
        #[cfg(not(target_arch = "wasm32"))]
        {
            let mut out = String::with_capacity(1024);
            account.append_json(&mut out);
            out
        }
        #[cfg(target_arch = "wasm32")]
        super::to_json(account, 1024)
    }

    /// Read `event` and apply it in place, the outcome in `self.outcome`.
    fn apply_in(&mut self, engine: &Engine, event: &str) -> Result<(), Error> {
        let KeptAccount {
            account,
            outcome,
            last,
            #[cfg(not(target_arch = "wasm32"))]
            other,
            #[cfg(not(target_arch = "wasm32"))]
            spare,
        } = self;
        #[cfg(not(target_arch = "wasm32"))]
        let event = read_event(event, last, other, spare)?;
        #[cfg(target_arch = "wasm32")]
        let event = read_event(event, last)?;
        match (account.as_mut(), event) {
            (Some(account), _) => engine.apply_in_place_into(account, event, outcome),
            (None, Event::Enrol(e)) => {
                // A new account is kept only if its enrolment succeeds.
                let mut new = Account::new(e.member.clone());
                engine.apply_in_place_into(&mut new, event, outcome)?;
                *account = Some(new);
                Ok(())
            }
            (None, _) => Err(super::no_account()),
        }
    }
}

/// The event `json`, as [`parse_event`] reads it. A purchase is read over
/// the last purchase, `last` (in the shape tools write:
/// `fast::purchase_into`), reusing its allocations; anything else is
/// parsed, a purchase into `last`, another event into `other`.
#[cfg(not(target_arch = "wasm32"))]
fn read_event<'e>(
    json: &str,
    last: &'e mut Option<Event>,
    other: &'e mut Option<Event>,
    spare: &mut Vec<Line>,
) -> Result<&'e Event, Error> {
    let reused = json.len() <= crate::limits::MAX_DOCUMENT_BYTES
        && match last {
            // On `None` the purchase holds anything: it is replaced below.
            Some(Event::Purchase(p)) => super::fast::purchase_into(json, p, spare).is_some(),
            _ => false,
        };
    match (reused, last) {
        (true, Some(event)) => Ok(event),
        (_, last) => {
            let event = parse_event(json)?;
            // A purchase that failed to be read over `last` left it
            // holding anything: it is a purchase all the same, read over
            // whole by the next one.
            let slot = if matches!(event, Event::Purchase(_)) {
                last
            } else {
                other
            };
            Ok(slot.insert(event))
        }
    }
}

/// [`read_event`] in the WebAssembly build, which has no fast reader.
#[cfg(target_arch = "wasm32")]
fn read_event<'e>(json: &str, last: &'e mut Option<Event>) -> Result<&'e Event, Error> {
    Ok(last.insert(parse_event(json)?))
}

/// Append the outcome's JSON, as [`super::apply`] writes it.
fn append_outcome(out: &mut String, outcome: &Outcome) {
    #[cfg(not(target_arch = "wasm32"))]
    super::answer::outcome(out, outcome);
    #[cfg(target_arch = "wasm32")]
    super::write::append(out, outcome).unwrap_or_default();
}
