#!/usr/bin/env bash
# Runs the pure core's browser tests (crates/routeplay-core/tests/browser.rs) compiled for
# wasm32 in headless Chromium, through wasm-bindgen-test-runner and Debian's chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
# The runner reads extra browser capabilities from ./webdriver.json: Chromium as root needs
# --no-sandbox, and this machine has no network to spare for background requests.
cat > webdriver.json <<'JSON'
{ "goog:chromeOptions": { "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] } }
JSON
trap 'rm -f webdriver.json' EXIT
cargo test -p routeplay-core --target wasm32-unknown-unknown --test browser
