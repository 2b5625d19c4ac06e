// Starts the app from a file, not an inline script, so the page's Content-Security-Policy
// needs no 'unsafe-inline'. Trunk writes the tag that loads this file (Trunk.toml
// `pattern_script`) with the hashed names of the wasm-bindgen glue and the wasm module.
(() => {
  const tag = document.currentScript;
  const at = (p) => new URL(p, document.baseURI).href;
  import(at(tag.dataset.js)).then(async (bindings) => {
    const wasm = await bindings.default({ module_or_path: at(tag.dataset.wasm) });
    // Measurement hooks (src/bench.rs) and the event Trunk's own loader fires.
    window.wasmBindings = bindings;
    dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
  });
})();
