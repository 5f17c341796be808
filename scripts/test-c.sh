#!/usr/bin/env bash
# C layer: the header is current, pos.c builds as C99 and C++ against the
# installed library and runs, and the C suite (every export, every error
# path, every conformance vector) passes as C and as C++, under valgrind and
# under AddressSanitizer + UndefinedBehaviorSanitizer. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

CBINDGEN_VERSION=0.29.4

# ---- tools ------------------------------------------------------------------
missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
if ((${#missing[@]})); then
    echo "== apt-get install ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$(cbindgen --version 2>/dev/null || true)" != "cbindgen $CBINDGEN_VERSION" ]; then
    echo "== cargo install cbindgen $CBINDGEN_VERSION"
    cargo install --locked --quiet cbindgen --version "$CBINDGEN_VERSION"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# ---- the header -------------------------------------------------------------
echo "== include/loyalty.h is what cbindgen generates"
cbindgen --quiet --config loyalty-ffi/cbindgen.toml --crate loyalty-ffi --output "$work/loyalty.h" loyalty-ffi
if ! cmp -s "$work/loyalty.h" include/loyalty.h; then
    diff -u include/loyalty.h "$work/loyalty.h" | head -40 || true
    echo "include/loyalty.h is stale: run" \
        "cbindgen --config loyalty-ffi/cbindgen.toml --crate loyalty-ffi --output include/loyalty.h loyalty-ffi"
    exit 1
fi

# ---- build and install, as the README says ----------------------------------
echo "== build and install the library (dev profile) into a temporary prefix"
prefix="$work/prefix"
LOYALTY_PROFILE=dev bash loyalty-ffi/install.sh "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cflags="$(pkg-config --cflags loyalty)"
libs="$(pkg-config --libs loyalty) -Wl,-rpath,$prefix/lib"
static="$prefix/lib/libloyalty.a $(pkg-config --static --libs-only-l loyalty | sed 's/-lloyalty//')"
strict=(-Wall -Wextra -Werror -pedantic)

# ---- pos.c ------------------------------------------------------------------
echo "== examples/c/pos.c as C99 (shared library) and as C++11 (static library)"
# shellcheck disable=SC2086
gcc -std=c99 "${strict[@]}" $cflags examples/c/pos.c $libs -o "$work/pos"
# shellcheck disable=SC2086
g++ -x c++ -std=c++11 "${strict[@]}" $cflags examples/c/pos.c -x none $static -o "$work/pos++"
"$work/pos" examples/programs/cafe.json >"$work/pos.out"
"$work/pos++" examples/programs/cafe.json >"$work/pos++.out"
cmp -s "$work/pos.out" "$work/pos++.out" || { echo "pos: C and C++ builds disagree"; exit 1; }
valgrind -q --leak-check=full --error-exitcode=1 "$work/pos" examples/programs/cafe.json >/dev/null
tail -4 "$work/pos.out"

# ---- the C suite ------------------------------------------------------------
suite=(loyalty-ffi/tests/c/test_loyalty.c)
args=(tests/vectors examples/programs/cafe.json)
posix=(-std=c99 -D_POSIX_C_SOURCE=200809L -pthread)
total_passed=0
total_failed=0
run_suite() { # name, command...
    local name="$1" out
    shift
    echo "== C suite: $name"
    out="$work/suite-$name.out"
    if "$@" >"$out" 2>&1; then status=0; else status=$?; fi
    cat "$out"
    local line
    line="$(grep -E '^C suite: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -1 || true)"
    if [ -z "$line" ] || [ "$status" != 0 ]; then
        echo "C suite ($name) did not pass (exit $status)"
        total_failed=$((total_failed + 1))
        return
    fi
    total_passed=$((total_passed + $(echo "$line" | sed -E 's/C suite: ([0-9]+) passed.*/\1/')))
    total_failed=$((total_failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')))
}

# shellcheck disable=SC2086
gcc "${posix[@]}" "${strict[@]}" -g $cflags "${suite[@]}" $libs -o "$work/test_loyalty"
# shellcheck disable=SC2086
gcc "${posix[@]}" "${strict[@]}" -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer $cflags "${suite[@]}" $static -o "$work/test_loyalty_asan"

# shellcheck disable=SC2086
g++ -x c++ -std=c++11 -D_POSIX_C_SOURCE=200809L -pthread "${strict[@]}" $cflags "${suite[@]}" -x none \
    $static -o "$work/test_loyalty++"

run_suite plain "$work/test_loyalty" "${args[@]}"
run_suite c++ "$work/test_loyalty++" "${args[@]}"
run_suite valgrind valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
    --error-exitcode=1 "$work/test_loyalty" "${args[@]}"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite asan-ubsan "$work/test_loyalty_asan" "${args[@]}"

# ---- the benchmark builds and runs (figures: loyalty-ffi/README.md) ---------
echo "== loyalty-ffi/bench/bench_apply.c (smoke run, unoptimized library)"
# shellcheck disable=SC2086
gcc -std=c99 "${strict[@]}" -O2 $cflags loyalty-ffi/bench/bench_apply.c $libs -o "$work/bench_apply"
"$work/bench_apply" examples/programs/cafe.json 200

echo "C suite: $total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
