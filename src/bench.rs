//! Measurement hooks for the end-to-end benchmark (`tests/e2e/bench.test.mjs`): exported to
//! JavaScript as `window.wasmBindings.*` by Trunk. They time core calls with the page's clock
//! on the user's device; nothing in the app calls them.

use crate::engine::now_ms;
use routeplay_core::classifier::Model;
use routeplay_core::signals::CheapSignals;
use wasm_bindgen::prelude::*;

/// Loads a classifier from `model` bytes and returns the mean microseconds per
/// `predict(text)` over `iterations` calls (after one warm-up call). Errors if the model does
/// not load.
#[wasm_bindgen]
pub fn bench_classify(model: &[u8], text: &str, iterations: u32) -> Result<f64, JsError> {
    let m = Model::from_bytes(model).map_err(|e| JsError::new(&e.to_string()))?;
    let n = iterations.max(1);
    let mut sink = 0.0;
    sink += m.predict(text).complexity;
    let t0 = now_ms();
    for _ in 0..n {
        sink += m.predict(text).complexity;
    }
    let us = (now_ms() - t0) * 1000.0 / n as f64;
    std::hint::black_box(sink);
    Ok(us)
}

/// Mean microseconds per [`CheapSignals::compute`] of `text` over `iterations` calls.
#[wasm_bindgen]
pub fn bench_cheap_signals(text: &str, iterations: u32) -> f64 {
    let n = iterations.max(1);
    let t0 = now_ms();
    for _ in 0..n {
        std::hint::black_box(CheapSignals::compute(text));
    }
    (now_ms() - t0) * 1000.0 / n as f64
}

/// Mean microseconds per prompt of the whole Prompt-view path for `text`: cheap signals (with
/// language detection when `language`), the classifier and one traced decision of the policy
/// `policy` (TOML) over `catalog` (JSON), over `iterations` calls after one warm-up.
#[wasm_bindgen]
pub fn bench_pipeline(
    model: &[u8],
    catalog: &str,
    policy: &str,
    text: &str,
    iterations: u32,
    language: bool,
) -> Result<f64, JsError> {
    use routeplay_core::catalog::Catalog;
    use routeplay_core::policy::{Facts, Metadata, Policy};
    use routeplay_core::signals::PromptSignals;
    let m = Model::from_bytes(model).map_err(|e| JsError::new(&e.to_string()))?;
    let catalog = Catalog::from_json(catalog).map_err(|e| JsError::new(&e.to_string()))?;
    let policy = Policy::load(policy, &catalog)
        .map_err(|d| JsError::new(&format!("{} errors in the policy", d.len())))?
        .0;
    let meta = Metadata::new();
    let once = || {
        let signals = PromptSignals {
            cheap: CheapSignals::compute_with_language(text, language),
            task: Some(m.predict(text)),
        };
        let facts = Facts::new(text, &signals, &meta);
        std::hint::black_box(policy.decide(&facts, &catalog));
    };
    once();
    let n = iterations.max(1);
    let t0 = now_ms();
    for _ in 0..n {
        once();
    }
    Ok((now_ms() - t0) * 1000.0 / n as f64)
}
