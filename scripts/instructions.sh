#!/usr/bin/env bash
# Instructions per call of the hot paths, counted by valgrind's callgrind
# (the same on a busy machine as on a quiet one), against budgets: the
# figures of benches/README.md plus a tenth. A change that makes the
# engine do a tenth more work on any of them fails here, whatever the
# clock says; one that makes it cheaper should lower the budget with it.
#
#   bash scripts/instructions.sh          # the table, and a check of the budgets
#
# Each row runs `benches/examples/profile MODE ARGS` under callgrind with
# collection on only inside FUNCTION, and divides by the calls the mode
# makes (the 1,000 warm-up purchases of the café modes included).
# Counts vary by a few instructions with the toolchain and the C library
# (glibc's malloc and memcpy are in them); budgets leave room for that.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || {
    echo "valgrind is needed (scripts/test-c.sh installs it)" >&2
    exit 1
}

echo "== cargo build --release --example profile"
cargo build --release --locked -q -p loyalty-benches --example profile
bin=target/release/examples/profile
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name | function collected | profile arguments | calls ("events": as many
# as the profile says it replayed) | budget (0: none)
rows=(
    "baseline|loyalty_benches::baseline::cafe_hybrid|baseline 2000|3000|0"
    "quote_into|loyalty_core::engine::Engine::quote_into|quote_into 2000|3000|2511"
    "quote|loyalty_core::engine::Engine::quote|quote 2000|3000|2761"
    "apply (typed)|loyalty_core::engine::Engine::apply|apply 2000|3000|8773"
    "quote JSON|loyalty_core::json::quote|quote_json 2000|3000|20268"
    "apply JSON stateless|loyalty_core::json::apply|apply_json 2000|3000|33150"
    "kept JSON, 10 events|profile::timed_kept|history_kept 10 50|2000|17058"
    "kept JSON into, 10 events|profile::timed_kept_into|history_kept_into 10 50|2000|16551"
    "in place, 10 events|profile::timed_apply|history 10 50|2000|8558"
    "in place, 1,000 events|profile::timed_apply|history 1000 50|2000|9395"
    "replayed event|profile::replay_one|replay 300|events|7478"
    "quote, 200 rules|loyalty_core::engine::Engine::quote|rules_200_quote 500|600|52536"
    "apply in place, 200 rules|profile::timed_apply|rules_200_apply 300|400|104440"
)

failed=0
baseline=0
printf '%-28s %12s %12s\n' "figure" "Ir per call" "budget"
for row in "${rows[@]}"; do
    IFS='|' read -r name fn args calls budget <<<"$row"
    # shellcheck disable=SC2086 # the arguments are words
    valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
        --toggle-collect="$fn" "$bin" $args >"$work/log" 2>&1
    collected=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/log")
    if [[ "$calls" == events ]]; then
        calls=$(sed -n 's/.*, \([0-9]*\) events,.*/\1/p' "$work/log")
    fi
    if [[ -z "$collected" || -z "$calls" ]]; then
        echo "$name: no count from callgrind in $fn" >&2
        cat "$work/log" >&2
        exit 1
    fi
    per=$((collected / calls))
    if [[ "$name" == baseline ]]; then
        baseline=$per
    fi
    verdict=""
    if ((budget > 0 && per > budget)); then
        verdict="  OVER BUDGET"
        failed=1
    fi
    printf '%-28s %12s %12s%s\n' "$name" "$per" "${budget/#0/-}" "$verdict"
    if [[ "$name" == quote_into && $baseline -gt 0 ]]; then
        awk -v q="$per" -v b="$baseline" \
            'BEGIN { printf "%-28s %11.2fx\n", "quote_into / baseline", q / b }'
    fi
done
if ((failed)); then
    echo "instructions: over budget (see benches/README.md, 'Budgets that do not need a quiet machine')" >&2
    exit 1
fi
echo "instructions: every figure within its budget"
