//! WebAssembly bindings of loyalty-core: the npm package `loyalty-wasm`.
//!
//! This crate only translates. Every call goes through the core's JSON
//! interface ([`loyalty_core::json`]), so the package answers the same bytes
//! as the C library and the CLI:
//!
//! - the *typed* calls ([`Engine::apply`], [`Engine::quote`], ...) take plain
//!   JS objects, turn them into JSON with the JS engine's `JSON.stringify`,
//!   call the core's JSON functions and hand back `JSON.parse` of the answer;
//! - the *JSON-string* calls ([`Engine::apply_json`], [`Engine::quote_json`],
//!   [`validate_program_json`], ...) pass the caller's bytes through and
//!   return the core's envelopes unchanged, for byte-exact comparison.
//!
//! A failure is thrown as a JS `Error` (`name` `"LoyaltyError"`) carrying the
//! fields of the core's failure envelope: `kind`, `code`, `document`, `path`
//! and `message`. The JSON-string calls that return an envelope never throw.
//!
//! The TypeScript types of the documents (`Program`, `Account`, `Event`,
//! `Outcome`, `Quote`...) are generated from the core's JSON Schemas by
//! `scripts/gen-types.mjs` into `src/types.d.ts` and embedded here.

use js_sys::{Object, Reflect, JSON};
use loyalty_core::{json, Document, Error};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const FORMAT_TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const API_TYPES: &str = r#"
/** What the package throws: a JS `Error` with the fields of the core's failure envelope. */
export interface LoyaltyError extends Error {
  name: "LoyaltyError";
  /** The broad class of the error, stable across versions. */
  kind: "invalid_json" | "validation" | "rule" | "conflict" | "out_of_order" | "limit" | "internal";
  /** A stable machine code, finer than `kind`, e.g. `invalid_event` or `insufficient_points`. */
  code: string;
  /** The input document the `path` points into. */
  document: "program" | "account" | "event";
  /** The JSON path at fault in that document, e.g. `lines[0].quantity` (`""` for the whole document). */
  path: string;
  /** What is wrong, lowercase, without the document and path. */
  message: string;
}

/** The answer of an applied event: the member's new account and what happened. */
export interface Applied {
  account: Account;
  outcome: Outcome;
}

/** `Applied` as compact JSON text, byte for byte the members of `applyJson`'s envelope. */
export interface AppliedJson {
  account: string;
  outcome: string;
}

/** The name and currency of a valid program. */
export interface ProgramSummary {
  name: string;
  currency: string;
}

/** One finding of the program checker (`checkProgram`): a rule that never fires, an unaffordable reward... */
export interface ProgramWarning {
  /** JSON path in the program, e.g. `rules[2].when`. */
  path: string;
  /** Stable machine code, e.g. `rule_never_fires`. */
  code: string;
  /** What is wrong. */
  message: string;
}

/** A purchase event: what `quote` accepts. */
export type PurchaseEvent = Extract<Event, { type: "purchase" }>;
/** Hold a reward before payment. */
export type ReserveEvent = Extract<Event, { type: "reserve" }>;
/** Payment succeeded: spend what a reservation holds. */
export type CommitEvent = Extract<Event, { type: "commit" }>;
/** Payment failed: give back what a reservation holds. */
export type ReleaseEvent = Extract<Event, { type: "release" }>;
"#;

/// The JS error for a core error, with exactly the fields of its failure envelope.
fn js_error(error: &Error) -> JsValue {
    let err = js_sys::Error::new(&error.message());
    err.set_name("LoyaltyError");
    let envelope = json::error_envelope(error);
    if let Ok(body) =
        JSON::parse(&envelope).and_then(|v| Reflect::get(&v, &JsValue::from_str("error")))
    {
        if let Some(body) = body.dyn_ref::<Object>() {
            Object::assign(&err, body);
        }
    }
    err.into()
}

/// The JS error for a failure envelope's `error` member.
fn js_error_from_body(body: &JsValue) -> JsValue {
    let message = Reflect::get(body, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string());
    let err = js_sys::Error::new(&message.unwrap_or_default());
    err.set_name("LoyaltyError");
    if let Some(body) = body.dyn_ref::<Object>() {
        Object::assign(&err, body);
    }
    err.into()
}

fn not_json(document: Document, message: String) -> Error {
    Error::Parse {
        document,
        path: String::new(),
        message,
    }
}

