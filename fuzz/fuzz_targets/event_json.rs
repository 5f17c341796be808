//! Arbitrary bytes as an event applied to the café program, with a fresh
//! account and with an enrolled one: never a panic, and a failed event never
//! changes the account.
#![no_main]

use loyalty_core::{json, Engine};

const CAFE: &str = include_str!("../../examples/programs/cafe.json");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(engine) = Engine::from_json(CAFE) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = json::apply(&engine, "null", text);
    let enrolled = json::apply_parts(
        &engine,
        "null",
        r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-01-01T00:00:00Z"}"#,
    );
    if let Ok((account, _)) = enrolled {
        let _ = json::apply(&engine, &account, text);
        let _ = json::quote(&engine, &account, text);
    }
});
