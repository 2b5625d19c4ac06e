#!/usr/bin/env bash
# Builds the Routeplay JavaScript module (crates/routeplay-js) for Node and browsers:
#   target/js/node/  CommonJS (`require("./routeplay_js.js")`), wasm-bindgen --target nodejs
#   target/js/web/   ES module (`await init(); new Router(...)`), wasm-bindgen --target web
# each with the hand-written TypeScript types (routeplay.d.ts). wasm-opt -Oz when installed
# (tools/node_modules/.bin). Prints the module's size, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

cargo build -p routeplay-js --target wasm32-unknown-unknown --release
wasm=target/wasm32-unknown-unknown/release/routeplay_js.wasm
for t in node web; do
  out=target/js/$t
  rm -rf "$out"
  mkdir -p "$out"
  if [ "$t" = node ]; then target=nodejs; else target=web; fi
  # Our own d.ts replaces the generated one (it documents options, metadata and decisions).
  wasm-bindgen "$wasm" --target "$target" --out-dir "$out" --no-typescript
  if command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue "$out/routeplay_js_bg.wasm" -o "$out/routeplay_js_bg.wasm"
  fi
  cp crates/routeplay-js/routeplay.d.ts "$out/routeplay_js.d.ts"
  if [ "$t" = web ]; then
    # The web build must be initialised once before use.
    cat >> "$out/routeplay_js.d.ts" <<'DTS'

/** Loads the wasm (fetches routeplay_js_bg.wasm next to this file unless given). Call once. */
export default function init(
  module_or_path?: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module }
    | RequestInfo | URL | Response | BufferSource | WebAssembly.Module
): Promise<unknown>;
/** Synchronous init from bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
DTS
  fi
done
raw=$(wc -c < target/js/node/routeplay_js_bg.wasm)
gz=$(gzip -9 -c target/js/node/routeplay_js_bg.wasm | wc -c)
echo "routeplay-js: target/js/{node,web}/routeplay_js_bg.wasm $raw bytes, $gz gzipped"
