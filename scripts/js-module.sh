#!/usr/bin/env bash
# Builds the Routeplay JavaScript module (crates/routeplay-js) for Node and browsers:
#   target/js/node/  CommonJS (`require("./routeplay_js.js")`), wasm-bindgen --target nodejs
#   target/js/web/   ES module (`await init(); new Router(...)`), wasm-bindgen --target web
# each with the hand-written TypeScript types (crates/routeplay-js/routeplay.d.ts). The wasm is
# the same for both targets, so wasm-opt -Oz (tools/node_modules/.bin, when installed) runs once;
# when neither cargo's output nor the d.ts changed since the last run, nothing is redone.
# Prints the module's size, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

cargo build -p routeplay-js --target wasm32-unknown-unknown --release
wasm=target/wasm32-unknown-unknown/release/routeplay_js.wasm
dts=crates/routeplay-js/routeplay.d.ts
stamp=target/js/.stamp
key=$(cat "$wasm" "$dts" "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] \
  && [ -f target/js/node/routeplay_js_bg.wasm ] && [ -f target/js/web/routeplay_js_bg.wasm ]; then
  echo "routeplay-js: target/js is up to date"
else
  rm -rf target/js/node target/js/web "$stamp"
  for t in node web; do
    if [ "$t" = node ]; then target=nodejs; else target=web; fi
    # Our own d.ts replaces the generated one (it documents options, metadata and decisions).
    wasm-bindgen "$wasm" --target "$target" --out-dir "target/js/$t" --no-typescript
    cp "$dts" "target/js/$t/routeplay_js.d.ts"
  done
  # The web build must be initialised once before use.
  cat >> target/js/web/routeplay_js.d.ts <<'DTS'

/** Loads the wasm (fetches routeplay_js_bg.wasm next to this file unless given). Call once. */
export default function init(
  module_or_path?: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module }
    | RequestInfo | URL | Response | BufferSource | WebAssembly.Module
): Promise<unknown>;
/** Synchronous init from bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
DTS
  if cmp -s target/js/node/routeplay_js_bg.wasm target/js/web/routeplay_js_bg.wasm \
    && command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      target/js/node/routeplay_js_bg.wasm -o target/js/node/routeplay_js_bg.wasm
    cp target/js/node/routeplay_js_bg.wasm target/js/web/routeplay_js_bg.wasm
  fi
  echo "$key" > "$stamp"
fi
raw=$(wc -c < target/js/node/routeplay_js_bg.wasm)
gz=$(gzip -9 -c target/js/node/routeplay_js_bg.wasm | wc -c)
echo "routeplay-js: target/js/{node,web}/routeplay_js_bg.wasm $raw bytes, $gz gzipped"
