//! The JSON interface: the one door every binding goes through.
//!
//! The C library and the npm package call these functions with the caller's
//! bytes and hand back the strings they return, so every door gives the same
//! answer, byte for byte, to the same input. Each call returns an envelope:
//!
//! - success: `{"ok":true,"outcome":{...},"account":{...}}` (apply) or
//!   `{"ok":true,"quote":{...}}` (quote) or `{"ok":true,"program":{...}}` (load);
//! - failure: `{"ok":false,"error":{"kind":"validation","code":"invalid_event",
//!   "document":"event","path":"lines[0].quantity","message":"must be at least 1"}}`.
//!
//! ```
//! use loyalty_core::{json, Engine};
//! let engine = Engine::from_json(r#"{"name": "Demo", "currency": "USD",
//!     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#).unwrap();
//! let r = json::apply(&engine, "null",
//!     r#"{"type": "enrol", "id": "e1", "member": "m1", "time": "2026-03-14T09:00:00Z"}"#);
//! assert!(r.starts_with(r#"{"ok":true,"outcome":{"event":"e1","status":"applied""#));
//! let bad = json::apply(&engine, "null", r#"{"type": "enrol", "id": "e1"}"#);
//! assert!(bad.contains(r#""code":"invalid_event_json""#));
//! ```
//!
//! Before parsing, every document is checked against
//! [`MAX_DOCUMENT_BYTES`] and
//! [`MAX_NESTING`]; parsing is strict (unknown
//! fields, duplicate keys, trailing bytes and wrong types are errors naming
//! the JSON path).

use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::account::Account;
use crate::de::{Objects, WithoutType};
use crate::engine::Engine;
use crate::error::{Document, Error, ErrorKind};
use crate::event::{Event, EventKind};
use crate::limits::{MAX_DOCUMENT_BYTES, MAX_NESTING};
use crate::outcome::{Outcome, Quote};
use crate::program::Program;

#[cfg(not(target_arch = "wasm32"))]
mod answer;
pub(crate) mod fast;
mod kept;
mod path;
pub(crate) mod write;

pub use kept::KeptAccount;

/// Size and nesting checks that run before any parsing.
fn precheck(json: &str, document: Document) -> Result<(), Error> {
    if json.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::limit(
            document,
            "",
            format!(
                "the document is {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted",
                json.len()
            ),
        ));
    }
    // The WebAssembly build reads byte by byte: the chunked scans unroll
    // into code that the npm package's size budget has no room for.
    #[cfg(target_arch = "wasm32")]
    let within = {
        let mut n = Nesting::default();
        json.bytes().all(|b| n.byte(b, MAX_NESTING))
    };
    #[cfg(not(target_arch = "wasm32"))]
    let within = openers_at_most(json, MAX_NESTING) || nesting_within(json, MAX_NESTING);
    if within {
        return Ok(());
    }
    Err(Error::limit(
        document,
        "",
        format!("the document nests deeper than {MAX_NESTING} levels"),
    ))
}

