#!/usr/bin/env bash
# Build the C library and install it under a prefix:
#   PREFIX/include/loyalty.h
#   PREFIX/lib/libloyalty.so, PREFIX/lib/libloyalty.a
#   PREFIX/lib/pkgconfig/loyalty.pc
# Usage: bash loyalty-ffi/install.sh [PREFIX]   (default /usr/local)
# LOYALTY_PROFILE=dev installs an unoptimized build with debug assertions
# (what scripts/test-c.sh tests); the default is release.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:-/usr/local}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

profile="${LOYALTY_PROFILE:-release}"
cargo build --profile "$profile" --locked -p loyalty-ffi
[ "$profile" = dev ] && dir=debug || dir="$profile"
target="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}"
version="$(sed -n 's/^#define LOYALTY_VERSION "\(.*\)"$/\1/p' include/loyalty.h)"

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 include/loyalty.h "$prefix/include/loyalty.h"
install -m 755 "$target/$dir/libloyalty.so" "$prefix/lib/libloyalty.so"
install -m 644 "$target/$dir/libloyalty.a" "$prefix/lib/libloyalty.a"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" loyalty-ffi/loyalty.pc.in \
    > "$prefix/lib/pkgconfig/loyalty.pc"
echo "installed libloyalty $version under $prefix"
