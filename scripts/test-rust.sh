#!/usr/bin/env bash
# Rust layer: format, lints, doc links, unit tests, doctests, conformance vectors,
# property tests and the schema check.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup component add rustfmt clippy >/dev/null 2>&1 || true
echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo doc (private items too: their links are for the next engineer)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --document-private-items --locked -q
echo "== cargo test"
cargo test --workspace --locked
