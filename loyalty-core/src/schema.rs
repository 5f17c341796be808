//! JSON Schemas of the format, generated from the types.
//!
//! The committed copies under `schema/` at the repository root are checked
//! against these by the tests, so they are always current. Web developers
//! can validate programs and events with them before calling the engine.

use schemars::{schema_for, Schema};

use crate::account::Account;
use crate::event::Event;
use crate::outcome::{Outcome, Quote};
use crate::program::Program;

/// Each document of the format with its schema, as pretty-printed JSON
/// (file name, text). The file names are those under `schema/`.
///
/// ```
/// let schemas = loyalty_core::schema::all();
/// assert!(schemas.iter().any(|(name, _)| *name == "program.schema.json"));
/// ```
pub fn all() -> Vec<(&'static str, String)> {
    let render = |s: Schema| serde_json::to_string_pretty(&s).unwrap_or_default() + "\n";
    vec![
        ("program.schema.json", render(schema_for!(Program))),
        ("account.schema.json", render(schema_for!(Account))),
        ("event.schema.json", render(schema_for!(Event))),
        ("outcome.schema.json", render(schema_for!(Outcome))),
        ("quote.schema.json", render(schema_for!(Quote))),
    ]
}
