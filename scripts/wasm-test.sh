#!/usr/bin/env bash
# Runs the pure core's browser tests (crates/routeplay-core/tests/browser.rs) compiled for
# wasm32 in headless Chromium, through wasm-bindgen-test-runner and Debian's chromedriver
# (the runner already starts Chromium headless with --no-sandbox, which root needs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
cargo test -p routeplay-core --target wasm32-unknown-unknown --test browser
