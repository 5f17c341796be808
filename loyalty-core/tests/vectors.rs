//! Replays the conformance vectors of `tests/vectors/` through the JSON
//! interface and compares every answer byte for byte; each is replayed on
//! a [`json::KeptAccount`] too, whose answers must be the stateless door's.
//! `BLESS=1` rewrites the expected files instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::path::{Path, PathBuf};

use loyalty_core::{json, Engine};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Run one vector folder, returning the lines of its expected file.
fn run(dir: &Path) -> Vec<String> {
    let program = fs::read_to_string(dir.join("program.json")).expect("program.json");
    let mut account = fs::read_to_string(dir.join("account.json"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "null".to_owned());
    let mut lines = vec![json::validate_program(&program)];
    let engine = Engine::from_json(&program).ok();
    // The same steps on an account kept in memory (when the vector's
    // account can be read at all).
    let mut kept = json::KeptAccount::from_json(&account).ok();
    // Every other kept step answers into one reused buffer (`apply_into`).
    let mut buffer = String::from("left from before");
    let events = fs::read_to_string(dir.join("events.jsonl")).unwrap_or_default();
    for (i, step) in events.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let Some(engine) = &engine else { break };
        if let Some(rest) = step.strip_prefix("{\"quote\": ") {
            let purchase = rest.strip_suffix('}').expect("quote line ends with }");
            if let Some(kept) = &kept {
                let typed = json::quote_typed(engine, &account, purchase);
                assert_eq!(
                    kept.quote(engine, purchase),
                    typed,
                    "{}: {step}",
                    dir.display()
                );
            }
            lines.push(json::quote(engine, &account, purchase));
            continue;
        }
        let answer = json::apply(engine, &account, step);
        let kept_answer = kept.as_mut().map(|k| {
            if i % 2 == 1 {
                buffer.clear();
                k.apply_into(engine, step, &mut buffer);
                buffer.clone()
            } else {
                k.apply(engine, step)
            }
        });
        let applied = json::apply_parts(engine, &account, step).is_ok_and(|(next, _)| {
            assert!(answer.ends_with(&format!(",\"account\":{next}}}")));
            account = next;
            true
        });
        if let Some(kept_answer) = kept_answer {
            // The envelope without the account; a failure's is the same.
            let stateless = match answer.rfind(",\"account\":") {
                Some(at) if answer.starts_with("{\"ok\":true,") => format!("{}}}", &answer[..at]),
                _ => answer.clone(),
            };
            assert_eq!(kept_answer, stateless, "{}: {step}", dir.display());
            // The account the door would hand back; after a failure, the
            // caller's own text, which holds the same account.
            let kept = kept.as_ref().expect("kept");
            if applied {
                assert_eq!(kept.to_json(), account, "{}: {step}", dir.display());
            } else {
                let given = json::parse_account(&account).expect("a kept account was read");
                assert_eq!(kept.account(), given.as_ref(), "{}: {step}", dir.display());
            }
        }
        lines.push(answer);
    }
    lines.push(account);
    lines
}

#[test]
fn conformance_vectors() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut dirs: Vec<PathBuf> = fs::read_dir(vectors_dir())
        .expect("tests/vectors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 40,
        "expected at least 40 vectors, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let got = run(dir);
        let path = dir.join("expected.jsonl");
        let text = got.join("\n") + "\n";
        if bless {
            fs::write(&path, text).expect("write expected.jsonl");
            continue;
        }
        let want = fs::read_to_string(&path).unwrap_or_default();
        if want != text {
            let line = want
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{}: line {}\n  want: {}\n  got:  {}",
                dir.display(),
                line + 1,
                want.lines().nth(line).unwrap_or("<missing>"),
                text.lines().nth(line).unwrap_or("<missing>")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vector(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