/// The nesting scan's state, carried from byte to byte: the depth of
/// arrays and objects outside strings (a stray closer does not take it
/// below zero), and whether a string, and an escape in it, is open.
#[derive(Default)]
struct Nesting {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Nesting {
    /// Reads one byte; `false` when the depth passes `limit`.
    fn byte(&mut self, b: u8, limit: usize) -> bool {
        if self.in_string {
            // Only `\` and `"` matter in a string; the byte after `\` is skipped.
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return true;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => {
                self.depth += 1;
                if self.depth > limit {
                    return false;
                }
            }
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        true
    }
}

/// Whether `json` nests at most `limit` levels deep outside strings.
///
/// 32 bytes at a time where that is exact: a chunk without `"` or `\\` is
/// all inside a string (then skipped) or all outside one; outside, with
/// `o` openers and `c` closers, a depth `d >= c` never goes below zero in
/// it and never above `d + o`, so when that is within the limit the depth
/// just becomes `d + o - c`. Other chunks are read byte by byte. The
/// accounts that need this scan (more than `limit` openers) are long, and
/// their lists of lots and buckets are numbers and brackets only.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn nesting_within(json: &str, limit: usize) -> bool {
    let mut n = Nesting::default();
    let mut chunks = json.as_bytes().chunks_exact(32);
    for chunk in &mut chunks {
        let (mut special, mut opens, mut closes) = (0_u8, 0_u8, 0_u8);
        for &b in chunk {
            special = special.wrapping_add(u8::from(b == b'"' || b == b'\\'));
            // `{` 0x7B, `[` 0x5B, `}` 0x7D, `]` 0x5D: bit 0x20 set makes them pairs.
            opens = opens.wrapping_add(u8::from(b | 0x20 == b'{'));
            closes = closes.wrapping_add(u8::from(b | 0x20 == b'}'));
        }
        if special == 0 && !n.escaped {
            if n.in_string {
                continue;
            }
            let (o, c) = (usize::from(opens), usize::from(closes));
            if n.depth >= c && n.depth + o <= limit {
                n.depth = n.depth + o - c;
                continue;
            }
        }
        if !chunk.iter().all(|&b| n.byte(b, limit)) {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| n.byte(b, limit))
}

/// Whether `json` has at most `limit` bytes `{` and `[`, counted anywhere
/// (in strings too). Nesting can only pass the limit with more than that,
/// and most documents have fewer: counting bytes, 32 at a time into one
/// byte each (which the compiler turns into vector instructions), is much
/// cheaper than following strings.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn openers_at_most(json: &str, limit: usize) -> bool {
    // `{` is 0x7B and `[` 0x5B: with bit 0x20 set, only they are `{`.
    let opener = |b: u8| u8::from(b | 0x20 == b'{');
    let mut chunks = json.as_bytes().chunks_exact(32);
    let mut n = 0_usize;
    for chunk in &mut chunks {
        let in_chunk = chunk.iter().fold(0_u8, |c, &b| c.wrapping_add(opener(b)));
        n += usize::from(in_chunk);
        if n > limit {
            return false;
        }
    }
    let rest = chunks.remainder();
    n + rest.iter().map(|&b| usize::from(opener(b))).sum::<usize>() <= limit
}

/// A parse error with the JSON path where serde_json stopped ([`path`]).
fn parse_error(json: &str, document: Document, e: &serde_json::Error) -> Error {
    let end = path::offset(json, e.line(), e.column());
    let mut path = path::path_at(json, end, path::Stop::of(e));
    let message = e.to_string();
    // serde names an unknown field in the message and stops at its key (or,
    // for an object read twice, at the object's end): point at the field.
    if let Some(field) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(field);
    }
    Error::Parse {
        document,
        path,
        message,
    }
}

/// Programs and events are JSON objects (accounts may also be `null`).
fn expect_object(json: &str, document: Document, null_ok: bool) -> Result<(), Error> {
    let start = json.trim_start();
    if start.starts_with('{') || (null_ok && start.starts_with("null")) || start.is_empty() {
        return Ok(());
    }
    let what = if null_ok {
        "a JSON object or `null`"
    } else {
        "a JSON object"
    };
    Err(Error::Parse {
        document,
        path: String::new(),
        message: format!("the {document} must be {what}"),
    })
}

fn strict<T: DeserializeOwned>(json: &str, document: Document) -> Result<T, Error> {
    precheck(json, document)?;
    read(json, document)
}

