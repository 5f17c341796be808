#!/usr/bin/env bash
# Builds the npm package `loyalty-wasm` into loyalty-wasm/pkg/:
#   pkg/bundler  ESM for bundlers (webpack, Vite...)   `import ... from "loyalty-wasm"`
#   pkg/web      ESM for a plain browser page          `import init, ... from "loyalty-wasm/web"`
#   pkg/node     CommonJS for Node                      `require("loyalty-wasm")` or `import`
# all under the one `exports` map of loyalty-wasm/package.json.
#
# Installs what it needs: the wasm32 target, wasm-bindgen-cli at exactly the
# version of the wasm-bindgen crate in Cargo.lock, and the npm dev tools
# (binaryen's wasm-opt, json-schema-to-typescript) when node_modules is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pkgdir=$root/loyalty-wasm
target_dir=${CARGO_TARGET_DIR:-$root/target}
profile=wasm-release

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown

# wasm-bindgen-cli must match the crate version byte for byte.
wb_version=$(awk '$0 == "name = \"wasm-bindgen\"" {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ -z "$wb_version" ]; then
  echo "build-wasm: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
installed=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$installed" != "$wb_version" ]; then
  echo "== installing wasm-bindgen-cli $wb_version (found: ${installed:-none})"
  # --locked first, as the crate publishes its lock file; fall back to a
  # fresh resolution when a locked dependency is missing from the registry.
  cargo install --locked wasm-bindgen-cli --version "$wb_version" \
    || cargo install wasm-bindgen-cli --version "$wb_version"
fi

if [ ! -d "$pkgdir/node_modules" ]; then
  (cd "$pkgdir" && npm ci --no-audit --no-fund)
fi

echo "== TypeScript types from schema/"
node "$pkgdir/scripts/gen-types.mjs"

echo "== cargo build ($profile, wasm32-unknown-unknown)"
cargo build --locked --profile "$profile" --target wasm32-unknown-unknown -p loyalty-wasm
wasm=$target_dir/wasm32-unknown-unknown/$profile/loyalty_wasm.wasm

rm -rf "$pkgdir/pkg"
wasm_opt=$pkgdir/node_modules/.bin/wasm-opt
for pair in bundler:bundler web:web nodejs:node; do
  target=${pair%%:*}
  out=$pkgdir/pkg/${pair##*:}
  echo "== wasm-bindgen --target $target -> pkg/${pair##*:}"
  wasm-bindgen --target "$target" --out-dir "$out" "$wasm"
  # --low-memory-unused: Rust puts its stack below its data, from address 1 MiB
  # down, so the first 1 KiB is never used and address arithmetic can fold
  # into load offsets; --converge: repeat until nothing shrinks. Together
  # 252,815 -> 250,298 bytes gzipped at the end of session 4.
  "$wasm_opt" -Oz --converge --low-memory-unused --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$out/loyalty_wasm_bg.wasm" "$out/loyalty_wasm_bg.wasm"
done
# Module kind of each folder's .js, whatever the package root says.
printf '{"type": "module"}\n' > "$pkgdir/pkg/bundler/package.json"
printf '{"type": "module"}\n' > "$pkgdir/pkg/web/package.json"
printf '{"type": "commonjs"}\n' > "$pkgdir/pkg/node/package.json"

raw=$(wc -c < "$pkgdir/pkg/web/loyalty_wasm_bg.wasm")
gz=$(gzip -9 -c "$pkgdir/pkg/web/loyalty_wasm_bg.wasm" | wc -c)
echo "== loyalty_wasm_bg.wasm: $raw bytes, $gz bytes gzipped (gzip -9)"
