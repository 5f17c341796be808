#!/usr/bin/env bash
# npm package layer (loyalty-wasm): builds the package, replays the
# conformance vectors and the API tests in Node, type-checks a TypeScript
# example against the shipped .d.ts, packs the package and installs it into
# an empty project, and drives the demo page (examples/web/) in headless
# Chromium. Installs what it needs on a new machine (wasm32 target,
# wasm-bindgen-cli, Debian's chromium, npm dev dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pkgdir=$root/loyalty-wasm
target_dir=${CARGO_TARGET_DIR:-$root/target}

if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y chromium
fi

echo "== npm ci (loyalty-wasm dev tools)"
(cd "$pkgdir" && npm ci --no-audit --no-fund)

echo "== src/types.d.ts matches schema/"
node "$pkgdir/scripts/gen-types.mjs" --check

bash scripts/build-wasm.sh

echo "== node --test (conformance vectors, API)"
(cd "$pkgdir" && node --test tests/*.test.mjs)

echo "== tsc --noEmit (TypeScript example against the .d.ts)"
(cd "$pkgdir" && npx --no-install tsc --noEmit -p tests/ts)

echo "== npm pack, install into an empty project, smoke test"
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
tarball=$(cd "$pkgdir" && npm pack --silent --pack-destination "$smoke" | tail -n 1)
(
  cd "$smoke"
  npm init -y >/dev/null
  npm install --no-audit --no-fund "./$tarball" >/dev/null
  program=$root/examples/programs/cafe.json
  export program
  node -e '
    const { Engine } = require("loyalty-wasm");
    const engine = Engine.fromJson(require("fs").readFileSync(process.env.program, "utf8"));
    const { account } = engine.apply(null, { type: "enrol", id: "e1", member: "m", time: "2026-03-02T08:00:00Z" });
    if (account.points.balance !== 20) throw new Error("require: unexpected balance");
    console.log("require(\"loyalty-wasm\") ok");'
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { Engine } from "loyalty-wasm";
    const engine = new Engine(JSON.parse(readFileSync(process.env.program, "utf8")));
    try { engine.apply(null, { type: "purchase", id: "p", time: "2026-03-02T08:00:00Z", lines: [] }); throw new Error("no error"); }
    catch (e) { if (!(e instanceof Error) || e.code !== "not_enrolled" || e.path !== "type") throw e; }
    console.log("import from \"loyalty-wasm\" ok");'
  node --experimental-wasm-modules --no-warnings --input-type=module -e '
    import { validateProgramJson } from "loyalty-wasm/bundler";
    import { readFileSync } from "node:fs";
    if (!validateProgramJson(readFileSync(process.env.program, "utf8")).startsWith("{\"ok\":true")) throw new Error("bundler build");
    console.log("bundler build (ESM + .wasm import) ok");'
  cp "$pkgdir/tests/ts/example.ts" "$pkgdir/tests/ts/tsconfig.json" .
  "$pkgdir/node_modules/.bin/tsc" --noEmit -p tsconfig.json
  echo "tsc --noEmit against the installed package ok"
)

echo "== browser test (headless Chromium)"
node "$pkgdir/tests/browser.mjs" "$target_dir/loyalty-wasm-demo.png"

wasm=$pkgdir/pkg/web/loyalty_wasm_bg.wasm
echo "== loyalty_wasm_bg.wasm: $(wc -c < "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped"