/// Parse `json` as a `T`, whole: trailing bytes are an error.
fn read<T: DeserializeOwned>(json: &str, document: Document) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value = T::deserialize(Objects(&mut de)).map_err(|e| parse_error(json, document, &e))?;
    de.end().map_err(|e| Error::Parse {
        document,
        path: String::new(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// Parse a program (without validating it: see [`Engine::new`]).
pub fn parse_program(json: &str) -> Result<Program, Error> {
    expect_object(json, Document::Program, false)?;
    strict(json, Document::Program)
}

/// Parse an account; `null` means "no account yet" (only an enrolment may
/// follow). The account's internal consistency is checked.
pub fn parse_account(json: &str) -> Result<Option<Account>, Error> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut slot = None;
        parse_account_into(json, &mut slot, None)?;
        Ok(slot)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let account = account_with_serde(json)?;
        if let Some(a) = &account {
            crate::account_check::check(a)?;
        }
        Ok(account)
    }
}

/// [`parse_account`] into `slot`, where the caller keeps the account (an
/// account is 808 bytes, and each move on the way to the engine was a
/// copy); on an error `slot` holds anything. The timestamps read in the
/// usual shape are written to `times` when given, for an answer to write
/// back (see `fast::ReadTimes`).
///
/// An account in the shape the engine writes is read in one pass over the
/// text (see `Account::read_usual_into`). The checks before parsing have
/// nothing to refuse in what it accepts but the size: its shapes nest at
/// most six levels, far within `MAX_NESTING`, and it accepts only `null`
/// or an object.
#[cfg(not(target_arch = "wasm32"))]
fn parse_account_into<'j>(
    json: &'j str,
    slot: &mut Option<Account>,
    times: Option<&mut fast::ReadTimes<'j>>,
) -> Result<(), Error> {
    // On a fall back to serde, what `times` holds is still true of the
    // text (a timestamp and where it stands): it is left as it is.
    if json.len() > MAX_DOCUMENT_BYTES || Account::read_usual_into(json, slot, times).is_none() {
        *slot = account_with_serde(json)?;
    }
    if let Some(a) = slot {
        crate::account_check::check(a)?;
    }
    Ok(())
}

/// An account document by serde alone: every account, and every error
/// before the account's checks.
fn account_with_serde(json: &str) -> Result<Option<Account>, Error> {
    expect_object(json, Document::Account, true)?;
    strict(json, Document::Account)
}

/// First pass over an event: only its `type`.
#[derive(Deserialize)]
struct Tag {
    #[serde(rename = "type")]
    kind: EventKind,
}

/// Parse an event strictly. The `type` is read first; then the variant's
/// fields are read straight from the text, so paths in errors are exact and
/// no intermediate tree is built.
pub fn parse_event(json: &str) -> Result<Event, Error> {
    #[cfg(not(target_arch = "wasm32"))]
    return parse_event_reading_times(json, None);
    #[cfg(target_arch = "wasm32")]
    parse_event_with_serde(json)
}

/// [`parse_event`], with the timestamps read in the usual shape written to
/// `times` when given, for the answer to write back (see
/// `fast::ReadTimes`).
#[cfg(not(target_arch = "wasm32"))]
fn parse_event_reading_times<'j>(
    json: &'j str,
    times: Option<&mut fast::ReadTimes<'j>>,
) -> Result<Event, Error> {
    // A purchase in the usual shape is read in one pass over the text
    // (see `fast`); the checks before parsing have nothing to refuse in
    // what that reader accepts but the size.
    if json.len() <= MAX_DOCUMENT_BYTES {
        // On a fall back to serde, `times` is left as it is (see
        // `parse_account_into`).
        if let Some(p) = fast::purchase(json, times) {
            return Ok(Event::Purchase(p));
        }
    }
    parse_event_with_serde(json)
}

/// [`parse_event`] by serde alone: every event, and every error.
fn parse_event_with_serde(json: &str) -> Result<Event, Error> {
    expect_object(json, Document::Event, false)?;
    // Tills write `type` first; then one pass is enough. Otherwise a first
    // pass finds it wherever it is.
    let kind = match leading_tag(json) {
        Some(kind) => {
            precheck(json, Document::Event)?;
            kind
        }
        None => strict::<Tag>(json, Document::Event)?.kind,
    };
    Ok(match kind {
        EventKind::Enrol => Event::Enrol(variant(json)?),
        EventKind::Purchase => Event::Purchase(variant(json)?),
        EventKind::Return => Event::Return(variant(json)?),
        EventKind::Redeem => Event::Redeem(variant(json)?),
        EventKind::Reserve => Event::Reserve(variant(json)?),
        EventKind::Commit => Event::Commit(variant(json)?),
        EventKind::Release => Event::Release(variant(json)?),
        EventKind::TimeAdvanced => Event::TimeAdvanced(variant(json)?),
        EventKind::Adjust => Event::Adjust(variant(json)?),
        EventKind::UpdateProfile => Event::UpdateProfile(variant(json)?),
        EventKind::Subscribe => Event::Subscribe(variant(json)?),
        EventKind::Renew => Event::Renew(variant(json)?),
        EventKind::Cancel => Event::Cancel(variant(json)?),
        EventKind::Referral => Event::Referral(variant(json)?),
    })
}

