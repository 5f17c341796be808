//! The JSON interface writes its answers with its own writer
//! (`json/write.rs`), which must give serde_json's bytes exactly. Every
//! conformance vector is replayed with its ids rewritten in every way a
//! string can need escaping (or not), and every answer is compared with
//! the answer serde_json writes for the same typed values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::path::{Path, PathBuf};

use loyalty_core::{json, Document, Engine, Error, ErrorKind};
use serde::Serialize;

/// What the interface wrote before its own writer: serde_json throughout.
fn reference_apply(engine: &Engine, account: &str, event: &str) -> String {
    match json::apply_typed(engine, account, event) {
        Ok((account, outcome)) => format!(
            r#"{{"ok":true,"outcome":{},"account":{}}}"#,
            serde_json::to_string(&outcome).unwrap(),
            serde_json::to_string(&account).unwrap()
        ),
        Err(e) => reference_error(&e),
    }
}

fn reference_quote(engine: &Engine, account: &str, event: &str) -> String {
    #[derive(Serialize)]
    struct Quoted<'a> {
        ok: bool,
        quote: &'a loyalty_core::Quote,
    }
    match json::quote_typed(engine, account, event) {
        Ok(q) => serde_json::to_string(&Quoted {
            ok: true,
            quote: &q,
        })
        .unwrap(),
        Err(e) => reference_error(&e),
    }
}

fn reference_error(e: &Error) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        kind: ErrorKind,
        code: &'a str,
        document: Document,
        path: &'a str,
        message: String,
    }
    #[derive(Serialize)]
    struct Failed<'a> {
        ok: bool,
        error: Body<'a>,
    }
    serde_json::to_string(&Failed {
        ok: false,
        error: Body {
            kind: e.kind(),
            code: e.code(),
            document: e.document(),
            path: e.path(),
            message: e.message(),
        },
    })
    .unwrap()
}

/// Ids rewritten: quotes, backslashes, non-ASCII (raw and escaped), an
/// escaped slash, control characters (refused by validation, so their
/// messages are compared), long ids, and ids of every length around the
/// writer's eight-byte words.
const PREFIXES: &[&str] = &[
    "",
    r#"q\"b\\s"#,
    "é€😀",
    r"\u00e9\/\u20ac",
    r"\u0001",
    r"tab\t",
    "0123456",
    "01234567",
    "012345678",
    "a{[]}:,",
    "\u{7f}\u{80}",
];

fn rewrite(line: &str, prefix: &str) -> String {
    let mut out = line.to_owned();
    for key in ["id", "member", "purchase", "location", "staff", "reason"] {
        for sep in [": \"", ":\""] {
            out = out.replace(
                &format!("\"{key}\"{sep}"),
                &format!("\"{key}\"{sep}{prefix}"),
            );
        }
    }
    out
}

fn vectors() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn answers_are_serde_json_bytes() {
    let mut compared = 0;
    let long = "x".repeat(300);
    let mut prefixes: Vec<&str> = PREFIXES.to_vec();
    prefixes.push(&long);
    for dir in vectors() {
        let program = fs::read_to_string(dir.join("program.json")).unwrap();
        let Ok(engine) = Engine::from_json(&program) else {
            continue;
        };
        let events = fs::read_to_string(dir.join("events.jsonl")).unwrap_or_default();
        for prefix in &prefixes {
            let mut account = fs::read_to_string(dir.join("account.json"))
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| "null".to_owned());
            for step in events.lines().filter(|l| !l.trim().is_empty()) {
                let step = rewrite(step, prefix);
                if let Some(rest) = step.strip_prefix("{\"quote\": ") {
                    let purchase = rest.strip_suffix('}').unwrap();
                    assert_eq!(
                        json::quote(&engine, &account, purchase),
                        reference_quote(&engine, &account, purchase),
                        "{}: {purchase}",
                        dir.display()
                    );
                    compared += 1;
                    continue;
                }
                let answer = json::apply(&engine, &account, &step);
                assert_eq!(
                    answer,
                    reference_apply(&engine, &account, &step),
                    "{}: {step}",
                    dir.display()
                );
                compared += 1;
                if let Ok((next, outcome)) = json::apply_parts(&engine, &account, &step) {
                    let (a, o) = json::apply_typed(&engine, &account, &step).unwrap();
                    assert_eq!(next, serde_json::to_string(&a).unwrap());
                    assert_eq!(outcome, serde_json::to_string(&o).unwrap());
                    account = next;
                }
            }
        }
    }
    assert!(compared > 5_000, "only {compared} answers compared");
}

/// Programs' answers (names and currencies of every kind) and failures.
#[test]
fn program_answers_are_serde_json_bytes() {
    for dir in vectors() {
        let program = fs::read_to_string(dir.join("program.json")).unwrap();
        for prefix in PREFIXES {
            let renamed = program.replacen("\"name\": \"", &format!("\"name\": \"{prefix}"), 1);
            let want = match json::load_program(&renamed) {
                Ok(engine) => format!(
                    r#"{{"ok":true,"program":{{"name":{},"currency":{}}}}}"#,
                    serde_json::to_string(&engine.program().name).unwrap(),
                    serde_json::to_string(&engine.program().currency).unwrap()
                ),
                Err(e) => reference_error(&e),
            };
            assert_eq!(json::validate_program(&renamed), want);
        }
    }
}
