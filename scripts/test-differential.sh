#!/usr/bin/env bash
# Same answer through every door: seeded random event streams for every
# example program go through the Rust JSON interface, the C library and the
# npm package, and every answer must be identical, byte for byte.
#
#   bash scripts/test-differential.sh              # seed 6, 5 streams per program
#   LOYALTY_DIFF_SEED=42 LOYALTY_DIFF_STREAMS=50 bash scripts/test-differential.sh
#
# Runs after scripts/test-c.sh and scripts/test-wasm.sh (it uses the C
# library built by cargo and the package built by scripts/build-wasm.sh; it
# builds either if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== differential: generate streams, answer through Rust and the C ABI in-process"
LOYALTY_DIFF_DIR="$work" cargo test --locked -p loyalty-ffi --test differential -- --nocapture 2>&1 \
    | grep -E 'differential:|test result' || { echo "the Rust/C ABI differential test failed"; exit 1; }

echo "== differential: the C library, through a C driver"
cargo build --locked --release -p loyalty-ffi >/dev/null 2>&1 || cargo build --locked --release -p loyalty-ffi
gcc -std=c99 -Wall -Wextra -Werror -O1 -Iinclude loyalty-ffi/tests/c/differential.c \
    "$target_dir/release/libloyalty.a" -lpthread -ldl -lm -o "$work/differential"
mkdir -p "$work/c"
for s in "$work"/streams/*.jsonl; do
    "$work/differential" examples/programs "$s" > "$work/c/$(basename "$s" .jsonl).out"
done

echo "== differential: the npm package, through Node"
if [ ! -d loyalty-wasm/pkg ]; then
    bash scripts/build-wasm.sh
fi
(cd loyalty-wasm && node tests/differential.mjs "$root/examples/programs" "$work/streams" "$work/npm")

echo "== differential: compare"
count=0
for r in "$work"/rust/*.out; do
    name=$(basename "$r")
    cmp "$r" "$work/c/$name" || { echo "C library differs from Rust on $name"; diff "$r" "$work/c/$name" | head -n 6; exit 1; }
    cmp "$r" "$work/npm/$name" || { echo "npm package differs from Rust on $name"; diff "$r" "$work/npm/$name" | head -n 6; exit 1; }
    count=$((count + $(wc -l < "$r")))
done
echo "== differential: $count answers identical through Rust, C and npm"