/// The `type` of an event whose first key is `type`, read without parsing
/// the rest (escapes and anything unusual fall back to the full pass).
fn leading_tag(json: &str) -> Option<EventKind> {
    let rest = json
        .trim_start()
        .strip_prefix('{')?
        .trim_start()
        .strip_prefix("\"type\"")?;
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let (name, _) = rest.split_once('"')?;
    if name.contains('\\') {
        return None;
    }
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    EventKind::deserialize(de).ok()
}

fn variant<T: DeserializeOwned>(json: &str) -> Result<T, Error> {
    read::<SkipType<T>>(json, Document::Event).map(|s| s.0)
}

/// Deserializes `T` from a JSON object, skipping its `type` key.
struct SkipType<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SkipType<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(WithoutType::new(map)))
            }
        }
        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(SkipType)
    }
}

/// The error of an event other than an enrolment for no account (`null`).
fn no_account() -> Error {
    Error::rule(
        "not_enrolled",
        "type",
        "no account was given, and only an enrolment can start one",
    )
}

/// Parse both documents and apply: the typed result, for callers that want
/// the values rather than the envelope.
pub fn apply_typed(
    engine: &Engine,
    account: &str,
    event: &str,
) -> Result<(Account, Outcome), Error> {
    let event = parse_event(event)?;
    let mut account = match (parse_account(account)?, &event) {
        (Some(a), _) => a,
        (None, Event::Enrol(e)) => Account::new(e.member.clone()),
        (None, _) => return Err(no_account()),
    };
    // The parsed account is ours, and dropped if the event fails: apply in
    // place, with nothing kept for undo.
    let outcome = engine.apply_owned(&mut account, &event)?;
    Ok((account, outcome))
}