/// A JS value as JSON text, written by the JS engine's own `JSON.stringify`.
fn to_json(value: &JsValue, document: Document) -> Result<String, Error> {
    if value.is_undefined() {
        return Err(not_json(
            document,
            "expected a JSON value, found `undefined`".to_owned(),
        ));
    }
    match JSON::stringify(value) {
        Ok(text) => text
            .as_string()
            .ok_or_else(|| not_json(document, "the value cannot be written as JSON".to_owned())),
        Err(e) => {
            let why = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default();
            Err(not_json(
                document,
                format!("the value cannot be written as JSON: {why}"),
            ))
        }
    }
}

/// A plain object from named values.
fn object(members: &[(&str, JsValue)]) -> Result<JsValue, JsValue> {
    let obj = Object::new();
    for (name, value) in members {
        Reflect::set(&obj, &JsValue::from_str(name), value)?;
    }
    Ok(obj.into())
}

/// Refuse an event whose `type` is not `expected`, for the calls named after one type.
fn expect_type(event: &JsValue, expected: &str) -> Result<(), Error> {
    if !event.is_object() {
        return Ok(()); // the core reports what is wrong with it
    }
    let found = Reflect::get(event, &JsValue::from_str("type"))
        .ok()
        .and_then(|t| t.as_string());
    match found {
        Some(t) if t == expected => Ok(()),
        Some(t) => Err(Error::Invalid {
            document: Document::Event,
            path: "type".to_owned(),
            message: format!("expected a `{expected}` event, not `{t}`"),
        }),
        None => Ok(()), // missing or not a string: the core reports it
    }
}

/// A validated program, ready to apply events. Immutable: one engine serves
/// any number of members.
#[wasm_bindgen]
pub struct Engine {
    inner: loyalty_core::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// Load and validate a program given as an object. Throws a `LoyaltyError`
    /// (`document` `"program"`) if it is not valid.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Program")] program: JsValue,
    ) -> Result<Engine, JsValue> {
        let text = to_json(&program, Document::Program).map_err(|e| js_error(&e))?;
        Engine::from_json(&text)
    }

    /// Load and validate a program given as JSON text.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(program: &str) -> Result<Engine, JsValue> {
        json::load_program(program)
            .map(|inner| Engine { inner })
            .map_err(|e| js_error(&e))
    }

    /// The program, with every default filled in.
    #[wasm_bindgen(unchecked_return_type = "Program")]
    pub fn program(&self) -> Result<JsValue, JsValue> {
        let text = serde_json::to_string(self.inner.program())
            .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
        JSON::parse(&text)
    }

    /// Apply an event to a member's account (`null` for a new member: only an
    /// `enrol` event may start one). Returns the new account and the outcome;
    /// throws a `LoyaltyError` if the event is refused. The account passed in
    /// is not changed.
    #[wasm_bindgen(unchecked_return_type = "Applied")]
    pub fn apply(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Account | null")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Event")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.apply_value(&account, &event)
    }

    /// Hold a reward before payment: `apply` for a `reserve` event.
    #[wasm_bindgen(unchecked_return_type = "Applied")]
    pub fn reserve(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Account | null")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReserveEvent")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        expect_type(&event, "reserve").map_err(|e| js_error(&e))?;
        self.apply_value(&account, &event)
    }

    /// Payment succeeded: `apply` for a `commit` event.
    #[wasm_bindgen(unchecked_return_type = "Applied")]
    pub fn commit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Account | null")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CommitEvent")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        expect_type(&event, "commit").map_err(|e| js_error(&e))?;
        self.apply_value(&account, &event)
    }

    /// Payment failed: `apply` for a `release` event.
    #[wasm_bindgen(unchecked_return_type = "Applied")]
    pub fn release(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Account | null")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReleaseEvent")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        expect_type(&event, "release").map_err(|e| js_error(&e))?;
        self.apply_value(&account, &event)
    }

    /// What a purchase would earn for this account (`null` for a new member),
    /// changing nothing.
    #[wasm_bindgen(unchecked_return_type = "Quote")]
    pub fn quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Account | null")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PurchaseEvent")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        let account = to_json(&account, Document::Account).map_err(|e| js_error(&e))?;
        let event = to_json(&event, Document::Event).map_err(|e| js_error(&e))?;
        let answer = JSON::parse(&json::quote(&self.inner, &account, &event))?;
        unwrap_envelope(&answer, "quote")
    }

    /// `apply` on JSON text: the core's envelope, `{"ok":true,"outcome":...,"account":...}`
    /// or `{"ok":false,"error":...}`, byte for byte. Never throws.
    #[wasm_bindgen(js_name = applyJson)]
    pub fn apply_json(&self, account: &str, event: &str) -> String {
        json::apply(&self.inner, account, event)
    }

    /// `apply` on JSON text, answering the new account and the outcome as two
    /// compact JSON strings (exactly the members of `applyJson`'s envelope).
    /// Throws a `LoyaltyError` if the event is refused.
    #[wasm_bindgen(js_name = applyParts, unchecked_return_type = "AppliedJson")]
    pub fn apply_parts(&self, account: &str, event: &str) -> Result<JsValue, JsValue> {
        let (account, outcome) =
            json::apply_parts(&self.inner, account, event).map_err(|e| js_error(&e))?;
        object(&[
            ("account", JsValue::from_str(&account)),
            ("outcome", JsValue::from_str(&outcome)),
        ])
    }

    /// `quote` on JSON text: the core's envelope, `{"ok":true,"quote":...}` or
    /// `{"ok":false,"error":...}`, byte for byte. Never throws.
    #[wasm_bindgen(js_name = quoteJson)]
    pub fn quote_json(&self, account: &str, event: &str) -> String {
        json::quote(&self.inner, account, event)
    }
}

