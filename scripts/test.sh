#!/usr/bin/env bash
# The one test command: installs what the tests need and runs every test of
# every layer. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-rust.sh
bash scripts/test-c.sh
bash scripts/instructions.sh
bash scripts/test-wasm.sh
bash scripts/test-sim.sh
bash scripts/test-differential.sh