/// [`apply_typed`] with the account read into `slot` and applied there
/// (natively: see [`parse_account_into`]), which it is left in.
#[cfg(not(target_arch = "wasm32"))]
fn apply_in<'s, 'j>(
    engine: &Engine,
    account: &'j str,
    event: &'j str,
    slot: &'s mut Option<Account>,
    times: &mut [fast::ReadTimes<'j>; 2],
) -> Result<(&'s Account, Outcome), Error> {
    let [account_times, event_times] = times;
    let event = parse_event_reading_times(event, Some(event_times))?;
    parse_account_into(account, slot, Some(account_times))?;
    let account = match (slot, &event) {
        (Some(a), _) => a,
        (slot @ None, Event::Enrol(e)) => slot.insert(Account::new(e.member.clone())),
        (None, _) => return Err(no_account()),
    };
    // The parsed account is ours, and dropped if the event fails: apply in
    // place, with nothing kept for undo.
    let outcome = engine.apply_owned(account, &event)?;
    Ok((account, outcome))
}

/// Apply an event (JSON) to an account (JSON, or `null` before enrolment)
/// and return the envelope with the outcome and the new account.
pub fn apply(engine: &Engine, account: &str, event: &str) -> String {
    // Written straight into the envelope, in a buffer sized from the input
    // (the new account is about the old one, the outcome about the event)
    // so that it seldom grows.
    let size = account.len() + 2 * event.len() + 512;
    #[cfg(not(target_arch = "wasm32"))]
    let mut slot = None;
    #[cfg(not(target_arch = "wasm32"))]
    let mut times = [fast::ReadTimes::none(account), fast::ReadTimes::none(event)];
    #[cfg(not(target_arch = "wasm32"))]
    let applied = apply_in(engine, account, event, &mut slot, &mut times);
    #[cfg(target_arch = "wasm32")]
    let applied = apply_typed(engine, account, event);
    match applied {
        #[cfg(not(target_arch = "wasm32"))]
        Ok((account, outcome)) => {
            let mut out = String::with_capacity(size);
            out.push_str(r#"{"ok":true,"outcome":"#);
            // Written straight, without serde's machinery (the same bytes:
            // see `answer` and `account::compact::direct`), the timestamps
            // read copied back (see `fast::ReadTimes`).
            answer::outcome_with(&mut out, &outcome, &times);
            out.push_str(r#","account":"#);
            account.append_json_with(&mut out, &times);
            out.push('}');
            out
        }
        #[cfg(target_arch = "wasm32")]
        Ok((account, outcome)) => {
            let account = &account;
            let mut out = String::with_capacity(size);
            out.push_str(r#"{"ok":true,"outcome":"#);
            // As `to_json`: a value that cannot be written is left empty.
            write::append(&mut out, &outcome).unwrap_or_default();
            out.push_str(r#","account":"#);
            // As an `Account` (not a reference to one), which the writer
            // is inlined into.
            write::append::<Account>(&mut out, account).unwrap_or_default();
            out.push('}');
            out
        }
        Err(e) => error_envelope(&e),
    }
}

/// Apply and return the new account and the outcome as two JSON strings
/// (compact, exactly the `account` and `outcome` members of [`apply`]'s
/// envelope), for bindings that hand them out separately.
pub fn apply_parts(engine: &Engine, account: &str, event: &str) -> Result<(String, String), Error> {
    let sizes = (account.len() + 256, 2 * event.len() + 256);
    // Natively as `apply` does it (the C door's call): read in place,
    // written without serde's machinery, the same bytes.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut slot = None;
        let mut times = [fast::ReadTimes::none(account), fast::ReadTimes::none(event)];
        let (account, outcome) = apply_in(engine, account, event, &mut slot, &mut times)?;
        let mut account_json = String::with_capacity(sizes.0);
        account.append_json_with(&mut account_json, &times);
        let mut outcome_json = String::with_capacity(sizes.1);
        answer::outcome_with(&mut outcome_json, &outcome, &times);
        Ok((account_json, outcome_json))
    }
    #[cfg(target_arch = "wasm32")]
    {
        let (account, outcome) = apply_typed(engine, account, event)?;
        Ok((to_json(&account, sizes.0), to_json(&outcome, sizes.1)))
    }
}

/// Compact JSON of an engine value. Serializing these plain structs cannot
/// fail (no maps with non-string keys, no failing `Serialize` impls).
/// `size` is a guess at the length, so the buffer seldom grows.
#[cfg(target_arch = "wasm32")]
fn to_json<T: Serialize>(value: &T, size: usize) -> String {
    let mut out = String::with_capacity(size);
    write::append(&mut out, value).unwrap_or_default();
    out
}

/// Quote a purchase event (JSON) for an account (JSON or `null`): what it
/// would earn, changing nothing.
pub fn quote(engine: &Engine, account: &str, event: &str) -> String {
    match quote_typed(engine, account, event) {
        // Natively written straight, without serde's machinery (the same
        // bytes: see `answer::quote`).
        #[cfg(not(target_arch = "wasm32"))]
        Ok(q) => {
            let mut out = String::with_capacity(256);
            out.push_str(r#"{"ok":true,"quote":"#);
            answer::quote(&mut out, &q);
            out.push('}');
            out
        }
        #[cfg(target_arch = "wasm32")]
        Ok(q) => envelope(&Quoted {
            ok: true,
            quote: &q,
        }),
        Err(e) => error_envelope(&e),
    }
}

/// Typed form of [`quote`].
pub fn quote_typed(engine: &Engine, account: &str, event: &str) -> Result<Quote, Error> {
    // Natively read where it stays (see `parse_account_into`).
    #[cfg(not(target_arch = "wasm32"))]
    let mut slot = None;
    #[cfg(not(target_arch = "wasm32"))]
    let account: &Account = {
        parse_account_into(account, &mut slot, None)?;
        slot.get_or_insert_with(Account::default)
    };
    #[cfg(target_arch = "wasm32")]
    let account = &parse_account(account)?.unwrap_or_default();
    quote_event(engine, account, event)
}

/// What the purchase event (JSON) `event` would earn for `account`; any
/// other event is refused.
fn quote_event(engine: &Engine, account: &Account, event: &str) -> Result<Quote, Error> {
    match parse_event(event)? {
        Event::Purchase(p) => engine.quote(account, &p),
        other => Err(Error::invalid(
            Document::Event,
            "type",
            format!("only a purchase can be quoted, not `{}`", other.kind()),
        )),
    }
}

/// Parse and validate a program; the envelope echoes the program's name and currency.
pub fn load_program(program: &str) -> Result<Engine, Error> {
    Engine::from_json(program)
}

/// Validate a program and answer with an envelope.
pub fn validate_program(program: &str) -> String {
    match load_program(program) {
        Ok(engine) => envelope(&Loaded {
            ok: true,
            program: ProgramSummary {
                name: &engine.program().name,
                currency: &engine.program().currency,
            },
        }),
        Err(e) => error_envelope(&e),
    }
}

#[cfg(target_arch = "wasm32")]
#[derive(Serialize)]
struct Quoted<'a> {
    ok: bool,
    quote: &'a Quote,
}

#[derive(Serialize)]
struct Loaded<'a> {
    ok: bool,
    program: ProgramSummary<'a>,
}

#[derive(Serialize)]
struct ProgramSummary<'a> {
    name: &'a str,
    currency: &'a str,
}

/// The body of a failure envelope.
#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: ErrorKind,
    code: &'a str,
    document: Document,
    path: &'a str,
    message: String,
}

#[derive(Serialize)]
struct Failed<'a> {
    ok: bool,
    error: ErrorBody<'a>,
}

