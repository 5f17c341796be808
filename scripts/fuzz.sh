#!/usr/bin/env bash
# Run one cargo-fuzz target for a given time:
#
#     bash scripts/fuzz.sh TARGET SECONDS      # e.g. bash scripts/fuzz.sh c_abi 1200
#     bash scripts/fuzz.sh list                # the targets
#
# Targets: program_json, event_json, event_sequence, c_abi (see fuzz/README.md).
# Installs the nightly toolchain and cargo-fuzz when missing. The corpus
# lives in fuzz/corpus/TARGET (seeded from the example programs and the
# conformance vectors), the libFuzzer log in fuzz/logs/TARGET.log. Any crash
# is copied to fuzz/regressions/TARGET/ (set FUZZ_NO_BUILD=1 to skip the build), which `cargo test` replays
# (loyalty-core/tests/fuzz_regressions.rs): commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:?usage: scripts/fuzz.sh TARGET SECONDS (or: scripts/fuzz.sh list)}"
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
if [ "$target" = list ]; then
    (cd fuzz && cargo +nightly fuzz list)
    exit 0
fi
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS}"

corpus="fuzz/corpus/$target"
mkdir -p "$corpus" fuzz/logs "fuzz/regressions/$target" "fuzz/artifacts/$target"
# Seeds: the inputs each target is about, so the fuzzer starts from valid
# documents rather than from nothing.
case "$target" in
program_json)
    cp examples/programs/*.json "$corpus/" ;;
event_json)
    i=0
    for f in tests/vectors/*/events.jsonl; do
        while IFS= read -r line; do
            i=$((i + 1)); printf '%s' "$line" > "$corpus/vector-$i.json"
        done < "$f"
    done ;;
c_abi)
    i=0
    for f in tests/vectors/*/events.jsonl; do
        while IFS= read -r line; do
            i=$((i + 1)); { printf '\005null\377'; printf '%s' "$line"; } > "$corpus/vector-$i.bin"
        done < "$f"
    done ;;
esac
# Earlier crashes stay in the corpus so a fix is fuzzed around too.
cp fuzz/regressions/"$target"/* "$corpus/" 2>/dev/null || true

log="fuzz/logs/$target.log"
# Build once, then run a copy of the binary: edits to the sources while the
# fuzzer runs do not rebuild or swap it under the run.
# FUZZ_NO_BUILD=1 reuses the last build of the target.
: >"$log"
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
    echo "== building $target"
    (cd fuzz && cargo +nightly fuzz build "$target") >"$log" 2>&1 || { tail -n 30 "$log"; exit 1; }
fi
mkdir -p fuzz/target/snapshot
bin="fuzz/target/snapshot/$target"
cp "fuzz/target/x86_64-unknown-linux-gnu/release/$target" "$bin"
echo "== fuzzing $target for ${seconds}s (log: $log)"
status=0
"$bin" "$corpus" -artifact_prefix="fuzz/artifacts/$target/" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >>"$log" 2>&1 || status=$?

# Crashes, leaks, timeouts and out-of-memory inputs become regressions;
# `slow-unit-*` files (an input slower than 10 s) are only reported.
crashes=0
for f in fuzz/artifacts/"$target"/crash-* fuzz/artifacts/"$target"/leak-* \
         fuzz/artifacts/"$target"/timeout-* fuzz/artifacts/"$target"/oom-*; do
    [ -e "$f" ] || continue
    cp "$f" "fuzz/regressions/$target/"
    crashes=$((crashes + 1))
done
slow=$(find fuzz/artifacts/"$target" -name 'slow-unit-*' | wc -l)
runs=$(grep -aEo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
execs=$(grep -aE '^stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}' || true)
echo "== $target: ${runs:-no summary} (executions: ${execs:-?}), crashes: $crashes, slow units: $slow, exit status: $status"
exit "$status"
