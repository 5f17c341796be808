//! The committed JSON Schemas under `schema/` must be exactly what the types
//! generate. `BLESS=1` rewrites them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::path::Path;

#[test]
fn committed_schemas_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    let bless = std::env::var_os("BLESS").is_some();
    for (name, text) in loyalty_core::schema::all() {
        let path = dir.join(name);
        if bless {
            fs::create_dir_all(&dir).expect("create schema/");
            fs::write(&path, &text).expect("write schema");
            continue;
        }
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "schema/{name} is out of date: run `BLESS=1 cargo test -p loyalty-core --test schema` and commit"
        );
    }
}