fn envelope<T: Serialize>(value: &T) -> String {
    let mut out = String::with_capacity(256);
    write::append(&mut out, value).map(|()| out).unwrap_or_else(|e| {
        format!(
            r#"{{"ok":false,"error":{{"kind":"internal","code":"internal","document":"event","path":"","message":{}}}}}"#,
            serde_json::Value::String(e.to_string())
        )
    })
}

/// The failure envelope for `error`.
pub fn error_envelope(error: &Error) -> String {
    envelope(&Failed {
        ok: false,
        error: ErrorBody {
            kind: error.kind(),
            code: error.code(),
            document: error.document(),
            path: error.path(),
            message: error.message(),
        },
    })
}

/// Check a program (JSON) with the program checker and answer with an
/// envelope: `{"ok":true,"warnings":[{"path":...,"code":...,"message":...}]}`.
///
/// A program that does not parse or validate gets the same failure envelope
/// as [`validate_program`]: the checker speaks only about programs the
/// engine would run.
///
/// ```
/// let answer = loyalty_core::json::check_program(r#"{"name": "Demo", "currency": "USD",
///     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#);
/// assert_eq!(answer, r#"{"ok":true,"warnings":[]}"#);
/// ```
pub fn check_program(program: &str) -> String {
    #[derive(Serialize)]
    struct Checked {
        ok: bool,
        warnings: Vec<crate::check::Warning>,
    }
    match load_program(program) {
        Ok(engine) => envelope(&Checked {
            ok: true,
            warnings: engine.check(),
        }),
        Err(e) => error_envelope(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event_err(json: &str) -> (String, String) {
        match parse_event(json) {
            Ok(e) => ("ok".into(), format!("{e:?}")),
            Err(e) => (e.path().to_owned(), e.message()),
        }
    }

    #[test]
    fn event_paths_are_exact() {
        let (path, msg) = event_err(
            r#"{"id": "p", "type": "purchase", "time": "2026-01-01T00:00:00Z",
                "lines": [{"sku": "a", "quantity": 1, "unit_price": "1"},
                          {"sku": "b", "quantity": 1, "unit_price": 2}]}"#,
        );
        assert_eq!(path, "lines[1].unit_price");
        assert!(msg.starts_with("invalid type: integer `2`"), "{msg}");
    }

    #[test]
    fn event_rejects_duplicate_and_unknown_keys() {
        let (path, msg) = event_err(
            r#"{"type": "time_advanced", "id": "a", "id": "b", "time": "2026-01-01T00:00:00Z"}"#,
        );
        assert_eq!(
            (path.as_str(), msg.starts_with("duplicate field `id`")),
            ("", true),
            "{msg}"
        );
        let (_, msg) = event_err(
            r#"{"type": "time_advanced", "id": "a", "when": 1, "time": "2026-01-01T00:00:00Z"}"#,
        );
        assert!(msg.starts_with("unknown field `when`"), "{msg}");
        let (path, msg) = event_err(r#"{"type": "time_advanced", "type": "enrol", "id": "a"}"#);
        assert_eq!(
            (path.as_str(), msg.starts_with("duplicate field `type`")),
            ("", true),
            "{msg}"
        );
    }

    /// The count of `{` and `[` only decides when the scan may be skipped:
    /// the limit is the depth outside strings, as before.
    #[test]
    fn nesting_is_counted_outside_strings() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(precheck(&nested(MAX_NESTING), Document::Event).is_ok());
        assert!(precheck(&nested(MAX_NESTING + 1), Document::Event).is_err());
        let in_string = format!(r#"{{"a": "{}\\{}"}}"#, "[".repeat(40), "{".repeat(40));
        assert!(precheck(&in_string, Document::Event).is_ok());
        let wide = format!("[{}]", ["[{}]"; 100].join(","));
        assert!(precheck(&wide, Document::Event).is_ok());
        let closed_first = format!("]]]]{}", nested(MAX_NESTING));
        assert!(precheck(&closed_first, Document::Event).is_ok());
        let escaped_quote = format!(r#"["\"{}"]"#, "[".repeat(40));
        assert!(precheck(&escaped_quote, Document::Event).is_ok());
        let escaped_backslash = format!(r#"["\\"{}]"#, "[".repeat(40));
        assert!(precheck(&escaped_backslash, Document::Event).is_err());
        // The chunked scan against the byte-by-byte one it replaced.
        let by_bytes = |json: &str, limit: usize| {
            let mut depth = 0_usize;
            let mut bytes = json.bytes();
            while let Some(b) = bytes.next() {
                match b {
                    b'"' => {
                        while let Some(c) = bytes.next() {
                            match c {
                                b'\\' => {
                                    bytes.next();
                                }
                                b'"' => break,
                                _ => {}
                            }
                        }
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > limit {
                            return false;
                        }
                    }
                    b'}' | b']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            true
        };
        let mut y = 0x9e37_79b9_u32;
        for round in 0..20_000 {
            let len = (round % 400) as usize;
            // Mostly numbers and brackets (as lots are), sometimes strings.
            let pool: &[u8] = if round % 3 == 0 {
                b"[[]]{}0,\"\\a"
            } else {
                b"[[[]]]{}0,1-"
            };
            let text: String = (0..len)
                .map(|_| {
                    y ^= y << 13;
                    y ^= y >> 17;
                    y ^= y << 5;
                    char::from(pool[(y % pool.len() as u32) as usize])
                })
                .collect();
            for limit in [0, 1, 2, 5, MAX_NESTING] {
                assert_eq!(
                    nesting_within(&text, limit),
                    by_bytes(&text, limit),
                    "{text} {limit}"
                );
            }
        }
        // The count, 32 bytes at a time and the rest, against a plain one.
        let mut x = 0x2545_f491_u32;
        for len in 0..300 {
            let text: String = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    [
                        '{', '[', '{', 'a', ']', '"', '\u{7b}', '\u{5b}', '\u{3b}', '\u{db}',
                    ][(x % 10) as usize]
                })
                .collect();
            let count = text.bytes().filter(|&b| b == b'{' || b == b'[').count();
            for limit in [0, 1, count.saturating_sub(1), count, count + 1, MAX_NESTING] {
                assert_eq!(
                    openers_at_most(&text, limit),
                    count <= limit,
                    "{text} {limit}"
                );
            }
        }
    }

    #[test]
    fn event_rejects_trailing_bytes_and_deep_nesting() {
        let (_, msg) =
            event_err(r#"{"type": "time_advanced", "id": "a", "time": "2026-01-01T00:00:00Z"} x"#);
        assert!(msg.starts_with("trailing characters"), "{msg}");
        let deep = format!("{{\"lines\": {}{}}}", "[".repeat(40), "]".repeat(40));
        let (_, msg) = event_err(&deep);
        assert!(msg.contains("deeper than 32"), "{msg}");
    }
}
