//! Replays every committed fuzz regression input (`fuzz/regressions/TARGET/*`)
//! through the same checks as its fuzz target, so a crash once found stays
//! fixed in the normal `cargo test`.
//!
//! - `program_json/*`, `event_json/*`: raw bytes, exactly as libFuzzer saved them;
//! - `c_abi/*`: raw bytes; the documents are cut as the target cuts them and
//!   sent through `loyalty_core::json`, the door every C export calls (the
//!   C library itself replays the conformance vectors in its own suite);
//! - `event_sequence/*.jsonl`: the program's file name (in
//!   `examples/programs/`) on the first line, then one event per line, as
//!   the target prints them when it fails; replayed against the reference
//!   model of `tests/model/reference.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    dead_code
)]

#[path = "model/reference.rs"]
mod reference;

use std::path::{Path, PathBuf};

use loyalty_core::{json, Engine};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name()
            .is_some_and(|n| n != ".gitkeep" && n != "README.md")
    });
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn cafe() -> Engine {
    Engine::from_json(&std::fs::read_to_string(root().join("examples/programs/cafe.json")).unwrap())
        .unwrap()
}

/// Every answer is an envelope: JSON with a boolean `ok`.
fn envelope(answer: &str) -> bool {
    let v: serde_json::Value = serde_json::from_str(answer).expect("the answer is JSON");
    v["ok"].as_bool().expect("the answer has `ok`")
}

#[test]
fn program_json_regressions() {
    for (path, bytes) in inputs("program_json") {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            envelope(&json::validate_program(text));
        }
        eprintln!("replayed {}", path.display());
    }
}

#[test]
fn event_json_regressions() {
    let engine = cafe();
    let enrolled = r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-01-01T00:00:00Z"}"#;
    let (account, _) = json::apply_parts(&engine, "null", enrolled).unwrap();
    for (path, bytes) in inputs("event_json") {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            envelope(&json::apply(&engine, "null", text));
            let before = account.clone();
            if !envelope(&json::apply(&engine, &account, text)) {
                assert_eq!(account, before);
            }
            envelope(&json::quote(&engine, &account, text));
        }
        eprintln!("replayed {}", path.display());
    }
}

#[test]
fn c_abi_regressions() {
    let programs = ["cafe", "cashback", "tiered", "coffee-club"].map(|p| {
        Engine::from_json(
            &std::fs::read_to_string(root().join(format!("examples/programs/{p}.json"))).unwrap(),
        )
        .unwrap()
    });
    for (path, bytes) in inputs("c_abi") {
        let Some((&selector, rest)) = bytes.split_first() else {
            continue;
        };
        let mut parts = rest.split(|&b| b == 0xFF);
        let first = parts.next().unwrap_or_default();
        let second = parts.next().unwrap_or_default();
        let third = parts.next();
        if let Ok(p) = std::str::from_utf8(first) {
            envelope(&json::validate_program(p));
        }
        let engine = &programs[usize::from(selector) % programs.len()];
        let (account, event) = match third {
            Some(event) => (second, event),
            None => (&b"null"[..], second),
        };
        if let (Ok(a), Ok(e)) = (std::str::from_utf8(account), std::str::from_utf8(event)) {
            envelope(&json::apply(engine, a, e));
            envelope(&json::quote(engine, a, e));
        }
        eprintln!("replayed {}", path.display());
    }
}

#[test]
fn event_sequence_regressions() {
    for (path, bytes) in inputs("event_sequence") {
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        let program = lines.next().expect("a program name on the first line");
        let program_text =
            std::fs::read_to_string(root().join("examples/programs").join(program.trim())).unwrap();
        let engine = Engine::from_json(&program_text).unwrap();
        let value: serde_json::Value = serde_json::from_str(&program_text).unwrap();
        let events: Vec<String> = lines
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        let first = reference::run(&engine, &value, &events)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let again = reference::run(&engine, &value, &events).unwrap();
        assert_eq!(first, again, "{}: replay differs", path.display());
        eprintln!("replayed {}", path.display());
    }
}