impl Engine {
    fn apply_value(&self, account: &JsValue, event: &JsValue) -> Result<JsValue, JsValue> {
        let account = to_json(account, Document::Account).map_err(|e| js_error(&e))?;
        let event = to_json(event, Document::Event).map_err(|e| js_error(&e))?;
        let (account, outcome) =
            json::apply_parts(&self.inner, &account, &event).map_err(|e| js_error(&e))?;
        object(&[
            ("account", JSON::parse(&account)?),
            ("outcome", JSON::parse(&outcome)?),
        ])
    }
}

/// The `member` of a success envelope, or the thrown error of a failure one.
fn unwrap_envelope(answer: &JsValue, member: &str) -> Result<JsValue, JsValue> {
    if Reflect::get(answer, &JsValue::from_str("ok"))?.as_bool() == Some(true) {
        Reflect::get(answer, &JsValue::from_str(member))
    } else {
        Err(js_error_from_body(&Reflect::get(
            answer,
            &JsValue::from_str("error"),
        )?))
    }
}

/// Validate a program given as an object: its name and currency, or a
/// thrown `LoyaltyError`.
#[wasm_bindgen(js_name = validateProgram, unchecked_return_type = "ProgramSummary")]
pub fn validate_program(
    #[wasm_bindgen(unchecked_param_type = "Program")] program: JsValue,
) -> Result<JsValue, JsValue> {
    let text = to_json(&program, Document::Program).map_err(|e| js_error(&e))?;
    unwrap_envelope(&JSON::parse(&json::validate_program(&text))?, "program")
}

/// Validate a program given as JSON text: the core's envelope,
/// `{"ok":true,"program":{"name":...,"currency":...}}` or `{"ok":false,"error":...}`.
/// Never throws.
#[wasm_bindgen(js_name = validateProgramJson)]
pub fn validate_program_json(program: &str) -> String {
    json::validate_program(program)
}

/// Check a valid program for likely mistakes (rules that never fire,
/// rewards nobody can afford...): the list of warnings, empty if none.
/// Throws a `LoyaltyError` if the program is not valid.
#[wasm_bindgen(js_name = checkProgram, unchecked_return_type = "ProgramWarning[]")]
pub fn check_program(
    #[wasm_bindgen(unchecked_param_type = "Program")] program: JsValue,
) -> Result<JsValue, JsValue> {
    let text = to_json(&program, Document::Program).map_err(|e| js_error(&e))?;
    unwrap_envelope(&JSON::parse(&json::check_program(&text))?, "warnings")
}

/// Check a program given as JSON text: the core's envelope,
/// `{"ok":true,"warnings":[...]}` or `{"ok":false,"error":...}`. Never throws.
#[wasm_bindgen(js_name = checkProgramJson)]
pub fn check_program_json(program: &str) -> String {
    json::check_program(program)
}

/// The version of the engine.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
