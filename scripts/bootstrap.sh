#!/usr/bin/env bash
# Installs every tool Routeplay needs, idempotently. Fast when already done.
# Sources: crates.io, npm, Debian apt only. Nothing is downloaded from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
PLAYWRIGHT_VERSION=1.65.1
CARGO_FUZZ_VERSION=0.13.2

log() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*"; }

# wasm-bindgen-cli must equal the wasm-bindgen version that Cargo.lock resolves.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for c in rustfmt clippy; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done

# Fuzzing (scripts/fuzz.sh): libFuzzer needs a nightly toolchain; cargo-fuzz from crates.io.
if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly toolchain (for cargo-fuzz)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo-fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION" --force
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (several minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile names a webpki-roots version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Debian's binaryen (wasm-opt 108) breaks the app; use npm binaryen, kept in tools/node_modules.
# npm runs again when a package is missing, a pinned version differs, or tools/package.json or
# its lockfile changed since the last install (npm writes node_modules/.package-lock.json).
npm_tools_ok() {
  [ -x tools/node_modules/.bin/wasm-opt ] || return 1
  local dep want
  for dep in binaryen playwright-core axe-core; do
    want=$(sed -n "s/^ *\"$dep\": \"\([^\"]*\)\".*/\1/p" tools/package.json | head -1)
    [ -n "$want" ] || return 1
    grep -q "\"version\": \"$want\"" "tools/node_modules/$dep/package.json" 2>/dev/null || return 1
  done
  [ tools/node_modules/.package-lock.json -nt tools/package.json ] \
    && [ tools/node_modules/.package-lock.json -nt tools/package-lock.json ]
}
if ! npm_tools_ok; then
  log "installing npm tools (tools/package.json: binaryen $BINARYEN_VERSION, playwright-core $PLAYWRIGHT_VERSION, axe-core)"
  (cd tools && npm install --no-audit --no-fund --loglevel=error)
  touch tools/node_modules/.package-lock.json
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing chromium + chromium-driver (apt)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# Trunk runs offline (it must never download a tool), which also makes it call cargo with
# --offline: fetch every crate first, from crates.io.
cargo fetch --quiet

log "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(tools/node_modules/.bin/wasm-opt --version | head -1), $(chromium --version 2>/dev/null | head -1)"
