//! The core's behaviour checked in a real browser: `scripts/wasm-test.sh` compiles this file for
//! wasm32 and runs it in headless Chromium; natively it runs as ordinary `#[test]`s.
//!
//! Anything whose result could differ on wasm32 (32-bit `usize`, float formatting, hashing,
//! no clock) gets a test here.

use routeplay_core::signals::{CheapSignals, PiiKind};
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test(unsupported = test)]
fn cheap_signals_match_native_values() {
    let s = CheapSignals::compute(
        "Translate to German: 'The meeting moved to Friday.' Contact: ana@example.com",
    );
    assert_eq!(s.words, 10);
    assert_eq!(s.lines, 1);
    assert!(!s.has_code);
    assert_eq!(s.pii, vec![PiiKind::Email]);
    assert_eq!(s.language.as_ref().map(|l| l.code.as_str()), Some("eng"));
}

#[wasm_bindgen_test(unsupported = test)]
fn one_megabyte_prompt_is_handled() {
    let text = "Summarize the following report. ".repeat(32 * 1024);
    let s = CheapSignals::compute(&text);
    assert_eq!(s.bytes, text.len());
    assert!(s.tokens > 100_000);
    assert_eq!(s.language.as_ref().map(|l| l.code.as_str()), Some("eng"));
}

#[wasm_bindgen_test(unsupported = test)]
fn code_detection_in_browser() {
    assert!(CheapSignals::compute("```js\nconsole.log(1)\n```").has_code);
}
