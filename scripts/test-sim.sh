#!/usr/bin/env bash
# Simulator layer: installs headless Chromium, then runs the loyalty-sim
# tests with the screenshot of the HTML report required (not skipped), and
# keeps the picture in target/loyalty-report.png.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
    echo "== apt-get install chromium"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

echo "== loyalty-sim tests (release: the populations are large), screenshot required"
mkdir -p target
LOYALTY_SCREENSHOT=required LOYALTY_SCREENSHOT_OUT="$PWD/target/loyalty-report.png" \
    cargo test --locked --release -p loyalty-sim
echo "== cargo run (the README's command) writes the report"
cargo run --locked --release --quiet -- --members 500 --days 120 --html target/loyalty-report.html >/dev/null
test -s target/loyalty-report.html
echo "screenshot: target/loyalty-report.png"
